//! Practice and the wrong-answer book on PostgreSQL: [`PracticeStore`](crate::PracticeStore).
//!
//! A person's practice is written with their row on the roster locked, so two answers of
//! one person at once (from two servers, say) move their book and count their day one after
//! the other, as SQLite's one writer does, while different people practise side by side.

use std::collections::{HashMap, HashSet};

use jiff::Timestamp;
use postgres::Transaction;
use postgres::fallible_iterator::FallibleIterator;
use postgres::types::ToSql;
use xuefa_core::Date;
use xuefa_core::practice::{BookEntry, Pick};

use super::{Lock, PgStore};
use crate::practice::{entry_from_columns, sort_candidate};
use crate::sqlite::VERSION_COLUMNS;
use crate::{
    ExamAnswer, LawProgress, PracticeCandidate, PracticeFilter, PracticeTotals, PracticeVisitor, Result,
    StoreError, StoredQuestion,
};

/// Finds a question in use by bank and id.
const FIND_QUESTION: &str = "SELECT q.id FROM questions q JOIN banks b ON b.id = q.bank_id \
     WHERE b.name = $1 AND q.code = $2 AND q.retired = 0";

/// Parameters of a statement.
type Params<'a> = Vec<&'a (dyn ToSql + Sync)>;

/// A count as the store returns it.
fn count(n: i64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

use super::banks::question_from_pg_row;

/// Returns the row id of a person on the roster.
fn person_row(tx: &mut Transaction<'_>, employee: &str) -> Result<i64> {
    let row = tx.query_opt("SELECT id FROM people WHERE employee_id = $1", &[&employee])?;
    Ok(row.ok_or_else(|| StoreError::NoPerson(employee.to_owned()))?.try_get(0)?)
}

/// Returns the row id of a person on the roster, locking their row until the transaction
/// ends: the person's practice is written by one transaction at a time. (`NO KEY UPDATE`:
/// rows that refer to the person can still be written meanwhile.)
fn lock_person(tx: &mut Transaction<'_>, employee: &str) -> Result<i64> {
    let row = tx.query_opt("SELECT id FROM people WHERE employee_id = $1 FOR NO KEY UPDATE", &[&employee])?;
    Ok(row.ok_or_else(|| StoreError::NoPerson(employee.to_owned()))?.try_get(0)?)
}

/// The SQL conditions on `questions q` (in use, and `filter`'s laws, tags and kind) and
/// the values of their parameters `$1`, `$2`…, as `crate::practice`'s `filter_sql` makes
/// them for SQLite.
fn filter_sql(filter: &PracticeFilter) -> (String, Vec<String>) {
    let mut conditions = vec!["q.retired = 0".to_owned()];
    let mut values: Vec<String> = Vec::new();
    let mut any_of = |test: &dyn Fn(usize) -> String, items: &mut dyn Iterator<Item = String>| {
        let mut parts = Vec::new();
        for item in items {
            values.push(item);
            parts.push(test(values.len()));
        }
        if !parts.is_empty() {
            conditions.push(format!("({})", parts.join(" OR ")));
        }
    };
    any_of(&|n| format!("q.law_key = ${n}"), &mut filter.law_keys.iter().cloned());
    // Tags live with the question's text: a correlated test, only when asked for. The tag
    // is looked for as a JSON string in the stored list, as SQLite's `json_quote` writes
    // it (serde_json escapes the same characters the same way).
    any_of(
        &|n| {
            format!(
                "EXISTS (SELECT 1 FROM question_versions v WHERE v.question_id = q.id \
                 AND v.version = q.current_version AND strpos(v.tags, ${n}) > 0)"
            )
        },
        &mut filter.tags.iter().map(|tag| serde_json::to_string(tag).unwrap_or_default()),
    );
    if let Some(kind) = filter.kind {
        any_of(&|n| format!("q.kind = ${n}"), &mut std::iter::once(kind.as_str().to_owned()));
    }
    (conditions.join(" AND "), values)
}

/// Returns a question's place in a person's book (`None`: not in it).
fn book_entry(tx: &mut Transaction<'_>, person: i64, question: i64) -> Result<Option<BookEntry>> {
    let row = tx.query_opt(
        "SELECT box, due, wrong FROM practice_book WHERE person_id = $1 AND question_id = $2",
        &[&person, &question],
    )?;
    match row {
        Some(row) => entry_from_columns(row.try_get(0)?, row.try_get(1)?, row.try_get(2)?),
        None => Ok(None),
    }
}

/// Puts a question at its place in a person's book, or takes it out (`None`).
fn place_in_book(
    tx: &mut Transaction<'_>,
    person: i64,
    question: i64,
    place: Option<BookEntry>,
    at: &str,
) -> Result<()> {
    match place {
        Some(entry) => tx.execute(
            "INSERT INTO practice_book (person_id, question_id, box, due, wrong, entered_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (person_id, question_id) DO UPDATE SET \
             box = excluded.box, due = excluded.due, wrong = excluded.wrong",
            &[
                &person,
                &question,
                &i64::from(entry.box_number),
                &entry.due.to_string(),
                &i64::from(entry.wrong),
                &at,
            ],
        )?,
        None => tx.execute(
            "DELETE FROM practice_book WHERE person_id = $1 AND question_id = $2",
            &[&person, &question],
        )?,
    };
    Ok(())
}

/// The minutes of credit of a person's days (the distinct questions of each, in day
/// order), summed as SQLite's `SUM(MIN(questions * ?3, ?4))` sums them: each day's minutes
/// in double precision, added with Kahan-Babuška-Neumaier compensation (SQLite's `sumStep`
/// and `sumFinalize`), so both backends give the same bits.
fn credit_minutes(days: &[i64], per_question: f64, per_day: f64) -> f64 {
    let (mut sum, mut error) = (0.0_f64, 0.0_f64);
    for &questions in days {
        // SQLite's MIN keeps the later of two equal values; equal values here are the same bits.
        #[allow(clippy::cast_precision_loss, reason = "as SQLite turns an integer into a real")]
        let minutes = (questions as f64 * per_question).min(per_day);
        let total = sum + minutes;
        if sum.abs() > minutes.abs() {
            error += (sum - total) + minutes;
        } else {
            error += (minutes - total) + sum;
        }
        sum = total;
    }
    if error.is_finite() { sum + error } else { sum }
}

impl crate::PracticeStore for PgStore {
    fn practice_draw(
        &self,
        employee: &str,
        filter: &PracticeFilter,
        choose: &mut dyn FnMut(&[PracticeCandidate], usize) -> Vec<Pick>,
    ) -> Result<Vec<StoredQuestion>> {
        // One snapshot: the questions counted are the questions read.
        self.read(|tx| {
            let person = person_row(tx, employee)?;
            // The questions the person has met: every question answered in practice or in the book.
            let mut book: HashMap<i64, BookEntry> = HashMap::new();
            for row in tx.query(
                "SELECT question_id, box, due, wrong FROM practice_book WHERE person_id = $1",
                &[&person],
            )? {
                if let Some(entry) = entry_from_columns(row.try_get(1)?, row.try_get(2)?, row.try_get(3)?)? {
                    book.insert(row.try_get(0)?, entry);
                }
            }
            let mut answers: HashMap<i64, (u32, u32)> = HashMap::new();
            for row in tx.query(
                "SELECT question_id, COUNT(*), SUM(correct)::BIGINT FROM practice_answers \
                 WHERE person_id = $1 GROUP BY question_id",
                &[&person],
            )? {
                answers.insert(row.try_get(0)?, (count(row.try_get(1)?), count(row.try_get(2)?)));
            }
            let met: HashSet<i64> = book.keys().chain(answers.keys()).copied().collect();
            // The filters become SQL over the narrow columns of kinds and laws, not the text.
            let (conditions, values) = filter_sql(filter);
            // Every question the filter lets through, only by its id, as it comes: fifty
            // thousand integers, no strings; only the few the person has met are read further.
            let mut known_ids = Vec::new();
            let mut unseen: Vec<i64> = Vec::new();
            let params: Params<'_> = values.iter().map(|v| v as &(dyn ToSql + Sync)).collect();
            let mut ids = tx.query_raw(
                &format!("SELECT q.id FROM questions q WHERE {conditions} ORDER BY q.id"),
                params,
            )?;
            while let Some(row) = ids.next()? {
                sort_candidate(row.try_get(0)?, filter, &book, &met, &mut known_ids, &mut unseen);
            }
            drop(ids);
            let mut found: HashMap<i64, (String, String, String)> = HashMap::with_capacity(known_ids.len());
            for row in tx.query(
                "SELECT q.id, b.name, q.code, q.law_key FROM questions q JOIN banks b ON b.id = q.bank_id \
                 WHERE q.id = ANY($1)",
                &[&known_ids],
            )? {
                found.insert(row.try_get(0)?, (row.try_get(1)?, row.try_get(2)?, row.try_get(3)?));
            }
            let mut known = Vec::with_capacity(known_ids.len());
            for id in &known_ids {
                let (bank, code, law_key) =
                    found.remove(id).ok_or_else(|| StoreError::Corrupt(format!("question {id} is gone")))?;
                let (answered, right) = answers.get(id).copied().unwrap_or_default();
                known.push(PracticeCandidate {
                    bank,
                    code,
                    law_key,
                    book: book.get(id).copied(),
                    answered,
                    right,
                });
            }
            let picks = choose(&known, unseen.len());
            let chosen: Vec<i64> = picks
                .iter()
                .filter_map(|pick| match *pick {
                    Pick::Known(i) => known_ids.get(i).copied(),
                    Pick::Unseen(i) => unseen.get(i).copied(),
                })
                .collect();
            let mut questions: HashMap<i64, StoredQuestion> = HashMap::with_capacity(chosen.len());
            for row in tx.query(
                &format!(
                    "SELECT {VERSION_COLUMNS}, q.id FROM questions q JOIN banks b ON b.id = q.bank_id \
                     JOIN question_versions v ON v.question_id = q.id AND v.version = q.current_version \
                     WHERE q.id = ANY($1)"
                ),
                &[&chosen],
            )? {
                questions.insert(row.try_get(18)?, question_from_pg_row(&row)?);
            }
            chosen
                .iter()
                .map(|id| {
                    questions
                        .get(id)
                        .cloned()
                        .ok_or_else(|| StoreError::Corrupt(format!("question {id} is gone")))
                })
                .collect()
        })
    }

    fn practice_questions(&self, questions: &[(String, String)]) -> Result<Vec<StoredQuestion>> {
        let banks: Vec<&str> = questions.iter().map(|(bank, _)| bank.as_str()).collect();
        let codes: Vec<&str> = questions.iter().map(|(_, code)| code.as_str()).collect();
        self.read(|tx| {
            tx.query(
                &format!(
                    "SELECT {VERSION_COLUMNS} FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS w (bank, code, n) \
                     JOIN banks b ON b.name = w.bank JOIN questions q ON q.bank_id = b.id AND q.code = w.code \
                     JOIN question_versions v ON v.question_id = q.id AND v.version = q.current_version \
                     WHERE q.retired = 0 ORDER BY w.n"
                ),
                &[&banks, &codes],
            )?
            .iter()
            .map(question_from_pg_row)
            .collect()
        })
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
        let at = at.to_string();
        let day = day.to_string();
        let correct = i64::from(correct);
        let version = i64::from(question.version);
        self.write(Lock::Rows, |tx| {
            // Read and written with the person's row locked: two answers at once move the
            // book and count the day one by one.
            let person = lock_person(tx, employee)?;
            let Some(row) = tx.query_opt(FIND_QUESTION, &[&question.bank, &question.question.id])? else {
                return Err(StoreError::NoQuestion(format!("{}:{}", question.bank, question.question.id)));
            };
            let question_id: i64 = row.try_get(0)?;
            let before = book_entry(tx, person, question_id)?;
            let after = schedule(before);
            // The day's tally: a question answered again the same day is one more answer, not
            // one more question.
            let again: bool = tx
                .query_one(
                    "SELECT EXISTS (SELECT 1 FROM practice_answers WHERE person_id = $1 AND question_id = $2 AND day = $3)",
                    &[&person, &question_id, &day],
                )?
                .try_get(0)?;
            tx.execute(
                "INSERT INTO practice_days (person_id, day, answered, questions, correct) VALUES ($1, $2, 1, $3, $4) \
                 ON CONFLICT (person_id, day) DO UPDATE SET answered = practice_days.answered + 1, \
                 questions = practice_days.questions + excluded.questions, \
                 correct = practice_days.correct + excluded.correct",
                &[&person, &day, &i64::from(!again), &correct],
            )?;
            tx.execute(
                "INSERT INTO practice_answers (person_id, question_id, version, answered_at, day, response, correct) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
                &[&person, &question_id, &version, &at, &day, &response, &correct],
            )?;
            place_in_book(tx, person, question_id, after, &at)?;
            Ok((before, after))
        })
    }

    fn practice_progress(&self, employee: &str, day: Date) -> Result<Vec<LawProgress>> {
        let day = day.to_string();
        self.read(|tx| {
            let person = person_row(tx, employee)?;
            let rows = tx.query(
                "WITH mine AS (SELECT question_id, COUNT(*) AS n, SUM(correct) AS r FROM practice_answers \
                 WHERE person_id = $1 GROUP BY question_id), \
                 book AS (SELECT question_id, due FROM practice_book WHERE person_id = $1), \
                 met AS (SELECT question_id FROM mine UNION SELECT question_id FROM book) \
                 SELECT MIN(v.law), COUNT(m.question_id), COALESCE(SUM(m.n), 0)::BIGINT, \
                 COALESCE(SUM(m.r), 0)::BIGINT, COUNT(k.question_id), COUNT(*) FILTER (WHERE k.due <= $2) \
                 FROM met JOIN questions q ON q.id = met.question_id \
                 JOIN question_versions v ON v.question_id = q.id AND v.version = q.current_version \
                 LEFT JOIN mine m ON m.question_id = met.question_id LEFT JOIN book k ON k.question_id = met.question_id \
                 WHERE q.retired = 0 GROUP BY q.law_key ORDER BY MIN(v.law)",
                &[&person, &day],
            )?;
            rows.iter()
                .map(|row| {
                    Ok(LawProgress {
                        law: row.try_get(0)?,
                        seen: count(row.try_get(1)?),
                        answered: count(row.try_get(2)?),
                        right: count(row.try_get(3)?),
                        in_book: count(row.try_get(4)?),
                        due: count(row.try_get(5)?),
                    })
                })
                .collect()
        })
    }

    fn practice_taken_attempts(&self, employee: &str) -> Result<HashSet<i64>> {
        self.read(|tx| {
            person_row(tx, employee)?;
            tx.query(
                "SELECT t.attempt_id FROM practice_exam_attempts t JOIN attempts a ON a.id = t.attempt_id \
                 WHERE a.employee_id = $1",
                &[&employee],
            )?
            .iter()
            .map(|row| Ok(row.try_get(0)?))
            .collect()
        })
    }

    fn take_exam_answers(
        &mut self,
        employee: &str,
        attempt: i64,
        answers: &[ExamAnswer],
        at: Timestamp,
        schedule: &dyn Fn(Option<BookEntry>, bool, Date) -> Option<BookEntry>,
    ) -> Result<Option<usize>> {
        let at = at.to_string();
        self.write(Lock::Rows, |tx| {
            let person = lock_person(tx, employee)?;
            // Once: a second process taking the same attempt in waits on the key, then finds
            // it taken and changes nothing.
            if tx.execute(
                "INSERT INTO practice_exam_attempts (attempt_id, taken_at) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                &[&attempt, &at],
            )? == 0
            {
                return Ok(None);
            }
            let find = tx.prepare(FIND_QUESTION)?;
            let mut moved = 0;
            for answer in answers {
                let Some(row) = tx.query_opt(&find, &[&answer.bank, &answer.code])? else {
                    continue;
                };
                let question: i64 = row.try_get(0)?;
                let before = book_entry(tx, person, question)?;
                let after = schedule(before, answer.correct, answer.day);
                if after != before {
                    moved += 1;
                    place_in_book(tx, person, question, after, &at)?;
                }
            }
            Ok(Some(moved))
        })
    }

    fn practice_book(&self, employee: &str) -> Result<Vec<(StoredQuestion, BookEntry)>> {
        self.read(|tx| {
            let person = person_row(tx, employee)?;
            let rows = tx.query(
                &format!(
                    "SELECT {VERSION_COLUMNS}, k.box, k.due, k.wrong FROM practice_book k \
                     JOIN questions q ON q.id = k.question_id JOIN banks b ON b.id = q.bank_id \
                     JOIN question_versions v ON v.question_id = q.id AND v.version = q.current_version \
                     WHERE k.person_id = $1 AND q.retired = 0 ORDER BY k.due, b.name, q.code"
                ),
                &[&person],
            )?;
            let columns = 18;
            rows.iter()
                .map(|row| {
                    let question = question_from_pg_row(row)?;
                    let entry = entry_from_columns(
                        row.try_get(columns)?,
                        row.try_get(columns + 1)?,
                        row.try_get(columns + 2)?,
                    )?
                    .ok_or_else(|| StoreError::Corrupt("a book entry without its box".to_owned()))?;
                    Ok((question, entry))
                })
                .collect()
        })
    }

    fn practice_totals(
        &self,
        from: Date,
        to: Date,
        credit: Option<(f64, f64)>,
        each: &mut PracticeVisitor<'_>,
    ) -> Result<()> {
        let (from, to) = (from.to_string(), to.to_string());
        let credit = credit.filter(|(q, d)| *q > 0.0 && *d > 0.0 && q.is_finite());
        // Summed in the database, one row per person in the order of their row ids. With
        // credit, each person's days come too (their distinct questions, in day order), for
        // the minutes to be summed exactly as SQLite sums them (see `credit_minutes`):
        // PostgreSQL's SUM of reals adds without compensation and may differ in the last bit.
        let days = if credit.is_some() { "array_agg(questions ORDER BY day)" } else { "NULL::BIGINT[]" };
        self.read(|tx| {
            let params: Params<'_> = vec![&from, &to];
            let mut rows = tx.query_raw(
                &format!(
                    "SELECT p.employee_id, t.answered, t.correct, t.days FROM \
                     (SELECT person_id, SUM(answered)::BIGINT AS answered, SUM(correct)::BIGINT AS correct, \
                      {days} AS days FROM practice_days WHERE day >= $1 AND day <= $2 GROUP BY person_id) t \
                     JOIN people p ON p.id = t.person_id ORDER BY t.person_id"
                ),
                params,
            )?;
            while let Some(row) = rows.next()? {
                let employee: &str = row.try_get(0)?;
                let total =
                    |i: usize| -> Result<u64> { Ok(u64::try_from(row.try_get::<_, i64>(i)?).unwrap_or(0)) };
                let minutes = match credit {
                    Some((per_question, per_day)) => {
                        credit_minutes(&row.try_get::<_, Vec<i64>>(3)?, per_question, per_day)
                    }
                    None => 0.0,
                };
                let totals = PracticeTotals { answered: total(1)?, right: total(2)?, hours: minutes / 60.0 };
                each(employee, &totals);
            }
            Ok(())
        })
    }
}
