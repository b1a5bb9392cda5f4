//! Exams in the store: the blueprint and seed, the frozen pool of question versions, the
//! attempts with their papers, and every answer written the moment it is given.

use jiff::Timestamp;
use rusqlite::{OptionalExtension, params};
use serde::Serialize;
use xuefa_core::exam::{
    Drawer, ExamSpec, Outcome, Paper, PaperQuestion, Pool, PoolQuestion, Response, Scoring,
};
use xuefa_core::{Letters, Person};

use crate::ledger::{ATTEMPT, AttemptFields, Chain};
use crate::sqlite::{SqliteStore, VERSION_COLUMNS, question_from_row};
use crate::{Result, StoreError};

/// An exam as stored.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ExamRecord {
    /// The blueprint.
    pub spec: ExamSpec,
    /// The blueprint's text as the administrator wrote it.
    pub spec_text: String,
    /// The seed every paper is drawn from.
    pub seed: u64,
    /// When it was created (RFC 3339).
    pub created_at: String,
}

/// An exam in a listing.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct ExamSummary {
    /// The id.
    pub id: String,
    /// The title.
    pub title: String,
    /// The year.
    pub year: i32,
    /// Total points of a paper.
    pub total_points: f64,
    /// Questions in the frozen pool.
    pub pool: u64,
    /// Attempts started.
    pub attempts: u64,
    /// Attempts submitted.
    pub submitted: u64,
    /// When it was created.
    pub created_at: String,
}

/// How an attempt was sat.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Mode {
    /// At a terminal (full-screen, plain or from an answers file).
    Terminal,
    /// On paper, graded from an answer sheet.
    Paper,
    /// In a browser, through `xuefa serve`.
    Browser,
}

impl Mode {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Mode::Terminal => "terminal",
            Mode::Paper => "paper",
            Mode::Browser => "browser",
        }
    }
}

/// One attempt with its paper and answers.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct AttemptRecord {
    /// The row id, for saving answers.
    pub id: i64,
    /// The employee.
    pub employee: String,
    /// The attempt number, from 1.
    pub attempt: u32,
    /// The paper as drawn.
    pub paper: Paper,
    /// When it started.
    pub started_at: Timestamp,
    /// When it must be submitted by.
    pub deadline: Timestamp,
    /// When it was submitted.
    pub submitted_at: Option<Timestamp>,
    /// The outcome, once submitted.
    pub outcome: Option<Outcome>,
    /// Saved answers: (question index, response, flagged).
    pub responses: Vec<(usize, Option<Response>, bool)>,
}

impl AttemptRecord {
    /// Returns a just-started attempt: its paper, no answers yet.
    pub fn new(id: i64, paper: Paper, started_at: Timestamp, deadline: Timestamp) -> Self {
        let employee = paper.employee.clone();
        let attempt = paper.attempt;
        AttemptRecord {
            id,
            employee,
            attempt,
            paper,
            started_at,
            deadline,
            submitted_at: None,
            outcome: None,
            responses: Vec::new(),
        }
    }
}

/// An attempt without its paper, for results.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct AttemptSummary {
    /// The employee.
    pub employee: String,
    /// The attempt number.
    pub attempt: u32,
    /// When it was submitted; `None` while in progress.
    pub submitted_at: Option<String>,
    /// The score, once submitted.
    pub score: Option<f64>,
    /// Whether it passed, once submitted.
    pub passed: Option<bool>,
    /// The band, once submitted.
    pub band: Option<String>,
}

/// Exams, attempts and answers.
pub trait ExamStore {
    /// Stores a new exam with the pool it draws from (frozen: later bank imports do not
    /// change it).
    ///
    /// # Errors
    /// Returns [`StoreError::ExamExists`] for a used id, or a database error.
    fn create_exam(
        &mut self,
        spec: &ExamSpec,
        spec_text: &str,
        seed: u64,
        pool: &Pool,
        now: Timestamp,
    ) -> Result<()>;

    /// Returns the exams, newest year first.
    ///
    /// # Errors
    /// Returns a database error.
    fn exams(&self) -> Result<Vec<ExamSummary>>;

    /// Returns the ids of the exams, newest year first: a listing that counts nothing, for
    /// requests made thousands of times a minute.
    ///
    /// # Errors
    /// Returns a database error.
    fn exam_ids(&self) -> Result<Vec<String>>;

    /// Returns one exam.
    ///
    /// # Errors
    /// Returns [`StoreError::NoExam`] or a database error.
    fn exam(&self, id: &str) -> Result<ExamRecord>;

    /// Returns an exam's frozen pool, each question as the version frozen.
    ///
    /// # Errors
    /// Returns a database error.
    fn exam_pool(&self, id: &str) -> Result<Pool>;

    /// Returns a person by employee id.
    ///
    /// # Errors
    /// Returns a database error.
    fn person(&self, employee: &str) -> Result<Option<Person>>;

    /// Returns one person's attempts at an exam, oldest first, with papers and answers.
    ///
    /// # Errors
    /// Returns a database error.
    fn attempts(&self, exam: &str, employee: &str) -> Result<Vec<AttemptRecord>>;

    /// Returns every attempt still open at an exam, with papers and answers.
    ///
    /// # Errors
    /// Returns a database error.
    fn open_attempts(&self, exam: &str) -> Result<Vec<AttemptRecord>>;

    /// Returns the open attempts at an exam whose deadline is at or before `now`, with
    /// papers and answers (times are stored to the second, so they compare as text).
    ///
    /// # Errors
    /// Returns a database error.
    fn expired_attempts(&self, exam: &str, now: Timestamp) -> Result<Vec<AttemptRecord>>;

