//! Exams, attempts and answers on PostgreSQL: [`ExamStore`](crate::ExamStore), as
//! `crate::exams` keeps them in SQLite (the papers, item marks and attempts are encoded and
//! read back by the same functions).

use std::collections::HashMap;

use jiff::Timestamp;
use postgres::fallible_iterator::FallibleIterator;
use postgres::types::ToSql;
use postgres::{Statement, Transaction};
use xuefa_core::exam::{Drawer, ExamSpec, Outcome, Paper, Pool, PoolQuestion, Response};
use xuefa_core::{Department, Person};

use super::ledger::Chain;
use super::{Lock, PgStore};
use crate::exams::{
    AttemptColumns, already_submitted, attempt_record, decode_item_marks, decode_paper_with,
    encode_item_marks, encode_paper, json,
};
use crate::ledger::{ATTEMPT, AttemptFields};
use crate::sqlite::{VERSION_COLUMNS, person_from};
use crate::{
    AttemptRecord, AttemptSummary, ExamRecord, ExamSummary, Graded, ItemMark, Mode, Result, StoreError,
};

/// A statement's parameters.
type Params<'a> = [&'a (dyn ToSql + Sync)];

const INSERT_ITEM_MARKS: &str =
    "INSERT INTO item_marks (attempt_id, exam_id, score, marks) VALUES ($1, $2, $3, $4)";

/// Saves one answer, replacing an earlier one of the same question.
const SAVE_RESPONSE: &str = "INSERT INTO responses (attempt_id, question_index, response, flagged, answered_at) \
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (attempt_id, question_index) \
     DO UPDATE SET response = excluded.response, flagged = excluded.flagged, answered_at = excluded.answered_at";

/// [`SAVE_RESPONSE`] for many questions of one attempt at once, none of them flagged.
const SAVE_RESPONSES: &str = "INSERT INTO responses (attempt_id, question_index, response, flagged, answered_at) \
     SELECT $1, i, r, 0, $4 FROM unnest($2::int8[], $3::text[]) AS t (i, r) ON CONFLICT (attempt_id, question_index) \
     DO UPDATE SET response = excluded.response, flagged = excluded.flagged, answered_at = excluded.answered_at";

const FIND_QUESTION: &str =
    "SELECT q.id FROM questions q JOIN banks b ON b.id = q.bank_id WHERE b.name = $1 AND q.code = $2";

/// Every attempt at an exam without its paper, by employee then attempt (the index
/// `attempts_results` covers it).
const SUMMARIES: &str = "SELECT employee_id, attempt, submitted_at, score, passed, band FROM attempts \
     WHERE exam_id = $1 ORDER BY employee_id, attempt";

/// The columns of an attempt that [`attempt_records_from`] reads, in order.
const RECORD_COLUMNS: &str =
    "id, employee_id, attempt, paper, started_at, deadline, submitted_at, marks, score, passed, band";

/// Which attempts lack their item marks (submitted before the table existed).
/// (`NOT EXISTS`, not SQLite's `NOT IN`: PostgreSQL runs `NOT IN` over a subquery that
/// outgrows its memory row by row, which took 200 s for 100,000 attempts.)
const LACKING_ITEM_MARKS: &str = "exam_id = $1 AND submitted_at IS NOT NULL \
     AND NOT EXISTS (SELECT 1 FROM item_marks i WHERE i.attempt_id = attempts.id)";

fn corrupt(what: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(what.to_string())
}

/// Converts a stored BIGINT to the narrower number the store hands out.
fn narrow<T: TryFrom<i64>>(value: i64, what: &str) -> Result<T> {
    T::try_from(value).map_err(|_| corrupt(format!("{what} {value} out of range")))
}

use super::banks::question_from_pg_row;

fn pool_question(row: &postgres::Row) -> Result<PoolQuestion> {
    let stored = question_from_pg_row(row)?;
    Ok(PoolQuestion::with_content_hash(stored.bank, stored.version, stored.question, stored.content_hash))
}

/// Reads a stored paper: by reference (the usual form) or in full (papers stored before
/// the reference form, and papers whose bank was removed).
pub(crate) fn decode_paper(
    tx: &mut Transaction<'_>,
    text: &str,
    cache: &mut HashMap<(i64, u32), PoolQuestion>,
) -> Result<Paper> {
    let find = find_version(tx)?;
    decode_paper_by(tx, &find, text, cache)
}

/// Prepares the statement [`decode_paper_by`] reads question versions with.
fn find_version(tx: &mut Transaction<'_>) -> Result<Statement> {
    Ok(tx.prepare(&format!(
        "SELECT {VERSION_COLUMNS} FROM question_versions v JOIN questions q ON q.id = v.question_id \
         JOIN banks b ON b.id = q.bank_id WHERE v.question_id = $1 AND v.version = $2"
    ))?)
}

