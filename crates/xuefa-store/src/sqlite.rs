//! The SQLite store: one file, WAL mode, foreign keys, a busy timeout so a second writer
//! waits instead of failing, and the migrations of this crate applied on open.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::time::Duration;

use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, Row, Transaction, TransactionBehavior, params};
use xuefa_core::{Answer, Date, Department, Kind, Person, Question, Status, law_key};

use crate::{
    BankImport, BankStats, BankSummary, Progress, Result, RosterBackend, RosterImport, RosterWriter, Store,
    StoreError, StoredQuestion,
};

/// The migrations, in order; the index plus one is the schema version.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_banks_and_rosters.sql"),
    include_str!("migrations/0002_exams.sql"),
    include_str!("migrations/0003_study.sql"),
    include_str!("migrations/0004_item_marks.sql"),
    include_str!("migrations/0005_exam_plan.sql"),
    include_str!("migrations/0006_law_version.sql"),
    include_str!("migrations/0007_access.sql"),
    include_str!("migrations/0008_ledger.sql"),
    include_str!("migrations/0009_practice.sql"),
    include_str!("migrations/0010_practice_exams.sql"),
    include_str!("migrations/0011_practice_days.sql"),
];

/// The schema version that brought the ledger: a database upgraded to it has its submitted
/// attempts and marks linked then.
const LEDGER_VERSION: usize = 8;

/// The schema version this build creates and reads.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// How long a writer waits for another to finish before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(120);

/// Report progress every this many rows.
pub(crate) const PROGRESS_EVERY: usize = 1000;

/// A workspace database in one SQLite file.
#[derive(Debug)]
pub struct SqliteStore {
    pub(crate) conn: Connection,
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    ///
    /// # Errors
    /// Returns a database error, or [`StoreError::TooNew`] for a file from a newer xuefa.
    pub fn open(path: &Path) -> Result<SqliteStore> {
        // An existing file must be a xuefa database: an empty file or another program's
        // database is refused, not turned into an empty workspace.
        let existing = std::fs::metadata(path).ok().filter(|m| m.is_file());
        if existing.as_ref().is_some_and(|m| m.len() == 0) {
            return Err(StoreError::NotXuefa { path: path.to_path_buf(), reason: "empty" });
        }
        let conn = Connection::open(path)?;
        if existing.is_some() {
            let tables: Vec<String> = conn
                .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
                .and_then(|mut s| s.query_map([], |row| row.get(0))?.collect())
                .map_err(|error| first_read_failure(path, error))?;
            if !tables.is_empty() && !tables.iter().any(|t| t == "schema_migrations") {
                return Err(StoreError::NotXuefa { path: path.to_path_buf(), reason: "foreign" });
            }
        }
        conn.busy_timeout(BUSY_TIMEOUT)?;
        // WAL lets readers go on while one process writes; FULL makes each commit survive
        // a power cut, which matters for exam answers.
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        let mut store = SqliteStore { conn };
        store.migrate()?;
        Ok(store)
    }

    /// Returns the schema version of the open database.
    ///
    /// # Errors
    /// Returns a database error.
    pub fn schema_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", [], |row| row.get(0))?)
    }

    fn migrate(&mut self) -> Result<()> {
        self.conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)",
        )?;
        // Decide inside a write transaction, so two processes opening a new file at once do
        // not both apply a migration.
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let current: i64 =
            tx.query_row("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", [], |row| row.get(0))?;
        if current > SCHEMA_VERSION {
            return Err(StoreError::TooNew { found: current, known: SCHEMA_VERSION });
        }
        for (index, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
            // A migration that cannot be applied to a database that says it needs it means
            // the record of its schema is damaged: say so, without SQLite's copy of the SQL.
            tx.execute_batch(sql).map_err(|error| {
                let detail = error.to_string();
                let first = detail.split(" in ").next().unwrap_or_default().trim().to_owned();
                StoreError::Corrupt(format!(
                    "schema version {current} is recorded, but migration {} cannot be applied ({first})",
                    index + 1
                ))
            })?;
            if index + 1 == LEDGER_VERSION {
                crate::ledger::link_existing(&tx)?;
            }
            tx.execute(
                "INSERT INTO schema_migrations (version, applied_at) VALUES (?1, ?2)",
                params![index as i64 + 1, Timestamp::now().to_string()],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    pub(crate) fn write(&mut self) -> Result<Transaction<'_>> {
        Ok(self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?)
    }
}

