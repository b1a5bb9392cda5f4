//! Sitting the exam over a network, one request at a time: the exams a person has, starting
//! or resuming an attempt, saving one answer, leaving the page, submitting, the result and
//! the review. Every call reads the attempt from the store and checks it there (owner,
//! submitted, deadline), so any number of devices and server processes agree; the same
//! rules as the terminal apply (attempts, window, audience, deadline, counts, bands).
//! Nothing here shows a key or an explanation before the attempt is submitted.

use jiff::Timestamp;
use jiff::tz::Offset;
use serde::Serialize;
use xuefa_core::Kind;
use xuefa_core::exam::{Outcome, Response, Review, Sitting};
use xuefa_store::{AttemptRecord, ExamRecord, ExamStore, Mode, OnlineStore, ResponseSave, Saved, StoreError};

use crate::error::{AppError, Message};
use crate::exam::{check_may_start, deadline, remaining_seconds};
use crate::sitting::{attempt_responses, next_paper};

/// Why a request about an attempt was refused; each is one HTTP status.
#[derive(Debug)]
#[non_exhaustive]
pub enum OnlineError {
    /// No such exam, attempt or question for this person (404).
    NotFound(Message),
    /// The answer is not one the question takes (400).
    BadAnswer(Message),
    /// The rules refuse it: not open, closed, no attempts left, review not allowed (403).
    Forbidden(Message),
    /// The attempt was submitted already, or its time ran out and it was submitted now
    /// (409); the attempt's id.
    Conflict(Message, i64),
    /// Anything else (500).
    App(AppError),
}

impl From<AppError> for OnlineError {
    fn from(error: AppError) -> Self {
        OnlineError::App(error)
    }
}

impl From<StoreError> for OnlineError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NoExam(exam) => {
                OnlineError::NotFound(Message::new("online.no_exam", vec![("exam", exam)]))
            }
            error => OnlineError::App(error.into()),
        }
    }
}

/// A result as a person sees it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ResultView {
    /// Points scored.
    pub score: f64,
    /// Points possible.
    pub total_points: f64,
    /// Whether it passed.
    pub passed: bool,
    /// The grade band (优秀, 合格 …).
    pub band: String,
}

impl ResultView {
    fn of(outcome: &Outcome) -> Self {
        ResultView {
            score: outcome.score.total,
            total_points: outcome.score.max,
            passed: outcome.passed,
            band: outcome.band.clone(),
        }
    }
}

/// Where a person stands at one exam.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ExamState {
    /// Not started (and may start when the exam is open).
    NotStarted,
    /// An attempt is open.
    InProgress,
    /// Submitted (another attempt may follow when `can_start`).
    Submitted,
    /// Closed without an attempt.
    Closed,
    /// The person is not in the exam's audience.
    NotRequired,
}

/// An exam in a person's list.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct ExamEntry {
    /// The exam's id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Where the person stands.
    pub state: ExamState,
    /// Attempts made.
    pub attempts_used: u32,
    /// Attempts allowed.
    pub attempts_allowed: u32,
    /// When it opens (RFC 3339), if set.
    pub opens: Option<String>,
    /// When it closes (RFC 3339), if set.
    pub closes: Option<String>,
    /// Minutes for one attempt.
    pub duration_minutes: u32,
    /// The open attempt's id.
    pub open_attempt: Option<i64>,
    /// The latest submitted attempt's id.
    pub last_attempt: Option<i64>,
    /// The result that counts.
    pub result: Option<ResultView>,
    /// Whether a new attempt may start now.
    pub can_start: bool,
}

fn stamp(time: Timestamp, offset: Offset) -> String {
    time.display_with_offset(offset).to_string()
}

/// Submits an open attempt whose time ran out with the answers saved before its deadline.
/// Returns the outcome, or `None` when another request submitted it first.
fn submit_saved<S: ExamStore + ?Sized>(
    store: &mut S,
    exam: &ExamRecord,
    attempt: &AttemptRecord,
    at: Timestamp,
) -> Result<Option<Outcome>, AppError> {
    let mut sitting = Sitting::resume(
        attempt.paper.clone(),
        exam.spec.grading(),
        attempt.deadline,
        attempt.responses.clone(),
    );
    let outcome = sitting.submit().clone();
    match store.submit_attempt(attempt.id, sitting.paper(), sitting.responses(), &outcome, at) {
        Ok(()) => Ok(Some(outcome)),
        Err(StoreError::AlreadySubmitted { .. }) => Ok(None),
        Err(error) => Err(error.into()),
    }
}

