//! The annual exam's rules that every front end follows: who may start an attempt and
//! when, the deadline of an attempt, the paper of an attempt (drawn reproducibly, or the
//! recorded one), attempts whose time ran out, and which attempt counts.

use std::collections::HashSet;

use jiff::Timestamp;
use jiff::tz::Offset;
use xuefa_core::exam::{Counts, Drawer, Paper, Sitting, draw_planned};
use xuefa_core::{Person, Status};
use xuefa_store::{AttemptRecord, AttemptSummary, ExamRecord, ExamStore};

use crate::i18n::Tr;
use crate::render::Listing;

use crate::error::AppError;
use crate::format::shown_time;

/// Returns the paper of attempt `number` of a person: the recorded one when it was sat,
/// else the one the draw gives, with the questions of every earlier attempt (recorded, or
/// drawn the same way) as seen. A 补考 paper printed in advance is so the paper the draw
/// gives when the person sits it.
pub fn paper_for<S: ExamStore + ?Sized>(
    exam: &ExamRecord,
    source: &Source<'_, S>,
    employee: &str,
    number: u32,
    attempts: &[AttemptRecord],
) -> Result<Paper, AppError> {
    let short = |error: xuefa_core::exam::DrawError| {
        AppError::message_of(
            "exam.pool_short",
            vec![("exam", exam.spec.id.clone()), ("detail", error.to_string())],
        )
    };
    let mut seen: HashSet<String> = HashSet::new();
    for n in 1..=number {
        let paper = match (attempts.iter().find(|a| a.attempt == n), source) {
            (Some(record), _) => record.paper.clone(),
            (None, Source::Pool(drawer)) => drawer.draw(exam.seed, employee, n, &seen).map_err(short)?,
            (None, Source::Planned(plan, store)) => {
                let keys: Vec<String> = seen.iter().cloned().collect();
                let positions: HashSet<usize> =
                    store.pool_positions(&exam.spec.id, &keys)?.into_iter().collect();
                let drawn =
                    draw_planned::<Drawn>(&exam.spec, plan, (exam.seed, employee, n), &positions, &mut |p| {
                        store.pool_at(&exam.spec.id, p).map_err(Drawn::Store)
                    });
                match drawn {
                    Ok(paper) => paper,
                    Err(Drawn::Short(error)) => return Err(short(error)),
                    Err(Drawn::Store(error)) => return Err(error.into()),
                }
            }
        };
        if n == number {
            return Ok(paper);
        }
        seen.extend(paper.question_keys());
    }
    Err(AppError::message_of(
        "exam.bad_attempt",
        vec![("attempt", number.to_string()), ("attempts", exam.spec.attempts.to_string())],
    ))
}

/// Where papers are drawn from: the exam's stored plan, reading only a paper's questions
/// (exams created since plans are stored), or the whole pool.
#[allow(missing_debug_implementations)] // the store and the drawer are not worth printing
pub enum Source<'a, S: ExamStore + ?Sized> {
    Planned(Vec<Vec<usize>>, &'a S),
    Pool(&'a Drawer<'a>),
}

/// Why a planned draw failed.
enum Drawn {
    Short(xuefa_core::exam::DrawError),
    Store(xuefa_store::StoreError),
}

impl From<xuefa_core::exam::DrawError> for Drawn {
    fn from(error: xuefa_core::exam::DrawError) -> Self {
        Drawn::Short(error)
    }
}

/// Submits every open attempt of an exam whose deadline has passed, with the answers saved
/// before it; returns those attempts. A terminal that was closed, a killed process or a
/// person who walked away all end here, the next time anyone looks at the exam.
pub fn submit_expired<S: ExamStore + ?Sized>(
    store: &mut S,
    exam: &ExamRecord,
    now: Timestamp,
) -> Result<Vec<(AttemptRecord, xuefa_core::exam::Outcome)>, AppError> {
    let mut submitted = Vec::new();
    for attempt in store.expired_attempts(&exam.spec.id, now)? {
        if attempt.deadline > now {
            continue;
        }
        let mut sitting = Sitting::resume(
            attempt.paper.clone(),
            exam.spec.grading(),
            attempt.deadline,
            attempt.responses.clone(),
        );
        let outcome = sitting.submit().clone();
        match store.submit_attempt(
            attempt.id,
            sitting.paper(),
            sitting.responses(),
            &outcome,
            attempt.deadline,
        ) {
            Ok(()) => submitted.push((attempt, outcome)),
            // Another process submitted it a moment ago: its result stands.
            Err(xuefa_store::StoreError::AlreadySubmitted { .. }) => {}
            Err(error) => return Err(error.into()),
        }
    }
    Ok(submitted)
}

