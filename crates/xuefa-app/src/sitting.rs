//! Sitting an exam, the same in every front end: opening an attempt (resuming the open one,
//! or starting one when the rules allow, with its paper), answering, flagging and clearing
//! with every change saved before the next, submitting, and an answers file checked whole
//! before anything is stored.

use std::collections::HashMap;
use std::time::Instant;

use jiff::Timestamp;
use jiff::tz::Offset;
use xuefa_core::exam::{Outcome, Paper, Response, Sitting, SittingError};
use xuefa_store::{AttemptRecord, ExamRecord, ExamStore, Mode};

use crate::error::{AppError, Message};
use crate::exam::{Source, check_may_start, deadline, paper_for, submit_expired};

/// The time during a sitting: the command's start time (the clock, or `XUEFA_NOW`) plus
/// the time elapsed since, so the countdown runs while tests can still set the start.
#[derive(Debug)]
pub struct Clock {
    start: Timestamp,
    since: Instant,
}

impl Clock {
    /// Returns a clock that starts at `start` and runs with the machine's monotonic clock.
    pub fn new(start: Timestamp) -> Clock {
        Clock { start, since: Instant::now() }
    }

    /// Returns the time now: the start plus the time elapsed since.
    pub fn now(&self) -> Timestamp {
        let elapsed = jiff::SignedDuration::try_from(self.since.elapsed()).unwrap_or_default();
        self.start.checked_add(elapsed).unwrap_or(self.start)
    }
}

/// A sitting connected to the store: each change is saved before the next key is read.
#[derive(Debug)]
pub struct Session<S> {
    store: S,
    attempt: i64,
    /// The sitting: paper, answers, flags, the question shown.
    pub sitting: Sitting,
    /// The time.
    pub clock: Clock,
    /// The exam's title.
    pub title: String,
}

impl<S: ExamStore> Session<S> {
    /// Answers a question and saves it.
    pub fn answer(&mut self, index: usize, response: Response) -> Result<(), SessionError> {
        self.sitting.answer(index, response, self.clock.now())?;
        self.save(index)
    }

    /// Clears an answer and saves that.
    pub fn clear(&mut self, index: usize) -> Result<(), SessionError> {
        self.sitting.clear(index, self.clock.now())?;
        self.save(index)
    }

    /// Flags or unflags a question and saves that.
    pub fn toggle_flag(&mut self, index: usize) -> Result<bool, SessionError> {
        let flagged = self.sitting.toggle_flag(index, self.clock.now())?;
        self.save(index)?;
        Ok(flagged)
    }

    fn save(&mut self, index: usize) -> Result<(), SessionError> {
        let now = self.clock.now();
        self.store
            .save_response(
                self.attempt,
                index,
                self.sitting.response(index),
                self.sitting.is_flagged(index),
                now,
            )
            .map_err(SessionError::Store)
    }

    /// Returns whether the time is up.
    pub fn expired(&self) -> bool {
        self.sitting.is_expired(self.clock.now())
    }

    /// Returns the seconds left.
    pub fn remaining(&self) -> i64 {
        self.sitting.remaining_seconds(self.clock.now())
    }

    /// Submits: scores what is saved and records it (at the deadline when the time is up).
    pub fn submit(&mut self) -> Result<Outcome, SessionError> {
        let now = self.clock.now();
        let at = if self.sitting.is_expired(now) { self.sitting.deadline() } else { now };
        let outcome = self.sitting.submit().clone();
        self.store
            .submit_attempt(self.attempt, self.sitting.paper(), self.sitting.responses(), &outcome, at)
            .map_err(SessionError::Store)?;
        Ok(outcome)
    }
}

/// Why a step of a session failed.
#[derive(Debug)]
pub enum SessionError {
    /// The sitting refused the step (submitted already, time up, no such question …).
    Sitting(SittingError),
    /// The store could not save it.
    Store(xuefa_store::StoreError),
}

impl From<SittingError> for SessionError {
    fn from(error: SittingError) -> Self {
        SessionError::Sitting(error)
    }
}

impl<S> Session<S> {
    /// Returns the stored attempt's id.
    pub fn attempt_id(&self) -> i64 {
        self.attempt
    }
}

impl From<SessionError> for AppError {
    fn from(error: SessionError) -> Self {
        match error {
            SessionError::Store(error) => AppError::Store(error),
            SessionError::Sitting(error) => {
                AppError::message_of("take.engine", vec![("detail", error.to_string())])
            }
        }
    }
}

