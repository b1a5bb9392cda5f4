//! Copying a whole workspace database between backends (`xuefa db copy`): SQLite to
//! PostgreSQL, PostgreSQL to SQLite, or PostgreSQL to another PostgreSQL database. Every
//! table is copied row for row (row ids included, so the ledger's records and every link
//! between tables stay as they were), in one transaction on the destination, which must be
//! empty; then each table is counted and hashed on both sides, and the copy is kept only
//! when every count and hash agree.

use std::collections::BTreeMap;

use postgres::fallible_iterator::FallibleIterator;
use postgres::types::{ToSql, Type};
use sha2::{Digest, Sha256};

use crate::pg::PgStore;
use crate::{AnyStore, Result, SqliteStore, StoreError};

/// The tables of a workspace, parents before children.
const TABLES: &[&str] = &[
    "banks",
    "questions",
    "question_versions",
    "departments",
    "people",
    "person_history",
    "imports",
    "exams",
    "exam_pool",
    "exam_sections",
    "attempts",
    "responses",
    "study_sessions",
    "attendance",
    "item_marks",
    "access_codes",
    "web_sessions",
    "login_failures",
    "attempt_events",
    "ledger",
    "practice_answers",
    "practice_book",
    "practice_exam_attempts",
    "practice_days",
];

/// The tables whose `id` is an identity on PostgreSQL, to be moved past the copied ids.
const IDENTITIES: &[&str] =
    &["banks", "questions", "departments", "people", "imports", "attempts", "practice_answers"];

/// What one table's copy did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct TableCopy {
    /// The table.
    pub table: String,
    /// Rows copied (and counted again on both sides).
    pub rows: u64,
    /// SHA-256 (hex) of the table's rows in key order, the same on both sides.
    pub hash: String,
}

/// A column's type, as PostgreSQL declares it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Int,
    Real,
    Text,
    Blob,
}

impl Column {
    fn pg_type(self) -> Type {
        match self {
            Column::Int => Type::INT8,
            Column::Real => Type::FLOAT8,
            Column::Text => Type::TEXT,
            Column::Blob => Type::BYTEA,
        }
    }
}