/// Returns the exams, newest year first, with where this person stands at each. An open
/// attempt whose time ran out is submitted with what was saved on the way.
///
/// # Errors
/// Returns store errors.
pub fn my_exams<S: ExamStore + ?Sized>(
    store: &mut S,
    employee: &str,
    now: Timestamp,
    offset: Offset,
) -> Result<Vec<ExamEntry>, AppError> {
    let person = store.person(employee)?;
    let mut entries = Vec::new();
    for id in store.exam_ids()? {
        let record = store.exam(&id)?;
        let mut attempts = store.attempts(&id, employee)?;
        if let Some(open) = attempts.iter().find(|a| a.submitted_at.is_none() && a.deadline <= now).cloned() {
            submit_saved(store, &record, &open, open.deadline)?;
            attempts = store.attempts(&id, employee)?;
        }
        let required = person.as_ref().is_some_and(|p| record.spec.audience.includes(p));
        if !required && attempts.is_empty() {
            entries.push(entry(&record, ExamState::NotRequired, &attempts, false, offset));
            continue;
        }
        let can_start = check_may_start(store, &record, employee, attempts.len() as u32, now, offset).is_ok()
            && attempts.iter().all(|a| a.submitted_at.is_some());
        let state = if attempts.iter().any(|a| a.submitted_at.is_none()) {
            ExamState::InProgress
        } else if attempts.iter().any(|a| a.submitted_at.is_some()) {
            ExamState::Submitted
        } else if record.spec.closes_at().is_some_and(|closes| now >= closes) {
            ExamState::Closed
        } else {
            ExamState::NotStarted
        };
        entries.push(entry(&record, state, &attempts, can_start, offset));
    }
    Ok(entries)
}

/// The outcome that counts among submitted attempts, under the exam's rule (as
/// [`counted`] picks it).
fn counted_outcome(attempts: &[AttemptRecord], counts: xuefa_core::exam::Counts) -> Option<&Outcome> {
    let summaries: Vec<(u32, f64)> =
        attempts.iter().filter_map(|a| a.outcome.as_ref().map(|o| (a.attempt, o.score.total))).collect();
    let chosen = counted_by(&summaries, counts)?;
    attempts.iter().find(|a| a.attempt == chosen).and_then(|a| a.outcome.as_ref())
}

fn counted_by(submitted: &[(u32, f64)], counts: xuefa_core::exam::Counts) -> Option<u32> {
    use xuefa_core::exam::Counts;
    let mut iter = submitted.iter().copied();
    match counts {
        Counts::First => iter.min_by_key(|a| a.0).map(|a| a.0),
        Counts::Last => iter.max_by_key(|a| a.0).map(|a| a.0),
        _ => {
            let first = iter.next()?;
            Some(
                iter.fold(
                    first,
                    |best, a| if a.1 > best.1 || (a.1 == best.1 && a.0 < best.0) { a } else { best },
                )
                .0,
            )
        }
    }
}

fn entry(
    record: &ExamRecord,
    state: ExamState,
    attempts: &[AttemptRecord],
    can_start: bool,
    offset: Offset,
) -> ExamEntry {
    let result = counted_outcome(attempts, record.spec.counts).map(ResultView::of);
    ExamEntry {
        id: record.spec.id.clone(),
        title: record.spec.title.clone(),
        state,
        attempts_used: attempts.len() as u32,
        attempts_allowed: record.spec.attempts,
        opens: record.spec.opens_at().map(|t| stamp(t, offset)),
        closes: record.spec.closes_at().map(|t| stamp(t, offset)),
        duration_minutes: record.spec.duration_minutes,
        open_attempt: attempts.iter().find(|a| a.submitted_at.is_none()).map(|a| a.id),
        last_attempt: attempts
            .iter()
            .filter(|a| a.submitted_at.is_some())
            .max_by_key(|a| a.attempt)
            .map(|a| a.id),
        result,
        can_start,
    }
}

