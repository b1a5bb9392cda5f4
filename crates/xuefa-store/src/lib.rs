//! # xuefa-store
//!
//! Where a workspace keeps what lasts from year to year: question banks with every version
//! of every question, and rosters with the history of every person. [`Store`] is the seam
//! the command line uses; [`SqliteStore`] is the embedded implementation (SQLite in WAL mode,
//! foreign keys on, a busy timeout so a second writer waits, versioned migrations applied on
//! open), and [`PgStore`] the same traits on a PostgreSQL server, for a province (see
//! [`pg`](PgStore) for the driver and how it keeps SQLite's promises). [`AnyStore`] is
//! either, as a workspace's settings choose.
//!
//! Every method that writes runs in one transaction: a rejected or interrupted import leaves
//! the database exactly as it was.

mod any;
mod copy;
mod exams;
mod ledger;
mod maintenance;
mod online;
mod pg;
mod practice;
mod sqlite;
mod study;
#[doc(hidden)]
pub mod testing;
pub mod workspace;

use jiff::Timestamp;
use serde::Serialize;
use xuefa_core::{Department, Kind, Person, Question};

pub use any::AnyStore;
pub use copy::{DbStatus, TableCopy, copy as copy_database, status as database_status};
pub use exams::{AttemptRecord, AttemptSummary, ExamRecord, ExamStore, ExamSummary, Graded, ItemMark, Mode};
pub use ledger::{LedgerCheck, LedgerProblem, Record as LedgerRecord, hex};
pub use maintenance::{BackupInfo, ExamFigures, Figures, Health, Maintenance, Orphans};
pub use online::{AccessCode, LoginEnd, OnlineStore, ResponseSave, Saved};
pub use pg::{Lock as PgLock, PgPool, PgStore, PgTarget};
pub use practice::{
    ExamAnswer, LawProgress, PracticeCandidate, PracticeFilter, PracticeStore, PracticeTotals,
    PracticeVisitor,
};
pub use sqlite::{SCHEMA_VERSION, SqliteStore};
pub use study::{MarkVisitor, Named, StudyStore};
pub use workspace::{
    Config, CustomKind, DatabaseConfig, Location, Office, PracticeConfig, StudyConfig, Workspace,
    WorkspaceError, parse_offset,
};

/// A result of the store.
pub type Result<T> = std::result::Result<T, StoreError>;

/// Why the store could not do something.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The database failed (the detail is SQLite's own message).
    #[error("database error: {0}")]
    Database(#[from] rusqlite::Error),
    /// The PostgreSQL server refused a statement (the detail is PostgreSQL's own message).
    #[error("database error: {}", postgres_detail(.0))]
    Postgres(#[from] postgres::Error),
    /// The PostgreSQL server could not be reached, or refused the login.
    #[error("cannot connect to the database {target}: {detail}")]
    Connect {
        /// The database's URL, without its password.
        target: String,
        /// What the driver said.
        detail: String,
    },
    /// The database was made by a newer xuefa.
    #[error("the database has schema version {found}, newer than this xuefa knows ({known})")]
    TooNew {
        /// The version in the file.
        found: i64,
        /// The newest version this program knows.
        known: i64,
    },
    /// No bank has this name.
    #[error("no bank named `{0}`")]
    NoBank(String),
    /// Exams use the bank.
    #[error("bank `{bank}` is used by exams: {exams:?}")]
    BankInUse {
        /// The bank.
        bank: String,
        /// The exams that draw from it.
        exams: Vec<String>,
    },
    /// No exam has this id.
    #[error("no exam `{0}`")]
    NoExam(String),
    /// No one on the roster has this employee id.
    #[error("no one on the roster has employee id `{0}`")]
    NoPerson(String),
    /// No question in use has this bank and id.
    #[error("no question `{0}` in use")]
    NoQuestion(String),
    /// An exam with this id exists already.
    #[error("an exam `{0}` exists already")]
    ExamExists(String),
    /// The attempt was submitted already (by another sitting of the same person, or at its
    /// deadline); it keeps that one result.
    #[error("attempt {attempt} of {employee} at exam {exam} was submitted already")]
    AlreadySubmitted {
        /// The exam.
        exam: String,
        /// The person.
        employee: String,
        /// The attempt's number.
        attempt: u32,
    },
    /// Another sitting started this attempt at the same moment.
    #[error("attempt {attempt} of {employee} at exam {exam} was started elsewhere at the same moment")]
    StartedElsewhere {
        /// The exam.
        exam: String,
        /// The person.
        employee: String,
        /// The attempt's number.
        attempt: u32,
    },
    /// The database file is not a xuefa database: `reason` is `empty` (0 bytes), `foreign`
    /// (another program's SQLite database) or `not_sqlite`.
    #[error("{path} is not a xuefa database ({reason})")]
    NotXuefa {
        /// The file.
        path: std::path::PathBuf,
        /// Why.
        reason: &'static str,
    },
    /// Stored data could not be read back (a file edited by hand, or a bug).
    #[error("stored data is damaged: {0}")]
    Corrupt(String),
    /// A file beside the database (a backup, a restored copy) could not be read or written.
    #[error("{path}: {detail}")]
    File {
        /// The file.
        path: std::path::PathBuf,
        /// What went wrong.
        detail: String,
    },
    /// A copy's destination already holds a workspace (these tables have rows).
    #[error("the destination is not empty: {} hold rows", tables.join(", "))]
    NotEmpty {
        /// The tables that hold rows.
        tables: Vec<String>,
    },
    /// A copy's destination did not match its source afterwards (nothing was kept).
    #[error("the copy did not match its source in {}", tables.join(", "))]
    CopyMismatch {
        /// The tables whose counts or hashes differ.
        tables: Vec<String>,
    },
    /// Another process has the database open and in use (a running `xuefa serve`).
    #[error("{path} is in use by another process")]
    InUse {
        /// The database.
        path: std::path::PathBuf,
    },
}

/// What kind of database failure a [`StoreError::Database`] is, for a message an
/// administrator can act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DatabaseFailure {
    /// The file is damaged (restore it from a backup).
    Damaged,
    /// The file or its folder is read-only.
    ReadOnly,
    /// The disk is full.
    DiskFull,
    /// The file cannot be opened (permissions, a missing folder).
    CannotOpen,
    /// Another process held the database for longer than the wait allows.
    Busy,
    /// The disk failed to read or write.
    Io,
    /// The database server cannot be reached (down, restarting, or the network is).
    Unreachable,
}

