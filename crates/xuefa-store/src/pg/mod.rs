//! The PostgreSQL store: a province's workspace on one database server, shared by several
//! `xuefa serve` processes.
//!
//! ## The driver
//!
//! [`postgres`] (the synchronous face of `tokio-postgres`, by the same maintainers) with an
//! [`r2d2`] pool. The store's traits are synchronous, and the server already runs every
//! store call on a blocking worker, so an async driver would only add a runtime inside each
//! call; `sqlx` would bring its own runtime, a query macro that wants a database at build
//! time, and a second way of doing what `postgres` does plainly. TLS to the database is
//! `tokio-postgres-rustls` (rustls with the ring provider the server already uses), with the
//! CA file named in `[database] ca_file`.
//!
//! ## How it keeps the promises SQLite keeps
//!
//! - **Every write is one transaction.** [`PgStore::write`] runs a closure in a transaction
//!   and commits it, or rolls back on any error.
//! - **One writer where SQLite had one.** SQLite lets one writer in at a time, and the
//!   store's check-then-write logic (an import comparing what is stored, the ledger's chain)
//!   relies on it. Here those writes take a transaction-scoped advisory lock
//!   ([`Lock::Writer`]), so two processes importing, grading or submitting at once take turns
//!   instead of interleaving. The exam-day paths (saving an answer, a sign-in failure, a web
//!   session) take no such lock: they lock only the attempt's row, so thousands of sittings
//!   write side by side.
//! - **Concurrent writers retry.** A transaction that PostgreSQL aborts as a serialization
//!   failure or a deadlock is run again (up to [`RETRIES`] times, with a short growing
//!   pause), not reported.
//! - **Same bytes out.** Every text column compares byte by byte (`COLLATE "C"`), as
//!   SQLite's do, integers are 64-bit and reals double precision, so both backends sort and
//!   sum alike and every report's JSON is byte-identical.
//! - **Versioned migrations.** PostgreSQL support begins at schema version 11
//!   (`0011_schema.sql` is the whole schema of that version); later versions add one file to
//!   both backends. A database of a newer schema is refused as SQLite's is.
//!
//! ## Logins
//!
//! The driver speaks `trust`, `password`, `md5` and `scram-sha-256` (with channel binding
//! over TLS). PostgreSQL-derived servers that change SCRAM (openGauss and GaussDB use their
//! own `sha256` and `sm3` methods) are refused by it: give such a server an account with
//! `md5` (openGauss: `password_encryption_type = 1` before setting the password, and an
//! `md5` line in `pg_hba.conf`), over TLS. KingbaseES and Highgo accept standard
//! `scram-sha-256`.

mod banks;
mod exams;
mod ledger;
mod maintenance;
mod online;
mod practice;
mod study;

pub use banks::RosterWriter;
pub use study::MarkWriter;

use std::cell::{RefCell, RefMut};
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;
use postgres::error::SqlState;
use postgres::{Client, IsolationLevel, NoTls, Transaction};
use r2d2_postgres::PostgresConnectionManager;
use tokio_postgres_rustls::MakeRustlsConnect;

use crate::{Result, SCHEMA_VERSION, StoreError};

/// The migrations, each with the schema version it brings the database to.
const MIGRATIONS: &[(i64, &str)] = &[(11, include_str!("0011_schema.sql"))];

/// How many times a transaction aborted by a concurrent one is run again.
pub const RETRIES: u32 = 12;

/// Takes the advisory lock of the writers that take turns, until the transaction ends: one
/// per schema (the letters `xu`, and the schema's name hashed), so two workspaces in one
/// database do not wait for each other.
const TAKE_WRITER_LOCK: &str = "SELECT pg_advisory_xact_lock(30837, hashtext(current_schema()))";

/// Which lock a write takes before it begins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lock {
    /// None: the write touches rows of its own (an answer, a session), guarded by row locks
    /// and unique keys.
    Rows,
    /// The workspace's one writer at a time: imports, exams created, grading, submitting
    /// (the ledger is a chain, appended by one writer at a time), marks.
    Writer,
}