/// Reads a stored paper (see [`decode_paper`]) with the statement of [`find_version`].
fn decode_paper_by(
    tx: &mut Transaction<'_>,
    find: &Statement,
    text: &str,
    cache: &mut HashMap<(i64, u32), PoolQuestion>,
) -> Result<Paper> {
    decode_paper_with(text, cache, &mut |question, version| {
        tx.query_opt(find, &[&question, &i64::from(version)])?.as_ref().map(pool_question).transpose()
    })
}

/// Returns the row ids of a paper's questions, in paper order.
fn question_ids(tx: &mut Transaction<'_>, paper: &Paper) -> Result<Vec<i64>> {
    let find = tx.prepare(FIND_QUESTION)?;
    paper.questions.iter().map(|q| Ok(tx.query_one(&find, &[&q.bank, &q.id])?.try_get(0)?)).collect()
}

fn summary_from_row(row: &postgres::Row, at: usize) -> Result<AttemptSummary> {
    Ok(AttemptSummary {
        employee: row.try_get(at)?,
        attempt: narrow(row.try_get(at + 1)?, "attempt")?,
        submitted_at: row.try_get(at + 2)?,
        score: row.try_get(at + 3)?,
        passed: row.try_get::<_, Option<i64>>(at + 4)?.map(|p| p != 0),
        band: row.try_get(at + 5)?,
    })
}

/// Returns the attempts a condition on `attempts` selects, by employee then attempt, with
/// papers and answers.
pub(crate) fn attempt_records(
    tx: &mut Transaction<'_>,
    sql_filter: &str,
    params: &Params<'_>,
) -> Result<Vec<AttemptRecord>> {
    let sql =
        format!("SELECT {RECORD_COLUMNS} FROM attempts WHERE {sql_filter} ORDER BY employee_id, attempt");
    attempt_records_from(tx, &sql, params)
}

/// The open attempts of an exam, found by the index of open attempts (sorting the few
/// found instead of walking every attempt of the exam in order).
fn open_records(
    tx: &mut Transaction<'_>,
    sql_filter: &str,
    params: &Params<'_>,
) -> Result<Vec<AttemptRecord>> {
    let sql = format!("SELECT {RECORD_COLUMNS} FROM attempts WHERE {sql_filter}");
    let mut records = attempt_records_from(tx, &sql, params)?;
    records.sort_by(|a, b| (&a.employee, a.attempt).cmp(&(&b.employee, b.attempt)));
    Ok(records)
}

fn attempt_records_from(
    tx: &mut Transaction<'_>,
    sql: &str,
    params: &Params<'_>,
) -> Result<Vec<AttemptRecord>> {
    let rows = tx.query(sql, params)?;
    let responses = tx.prepare(
        "SELECT question_index, response, flagged FROM responses WHERE attempt_id = $1 ORDER BY question_index",
    )?;
    let find = find_version(tx)?;
    let mut records = Vec::with_capacity(rows.len());
    let mut cache = HashMap::new();
    for row in &rows {
        let id: i64 = row.try_get(0)?;
        let text: &str = row.try_get(3)?;
        let paper = decode_paper_by(tx, &find, text, &mut cache)?;
        let saved = tx
            .query(&responses, &[&id])?
            .iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get::<_, i64>(2)? != 0)))
            .collect::<Result<Vec<_>>>()?;
        let columns = AttemptColumns {
            id,
            employee: row.try_get(1)?,
            attempt: narrow(row.try_get(2)?, "attempt")?,
            started: row.try_get(4)?,
            deadline: row.try_get(5)?,
            submitted: row.try_get(6)?,
            marks: row.try_get(7)?,
            score: row.try_get(8)?,
            passed: row.try_get::<_, Option<i64>>(9)?.map(|p| p != 0),
            band: row.try_get(10)?,
        };
        records.push(attempt_record(columns, paper, saved)?);
    }
    Ok(records)
}

/// Returns an error when the attempt is no longer open.
fn ensure_open(tx: &mut Transaction<'_>, attempt: i64, paper: &Paper) -> Result<()> {
    let open: bool = tx
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM attempts WHERE id = $1 AND submitted_at IS NULL)",
            &[&attempt],
        )?
        .try_get(0)?;
    if open { Ok(()) } else { Err(already_submitted(paper)) }
}