/// PostgreSQL's message, with its detail and hint when it gives them.
fn postgres_detail(error: &postgres::Error) -> String {
    match error.as_db_error() {
        Some(db) => {
            let mut text = format!("{}: {}", db.severity(), db.message());
            if let Some(detail) = db.detail() {
                text = format!("{text} ({detail})");
            }
            text
        }
        None => error.to_string(),
    }
}

fn error_extended(error: &rusqlite::Error) -> Option<i32> {
    match error {
        rusqlite::Error::SqliteFailure(e, _) => Some(e.extended_code),
        _ => None,
    }
}

impl StoreError {
    /// Returns the kind of database failure this is, when it is one xuefa can word.
    pub fn database_failure(&self) -> Option<DatabaseFailure> {
        use rusqlite::ErrorCode;
        let error = match self {
            StoreError::Database(error) => error,
            StoreError::Postgres(error) => return pg::failure(error),
            StoreError::Connect { .. } => return Some(DatabaseFailure::Unreachable),
            _ => return None,
        };
        Some(match error.sqlite_error_code()? {
            ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase => DatabaseFailure::Damaged,
            ErrorCode::ReadOnly => DatabaseFailure::ReadOnly,
            ErrorCode::DiskFull => DatabaseFailure::DiskFull,
            ErrorCode::CannotOpen | ErrorCode::PermissionDenied => DatabaseFailure::CannotOpen,
            ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked => DatabaseFailure::Busy,
            // The shared-memory file could not grow: there is no room on the disk.
            ErrorCode::SystemIoFailure
                if error_extended(error) == Some(rusqlite::ffi::SQLITE_IOERR_SHMSIZE) =>
            {
                DatabaseFailure::DiskFull
            }
            ErrorCode::SystemIoFailure => DatabaseFailure::Io,
            _ => return None,
        })
    }
}

/// Reports progress of long work: (done, total).
pub type Progress<'a> = &'a mut dyn FnMut(u64, u64);

/// What a bank import did.
#[derive(Debug, Clone, Default, Serialize)]
#[non_exhaustive]
pub struct BankImport {
    /// The bank.
    pub bank: String,
    /// Whether the bank was new.
    pub created: bool,
    /// Ids of questions new to the bank.
    pub added: Vec<String>,
    /// Ids of questions that changed (each got a new version; the old one is kept).
    pub changed: Vec<String>,
    /// How many questions were the same as before.
    pub unchanged: usize,
    /// Ids of questions the bank held that the new files no longer have; they stay in the
    /// store with their history but are no longer drawn for exams.
    pub retired: Vec<String>,
}