/// Where and how to reach the database: the URL (`postgres://user@host:5432/db`, or the
/// `key=value` form) and, for TLS, the CA file that signed the server's certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PgTarget {
    /// The connection URL.
    pub url: String,
    /// The CA certificate file (PEM) that the server's certificate must chain to; with it,
    /// the connection requires TLS unless the URL says `sslmode=disable`.
    pub ca_file: Option<PathBuf>,
}

impl PgTarget {
    /// A target without TLS.
    pub fn new(url: impl Into<String>) -> PgTarget {
        PgTarget { url: url.into(), ca_file: None }
    }

    /// The URL without its password, for messages.
    pub fn display(&self) -> String {
        redact(&self.url)
    }

    fn config(&self) -> Result<postgres::Config> {
        let mut config = postgres::Config::from_str(&self.url)
            .map_err(|error| StoreError::Connect { target: self.display(), detail: error.to_string() })?;
        if config.get_application_name().is_none() {
            config.application_name("xuefa");
        }
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(Duration::from_secs(10));
        }
        if self.ca_file.is_some() && !self.url.contains("sslmode") {
            config.ssl_mode(postgres::config::SslMode::Require);
        }
        Ok(config)
    }

    fn tls(&self) -> Result<Option<MakeRustlsConnect>> {
        let Some(path) = &self.ca_file else { return Ok(None) };
        let file_error = |detail: String| StoreError::File { path: path.clone(), detail };
        let pem = std::fs::read(path).map_err(|e| file_error(e.to_string()))?;
        let mut roots = rustls::RootCertStore::empty();
        let mut found = 0;
        for cert in rustls::pki_types::pem::PemObject::pem_slice_iter(&pem) {
            let cert: rustls::pki_types::CertificateDer<'_> =
                cert.map_err(|e| file_error(format!("not a PEM certificate file: {e:?}")))?;
            roots.add(cert).map_err(|e| file_error(format!("not a CA certificate: {e}")))?;
            found += 1;
        }
        if found == 0 {
            return Err(file_error(
                "holds no certificate (expected PEM: -----BEGIN CERTIFICATE-----)".into(),
            ));
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| file_error(e.to_string()))?
            .with_root_certificates(roots)
            .with_no_client_auth();
        Ok(Some(MakeRustlsConnect::new(config)))
    }

    fn connect_one(&self) -> Result<Client> {
        let config = self.config()?;
        let connected = match self.tls()? {
            Some(tls) => config.connect(tls),
            None => config.connect(NoTls),
        };
        let mut client = connected.map_err(|error| StoreError::Connect {
            target: self.display(),
            detail: connect_detail(&error),
        })?;
        client.batch_execute(SESSION_SETTINGS)?;
        Ok(client)
    }
}

/// The URL with any password replaced by `***`.
fn redact(url: &str) -> String {
    // postgres://user:password@host/db
    if let Some(rest) = url.split_once("://").map(|(_, rest)| rest)
        && let Some((userinfo, _)) = rest.split_once('@')
        && let Some((_, password)) = userinfo.split_once(':')
        && !password.is_empty()
    {
        return url.replacen(&format!(":{password}@"), ":***@", 1);
    }
    // key=value form
    url.split_whitespace()
        .map(|part| if part.starts_with("password=") { "password=***" } else { part })
        .collect::<Vec<_>>()
        .join(" ")
}

fn connect_detail(error: &postgres::Error) -> String {
    use std::error::Error as _;
    let mut detail = error.to_string();
    let mut source = error.source();
    while let Some(inner) = source {
        let text = inner.to_string();
        if !detail.contains(&text) {
            detail = format!("{detail}: {text}");
        }
        source = inner.source();
    }
    detail
}