    /// Streams everyone on the roster by employee id, each with their attempts at an exam
    /// (oldest first; none when they have not sat): the roster and the attempts are read
    /// side by side in index order, so a province's million people and attempts are never
    /// all in memory. People no longer on the roster are not given.
    ///
    /// # Errors
    /// Returns a database error.
    fn roll(&self, exam: &str, each: &mut dyn FnMut(&Person, &[AttemptSummary])) -> Result<()>;

    /// Returns every attempt at an exam without papers, by employee then attempt.
    ///
    /// # Errors
    /// Returns a database error.
    fn attempt_summaries(&self, exam: &str) -> Result<Vec<AttemptSummary>>;

    /// Starts an attempt with its paper; returns its row id.
    ///
    /// # Errors
    /// Returns a database error (the attempt number must be new for the person).
    fn start_attempt(
        &mut self,
        paper: &Paper,
        mode: Mode,
        started_at: Timestamp,
        deadline: Timestamp,
    ) -> Result<i64>;

    /// Saves the answer and flag of one question, the moment it is given.
    ///
    /// # Errors
    /// Returns a database error.
    fn save_response(
        &mut self,
        attempt: i64,
        index: usize,
        response: Option<&Response>,
        flagged: bool,
        at: Timestamp,
    ) -> Result<()>;

    /// Saves many answers of one attempt in one transaction, then submits it (paper
    /// exams and answer files).
    ///
    /// # Errors
    /// Returns a database error; nothing is saved then.
    fn save_and_submit(
        &mut self,
        attempt: i64,
        paper: &Paper,
        responses: &[(usize, Response)],
        outcome: &Outcome,
        at: Timestamp,
    ) -> Result<()>;

    /// Submits an attempt with its outcome; `responses` are the answers it was scored on,
    /// in paper order.
    ///
    /// # Errors
    /// Returns a database error.
    fn submit_attempt(
        &mut self,
        attempt: i64,
        paper: &Paper,
        responses: &[Option<Response>],
        outcome: &Outcome,
        at: Timestamp,
    ) -> Result<()>;

    /// Records graded attempts (paper exams) in one transaction: all of them or, on an
    /// error, none. Returns how many were recorded.
    ///
    /// # Errors
    /// Returns a database error (an attempt number already used, for one).
    fn record_graded(&mut self, attempts: &mut dyn Iterator<Item = Graded>) -> Result<u64>;

    /// Returns, for each section of an exam, the pool positions it may draw (see
    /// [`xuefa_core::exam::draw_planned`]); `None` for exams created before plans were stored.
    ///
    /// # Errors
    /// Returns a database error.
    fn exam_plan(&self, exam: &str) -> Result<Option<Vec<Vec<usize>>>>;

    /// Returns the pool questions at these positions of an exam's pool, in the same order.
    ///
    /// # Errors
    /// Returns a database error, or [`StoreError::Corrupt`] for a position not in the pool.
    fn pool_at(&self, exam: &str, positions: &[usize]) -> Result<Vec<PoolQuestion>>;

    /// Returns the pool positions of these questions (`BANK:ID`) in an exam's pool; keys not
    /// in it are left out.
    ///
    /// # Errors
    /// Returns a database error.
    fn pool_positions(&self, exam: &str, keys: &[String]) -> Result<Vec<usize>>;

    /// Returns the questions of an exam's frozen pool as (row id, `BANK:ID`), for reading
    /// [`ItemMark`]s.
    ///
    /// # Errors
    /// Returns a database error.
    fn pool_keys(&self, exam: &str) -> Result<Vec<(i64, String)>>;

    /// Streams every submitted attempt at an exam for item analysis, from one snapshot of
    /// the database: first the totals of all of them (`totals`), then each one's marks in
    /// paper order (`marks`), in the same order. Attempts submitted before item marks were
    /// stored get them first.
    ///
    /// # Errors
    /// Returns a database error, or [`StoreError::Corrupt`] for marks that do not decode.
    fn item_marks(
        &mut self,
        exam: &str,
        totals: &mut dyn FnMut(Vec<f64>),
        marks: &mut dyn FnMut(&[ItemMark]),
    ) -> Result<()>;
}

/// An attempt graded from an answer sheet, for [`ExamStore::record_graded`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Graded {
    /// The paper.
    pub paper: Paper,
    /// The answers given, by question index.
    pub responses: Vec<(usize, Response)>,
    /// The outcome.
    pub outcome: Outcome,
    /// When it was graded.
    pub at: Timestamp,
}

impl Graded {
    /// Returns a graded attempt.
    pub fn new(paper: Paper, responses: Vec<(usize, Response)>, outcome: Outcome, at: Timestamp) -> Self {
        Graded { paper, responses, outcome, at }
    }
}

/// One question of one submitted attempt, as item analysis reads it.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct ItemMark {
    /// The question's row id (see [`ExamStore::pool_keys`]).
    pub question: i64,
    /// What was picked, in the bank's letters; `None` for no answer.
    pub picked: Option<Response>,
    /// Points earned.
    pub points: f64,
    /// Points possible.
    pub max: f64,
}

const ITEM_MARK_BYTES: usize = 21;

const INSERT_ITEM_MARKS: &str =
    "INSERT INTO item_marks (attempt_id, exam_id, score, marks) VALUES (?1, ?2, ?3, ?4)";