/// A bank and its size.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct BankSummary {
    /// The bank's name.
    pub name: String,
    /// Questions in use (not retired).
    pub questions: u64,
    /// Single-choice questions in use.
    pub single: u64,
    /// Multiple-choice questions in use.
    pub multiple: u64,
    /// Judge questions in use.
    pub judge: u64,
    /// Retired questions.
    pub retired: u64,
    /// When the bank was last imported (RFC 3339).
    pub updated_at: String,
}

/// A question as the store holds it: the question (its id is the bank's id), where it is,
/// and which version this is.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct StoredQuestion {
    /// The bank it belongs to.
    pub bank: String,
    /// The version number, from 1.
    pub version: u32,
    /// Whether this is the version in use.
    pub current: bool,
    /// Whether the question is retired.
    pub retired: bool,
    /// When this version was stored (RFC 3339).
    pub stored_at: String,
    /// The content hash of this version's wording and key (hex), as stored.
    pub content_hash: String,
    /// The question as that version worded it.
    pub question: Question,
}

/// Counts of questions in use, by one property.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct BankStats {
    /// (bank, count).
    pub by_bank: Vec<(String, u64)>,
    /// (law, count); questions without a law count under the empty string.
    pub by_law: Vec<(String, u64)>,
    /// (kind, count).
    pub by_kind: Vec<(Kind, u64)>,
    /// (difficulty, count); `None` for questions without one.
    pub by_difficulty: Vec<(Option<u8>, u64)>,
}

/// What a roster import did.
#[derive(Debug, Clone, Default, Serialize)]
#[non_exhaustive]
pub struct RosterImport {
    /// Employee ids of people new to the workspace.
    pub added: Vec<String>,
    /// Employee ids of people whose name, department, role, status or dates changed.
    pub updated: Vec<String>,
    /// How many people were the same as before.
    pub unchanged: usize,
    /// People in the workspace (not left) whom the new roster does not list: (id, name).
    /// Nobody is deleted; an administrator decides whether they left.
    pub missing: Vec<(String, String)>,
}

/// The seam between the command line and a database.
pub trait Store {
    /// Imports banks, each `(name, questions)` as that bank's new state, all in one
    /// transaction: new ids are added, changed questions get a new version (the old stays
    /// readable), questions a bank held but its new questions lack are retired.
    ///
    /// # Errors
    /// Returns a database error; nothing is changed then.
    fn import_banks(
        &mut self,
        banks: &[(&str, &[Question])],
        now: Timestamp,
        progress: Progress<'_>,
    ) -> Result<Vec<BankImport>>;

    /// Returns the banks in name order.
    ///
    /// # Errors
    /// Returns a database error.
    fn banks(&self) -> Result<Vec<BankSummary>>;

    /// Returns the current version of the questions in use, of one bank or of all, in bank
    /// and id order.
    ///
    /// # Errors
    /// Returns [`StoreError::NoBank`] for an unknown bank, or a database error.
    fn questions(&self, bank: Option<&str>) -> Result<Vec<StoredQuestion>>;

    /// Returns every version of every question with this id (in any bank), oldest first.
    /// `reference` is an id, or `BANK:ID` to name the bank.
    ///
    /// # Errors
    /// Returns a database error.
    fn question_versions(&self, reference: &str) -> Result<Vec<StoredQuestion>>;

    /// Returns the questions in use that cite law `law` (any form of its name: 民法典,
    /// 《中华人民共和国民法典》 …) and were written before `since` (`YYYY-MM-DD`): their
    /// `law_version` is earlier, or, when a bank gives none, the version was stored earlier.
    /// After the law is amended on `since`, these are the questions to review.
    ///
    /// # Errors
    /// Returns a database error.
    fn stale_questions(&self, law: &str, since: &str) -> Result<Vec<StoredQuestion>>;

    /// Returns counts of the questions in use by bank, law, kind and difficulty.
    ///
    /// # Errors
    /// Returns a database error.
    fn bank_stats(&self) -> Result<BankStats>;

    /// Returns the exams that draw from a bank.
    ///
    /// # Errors
    /// Returns a database error.
    fn exams_using_bank(&self, bank: &str) -> Result<Vec<String>>;

    /// Removes a bank and all its questions; refused while exams use it unless `force`.
    /// Returns how many questions were removed.
    ///
    /// # Errors
    /// Returns [`StoreError::NoBank`], [`StoreError::BankInUse`] or a database error.
    fn remove_bank(&mut self, bank: &str, force: bool) -> Result<u64>;