/// A question as the person sitting sees it: never its key, explanation or mark.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct QuestionView {
    /// The number on the paper, from 1.
    pub number: u32,
    /// The question's id in its bank.
    pub id: String,
    /// `single`, `multiple` or `judge`.
    pub kind: &'static str,
    /// The stem.
    pub stem: String,
    /// The options in the order shown (A, B, C … by position); empty for judge questions.
    pub options: Vec<String>,
    /// Points.
    pub points: f64,
    /// The saved answer (`AC`, `T`, `F`), if any.
    pub answer: Option<String>,
    /// Whether the person flagged it.
    pub flagged: bool,
}

/// An open attempt as the person sitting sees it.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct AttemptView {
    /// The attempt's id.
    pub attempt: i64,
    /// The exam's id.
    pub exam: String,
    /// The exam's title.
    pub title: String,
    /// When the attempt must be submitted (RFC 3339).
    pub deadline: String,
    /// Seconds left, by the server's clock.
    pub remaining_seconds: i64,
    /// How often the person may leave the page before the attempt is submitted.
    pub max_leaves: Option<u32>,
    /// How often the person left the page so far.
    pub leaves: u64,
    /// The questions.
    pub questions: Vec<QuestionView>,
}

fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Single => "single",
        Kind::Multiple => "multiple",
        _ => "judge",
    }
}

fn view<S: OnlineStore + ?Sized>(
    store: &S,
    exam: &ExamRecord,
    attempt: &AttemptRecord,
    now: Timestamp,
    offset: Offset,
) -> Result<AttemptView, AppError> {
    let responses = attempt_responses(attempt);
    let questions = attempt
        .paper
        .questions
        .iter()
        .enumerate()
        .map(|(index, q)| QuestionView {
            number: q.number,
            id: q.id.clone(),
            kind: kind_name(q.kind),
            stem: q.stem.clone(),
            options: q.options.clone(),
            points: q.points,
            answer: responses[index].map(|r| r.canonical()),
            flagged: attempt.responses.iter().any(|(i, _, flagged)| *i == index && *flagged),
        })
        .collect();
    Ok(AttemptView {
        attempt: attempt.id,
        exam: exam.spec.id.clone(),
        title: exam.spec.title.clone(),
        deadline: stamp(attempt.deadline, offset),
        remaining_seconds: remaining_seconds(attempt, now),
        max_leaves: exam.spec.max_leaves,
        leaves: store.attempt_events(attempt.id, "leave")?,
        questions,
    })
}

fn time_up(attempt: i64) -> OnlineError {
    OnlineError::Conflict(Message::new("online.time_up", vec![]), attempt)
}

/// What starting found before anything is written: a server plans on a reading connection
/// (the paper's draw is the costly part) and takes the writer's turn only to store it.
#[derive(Debug)]
#[allow(clippy::large_enum_variant)] // made once per request
#[non_exhaustive]
pub enum StartPlan {
    /// The person's open attempt, to resume.
    Ready(AttemptView),
    /// A new attempt to store: its paper and deadline.
    Begin {
        /// The exam.
        record: ExamRecord,
        /// The paper drawn.
        paper: xuefa_core::exam::Paper,
        /// When it must be submitted.
        deadline: Timestamp,
    },
    /// The open attempt ran out of time: to submit with what was saved.
    Expired {
        /// The exam.
        record: ExamRecord,
        /// The attempt.
        attempt: AttemptRecord,
    },
}

/// Plans starting (or resuming) exam `exam` for a person at `now`, reading only.
///
/// # Errors
/// `NotFound` for an unknown exam, `Forbidden` when the rules refuse.
pub fn plan_start<S: ExamStore + OnlineStore + ?Sized>(
    store: &S,
    exam: &str,
    employee: &str,
    now: Timestamp,
    offset: Offset,
) -> Result<StartPlan, OnlineError> {
    let record = store.exam(exam)?;
    let attempts = store.attempts(exam, employee)?;
    if let Some(open) = attempts.iter().find(|a| a.submitted_at.is_none()) {
        if open.deadline <= now {
            return Ok(StartPlan::Expired { record, attempt: open.clone() });
        }
        return Ok(StartPlan::Ready(view(store, &record, open, now, offset)?));
    }
    check_may_start(store, &record, employee, attempts.len() as u32, now, offset).map_err(
        |error| match error {
            AppError::Message { key, args } => OnlineError::Forbidden(Message::new(key, args)),
            error => OnlineError::App(error),
        },
    )?;
    let paper = next_paper(store, &record, employee, &attempts)?;
    let deadline = deadline(&record, now);
    Ok(StartPlan::Begin { record, paper, deadline })
}

