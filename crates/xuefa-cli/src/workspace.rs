//! Finding the workspace of a command (`--workspace`, then `XUEFA_WORKSPACE`, then upwards
//! from the current folder) and the time it runs at (`XUEFA_NOW` overrides the clock, so
//! tests can move through deadlines).

use std::path::PathBuf;
use std::sync::OnceLock;

use jiff::Timestamp;
use jiff::tz::Offset;
use xuefa_store::{AnyStore, Location, PgPool, SqliteStore, Workspace};

use crate::error::CommandError;

/// Returns the workspace and its open store: `xuefa.db`, or the PostgreSQL database that
/// `XUEFA_DATABASE_URL` or `[database] url` names.
pub fn open(explicit: Option<&PathBuf>) -> Result<(Workspace, AnyStore), CommandError> {
    let workspace = find(explicit)?;
    let store = workspace.open_store(database_url().as_deref())?;
    Ok((workspace, store))
}

/// Opens (creating its schema) the PostgreSQL database a copy goes to.
pub fn open_postgres(target: &xuefa_store::PgTarget) -> Result<AnyStore, CommandError> {
    Ok(AnyStore::Postgres(xuefa_store::PgStore::open(target)?))
}

/// Opens (creating) the SQLite file a copy goes to.
pub fn open_sqlite(path: &std::path::Path) -> Result<AnyStore, CommandError> {
    Ok(AnyStore::Sqlite(SqliteStore::open(path)?))
}

/// `XUEFA_DATABASE_URL`, when set: the PostgreSQL database instead of the one in
/// `xuefa.toml` (the place for a password).
pub fn database_url() -> Option<String> {
    std::env::var("XUEFA_DATABASE_URL").ok().filter(|url| !url.trim().is_empty())
}

/// Where the workspace's store is.
pub fn location(workspace: &Workspace) -> Location {
    workspace.location(database_url().as_deref())
}

/// The file `xuefa serve` holds a shared lock on while it runs, and a restore an exclusive
/// one: a database is not replaced under a running server.
const LOCK_FILE: &str = "xuefa.lock";

/// Holds the workspace for a server (shared: commands go on beside it) for as long as the
/// returned file is open.
pub fn hold_for_serving(workspace: &Workspace) -> Result<std::fs::File, CommandError> {
    let path = workspace.root.join(LOCK_FILE);
    let file = std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(&path).map_err(
        |error| {
            CommandError::message_of(
                "workspace.lock_failed",
                vec![("path", path.display().to_string()), ("detail", crate::i18n::io_error(&error))],
            )
        },
    )?;
    file.lock_shared().map_err(|error| {
        CommandError::message_of(
            "workspace.lock_failed",
            vec![("path", path.display().to_string()), ("detail", crate::i18n::io_error(&error))],
        )
    })?;
    Ok(file)
}

/// Holds the workspace alone (no server running) for as long as the returned file is open;
/// `None` when a server holds it.
pub fn hold_alone(workspace: &Workspace) -> Result<Option<std::fs::File>, CommandError> {
    let path = workspace.root.join(LOCK_FILE);
    let file = std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(&path).map_err(
        |error| {
            CommandError::message_of(
                "workspace.lock_failed",
                vec![("path", path.display().to_string()), ("detail", crate::i18n::io_error(&error))],
            )
        },
    )?;
    match file.try_lock() {
        Ok(()) => Ok(Some(file)),
        Err(std::fs::TryLockError::WouldBlock) => Ok(None),
        Err(std::fs::TryLockError::Error(error)) => Err(CommandError::message_of(
            "workspace.lock_failed",
            vec![("path", path.display().to_string()), ("detail", crate::i18n::io_error(&error))],
        )),
    }
}

/// What a backup file holds, read without changing it.
pub fn inspect_backup(path: &std::path::Path) -> Result<xuefa_store::BackupInfo, xuefa_store::StoreError> {
    SqliteStore::inspect(path)
}

/// Puts a backup in place of the workspace's database, the replaced one kept at `aside`.
pub fn restore_backup(
    workspace: &Workspace,
    backup: &std::path::Path,
    aside: &std::path::Path,
) -> Result<xuefa_store::BackupInfo, xuefa_store::StoreError> {
    SqliteStore::restore(backup, &workspace.database_path(), aside)
}

