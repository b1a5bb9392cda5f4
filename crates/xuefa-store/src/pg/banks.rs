//! Banks and rosters on PostgreSQL: [`Store`](crate::Store).

use std::collections::{HashMap, HashSet};

use jiff::Timestamp;
use postgres::fallible_iterator::FallibleIterator;
use postgres::types::ToSql;
use postgres::{Statement, Transaction};
use xuefa_core::{Department, Kind, Person, Question, Status, law_key};

use super::{Lock, PgStore, int};
use crate::sqlite::{PROGRESS_EVERY, VERSION_COLUMNS, VersionValues, json_list, question_from_values};
use crate::{
    BankImport, BankStats, BankSummary, Progress, Result, RosterBackend, RosterImport, StoreError,
    StoredQuestion,
};

/// Returns the question version a row of [`VERSION_COLUMNS`] holds.
///
/// # Errors
/// Returns [`StoreError::Corrupt`] for values no question has, or a database error.
pub(crate) fn question_from_pg_row(row: &postgres::Row) -> Result<StoredQuestion> {
    let code: String = row.try_get(1)?;
    let number = |value: i64, what: &str| {
        u32::try_from(value).map_err(|_| StoreError::Corrupt(format!("question {code}: {what} {value}")))
    };
    let version = number(row.try_get(2)?, "version")?;
    let current_version = number(row.try_get(3)?, "version")?;
    let difficulty = row
        .try_get::<_, Option<i64>>(13)?
        .map(|value| {
            u8::try_from(value)
                .map_err(|_| StoreError::Corrupt(format!("question {code}: difficulty {value}")))
        })
        .transpose()?;
    question_from_values(VersionValues {
        bank: row.try_get(0)?,
        code: code.clone(),
        version,
        current_version,
        retired: row.try_get::<_, i64>(4)? != 0,
        stored_at: row.try_get(5)?,
        kind: row.try_get(6)?,
        stem: row.try_get(7)?,
        options: row.try_get(8)?,
        answer: row.try_get(9)?,
        explanation: row.try_get(10)?,
        law: row.try_get(11)?,
        article: row.try_get(12)?,
        difficulty,
        tags: row.try_get(14)?,
        points: row.try_get(15)?,
        content_hash: row.try_get(16)?,
        law_version: row.try_get(17)?,
    })
    .map_err(StoreError::Corrupt)
}

/// Returns the questions a query of [`VERSION_COLUMNS`] gives, in its order, read as they
/// come.
fn collect_questions<T: ?Sized + postgres::ToStatement>(
    tx: &mut Transaction<'_>,
    query: &T,
    params: &[&(dyn ToSql + Sync)],
) -> Result<Vec<StoredQuestion>> {
    let mut rows = tx.query_raw(query, params.iter().copied())?;
    let mut questions = Vec::new();
    while let Some(row) = rows.next()? {
        questions.push(question_from_pg_row(&row)?);
    }
    Ok(questions)
}

/// A count as the store returns it (a count is never negative).
fn count(value: i64) -> u64 {
    u64::try_from(value).unwrap_or_default()
}

fn log_import(
    tx: &mut Transaction<'_>,
    kind: &str,
    now: Timestamp,
    sources: &str,
    summary: &impl serde::Serialize,
) -> Result<()> {
    let summary = serde_json::to_string(summary).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    tx.execute(
        "INSERT INTO imports (kind, at, sources, summary) VALUES ($1, $2, $3, $4)",
        &[&kind, &now.to_string(), &sources, &summary],
    )?;
    Ok(())
}

/// The statements a bank import runs for each question, prepared once per bank.
struct BankStatements {
    insert_version: Statement,
    unretire: Statement,
    change: Statement,
    retire: Statement,
}

impl BankStatements {
    fn prepare(tx: &mut Transaction<'_>) -> Result<BankStatements> {
        Ok(BankStatements {
            insert_version: tx.prepare(
                "INSERT INTO question_versions (question_id, version, content_hash, record_hash, kind, stem, \
                 options, answer, explanation, law, law_key, article, difficulty, tags, points, created_at, \
                 law_version) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
            )?,
            unretire: tx.prepare("UPDATE questions SET retired = 0 WHERE id = $1")?,
            change: tx.prepare(
                "UPDATE questions SET current_version = $1, retired = 0, kind = $3, law_key = $4 WHERE id = $2",
            )?,
            retire: tx.prepare("UPDATE questions SET retired = 1 WHERE id = $1")?,
        })
    }
}