/// What opening an attempt found, before anything new is stored.
#[derive(Debug)]
#[allow(clippy::large_enum_variant)] // made once per sitting
pub enum Opening {
    /// The person's open attempt ran out of time before it was opened: it was submitted
    /// with what was saved.
    SubmittedAtDeadline {
        /// The attempt.
        attempt: AttemptRecord,
        /// Its result.
        outcome: Outcome,
    },
    /// The person's open attempt, to resume.
    Resume {
        /// The exam.
        exam: ExamRecord,
        /// The attempt, with its paper and saved answers.
        attempt: AttemptRecord,
    },
    /// A new attempt the rules allow, with its paper; stored only when it begins.
    New {
        /// The exam.
        exam: ExamRecord,
        /// The attempt's number (1 for the first sitting, 2 for the first 补考 …).
        number: u32,
        /// Its paper.
        paper: Paper,
    },
}

impl Opening {
    /// Returns the paper that would be sat, if any.
    pub fn paper(&self) -> Option<&Paper> {
        match self {
            Opening::SubmittedAtDeadline { .. } => None,
            Opening::Resume { attempt, .. } => Some(&attempt.paper),
            Opening::New { paper, .. } => Some(paper),
        }
    }
}

/// Returns what a person sitting exam `exam` at `now` would sit: the open attempt, a new
/// one (with its paper, drawn from the stored plan reading only its own questions), or the
/// open attempt submitted because its time ran out. Attempts of the exam whose time ran
/// out are submitted first. Refuses a person the rules do not let start (see
/// [`check_may_start`]); `offset` words the times in those messages.
///
/// # Errors
/// Returns why the person may not start, a pool too small for the paper, or store errors.
pub fn open<S: ExamStore + ?Sized>(
    store: &mut S,
    exam: &str,
    employee: &str,
    now: Timestamp,
    offset: Offset,
) -> Result<Opening, AppError> {
    let record = store.exam(exam)?;
    let expired = submit_expired(store, &record, now)?;
    if let Some((attempt, outcome)) = expired.into_iter().find(|(a, _)| a.employee == employee) {
        return Ok(Opening::SubmittedAtDeadline { attempt, outcome });
    }
    let attempts = store.attempts(exam, employee)?;
    if let Some(open) = attempts.iter().find(|a| a.submitted_at.is_none()) {
        return Ok(Opening::Resume { exam: record, attempt: open.clone() });
    }
    check_may_start(store, &record, employee, attempts.len() as u32, now, offset)?;
    let number = attempts.len() as u32 + 1;
    let paper = next_paper(store, &record, employee, &attempts)?;
    Ok(Opening::New { exam: record, number, paper })
}

/// Returns the paper of a person's next attempt, after `attempts` (all of theirs): drawn
/// from the exam's stored plan reading only its own questions, or from the whole pool for
/// exams created before plans were stored.
///
/// # Errors
/// Returns a pool too small for the paper, or store errors.
pub fn next_paper<S: ExamStore + ?Sized>(
    store: &S,
    record: &ExamRecord,
    employee: &str,
    attempts: &[AttemptRecord],
) -> Result<Paper, AppError> {
    let number = attempts.len() as u32 + 1;
    let exam = &record.spec.id;
    match store.exam_plan(exam)? {
        Some(plan) => paper_for(record, &Source::Planned(plan, store), employee, number, attempts),
        None => {
            let pool = store.exam_pool(exam)?;
            let drawer = xuefa_core::exam::Drawer::new(&record.spec, &pool);
            paper_for(record, &Source::<S>::Pool(&drawer), employee, number, attempts)
        }
    }
}

/// Begins the sitting an [`Opening`] found: resumes the open attempt, or stores the new one
/// (its deadline the exam's duration from `now`, never after the exam closes). Returns
/// `None` for an attempt that was submitted at its deadline.
///
/// # Errors
/// Returns store errors.
pub fn begin<S: ExamStore>(
    mut store: S,
    opening: Opening,
    now: Timestamp,
    mode: Mode,
) -> Result<Option<Session<S>>, AppError> {
    let mut now = now;
    let (exam, attempt, sitting) = match opening {
        Opening::SubmittedAtDeadline { .. } => return Ok(None),
        Opening::Resume { exam, attempt } => {
            // A clock set back since the attempt started gives no extra time.
            now = now.max(attempt.started_at);
            let sitting = Sitting::resume(
                attempt.paper.clone(),
                exam.spec.grading(),
                attempt.deadline,
                attempt.responses.clone(),
            );
            (exam, attempt.id, sitting)
        }
        Opening::New { exam, paper, .. } => {
            let deadline = deadline(&exam, now);
            let id = store.start_attempt(&paper, mode, now, deadline)?;
            let sitting = Sitting::new(paper, exam.spec.grading(), deadline);
            (exam, id, sitting)
        }
    };
    Ok(Some(Session { store, attempt, sitting, clock: Clock::new(now), title: exam.spec.title.clone() }))
}