fn log_import(
    tx: &Transaction<'_>,
    kind: &str,
    now: Timestamp,
    sources: &str,
    summary: &impl serde::Serialize,
) -> Result<()> {
    let summary = serde_json::to_string(summary).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    tx.execute(
        "INSERT INTO imports (kind, at, sources, summary) VALUES (?1, ?2, ?3, ?4)",
        params![kind, now.to_string(), sources, summary],
    )?;
    Ok(())
}

pub(crate) fn json_list(items: &[String]) -> String {
    serde_json::to_string(items).unwrap_or_else(|_| "[]".to_owned())
}

/// The columns of a question version, in the order [`question_from_row`] reads them.
pub(crate) const VERSION_COLUMNS: &str = "b.name, q.code, v.version, q.current_version, q.retired, v.created_at, \
     v.kind, v.stem, v.options, v.answer, v.explanation, v.law, v.article, v.difficulty, v.tags, v.points, \
     v.content_hash, v.law_version";

pub(crate) fn question_from_row(
    row: &Row<'_>,
) -> rusqlite::Result<std::result::Result<StoredQuestion, String>> {
    Ok(question_from_values(VersionValues {
        bank: row.get(0)?,
        code: row.get(1)?,
        version: row.get(2)?,
        current_version: row.get(3)?,
        retired: row.get(4)?,
        stored_at: row.get(5)?,
        kind: row.get(6)?,
        stem: row.get(7)?,
        options: row.get(8)?,
        answer: row.get(9)?,
        explanation: row.get(10)?,
        law: row.get(11)?,
        article: row.get(12)?,
        difficulty: row.get(13)?,
        tags: row.get(14)?,
        points: row.get(15)?,
        content_hash: row.get(16)?,
        law_version: row.get(17)?,
    }))
}

/// The values of a question version's row, in [`VERSION_COLUMNS`] order, as either backend
/// reads them.
#[derive(Debug)]
pub(crate) struct VersionValues {
    pub(crate) bank: String,
    pub(crate) code: String,
    pub(crate) version: u32,
    pub(crate) current_version: u32,
    pub(crate) retired: bool,
    pub(crate) stored_at: String,
    pub(crate) kind: String,
    pub(crate) stem: String,
    pub(crate) options: String,
    pub(crate) answer: String,
    pub(crate) explanation: String,
    pub(crate) law: String,
    pub(crate) article: String,
    pub(crate) difficulty: Option<u8>,
    pub(crate) tags: String,
    pub(crate) points: Option<f64>,
    pub(crate) content_hash: String,
    pub(crate) law_version: Option<String>,
}

/// Returns the stored question a version's values make, or why they make none.
pub(crate) fn question_from_values(values: VersionValues) -> std::result::Result<StoredQuestion, String> {
    let VersionValues {
        bank,
        code,
        version,
        current_version,
        retired,
        stored_at,
        kind,
        stem,
        options,
        answer,
        explanation,
        law,
        article,
        difficulty,
        tags,
        points,
        content_hash,
        law_version,
    } = values;
    let kind = match kind.as_str() {
        "single" => Kind::Single,
        "multiple" => Kind::Multiple,
        "judge" => Kind::Judge,
        other => return Err(format!("question {code}: unknown kind `{other}`")),
    };
    let options: Vec<String> = serde_json::from_str(&options).map_err(|e| format!("question {code}: {e}"))?;
    // With the kind: `F` is option F of a choice question, 错 only for a judgement.
    let answer = Answer::from_canonical(&answer, kind)
        .ok_or_else(|| format!("question {code}: unreadable key `{answer}`"))?;
    let mut question = Question::new(code.clone(), kind, stem, options, answer);
    question.explanation = explanation;
    question.law = law;
    question.article = article;
    question.difficulty = difficulty;
    question.tags = serde_json::from_str(&tags).map_err(|e| format!("question {code}: {e}"))?;
    question.points = points;
    question.law_version = law_version;
    Ok(StoredQuestion {
        bank,
        version,
        current: version == current_version,
        retired,
        stored_at,
        content_hash,
        question,
    })
}

