//! `xuefa exam …`: the annual law exam — blueprint, papers, sittings, results and paper
//! exams. This file holds what the verbs share: loading an exam, the rules for starting an
//! attempt, drawing the paper of an attempt, and submitting attempts whose time ran out.

pub mod create;
pub mod grade;
pub mod list;
pub mod paper;
pub mod results;
pub mod show;
pub mod status;
pub mod take;

use std::collections::HashSet;

use jiff::Timestamp;
use xuefa_core::exam::{Drawer, Paper, Sitting, draw_planned};
use xuefa_core::{Person, Status};
use xuefa_store::{AttemptRecord, ExamRecord, ExamStore, SqliteStore};

use crate::cli::{ExamCommand, GlobalArgs};
use crate::error::CommandError;
use crate::ui::Ui;

pub fn run(command: ExamCommand, global: &GlobalArgs, ui: &Ui) -> Result<(), CommandError> {
    match command {
        ExamCommand::Create(args) => create::cmd_create(&args, global, ui),
        ExamCommand::List(args) => list::cmd_list(&args, global, ui),
        ExamCommand::Show(args) => show::cmd_show(&args, global, ui),
        ExamCommand::Paper(args) => paper::cmd_paper(&args, global, ui),
        ExamCommand::Take(args) => take::cmd_take(&args, global, ui),
        ExamCommand::Status(args) => status::cmd_status(&args, global, ui),
        ExamCommand::Results(args) => results::cmd_results(&args, global, ui),
        ExamCommand::Grade(args) => grade::cmd_grade(&args, global, ui),
    }
}

/// Returns the paper of attempt `number` of a person: the recorded one when it was sat,
/// else the one the draw gives, with the questions of every earlier attempt (recorded, or
/// drawn the same way) as seen. A 补考 paper printed in advance is so the paper the draw
/// gives when the person sits it.
pub fn paper_for(
    exam: &ExamRecord,
    source: &Source<'_>,
    employee: &str,
    number: u32,
    attempts: &[AttemptRecord],
) -> Result<Paper, CommandError> {
    let short = |error: xuefa_core::exam::DrawError| {
        CommandError::message_of(
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
    Err(CommandError::message_of(
        "exam.bad_attempt",
        vec![("attempt", number.to_string()), ("attempts", exam.spec.attempts.to_string())],
    ))
}

/// Where papers are drawn from: the exam's stored plan, reading only a paper's questions
/// (exams created since plans are stored), or the whole pool.
pub enum Source<'a> {
    Planned(Vec<Vec<usize>>, &'a SqliteStore),
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
pub fn submit_expired(
    store: &mut SqliteStore,
    exam: &ExamRecord,
    now: Timestamp,
) -> Result<Vec<(AttemptRecord, xuefa_core::exam::Outcome)>, CommandError> {
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
        store.submit_attempt(attempt.id, sitting.paper(), sitting.responses(), &outcome, attempt.deadline)?;
        submitted.push((attempt, outcome));
    }
    Ok(submitted)
}

/// Returns the person who may start an attempt now, or why not.
pub fn check_may_start(
    store: &SqliteStore,
    exam: &ExamRecord,
    employee: &str,
    used: u32,
    now: Timestamp,
) -> Result<Person, CommandError> {
    let args = || vec![("employee", employee.to_owned()), ("exam", exam.spec.id.clone())];
    let person =
        store.person(employee)?.ok_or_else(|| CommandError::message_of("exam.unknown_employee", args()))?;
    match person.status {
        Status::Exempt => return Err(CommandError::message_of("exam.exempt", args())),
        Status::Left => return Err(CommandError::message_of("exam.left", args())),
        _ => {}
    }
    if !exam.spec.audience.includes(&person) {
        return Err(CommandError::message_of("exam.not_required", args()));
    }
    if let Some(opens) = exam.spec.opens_at()
        && now < opens
    {
        let mut args = args();
        args.push(("time", crate::workspace::shown_time(opens)));
        return Err(CommandError::message_of("exam.not_open", args));
    }
    if let Some(closes) = exam.spec.closes_at()
        && now >= closes
    {
        let mut args = args();
        args.push(("time", crate::workspace::shown_time(closes)));
        return Err(CommandError::message_of("exam.closed", args));
    }
    if used >= exam.spec.attempts {
        let mut args = args();
        args.push(("attempts", exam.spec.attempts.to_string()));
        return Err(CommandError::message_of("exam.no_attempts_left", args));
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

pub use crate::commands::bank::show::kind_label as kind_name;

/// Returns a number of points as people write it: `2`, `1.5`, `0.667`.
pub fn points(value: f64) -> String {
    let rounded = xuefa_core::exam::round3(value);
    if rounded.fract() == 0.0 { format!("{rounded:.0}") } else { format!("{rounded}") }
}