/// Carries out a [`StartPlan`]: stores the new attempt (or, when another device of the
/// person stored one a moment before, resumes that), or submits the expired one.
///
/// # Errors
/// `Conflict` for an attempt submitted at its deadline; store errors.
pub fn finish_start<S: ExamStore + OnlineStore + ?Sized>(
    store: &mut S,
    plan: StartPlan,
    employee: &str,
    now: Timestamp,
    offset: Offset,
) -> Result<AttemptView, OnlineError> {
    match plan {
        StartPlan::Ready(view) => Ok(view),
        StartPlan::Expired { record, attempt } => {
            submit_saved(store, &record, &attempt, attempt.deadline)?;
            Err(time_up(attempt.id))
        }
        StartPlan::Begin { record, paper, deadline } => {
            match store.start_attempt(&paper, Mode::Browser, now, deadline) {
                Ok(id) => {
                    let attempt = AttemptRecord::new(id, paper, now, deadline);
                    Ok(view(store, &record, &attempt, now, offset)?)
                }
                // Another device of the person started it at the same moment: resume that.
                Err(StoreError::StartedElsewhere { .. }) => {
                    let exam = record.spec.id.clone();
                    match plan_start(store, &exam, employee, now, offset)? {
                        StartPlan::Begin { .. } => {
                            Err(OnlineError::App(AppError::message_of("online.not_started", vec![])))
                        }
                        plan => finish_start(store, plan, employee, now, offset),
                    }
                }
                Err(error) => Err(error.into()),
            }
        }
    }
}

/// Starts a new attempt when the rules allow, or resumes the person's open one (the same
/// paper, every saved answer, the server's remaining time). An open attempt whose time ran
/// out is submitted with what was saved, and refused with [`OnlineError::Conflict`].
///
/// # Errors
/// Returns [`OnlineError`]: `NotFound` for an unknown exam, `Forbidden` when the rules
/// refuse, `Conflict` for an attempt submitted at its deadline.
pub fn start<S: ExamStore + OnlineStore + ?Sized>(
    store: &mut S,
    exam: &str,
    employee: &str,
    now: Timestamp,
    offset: Offset,
) -> Result<AttemptView, OnlineError> {
    let plan = plan_start(store, exam, employee, now, offset)?;
    finish_start(store, plan, employee, now, offset)
}

/// Returns a person's attempt at an exam, or `NotFound` when the id is another person's,
/// another exam's, or nobody's.
fn own_attempt_record<S: OnlineStore + ?Sized>(
    store: &S,
    exam: &str,
    attempt: i64,
    employee: &str,
) -> Result<AttemptRecord, OnlineError> {
    let not_found =
        || OnlineError::NotFound(Message::new("online.no_attempt", vec![("attempt", attempt.to_string())]));
    let record = store.attempt_by_id(attempt)?.ok_or_else(not_found)?;
    if record.employee != employee || record.paper.exam != exam {
        return Err(not_found());
    }
    Ok(record)
}

/// The attempt with its exam.
fn own_attempt<S: ExamStore + OnlineStore + ?Sized>(
    store: &S,
    exam: &str,
    attempt: i64,
    employee: &str,
) -> Result<(ExamRecord, AttemptRecord), OnlineError> {
    let record = own_attempt_record(store, exam, attempt, employee)?;
    Ok((store.exam(exam)?, record))
}

/// Returns the open attempt, submitting it (and refusing) when its time ran out, or
/// refusing when it was submitted.
fn open_attempt<S: ExamStore + OnlineStore + ?Sized>(
    store: &mut S,
    exam: &str,
    attempt: i64,
    employee: &str,
    now: Timestamp,
) -> Result<(ExamRecord, AttemptRecord), OnlineError> {
    let (record, found) = own_attempt(store, exam, attempt, employee)?;
    if found.submitted_at.is_some() {
        return Err(OnlineError::Conflict(Message::new("online.submitted", vec![]), attempt));
    }
    if found.deadline <= now {
        submit_saved(store, &record, &found, found.deadline)?;
        return Err(time_up(attempt));
    }
    Ok((record, found))
}