fn insert_version(
    tx: &mut Transaction<'_>,
    statements: &BankStatements,
    question_id: i64,
    version: u32,
    question: &Question,
    record_hash: &str,
    now: &str,
) -> Result<()> {
    tx.execute(
        &statements.insert_version,
        &[
            &question_id,
            &i64::from(version),
            &question.content_hash().to_hex(),
            &record_hash,
            &question.kind.as_str(),
            &question.stem,
            &json_list(&question.options),
            &question.answer.canonical(),
            &question.explanation,
            &question.law,
            &law_key(&question.law),
            &question.article,
            &question.difficulty.map(i64::from),
            &json_list(&question.tags),
            &question.points,
            &now,
            &question.law_version,
        ],
    )?;
    Ok(())
}

/// How many new questions a bank import writes in one statement each for the questions and
/// their first versions.
const BANK_BATCH: usize = 1_000;

/// Writes new questions (with their record hashes) and their first versions, in the file's
/// order, so their row ids follow the file as SQLite's do: two statements for a batch instead
/// of two for each question.
fn insert_new_questions(
    tx: &mut Transaction<'_>,
    bank_id: i64,
    batch: &[(&Question, String)],
    now: &str,
) -> Result<()> {
    if batch.is_empty() {
        return Ok(());
    }
    let codes: Vec<&str> = batch.iter().map(|(q, _)| q.id.as_str()).collect();
    let kinds: Vec<&str> = batch.iter().map(|(q, _)| q.kind.as_str()).collect();
    let law_keys: Vec<String> = batch.iter().map(|(q, _)| law_key(&q.law)).collect();
    let mut ids: HashMap<String, i64> = HashMap::with_capacity(batch.len());
    for row in tx.query(
        "INSERT INTO questions (bank_id, code, current_version, retired, kind, law_key) \
         SELECT $1, code, 1, 0, kind, law_key \
         FROM unnest($2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS u (code, kind, law_key, n) \
         ORDER BY n RETURNING id, code",
        &[&bank_id, &codes, &kinds, &law_keys],
    )? {
        ids.insert(row.try_get(1)?, row.try_get(0)?);
    }
    let question_ids = codes
        .iter()
        .map(|code| {
            ids.get(*code)
                .copied()
                .ok_or_else(|| StoreError::Corrupt(format!("question {code} was not written")))
        })
        .collect::<Result<Vec<i64>>>()?;
    let content_hashes: Vec<String> = batch.iter().map(|(q, _)| q.content_hash().to_hex()).collect();
    let record_hashes: Vec<&str> = batch.iter().map(|(_, hash)| hash.as_str()).collect();
    let stems: Vec<&str> = batch.iter().map(|(q, _)| q.stem.as_str()).collect();
    let options: Vec<String> = batch.iter().map(|(q, _)| json_list(&q.options)).collect();
    let answers: Vec<String> = batch.iter().map(|(q, _)| q.answer.canonical()).collect();
    let explanations: Vec<&str> = batch.iter().map(|(q, _)| q.explanation.as_str()).collect();
    let laws: Vec<&str> = batch.iter().map(|(q, _)| q.law.as_str()).collect();
    let articles: Vec<&str> = batch.iter().map(|(q, _)| q.article.as_str()).collect();
    let difficulties: Vec<Option<i64>> = batch.iter().map(|(q, _)| q.difficulty.map(i64::from)).collect();
    let tags: Vec<String> = batch.iter().map(|(q, _)| json_list(&q.tags)).collect();
    let points: Vec<Option<f64>> = batch.iter().map(|(q, _)| q.points).collect();
    let law_versions: Vec<Option<&str>> = batch.iter().map(|(q, _)| q.law_version.as_deref()).collect();
    tx.execute(
        "INSERT INTO question_versions (question_id, version, content_hash, record_hash, kind, stem, \
         options, answer, explanation, law, law_key, article, difficulty, tags, points, created_at, \
         law_version) \
         SELECT question_id, 1, content_hash, record_hash, kind, stem, options, answer, explanation, law, \
         law_key, article, difficulty, tags, points, $1, law_version \
         FROM unnest($2::int8[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], \
         $9::text[], $10::text[], $11::text[], $12::text[], $13::int8[], $14::text[], $15::float8[], \
         $16::text[]) AS v (question_id, content_hash, record_hash, kind, stem, options, answer, \
         explanation, law, law_key, article, difficulty, tags, points, law_version)",
        &[
            &now,
            &question_ids,
            &content_hashes,
            &record_hashes,
            &kinds,
            &stems,
            &options,
            &answers,
            &explanations,
            &laws,
            &law_keys,
            &articles,
            &difficulties,
            &tags,
            &points,
            &law_versions,
        ],
    )?;
    Ok(())
}

