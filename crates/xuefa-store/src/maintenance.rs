//! Keeping a workspace sound: the ledger walked, the database checked, consistent backups
//! taken while exams run, and backups checked and restored.

use std::path::{Path, PathBuf};

use jiff::Timestamp;
use rusqlite::{Connection, OpenFlags};
use serde::Serialize;

use crate::ledger::{self, LedgerCheck};
use crate::sqlite::{SCHEMA_VERSION, SqliteStore};
use crate::{Result, StoreError};

/// What `doctor` looks at.
pub trait Maintenance {
    /// Walks the ledger and compares every submitted attempt and attendance mark with it.
    ///
    /// # Errors
    /// Returns a database error.
    fn verify_ledger(&mut self) -> Result<LedgerCheck>;

    /// Returns the ledger's length and its last link (hex), without walking it.
    ///
    /// # Errors
    /// Returns a database error.
    fn ledger_head(&mut self) -> Result<(u64, String)>;

    /// Checks the database: its own integrity, references, rows that refer to nobody, and
    /// open attempts past their deadline at `now`.
    ///
    /// # Errors
    /// Returns a database error.
    fn health(&mut self, now: Timestamp) -> Result<Health>;

    /// Returns the figures a signed summary carries.
    ///
    /// # Errors
    /// Returns a database error.
    fn figures(&mut self) -> Result<Figures>;

    /// Writes a consistent copy of the whole database to `path` while others go on
    /// reading and writing; the copy appears whole or not at all.
    ///
    /// # Errors
    /// Returns a database or file error; `path` is not left half-written.
    fn backup_to(&mut self, path: &Path) -> Result<()>;
}

/// What `health` found.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Health {
    /// The schema version of the database.
    pub schema_version: i64,
    /// The schema version this build writes.
    pub schema_known: i64,
    /// The database's size in bytes (pages in use and free).
    pub size_bytes: u64,
    /// What SQLite's integrity check reported (empty when sound).
    pub integrity: Vec<String>,
    /// References to rows that do not exist: (table, row id, the table referred to).
    pub references: Vec<(String, i64, String)>,
    /// Rows that refer to nobody, by kind, with their number and one example.
    pub orphans: Vec<Orphans>,
    /// Open attempts whose deadline has passed: (exam, employee, attempt, deadline).
    pub overdue: Vec<(String, String, i64, String)>,
}

/// Rows of one kind that refer to nobody.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Orphans {
    /// What they are: `attempts_off_roster`, `marks_off_roster`, `codes_off_roster`,
    /// `results_without_item_marks`, `item_marks_other_score`.
    pub kind: &'static str,
    /// How many.
    pub count: u64,
    /// One of them, as the person reading would look for it.
    pub example: String,
}

/// The figures a signed summary carries.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Figures {
    /// Each exam with submitted attempts: id, title, attempts, people who sat, people
    /// who passed.
    pub exams: Vec<ExamFigures>,
    /// Study sessions recorded.
    pub sessions: u64,
    /// Attendance marks recorded.
    pub marks: u64,
    /// People on the roster (any status).
    pub people: u64,
}

/// One exam's figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ExamFigures {
    /// The exam's id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Submitted attempts.
    pub attempts: u64,
    /// People with a submitted attempt.
    pub sat: u64,
    /// People with a passing attempt.
    pub passed: u64,
}

/// What a backup file holds.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct BackupInfo {
    /// Its schema version.
    pub schema_version: i64,
    /// Its size in bytes.
    pub size_bytes: u64,
    /// People on its roster.
    pub people: u64,
    /// Its submitted attempts.
    pub attempts: u64,
    /// Its attendance marks.
    pub marks: u64,
}

fn count(conn: &Connection, sql: &str) -> Result<u64> {
    Ok(conn.query_row(sql, [], |row| row.get::<_, i64>(0))? as u64)
}

fn size(conn: &Connection) -> Result<u64> {
    let pages = count(conn, "PRAGMA page_count")?;
    let page = count(conn, "PRAGMA page_size")?;
    Ok(pages * page)
}