fn submit(
    tx: &mut Transaction<'_>,
    attempt: i64,
    paper: &Paper,
    responses: &[Option<Response>],
    outcome: &Outcome,
    at: Timestamp,
) -> Result<()> {
    let ids = question_ids(tx, paper)?;
    let item_marks = encode_item_marks(&ids, paper, responses, &outcome.score.marks);
    let changed = tx.execute(
        "UPDATE attempts SET submitted_at = $1, score = $2, max_score = $3, passed = $4, band = $5, marks = $6 \
         WHERE id = $7 AND submitted_at IS NULL",
        &[
            &at.to_string(),
            &outcome.score.total,
            &outcome.score.max,
            &i64::from(outcome.passed),
            &outcome.band,
            &json(&outcome.score.marks)?,
            &attempt,
        ],
    )?;
    if changed == 0 {
        return Err(already_submitted(paper));
    }
    tx.execute(INSERT_ITEM_MARKS, &[&attempt, &paper.exam, &outcome.score.total, &item_marks])?;
    Chain::load(tx)?.link_attempt(tx, attempt)?;
    Ok(())
}

/// The answers given, by question index, as the responses of a paper in paper order.
fn in_paper_order(paper: &Paper, responses: &[(usize, Response)]) -> Vec<Option<Response>> {
    let mut given = vec![None; paper.questions.len()];
    for (index, response) in responses {
        if let Some(slot) = given.get_mut(*index) {
            *slot = Some(*response);
        }
    }
    given
}

impl PgStore {
    /// Stores the item marks of submitted attempts that lack them (submitted before the
    /// table existed).
    fn fill_item_marks(&self, exam: &str) -> Result<()> {
        let missing: bool = self.read(|tx| {
            Ok(tx
                .query_one(
                    &format!("SELECT EXISTS (SELECT 1 FROM attempts WHERE {LACKING_ITEM_MARKS})"),
                    &[&exam],
                )?
                .try_get(0)?)
        })?;
        if !missing {
            return Ok(());
        }
        self.write(Lock::Writer, |tx| {
            let records = attempt_records(tx, LACKING_ITEM_MARKS, &[&exam])?;
            let insert = tx.prepare(INSERT_ITEM_MARKS)?;
            for record in records {
                let Some(outcome) = &record.outcome else { continue };
                let mut given = vec![None; record.paper.questions.len()];
                for (index, response, _) in &record.responses {
                    if let Some(slot) = given.get_mut(*index) {
                        *slot = *response;
                    }
                }
                let ids = question_ids(tx, &record.paper)?;
                let bytes = encode_item_marks(&ids, &record.paper, &given, &outcome.score.marks);
                tx.execute(&insert, &[&record.id, &exam, &outcome.score.total, &bytes])?;
            }
            Ok(())
        })
    }
}

impl crate::ExamStore for PgStore {
    fn create_exam(
        &mut self,
        spec: &ExamSpec,
        spec_text: &str,
        seed: u64,
        pool: &Pool,
        now: Timestamp,
    ) -> Result<()> {
        // What each section may draw, so that a sitting reads only its own questions.
        let plan: Vec<Vec<u8>> = Drawer::new(spec, pool)
            .eligible()
            .iter()
            .map(|eligible| eligible.iter().flat_map(|&p| (p as u32).to_le_bytes()).collect())
            .collect();
        self.write(Lock::Writer, |tx| {
            let exists = tx.query_opt("SELECT id FROM exams WHERE id = $1", &[&spec.id])?;
            if exists.is_some() {
                return Err(StoreError::ExamExists(spec.id.clone()));
            }
            tx.execute(
                "INSERT INTO exams (id, title, year, spec, seed, total_points, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
                &[
                    &spec.id,
                    &spec.title,
                    &i64::from(spec.year),
                    &spec_text,
                    &seed.to_string(),
                    &spec.total_points(),
                    &now.to_string(),
                ],
            )?;
            let find = tx.prepare(FIND_QUESTION)?;
            let insert = tx.prepare(
                "INSERT INTO exam_pool (exam_id, question_id, version, position) VALUES ($1, $2, $3, $4)",
            )?;
            for (position, entry) in pool.questions().iter().enumerate() {
                let question_id: i64 = tx.query_one(&find, &[&entry.bank, &entry.question.id])?.try_get(0)?;
                tx.execute(
                    &insert,
                    &[&spec.id, &question_id, &i64::from(entry.version), &super::int(position)],
                )?;
            }
            let insert =
                tx.prepare("INSERT INTO exam_sections (exam_id, section, eligible) VALUES ($1, $2, $3)")?;
            for (section, bytes) in plan.iter().enumerate() {
                tx.execute(&insert, &[&spec.id, &super::int(section), bytes])?;
            }
            Ok(())
        })
    }