struct ExistingQuestion {
    id: i64,
    version: u32,
    retired: bool,
    record_hash: String,
}

/// Imports one bank inside the caller's transaction.
fn import_bank(
    tx: &mut Transaction<'_>,
    bank: &str,
    questions: &[Question],
    now: Timestamp,
    progress: Progress<'_>,
) -> Result<BankImport> {
    let now_text = now.to_string();
    let mut report = BankImport { bank: bank.to_owned(), ..BankImport::default() };
    let existing_bank: Option<i64> = tx
        .query_opt("SELECT id FROM banks WHERE name = $1", &[&bank])?
        .map(|row| row.try_get(0))
        .transpose()?;
    let bank_id = match existing_bank {
        Some(id) => {
            tx.execute("UPDATE banks SET updated_at = $1 WHERE id = $2", &[&now_text, &id])?;
            id
        }
        None => {
            let row = tx.query_one(
                "INSERT INTO banks (name, created_at, updated_at) VALUES ($1, $2, $2) RETURNING id",
                &[&bank, &now_text],
            )?;
            report.created = true;
            row.try_get(0)?
        }
    };
    let mut existing: HashMap<String, ExistingQuestion> = HashMap::new();
    {
        let mut rows = tx.query_raw(
            "SELECT q.id, q.code, q.current_version, q.retired, v.record_hash FROM questions q \
             JOIN question_versions v ON v.question_id = q.id AND v.version = q.current_version \
             WHERE q.bank_id = $1",
            [&bank_id],
        )?;
        while let Some(row) = rows.next()? {
            let code: String = row.try_get(1)?;
            let version: i64 = row.try_get(2)?;
            let version = u32::try_from(version)
                .map_err(|_| StoreError::Corrupt(format!("question {code}: version {version}")))?;
            let question = ExistingQuestion {
                id: row.try_get(0)?,
                version,
                retired: row.try_get::<_, i64>(3)? != 0,
                record_hash: row.try_get(4)?,
            };
            existing.insert(code, question);
        }
    }
    let statements = BankStatements::prepare(tx)?;
    let total = questions.len() as u64;
    let mut seen: HashSet<&str> = HashSet::with_capacity(questions.len());
    let mut new: Vec<(&Question, String)> = Vec::with_capacity(BANK_BATCH);
    for (index, question) in questions.iter().enumerate() {
        if index % PROGRESS_EVERY == 0 {
            progress(index as u64, total);
        }
        seen.insert(question.id.as_str());
        let record_hash = question.record_hash().to_hex();
        match existing.get(&question.id) {
            None => {
                report.added.push(question.id.clone());
                new.push((question, record_hash));
                if new.len() == BANK_BATCH {
                    insert_new_questions(tx, bank_id, &new, &now_text)?;
                    new.clear();
                }
            }
            Some(old) if old.record_hash == record_hash => {
                if old.retired {
                    tx.execute(&statements.unretire, &[&old.id])?;
                }
                report.unchanged += 1;
            }
            Some(old) => {
                let version = old.version + 1;
                insert_version(tx, &statements, old.id, version, question, &record_hash, &now_text)?;
                tx.execute(
                    &statements.change,
                    &[&i64::from(version), &old.id, &question.kind.as_str(), &law_key(&question.law)],
                )?;
                report.changed.push(question.id.clone());
            }
        }
    }
    insert_new_questions(tx, bank_id, &new, &now_text)?;
    let mut retired: Vec<(&String, i64)> = existing
        .iter()
        .filter(|(code, old)| !old.retired && !seen.contains(code.as_str()))
        .map(|(code, old)| (code, old.id))
        .collect();
    retired.sort_by_key(|(_, id)| *id);
    for (code, id) in retired {
        tx.execute(&statements.retire, &[&id])?;
        report.retired.push(code.clone());
    }
    log_import(tx, "bank", now, bank, &report)?;
    Ok(report)
}

/// How many people the roster writer compares and writes in one round trip each.
const ROSTER_BATCH: usize = 2_000;