/// One value, whichever side it came from.
#[derive(Debug, Clone, PartialEq)]
enum Value {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

impl Value {
    /// Feeds the value to a hash, tagged and length-prefixed.
    fn digest(&self, hash: &mut Sha256) {
        match self {
            Value::Null => hash.update([0]),
            Value::Int(v) => {
                hash.update([1]);
                hash.update(v.to_le_bytes());
            }
            Value::Real(v) => {
                hash.update([2]);
                hash.update(v.to_bits().to_le_bytes());
            }
            Value::Text(v) => {
                hash.update([3]);
                hash.update((v.len() as u64).to_le_bytes());
                hash.update(v.as_bytes());
            }
            Value::Blob(v) => {
                hash.update([4]);
                hash.update((v.len() as u64).to_le_bytes());
                hash.update(v);
            }
        }
    }
}

/// A table's columns in order, their types, and the order its rows are hashed in.
#[derive(Debug, Clone)]
struct Table {
    name: &'static str,
    columns: Vec<(String, Column)>,
    order: String,
}

/// Reads the tables' columns from a PostgreSQL workspace (the schema of both sides is the
/// same version, so one side's catalog describes both).
fn describe(store: &PgStore) -> Result<Vec<Table>> {
    store.read(|tx| {
        let mut tables = Vec::new();
        for &name in TABLES {
            let rows = tx.query(
                "SELECT column_name::text, data_type::text FROM information_schema.columns \
                 WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
                &[&name],
            )?;
            let mut columns = Vec::new();
            for row in rows {
                let column: String = row.try_get(0)?;
                let kind: String = row.try_get(1)?;
                let kind = match kind.as_str() {
                    "bigint" | "integer" => Column::Int,
                    "double precision" | "real" => Column::Real,
                    "text" => Column::Text,
                    "bytea" => Column::Blob,
                    other => return Err(StoreError::Corrupt(format!("{name}.{column} has the unexpected type {other}"))),
                };
                columns.push((column, kind));
            }
            if columns.is_empty() {
                return Err(StoreError::Corrupt(format!("the database has no table {name}")));
            }
            let keys: Vec<String> = tx
                .query(
                    "SELECT a.attname::text FROM pg_index i \
                     JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) \
                     WHERE i.indrelid = to_regclass(quote_ident(current_schema()) || '.' || $1) AND i.indisprimary \
                     ORDER BY array_position(i.indkey::int2[], a.attnum)",
                    &[&name],
                )?
                .iter()
                .map(|row| row.try_get(0))
                .collect::<std::result::Result<_, _>>()?;
            // Departments: parents before children, whatever their ids.
            let order = if name == "departments" {
                "depth, id".to_owned()
            } else if keys.is_empty() {
                columns.iter().map(|(c, _)| c.as_str()).collect::<Vec<_>>().join(", ")
            } else {
                keys.join(", ")
            };
            tables.push(Table { name, columns, order });
        }
        Ok(tables)
    })
}

fn select(table: &Table) -> String {
    let columns: Vec<&str> = table.columns.iter().map(|(c, _)| c.as_str()).collect();
    format!("SELECT {} FROM {} ORDER BY {}", columns.join(", "), table.name, table.order)
}

/// Streams a table's rows from SQLite, each converted to the declared types.
fn each_sqlite_row(
    store: &SqliteStore,
    table: &Table,
    each: &mut dyn FnMut(&[Value]) -> Result<()>,
) -> Result<()> {
    use rusqlite::types::ValueRef;
    let mut statement = store.conn.prepare(&select(table))?;
    let mut rows = statement.query([])?;
    let mut values = Vec::with_capacity(table.columns.len());
    while let Some(row) = rows.next()? {
        values.clear();
        for (i, (column, kind)) in table.columns.iter().enumerate() {
            let value = match (row.get_ref(i)?, kind) {
                (ValueRef::Null, _) => Value::Null,
                (ValueRef::Integer(v), Column::Int) => Value::Int(v),
                (ValueRef::Integer(v), Column::Real) => Value::Real(v as f64),
                (ValueRef::Real(v), Column::Real) => Value::Real(v),
                (ValueRef::Text(v), Column::Text) => {
                    Value::Text(String::from_utf8(v.to_vec()).map_err(|_| {
                        StoreError::Corrupt(format!("{}.{column}: text that is not UTF-8", table.name))
                    })?)
                }
                (ValueRef::Blob(v), Column::Blob) => Value::Blob(v.to_vec()),
                (other, _) => {
                    return Err(StoreError::Corrupt(format!(
                        "{}.{column} holds a {:?} where a {kind:?} belongs",
                        table.name,
                        other.data_type()
                    )));
                }
            };
            values.push(value);
        }
        each(&values)?;
    }
    Ok(())
}

/// Streams a table's rows from PostgreSQL.
fn each_pg_row(store: &PgStore, table: &Table, each: &mut dyn FnMut(&[Value]) -> Result<()>) -> Result<()> {
    store.read(|tx| {
        let mut rows = tx.query_raw(select(table).as_str(), std::iter::empty::<i64>())?;
        let mut values = Vec::with_capacity(table.columns.len());
        while let Some(row) = rows.next()? {
            values.clear();
            for (i, (_, kind)) in table.columns.iter().enumerate() {
                let value = match kind {
                    Column::Int => row.try_get::<_, Option<i64>>(i)?.map(Value::Int),
                    Column::Real => row.try_get::<_, Option<f64>>(i)?.map(Value::Real),
                    Column::Text => row.try_get::<_, Option<String>>(i)?.map(Value::Text),
                    Column::Blob => row.try_get::<_, Option<Vec<u8>>>(i)?.map(Value::Blob),
                };
                values.push(value.unwrap_or(Value::Null));
            }
            each(&values)?;
        }
        Ok(())
    })
}

/// The database a copy reads, of either backend.
#[derive(Debug, Clone, Copy)]
enum Source<'a> {
    Sqlite(&'a SqliteStore),
    Postgres(&'a PgStore),
}

impl<'a> From<&'a AnyStore> for Source<'a> {
    fn from(store: &'a AnyStore) -> Source<'a> {
        match store {
            AnyStore::Sqlite(store) => Source::Sqlite(store),
            AnyStore::Postgres(store) => Source::Postgres(store),
        }
    }
}

impl Source<'_> {
    fn schema_version(self) -> Result<i64> {
        match self {
            Source::Sqlite(store) => store.schema_version(),
            Source::Postgres(store) => store.schema_version(),
        }
    }
}

fn each_row(store: Source<'_>, table: &Table, each: &mut dyn FnMut(&[Value]) -> Result<()>) -> Result<()> {
    match store {
        Source::Sqlite(store) => each_sqlite_row(store, table, each),
        Source::Postgres(store) => each_pg_row(store, table, each),
    }
}

/// Counts and hashes a table's rows in key order.
fn fingerprint(store: Source<'_>, table: &Table) -> Result<(u64, String)> {
    let mut hash = Sha256::new();
    let mut rows = 0u64;
    each_row(store, table, &mut |values| {
        rows += 1;
        for value in values {
            value.digest(&mut hash);
        }
        Ok(())
    })?;
    Ok((rows, crate::hex(&hash.finalize())))
}

/// The tables of `store` that hold rows.
fn nonempty(store: &AnyStore) -> Result<Vec<String>> {
    let mut found = Vec::new();
    for table in TABLES {
        let sql = format!("SELECT EXISTS (SELECT 1 FROM {table})");
        let any = match store {
            AnyStore::Sqlite(store) => store.conn.query_row(&sql, [], |row| row.get::<_, bool>(0))?,
            AnyStore::Postgres(store) => {
                store.read(|tx| Ok(tx.query_one(sql.as_str(), &[])?.try_get::<_, bool>(0)?))?
            }
        };
        if any {
            found.push((*table).to_owned());
        }
    }
    Ok(found)
}

/// Copies every table of `from` into `to`, which must be an empty workspace database of the
/// same schema version, then counts and hashes each table on both sides. On any difference
/// nothing is kept. `progress` hears each table as it is done.
///
/// # Errors
/// [`StoreError::NotEmpty`] when `to` holds anything, [`StoreError::CopyMismatch`] when the
/// copy does not match, [`StoreError::Corrupt`] for two SQLite files (use `xuefa backup`),
/// or a database error.
pub fn copy(
    from: &AnyStore,
    to: &mut AnyStore,
    progress: &mut dyn FnMut(&TableCopy),
) -> Result<Vec<TableCopy>> {
    copy_from(from.into(), to, progress)
}

fn copy_from(
    from: Source<'_>,
    to: &mut AnyStore,
    progress: &mut dyn FnMut(&TableCopy),
) -> Result<Vec<TableCopy>> {
    let tables = match (from, &*to) {
        (Source::Postgres(store), _) | (_, AnyStore::Postgres(store)) => describe(store)?,
        (Source::Sqlite(_), AnyStore::Sqlite(_)) => {
            return Err(StoreError::Corrupt(
                "a copy between two SQLite files is a backup: use xuefa backup".into(),
            ));
        }
    };
    let (source_version, target_version) = (from.schema_version()?, to.schema_version()?);
    if source_version != target_version {
        return Err(StoreError::Corrupt(format!(
            "the source has schema version {source_version} and the destination {target_version}"
        )));
    }
    let filled = nonempty(to)?;
    if !filled.is_empty() {
        return Err(StoreError::NotEmpty { tables: filled });
    }
    match to {
        AnyStore::Sqlite(target) => copy_into_sqlite(from, target, &tables)?,
        AnyStore::Postgres(target) => copy_into_pg(from, target, &tables)?,
    }
    let mut report = Vec::new();
    let mut mismatched = BTreeMap::new();
    for table in &tables {
        let (rows, hash) = fingerprint(from, table)?;
        let copied = fingerprint((&*to).into(), table)?;
        if copied != (rows, hash.clone()) {
            mismatched.insert(table.name.to_owned(), (rows, copied.0));
        }
        let done = TableCopy { table: table.name.to_owned(), rows, hash };
        progress(&done);
        report.push(done);
    }
    if !mismatched.is_empty() {
        // Nothing half-copied stays behind.
        clear(to)?;
        return Err(StoreError::CopyMismatch { tables: mismatched.into_keys().collect() });
    }
    Ok(report)
}

/// Empties every table of a destination whose copy did not match.
fn clear(to: &mut AnyStore) -> Result<()> {
    match to {
        AnyStore::Sqlite(store) => {
            let tx = store.write()?;
            for table in TABLES.iter().rev() {
                tx.execute(&format!("DELETE FROM {table}"), [])?;
            }
            tx.commit()?;
        }
        AnyStore::Postgres(store) => {
            store.write_once(crate::PgLock::Writer, |tx| {
                tx.batch_execute(&format!("TRUNCATE {} CASCADE", TABLES.join(", ")))?;
                Ok(())
            })?;
        }
    }
    Ok(())
}

fn copy_into_sqlite(from: Source<'_>, target: &mut SqliteStore, tables: &[Table]) -> Result<()> {
    use rusqlite::types::Value as Sql;
    let tx = target.write()?;
    for table in tables {
        let columns: Vec<&str> = table.columns.iter().map(|(c, _)| c.as_str()).collect();
        let marks: Vec<String> = (1..=columns.len()).map(|i| format!("?{i}")).collect();
        let mut insert = tx.prepare(&format!(
            "INSERT INTO {} ({}) VALUES ({})",
            table.name,
            columns.join(", "),
            marks.join(", ")
        ))?;
        each_row(from, table, &mut |values| {
            let values: Vec<Sql> = values
                .iter()
                .map(|value| match value {
                    Value::Null => Sql::Null,
                    Value::Int(v) => Sql::Integer(*v),
                    Value::Real(v) => Sql::Real(*v),
                    Value::Text(v) => Sql::Text(v.clone()),
                    Value::Blob(v) => Sql::Blob(v.clone()),
                })
                .collect();
            insert.execute(rusqlite::params_from_iter(values))?;
            Ok(())
        })?;
    }
    tx.commit()?;
    Ok(())
}

fn copy_into_pg(from: Source<'_>, target: &PgStore, tables: &[Table]) -> Result<()> {
    target.write_once(crate::PgLock::Writer, |tx| {
        for table in tables {
            let columns: Vec<&str> = table.columns.iter().map(|(c, _)| c.as_str()).collect();
            let types: Vec<Type> = table.columns.iter().map(|(_, kind)| kind.pg_type()).collect();
            let sink = tx.copy_in(&format!("COPY {} ({}) FROM STDIN (FORMAT binary)", table.name, columns.join(", ")))?;
            let mut writer = postgres::binary_copy::BinaryCopyInWriter::new(sink, &types);
            each_row(from, table, &mut |values| {
                let typed: Vec<Box<dyn ToSql + Sync>> = values
                    .iter()
                    .zip(&table.columns)
                    .map(|(value, (_, kind))| -> Box<dyn ToSql + Sync> {
                        match (value, kind) {
                            (Value::Int(v), _) => Box::new(*v),
                            (Value::Real(v), _) => Box::new(*v),
                            (Value::Text(v), _) => Box::new(v.clone()),
                            (Value::Blob(v), _) => Box::new(v.clone()),
                            (Value::Null, Column::Int) => Box::new(None::<i64>),
                            (Value::Null, Column::Real) => Box::new(None::<f64>),
                            (Value::Null, Column::Text) => Box::new(None::<String>),
                            (Value::Null, Column::Blob) => Box::new(None::<Vec<u8>>),
                        }
                    })
                    .collect();
                let refs: Vec<&(dyn ToSql + Sync)> = typed.iter().map(AsRef::as_ref).collect();
                writer.write(&refs)?;
                Ok(())
            })?;
            writer.finish()?;
        }
        // New rows get ids after the copied ones.
        for table in IDENTITIES {
            tx.execute(
                &format!(
                    "SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
                ),
                &[],
            )?;
        }
        Ok(())
    })
}

/// What `xuefa db status` shows of a workspace database.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[non_exhaustive]
pub struct DbStatus {
    /// `sqlite` or `postgres`.
    pub backend: &'static str,
    /// The schema version.
    pub schema_version: i64,
    /// Bytes on disk: the SQLite file (with its write-ahead log), or the PostgreSQL tables
    /// and indexes of the workspace's schema.
    pub bytes: u64,
    /// Rows of each table.
    pub tables: Vec<(String, u64)>,
}

/// Returns the backend, schema version, size and rows of each table.
///
/// # Errors
/// Returns a database error.
pub fn status(store: &AnyStore) -> Result<DbStatus> {
    let mut tables = Vec::new();
    for table in TABLES {
        let sql = format!("SELECT COUNT(*) FROM {table}");
        let rows: i64 = match store {
            AnyStore::Sqlite(store) => store.conn.query_row(&sql, [], |row| row.get(0))?,
            AnyStore::Postgres(store) => {
                store.read(|tx| Ok(tx.query_one(sql.as_str(), &[])?.try_get(0)?))?
            }
        };
        tables.push(((*table).to_owned(), u64::try_from(rows).unwrap_or(0)));
    }
    let bytes = match store {
        AnyStore::Sqlite(store) => {
            let pages: i64 = store.conn.query_row("PRAGMA page_count", [], |row| row.get(0))?;
            let size: i64 = store.conn.query_row("PRAGMA page_size", [], |row| row.get(0))?;
            let wal = store
                .conn
                .path()
                .map(|path| format!("{path}-wal"))
                .and_then(|wal| std::fs::metadata(wal).ok())
                .map_or(0, |m| m.len());
            u64::try_from(pages * size).unwrap_or(0) + wal
        }
        AnyStore::Postgres(store) => store.read(|tx| {
            let bytes: i64 = tx
                .query_one(
                    "SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0)::BIGINT FROM pg_class c \
                     JOIN pg_namespace n ON n.oid = c.relnamespace \
                     WHERE n.nspname = current_schema() AND c.relkind = 'r'",
                    &[],
                )?
                .try_get(0)?;
            Ok(u64::try_from(bytes).unwrap_or(0))
        })?,
    };
    Ok(DbStatus { backend: store.backend(), schema_version: store.schema_version()?, bytes, tables })
}

/// Backs a PostgreSQL workspace up into a new SQLite file at `path`: the verified copy is
/// made beside it and renamed into place, so the backup appears whole or not at all.
pub(crate) fn backup_into_sqlite(from: &PgStore, path: &std::path::Path) -> Result<()> {
    let partial = path.with_file_name(format!(
        ".{}.partial",
        path.file_name().map_or_else(|| "backup".into(), |n| n.to_string_lossy())
    ));
    let _ = std::fs::remove_file(&partial);
    let copied = SqliteStore::open(&partial).and_then(|file| {
        let mut to = AnyStore::Sqlite(file);
        copy_from(Source::Postgres(from), &mut to, &mut |_| {})
    });
    if let Err(error) = copied {
        let _ = std::fs::remove_file(&partial);
        return Err(error);
    }
    for side in ["-wal", "-shm"] {
        let mut name = partial.clone().into_os_string();
        name.push(side);
        let _ = std::fs::remove_file(name);
    }
    std::fs::rename(&partial, path)
        .map_err(|e| StoreError::File { path: path.to_path_buf(), detail: e.to_string() })
}