/// Settings of every connection. No JIT: xuefa's queries are many and short (a report of a
/// year reads marks session by session), and compiling each one cost more than it saved
/// (5 minutes of a province's attendance report went to compiling 9,000 small queries).
const SESSION_SETTINGS: &str = "SET jit = off";

/// Applies [`SESSION_SETTINGS`] to each connection a pool makes.
#[derive(Debug)]
struct Settings;

impl r2d2::CustomizeConnection<Client, postgres::Error> for Settings {
    fn on_acquire(&self, client: &mut Client) -> std::result::Result<(), postgres::Error> {
        client.batch_execute(SESSION_SETTINGS)
    }
}

enum Pool {
    Plain(r2d2::Pool<PostgresConnectionManager<NoTls>>),
    Tls(r2d2::Pool<PostgresConnectionManager<MakeRustlsConnect>>),
    /// Closing, on a thread of its own.
    Closed,
}

impl Drop for Pool {
    fn drop(&mut self) {
        if !matches!(self, Pool::Closed) {
            off_runtime(self, Pool::Closed);
        }
    }
}

/// The driver's synchronous client runs a runtime of its own to talk to the server, which
/// may not start on a thread that drives async tasks (a server's): closing a connection
/// there would panic. So a connection or pool dropped on such a thread is handed, in
/// `value`'s place, to a thread of its own to close; anywhere else it closes as it is.
fn off_runtime<T: Send + 'static>(value: &mut T, closed: T) {
    if tokio::runtime::Handle::try_current().is_ok() {
        let taken = std::mem::replace(value, closed);
        // Closing cannot fail in a way anyone could act on; a thread that cannot start
        // leaves the connection to be closed when the process ends.
        let _ = std::thread::Builder::new().name("xuefa-pg-close".into()).spawn(move || drop(taken));
    }
}

/// A pool of connections to one database, for a server's workers: cloning shares the pool.
/// The schema is brought up to date once, when the pool is made.
#[derive(Clone)]
pub struct PgPool {
    pool: Arc<Pool>,
    target: PgTarget,
}

impl std::fmt::Debug for PgPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgPool").field("target", &self.target.display()).finish_non_exhaustive()
    }
}

impl PgPool {
    /// Connects (once, to report a wrong address or login at once), migrates, and makes a
    /// pool of at most `size` connections.
    ///
    /// # Errors
    /// Returns [`StoreError::Connect`] when the server cannot be reached or refuses the
    /// login, [`StoreError::TooNew`] for a newer schema, or a database error.
    pub fn connect(target: &PgTarget, size: u32) -> Result<PgPool> {
        let mut first = target.connect_one()?;
        migrate(&mut first)?;
        drop(first);
        let config = target.config()?;
        fn builder<M: r2d2::ManageConnection<Connection = Client, Error = postgres::Error>>(
            size: u32,
        ) -> r2d2::Builder<M> {
            r2d2::Pool::builder()
                .max_size(size.max(1))
                .min_idle(Some(0))
                .connection_timeout(Duration::from_secs(30))
                .connection_customizer(Box::new(Settings))
        }
        let build_error =
            |error: r2d2::Error| StoreError::Connect { target: target.display(), detail: error.to_string() };
        let pool = match target.tls()? {
            Some(tls) => Pool::Tls(
                builder(size).build(PostgresConnectionManager::new(config, tls)).map_err(build_error)?,
            ),
            None => Pool::Plain(
                builder(size).build(PostgresConnectionManager::new(config, NoTls)).map_err(build_error)?,
            ),
        };
        Ok(PgPool { pool: Arc::new(pool), target: target.clone() })
    }

