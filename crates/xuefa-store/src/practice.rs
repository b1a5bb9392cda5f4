//! Practice in the store: every practice answer, and each person's wrong-answer book.

use std::collections::{HashMap, HashSet};

use jiff::Timestamp;
use rusqlite::{OptionalExtension, params};
use xuefa_core::practice::{BookEntry, Pick};
use xuefa_core::{Date, Kind};

use crate::sqlite::{SqliteStore, VERSION_COLUMNS, question_from_row};
use crate::{Result, StoreError, StoredQuestion};

/// A question in use that one person has met, as practice sees it: what the daily quiz
/// needs, without the question's text (read only for the questions drawn).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct PracticeCandidate {
    /// The bank.
    pub bank: String,
    /// The question's id in its bank.
    pub code: String,
    /// The key of the law it cites (every form of a law's name is one key).
    pub law_key: String,
    /// Its place in the person's wrong-answer book.
    pub book: Option<BookEntry>,
    /// How many times the person answered it in practice.
    pub answered: u32,
    /// Of which right.
    pub right: u32,
}

/// One answer of a submitted exam attempt, as the wrong-answer book takes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExamAnswer {
    /// The question's bank.
    pub bank: String,
    /// The question's id in its bank.
    pub code: String,
    /// Whether it earned its full points.
    pub correct: bool,
    /// The office's day it was given (the attempt's submission).
    pub day: Date,
}

/// How one person does on one law's questions in use, over their practice.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LawProgress {
    /// The law's name as its questions cite it.
    pub law: String,
    /// Questions of the law answered at least once.
    pub seen: u32,
    /// Answers given.
    pub answered: u32,
    /// Of which right.
    pub right: u32,
    /// Questions of the law in the wrong-answer book.
    pub in_book: u32,
    /// Of which due on the day asked about.
    pub due: u32,
}

/// One person's practice over a period, summed from their days.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
#[non_exhaustive]
pub struct PracticeTotals {
    /// Answers given.
    pub answered: u64,
    /// Right answers.
    pub right: u64,
    /// The study hours practice earned at the credit asked for: each day the distinct
    /// questions answered times the minutes a question, at most the minutes a day
    /// ([`xuefa_core::practice::credit_hours`]); 0 without credit.
    pub hours: f64,
}

/// Gets each person of [`PracticeStore::practice_totals`]: the employee id and their totals.
pub type PracticeVisitor<'a> = dyn FnMut(&str, &PracticeTotals) + 'a;

/// Which questions in use a practice may draw: each list empty for all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PracticeFilter {
    /// Law keys ([`xuefa_core::law_key`]): questions citing one of them.
    pub law_keys: Vec<String>,
    /// Questions with one of these tags.
    pub tags: Vec<String>,
    /// Questions of this kind.
    pub kind: Option<Kind>,
    /// Only the questions of the person's book that are due on this day.
    pub due_on: Option<Date>,
}

/// Practice answers and the wrong-answer book.
pub trait PracticeStore {
    /// Draws a practice from the questions in use that `filter` lets through, in one
    /// snapshot: `choose` gets the questions this person has met (answered in practice or
    /// in the book; in the order of the questions' ids) with what the person did with each,
    /// and the number of those never met; it returns which to ask, in order
    /// ([`Pick::Unseen`] counts the never-met questions in the order of their ids). Returns
    /// the current version of each. A review (`filter.due_on`) counts no question never met.
    ///
    /// # Errors
    /// [`StoreError::NoPerson`] for an employee id not on the roster, or a database error.
    fn practice_draw(
        &self,
        employee: &str,
        filter: &PracticeFilter,
        choose: &mut dyn FnMut(&[PracticeCandidate], usize) -> Vec<Pick>,
    ) -> Result<Vec<StoredQuestion>>;

    /// Returns the current version of these questions in use (`(bank, id)`), in the order
    /// asked; one no longer in use is left out.
    ///
    /// # Errors
    /// Returns a database error.
    fn practice_questions(&self, questions: &[(String, String)]) -> Result<Vec<StoredQuestion>>;