fn collect_questions(
    rows: impl Iterator<Item = rusqlite::Result<std::result::Result<StoredQuestion, String>>>,
) -> Result<Vec<StoredQuestion>> {
    let mut questions = Vec::new();
    for row in rows {
        questions.push(row?.map_err(StoreError::Corrupt)?);
    }
    Ok(questions)
}

fn insert_version(
    tx: &Transaction<'_>,
    question_id: i64,
    version: u32,
    question: &Question,
    record_hash: &str,
    now: &str,
) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO question_versions (question_id, version, content_hash, record_hash, kind, stem, options, \
         answer, explanation, law, law_key, article, difficulty, tags, points, created_at, law_version) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
    )?
    .execute(params![
        question_id,
        version,
        question.content_hash().to_hex(),
        record_hash,
        question.kind.as_str(),
        question.stem,
        json_list(&question.options),
        question.answer.canonical(),
        question.explanation,
        question.law,
        law_key(&question.law),
        question.article,
        question.difficulty,
        json_list(&question.tags),
        question.points,
        now,
        question.law_version,
    ])?;
    Ok(())
}

struct ExistingQuestion {
    id: i64,
    version: u32,
    retired: bool,
    record_hash: String,
}

/// The SQLite side of [`RosterWriter`]: each person is compared with the one stored under
/// their employee id (one indexed lookup), then added, updated with their history kept, or
/// left as they are.
#[derive(Debug)]
pub(crate) struct SqliteRosterWriter<'a> {
    tx: &'a Transaction<'a>,
    find: rusqlite::Statement<'a>,
    update: rusqlite::Statement<'a>,
    insert: rusqlite::Statement<'a>,
    history: rusqlite::Statement<'a>,
    seen: rusqlite::Statement<'a>,
    departments: HashMap<String, i64>,
    now: String,
    report: RosterImport,
    failed: Option<StoreError>,
}

/// A stored person as the roster import compares them.
type Stored = (i64, String, i64, String, String, Option<String>, Option<String>);

impl SqliteRosterWriter<'_> {
    /// Writes one person from a file that has only `columns` of the optional ones.
    pub(crate) fn write_columns(&mut self, person: &Person, columns: xuefa_core::RosterColumns) {
        if self.failed.is_none()
            && let Err(error) = self.try_write(person, columns)
        {
            self.failed = Some(error);
        }
    }

    fn try_write(&mut self, person: &Person, columns: xuefa_core::RosterColumns) -> Result<()> {
        self.seen.execute([&person.id])?;
        let department = department_id(self.tx, &mut self.departments, &person.department)?;
        let mut status = person.status.as_str().to_owned();
        let mut role = person.role.clone();
        let mut joined = person.joined.map(|d| d.to_string());
        let mut left_on = person.left.map(|d| d.to_string());
        let old: Option<Stored> = self
            .find
            .query_row([&person.id], |row| {
                Ok((
                    row.get(0)?,
                    row.get(1)?,
                    row.get(2)?,
                    row.get(3)?,
                    row.get(4)?,
                    row.get(5)?,
                    row.get(6)?,
                ))
            })
            .optional()?;
        if let Some((_, _, _, old_role, old_status, old_joined, old_left)) = &old {
            if !columns.role {
                role.clone_from(old_role);
            }
            if !columns.status {
                status.clone_from(old_status);
            }
            if !columns.joined {
                joined.clone_from(old_joined);
            }
            if !columns.left {
                left_on.clone_from(old_left);
            }
        }
        let person_id = match old {
            Some((id, name, department_id, old_role, old_status, old_joined, old_left))
                if name == person.name
                    && department_id == department
                    && old_role == role
                    && old_status == status
                    && old_joined == joined
                    && old_left == left_on =>
            {
                let _ = id;
                self.report.unchanged += 1;
                return Ok(());
            }
            Some((id, ..)) => {
                self.update.execute(params![
                    person.name,
                    department,
                    role,
                    status,
                    joined,
                    left_on,
                    self.now,
                    id
                ])?;
                self.report.updated.push(person.id.clone());
                id
            }
            None => {
                self.insert.execute(params![
                    person.id,
                    person.name,
                    department,
                    role,
                    status,
                    joined,
                    left_on,
                    self.now
                ])?;
                self.report.added.push(person.id.clone());
                self.tx.last_insert_rowid()
            }
        };
        self.history.execute(params![
            person_id,
            self.now,
            person.name,
            department,
            role,
            status,
            joined,
            left_on
        ])?;
        Ok(())
    }
}