/// Returns the person who may start an attempt now, or why not.
pub fn check_may_start<S: ExamStore + ?Sized>(
    store: &S,
    exam: &ExamRecord,
    employee: &str,
    used: u32,
    now: Timestamp,
    offset: Offset,
) -> Result<Person, AppError> {
    let args = || vec![("employee", employee.to_owned()), ("exam", exam.spec.id.clone())];
    let person =
        store.person(employee)?.ok_or_else(|| AppError::message_of("exam.unknown_employee", args()))?;
    match person.status {
        Status::Exempt => return Err(AppError::message_of("exam.exempt", args())),
        Status::Left => return Err(AppError::message_of("exam.left", args())),
        _ => {}
    }
    if !exam.spec.audience.includes(&person) {
        return Err(AppError::message_of("exam.not_required", args()));
    }
    if let Some(opens) = exam.spec.opens_at()
        && now < opens
    {
        let mut args = args();
        args.push(("time", shown_time(opens, offset)));
        return Err(AppError::message_of("exam.not_open", args));
    }
    if let Some(closes) = exam.spec.closes_at()
        && now >= closes
    {
        let mut args = args();
        args.push(("time", shown_time(closes, offset)));
        return Err(AppError::message_of("exam.closed", args));
    }
    if used >= exam.spec.attempts {
        let mut args = args();
        args.push(("attempts", exam.spec.attempts.to_string()));
        return Err(AppError::message_of("exam.no_attempts_left", args));
    }
    Ok(person)
}

/// Returns when an attempt started now must be submitted: after the exam's duration, but
/// never after the exam closes.
pub fn deadline(exam: &ExamRecord, now: Timestamp) -> Timestamp {
    let end = now
        .checked_add(jiff::SignedDuration::from_secs(i64::from(exam.spec.duration_minutes) * 60))
        .unwrap_or(now);
    match exam.spec.closes_at() {
        Some(closes) if closes < end => closes,
        _ => end,
    }
}

/// Returns the attempt that counts among submitted ones, under the exam's rule.
pub fn counted<'a>(attempts: &[&'a AttemptSummary], counts: Counts) -> Option<&'a AttemptSummary> {
    let submitted = attempts.iter().copied().filter(|a| a.score.is_some());
    match counts {
        Counts::First => submitted.min_by_key(|a| a.attempt),
        Counts::Last => submitted.max_by_key(|a| a.attempt),
        // The best score; among equal scores the earliest attempt.
        _ => submitted.fold(None, |best: Option<&AttemptSummary>, a| match best {
            Some(b) if b.score >= a.score => Some(b),
            _ => Some(a),
        }),
    }
}

/// A person's result in an exam: the counted attempt's score, pass and band.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PersonResult {
    /// The employee id.
    pub employee: String,
    /// The name.
    pub name: String,
    /// The department's path.
    pub department: String,
    /// The counted attempt's score, if any attempt was submitted.
    pub score: Option<f64>,
    /// Whether the counted attempt passed.
    pub passed: bool,
    /// The counted attempt's band.
    pub band: Option<String>,
    /// Attempts used.
    pub attempts: usize,
}

/// Returns everyone who must sit the exam or has sat it, with their counted result, in
/// roster order (the roster and the attempts are read side by side). Attempts past their
/// deadline are submitted first.
///
/// # Errors
/// Returns store errors.
pub fn results<S: ExamStore + ?Sized>(
    store: &mut S,
    exam: &str,
    now: Timestamp,
) -> Result<Vec<PersonResult>, AppError> {
    let record = store.exam(exam)?;
    submit_expired(store, &record, now)?;
    let mut results = Vec::new();
    store.roll(exam, &mut |person, attempts| {
        if attempts.is_empty() && !record.spec.audience.includes(person) {
            return;
        }
        let own: Vec<&AttemptSummary> = attempts.iter().collect();
        let counted = counted(&own, record.spec.counts);
        results.push(PersonResult {
            employee: person.id.clone(),
            name: person.name.clone(),
            department: person.department.path(),
            score: counted.and_then(|a| a.score),
            passed: counted.and_then(|a| a.passed).unwrap_or(false),
            band: counted.and_then(|a| a.band.clone()),
            attempts: attempts.len(),
        });
    })?;
    Ok(results)
}

/// Returns results as a listing in a language.
pub fn results_listing(results: &[PersonResult], ui: &Tr) -> Listing {
    let columns = [
        ("employee", "col.employee"),
        ("name", "col.name"),
        ("department", "col.department"),
        ("score", "col.score"),
        ("passed", "col.passed"),
        ("band", "col.band"),
        ("attempts", "col.attempts"),
    ];
    let mut listing = Listing::new(columns.iter().map(|(f, k)| (*f, ui.text(k, &[]))).collect());
    for r in results {
        let points = crate::format::points;
        listing.row_shown(
            vec![
                r.employee.clone(),
                r.name.clone(),
                r.department.clone(),
                r.score.map(points).unwrap_or_default(),
                r.passed.to_string(),
                r.band.clone().unwrap_or_default(),
                r.attempts.to_string(),
            ],
            vec![
                r.employee.clone(),
                r.name.clone(),
                r.department.clone(),
                r.score.map(points).unwrap_or_else(|| "—".to_owned()),
                ui.text(if r.passed { "yes" } else { "no" }, &[]),
                r.band.clone().unwrap_or_else(|| "—".to_owned()),
                r.attempts.to_string(),
            ],
        );
    }
    listing.json(serde_json::to_value(results).unwrap_or_default())
}