/// What saving an answer did.
#[derive(Debug, Clone, Copy, Serialize)]
#[non_exhaustive]
pub struct SavedView {
    /// Always true: the answer is durable.
    pub saved: bool,
    /// Questions answered on the attempt now.
    pub answered: u64,
    /// Seconds left, by the server's clock.
    pub remaining_seconds: i64,
}

/// What checking an answer found, before anything is written.
#[derive(Debug)]
#[allow(clippy::large_enum_variant)] // made once per request
#[non_exhaustive]
pub enum AnswerCheck {
    /// The answer to write, and the attempt's seconds left.
    Save(ResponseSave, i64),
    /// The attempt's time ran out: to submit with what was saved (then `Conflict`).
    Expired {
        /// The exam.
        record: ExamRecord,
        /// The attempt.
        attempt: AttemptRecord,
    },
}

/// Checks the answer to question `number` (from 1) of an open attempt, reading only: `AC`,
/// `T`, `F` (or any form the terminal takes), `""` to clear, `None` to keep the saved one;
/// `flagged` sets the flag, else it is kept. A server checks on a reading connection and
/// writes many people's answers in one commit ([`OnlineStore::save_open_responses`]).
///
/// # Errors
/// `NotFound` for another person's attempt or no such question, `BadAnswer` for letters
/// the question lacks, `Conflict` once submitted.
#[allow(clippy::too_many_arguments)] // one request's parts
pub fn check_answer<S: ExamStore + OnlineStore + ?Sized>(
    store: &S,
    exam: &str,
    attempt: i64,
    employee: &str,
    number: u32,
    answer: Option<&str>,
    flagged: Option<bool>,
    now: Timestamp,
) -> Result<AnswerCheck, OnlineError> {
    let found = own_attempt_record(store, exam, attempt, employee)?;
    if found.submitted_at.is_some() {
        return Err(OnlineError::Conflict(Message::new("online.submitted", vec![]), attempt));
    }
    if found.deadline <= now {
        return Ok(AnswerCheck::Expired { record: store.exam(exam)?, attempt: found });
    }
    let index =
        (number as usize).checked_sub(1).filter(|&i| i < found.paper.questions.len()).ok_or_else(|| {
            OnlineError::NotFound(Message::new("online.no_question", vec![("number", number.to_string())]))
        })?;
    let question = &found.paper.questions[index];
    let saved = found.responses.iter().find(|(i, _, _)| *i == index);
    let response = match answer.map(str::trim) {
        None => saved.and_then(|(_, response, _)| *response),
        Some("") => None,
        Some(answer) => {
            Some(Response::parse(answer, question.kind, question.options.len()).ok_or_else(|| {
                OnlineError::BadAnswer(Message::new(
                    "online.bad_answer",
                    vec![("answer", answer.chars().take(20).collect()), ("number", number.to_string())],
                ))
            })?)
        }
    };
    let flagged = flagged.unwrap_or_else(|| saved.is_some_and(|(_, _, flagged)| *flagged));
    let save = ResponseSave { attempt, index, response, flagged, at: now };
    Ok(AnswerCheck::Save(save, remaining_seconds(&found, now)))
}

/// What never changes about an attempt once it started: whose it is, its exam, its times
/// and each question's kind and number of options. A server keeps these in memory, so that
/// checking an answer reads nothing; whether the attempt was submitted is checked by the
/// write itself ([`OnlineStore::save_open_responses`]), so a kept shape is never stale.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttemptShape {
    attempt: i64,
    employee: String,
    exam: String,
    started_at: Timestamp,
    deadline: Timestamp,
    questions: Vec<(Kind, usize)>,
}

impl AttemptShape {
    fn of(record: &AttemptRecord) -> Self {
        AttemptShape {
            attempt: record.id,
            employee: record.employee.clone(),
            exam: record.paper.exam.clone(),
            started_at: record.started_at,
            deadline: record.deadline,
            questions: record.paper.questions.iter().map(|q| (q.kind, q.options.len())).collect(),
        }
    }
}