/// The PostgreSQL side of [`crate::RosterWriter`]: people are taken in batches of
/// [`ROSTER_BATCH`]. Each batch is noted as seen and its stored people found in one statement,
/// compared here as SQLite's writer compares them one by one, and then added, and updated with
/// their history kept, in one statement each: a province's million people cost about 1,500
/// round trips to the server instead of two million. It writes in a savepoint of the import's
/// transaction, which it holds until the roster is written.
pub struct RosterWriter<'a> {
    tx: Transaction<'a>,
    find: Statement,
    update: Statement,
    insert: Statement,
    department: Statement,
    departments: HashMap<String, i64>,
    /// People read but not yet written, in the file's order.
    pending: Vec<Pending>,
    /// Their employee ids: a person listed twice is written before being listed again.
    pending_ids: HashSet<String>,
    now: String,
    report: RosterImport,
    failed: Option<StoreError>,
}

impl std::fmt::Debug for RosterWriter<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RosterWriter")
            .field("departments", &self.departments.len())
            .field("pending", &self.pending.len())
            .field("now", &self.now)
            .field("report", &self.report)
            .field("failed", &self.failed)
            .finish_non_exhaustive()
    }
}

/// A person of the roster as the writer holds them until their batch is written.
struct Pending {
    id: String,
    name: String,
    department: i64,
    role: String,
    status: String,
    joined: Option<String>,
    left_on: Option<String>,
    columns: xuefa_core::RosterColumns,
}

/// A stored person as the roster import compares them.
type Stored = (i64, String, i64, String, String, Option<String>, Option<String>);

/// The columns of people a batch adds or updates, as arrays for `unnest`.
#[derive(Default)]
struct Rows {
    key: Vec<String>,
    id: Vec<i64>,
    name: Vec<String>,
    department: Vec<i64>,
    role: Vec<String>,
    status: Vec<String>,
    joined: Vec<Option<String>>,
    left_on: Vec<Option<String>>,
}

impl Rows {
    fn push(&mut self, person: Pending, stored: Option<i64>) {
        self.key.push(person.id);
        self.id.extend(stored);
        self.name.push(person.name);
        self.department.push(person.department);
        self.role.push(person.role);
        self.status.push(person.status);
        self.joined.push(person.joined);
        self.left_on.push(person.left_on);
    }
}

impl RosterWriter<'_> {
    /// Writes one person from a file that has only `columns` of the optional ones.
    pub(crate) fn write_columns(&mut self, person: &Person, columns: xuefa_core::RosterColumns) {
        if self.failed.is_none()
            && let Err(error) = self.try_write(person, columns)
        {
            self.failed = Some(error);
        }
    }

    fn try_write(&mut self, person: &Person, columns: xuefa_core::RosterColumns) -> Result<()> {
        if self.pending.len() >= ROSTER_BATCH || self.pending_ids.contains(&person.id) {
            self.flush()?;
        }
        let department =
            department_id(&mut self.tx, &self.department, &mut self.departments, &person.department)?;
        self.pending_ids.insert(person.id.clone());
        self.pending.push(Pending {
            id: person.id.clone(),
            name: person.name.clone(),
            department,
            role: person.role.clone(),
            status: person.status.as_str().to_owned(),
            joined: person.joined.map(|d| d.to_string()),
            left_on: person.left.map(|d| d.to_string()),
            columns,
        });
        Ok(())
    }

    /// Writes the people read so far.
    fn flush(&mut self) -> Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let pending = std::mem::take(&mut self.pending);
        self.pending_ids.clear();
        let ids: Vec<&str> = pending.iter().map(|p| p.id.as_str()).collect();
        let mut stored: HashMap<String, Stored> = HashMap::with_capacity(pending.len());
        for row in self.tx.query(&self.find, &[&ids])? {
            stored.insert(
                row.try_get(0)?,
                (
                    row.try_get(1)?,
                    row.try_get(2)?,
                    row.try_get(3)?,
                    row.try_get(4)?,
                    row.try_get(5)?,
                    row.try_get(6)?,
                    row.try_get(7)?,
                ),
            );
        }
        let (mut added, mut updated) = (Rows::default(), Rows::default());
        for mut person in pending {
            let Some((id, name, department, role, status, joined, left_on)) = stored.remove(&person.id)
            else {
                self.report.added.push(person.id.clone());
                added.push(person, None);
                continue;
            };
            // What the file has no column of stays as stored.
            if !person.columns.role {
                person.role = role.clone();
            }
            if !person.columns.status {
                person.status = status.clone();
            }
            if !person.columns.joined {
                person.joined.clone_from(&joined);
            }
            if !person.columns.left {
                person.left_on.clone_from(&left_on);
            }
            if name == person.name
                && department == person.department
                && role == person.role
                && status == person.status
                && joined == person.joined
                && left_on == person.left_on
            {
                self.report.unchanged += 1;
            } else {
                self.report.updated.push(person.id.clone());
                updated.push(person, Some(id));
            }
        }
        if !added.key.is_empty() {
            self.tx.execute(
                &self.insert,
                &[
                    &added.key,
                    &added.name,
                    &added.department,
                    &added.role,
                    &added.status,
                    &added.joined,
                    &added.left_on,
                    &self.now,
                ],
            )?;
        }
        if !updated.id.is_empty() {
            self.tx.execute(
                &self.update,
                &[
                    &updated.id,
                    &updated.name,
                    &updated.department,
                    &updated.role,
                    &updated.status,
                    &updated.joined,
                    &updated.left_on,
                    &self.now,
                ],
            )?;
        }
        Ok(())
    }
}