/// Returns the workspace without opening its store (for replacing the database).
pub fn find(explicit: Option<&PathBuf>) -> Result<Workspace, CommandError> {
    let cwd = std::env::current_dir().map_err(|error| {
        CommandError::message_of("workspace.no_cwd", vec![("detail", crate::i18n::io_error(&error))])
    })?;
    let from_env = std::env::var_os("XUEFA_WORKSPACE").filter(|v| !v.is_empty()).map(PathBuf::from);
    let workspace = Workspace::find(explicit.map(PathBuf::as_path), from_env.as_deref(), &cwd)?;
    let _ = OFFICE_OFFSET.set(workspace.config.offset());
    let _ = DATABASE_PATH.set(match workspace.location(database_url().as_deref()) {
        Location::Sqlite(path) => path,
        Location::Postgres(target) => PathBuf::from(target.display()),
    });
    Ok(workspace)
}

/// The office's offset from UTC, set when the command opens its workspace: a command works
/// in one workspace, and every time it shows is the office's.
static OFFICE_OFFSET: OnceLock<Offset> = OnceLock::new();

/// The database file of the command's workspace (or its PostgreSQL URL without the
/// password), named in database errors.
static DATABASE_PATH: OnceLock<PathBuf> = OnceLock::new();

/// Returns the database file of the open workspace, if one is open.
pub fn database_path() -> Option<&'static PathBuf> {
    DATABASE_PATH.get()
}

/// Returns the office's offset (China Standard Time before a workspace is open).
pub fn office_offset() -> Offset {
    OFFICE_OFFSET.get().copied().unwrap_or_else(|| jiff::tz::offset(8))
}

/// Returns a time as a person at the office reads it: `2026-12-04 09:30:00`.
pub fn shown_time(time: Timestamp) -> String {
    office_offset().to_datetime(time).strftime("%Y-%m-%d %H:%M:%S").to_string()
}

/// Returns a time for programs: RFC 3339 in the office's offset, `2026-12-04T09:30:00+08:00`.
pub fn rfc3339(time: Timestamp) -> String {
    time.display_with_offset(office_offset()).to_string()
}

/// Returns a stored time (RFC 3339 text) in the office's offset; text that is not a time
/// is returned as it is.
pub fn rfc3339_text(stored: &str) -> String {
    stored.parse::<Timestamp>().map_or_else(|_| stored.to_owned(), rfc3339)
}

/// Returns a stored time (RFC 3339 text) as a person at the office reads it.
pub fn shown_time_text(stored: &str) -> String {
    stored.parse::<Timestamp>().map_or_else(|_| stored.to_owned(), shown_time)
}

/// Returns the year it is at the office now.
pub fn this_year(workspace: &Workspace) -> Result<i16, CommandError> {
    Ok(workspace.config.offset().to_datetime(now()?).date().year())
}

/// Returns the date it is at the office at `time`.
pub fn office_date(workspace: &Workspace, time: Timestamp) -> jiff::civil::Date {
    workspace.config.offset().to_datetime(time).date()
}

/// Returns the time the command runs at, to the second: `XUEFA_NOW` (RFC 3339) when set,
/// else the clock. Read once per command and passed down.
pub fn now() -> Result<Timestamp, CommandError> {
    let now = match std::env::var("XUEFA_NOW") {
        Ok(text) if !text.trim().is_empty() => text.trim().parse::<Timestamp>().map_err(|error| {
            CommandError::message_of(
                "time.bad_now",
                vec![("value", text.clone()), ("detail", error.to_string())],
            )
        })?,
        _ => Timestamp::now(),
    };
    // Records show seconds; finer digits would only make the same second look different.
    Ok(Timestamp::from_second(now.as_second()).unwrap_or(now))
}

/// Returns the end of a validity given as a date (`2026-12-31`: through that day at the
/// office) or an RFC 3339 time.
pub fn parse_until(workspace: &Workspace, text: &str) -> Option<Timestamp> {
    let text = text.trim();
    if let Ok(time) = text.parse::<Timestamp>() {
        return Some(time);
    }
    let date: jiff::civil::Date = text.parse().ok()?;
    let next = date.tomorrow().ok()?;
    workspace.config.offset().to_timestamp(next.to_datetime(jiff::civil::Time::midnight())).ok()
}

/// Returns a function that opens another connection to the workspace's store, for a
/// server that holds several: another SQLite connection to the file, or a connection from
/// one pool of `[database] pool_size` connections to the PostgreSQL database.
pub fn opener(workspace: &Workspace) -> Result<xuefa_server::Opener<AnyStore>, CommandError> {
    Ok(match location(workspace) {
        Location::Sqlite(path) => std::sync::Arc::new(move || {
            SqliteStore::open(&path).map(AnyStore::Sqlite).map_err(xuefa_app::AppError::Store)
        }),
        Location::Postgres(target) => {
            let pool = PgPool::connect(&target, workspace.config.database.pool_size)?;
            std::sync::Arc::new(move || {
                pool.store().map(AnyStore::Postgres).map_err(xuefa_app::AppError::Store)
            })
        }
    })
}