    /// Records one practice answer to the version of a question shown (`question.version`)
    /// and moves the question in the person's book, in one transaction: `schedule` gets its
    /// place before the answer and returns its place after (`None`: not in the book).
    /// Returns both places.
    ///
    /// # Errors
    /// [`StoreError::NoPerson`], [`StoreError::NoQuestion`] when the question is no longer
    /// in use, or a database error; nothing is changed then.
    #[allow(clippy::too_many_arguments)]
    fn record_practice(
        &mut self,
        employee: &str,
        question: &StoredQuestion,
        response: &str,
        correct: bool,
        at: Timestamp,
        day: Date,
        schedule: &dyn Fn(Option<BookEntry>) -> Option<BookEntry>,
    ) -> Result<(Option<BookEntry>, Option<BookEntry>)>;

    /// Returns how the person does, law by law (the laws of the questions in use they have
    /// answered or have in the book, by law key): questions seen, answers, right answers,
    /// questions in the book and those due on `day`.
    ///
    /// # Errors
    /// [`StoreError::NoPerson`] or a database error.
    fn practice_progress(&self, employee: &str, day: Date) -> Result<Vec<LawProgress>>;

    /// Returns the ids of the person's exam attempts whose answers have entered the book.
    ///
    /// # Errors
    /// [`StoreError::NoPerson`] or a database error.
    fn practice_taken_attempts(&self, employee: &str) -> Result<HashSet<i64>>;

    /// Takes one submitted exam attempt's answers into the person's book, in one
    /// transaction, once: `schedule` gets each question's place before, whether the answer
    /// was right and the day it was given, and returns its place after. A question no
    /// longer in use is passed over. Returns how many answers moved a question, or `None`
    /// when the attempt had already been taken in (by another process, say).
    ///
    /// # Errors
    /// [`StoreError::NoPerson`] or a database error; nothing is changed then.
    fn take_exam_answers(
        &mut self,
        employee: &str,
        attempt: i64,
        answers: &[ExamAnswer],
        at: Timestamp,
        schedule: &dyn Fn(Option<BookEntry>, bool, Date) -> Option<BookEntry>,
    ) -> Result<Option<usize>>;

    /// Returns the person's wrong-answer book: each question in use in it (current version)
    /// with its place, the earliest due first.
    ///
    /// # Errors
    /// [`StoreError::NoPerson`] or a database error.
    fn practice_book(&self, employee: &str) -> Result<Vec<(StoredQuestion, BookEntry)>>;

    /// Calls `each` once for every person who practised from `from` to `to` (inclusive),
    /// with their totals; `credit` is (minutes a distinct question, minutes a day at most)
    /// when practice earns hours. Summed in the database, person by person: a province's
    /// tens of millions of practice days are never held.
    ///
    /// # Errors
    /// Returns a database error.
    fn practice_totals(
        &self,
        from: Date,
        to: Date,
        credit: Option<(f64, f64)>,
        each: &mut PracticeVisitor<'_>,
    ) -> Result<()>;
}

impl SqliteStore {
    fn person_row(&self, employee: &str) -> Result<i64> {
        self.conn
            .query_row("SELECT id FROM people WHERE employee_id = ?1", [employee], |row| row.get(0))
            .optional()?
            .ok_or_else(|| StoreError::NoPerson(employee.to_owned()))
    }
}

/// A practice candidate from `id, bank name, code, law_key`.
fn candidate(
    row: &rusqlite::Row<'_>,
    book: Option<BookEntry>,
    answered: u32,
    right: u32,
) -> rusqlite::Result<PracticeCandidate> {
    Ok(PracticeCandidate {
        bank: row.get(1)?,
        code: row.get(2)?,
        law_key: row.get(3)?,
        book,
        answered,
        right,
    })
}