/// Returns the row id of a department, adding it and the departments above it that are not
/// yet stored; `cache` holds every stored department by path.
fn department_id(
    tx: &mut Transaction<'_>,
    insert: &Statement,
    cache: &mut HashMap<String, i64>,
    department: &Department,
) -> Result<i64> {
    let mut parent: Option<i64> = None;
    let mut path = String::new();
    for (depth, part) in department.parts().iter().enumerate() {
        if depth > 0 {
            path.push('/');
        }
        path.push_str(part);
        let id = match cache.get(&path) {
            Some(&id) => id,
            None => {
                let id: i64 = tx.query_one(insert, &[&path, part, &parent, &int(depth + 1)])?.try_get(0)?;
                cache.insert(path.clone(), id);
                id
            }
        };
        parent = Some(id);
    }
    parent.ok_or_else(|| StoreError::Corrupt("a department without parts".to_owned()))
}

/// Returns the people a condition on `p` (people) and `d` (departments) selects, in
/// department and id order.
///
/// # Errors
/// Returns [`StoreError::Corrupt`] for a stored person no roster has, or a database error.
pub(crate) fn people_where(
    tx: &mut Transaction<'_>,
    condition: &str,
    params: &[&(dyn ToSql + Sync)],
) -> Result<Vec<Person>> {
    let mut rows = tx.query_raw(
        &format!(
            "SELECT p.employee_id, p.name, d.path, p.role, p.status, p.joined, p.left_on \
             FROM people p JOIN departments d ON d.id = p.department_id \
             WHERE {condition} ORDER BY d.path, p.employee_id"
        ),
        params.iter().copied(),
    )?;
    let mut people = Vec::new();
    // People come by department: each department is parsed once and shared.
    let mut last: Option<(String, Department)> = None;
    while let Some(row) = rows.next()? {
        let id: String = row.try_get(0)?;
        let name: String = row.try_get(1)?;
        let path: String = row.try_get(2)?;
        let role: String = row.try_get(3)?;
        let status: String = row.try_get(4)?;
        let joined: Option<String> = row.try_get(5)?;
        let left: Option<String> = row.try_get(6)?;
        let department = match &last {
            Some((last_path, department)) if *last_path == path => department.clone(),
            _ => {
                let department = Department::parse(&path)
                    .ok_or_else(|| StoreError::Corrupt(format!("person {id}: empty department")))?;
                last = Some((path, department.clone()));
                department
            }
        };
        people.push(crate::sqlite::person_from(id, name, department, role, &status, joined, left)?);
    }
    Ok(people)
}

/// The questions in use, joined with their bank and current version.
const IN_USE: &str = "FROM questions q JOIN banks b ON b.id = q.bank_id \
     JOIN question_versions v ON v.question_id = q.id AND v.version = q.current_version \
     WHERE q.retired = 0";

/// Returns (value, count) pairs of a grouping query.
fn counts<T: for<'r> postgres::types::FromSql<'r>>(
    tx: &mut Transaction<'_>,
    sql: &str,
) -> Result<Vec<(T, u64)>> {
    tx.query(sql, &[])?.iter().map(|row| Ok((row.try_get(0)?, count(row.try_get(1)?)))).collect()
}

impl crate::Store for PgStore {
    fn import_banks(
        &mut self,
        banks: &[(&str, &[Question])],
        now: Timestamp,
        progress: Progress<'_>,
    ) -> Result<Vec<BankImport>> {
        self.write(Lock::Writer, |tx| {
            let total: u64 = banks.iter().map(|(_, questions)| questions.len() as u64).sum();
            let mut done = 0;
            let mut reports = Vec::with_capacity(banks.len());
            for (bank, questions) in banks {
                let mut step = |index: u64, _: u64| progress(done + index, total);
                reports.push(import_bank(tx, bank, questions, now, &mut step)?);
                done += questions.len() as u64;
            }
            progress(total, total);
            Ok(reports)
        })
    }