    /// Takes a connection from the pool (waiting up to 30 seconds for one).
    ///
    /// # Errors
    /// Returns [`StoreError::Connect`] when none comes free or the server is gone.
    pub fn store(&self) -> Result<PgStore> {
        let error =
            |e: r2d2::Error| StoreError::Connect { target: self.target.display(), detail: e.to_string() };
        let conn = match &*self.pool {
            Pool::Plain(pool) => Conn::Plain(pool.get().map_err(error)?),
            Pool::Tls(pool) => Conn::Tls(pool.get().map_err(error)?),
            Pool::Closed => return Err(closed()),
        };
        Ok(PgStore { conn: RefCell::new(conn), target: self.target.clone() })
    }
}

enum Conn {
    Direct(Client),
    Plain(r2d2::PooledConnection<PostgresConnectionManager<NoTls>>),
    Tls(r2d2::PooledConnection<PostgresConnectionManager<MakeRustlsConnect>>),
    /// Closing, on a thread of its own.
    Closed,
}

impl Conn {
    fn client(&mut self) -> Option<&mut Client> {
        match self {
            Conn::Direct(client) => Some(client),
            Conn::Plain(pooled) => Some(pooled),
            Conn::Tls(pooled) => Some(pooled),
            Conn::Closed => None,
        }
    }
}

impl Drop for Conn {
    fn drop(&mut self) {
        if !matches!(self, Conn::Closed) {
            off_runtime(self, Conn::Closed);
        }
    }
}

/// The error of a connection or pool already being closed (never seen by a caller: only a
/// value being dropped is closed).
fn closed() -> StoreError {
    StoreError::Corrupt("the database connection is closed".into())
}

/// A workspace database on a PostgreSQL server: one connection (its own, or one taken from
/// a [`PgPool`]).
pub struct PgStore {
    conn: RefCell<Conn>,
    target: PgTarget,
}

impl std::fmt::Debug for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgStore").field("target", &self.target.display()).finish_non_exhaustive()
    }
}

impl PgStore {
    /// Connects to the database and brings its schema up to date.
    ///
    /// # Errors
    /// Returns [`StoreError::Connect`], [`StoreError::TooNew`], [`StoreError::NotXuefa`]
    /// for a database that holds another program's tables, or a database error.
    pub fn open(target: &PgTarget) -> Result<PgStore> {
        let mut client = target.connect_one()?;
        migrate(&mut client)?;
        Ok(PgStore { conn: RefCell::new(Conn::Direct(client)), target: target.clone() })
    }

    /// Where this store is (the URL without its password).
    pub fn target(&self) -> &PgTarget {
        &self.target
    }

    /// Returns the schema version of the database.
    ///
    /// # Errors
    /// Returns a database error.
    pub fn schema_version(&self) -> Result<i64> {
        self.read(|tx| {
            Ok(tx.query_one("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", &[])?.try_get(0)?)
        })
    }