fn department_id(
    tx: &Transaction<'_>,
    cache: &mut HashMap<String, i64>,
    department: &Department,
) -> Result<i64> {
    let mut parent: Option<i64> = None;
    let parts = department.parts();
    for depth in 1..=parts.len() {
        let path = parts[..depth].join("/");
        let id = match cache.get(&path) {
            Some(&id) => id,
            None => {
                tx.prepare_cached(
                    "INSERT INTO departments (path, name, parent_id, depth) VALUES (?1, ?2, ?3, ?4)",
                )?
                .execute(params![path, parts[depth - 1], parent, depth as i64])?;
                let id = tx.last_insert_rowid();
                cache.insert(path, id);
                id
            }
        };
        parent = Some(id);
    }
    parent.ok_or_else(|| StoreError::Corrupt("a department without parts".to_owned()))
}

pub(crate) fn parse_date(text: Option<String>) -> Result<Option<Date>> {
    text.map(|t| t.parse::<Date>().map_err(|e| StoreError::Corrupt(format!("date `{t}`: {e}")))).transpose()
}

/// Imports one bank inside the caller's transaction.
fn import_bank(
    tx: &Transaction<'_>,
    bank: &str,
    questions: &[Question],
    now: Timestamp,
    progress: Progress<'_>,
) -> Result<BankImport> {
    let now_text = now.to_string();
    let mut report = BankImport { bank: bank.to_owned(), ..BankImport::default() };
    let existing_bank: Option<i64> =
        tx.query_row("SELECT id FROM banks WHERE name = ?1", [bank], |row| row.get(0)).optional()?;
    let bank_id = match existing_bank {
        Some(id) => {
            tx.execute("UPDATE banks SET updated_at = ?1 WHERE id = ?2", params![now_text, id])?;
            id
        }
        None => {
            tx.execute(
                "INSERT INTO banks (name, created_at, updated_at) VALUES (?1, ?2, ?2)",
                params![bank, now_text],
            )?;
            report.created = true;
            tx.last_insert_rowid()
        }
    };
    let mut existing: HashMap<String, ExistingQuestion> = HashMap::new();
    {
        let mut statement = tx.prepare(
            "SELECT q.id, q.code, q.current_version, q.retired, v.record_hash FROM questions q \
             JOIN question_versions v ON v.question_id = q.id AND v.version = q.current_version \
             WHERE q.bank_id = ?1",
        )?;
        let rows = statement.query_map([bank_id], |row| {
            Ok((
                row.get::<_, String>(1)?,
                ExistingQuestion {
                    id: row.get(0)?,
                    version: row.get(2)?,
                    retired: row.get(3)?,
                    record_hash: row.get(4)?,
                },
            ))
        })?;
        for row in rows {
            let (code, question) = row?;
            existing.insert(code, question);
        }
    }
    let total = questions.len() as u64;
    let mut seen: HashSet<&str> = HashSet::with_capacity(questions.len());
    for (index, question) in questions.iter().enumerate() {
        if index % PROGRESS_EVERY == 0 {
            progress(index as u64, total);
        }
        seen.insert(question.id.as_str());
        let record_hash = question.record_hash().to_hex();
        match existing.get(&question.id) {
            None => {
                tx.prepare_cached(
                    "INSERT INTO questions (bank_id, code, current_version, retired, kind, law_key) \
                     VALUES (?1, ?2, 1, 0, ?3, ?4)",
                )?
                .execute(params![
                    bank_id,
                    question.id,
                    question.kind.as_str(),
                    law_key(&question.law)
                ])?;
                let id = tx.last_insert_rowid();
                insert_version(tx, id, 1, question, &record_hash, &now_text)?;
                report.added.push(question.id.clone());
            }
            Some(old) if old.record_hash == record_hash => {
                if old.retired {
                    tx.prepare_cached("UPDATE questions SET retired = 0 WHERE id = ?1")?.execute([old.id])?;
                }
                report.unchanged += 1;
            }
            Some(old) => {
                let version = old.version + 1;
                insert_version(tx, old.id, version, question, &record_hash, &now_text)?;
                tx.prepare_cached(
                    "UPDATE questions SET current_version = ?1, retired = 0, kind = ?3, law_key = ?4 WHERE id = ?2",
                )?
                .execute(params![version, old.id, question.kind.as_str(), law_key(&question.law)])?;
                report.changed.push(question.id.clone());
            }
        }
    }
    let mut retired: Vec<(&String, i64)> = existing
        .iter()
        .filter(|(code, old)| !old.retired && !seen.contains(code.as_str()))
        .map(|(code, old)| (code, old.id))
        .collect();
    retired.sort_by_key(|(_, id)| *id);
    for (code, id) in retired {
        tx.prepare_cached("UPDATE questions SET retired = 1 WHERE id = ?1")?.execute([id])?;
        report.retired.push(code.clone());
    }
    log_import(tx, "bank", now, bank, &report)?;
    Ok(report)
}