    fn banks(&self) -> Result<Vec<BankSummary>> {
        self.read(|tx| {
            let rows = tx.query(
                "SELECT b.name, b.updated_at, \
                   SUM(CASE WHEN q.retired = 0 THEN 1 ELSE 0 END)::BIGINT, \
                   SUM(CASE WHEN q.retired = 0 AND v.kind = 'single' THEN 1 ELSE 0 END)::BIGINT, \
                   SUM(CASE WHEN q.retired = 0 AND v.kind = 'multiple' THEN 1 ELSE 0 END)::BIGINT, \
                   SUM(CASE WHEN q.retired = 0 AND v.kind = 'judge' THEN 1 ELSE 0 END)::BIGINT, \
                   SUM(CASE WHEN q.retired = 1 THEN 1 ELSE 0 END)::BIGINT \
                 FROM banks b \
                 LEFT JOIN questions q ON q.bank_id = b.id \
                 LEFT JOIN question_versions v ON v.question_id = q.id AND v.version = q.current_version \
                 GROUP BY b.id ORDER BY b.name",
                &[],
            )?;
            let sum = |row: &postgres::Row, i: usize| -> Result<u64> {
                Ok(count(row.try_get::<_, Option<i64>>(i)?.unwrap_or(0)))
            };
            rows.iter()
                .map(|row| {
                    Ok(BankSummary {
                        name: row.try_get(0)?,
                        updated_at: row.try_get(1)?,
                        questions: sum(row, 2)?,
                        single: sum(row, 3)?,
                        multiple: sum(row, 4)?,
                        judge: sum(row, 5)?,
                        retired: sum(row, 6)?,
                    })
                })
                .collect()
        })
    }

    fn questions(&self, bank: Option<&str>) -> Result<Vec<StoredQuestion>> {
        self.read(|tx| {
            if let Some(name) = bank
                && tx.query_opt("SELECT id FROM banks WHERE name = $1", &[&name])?.is_none()
            {
                return Err(StoreError::NoBank(name.to_owned()));
            }
            collect_questions(
                tx,
                &format!(
                    "SELECT {VERSION_COLUMNS} FROM questions q JOIN banks b ON b.id = q.bank_id \
                     JOIN question_versions v ON v.question_id = q.id AND v.version = q.current_version \
                     WHERE q.retired = 0 AND ($1::text IS NULL OR b.name = $1) ORDER BY b.name, q.id"
                ),
                &[&bank],
            )
        })
    }

    fn question_versions(&self, reference: &str) -> Result<Vec<StoredQuestion>> {
        let sql = format!(
            "SELECT {VERSION_COLUMNS} FROM questions q JOIN banks b ON b.id = q.bank_id \
             JOIN question_versions v ON v.question_id = q.id \
             WHERE q.code = $1 AND ($2::text IS NULL OR b.name = $2) ORDER BY b.name, v.version"
        );
        self.read(|tx| {
            let statement = tx.prepare(&sql)?;
            let found = collect_questions(tx, &statement, &[&reference, &None::<String>])?;
            if !found.is_empty() {
                return Ok(found);
            }
            match reference.split_once(':') {
                Some((bank, code)) => collect_questions(tx, &statement, &[&code, &bank]),
                None => Ok(found),
            }
        })
    }

    fn stale_questions(&self, law: &str, since: &str) -> Result<Vec<StoredQuestion>> {
        self.read(|tx| {
            collect_questions(
                tx,
                &format!(
                    "SELECT {VERSION_COLUMNS} FROM questions q JOIN banks b ON b.id = q.bank_id \
                     JOIN question_versions v ON v.question_id = q.id AND v.version = q.current_version \
                     WHERE q.retired = 0 AND v.law_key = $1 \
                     AND COALESCE(v.law_version, substr(v.created_at, 1, 10)) < $2 ORDER BY b.name, q.code"
                ),
                &[&law_key(law), &since],
            )
        })
    }