    fn exams(&self) -> Result<Vec<ExamSummary>> {
        self.read(|tx| {
            let rows = tx.query(
                "SELECT e.id, e.title, e.year, e.total_points, e.created_at, \
                   (SELECT COUNT(*) FROM exam_pool p WHERE p.exam_id = e.id), \
                   (SELECT COUNT(*) FROM attempts a WHERE a.exam_id = e.id), \
                   (SELECT COUNT(*) FROM attempts a WHERE a.exam_id = e.id AND a.submitted_at IS NOT NULL) \
                 FROM exams e ORDER BY e.year DESC, e.id",
                &[],
            )?;
            rows.iter()
                .map(|row| {
                    Ok(ExamSummary {
                        id: row.try_get(0)?,
                        title: row.try_get(1)?,
                        year: narrow(row.try_get(2)?, "year")?,
                        total_points: row.try_get(3)?,
                        created_at: row.try_get(4)?,
                        pool: narrow(row.try_get(5)?, "count")?,
                        attempts: narrow(row.try_get(6)?, "count")?,
                        submitted: narrow(row.try_get(7)?, "count")?,
                    })
                })
                .collect()
        })
    }

    fn exam_ids(&self) -> Result<Vec<String>> {
        self.read(|tx| {
            tx.query("SELECT id FROM exams ORDER BY year DESC, id", &[])?
                .iter()
                .map(|row| Ok(row.try_get(0)?))
                .collect()
        })
    }

    fn exam(&self, id: &str) -> Result<ExamRecord> {
        let row = self.read(|tx| {
            let Some(row) = tx.query_opt("SELECT spec, seed, created_at FROM exams WHERE id = $1", &[&id])?
            else {
                return Ok(None);
            };
            Ok(Some((
                row.try_get::<_, String>(0)?,
                row.try_get::<_, String>(1)?,
                row.try_get::<_, String>(2)?,
            )))
        })?;
        let Some((spec_text, seed, created_at)) = row else {
            return Err(StoreError::NoExam(id.to_owned()));
        };
        let spec = ExamSpec::from_toml(&spec_text).map_err(|problems| {
            corrupt(format!(
                "exam {id}: {}",
                problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
            ))
        })?;
        let seed = seed.parse().map_err(|_| corrupt(format!("exam {id}: seed `{seed}`")))?;
        Ok(ExamRecord { spec, spec_text, seed, created_at })
    }

    fn exam_pool(&self, id: &str) -> Result<Pool> {
        let sql = format!(
            "SELECT {VERSION_COLUMNS} FROM exam_pool p JOIN questions q ON q.id = p.question_id \
             JOIN banks b ON b.id = q.bank_id \
             JOIN question_versions v ON v.question_id = q.id AND v.version = p.version WHERE p.exam_id = $1"
        );
        let entries = self.read(|tx| tx.query(&sql, &[&id])?.iter().map(pool_question).collect())?;
        Ok(Pool::new(entries))
    }

    fn person(&self, employee: &str) -> Result<Option<Person>> {
        let row = self.read(|tx| {
            Ok(tx.query_opt(
                "SELECT p.employee_id, p.name, d.path, p.role, p.status, p.joined, p.left_on \
                 FROM people p JOIN departments d ON d.id = p.department_id WHERE p.employee_id = $1",
                &[&employee],
            )?)
        })?;
        let Some(row) = row else { return Ok(None) };
        let id: String = row.try_get(0)?;
        let path: &str = row.try_get(2)?;
        let department =
            Department::parse(path).ok_or_else(|| corrupt(format!("person {id}: empty department")))?;
        let status: &str = row.try_get(4)?;
        Ok(Some(person_from(
            id,
            row.try_get(1)?,
            department,
            row.try_get(3)?,
            status,
            row.try_get(5)?,
            row.try_get(6)?,
        )?))
    }

    fn attempts(&self, exam: &str, employee: &str) -> Result<Vec<AttemptRecord>> {
        self.read(|tx| attempt_records(tx, "exam_id = $1 AND employee_id = $2", &[&exam, &employee]))
    }

    fn open_attempts(&self, exam: &str) -> Result<Vec<AttemptRecord>> {
        self.read(|tx| open_records(tx, "exam_id = $1 AND submitted_at IS NULL", &[&exam]))
    }

    fn expired_attempts(&self, exam: &str, now: Timestamp) -> Result<Vec<AttemptRecord>> {
        let now = now.to_string();
        self.read(|tx| {
            open_records(tx, "exam_id = $1 AND submitted_at IS NULL AND deadline <= $2", &[&exam, &now])
        })
    }