impl Store for SqliteStore {
    fn import_banks(
        &mut self,
        banks: &[(&str, &[Question])],
        now: Timestamp,
        progress: Progress<'_>,
    ) -> Result<Vec<BankImport>> {
        let tx = self.write()?;
        let total: u64 = banks.iter().map(|(_, questions)| questions.len() as u64).sum();
        let mut done = 0;
        let mut reports = Vec::with_capacity(banks.len());
        for (bank, questions) in banks {
            let mut step = |index: u64, _: u64| progress(done + index, total);
            reports.push(import_bank(&tx, bank, questions, now, &mut step)?);
            done += questions.len() as u64;
        }
        progress(total, total);
        tx.commit()?;
        Ok(reports)
    }

    fn banks(&self) -> Result<Vec<BankSummary>> {
        let mut statement = self.conn.prepare(
            "SELECT b.name, b.updated_at, \
               SUM(CASE WHEN q.retired = 0 THEN 1 ELSE 0 END), \
               SUM(CASE WHEN q.retired = 0 AND v.kind = 'single' THEN 1 ELSE 0 END), \
               SUM(CASE WHEN q.retired = 0 AND v.kind = 'multiple' THEN 1 ELSE 0 END), \
               SUM(CASE WHEN q.retired = 0 AND v.kind = 'judge' THEN 1 ELSE 0 END), \
               SUM(CASE WHEN q.retired = 1 THEN 1 ELSE 0 END) \
             FROM banks b \
             LEFT JOIN questions q ON q.bank_id = b.id \
             LEFT JOIN question_versions v ON v.question_id = q.id AND v.version = q.current_version \
             GROUP BY b.id ORDER BY b.name",
        )?;
        let rows = statement.query_map([], |row| {
            Ok(BankSummary {
                name: row.get(0)?,
                updated_at: row.get(1)?,
                questions: row.get::<_, Option<i64>>(2)?.unwrap_or(0) as u64,
                single: row.get::<_, Option<i64>>(3)?.unwrap_or(0) as u64,
                multiple: row.get::<_, Option<i64>>(4)?.unwrap_or(0) as u64,
                judge: row.get::<_, Option<i64>>(5)?.unwrap_or(0) as u64,
                retired: row.get::<_, Option<i64>>(6)?.unwrap_or(0) as u64,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn questions(&self, bank: Option<&str>) -> Result<Vec<StoredQuestion>> {
        if let Some(name) = bank {
            let known: Option<i64> = self
                .conn
                .query_row("SELECT id FROM banks WHERE name = ?1", [name], |row| row.get(0))
                .optional()?;
            if known.is_none() {
                return Err(StoreError::NoBank(name.to_owned()));
            }
        }
        let mut statement = self.conn.prepare(&format!(
            "SELECT {VERSION_COLUMNS} FROM questions q JOIN banks b ON b.id = q.bank_id \
             JOIN question_versions v ON v.question_id = q.id AND v.version = q.current_version \
             WHERE q.retired = 0 AND (?1 IS NULL OR b.name = ?1) ORDER BY b.name, q.id"
        ))?;
        let rows = statement.query_map([bank], question_from_row)?;
        collect_questions(rows)
    }

    fn question_versions(&self, reference: &str) -> Result<Vec<StoredQuestion>> {
        let sql = format!(
            "SELECT {VERSION_COLUMNS} FROM questions q JOIN banks b ON b.id = q.bank_id \
             JOIN question_versions v ON v.question_id = q.id \
             WHERE q.code = ?1 AND (?2 IS NULL OR b.name = ?2) ORDER BY b.name, v.version"
        );
        let mut statement = self.conn.prepare(&sql)?;
        let found =
            collect_questions(statement.query_map(params![reference, None::<String>], question_from_row)?)?;
        if !found.is_empty() {
            return Ok(found);
        }
        match reference.split_once(':') {
            Some((bank, code)) => {
                collect_questions(statement.query_map(params![code, bank], question_from_row)?)
            }
            None => Ok(found),
        }
    }

    fn stale_questions(&self, law: &str, since: &str) -> Result<Vec<StoredQuestion>> {
        let sql = format!(
            "SELECT {VERSION_COLUMNS} FROM questions q JOIN banks b ON b.id = q.bank_id \
             JOIN question_versions v ON v.question_id = q.id AND v.version = q.current_version \
             WHERE q.retired = 0 AND v.law_key = ?1 \
             AND COALESCE(v.law_version, substr(v.created_at, 1, 10)) < ?2 ORDER BY b.name, q.code"
        );
        let mut statement = self.conn.prepare(&sql)?;
        collect_questions(statement.query_map(params![law_key(law), since], question_from_row)?)
    }

    fn bank_stats(&self) -> Result<BankStats> {
        let base = "FROM questions q JOIN banks b ON b.id = q.bank_id \
                    JOIN question_versions v ON v.question_id = q.id AND v.version = q.current_version \
                    WHERE q.retired = 0";
        let mut stats = BankStats::default();
        let mut statement =
            self.conn.prepare(&format!("SELECT b.name, COUNT(*) {base} GROUP BY b.name ORDER BY b.name"))?;
        stats.by_bank = statement
            .query_map([], |row| Ok((row.get(0)?, row.get::<_, i64>(1)? as u64)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut statement = self.conn.prepare(&format!(
            "SELECT v.law, COUNT(*) {base} GROUP BY v.law ORDER BY COUNT(*) DESC, v.law"
        ))?;
        stats.by_law = statement
            .query_map([], |row| Ok((row.get(0)?, row.get::<_, i64>(1)? as u64)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut statement = self.conn.prepare(&format!("SELECT v.kind, COUNT(*) {base} GROUP BY v.kind"))?;
        let by_kind: HashMap<String, u64> = statement
            .query_map([], |row| Ok((row.get(0)?, row.get::<_, i64>(1)? as u64)))?
            .collect::<rusqlite::Result<_>>()?;
        stats.by_kind =
            Kind::ALL.iter().map(|kind| (*kind, by_kind.get(kind.as_str()).copied().unwrap_or(0))).collect();
        let mut statement = self.conn.prepare(&format!(
            "SELECT v.difficulty, COUNT(*) {base} GROUP BY v.difficulty ORDER BY v.difficulty"
        ))?;
        stats.by_difficulty = statement
            .query_map([], |row| Ok((row.get(0)?, row.get::<_, i64>(1)? as u64)))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(stats)
    }

    fn exams_using_bank(&self, bank: &str) -> Result<Vec<String>> {
        let mut statement = self.conn.prepare(
            "SELECT DISTINCT p.exam_id FROM exam_pool p JOIN questions q ON q.id = p.question_id \
             JOIN banks b ON b.id = q.bank_id WHERE b.name = ?1 ORDER BY p.exam_id",
        )?;
        Ok(statement.query_map([bank], |row| row.get(0))?.collect::<rusqlite::Result<_>>()?)
    }

    fn remove_bank(&mut self, bank: &str, force: bool) -> Result<u64> {
        let exams = self.exams_using_bank(bank)?;
        let tx = self.write()?;
        let Some(id): Option<i64> =
            tx.query_row("SELECT id FROM banks WHERE name = ?1", [bank], |row| row.get(0)).optional()?
        else {
            return Err(StoreError::NoBank(bank.to_owned()));
        };
        if !exams.is_empty() && !force {
            return Err(StoreError::BankInUse { bank: bank.to_owned(), exams });
        }
        let count: i64 =
            tx.query_row("SELECT COUNT(*) FROM questions WHERE bank_id = ?1", [id], |row| row.get(0))?;
        // Attempts keep their own copy of every question they showed (their papers refer to
        // question versions, so those papers are written out in full first); exams lose
        // these questions from their pools.
        let referring: Vec<(i64, String)> = tx
            .prepare(
                "SELECT id, paper FROM attempts WHERE paper LIKE '{\"format\":\"refs\"%' AND exam_id IN \
                 (SELECT DISTINCT p.exam_id FROM exam_pool p JOIN questions q ON q.id = p.question_id \
                  WHERE q.bank_id = ?1)",
            )?
            .query_map([id], |row| Ok((row.get(0)?, row.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut cache = HashMap::new();
        for (attempt, text) in referring {
            let paper = crate::exams::decode_paper(&tx, &text, &mut cache)?;
            tx.execute(
                "UPDATE attempts SET paper = ?1 WHERE id = ?2",
                params![crate::exams::json(&paper)?, attempt],
            )?;
        }
        tx.execute(
            "DELETE FROM exam_pool WHERE question_id IN (SELECT id FROM questions WHERE bank_id = ?1)",
            [id],
        )?;
        tx.execute("DELETE FROM banks WHERE id = ?1", [id])?;
        tx.commit()?;
        Ok(count as u64)
    }

    fn import_roster_each(
        &mut self,
        now: Timestamp,
        fill: &mut dyn FnMut(&mut RosterWriter<'_>) -> bool,
    ) -> Result<Option<RosterImport>> {
        let now_text = now.to_string();
        let tx = self.write()?;
        let mut departments: HashMap<String, i64> = HashMap::new();
        {
            let mut statement = tx.prepare("SELECT path, id FROM departments")?;
            for row in statement.query_map([], |row| Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?)))? {
                let (path, id) = row?;
                departments.insert(path, id);
            }
        }
        // Who the roster lists, to find who it does not: a temporary table, not a set of a
        // million strings in memory.
        tx.execute_batch(
            "CREATE TEMP TABLE IF NOT EXISTS roster_seen (employee_id TEXT PRIMARY KEY); DELETE FROM roster_seen;",
        )?;
        let (keep, mut report) = {
            let mut writer = RosterWriter(RosterBackend::Sqlite(SqliteRosterWriter {
                tx: &tx,
                find: tx.prepare(
                    "SELECT id, name, department_id, role, status, joined, left_on FROM people WHERE employee_id = ?1",
                )?,
                update: tx.prepare(
                    "UPDATE people SET name = ?1, department_id = ?2, role = ?3, status = ?4, joined = ?5, \
                     left_on = ?6, updated_at = ?7 WHERE id = ?8",
                )?,
                insert: tx.prepare(
                    "INSERT INTO people (employee_id, name, department_id, role, status, joined, left_on, \
                     created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
                )?,
                history: tx.prepare(
                    "INSERT INTO person_history (person_id, changed_at, name, department_id, role, status, joined, \
                     left_on) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                )?,
                seen: tx.prepare("INSERT OR IGNORE INTO roster_seen (employee_id) VALUES (?1)")?,
                departments,
                now: now_text,
                report: RosterImport::default(),
                failed: None,
            }));
            let keep = fill(&mut writer);
            let RosterWriter(RosterBackend::Sqlite(writer)) = writer else {
                return Err(StoreError::Corrupt("the writer changed backend".into()));
            };
            if let Some(error) = writer.failed {
                return Err(error);
            }
            (keep, writer.report)
        };
        if !keep {
            return Ok(None);
        }
        // People the workspace has (not left) whom the roster does not list.
        {
            let mut statement = tx.prepare(
                "SELECT employee_id, name FROM people WHERE status <> ?1 \
                 AND employee_id NOT IN (SELECT employee_id FROM roster_seen) ORDER BY employee_id",
            )?;
            let rows = statement.query_map([Status::Left.as_str()], |row| Ok((row.get(0)?, row.get(1)?)))?;
            report.missing = rows.collect::<rusqlite::Result<_>>()?;
        }
        tx.execute_batch("DROP TABLE roster_seen;")?;
        log_import(&tx, "roster", now, "", &report)?;
        tx.commit()?;
        Ok(Some(report))
    }

    fn people(&self, department: Option<&Department>) -> Result<Vec<Person>> {
        let path = department.map(Department::path);
        self.people_where(
            "?1 IS NULL OR d.path = ?1 OR substr(d.path, 1, length(?1) + 1) = ?1 || '/'",
            &[&path],
        )
    }
}

impl SqliteStore {
    /// Returns the people a condition on `p` (people) and `d` (departments) selects.
    pub(crate) fn people_where(&self, condition: &str, args: &[&dyn rusqlite::ToSql]) -> Result<Vec<Person>> {
        let mut statement = self.conn.prepare(&format!(
            "SELECT p.employee_id, p.name, d.path, p.role, p.status, p.joined, p.left_on \
             FROM people p JOIN departments d ON d.id = p.department_id \
             WHERE {condition} ORDER BY d.path, p.employee_id"
        ))?;
        let rows = statement.query_map(args, |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, String>(3)?,
                row.get::<_, String>(4)?,
                row.get::<_, Option<String>>(5)?,
                row.get::<_, Option<String>>(6)?,
            ))
        })?;
        let mut people = Vec::new();
        // People come by department: each department is parsed once and shared.
        let mut last: Option<(String, Department)> = None;
        for row in rows {
            let (id, name, path, role, status, joined, left) = row?;
            let department = match &last {
                Some((last_path, department)) if *last_path == path => department.clone(),
                _ => {
                    let department = Department::parse(&path)
                        .ok_or_else(|| StoreError::Corrupt(format!("person {id}: empty department")))?;
                    last = Some((path, department.clone()));
                    department
                }
            };
            people.push(person_from(id, name, department, role, &status, joined, left)?);
        }
        Ok(people)
    }
}

/// Returns a person from the columns of a `people` row (the department already resolved).
pub(crate) fn person_from(
    id: String,
    name: String,
    department: Department,
    role: String,
    status: &str,
    joined: Option<String>,
    left: Option<String>,
) -> Result<Person> {
    let mut person = Person::new(id, name, department);
    person.role = role;
    person.status =
        Status::parse(status).ok_or_else(|| StoreError::Corrupt(format!("person status `{status}`")))?;
    person.joined = parse_date(joined)?;
    person.left = parse_date(left)?;
    Ok(person)
}

/// Names why the first read of an existing file failed: only a file that is not an SQLite
/// database is "not a database"; a full disk, a read-only disk or a file that cannot be
/// opened is said as such, so nobody restores a sound database from a backup.
pub(crate) fn first_read_failure(path: &Path, error: rusqlite::Error) -> StoreError {
    use rusqlite::ErrorCode;
    match error.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) => {
            StoreError::NotXuefa { path: path.to_path_buf(), reason: "not_sqlite" }
        }
        // SQLite cannot open a WAL database where it cannot make its `-shm` file: on a
        // read-only disk (or a file the user may only read) that is the disk's doing.
        Some(ErrorCode::CannotOpen | ErrorCode::ReadOnly) if cannot_write(path) => {
            StoreError::Database(rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_READONLY),
                Some(error.to_string()),
            ))
        }
        _ => StoreError::Database(error),
    }
}

/// Whether the file or its folder refuses writing (a read-only mount, permissions).
fn cannot_write(path: &Path) -> bool {
    use std::io::ErrorKind;
    let refused =
        |e: std::io::Error| matches!(e.kind(), ErrorKind::ReadOnlyFilesystem | ErrorKind::PermissionDenied);
    if let Err(e) = std::fs::OpenOptions::new().append(true).open(path) {
        return refused(e);
    }
    false
}