pub(crate) fn encode_item_marks(
    question_ids: &[i64],
    paper: &Paper,
    responses: &[Option<Response>],
    marks: &[f64],
) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(paper.questions.len() * ITEM_MARK_BYTES);
    for (i, question) in paper.questions.iter().enumerate() {
        let picked = match responses.get(i).copied().flatten() {
            None => 0,
            Some(Response::Judge(true)) => 1,
            Some(Response::Judge(false)) => 2,
            Some(Response::Choice(shown)) => question.bank_letters(shown).bits(),
            Some(_) => 0,
        };
        bytes.extend_from_slice(&(question_ids[i] as u32).to_le_bytes());
        bytes.push(picked);
        bytes.extend_from_slice(&marks.get(i).copied().unwrap_or(0.0).to_le_bytes());
        bytes.extend_from_slice(&question.points.to_le_bytes());
    }
    bytes
}

pub(crate) fn decode_item_marks(
    bytes: &[u8],
    judge: &dyn Fn(i64) -> bool,
    out: &mut Vec<ItemMark>,
) -> Result<()> {
    if !bytes.len().is_multiple_of(ITEM_MARK_BYTES) {
        return Err(StoreError::Corrupt(format!("item marks of {} bytes", bytes.len())));
    }
    out.clear();
    for chunk in bytes.chunks_exact(ITEM_MARK_BYTES) {
        let question = i64::from(u32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]));
        let float = |at: usize| {
            let mut raw = [0u8; 8];
            raw.copy_from_slice(&chunk[at..at + 8]);
            f64::from_le_bytes(raw)
        };
        let picked = match chunk[4] {
            0 => None,
            bits if judge(question) => Some(Response::Judge(bits == 1)),
            bits => Some(Response::Choice(Letters::from_bits(bits))),
        };
        out.push(ItemMark { question, picked, points: float(5), max: float(13) });
    }
    Ok(())
}

/// A paper as stored: the question versions by row id with their option order and points.
/// The text of each question is in `question_versions`, which never changes, so the paper
/// reads back exactly as drawn at a twentieth of the size (a paper of 50 questions with its
/// text is about 45 kB; a province's million papers would be 45 GB).
#[derive(Serialize, serde::Deserialize)]
struct StoredPaper {
    format: String,
    exam: String,
    employee: String,
    attempt: u32,
    total_points: f64,
    questions: Vec<StoredQuestionRef>,
}

#[derive(Serialize, serde::Deserialize)]
struct StoredQuestionRef {
    question: i64,
    version: u32,
    order: Vec<u8>,
    points: f64,
    scoring: Scoring,
}

const REFS: &str = "refs";

pub(crate) fn encode_paper(paper: &Paper, ids: &[i64]) -> Result<String> {
    let stored = StoredPaper {
        format: REFS.to_owned(),
        exam: paper.exam.clone(),
        employee: paper.employee.clone(),
        attempt: paper.attempt,
        total_points: paper.total_points,
        questions: paper
            .questions
            .iter()
            .zip(ids)
            .map(|(q, &id)| StoredQuestionRef {
                question: id,
                version: q.version,
                order: q.order.clone(),
                points: q.points,
                scoring: q.scoring,
            })
            .collect(),
    };
    json(&stored)
}

/// Reads a stored paper: by reference (the usual form) or in full (papers stored before
/// the reference form, and papers whose bank was removed).
pub(crate) fn decode_paper(
    conn: &rusqlite::Connection,
    text: &str,
    cache: &mut std::collections::HashMap<(i64, u32), PoolQuestion>,
) -> Result<Paper> {
    let mut find = conn.prepare_cached(&format!(
        "SELECT {VERSION_COLUMNS} FROM question_versions v JOIN questions q ON q.id = v.question_id \
         JOIN banks b ON b.id = q.bank_id WHERE v.question_id = ?1 AND v.version = ?2"
    ))?;
    decode_paper_with(text, cache, &mut |question, version| {
        let Some(row) = find.query_row(params![question, version], question_from_row).optional()? else {
            return Ok(None);
        };
        let stored = row.map_err(StoreError::Corrupt)?;
        Ok(Some(PoolQuestion::with_content_hash(
            stored.bank,
            stored.version,
            stored.question,
            stored.content_hash,
        )))
    })
}

/// Reads an exam's plan from its sections' stored positions (4-byte little-endian integers
/// each); `None` for an exam made before plans.
pub(crate) fn decode_plan(sections: &[Vec<u8>]) -> Option<Vec<Vec<usize>>> {
    (!sections.is_empty()).then(|| {
        sections
            .iter()
            .map(|bytes| {
                bytes.chunks_exact(4).map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]) as usize).collect()
            })
            .collect()
    })
}

/// Reads a stored paper (see [`decode_paper`]), with `find` reading a question version by
/// row id and version (`None` when it is gone): the same for every backend.
pub(crate) fn decode_paper_with(
    text: &str,
    cache: &mut std::collections::HashMap<(i64, u32), PoolQuestion>,
    find: &mut dyn FnMut(i64, u32) -> Result<Option<PoolQuestion>>,
) -> Result<Paper> {
    let corrupt = |e: serde_json::Error| StoreError::Corrupt(format!("paper: {e}"));
    if !text.starts_with("{\"format\":\"refs\"") {
        return serde_json::from_str(text).map_err(corrupt);
    }
    let stored: StoredPaper = serde_json::from_str(text).map_err(corrupt)?;
    let mut questions = Vec::with_capacity(stored.questions.len());
    for (i, r) in stored.questions.into_iter().enumerate() {
        let entry = match cache.entry((r.question, r.version)) {
            std::collections::hash_map::Entry::Occupied(entry) => entry.into_mut(),
            std::collections::hash_map::Entry::Vacant(vacant) => {
                let Some(found) = find(r.question, r.version)? else {
                    return Err(StoreError::Corrupt(format!(
                        "paper: question {} version {} is gone",
                        r.question, r.version
                    )));
                };
                vacant.insert(found)
            }
        };
        questions.push(PaperQuestion::new(i as u32 + 1, entry, r.order, r.points, r.scoring));
    }
    Ok(Paper::new(stored.exam, stored.employee, stored.attempt, stored.total_points, questions))
}