    fn roll(&self, exam: &str, each: &mut dyn FnMut(&Person, &[AttemptSummary])) -> Result<()> {
        // One stream: everyone on the roster by employee id, each followed by their
        // attempts (a row with no attempt columns for those who have not sat). Attempts of
        // people no longer on the roster find no one to join.
        self.read(|tx| {
            let mut rows = tx.query_raw(
                "SELECT p.employee_id, p.name, p.department_id, d.path, p.role, p.status, p.joined, p.left_on, \
                   a.employee_id, a.attempt, a.submitted_at, a.score, a.passed, a.band \
                 FROM people p JOIN departments d ON d.id = p.department_id \
                 LEFT JOIN attempts a ON a.exam_id = $1 AND a.employee_id = p.employee_id \
                 ORDER BY p.employee_id, a.attempt",
                [&exam as &(dyn ToSql + Sync)],
            )?;
            let mut departments: HashMap<i64, Department> = HashMap::new();
            let mut current: Option<Person> = None;
            let mut own: Vec<AttemptSummary> = Vec::new();
            while let Some(row) = rows.next()? {
                let id: &str = row.try_get(0)?;
                if current.as_ref().is_none_or(|person| person.id != id) {
                    if let Some(person) = current.take() {
                        each(&person, &own);
                    }
                    own.clear();
                    let department_id: i64 = row.try_get(2)?;
                    let department = match departments.get(&department_id) {
                        Some(department) => department.clone(),
                        None => {
                            let path: &str = row.try_get(3)?;
                            let department = Department::parse(path)
                                .ok_or_else(|| corrupt(format!("person {id}: empty department")))?;
                            departments.insert(department_id, department.clone());
                            department
                        }
                    };
                    let status: &str = row.try_get(5)?;
                    current = Some(person_from(
                        id.to_owned(),
                        row.try_get(1)?,
                        department,
                        row.try_get(4)?,
                        status,
                        row.try_get(6)?,
                        row.try_get(7)?,
                    )?);
                }
                if row.try_get::<_, Option<&str>>(8)?.is_some() {
                    own.push(summary_from_row(&row, 8)?);
                }
            }
            if let Some(person) = current.take() {
                each(&person, &own);
            }
            Ok(())
        })
    }

    fn attempt_summaries(&self, exam: &str) -> Result<Vec<AttemptSummary>> {
        self.read(|tx| tx.query(SUMMARIES, &[&exam])?.iter().map(|row| summary_from_row(row, 0)).collect())
    }