    /// The connection, for one call at a time. Callers never hold it across a call that
    /// takes it again.
    pub(crate) fn client(&self) -> Result<RefMut<'_, Client>> {
        RefMut::filter_map(self.conn.borrow_mut(), Conn::client).map_err(|_| closed())
    }

    /// Runs `f` in a read-only transaction that sees one snapshot of the database, so a
    /// read of several queries sees one state, as a reader of SQLite's WAL does.
    ///
    /// # Errors
    /// Returns what `f` returns, or a database error.
    pub(crate) fn read<T>(&self, f: impl FnOnce(&mut Transaction<'_>) -> Result<T>) -> Result<T> {
        let mut client = self.client()?;
        let mut tx = client
            .build_transaction()
            .isolation_level(IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()?;
        let value = f(&mut tx)?;
        tx.commit()?;
        Ok(value)
    }

    /// Runs `f` in one transaction after taking `lock`, and commits; on an error rolls back
    /// and returns it, except that a serialization failure or a deadlock runs `f` again.
    ///
    /// # Errors
    /// Returns what `f` returns, or a database error.
    pub(crate) fn write<T>(
        &self,
        lock: Lock,
        mut f: impl FnMut(&mut Transaction<'_>) -> Result<T>,
    ) -> Result<T> {
        let mut client = self.client()?;
        let mut tries = 0;
        loop {
            tries += 1;
            let result = (|| {
                let mut tx = client.transaction()?;
                if lock == Lock::Writer {
                    tx.execute(TAKE_WRITER_LOCK, &[])?;
                }
                let value = f(&mut tx)?;
                tx.commit()?;
                Ok(value)
            })();
            match result {
                Err(error) if tries <= RETRIES && is_retryable(&error) => {
                    std::thread::sleep(Duration::from_millis(5 * u64::from(tries * tries)));
                }
                other => return other,
            }
        }
    }
}

impl PgStore {
    /// Updates the planner's figures of `tables` after a bulk write (a roster, a sign-in
    /// sheet, a grading). Until autovacuum gets to them, PostgreSQL plans with figures of the
    /// tables as they were: a province's attendance report took 100 s instead of 43 s. The write is
    /// done by then: a failure here changes nothing and is not reported.
    pub(crate) fn analyze(&self, tables: &[&str]) {
        if let Ok(mut client) = self.client() {
            let _ = client.batch_execute(&format!("ANALYZE {}", tables.join(", ")));
        }
    }

    /// Runs `f` once in one transaction after taking `lock`, and commits; on an error rolls
    /// back and returns it. For a write that consumes its input as it goes (an iterator, a
    /// file being read) and so cannot be run again: give it [`Lock::Writer`], under which
    /// no concurrent writer can make PostgreSQL abort it.
    ///
    /// # Errors
    /// Returns what `f` returns, or a database error.
    pub(crate) fn write_once<T>(
        &self,
        lock: Lock,
        f: impl FnOnce(&mut Transaction<'_>) -> Result<T>,
    ) -> Result<T> {
        let mut client = self.client()?;
        let mut tx = client.transaction()?;
        if lock == Lock::Writer {
            tx.execute(TAKE_WRITER_LOCK, &[])?;
        }
        let value = f(&mut tx)?;
        tx.commit()?;
        Ok(value)
    }
}

/// Whether PostgreSQL aborted the transaction because of another one, so running it again
/// may succeed.
pub(crate) fn is_retryable(error: &StoreError) -> bool {
    let StoreError::Postgres(error) = error else { return false };
    matches!(error.code(), Some(code) if *code == SqlState::T_R_SERIALIZATION_FAILURE || *code == SqlState::T_R_DEADLOCK_DETECTED)
}

/// Whether the error is a unique key refusing a second row.
pub(crate) fn is_unique_violation(error: &postgres::Error) -> bool {
    error.code() == Some(&SqlState::UNIQUE_VIOLATION)
}

fn migrate(client: &mut Client) -> Result<()> {
    let mut tx = client.transaction()?;
    // Two processes opening a new database at once: one migrates, the other waits and
    // then finds the work done.
    tx.execute(TAKE_WRITER_LOCK, &[])?;
    let tables: Vec<String> = tx
        .query(
            "SELECT table_name::text FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
            &[],
        )?
        .iter()
        .map(|row| row.try_get(0))
        .collect::<std::result::Result<_, _>>()?;
    if !tables.is_empty() && !tables.iter().any(|t| t == "schema_migrations") {
        let schema: String = tx.query_one("SELECT current_schema()::text", &[])?.try_get(0)?;
        return Err(StoreError::NotXuefa {
            path: PathBuf::from(format!("schema {schema}")),
            reason: "foreign",
        });
    }
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at TEXT NOT NULL)",
    )?;
    let current: i64 =
        tx.query_one("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", &[])?.try_get(0)?;
    if current > SCHEMA_VERSION {
        return Err(StoreError::TooNew { found: current, known: SCHEMA_VERSION });
    }
    for (version, sql) in MIGRATIONS {
        if *version <= current {
            continue;
        }
        tx.batch_execute(sql).map_err(|error| {
            StoreError::Corrupt(format!(
                "schema version {current} is recorded, but migration {version} cannot be applied ({})",
                error.as_db_error().map_or_else(|| error.to_string(), |db| db.message().to_owned())
            ))
        })?;
        tx.execute(
            "INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)",
            &[version, &Timestamp::now().to_string()],
        )?;
    }
    tx.commit()?;
    Ok(())
}

/// Converts a count or number the store keeps as `u32`/`usize` to the BIGINT it is stored as.
pub(crate) fn int(value: impl TryInto<i64>) -> i64 {
    value.try_into().unwrap_or(i64::MAX)
}

/// Where PostgreSQL's errors are worded for an administrator: the class of failure.
pub(crate) fn failure(error: &postgres::Error) -> Option<crate::DatabaseFailure> {
    use crate::DatabaseFailure;
    if error.is_closed() {
        return Some(DatabaseFailure::Unreachable);
    }
    let code = error.code()?;
    Some(match code.code() {
        "53100" => DatabaseFailure::DiskFull,
        "25006" => DatabaseFailure::ReadOnly,
        "XX001" | "XX002" => DatabaseFailure::Damaged,
        "58030" => DatabaseFailure::Io,
        "55P03" | "40001" | "40P01" => DatabaseFailure::Busy,
        c if c.starts_with("08") || c == "57P01" || c == "57P02" || c == "57P03" => {
            DatabaseFailure::Unreachable
        }
        "28000" | "28P01" | "3D000" | "42501" => DatabaseFailure::CannotOpen,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_database_gets_the_schema_once_and_a_newer_one_is_refused() {
        let Some(scratch) = crate::testing::postgres("pg::migrate") else { return };
        let store = PgStore::open(&scratch.target).expect("open");
        assert_eq!(store.schema_version().expect("version"), SCHEMA_VERSION);
        drop(store);
        // Opening again applies nothing twice.
        let store = PgStore::open(&scratch.target).expect("reopen");
        assert_eq!(store.schema_version().expect("version"), SCHEMA_VERSION);
        store
            .client()
            .expect("connection")
            .execute(
                "INSERT INTO schema_migrations (version, applied_at) VALUES ($1, 'later')",
                &[&(SCHEMA_VERSION + 1)],
            )
            .expect("a newer version");
        drop(store);
        match PgStore::open(&scratch.target) {
            Err(StoreError::TooNew { found, known }) => {
                assert_eq!((found, known), (SCHEMA_VERSION + 1, SCHEMA_VERSION))
            }
            other => panic!("expected TooNew, got {other:?}"),
        }
    }

    #[test]
    fn another_programs_tables_are_not_taken_over() {
        let Some(scratch) = crate::testing::postgres("pg::foreign") else { return };
        let mut client = scratch.target.connect_one().expect("connect");
        client.batch_execute("CREATE TABLE invoices (id BIGINT)").expect("a foreign table");
        drop(client);
        assert!(matches!(
            PgStore::open(&scratch.target),
            Err(StoreError::NotXuefa { reason: "foreign", .. })
        ));
    }

    #[test]
    fn a_wrong_address_is_a_connect_error_without_the_password() {
        let target = PgTarget::new("postgres://xuefa:s3cret@127.0.0.1:1/nothing?connect_timeout=2");
        match PgStore::open(&target) {
            Err(StoreError::Connect { target, detail }) => {
                assert!(!target.contains("s3cret") && !detail.contains("s3cret"), "{target} {detail}");
            }
            other => panic!("expected a connect error, got {other:?}"),
        }
    }

    #[test]
    fn passwords_are_not_shown() {
        assert_eq!(
            redact("postgres://xuefa:s3cret@db.example:5432/xuefa"),
            "postgres://xuefa:***@db.example:5432/xuefa"
        );
        assert_eq!(redact("postgres://root@127.0.0.1/test"), "postgres://root@127.0.0.1/test");
        assert_eq!(redact("host=db user=x password=p dbname=y"), "host=db user=x password=*** dbname=y");
    }
}