/// The SQL conditions on `questions q` (in use, and `filter`'s laws, tags and kind) and
/// the values of their parameters `?1`, `?2`…
fn filter_sql(filter: &PracticeFilter) -> (String, Vec<rusqlite::types::Value>) {
    let mut conditions = vec!["q.retired = 0".to_owned()];
    let mut values: Vec<rusqlite::types::Value> = Vec::new();
    let mut any_of = |test: &dyn Fn(usize) -> String, items: &[String]| {
        if !items.is_empty() {
            let mut parts = Vec::new();
            for item in items {
                values.push(item.clone().into());
                parts.push(test(values.len()));
            }
            conditions.push(format!("({})", parts.join(" OR ")));
        }
    };
    any_of(&|n| format!("q.law_key = ?{n}"), &filter.law_keys);
    // Tags live with the question's text: a correlated test, only when asked for.
    any_of(
        &|n| {
            format!(
                "EXISTS (SELECT 1 FROM question_versions v WHERE v.question_id = q.id \
                 AND v.version = q.current_version AND instr(v.tags, json_quote(?{n})) > 0)"
            )
        },
        &filter.tags,
    );
    if let Some(kind) = filter.kind {
        any_of(&|n| format!("q.kind = ?{n}"), &[kind.as_str().to_owned()]);
    }
    (conditions.join(" AND "), values)
}