    fn start_attempt(
        &mut self,
        paper: &Paper,
        mode: Mode,
        started_at: Timestamp,
        deadline: Timestamp,
    ) -> Result<i64> {
        let started_elsewhere = || StoreError::StartedElsewhere {
            exam: paper.exam.clone(),
            employee: paper.employee.clone(),
            attempt: paper.attempt,
        };
        // No writer lock: a morning's thousands of sittings start side by side; the unique
        // key on (exam, employee, attempt) lets only one of two sittings of one person in.
        self.write(Lock::Rows, |tx| {
            let ids = question_ids(tx, paper)?;
            let stored = encode_paper(paper, &ids)?;
            let attempt = i64::from(paper.attempt);
            let taken: bool = tx
                .query_one(
                    "SELECT EXISTS (SELECT 1 FROM attempts WHERE exam_id = $1 AND employee_id = $2 AND attempt = $3)",
                    &[&paper.exam, &paper.employee, &attempt],
                )?
                .try_get(0)?;
            if taken {
                // Two sittings of one person opened the same new attempt; the first one's
                // stands.
                return Err(started_elsewhere());
            }
            let inserted = tx.query_one(
                "INSERT INTO attempts (exam_id, employee_id, attempt, mode, paper, started_at, deadline) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                &[
                    &paper.exam,
                    &paper.employee,
                    &attempt,
                    &mode.as_str(),
                    &stored,
                    &started_at.to_string(),
                    &deadline.to_string(),
                ],
            );
            match inserted {
                Ok(row) => Ok(row.try_get(0)?),
                // The other one committed while this one was between its check and its insert.
                Err(error) if super::is_unique_violation(&error) => Err(started_elsewhere()),
                Err(error) => Err(error.into()),
            }
        })
    }

    fn save_response(
        &mut self,
        attempt: i64,
        index: usize,
        response: Option<&Response>,
        flagged: bool,
        at: Timestamp,
    ) -> Result<()> {
        let response = response.map(Response::canonical);
        let at = at.to_string();
        self.write(Lock::Rows, |tx| {
            // A share lock on the attempt: a submit (which updates the row) waits for this
            // answer, or this answer for the submit, as SQLite's one writer would order them.
            tx.execute("SELECT 1 FROM attempts WHERE id = $1 FOR SHARE", &[&attempt])?;
            tx.execute(SAVE_RESPONSE, &[&attempt, &super::int(index), &response, &i64::from(flagged), &at])?;
            Ok(())
        })
    }

    fn save_and_submit(
        &mut self,
        attempt: i64,
        paper: &Paper,
        responses: &[(usize, Response)],
        outcome: &Outcome,
        at: Timestamp,
    ) -> Result<()> {
        let text = at.to_string();
        let given = in_paper_order(paper, responses);
        self.write(Lock::Writer, |tx| {
            // The attempt's row first, then its answers, as a sitting saving an answer takes
            // them: the two wait for each other instead of deadlocking.
            tx.execute("SELECT 1 FROM attempts WHERE id = $1 FOR NO KEY UPDATE", &[&attempt])?;
            // Refuse before writing any answer: a submitted attempt keeps the answers it was
            // scored on.
            ensure_open(tx, attempt, paper)?;
            // Every answer in one statement (a whole paper is one round trip, not fifty); the
            // last answer to a question wins, as it would saved one by one.
            let mut last: std::collections::BTreeMap<usize, String> = std::collections::BTreeMap::new();
            for (index, response) in responses {
                last.insert(*index, response.canonical());
            }
            let indexes: Vec<i64> = last.keys().map(|index| super::int(*index)).collect();
            let texts: Vec<String> = last.into_values().collect();
            tx.execute(SAVE_RESPONSES, &[&attempt, &indexes, &texts, &text])?;
            submit(tx, attempt, paper, &given, outcome, at)
        })
    }

    fn submit_attempt(
        &mut self,
        attempt: i64,
        paper: &Paper,
        responses: &[Option<Response>],
        outcome: &Outcome,
        at: Timestamp,
    ) -> Result<()> {
        self.write(Lock::Writer, |tx| submit(tx, attempt, paper, responses, outcome, at))
    }

    fn record_graded(&mut self, attempts: &mut dyn Iterator<Item = Graded>) -> Result<u64> {
        // The iterator is consumed as it is written: once, under the writer lock. Sheets go
        // to the server [`GRADED_BATCH`] at a time, four statements a batch.
        let written = self.write_once(Lock::Writer, |tx| {
            let mut count = 0;
            let mut ids_of: HashMap<(String, String), i64> = HashMap::new();
            let find = tx.prepare(FIND_QUESTION)?;
            let mut chain = Chain::load(tx)?;
            let mut batch = GradedBatch::default();
            for graded in attempts {
                let paper = &graded.paper;
                let mut ids = Vec::with_capacity(paper.questions.len());
                for q in &paper.questions {
                    let key = (q.bank.clone(), q.id.clone());
                    let id = match ids_of.get(&key) {
                        Some(&id) => id,
                        None => {
                            let id: i64 = tx.query_one(&find, &[&q.bank, &q.id])?.try_get(0)?;
                            ids_of.insert(key, id);
                            id
                        }
                    };
                    ids.push(id);
                }
                let given = in_paper_order(paper, &graded.responses);
                let at = graded.at.to_string();
                let outcome = &graded.outcome;
                let marks = json(&outcome.score.marks)?;
                // The content as it will be stored, from the values in hand (reading a million
                // sheets' answers back would cost more than grading them).
                let fields = AttemptFields {
                    exam: paper.exam.clone(),
                    employee: paper.employee.clone(),
                    attempt: i64::from(paper.attempt),
                    mode: Mode::Paper.as_str().to_owned(),
                    submitted_at: Some(at.clone()),
                    score: Some(outcome.score.total),
                    max_score: Some(outcome.score.max),
                    passed: Some(i64::from(outcome.passed)),
                    band: Some(outcome.band.clone()),
                    marks: Some(marks.clone()),
                };
                let mut answers: Vec<(i64, String)> = graded
                    .responses
                    .iter()
                    .map(|(index, response)| (super::int(*index), response.canonical()))
                    .collect();
                answers.sort_by_key(|(index, _)| *index);
                let content =
                    fields.digest(answers.iter().map(|(index, text)| (*index, Some(text.as_str()))));
                let (seq, link) =
                    chain.next(ATTEMPT, &fields.exam, &fields.employee, fields.attempt, &content);
                batch.push(Sheet {
                    fields,
                    paper: encode_paper(paper, &ids)?,
                    at,
                    item_marks: encode_item_marks(&ids, paper, &given, &outcome.score.marks),
                    // A later answer to one question wins, as saving them one by one would.
                    answers: answers.into_iter().collect(),
                    seq,
                    content: content.to_vec(),
                    link: link.to_vec(),
                });
                count += 1;
                if batch.sheets.len() >= GRADED_BATCH {
                    batch.send(tx)?;
                }
            }
            batch.send(tx)?;
            Ok(count)
        });
        // Fresh figures for the planner after a bulk write (see `PgStore::analyze`).
        self.analyze(&["attempts", "responses", "item_marks", "ledger"]);
        written
    }

    fn exam_plan(&self, exam: &str) -> Result<Option<Vec<Vec<usize>>>> {
        let rows: Vec<Vec<u8>> = self.read(|tx| {
            tx.query("SELECT eligible FROM exam_sections WHERE exam_id = $1 ORDER BY section", &[&exam])?
                .iter()
                .map(|row| Ok(row.try_get(0)?))
                .collect()
        })?;
        Ok(crate::exams::decode_plan(&rows))
    }

    fn pool_at(&self, exam: &str, positions: &[usize]) -> Result<Vec<PoolQuestion>> {
        self.read(|tx| {
            let find = tx.prepare(&format!(
                "SELECT {VERSION_COLUMNS} FROM exam_pool p JOIN questions q ON q.id = p.question_id \
                 JOIN banks b ON b.id = q.bank_id \
                 JOIN question_versions v ON v.question_id = q.id AND v.version = p.version \
                 WHERE p.exam_id = $1 AND p.position = $2"
            ))?;
            positions
                .iter()
                .map(|&position| {
                    let row = tx
                        .query_opt(&find, &[&exam, &super::int(position)])?
                        .ok_or_else(|| corrupt(format!("exam {exam}: no pool position {position}")))?;
                    pool_question(&row)
                })
                .collect()
        })
    }

    fn pool_positions(&self, exam: &str, keys: &[String]) -> Result<Vec<usize>> {
        self.read(|tx| {
            let find = tx.prepare(
                "SELECT p.position FROM exam_pool p JOIN questions q ON q.id = p.question_id \
                 JOIN banks b ON b.id = q.bank_id WHERE p.exam_id = $1 AND b.name = $2 AND q.code = $3",
            )?;
            let mut positions = Vec::new();
            for key in keys {
                let Some((bank, id)) = key.split_once(':') else { continue };
                let found = tx.query_opt(&find, &[&exam, &bank, &id])?;
                if let Some(position) =
                    found.map(|row| row.try_get::<_, Option<i64>>(0)).transpose()?.flatten()
                {
                    positions.push(narrow(position, "pool position")?);
                }
            }
            Ok(positions)
        })
    }

    fn pool_keys(&self, exam: &str) -> Result<Vec<(i64, String)>> {
        self.read(|tx| {
            tx.query(
                "SELECT q.id, b.name || ':' || q.code FROM exam_pool p JOIN questions q ON q.id = p.question_id \
                 JOIN banks b ON b.id = q.bank_id WHERE p.exam_id = $1",
                &[&exam],
            )?
            .iter()
            .map(|row| Ok((row.try_get(0)?, row.try_get(1)?)))
            .collect()
        })
    }

    fn item_marks(
        &mut self,
        exam: &str,
        totals: &mut dyn FnMut(Vec<f64>),
        marks: &mut dyn FnMut(&[ItemMark]),
    ) -> Result<()> {
        self.fill_item_marks(exam)?;
        // One read transaction: the totals and the marks come from the same snapshot.
        self.read(|tx| {
            // Which questions are true/false, by row id (a table, not a hash: 50 lookups an
            // attempt).
            let judges: Vec<i64> = tx
                .query(
                    "SELECT p.question_id FROM exam_pool p JOIN question_versions v \
                     ON v.question_id = p.question_id AND v.version = p.version \
                     WHERE p.exam_id = $1 AND v.kind = 'judge'",
                    &[&exam],
                )?
                .iter()
                .map(|row| row.try_get(0))
                .collect::<std::result::Result<_, _>>()?;
            let size = judges.iter().copied().max().map_or(0, |m| usize::try_from(m).map_or(0, |m| m + 1));
            let mut is_judge = vec![false; size];
            for id in judges {
                if let Some(slot) = usize::try_from(id).ok().and_then(|id| is_judge.get_mut(id)) {
                    *slot = true;
                }
            }
            let all: Vec<f64> = tx
                .query("SELECT score FROM item_marks WHERE exam_id = $1 ORDER BY attempt_id", &[&exam])?
                .iter()
                .map(|row| row.try_get(0))
                .collect::<std::result::Result<_, _>>()?;
            totals(all);
            let mut rows = tx.query_raw(
                "SELECT marks FROM item_marks WHERE exam_id = $1 ORDER BY attempt_id",
                [&exam as &(dyn ToSql + Sync)],
            )?;
            let mut buffer = Vec::new();
            let judge = |question: i64| {
                usize::try_from(question).ok().and_then(|q| is_judge.get(q)).copied().unwrap_or(false)
            };
            while let Some(row) = rows.next()? {
                let bytes: &[u8] = row.try_get(0)?;
                decode_item_marks(bytes, &judge, &mut buffer)?;
                marks(&buffer);
            }
            Ok(())
        })
    }
}