    /// Imports a roster in one transaction: new people are added, changed people updated
    /// with their history kept, people missing from the roster reported and left alone.
    ///
    /// # Errors
    /// Returns a database error; nothing is changed then.
    fn import_roster(
        &mut self,
        people: &[&Person],
        now: Timestamp,
        progress: Progress<'_>,
    ) -> Result<RosterImport> {
        let total = people.len() as u64;
        let imported = self.import_roster_each(now, &mut |writer| {
            for (index, person) in people.iter().enumerate() {
                if index % sqlite::PROGRESS_EVERY == 0 {
                    progress(index as u64, total);
                }
                writer.write(person);
            }
            progress(total, total);
            true
        })?;
        Ok(imported.unwrap_or_default())
    }

    /// Imports a roster as `fill` gives it to the writer, in one transaction: `fill`
    /// returns whether to keep what it wrote (a roster with an error further down keeps
    /// nothing: `None`). A province's million people are written as they are read.
    ///
    /// # Errors
    /// Returns a database error; nothing is changed then.
    fn import_roster_each(
        &mut self,
        now: Timestamp,
        fill: &mut dyn FnMut(&mut RosterWriter<'_>) -> bool,
    ) -> Result<Option<RosterImport>>;

    /// Returns the people, of one department and those under it or of all, in department
    /// and id order.
    ///
    /// # Errors
    /// Returns a database error.
    fn people(&self, department: Option<&Department>) -> Result<Vec<Person>>;
}

/// Writes people inside [`Store::import_roster_each`]: each person is compared with the one
/// stored under their employee id, then added, updated with their history kept, or left as
/// they are.
#[derive(Debug)]
pub struct RosterWriter<'a>(RosterBackend<'a>);

#[derive(Debug)]
#[allow(clippy::large_enum_variant, reason = "one writer per import, never moved about")]
enum RosterBackend<'a> {
    Sqlite(sqlite::SqliteRosterWriter<'a>),
    Postgres(pg::RosterWriter<'a>),
}

impl RosterWriter<'_> {
    /// Writes one person. After a database error nothing more is written and the import
    /// fails.
    pub fn write(&mut self, person: &Person) {
        self.write_columns(person, xuefa_core::RosterColumns::all());
    }

    /// Writes one person from a file that has only `columns` of the optional ones: for a
    /// person already stored, a column the file does not have keeps what was stored (a
    /// roster without a status column leaves the exempt exempt and the departed departed).
    pub fn write_columns(&mut self, person: &Person, columns: xuefa_core::RosterColumns) {
        match &mut self.0 {
            RosterBackend::Sqlite(writer) => writer.write_columns(person, columns),
            RosterBackend::Postgres(writer) => writer.write_columns(person, columns),
        }
    }
}

/// Writes marks inside [`StudyStore::write_marks`], and looks people up on the way.
#[derive(Debug)]
pub struct MarkWriter<'a>(MarkBackend<'a>);

#[derive(Debug)]
enum MarkBackend<'a> {
    Sqlite(study::SqliteMarkWriter<'a>),
    Postgres(pg::MarkWriter<'a>),
}

impl MarkWriter<'_> {
    /// Returns the person with this employee id.
    ///
    /// # Errors
    /// Returns a database error.
    pub fn person(&mut self, employee: &str) -> Result<Option<Named>> {
        match &mut self.0 {
            MarkBackend::Sqlite(writer) => writer.person(employee),
            MarkBackend::Postgres(writer) => writer.person(employee),
        }
    }

    /// Returns the people with this name (two people may share one), by employee id.
    ///
    /// # Errors
    /// Returns a database error.
    pub fn people_named(&self, name: &str) -> Result<Vec<Named>> {
        match &self.0 {
            MarkBackend::Sqlite(writer) => writer.people_named(name),
            MarkBackend::Postgres(writer) => writer.people_named(name),
        }
    }

    /// Returns everyone on the roster (for suggesting a name).
    ///
    /// # Errors
    /// Returns a database error.
    pub fn everyone(&self) -> Result<Vec<Named>> {
        match &self.0 {
            MarkBackend::Sqlite(writer) => writer.everyone(),
            MarkBackend::Postgres(writer) => writer.everyone(),
        }
    }

    /// Writes one mark (replacing an earlier mark of the person at the session). After a
    /// database error nothing more is written and the transaction is rolled back.
    pub fn write(&mut self, mark: &xuefa_core::study::AttendanceMark) {
        match &mut self.0 {
            MarkBackend::Sqlite(writer) => writer.write(mark),
            MarkBackend::Postgres(writer) => writer.write(mark),
        }
    }
}