/// Returns the shape of a person's attempt.
///
/// # Errors
/// `NotFound` for another person's attempt, another exam's, or nobody's.
pub fn attempt_shape<S: OnlineStore + ?Sized>(
    store: &S,
    exam: &str,
    attempt: i64,
    employee: &str,
) -> Result<AttemptShape, OnlineError> {
    Ok(AttemptShape::of(&own_attempt_record(store, exam, attempt, employee)?))
}

/// Checks an answer against an attempt's kept shape, reading nothing: the answer to save
/// and the seconds left, or `None` when the store must decide (the deadline has passed:
/// use [`check_answer`]).
///
/// # Errors
/// `NotFound` for another person's attempt or no such question, `BadAnswer` for letters
/// the question lacks.
#[allow(clippy::too_many_arguments)] // one request's parts
pub fn check_answer_shaped(
    shape: &AttemptShape,
    exam: &str,
    employee: &str,
    number: u32,
    answer: &str,
    flagged: bool,
    now: Timestamp,
) -> Result<Option<(ResponseSave, i64)>, OnlineError> {
    if shape.employee != employee || shape.exam != exam {
        return Err(OnlineError::NotFound(Message::new(
            "online.no_attempt",
            vec![("attempt", shape.attempt.to_string())],
        )));
    }
    if shape.deadline <= now {
        return Ok(None);
    }
    let index = (number as usize).checked_sub(1).filter(|&i| i < shape.questions.len()).ok_or_else(|| {
        OnlineError::NotFound(Message::new("online.no_question", vec![("number", number.to_string())]))
    })?;
    let (kind, options) = shape.questions[index];
    let answer = answer.trim();
    let response = if answer.is_empty() {
        None
    } else {
        Some(Response::parse(answer, kind, options).ok_or_else(|| {
            OnlineError::BadAnswer(Message::new(
                "online.bad_answer",
                vec![("answer", answer.chars().take(20).collect()), ("number", number.to_string())],
            ))
        })?)
    };
    let given = (shape.deadline.as_second() - shape.started_at.as_second()).max(0);
    let remaining = (shape.deadline.as_second() - now.as_second()).clamp(0, given);
    Ok(Some((ResponseSave { attempt: shape.attempt, index, response, flagged, at: now }, remaining)))
}

/// Submits an attempt whose time ran out, found by [`check_answer`], and returns the
/// refusal to give.
///
/// # Errors
/// Store errors.
pub fn expire<S: ExamStore + ?Sized>(
    store: &mut S,
    record: &ExamRecord,
    attempt: &AttemptRecord,
) -> OnlineError {
    match submit_saved(store, record, attempt, attempt.deadline) {
        Ok(_) => time_up(attempt.id),
        Err(error) => OnlineError::App(error),
    }
}

/// Returns what a save found, as the person is answered.
///
/// # Errors
/// `Conflict` when the attempt was submitted before the answer was written.
pub fn saved_view(saved: Saved, attempt: i64, remaining_seconds: i64) -> Result<SavedView, OnlineError> {
    match saved {
        Saved::Answered(answered) => Ok(SavedView { saved: true, answered, remaining_seconds }),
        _ => Err(OnlineError::Conflict(Message::new("online.submitted", vec![]), attempt)),
    }
}

/// Saves the answer to question `number` of an open attempt ([`check_answer`], then the
/// write). Acknowledged only once durable, and never on a submitted attempt.
///
/// # Errors
/// As [`check_answer`], and `Conflict` past the deadline (the attempt is then submitted).
#[allow(clippy::too_many_arguments)] // one request's parts
pub fn save_answer<S: ExamStore + OnlineStore + ?Sized>(
    store: &mut S,
    exam: &str,
    attempt: i64,
    employee: &str,
    number: u32,
    answer: Option<&str>,
    flagged: Option<bool>,
    now: Timestamp,
) -> Result<SavedView, OnlineError> {
    match check_answer(store, exam, attempt, employee, number, answer, flagged, now)? {
        AnswerCheck::Save(save, remaining) => {
            let saved = store.save_open_response(
                save.attempt,
                save.index,
                save.response.as_ref(),
                save.flagged,
                save.at,
            )?;
            saved_view(saved, attempt, remaining)
        }
        AnswerCheck::Expired { record, attempt } => Err(expire(store, &record, &attempt)),
    }
}

