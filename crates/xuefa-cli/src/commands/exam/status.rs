//! `xuefa exam status EXAM --employee ID`: the person's current attempt — whether it is in
//! progress, how much is answered and how much time is left — and the attempts used.

use clap::Args;
use serde_json::json;
use xuefa_store::ExamStore;

use super::{points, submit_expired};
use crate::cli::{CheckFormat, GlobalArgs};
use crate::error::CommandError;
use crate::ui::Ui;
use crate::workspace;

#[derive(Debug, Args)]
pub struct StatusArgs {
    #[arg(value_name = "EXAM")]
    pub exam: String,
    #[arg(long, value_name = "ID")]
    pub employee: String,
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    pub format: CheckFormat,
}

pub fn cmd_status(args: &StatusArgs, global: &GlobalArgs, ui: &Ui) -> Result<(), CommandError> {
    let (_workspace, mut store) = workspace::open(global.workspace.as_ref())?;
    let now = workspace::now()?;
    let exam = store.exam(&args.exam)?;
    submit_expired(&mut store, &exam, now)?;
    let attempts = store.attempts(&args.exam, &args.employee)?;
    if attempts.is_empty() && store.person(&args.employee)?.is_none() {
        return Err(CommandError::message_of(
            "exam.unknown_employee",
            vec![("employee", args.employee.clone()), ("exam", exam.spec.id.clone())],
        ));
    }
    let last = attempts.last();
    let state = match last {
        None => "not_started",
        Some(a) if a.submitted_at.is_none() => "in_progress",
        Some(_) => "submitted",
    };
    let answered = last.map_or(0, |a| a.responses.iter().filter(|(_, r, _)| r.is_some()).count());
    let remaining = match last {
        Some(a) if a.submitted_at.is_none() => Some((a.deadline.as_second() - now.as_second()).max(0)),
        _ => None,
    };
    let outcome = last.and_then(|a| a.outcome.as_ref());
    let value = json!({
        "exam": args.exam,
        "employee": args.employee,
        "state": state,
        "attempt": last.map(|a| a.attempt),
        "answered": answered,
        "questions": last.map(|a| a.paper.questions.len()),
        "remaining_seconds": remaining,
        "deadline": last.map(|a| workspace::rfc3339(a.deadline)),
        "attempts_used": attempts.len(),
        "attempts_allowed": exam.spec.attempts,
        "score": outcome.map(|o| o.score.total),
        "passed": outcome.map(|o| o.passed),
        "band": outcome.map(|o| o.band.clone()),
    });
    match args.format {
        crate::cli::CheckFormat::Json => {
            outln!("{}", serde_json::to_string_pretty(&value).unwrap_or_default())
        }
        crate::cli::CheckFormat::Text => {
            outln!("{}{}", ui.label("status.state"), ui.text(&format!("state.{state}"), &[]));
            outln!("{}{} / {}", ui.label("status.attempts"), attempts.len(), exam.spec.attempts);
            if let Some(attempt) = last {
                outln!("{}{} / {}", ui.label("status.answered"), answered, attempt.paper.questions.len());
            }
            if let Some(seconds) = remaining {
                outln!("{}{}", ui.label("status.remaining"), clock(seconds));
            }
            if let Some(attempt) = last.filter(|a| a.submitted_at.is_none()) {
                outln!("{}{}", ui.label("status.deadline"), workspace::shown_time(attempt.deadline));
            }
            if let Some(outcome) = outcome {
                outln!(
                    "{}{} / {} ({})",
                    ui.label("status.score"),
                    points(outcome.score.total),
                    points(outcome.score.max),
                    outcome.band
                );
            }
        }
    }
    Ok(())
}

/// Returns seconds as `H:MM:SS` or `MM:SS`.
pub fn clock(seconds: i64) -> String {
    let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    if h > 0 { format!("{h}:{m:02}:{s:02}") } else { format!("{m:02}:{s:02}") }
}