/// Where a person stands in an exam now.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Standing {
    /// `not_started`, `in_progress` or `submitted`.
    pub state: &'static str,
    /// The latest attempt's number.
    pub attempt: Option<u32>,
    /// Questions answered on it.
    pub answered: usize,
    /// Questions on its paper.
    pub questions: Option<usize>,
    /// Seconds left of an open attempt.
    pub remaining_seconds: Option<i64>,
    /// The open attempt's deadline.
    pub deadline: Option<Timestamp>,
    /// Attempts used.
    pub attempts_used: usize,
    /// Attempts allowed.
    pub attempts_allowed: u32,
    /// The latest submitted attempt's score, pass and band.
    pub score: Option<f64>,
    /// Whether it passed.
    pub passed: Option<bool>,
    /// Its band.
    pub band: Option<String>,
    /// Points of the paper.
    pub total: Option<f64>,
    /// How often the person left the exam page (切屏) during the latest attempt, in a browser.
    pub leaves: u64,
}

/// Returns where a person stands in an exam at `now` (an attempt past its deadline is
/// submitted first). Refuses someone who is not on the roster and has no attempt.
///
/// # Errors
/// Returns an unknown person or store errors.
pub fn standing<S: ExamStore + xuefa_store::OnlineStore + ?Sized>(
    store: &mut S,
    exam: &str,
    employee: &str,
    now: Timestamp,
) -> Result<Standing, AppError> {
    let record = store.exam(exam)?;
    submit_expired(store, &record, now)?;
    let attempts = store.attempts(exam, employee)?;
    if attempts.is_empty() && store.person(employee)?.is_none() {
        return Err(AppError::message_of(
            "exam.unknown_employee",
            vec![("employee", employee.to_owned()), ("exam", exam.to_owned())],
        ));
    }
    let last = attempts.last();
    let open = last.filter(|a| a.submitted_at.is_none());
    let outcome = last.and_then(|a| a.outcome.as_ref());
    Ok(Standing {
        state: match last {
            None => "not_started",
            Some(a) if a.submitted_at.is_none() => "in_progress",
            Some(_) => "submitted",
        },
        attempt: last.map(|a| a.attempt),
        answered: last.map_or(0, |a| a.responses.iter().filter(|(_, r, _)| r.is_some()).count()),
        questions: last.map(|a| a.paper.questions.len()),
        remaining_seconds: open.map(|a| remaining_seconds(a, now)),
        deadline: open.map(|a| a.deadline),
        attempts_used: attempts.len(),
        attempts_allowed: record.spec.attempts,
        score: outcome.map(|o| o.score.total),
        passed: outcome.map(|o| o.passed),
        band: outcome.map(|o| o.band.clone()),
        total: outcome.map(|o| o.score.max),
        leaves: match last {
            Some(a) => store.attempt_events(a.id, "leave")?,
            None => 0,
        },
    })
}

/// Returns the seconds an open attempt has left at `now`: never below 0, and never more than
/// the attempt was given (a clock set back does not hand out extra time).
pub fn remaining_seconds(attempt: &AttemptRecord, now: Timestamp) -> i64 {
    let given = (attempt.deadline.as_second() - attempt.started_at.as_second()).max(0);
    (attempt.deadline.as_second() - now.as_second()).clamp(0, given)
}

/// An exam as an administrator looks it over: its blueprint, how many pool questions each
/// section may draw, and how many attempts there are and were submitted.
#[derive(Debug, Clone)]
pub struct Overview {
    /// The exam.
    pub exam: ExamRecord,
    /// Per section, what its pool holds for it.
    pub availability: Vec<xuefa_core::exam::Availability>,
    /// Attempts started.
    pub attempts: usize,
    /// Of them, submitted.
    pub submitted: usize,
}

/// Returns the overview of an exam.
///
/// # Errors
/// Returns an unknown exam or store errors.
pub fn overview<S: ExamStore + ?Sized>(store: &S, exam: &str) -> Result<Overview, AppError> {
    let record = store.exam(exam)?;
    let availability = store.exam_pool(exam)?.availability(&record.spec);
    let summaries = store.attempt_summaries(exam)?;
    let submitted = summaries.iter().filter(|s| s.submitted_at.is_some()).count();
    Ok(Overview { exam: record, availability, attempts: summaries.len(), submitted })
}