/// Returns the row ids of a paper's questions, in paper order.
fn question_ids(tx: &rusqlite::Connection, paper: &Paper) -> Result<Vec<i64>> {
    let mut find = tx.prepare_cached(
        "SELECT q.id FROM questions q JOIN banks b ON b.id = q.bank_id WHERE b.name = ?1 AND q.code = ?2",
    )?;
    paper.questions.iter().map(|q| Ok(find.query_row(params![q.bank, q.id], |row| row.get(0))?)).collect()
}

/// Every attempt at an exam without its paper, by employee then attempt (the covering index
/// `attempts_results` answers it alone).
const SUMMARIES: &str = "SELECT employee_id, attempt, submitted_at, score, passed, band FROM attempts \
     WHERE exam_id = ?1 ORDER BY employee_id, attempt";

fn summary_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<AttemptSummary> {
    Ok(AttemptSummary {
        employee: row.get(0)?,
        attempt: row.get(1)?,
        submitted_at: row.get(2)?,
        score: row.get(3)?,
        passed: row.get(4)?,
        band: row.get(5)?,
    })
}

/// Saves one answer, replacing an earlier one of the same question.
const SAVE_RESPONSE: &str = "INSERT INTO responses (attempt_id, question_index, response, flagged, answered_at) \
     VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (attempt_id, question_index) \
     DO UPDATE SET response = excluded.response, flagged = excluded.flagged, answered_at = excluded.answered_at";

pub(crate) fn json<T: Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt(e.to_string()))
}

pub(crate) fn time(text: &str) -> Result<Timestamp> {
    text.parse().map_err(|e| StoreError::Corrupt(format!("time `{text}`: {e}")))
}

type AttemptRow = (
    i64,
    String,
    u32,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<f64>,
    Option<bool>,
    Option<String>,
);

impl SqliteStore {
    pub(crate) fn attempt_records(
        &self,
        sql_filter: &str,
        args: &[&dyn rusqlite::ToSql],
    ) -> Result<Vec<AttemptRecord>> {
        let sql = format!(
            "SELECT id, employee_id, attempt, paper, started_at, deadline, submitted_at, marks, score, passed, band \
             FROM attempts WHERE {sql_filter} ORDER BY employee_id, attempt"
        );
        self.attempt_records_from(&sql, args)
    }

    /// The open attempts of an exam, found by the index of open attempts (sorting the few
    /// found instead of walking every attempt of the exam in order).
    fn open_records(&self, sql_filter: &str, args: &[&dyn rusqlite::ToSql]) -> Result<Vec<AttemptRecord>> {
        let sql = format!(
            "SELECT id, employee_id, attempt, paper, started_at, deadline, submitted_at, marks, score, passed, band \
             FROM attempts INDEXED BY attempts_open WHERE {sql_filter}"
        );
        let mut records = self.attempt_records_from(&sql, args)?;
        records.sort_by(|a, b| (&a.employee, a.attempt).cmp(&(&b.employee, b.attempt)));
        Ok(records)
    }