    fn bank_stats(&self) -> Result<BankStats> {
        self.read(|tx| {
            let mut stats = BankStats {
                by_bank: counts(tx, &format!("SELECT b.name, COUNT(*) {IN_USE} GROUP BY b.name ORDER BY b.name"))?,
                by_law: counts(
                    tx,
                    &format!("SELECT v.law, COUNT(*) {IN_USE} GROUP BY v.law ORDER BY COUNT(*) DESC, v.law"),
                )?,
                ..BankStats::default()
            };
            let by_kind: HashMap<String, u64> =
                counts(tx, &format!("SELECT v.kind, COUNT(*) {IN_USE} GROUP BY v.kind"))?.into_iter().collect();
            stats.by_kind =
                Kind::ALL.iter().map(|kind| (*kind, by_kind.get(kind.as_str()).copied().unwrap_or(0))).collect();
            // SQLite puts questions without a difficulty first.
            let by_difficulty: Vec<(Option<i64>, u64)> = counts(
                tx,
                &format!(
                    "SELECT v.difficulty, COUNT(*) {IN_USE} GROUP BY v.difficulty ORDER BY v.difficulty NULLS FIRST"
                ),
            )?;
            stats.by_difficulty = by_difficulty
                .into_iter()
                .map(|(difficulty, n)| {
                    let difficulty = difficulty
                        .map(|d| u8::try_from(d).map_err(|_| StoreError::Corrupt(format!("difficulty {d}"))))
                        .transpose()?;
                    Ok((difficulty, n))
                })
                .collect::<Result<_>>()?;
            Ok(stats)
        })
    }

    fn exams_using_bank(&self, bank: &str) -> Result<Vec<String>> {
        self.read(|tx| exams_using_bank(tx, bank))
    }

    fn remove_bank(&mut self, bank: &str, force: bool) -> Result<u64> {
        self.write(Lock::Writer, |tx| {
            let exams = exams_using_bank(tx, bank)?;
            let Some(row) = tx.query_opt("SELECT id FROM banks WHERE name = $1", &[&bank])? else {
                return Err(StoreError::NoBank(bank.to_owned()));
            };
            let id: i64 = row.try_get(0)?;
            if !exams.is_empty() && !force {
                return Err(StoreError::BankInUse { bank: bank.to_owned(), exams });
            }
            let removed: i64 =
                tx.query_one("SELECT COUNT(*) FROM questions WHERE bank_id = $1", &[&id])?.try_get(0)?;
            // Attempts keep their own copy of every question they showed (their papers refer
            // to question versions, so those papers are written out in full first); exams
            // lose these questions from their pools.
            let referring: Vec<(i64, String)> = tx
                .query(
                    "SELECT id, paper FROM attempts WHERE paper LIKE '{\"format\":\"refs\"%' AND exam_id IN \
                     (SELECT DISTINCT p.exam_id FROM exam_pool p JOIN questions q ON q.id = p.question_id \
                      WHERE q.bank_id = $1)",
                    &[&id],
                )?
                .iter()
                .map(|row| Ok((row.try_get(0)?, row.try_get(1)?)))
                .collect::<Result<_>>()?;
            let update = tx.prepare("UPDATE attempts SET paper = $1 WHERE id = $2")?;
            let mut cache = HashMap::new();
            for (attempt, text) in referring {
                let paper = super::exams::decode_paper(tx, &text, &mut cache)?;
                tx.execute(&update, &[&crate::exams::json(&paper)?, &attempt])?;
            }
            tx.execute(
                "DELETE FROM exam_pool WHERE question_id IN (SELECT id FROM questions WHERE bank_id = $1)",
                &[&id],
            )?;
            tx.execute("DELETE FROM banks WHERE id = $1", &[&id])?;
            Ok(count(removed))
        })
    }