/// Graded sheets sent to the server at a time.
const GRADED_BATCH: usize = 500;

/// A graded sheet on its way to the server: its attempt's columns, its item marks, its
/// answers and its ledger link.
#[derive(Debug)]
struct Sheet {
    fields: AttemptFields,
    paper: String,
    at: String,
    item_marks: Vec<u8>,
    answers: std::collections::BTreeMap<i64, String>,
    seq: i64,
    content: Vec<u8>,
    link: Vec<u8>,
}

/// Graded sheets waiting to be sent.
#[derive(Debug, Default)]
struct GradedBatch {
    sheets: Vec<Sheet>,
}

impl GradedBatch {
    fn push(&mut self, sheet: Sheet) {
        self.sheets.push(sheet);
    }

    /// Sends the sheets: the attempts (their row ids come back by person and number), then
    /// their item marks, answers and links, one statement each.
    fn send(&mut self, tx: &mut Transaction<'_>) -> Result<()> {
        if self.sheets.is_empty() {
            return Ok(());
        }
        let sheets = std::mem::take(&mut self.sheets);
        let column = |f: &dyn Fn(&Sheet) -> String| sheets.iter().map(f).collect::<Vec<String>>();
        let exams = column(&|s| s.fields.exam.clone());
        let employees = column(&|s| s.fields.employee.clone());
        let numbers: Vec<i64> = sheets.iter().map(|s| s.fields.attempt).collect();
        let modes = column(&|s| s.fields.mode.clone());
        let papers = column(&|s| s.paper.clone());
        let times = column(&|s| s.at.clone());
        let scores: Vec<Option<f64>> = sheets.iter().map(|s| s.fields.score).collect();
        let maxima: Vec<Option<f64>> = sheets.iter().map(|s| s.fields.max_score).collect();
        let passed: Vec<Option<i64>> = sheets.iter().map(|s| s.fields.passed).collect();
        let bands: Vec<Option<String>> = sheets.iter().map(|s| s.fields.band.clone()).collect();
        let marks: Vec<Option<String>> = sheets.iter().map(|s| s.fields.marks.clone()).collect();
        let rows = tx.query(
            "INSERT INTO attempts (exam_id, employee_id, attempt, mode, paper, started_at, deadline, submitted_at, \
             score, max_score, passed, band, marks) \
             SELECT x, e, n, m, p, t, t, t, s, mx, ps, b, mk FROM UNNEST($1::text[], $2::text[], $3::bigint[], \
             $4::text[], $5::text[], $6::text[], $7::float8[], $8::float8[], $9::bigint[], $10::text[], $11::text[]) \
             AS u (x, e, n, m, p, t, s, mx, ps, b, mk) RETURNING id, exam_id, employee_id, attempt",
            &[&exams, &employees, &numbers, &modes, &papers, &times, &scores, &maxima, &passed, &bands, &marks],
        )?;
        let mut id_of: HashMap<(String, String, i64), i64> = HashMap::with_capacity(rows.len());
        for row in rows {
            id_of.insert((row.try_get(1)?, row.try_get(2)?, row.try_get(3)?), row.try_get(0)?);
        }
        let mut ids = Vec::with_capacity(sheets.len());
        for sheet in &sheets {
            let key = (sheet.fields.exam.clone(), sheet.fields.employee.clone(), sheet.fields.attempt);
            ids.push(*id_of.get(&key).ok_or_else(|| corrupt(format!("attempt {key:?} was not stored")))?);
        }
        let totals: Vec<f64> = sheets.iter().map(|s| s.fields.score.unwrap_or(0.0)).collect();
        let item_marks: Vec<&[u8]> = sheets.iter().map(|s| s.item_marks.as_slice()).collect();
        tx.execute(
            "INSERT INTO item_marks (attempt_id, exam_id, score, marks) \
             SELECT * FROM UNNEST($1::bigint[], $2::text[], $3::float8[], $4::bytea[])",
            &[&ids, &exams, &totals, &item_marks],
        )?;
        let (mut attempt_ids, mut indexes, mut answers, mut at) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for (sheet, id) in sheets.iter().zip(&ids) {
            for (index, answer) in &sheet.answers {
                attempt_ids.push(*id);
                indexes.push(*index);
                answers.push(answer.as_str());
                at.push(sheet.at.as_str());
            }
        }
        tx.execute(
            "INSERT INTO responses (attempt_id, question_index, response, flagged, answered_at) \
             SELECT a, i, r, 0, t FROM UNNEST($1::bigint[], $2::bigint[], $3::text[], $4::text[]) AS u (a, i, r, t)",
            &[&attempt_ids, &indexes, &answers, &at],
        )?;
        let seqs: Vec<i64> = sheets.iter().map(|s| s.seq).collect();
        let contents: Vec<&[u8]> = sheets.iter().map(|s| s.content.as_slice()).collect();
        let links: Vec<&[u8]> = sheets.iter().map(|s| s.link.as_slice()).collect();
        tx.execute(
            "INSERT INTO ledger (seq, kind, a, b, n, content, link) \
             SELECT q, 'attempt', x, e, n, c, l FROM UNNEST($1::bigint[], $2::text[], $3::text[], $4::bigint[], \
             $5::bytea[], $6::bytea[]) AS u (q, x, e, n, c, l)",
            &[&seqs, &exams, &employees, &numbers, &contents, &links],
        )?;
        Ok(())
    }
}