/// Submits an open attempt with its saved answers; past its deadline, at the deadline.
///
/// # Errors
/// `NotFound` for another person's attempt, `Conflict` when it was submitted already.
pub fn submit<S: ExamStore + OnlineStore + ?Sized>(
    store: &mut S,
    exam: &str,
    attempt: i64,
    employee: &str,
    now: Timestamp,
) -> Result<ResultView, OnlineError> {
    let (record, found) = own_attempt(store, exam, attempt, employee)?;
    let submitted = || OnlineError::Conflict(Message::new("online.submitted", vec![]), attempt);
    if found.submitted_at.is_some() {
        return Err(submitted());
    }
    let at = now.min(found.deadline).max(found.started_at);
    match submit_saved(store, &record, &found, at)? {
        Some(outcome) => Ok(ResultView::of(&outcome)),
        None => Err(submitted()),
    }
}

/// What leaving the page did.
#[derive(Debug, Clone, Copy, Serialize)]
#[non_exhaustive]
pub struct LeaveView {
    /// How often the person left the page of this attempt.
    pub leaves: u64,
    /// How often they may.
    pub max_leaves: Option<u32>,
    /// Whether the attempt was submitted for leaving too often.
    pub submitted: bool,
}

/// Records that the person left the exam page (切屏) with its time; past the exam's
/// `max_leaves`, submits the attempt with what was saved.
///
/// # Errors
/// `NotFound` for another person's attempt, `Conflict` once submitted or past the deadline.
pub fn leave<S: ExamStore + OnlineStore + ?Sized>(
    store: &mut S,
    exam: &str,
    attempt: i64,
    employee: &str,
    now: Timestamp,
) -> Result<LeaveView, OnlineError> {
    let (record, found) = open_attempt(store, exam, attempt, employee, now)?;
    let leaves = store.record_attempt_event(attempt, "leave", now)?;
    let max_leaves = record.spec.max_leaves;
    let mut submitted = false;
    if max_leaves.is_some_and(|max| leaves > u64::from(max)) {
        // Re-read: the answers saved up to this moment are the ones scored.
        let (record, found) = own_attempt(store, exam, found.id, employee)?;
        submitted = submit_saved(store, &record, &found, now)?.is_some();
    }
    Ok(LeaveView { leaves, max_leaves, submitted })
}

/// An attempt as its result page shows it.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct AttemptResult {
    /// The attempt's id.
    pub attempt: i64,
    /// The exam's id.
    pub exam: String,
    /// Its title.
    pub title: String,
    /// Whether it was submitted.
    pub submitted: bool,
    /// When (RFC 3339).
    pub submitted_at: Option<String>,
    /// Points scored, once submitted.
    pub score: Option<f64>,
    /// Points possible.
    pub total_points: f64,
    /// Whether it passed, once submitted.
    pub passed: Option<bool>,
    /// The band, once submitted.
    pub band: Option<String>,
    /// Questions answered.
    pub answered: usize,
    /// Questions on the paper.
    pub questions: usize,
    /// Whether the review may be seen now.
    pub review_available: bool,
}

/// Returns whether an exam's review may be seen for a submitted attempt at `now`, or the
/// message why not.
pub(crate) fn review_allowed(
    record: &ExamRecord,
    attempt: &AttemptRecord,
    now: Timestamp,
) -> Result<(), Message> {
    if attempt.submitted_at.is_none() {
        return Err(Message::new("online.review_not_submitted", vec![]));
    }
    match record.spec.review {
        Review::AfterSubmit => Ok(()),
        Review::AfterClose if record.spec.closes_at().is_some_and(|closes| now >= closes) => Ok(()),
        Review::AfterClose => Err(Message::new("online.review_after_close", vec![])),
        _ => Err(Message::new("online.review_never", vec![])),
    }
}