/// SQLite's integrity check, empty when it says `ok`.
fn integrity(conn: &Connection) -> Result<Vec<String>> {
    let lines: Vec<String> = conn
        .prepare("PRAGMA integrity_check")?
        .query_map([], |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(if lines.len() == 1 && lines[0] == "ok" { Vec::new() } else { lines })
}

const ORPHANS: &[(&str, &str)] = &[
    (
        "attempts_off_roster",
        "SELECT COUNT(*), MIN(a.employee_id) FROM attempts a \
         WHERE NOT EXISTS (SELECT 1 FROM people p WHERE p.employee_id = a.employee_id)",
    ),
    (
        "marks_off_roster",
        "SELECT COUNT(*), MIN(t.employee_id) FROM attendance t \
         WHERE NOT EXISTS (SELECT 1 FROM people p WHERE p.employee_id = t.employee_id)",
    ),
    (
        "codes_off_roster",
        "SELECT COUNT(*), MIN(c.employee_id) FROM access_codes c \
         WHERE NOT EXISTS (SELECT 1 FROM people p WHERE p.employee_id = c.employee_id)",
    ),
    (
        "results_without_item_marks",
        "SELECT COUNT(*), MIN(a.exam_id || ' ' || a.employee_id || ' #' || a.attempt) FROM attempts a \
         WHERE a.submitted_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM item_marks i WHERE i.attempt_id = a.id)",
    ),
    (
        "item_marks_other_score",
        "SELECT COUNT(*), MIN(a.exam_id || ' ' || a.employee_id || ' #' || a.attempt) FROM item_marks i \
         JOIN attempts a ON a.id = i.attempt_id WHERE a.score IS NOT i.score",
    ),
];

impl Maintenance for SqliteStore {
    fn verify_ledger(&mut self) -> Result<LedgerCheck> {
        // One read transaction: the walk sees one moment even while others write.
        let tx = self.conn.transaction()?;
        let check = ledger::verify(&tx)?;
        tx.commit()?;
        Ok(check)
    }

    fn ledger_head(&mut self) -> Result<(u64, String)> {
        ledger::head(&self.conn)
    }

    fn health(&mut self, now: Timestamp) -> Result<Health> {
        let tx = self.conn.transaction()?;
        let schema_version = count(&tx, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations")? as i64;
        let integrity = integrity(&tx)?;
        let references: Vec<(String, i64, String)> = tx
            .prepare("PRAGMA foreign_key_check")?
            .query_map([], |row| Ok((row.get(0)?, row.get::<_, Option<i64>>(1)?.unwrap_or(0), row.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut orphans = Vec::new();
        for (kind, sql) in ORPHANS {
            let (count, example): (i64, Option<String>) =
                tx.query_row(sql, [], |row| Ok((row.get(0)?, row.get(1)?)))?;
            if count > 0 {
                orphans.push(Orphans { kind, count: count as u64, example: example.unwrap_or_default() });
            }
        }
        let mut overdue = Vec::new();
        {
            let mut open = tx.prepare(
                "SELECT exam_id, employee_id, attempt, deadline FROM attempts WHERE submitted_at IS NULL \
                 ORDER BY deadline, exam_id, employee_id",
            )?;
            let mut rows = open.query([])?;
            while let Some(row) = rows.next()? {
                let deadline: String = row.get(3)?;
                let past = deadline.parse::<Timestamp>().map_or(true, |d| d <= now);
                if past {
                    overdue.push((row.get(0)?, row.get(1)?, row.get(2)?, deadline));
                }
            }
        }
        let size_bytes = size(&tx)?;
        tx.commit()?;
        Ok(Health {
            schema_version,
            schema_known: SCHEMA_VERSION,
            size_bytes,
            integrity,
            references,
            orphans,
            overdue,
        })
    }

    fn figures(&mut self) -> Result<Figures> {
        let tx = self.conn.transaction()?;
        let exams: Vec<ExamFigures> = tx
            .prepare(
                "SELECT e.id, e.title, COUNT(a.id), COUNT(DISTINCT a.employee_id), \
                 COUNT(DISTINCT CASE WHEN a.passed THEN a.employee_id END) \
                 FROM exams e JOIN attempts a ON a.exam_id = e.id AND a.submitted_at IS NOT NULL \
                 GROUP BY e.id ORDER BY e.id",
            )?
            .query_map([], |row| {
                Ok(ExamFigures {
                    id: row.get(0)?,
                    title: row.get(1)?,
                    attempts: row.get::<_, i64>(2)? as u64,
                    sat: row.get::<_, i64>(3)? as u64,
                    passed: row.get::<_, i64>(4)? as u64,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let figures = Figures {
            exams,
            sessions: count(&tx, "SELECT COUNT(*) FROM study_sessions")?,
            marks: count(&tx, "SELECT COUNT(*) FROM attendance")?,
            people: count(&tx, "SELECT COUNT(*) FROM people")?,
        };
        tx.commit()?;
        Ok(figures)
    }

    fn backup_to(&mut self, path: &Path) -> Result<()> {
        let partial = partial_path(path);
        let _ = std::fs::remove_file(&partial);
        let copied = (|| -> Result<()> {
            let mut target = Connection::open(&partial)?;
            {
                let backup = rusqlite::backup::Backup::new(&self.conn, &mut target)?;
                // Every page in one step: the copy is one read transaction, so it is one
                // moment of the database, and writers (WAL) are not held up by it.
                loop {
                    match backup.step(-1)? {
                        rusqlite::backup::StepResult::Done => break,
                        // Another connection holds a lock for a moment: try again.
                        _ => std::thread::sleep(std::time::Duration::from_millis(20)),
                    }
                }
            }
            // A backup is one file: no write-ahead log beside it.
            target.pragma_update(None, "journal_mode", "DELETE")?;
            drop(target);
            std::fs::File::open(&partial).and_then(|f| f.sync_all()).map_err(|e| io(&partial, e))?;
            std::fs::rename(&partial, path).map_err(|e| io(path, e))?;
            Ok(())
        })();
        if copied.is_err() {
            let _ = std::fs::remove_file(&partial);
        }
        // Whatever failed, it failed making the copy: name the copy.
        copied.map_err(|error| match error {
            StoreError::Database(e) => StoreError::File { path: path.to_path_buf(), detail: e.to_string() },
            other => other,
        })
    }
}

fn io(path: &Path, error: std::io::Error) -> StoreError {
    StoreError::File { path: path.to_path_buf(), detail: error.to_string() }
}

fn partial_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".partial");
    path.with_file_name(name)
}

impl SqliteStore {
    /// Checks that `path` is a sound xuefa database this build can open (a backup to
    /// restore), reading it only.
    ///
    /// # Errors
    /// [`StoreError::NotXuefa`] for an empty file, another program's database or not a
    /// database at all; [`StoreError::TooNew`]; [`StoreError::Corrupt`] when SQLite's
    /// integrity check finds damage.
    pub fn inspect(path: &Path) -> Result<BackupInfo> {
        let meta = std::fs::metadata(path).map_err(|e| io(path, e))?;
        if meta.len() == 0 {
            return Err(StoreError::NotXuefa { path: path.to_path_buf(), reason: "empty" });
        }
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|error| crate::sqlite::first_read_failure(path, error))?;
        let tables: Vec<String> = conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
            .and_then(|mut s| s.query_map([], |row| row.get(0))?.collect())
            .map_err(|error| crate::sqlite::first_read_failure(path, error))?;
        if !tables.iter().any(|t| t == "schema_migrations") {
            return Err(StoreError::NotXuefa { path: path.to_path_buf(), reason: "foreign" });
        }
        let version = count(&conn, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations")? as i64;
        if version > SCHEMA_VERSION {
            return Err(StoreError::TooNew { found: version, known: SCHEMA_VERSION });
        }
        let damage = integrity(&conn)?;
        if !damage.is_empty() {
            return Err(StoreError::Corrupt(damage.join("; ")));
        }
        let has = |table: &str| tables.iter().any(|t| t == table);
        Ok(BackupInfo {
            schema_version: version,
            size_bytes: size(&conn)?,
            people: if has("people") { count(&conn, "SELECT COUNT(*) FROM people")? } else { 0 },
            attempts: if has("attempts") {
                count(&conn, "SELECT COUNT(*) FROM attempts WHERE submitted_at IS NOT NULL")?
            } else {
                0
            },
            marks: if has("attendance") { count(&conn, "SELECT COUNT(*) FROM attendance")? } else { 0 },
        })
    }

    /// Replaces the database at `database` with the backup at `backup` (checked first with
    /// [`SqliteStore::inspect`]), keeping the replaced database as `aside`. The backup
    /// is brought to this build's schema by the next open.
    ///
    /// # Errors
    /// Returns the backup's refusal, or a database or file error; the database is then
    /// as it was.
    pub fn restore(backup: &Path, database: &Path, aside: &Path) -> Result<BackupInfo> {
        let info = SqliteStore::inspect(backup)?;
        if aside.exists() {
            return Err(io(aside, std::io::Error::from(std::io::ErrorKind::AlreadyExists)));
        }
        let incoming = partial_path(database);
        std::fs::copy(backup, &incoming).map_err(|e| io(&incoming, e))?;
        let placed = (|| -> Result<()> {
            std::fs::File::open(&incoming).and_then(|f| f.sync_all()).map_err(|e| io(&incoming, e))?;
            if database.exists() {
                // Fold the write-ahead log into the file first, so the file put aside is
                // the whole database; refuse while another process holds it.
                let current = Connection::open(database)?;
                let (busy, _, _): (i64, i64, i64) =
                    current.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |row| {
                        Ok((row.get(0)?, row.get(1)?, row.get(2)?))
                    })?;
                if busy != 0 {
                    return Err(StoreError::InUse { path: database.to_path_buf() });
                }
                current.pragma_update(None, "journal_mode", "DELETE")?;
                drop(current);
                std::fs::rename(database, aside).map_err(|e| io(aside, e))?;
            }
            std::fs::rename(&incoming, database).map_err(|e| io(database, e))?;
            Ok(())
        })();
        if placed.is_err() {
            let _ = std::fs::remove_file(&incoming);
        }
        placed.map(|()| info)
    }
}