/// Returns the answers of an answers file `{question_id: "AC" | "T" | "F"}` (letters as
/// shown on this paper; ids as `ID` or `BANK:ID`) as (question index, response), or every
/// problem of the file.
///
/// # Errors
/// Returns one message per unknown or ambiguous id and per answer the question cannot take.
pub fn parse_answers(
    paper: &Paper,
    answers: &HashMap<String, serde_json::Value>,
) -> Result<Vec<(usize, Response)>, Vec<Message>> {
    let mut problems = Vec::new();
    let mut parsed = Vec::new();
    let mut keys: Vec<&String> = answers.keys().collect();
    keys.sort();
    for key in keys {
        let matches: Vec<usize> = (0..paper.questions.len())
            .filter(|&i| {
                let q = &paper.questions[i];
                q.id == *key || format!("{}:{}", q.bank, q.id) == *key
            })
            .collect();
        let index = match matches.as_slice() {
            [index] => *index,
            [] => {
                problems.push(Message::new("take.answers_unknown_id", vec![("id", key.clone())]));
                continue;
            }
            _ => {
                problems.push(Message::new("take.answers_ambiguous_id", vec![("id", key.clone())]));
                continue;
            }
        };
        let question = &paper.questions[index];
        let response =
            answers[key].as_str().and_then(|t| Response::parse(t, question.kind, question.options.len()));
        match response {
            Some(response) => parsed.push((index, response)),
            None => problems.push(Message::new(
                "take.answers_bad_answer",
                vec![
                    ("id", key.clone()),
                    ("answer", answers[key].to_string()),
                    ("number", question.number.to_string()),
                ],
            )),
        }
    }
    if problems.is_empty() { Ok(parsed) } else { Err(problems) }
}

/// Sits a whole paper from parsed answers and submits it in one transaction.
///
/// # Errors
/// Returns a refused step of the sitting or store errors.
pub fn sit_answers<S: ExamStore>(
    session: &mut Session<S>,
    answers: &[(usize, Response)],
) -> Result<Outcome, AppError> {
    for (index, response) in answers {
        session.sitting.answer(*index, *response, session.clock.now()).map_err(SessionError::from)?;
    }
    let now = session.clock.now();
    let outcome = session.sitting.submit().clone();
    let paper = session.sitting.paper().clone();
    session.store.save_and_submit(session.attempt, &paper, answers, &outcome, now)?;
    Ok(outcome)
}

/// Returns an attempt's answers by question index.
pub fn attempt_responses(attempt: &AttemptRecord) -> Vec<Option<Response>> {
    let mut responses = vec![None; attempt.paper.questions.len()];
    for (index, response, _) in &attempt.responses {
        if let Some(slot) = responses.get_mut(*index) {
            *slot = *response;
        }
    }
    responses
}

/// Returns the answers of an answers file's JSON text (`{question_id: answer}`), refusing an
/// id given twice (a JSON object keeps only the last, and the person would lose an answer
/// without a word).
///
/// # Errors
/// Returns `take.answers_not_json` with the parser's words, or one message per id given
/// twice.
pub fn answers_json(text: &str) -> Result<HashMap<String, serde_json::Value>, Vec<Message>> {
    struct Pairs(Vec<(String, serde_json::Value)>);
    impl<'de> serde::Deserialize<'de> for Pairs {
        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            struct Visitor;
            impl<'de> serde::de::Visitor<'de> for Visitor {
                type Value = Pairs;
                fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str("an object of question ids and answers")
                }
                fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Pairs, A::Error> {
                    let mut pairs = Vec::new();
                    while let Some(pair) = map.next_entry::<String, serde_json::Value>()? {
                        pairs.push(pair);
                    }
                    Ok(Pairs(pairs))
                }
            }
            deserializer.deserialize_map(Visitor)
        }
    }
    let Pairs(pairs) = serde_json::from_str(text)
        .map_err(|error| vec![Message::new("take.answers_not_json", vec![("detail", error.to_string())])])?;
    let mut answers = HashMap::new();
    let mut twice = Vec::new();
    for (id, value) in pairs {
        if answers.insert(id.clone(), value).is_some() && !twice.contains(&id) {
            twice.push(id);
        }
    }
    if twice.is_empty() {
        Ok(answers)
    } else {
        Err(twice.into_iter().map(|id| Message::new("take.answers_twice", vec![("id", id)])).collect())
    }
}