/// Returns a person's attempt with its result once submitted.
///
/// # Errors
/// `NotFound` for another person's attempt.
pub fn attempt_result<S: ExamStore + OnlineStore + ?Sized>(
    store: &S,
    exam: &str,
    attempt: i64,
    employee: &str,
    now: Timestamp,
    offset: Offset,
) -> Result<AttemptResult, OnlineError> {
    let (record, found) = own_attempt(store, exam, attempt, employee)?;
    let outcome = found.outcome.as_ref();
    Ok(AttemptResult {
        attempt: found.id,
        exam: record.spec.id.clone(),
        title: record.spec.title.clone(),
        submitted: found.submitted_at.is_some(),
        submitted_at: found.submitted_at.map(|t| stamp(t, offset)),
        score: outcome.map(|o| o.score.total),
        total_points: found.paper.total_points,
        passed: outcome.map(|o| o.passed),
        band: outcome.map(|o| o.band.clone()),
        answered: attempt_responses(&found).iter().filter(|r| r.is_some()).count(),
        questions: found.paper.questions.len(),
        review_available: review_allowed(&record, &found, now).is_ok(),
    })
}

/// A question in the review: what the person answered, the key, the explanation.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct ReviewQuestion {
    /// The number on the paper.
    pub number: u32,
    /// The question's id.
    pub id: String,
    /// `single`, `multiple` or `judge`.
    pub kind: &'static str,
    /// The stem.
    pub stem: String,
    /// The options as shown.
    pub options: Vec<String>,
    /// Points possible.
    pub points: f64,
    /// The person's answer in the paper's letters, if any.
    pub answer: Option<String>,
    /// The key in the paper's letters.
    pub key: String,
    /// The explanation, its letters turned into the paper's.
    pub explanation: String,
    /// Points earned.
    pub mark: f64,
    /// The law it rests on.
    pub law: String,
    /// The article.
    pub article: String,
}

/// A submitted attempt's review.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct ReviewView {
    /// The attempt's id.
    pub attempt: i64,
    /// The exam's id.
    pub exam: String,
    /// Its title.
    pub title: String,
    /// The result.
    #[serde(flatten)]
    pub result: ResultView,
    /// The questions.
    pub questions: Vec<ReviewQuestion>,
}

/// Returns the review of a submitted attempt, when the exam's `review` setting allows.
///
/// # Errors
/// `NotFound` for another person's attempt, `Forbidden` when the review may not be seen.
pub fn review<S: ExamStore + OnlineStore + ?Sized>(
    store: &S,
    exam: &str,
    attempt: i64,
    employee: &str,
    now: Timestamp,
) -> Result<ReviewView, OnlineError> {
    let (record, found) = own_attempt(store, exam, attempt, employee)?;
    review_allowed(&record, &found, now).map_err(OnlineError::Forbidden)?;
    let Some(outcome) = found.outcome.as_ref() else {
        return Err(OnlineError::Forbidden(Message::new("online.review_not_submitted", vec![])));
    };
    let responses = attempt_responses(&found);
    let questions = found
        .paper
        .questions
        .iter()
        .enumerate()
        .map(|(index, q)| ReviewQuestion {
            number: q.number,
            id: q.id.clone(),
            kind: kind_name(q.kind),
            stem: q.stem.clone(),
            options: q.options.clone(),
            points: q.points,
            answer: responses[index].map(|r| r.canonical()),
            key: q.key.to_string(),
            explanation: xuefa_core::exam::relabel_options(&q.explanation, &q.order),
            mark: outcome.score.marks.get(index).copied().unwrap_or(0.0),
            law: q.law.clone(),
            article: q.article.clone(),
        })
        .collect();
    Ok(ReviewView {
        attempt: found.id,
        exam: record.spec.id.clone(),
        title: record.spec.title.clone(),
        result: ResultView::of(outcome),
        questions,
    })
}

/// Submits every open attempt of every exam whose time ran out (a server does this every
/// few seconds, so a person who closed the browser is graded at the deadline); returns
/// how many were submitted.
///
/// # Errors
/// Returns store errors.
pub fn submit_all_expired<S: ExamStore + ?Sized>(store: &mut S, now: Timestamp) -> Result<usize, AppError> {
    let mut count = 0;
    for id in store.exam_ids()? {
        let record = store.exam(&id)?;
        count += crate::exam::submit_expired(store, &record, now)?.len();
    }
    Ok(count)
}