/// Returns a question's place in a person's book (`None`: not in it).
fn book_entry(tx: &rusqlite::Transaction<'_>, person: i64, question: i64) -> Result<Option<BookEntry>> {
    let stored: Option<(i64, String, i64)> = tx
        .prepare_cached(
            "SELECT box, due, wrong FROM practice_book WHERE person_id = ?1 AND question_id = ?2",
        )?
        .query_row(params![person, question], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
        .optional()?;
    match stored {
        Some((box_number, due, wrong)) => entry_from_columns(Some(box_number), Some(due), Some(wrong)),
        None => Ok(None),
    }
}

/// Puts a question at its place in a person's book, or takes it out (`None`).
fn place_in_book(
    tx: &rusqlite::Transaction<'_>,
    person: i64,
    question: i64,
    place: Option<BookEntry>,
    at: &str,
) -> Result<()> {
    match place {
        Some(entry) => tx.execute(
            "INSERT INTO practice_book (person_id, question_id, box, due, wrong, entered_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (person_id, question_id) DO UPDATE SET \
             box = excluded.box, due = excluded.due, wrong = excluded.wrong",
            params![person, question, entry.box_number, entry.due.to_string(), entry.wrong, at],
        )?,
        None => tx.execute(
            "DELETE FROM practice_book WHERE person_id = ?1 AND question_id = ?2",
            params![person, question],
        )?,
    };
    Ok(())
}

/// A book entry from its stored columns (all `None`: not in the book).
pub(crate) fn entry_from_columns(
    box_number: Option<i64>,
    due: Option<String>,
    wrong: Option<i64>,
) -> Result<Option<BookEntry>> {
    match (box_number, due, wrong) {
        (Some(box_number), Some(due), Some(wrong)) => {
            let due =
                due.parse::<Date>().map_err(|e| StoreError::Corrupt(format!("book due `{due}`: {e}")))?;
            let box_number = u8::try_from(box_number)
                .ok()
                .filter(|b| (1..=xuefa_core::practice::BOXES).contains(b))
                .ok_or_else(|| StoreError::Corrupt(format!("book box {box_number}")))?;
            Ok(Some(BookEntry { box_number, due, wrong: u32::try_from(wrong).unwrap_or(0) }))
        }
        _ => Ok(None),
    }
}

impl PracticeStore for SqliteStore {
    fn practice_draw(
        &self,
        employee: &str,
        filter: &PracticeFilter,
        choose: &mut dyn FnMut(&[PracticeCandidate], usize) -> Vec<Pick>,
    ) -> Result<Vec<StoredQuestion>> {
        let person = self.person_row(employee)?;
        // One snapshot: the questions counted are the questions read.
        let tx = self.conn.unchecked_transaction()?;
        // The questions the person has met: every question answered in practice or in the book.
        let mut book: HashMap<i64, BookEntry> = HashMap::new();
        let mut statement =
            tx.prepare_cached("SELECT question_id, box, due, wrong FROM practice_book WHERE person_id = ?1")?;
        let mut rows = statement.query([person])?;
        while let Some(row) = rows.next()? {
            if let Some(entry) = entry_from_columns(row.get(1)?, row.get(2)?, row.get(3)?)? {
                book.insert(row.get(0)?, entry);
            }
        }
        let mut answers: HashMap<i64, (u32, u32)> = HashMap::new();
        let mut statement = tx.prepare_cached(
            "SELECT question_id, COUNT(*), SUM(correct) FROM practice_answers WHERE person_id = ?1 GROUP BY question_id",
        )?;
        let mut rows = statement.query([person])?;
        while let Some(row) = rows.next()? {
            let count = |i| row.get::<_, i64>(i).map(|n| u32::try_from(n).unwrap_or(u32::MAX));
            answers.insert(row.get(0)?, (count(1)?, count(2)?));
        }
        let met: HashSet<i64> = book.keys().chain(answers.keys()).copied().collect();
        // The filters become SQL over the narrow columns of kinds and laws, not the text.
        let (conditions, values) = filter_sql(filter);
        // Every question the filter lets through, only by its id: fifty thousand integers,
        // no strings; only the few the person has met are read further.
        let mut known_ids = Vec::new();
        let mut unseen: Vec<i64> = Vec::new();
        let mut ids =
            tx.prepare(&format!("SELECT q.id FROM questions q WHERE {conditions} ORDER BY q.id"))?;
        let mut rows = ids.query(rusqlite::params_from_iter(values.iter()))?;
        while let Some(row) = rows.next()? {
            sort_candidate(row.get(0)?, filter, &book, &met, &mut known_ids, &mut unseen);
        }
        drop(rows);
        let mut one = tx.prepare_cached(
            "SELECT q.id, b.name, q.code, q.law_key FROM questions q JOIN banks b ON b.id = q.bank_id WHERE q.id = ?1",
        )?;
        let mut known = Vec::with_capacity(known_ids.len());
        for &id in &known_ids {
            let (answered, right) = answers.get(&id).copied().unwrap_or_default();
            known.push(one.query_row([id], |row| candidate(row, book.get(&id).copied(), answered, right))?);
        }
        let picks = choose(&known, unseen.len());
        let mut statement = tx.prepare_cached(&format!(
            "SELECT {VERSION_COLUMNS} FROM questions q JOIN banks b ON b.id = q.bank_id \
             JOIN question_versions v ON v.question_id = q.id AND v.version = q.current_version \
             WHERE q.id = ?1"
        ))?;
        let mut drawn = Vec::with_capacity(picks.len());
        for pick in picks {
            let id = match pick {
                Pick::Known(i) => known_ids.get(i),
                Pick::Unseen(i) => unseen.get(i),
            };
            let Some(&id) = id else { continue };
            drawn.push(statement.query_row([id], question_from_row)?.map_err(StoreError::Corrupt)?);
        }
        Ok(drawn)
    }

    fn practice_questions(&self, questions: &[(String, String)]) -> Result<Vec<StoredQuestion>> {
        let mut statement = self.conn.prepare_cached(&format!(
            "SELECT {VERSION_COLUMNS} FROM questions q JOIN banks b ON b.id = q.bank_id \
             JOIN question_versions v ON v.question_id = q.id AND v.version = q.current_version \
             WHERE b.name = ?1 AND q.code = ?2 AND q.retired = 0"
        ))?;
        let mut found = Vec::with_capacity(questions.len());
        for (bank, code) in questions {
            if let Some(row) = statement.query_row(params![bank, code], question_from_row).optional()? {
                found.push(row.map_err(StoreError::Corrupt)?);
            }
        }
        Ok(found)
    }

    fn record_practice(
        &mut self,
        employee: &str,
        question: &StoredQuestion,
        response: &str,
        correct: bool,
        at: Timestamp,
        day: Date,
        schedule: &dyn Fn(Option<BookEntry>) -> Option<BookEntry>,
    ) -> Result<(Option<BookEntry>, Option<BookEntry>)> {
        let person = self.person_row(employee)?;
        let tx = self.write()?;
        let Some(question_id): Option<i64> = tx
            .query_row(
                "SELECT q.id FROM questions q JOIN banks b ON b.id = q.bank_id \
                 WHERE b.name = ?1 AND q.code = ?2 AND q.retired = 0",
                params![question.bank, question.question.id],
                |row| row.get(0),
            )
            .optional()?
        else {
            return Err(StoreError::NoQuestion(format!("{}:{}", question.bank, question.question.id)));
        };
        // Read and written in one write transaction: two answers at once move it one by one.
        let before = book_entry(&tx, person, question_id)?;
        let after = schedule(before);
        let at = at.to_string();
        let day = day.to_string();
        // The day's tally: a question answered again the same day is one more answer, not
        // one more question.
        let again: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM practice_answers WHERE person_id = ?1 AND question_id = ?2 AND day = ?3)",
            params![person, question_id, day],
            |row| row.get(0),
        )?;
        tx.execute(
            "INSERT INTO practice_days (person_id, day, answered, questions, correct) VALUES (?1, ?2, 1, ?3, ?4) \
             ON CONFLICT (person_id, day) DO UPDATE SET answered = answered + 1, \
             questions = questions + excluded.questions, correct = correct + excluded.correct",
            params![person, day, i64::from(!again), correct],
        )?;
        tx.execute(
            "INSERT INTO practice_answers (person_id, question_id, version, answered_at, day, response, correct) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![person, question_id, question.version, at, day, response, correct],
        )?;
        place_in_book(&tx, person, question_id, after, &at)?;
        tx.commit()?;
        Ok((before, after))
    }

    fn practice_progress(&self, employee: &str, day: Date) -> Result<Vec<LawProgress>> {
        let person = self.person_row(employee)?;
        let mut statement = self.conn.prepare_cached(
            "WITH mine AS (SELECT question_id, COUNT(*) AS n, SUM(correct) AS r FROM practice_answers \
             WHERE person_id = ?1 GROUP BY question_id), \
             book AS (SELECT question_id, due FROM practice_book WHERE person_id = ?1), \
             met AS (SELECT question_id FROM mine UNION SELECT question_id FROM book) \
             SELECT MIN(v.law), COUNT(m.question_id), COALESCE(SUM(m.n), 0), COALESCE(SUM(m.r), 0), \
             COUNT(k.question_id), COALESCE(SUM(k.due <= ?2), 0) \
             FROM met JOIN questions q ON q.id = met.question_id \
             JOIN question_versions v ON v.question_id = q.id AND v.version = q.current_version \
             LEFT JOIN mine m ON m.question_id = met.question_id LEFT JOIN book k ON k.question_id = met.question_id \
             WHERE q.retired = 0 GROUP BY q.law_key ORDER BY MIN(v.law)",
        )?;
        let count =
            |row: &rusqlite::Row<'_>, i| row.get::<_, i64>(i).map(|n| u32::try_from(n).unwrap_or(u32::MAX));
        let rows = statement.query_map(params![person, day.to_string()], |row| {
            Ok(LawProgress {
                law: row.get(0)?,
                seen: count(row, 1)?,
                answered: count(row, 2)?,
                right: count(row, 3)?,
                in_book: count(row, 4)?,
                due: count(row, 5)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn practice_taken_attempts(&self, employee: &str) -> Result<HashSet<i64>> {
        self.person_row(employee)?;
        let mut statement = self.conn.prepare_cached(
            "SELECT t.attempt_id FROM practice_exam_attempts t JOIN attempts a ON a.id = t.attempt_id \
             WHERE a.employee_id = ?1",
        )?;
        let taken = statement.query_map([employee], |row| row.get(0))?.collect::<rusqlite::Result<_>>()?;
        Ok(taken)
    }

    fn take_exam_answers(
        &mut self,
        employee: &str,
        attempt: i64,
        answers: &[ExamAnswer],
        at: Timestamp,
        schedule: &dyn Fn(Option<BookEntry>, bool, Date) -> Option<BookEntry>,
    ) -> Result<Option<usize>> {
        let person = self.person_row(employee)?;
        let tx = self.write()?;
        let at = at.to_string();
        // Once: a second process taking the same attempt in finds it taken and changes nothing.
        if tx.execute(
            "INSERT INTO practice_exam_attempts (attempt_id, taken_at) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
            params![attempt, at],
        )? == 0
        {
            return Ok(None);
        }
        let mut moved = 0;
        {
            let mut find = tx.prepare_cached(
                "SELECT q.id FROM questions q JOIN banks b ON b.id = q.bank_id \
                 WHERE b.name = ?1 AND q.code = ?2 AND q.retired = 0",
            )?;
            for answer in answers {
                let Some(question): Option<i64> =
                    find.query_row(params![answer.bank, answer.code], |row| row.get(0)).optional()?
                else {
                    continue;
                };
                let before = book_entry(&tx, person, question)?;
                let after = schedule(before, answer.correct, answer.day);
                if after != before {
                    moved += 1;
                    place_in_book(&tx, person, question, after, &at)?;
                }
            }
        }
        tx.commit()?;
        Ok(Some(moved))
    }

    fn practice_book(&self, employee: &str) -> Result<Vec<(StoredQuestion, BookEntry)>> {
        let person = self.person_row(employee)?;
        let mut statement = self.conn.prepare(&format!(
            "SELECT {VERSION_COLUMNS}, k.box, k.due, k.wrong FROM practice_book k \
             JOIN questions q ON q.id = k.question_id JOIN banks b ON b.id = q.bank_id \
             JOIN question_versions v ON v.question_id = q.id AND v.version = q.current_version \
             WHERE k.person_id = ?1 AND q.retired = 0 ORDER BY k.due, b.name, q.code"
        ))?;
        let mut rows = statement.query([person])?;
        let mut book = Vec::new();
        while let Some(row) = rows.next()? {
            let question = question_from_row(row)?.map_err(StoreError::Corrupt)?;
            let columns = 18;
            let entry = entry_from_columns(row.get(columns)?, row.get(columns + 1)?, row.get(columns + 2)?)?
                .ok_or_else(|| StoreError::Corrupt("a book entry without its box".to_owned()))?;
            book.push((question, entry));
        }
        Ok(book)
    }

    fn practice_totals(
        &self,
        from: Date,
        to: Date,
        credit: Option<(f64, f64)>,
        each: &mut PracticeVisitor<'_>,
    ) -> Result<()> {
        // A short period reads its days through the index on the day; a long one reads the
        // whole table in person order, which needs no sorting to sum person by person.
        let short = (to - from).get_days() <= 62;
        let access = if short { "INDEXED BY practice_days_day" } else { "NOT INDEXED" };
        // The credit rule of xuefa_core::practice::credit_hours, in SQL so that only one row
        // per person leaves the database (a test holds the two equal).
        let (per_question, per_day) =
            credit.filter(|(q, d)| *q > 0.0 && *d > 0.0 && q.is_finite()).unwrap_or((0.0, 0.0));
        let mut statement = self.conn.prepare_cached(&format!(
            "SELECT p.employee_id, t.answered, t.correct, t.minutes FROM \
             (SELECT person_id, SUM(answered) AS answered, SUM(correct) AS correct, \
              SUM(MIN(questions * ?3, ?4)) AS minutes \
              FROM practice_days {access} WHERE day >= ?1 AND day <= ?2 GROUP BY person_id) t \
             JOIN people p ON p.id = t.person_id"
        ))?;
        let mut rows = statement.query(params![from.to_string(), to.to_string(), per_question, per_day])?;
        while let Some(row) = rows.next()? {
            let employee =
                row.get_ref(0)?.as_str().map_err(|e| StoreError::Corrupt(format!("people: {e}")))?;
            let count = |i: usize| -> Result<u64> { Ok(u64::try_from(row.get::<_, i64>(i)?).unwrap_or(0)) };
            let totals =
                PracticeTotals { answered: count(1)?, right: count(2)?, hours: row.get::<_, f64>(3)? / 60.0 };
            each(employee, &totals);
        }
        Ok(())
    }
}

/// Sorts a question the filter let through for a draw: in review, a question of the book
/// that is due; otherwise a question the person has met, or one not yet seen.
pub(crate) fn sort_candidate(
    id: i64,
    filter: &PracticeFilter,
    book: &HashMap<i64, BookEntry>,
    met: &HashSet<i64>,
    known: &mut Vec<i64>,
    unseen: &mut Vec<i64>,
) {
    match filter.due_on {
        // Review: the book's due questions only.
        Some(day) => {
            if book.get(&id).is_some_and(|entry| entry.is_due(day)) {
                known.push(id);
            }
        }
        None if met.contains(&id) => known.push(id),
        None => unseen.push(id),
    }
}