    fn attempt_records_from(&self, sql: &str, args: &[&dyn rusqlite::ToSql]) -> Result<Vec<AttemptRecord>> {
        let mut statement = self.conn.prepare(sql)?;
        let rows: Vec<AttemptRow> = statement
            .query_map(args, |row| {
                Ok((
                    row.get(0)?,
                    row.get(1)?,
                    row.get(2)?,
                    row.get(3)?,
                    row.get(4)?,
                    row.get(5)?,
                    row.get(6)?,
                    row.get(7)?,
                    row.get(8)?,
                    row.get(9)?,
                    row.get(10)?,
                ))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut responses = self
            .conn
            .prepare_cached("SELECT question_index, response, flagged FROM responses WHERE attempt_id = ?1 ORDER BY question_index")?;
        let mut records = Vec::with_capacity(rows.len());
        let mut cache = std::collections::HashMap::new();
        for (id, employee, attempt, paper, started, deadline, submitted, marks, score, passed, band) in rows {
            let paper = decode_paper(&self.conn, &paper, &mut cache)?;
            let saved = responses
                .query_map([id], |row| {
                    Ok((row.get::<_, i64>(0)?, row.get::<_, Option<String>>(1)?, row.get::<_, bool>(2)?))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            let columns = AttemptColumns {
                id,
                employee,
                attempt,
                started,
                deadline,
                submitted,
                marks,
                score,
                passed,
                band,
            };
            records.push(attempt_record(columns, paper, saved)?);
        }
        Ok(records)
    }
}

/// The columns of an `attempts` row but its paper, as every backend reads them.
pub(crate) struct AttemptColumns {
    pub(crate) id: i64,
    pub(crate) employee: String,
    pub(crate) attempt: u32,
    pub(crate) started: String,
    pub(crate) deadline: String,
    pub(crate) submitted: Option<String>,
    pub(crate) marks: Option<String>,
    pub(crate) score: Option<f64>,
    pub(crate) passed: Option<bool>,
    pub(crate) band: Option<String>,
}

/// Returns an attempt from its columns, its paper as read, and its saved answers as
/// (question index, canonical response, flagged) in question order.
pub(crate) fn attempt_record(
    columns: AttemptColumns,
    paper: Paper,
    saved: Vec<(i64, Option<String>, bool)>,
) -> Result<AttemptRecord> {
    let AttemptColumns { id, employee, attempt, started, deadline, submitted, marks, score, passed, band } =
        columns;
    let outcome = match (marks, score, passed, band) {
        (Some(marks), Some(total), Some(passed), Some(band)) => Some(Outcome::new(
            serde_json::from_str(&marks).map_err(|e| StoreError::Corrupt(format!("marks: {e}")))?,
            total,
            paper.total_points,
            passed,
            band,
        )),
        _ => None,
    };
    let mut parsed = Vec::with_capacity(saved.len());
    for (index, response, flagged) in saved {
        let response = match response {
            // Read with the question's kind: `F` is option F of a choice question
            // with six or more options, and 错 only for a judgement.
            Some(text) => Some(
                paper
                    .questions
                    .get(index as usize)
                    .and_then(|q| Response::from_canonical(&text, q.kind))
                    .ok_or_else(|| StoreError::Corrupt(format!("response: `{text}`")))?,
            ),
            None => None,
        };
        parsed.push((index as usize, response, flagged));
    }
    Ok(AttemptRecord {
        id,
        employee,
        attempt,
        paper,
        started_at: time(&started)?,
        deadline: time(&deadline)?,
        submitted_at: submitted.as_deref().map(time).transpose()?,
        outcome,
        responses: parsed,
    })
}

impl ExamStore for SqliteStore {
    fn create_exam(
        &mut self,
        spec: &ExamSpec,
        spec_text: &str,
        seed: u64,
        pool: &Pool,
        now: Timestamp,
    ) -> Result<()> {
        let tx = self.write()?;
        let exists: Option<String> =
            tx.query_row("SELECT id FROM exams WHERE id = ?1", [&spec.id], |row| row.get(0)).optional()?;
        if exists.is_some() {
            return Err(StoreError::ExamExists(spec.id.clone()));
        }
        tx.execute(
            "INSERT INTO exams (id, title, year, spec, seed, total_points, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![spec.id, spec.title, spec.year, spec_text, seed.to_string(), spec.total_points(), now.to_string()],
        )?;
        {
            let mut find = tx.prepare(
                "SELECT q.id FROM questions q JOIN banks b ON b.id = q.bank_id WHERE b.name = ?1 AND q.code = ?2",
            )?;
            let mut insert = tx.prepare(
                "INSERT INTO exam_pool (exam_id, question_id, version, position) VALUES (?1, ?2, ?3, ?4)",
            )?;
            for (position, entry) in pool.questions().iter().enumerate() {
                let question_id: i64 =
                    find.query_row(params![entry.bank, entry.question.id], |row| row.get(0))?;
                insert.execute(params![spec.id, question_id, entry.version, position as i64])?;
            }
            // What each section may draw, so that a sitting reads only its own questions.
            let mut plan =
                tx.prepare("INSERT INTO exam_sections (exam_id, section, eligible) VALUES (?1, ?2, ?3)")?;
            for (section, eligible) in Drawer::new(spec, pool).eligible().iter().enumerate() {
                let bytes: Vec<u8> = eligible.iter().flat_map(|&p| (p as u32).to_le_bytes()).collect();
                plan.execute(params![spec.id, section as i64, bytes])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    fn exam_ids(&self) -> Result<Vec<String>> {
        let mut statement = self.conn.prepare_cached("SELECT id FROM exams ORDER BY year DESC, id")?;
        let rows = statement.query_map([], |row| row.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn exams(&self) -> Result<Vec<ExamSummary>> {
        let mut statement = self.conn.prepare(
            "SELECT e.id, e.title, e.year, e.total_points, e.created_at, \
               (SELECT COUNT(*) FROM exam_pool p WHERE p.exam_id = e.id), \
               (SELECT COUNT(*) FROM attempts a WHERE a.exam_id = e.id), \
               (SELECT COUNT(*) FROM attempts a WHERE a.exam_id = e.id AND a.submitted_at IS NOT NULL) \
             FROM exams e ORDER BY e.year DESC, e.id",
        )?;
        let rows = statement.query_map([], |row| {
            Ok(ExamSummary {
                id: row.get(0)?,
                title: row.get(1)?,
                year: row.get(2)?,
                total_points: row.get(3)?,
                created_at: row.get(4)?,
                pool: row.get::<_, i64>(5)? as u64,
                attempts: row.get::<_, i64>(6)? as u64,
                submitted: row.get::<_, i64>(7)? as u64,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn exam(&self, id: &str) -> Result<ExamRecord> {
        let row: Option<(String, String, String)> = self
            .conn
            .query_row("SELECT spec, seed, created_at FROM exams WHERE id = ?1", [id], |row| {
                Ok((row.get(0)?, row.get(1)?, row.get(2)?))
            })
            .optional()?;
        let Some((spec_text, seed, created_at)) = row else {
            return Err(StoreError::NoExam(id.to_owned()));
        };
        let spec = ExamSpec::from_toml(&spec_text).map_err(|problems| {
            StoreError::Corrupt(format!(
                "exam {id}: {}",
                problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
            ))
        })?;
        let seed = seed.parse().map_err(|_| StoreError::Corrupt(format!("exam {id}: seed `{seed}`")))?;
        Ok(ExamRecord { spec, spec_text, seed, created_at })
    }

    fn exam_pool(&self, id: &str) -> Result<Pool> {
        let sql = format!(
            "SELECT {VERSION_COLUMNS} FROM exam_pool p JOIN questions q ON q.id = p.question_id \
             JOIN banks b ON b.id = q.bank_id \
             JOIN question_versions v ON v.question_id = q.id AND v.version = p.version WHERE p.exam_id = ?1"
        );
        let mut statement = self.conn.prepare(&sql)?;
        let mut entries = Vec::new();
        for row in statement.query_map([id], question_from_row)? {
            let stored = row?.map_err(StoreError::Corrupt)?;
            entries.push(PoolQuestion::with_content_hash(
                stored.bank,
                stored.version,
                stored.question,
                stored.content_hash,
            ));
        }
        Ok(Pool::new(entries))
    }

    fn person(&self, employee: &str) -> Result<Option<Person>> {
        Ok(self.people_where("p.employee_id = ?1", &[&employee])?.into_iter().next())
    }

    fn attempts(&self, exam: &str, employee: &str) -> Result<Vec<AttemptRecord>> {
        self.attempt_records("exam_id = ?1 AND employee_id = ?2", &[&exam, &employee])
    }

    fn open_attempts(&self, exam: &str) -> Result<Vec<AttemptRecord>> {
        self.open_records("exam_id = ?1 AND submitted_at IS NULL", &[&exam])
    }

    fn expired_attempts(&self, exam: &str, now: Timestamp) -> Result<Vec<AttemptRecord>> {
        let now = now.to_string();
        self.open_records("exam_id = ?1 AND submitted_at IS NULL AND deadline <= ?2", &[&exam, &now])
    }

    fn roll(&self, exam: &str, each: &mut dyn FnMut(&Person, &[AttemptSummary])) -> Result<()> {
        let mut people = self.conn.prepare(
            "SELECT p.employee_id, p.name, p.department_id, d.path, p.role, p.status, p.joined, p.left_on \
             FROM people p JOIN departments d ON d.id = p.department_id ORDER BY p.employee_id",
        )?;
        let mut attempts = self.conn.prepare(SUMMARIES)?;
        let mut attempt_rows = attempts.query_map([exam], summary_from_row)?;
        let mut pending: Option<AttemptSummary> = attempt_rows.next().transpose()?;
        let mut departments: std::collections::HashMap<i64, xuefa_core::Department> =
            std::collections::HashMap::new();
        let mut rows = people.query([])?;
        let mut own: Vec<AttemptSummary> = Vec::new();
        while let Some(row) = rows.next()? {
            let id: String = row.get(0)?;
            let department_id: i64 = row.get(2)?;
            let department = match departments.get(&department_id) {
                Some(department) => department.clone(),
                None => {
                    let path: String = row.get(3)?;
                    let department = xuefa_core::Department::parse(&path)
                        .ok_or_else(|| StoreError::Corrupt(format!("person {id}: empty department")))?;
                    departments.insert(department_id, department.clone());
                    department
                }
            };
            let status: String = row.get(5)?;
            let person = crate::sqlite::person_from(
                id,
                row.get(1)?,
                department,
                row.get(4)?,
                &status,
                row.get(6)?,
                row.get(7)?,
            )?;
            // Attempts of employees before this one are of people no longer on the roster.
            own.clear();
            while let Some(attempt) = pending.take() {
                match attempt.employee.as_str().cmp(person.id.as_str()) {
                    std::cmp::Ordering::Less => pending = attempt_rows.next().transpose()?,
                    std::cmp::Ordering::Equal => {
                        own.push(attempt);
                        pending = attempt_rows.next().transpose()?;
                    }
                    std::cmp::Ordering::Greater => {
                        pending = Some(attempt);
                        break;
                    }
                }
            }
            each(&person, &own);
        }
        Ok(())
    }

    fn attempt_summaries(&self, exam: &str) -> Result<Vec<AttemptSummary>> {
        let mut statement = self.conn.prepare(SUMMARIES)?;
        let rows = statement.query_map([exam], summary_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn start_attempt(
        &mut self,
        paper: &Paper,
        mode: Mode,
        started_at: Timestamp,
        deadline: Timestamp,
    ) -> Result<i64> {
        let tx = self.write()?;
        let ids = question_ids(&tx, paper)?;
        let stored = encode_paper(paper, &ids)?;
        let taken: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM attempts WHERE exam_id = ?1 AND employee_id = ?2 AND attempt = ?3)",
            params![paper.exam, paper.employee, paper.attempt],
            |row| row.get(0),
        )?;
        if taken {
            // Two sittings of one person opened the same new attempt at once; the first
            // one's stands.
            return Err(StoreError::StartedElsewhere {
                exam: paper.exam.clone(),
                employee: paper.employee.clone(),
                attempt: paper.attempt,
            });
        }
        tx.execute(
            "INSERT INTO attempts (exam_id, employee_id, attempt, mode, paper, started_at, deadline) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                paper.exam,
                paper.employee,
                paper.attempt,
                mode.as_str(),
                stored,
                started_at.to_string(),
                deadline.to_string()
            ],
        )?;
        let id = tx.last_insert_rowid();
        tx.commit()?;
        Ok(id)
    }

    fn save_response(
        &mut self,
        attempt: i64,
        index: usize,
        response: Option<&Response>,
        flagged: bool,
        at: Timestamp,
    ) -> Result<()> {
        // One statement is one transaction, durable when it returns (synchronous = FULL).
        self.conn.prepare_cached(SAVE_RESPONSE)?.execute(params![
            attempt,
            index as i64,
            response.map(Response::canonical),
            flagged,
            at.to_string()
        ])?;
        Ok(())
    }

    fn save_and_submit(
        &mut self,
        attempt: i64,
        paper: &Paper,
        responses: &[(usize, Response)],
        outcome: &Outcome,
        at: Timestamp,
    ) -> Result<()> {
        let tx = self.write()?;
        // Refuse before writing any answer: a submitted attempt keeps the answers it was
        // scored on.
        ensure_open(&tx, attempt, paper)?;
        {
            let mut insert = tx.prepare(SAVE_RESPONSE)?;
            for (index, response) in responses {
                insert.execute(params![
                    attempt,
                    *index as i64,
                    response.canonical(),
                    false,
                    at.to_string()
                ])?;
            }
        }
        let mut given = vec![None; paper.questions.len()];
        for (index, response) in responses {
            if let Some(slot) = given.get_mut(*index) {
                *slot = Some(*response);
            }
        }
        submit(&tx, attempt, paper, &given, outcome, at)?;
        tx.commit()?;
        Ok(())
    }

    fn submit_attempt(
        &mut self,
        attempt: i64,
        paper: &Paper,
        responses: &[Option<Response>],
        outcome: &Outcome,
        at: Timestamp,
    ) -> Result<()> {
        let tx = self.write()?;
        submit(&tx, attempt, paper, responses, outcome, at)?;
        tx.commit()?;
        Ok(())
    }

    fn record_graded(&mut self, attempts: &mut dyn Iterator<Item = Graded>) -> Result<u64> {
        let tx = self.write()?;
        let mut count = 0;
        {
            let mut ids_of: std::collections::HashMap<(String, String), i64> =
                std::collections::HashMap::new();
            let mut find = tx.prepare(
                "SELECT q.id FROM questions q JOIN banks b ON b.id = q.bank_id WHERE b.name = ?1 AND q.code = ?2",
            )?;
            let mut insert = tx.prepare(
                "INSERT INTO attempts (exam_id, employee_id, attempt, mode, paper, started_at, deadline, submitted_at, \
                 score, max_score, passed, band, marks) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?6, ?7, ?8, ?9, ?10, ?11)",
            )?;
            let mut items = tx.prepare(INSERT_ITEM_MARKS)?;
            let mut answer = tx.prepare(SAVE_RESPONSE)?;
            let mut chain = Chain::load(&tx)?;
            for graded in attempts {
                let paper = &graded.paper;
                let mut ids = Vec::with_capacity(paper.questions.len());
                for q in &paper.questions {
                    let key = (q.bank.clone(), q.id.clone());
                    let id = match ids_of.get(&key) {
                        Some(&id) => id,
                        None => {
                            let id: i64 = find.query_row(params![q.bank, q.id], |row| row.get(0))?;
                            ids_of.insert(key, id);
                            id
                        }
                    };
                    ids.push(id);
                }
                let mut given = vec![None; paper.questions.len()];
                for (index, response) in &graded.responses {
                    if let Some(slot) = given.get_mut(*index) {
                        *slot = Some(*response);
                    }
                }
                let at = graded.at.to_string();
                let outcome = &graded.outcome;
                insert.execute(params![
                    paper.exam,
                    paper.employee,
                    paper.attempt,
                    Mode::Paper.as_str(),
                    encode_paper(paper, &ids)?,
                    at,
                    outcome.score.total,
                    outcome.score.max,
                    outcome.passed,
                    outcome.band,
                    json(&outcome.score.marks)?,
                ])?;
                let attempt = tx.last_insert_rowid();
                items.execute(params![
                    attempt,
                    paper.exam,
                    outcome.score.total,
                    encode_item_marks(&ids, paper, &given, &outcome.score.marks)
                ])?;
                for (index, response) in &graded.responses {
                    answer.execute(params![attempt, *index as i64, response.canonical(), false, at])?;
                }
                // The content as just stored, from the values in hand (reading a million
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
                    marks: Some(json(&outcome.score.marks)?),
                };
                let mut answers: Vec<(i64, String)> = graded
                    .responses
                    .iter()
                    .map(|(index, response)| (*index as i64, response.canonical()))
                    .collect();
                answers.sort_by_key(|(index, _)| *index);
                let content =
                    fields.digest(answers.iter().map(|(index, text)| (*index, Some(text.as_str()))));
                chain.append(ATTEMPT, &fields.exam, &fields.employee, fields.attempt, &content)?;
                count += 1;
            }
        }
        tx.commit()?;
        Ok(count)
    }

    fn exam_plan(&self, exam: &str) -> Result<Option<Vec<Vec<usize>>>> {
        let rows: Vec<Vec<u8>> = self
            .conn
            .prepare_cached("SELECT eligible FROM exam_sections WHERE exam_id = ?1 ORDER BY section")?
            .query_map([exam], |row| row.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(decode_plan(&rows))
    }

    fn pool_at(&self, exam: &str, positions: &[usize]) -> Result<Vec<PoolQuestion>> {
        let mut find = self.conn.prepare_cached(&format!(
            "SELECT {VERSION_COLUMNS} FROM exam_pool p JOIN questions q ON q.id = p.question_id \
             JOIN banks b ON b.id = q.bank_id \
             JOIN question_versions v ON v.question_id = q.id AND v.version = p.version \
             WHERE p.exam_id = ?1 AND p.position = ?2"
        ))?;
        positions
            .iter()
            .map(|&position| {
                let row = find.query_row(params![exam, position as i64], question_from_row).optional()?;
                let stored = row
                    .ok_or_else(|| StoreError::Corrupt(format!("exam {exam}: no pool position {position}")))?
                    .map_err(StoreError::Corrupt)?;
                Ok(PoolQuestion::with_content_hash(
                    stored.bank,
                    stored.version,
                    stored.question,
                    stored.content_hash,
                ))
            })
            .collect()
    }

    fn pool_positions(&self, exam: &str, keys: &[String]) -> Result<Vec<usize>> {
        let mut find = self.conn.prepare_cached(
            "SELECT p.position FROM exam_pool p JOIN questions q ON q.id = p.question_id \
             JOIN banks b ON b.id = q.bank_id WHERE p.exam_id = ?1 AND b.name = ?2 AND q.code = ?3",
        )?;
        let mut positions = Vec::new();
        for key in keys {
            let Some((bank, id)) = key.split_once(':') else { continue };
            if let Some(position) = find
                .query_row(params![exam, bank, id], |row| row.get::<_, Option<i64>>(0))
                .optional()?
                .flatten()
            {
                positions.push(position as usize);
            }
        }
        Ok(positions)
    }

    fn pool_keys(&self, exam: &str) -> Result<Vec<(i64, String)>> {
        let mut statement = self.conn.prepare(
            "SELECT q.id, b.name || ':' || q.code FROM exam_pool p JOIN questions q ON q.id = p.question_id \
             JOIN banks b ON b.id = q.bank_id WHERE p.exam_id = ?1",
        )?;
        let rows = statement.query_map([exam], |row| Ok((row.get(0)?, row.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn item_marks(
        &mut self,
        exam: &str,
        totals: &mut dyn FnMut(Vec<f64>),
        marks: &mut dyn FnMut(&[ItemMark]),
    ) -> Result<()> {
        self.fill_item_marks(exam)?;
        // One read transaction: the totals and the marks come from the same snapshot.
        let tx = self.conn.unchecked_transaction()?;
        // Which questions are true/false, by row id (a table, not a hash: 50 lookups an attempt).
        let judges: Vec<i64> = tx
            .prepare(
                "SELECT p.question_id FROM exam_pool p JOIN question_versions v \
                 ON v.question_id = p.question_id AND v.version = p.version \
                 WHERE p.exam_id = ?1 AND v.kind = 'judge'",
            )?
            .query_map([exam], |row| row.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let mut is_judge = vec![false; judges.iter().copied().max().map_or(0, |m| m as usize + 1)];
        for id in judges {
            is_judge[id as usize] = true;
        }
        let mut statement =
            tx.prepare("SELECT score FROM item_marks WHERE exam_id = ?1 ORDER BY attempt_id")?;
        let all: Vec<f64> =
            statement.query_map([exam], |row| row.get(0))?.collect::<rusqlite::Result<_>>()?;
        totals(all);
        let mut statement =
            tx.prepare("SELECT marks FROM item_marks WHERE exam_id = ?1 ORDER BY attempt_id")?;
        let mut rows = statement.query([exam])?;
        let mut buffer = Vec::new();
        let judge = |question: i64| is_judge.get(question as usize).copied().unwrap_or(false);
        while let Some(row) = rows.next()? {
            let bytes = row.get_ref(0)?.as_blob().map_err(rusqlite::Error::from)?;
            decode_item_marks(bytes, &judge, &mut buffer)?;
            marks(&buffer);
        }
        Ok(())
    }
}

impl SqliteStore {
    /// Stores the item marks of submitted attempts that lack them (submitted before the
    /// table existed).
    fn fill_item_marks(&mut self, exam: &str) -> Result<()> {
        let lacking =
            "exam_id = ?1 AND submitted_at IS NOT NULL AND id NOT IN (SELECT attempt_id FROM item_marks)";
        let missing: Vec<i64> = self
            .conn
            .prepare(&format!("SELECT id FROM attempts WHERE {lacking}"))?
            .query_map([exam], |row| row.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        if missing.is_empty() {
            return Ok(());
        }
        let records = self.attempt_records(lacking, &[&exam])?;
        let tx = self.write()?;
        for record in records {
            let Some(outcome) = &record.outcome else { continue };
            let mut given = vec![None; record.paper.questions.len()];
            for (index, response, _) in &record.responses {
                if let Some(slot) = given.get_mut(*index) {
                    *slot = *response;
                }
            }
            let ids = question_ids(&tx, &record.paper)?;
            let bytes = encode_item_marks(&ids, &record.paper, &given, &outcome.score.marks);
            tx.execute(INSERT_ITEM_MARKS, params![record.id, exam, outcome.score.total, bytes])?;
        }
        tx.commit()?;
        Ok(())
    }
}

fn submit(
    tx: &rusqlite::Transaction<'_>,
    attempt: i64,
    paper: &Paper,
    responses: &[Option<Response>],
    outcome: &Outcome,
    at: Timestamp,
) -> Result<()> {
    let ids = question_ids(tx, paper)?;
    let item_marks = encode_item_marks(&ids, paper, responses, &outcome.score.marks);
    let changed = tx.execute(
        "UPDATE attempts SET submitted_at = ?1, score = ?2, max_score = ?3, passed = ?4, band = ?5, marks = ?6 \
         WHERE id = ?7 AND submitted_at IS NULL",
        params![
            at.to_string(),
            outcome.score.total,
            outcome.score.max,
            outcome.passed,
            outcome.band,
            json(&outcome.score.marks)?,
            attempt
        ],
    )?;
    if changed == 0 {
        return Err(already_submitted(paper));
    }
    tx.execute(INSERT_ITEM_MARKS, params![attempt, paper.exam, outcome.score.total, item_marks])?;
    Chain::load(tx)?.link_attempt(tx, attempt)?;
    Ok(())
}

pub(crate) fn already_submitted(paper: &Paper) -> StoreError {
    StoreError::AlreadySubmitted {
        exam: paper.exam.clone(),
        employee: paper.employee.clone(),
        attempt: paper.attempt,
    }
}

/// Returns an error when the attempt is no longer open.
fn ensure_open(tx: &rusqlite::Transaction<'_>, attempt: i64, paper: &Paper) -> Result<()> {
    let open: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM attempts WHERE id = ?1 AND submitted_at IS NULL)",
        params![attempt],
        |row| row.get(0),
    )?;
    if open { Ok(()) } else { Err(already_submitted(paper)) }
}