    fn import_roster_each(
        &mut self,
        now: Timestamp,
        fill: &mut dyn FnMut(&mut crate::RosterWriter<'_>) -> bool,
    ) -> Result<Option<RosterImport>> {
        // `fill` reads the roster as it goes, so the import cannot be run again.
        let written = self.write_once(Lock::Writer, |tx| {
            let mut departments: HashMap<String, i64> = HashMap::new();
            {
                let mut rows = tx.query_raw("SELECT path, id FROM departments", std::iter::empty::<i64>())?;
                while let Some(row) = rows.next()? {
                    departments.insert(row.try_get(0)?, row.try_get(1)?);
                }
            }
            // Who the roster lists, to find who it does not: a temporary table, not a set of
            // a million strings in memory.
            tx.batch_execute(
                "CREATE TEMP TABLE roster_seen (employee_id TEXT COLLATE \"C\" PRIMARY KEY) ON COMMIT DROP",
            )?;
            let mut report = {
                let mut inner = tx.transaction()?;
                let writer = RosterWriter {
                    find: inner.prepare(
                        "WITH seen AS (INSERT INTO roster_seen (employee_id) SELECT unnest($1::text[]) \
                         ON CONFLICT DO NOTHING) \
                         SELECT employee_id, id, name, department_id, role, status, joined, left_on FROM people \
                         WHERE employee_id = ANY($1::text[])",
                    )?,
                    update: inner.prepare(
                        "WITH v AS (SELECT * FROM unnest($1::int8[], $2::text[], $3::int8[], $4::text[], \
                         $5::text[], $6::text[], $7::text[]) \
                         AS v (id, name, department_id, role, status, joined, left_on)), \
                         changed AS (UPDATE people p SET name = v.name, department_id = v.department_id, \
                         role = v.role, status = v.status, joined = v.joined, left_on = v.left_on, \
                         updated_at = $8 FROM v WHERE p.id = v.id RETURNING p.id, v.name, v.department_id, \
                         v.role, v.status, v.joined, v.left_on) \
                         INSERT INTO person_history (person_id, changed_at, name, department_id, role, status, \
                         joined, left_on) SELECT id, $8, name, department_id, role, status, joined, left_on \
                         FROM changed",
                    )?,
                    insert: inner.prepare(
                        "WITH added AS (INSERT INTO people (employee_id, name, department_id, role, status, joined, \
                         left_on, created_at, updated_at) SELECT *, $8, $8 FROM unnest($1::text[], $2::text[], \
                         $3::int8[], $4::text[], $5::text[], $6::text[], $7::text[]) \
                         RETURNING id, name, department_id, role, status, joined, left_on) \
                         INSERT INTO person_history (person_id, changed_at, name, department_id, role, status, \
                         joined, left_on) SELECT id, $8, name, department_id, role, status, joined, left_on \
                         FROM added",
                    )?,
                    department: inner.prepare(
                        "INSERT INTO departments (path, name, parent_id, depth) VALUES ($1, $2, $3, $4) \
                         RETURNING id",
                    )?,
                    departments,
                    pending: Vec::with_capacity(ROSTER_BATCH),
                    pending_ids: HashSet::with_capacity(ROSTER_BATCH),
                    now: now.to_string(),
                    report: RosterImport::default(),
                    failed: None,
                    tx: inner,
                };
                let mut writer = crate::RosterWriter(RosterBackend::Postgres(writer));
                let keep = fill(&mut writer);
                let crate::RosterWriter(RosterBackend::Postgres(writer)) = writer else {
                    return Err(StoreError::Corrupt("the writer changed backend".into()));
                };
                let mut writer = writer;
                if let Some(error) = writer.failed.take() {
                    return Err(error);
                }
                if !keep {
                    // The savepoint is rolled back as it is dropped.
                    return Ok(None);
                }
                writer.flush()?;
                let RosterWriter { tx: inner, report, .. } = writer;
                inner.commit()?;
                report
            };
            // The planner knows how many people the roster listed.
            tx.batch_execute("ANALYZE roster_seen")?;
            // People the workspace has (not left) whom the roster does not list.
            report.missing = tx
                .query(
                    "SELECT employee_id, name FROM people WHERE status <> $1 \
                     AND NOT EXISTS (SELECT 1 FROM roster_seen s WHERE s.employee_id = people.employee_id) \
                     ORDER BY employee_id",
                    &[&Status::Left.as_str()],
                )?
                .iter()
                .map(|row| Ok((row.try_get(0)?, row.try_get(1)?)))
                .collect::<Result<_>>()?;
            log_import(tx, "roster", now, "", &report)?;
            Ok(Some(report))
        });
        // Fresh figures for the planner after a bulk write (see `PgStore::analyze`).
        self.analyze(&["people", "person_history", "departments"]);
        written
    }

    fn people(&self, department: Option<&Department>) -> Result<Vec<Person>> {
        let path = department.map(Department::path);
        self.read(|tx| {
            people_where(
                tx,
                "$1::text IS NULL OR d.path = $1 OR substr(d.path, 1, length($1) + 1) = $1 || '/'",
                &[&path],
            )
        })
    }
}

/// Returns the exams that draw from a bank.
fn exams_using_bank(tx: &mut Transaction<'_>, bank: &str) -> Result<Vec<String>> {
    tx.query(
        "SELECT DISTINCT p.exam_id FROM exam_pool p JOIN questions q ON q.id = p.question_id \
         JOIN banks b ON b.id = q.bank_id WHERE b.name = $1 ORDER BY p.exam_id",
        &[&bank],
    )?
    .iter()
    .map(|row| Ok(row.try_get(0)?))
    .collect()
}
