//! `xuefa exam status EXAM --employee ID`: the person's current attempt — whether it is in
//! progress, how much is answered and how much time is left — and the attempts used.

use clap::Args;
use serde_json::json;
use xuefa_app::exam;

use super::points;
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
    let s = exam::standing(&mut store, &args.exam, &args.employee, workspace::now()?)?;
    let value = json!({
        "exam": args.exam,
        "employee": args.employee,
        "state": s.state,
        "attempt": s.attempt,
        "answered": s.answered,
        "questions": s.questions,
        "remaining_seconds": s.remaining_seconds,
        "deadline": s.deadline.map(workspace::rfc3339),
        "attempts_used": s.attempts_used,
        "attempts_allowed": s.attempts_allowed,
        "score": s.score,
        "passed": s.passed,
        "band": s.band,
        "leaves": s.leaves,
    });
    match args.format {
        crate::cli::CheckFormat::Json => {
            outln!("{}", serde_json::to_string_pretty(&value).unwrap_or_default())
        }
        crate::cli::CheckFormat::Text => {
            outln!("{}{}", ui.label("status.state"), ui.text(&format!("state.{}", s.state), &[]));
            outln!("{}{} / {}", ui.label("status.attempts"), s.attempts_used, s.attempts_allowed);
            if let Some(questions) = s.questions {
                outln!("{}{} / {}", ui.label("status.answered"), s.answered, questions);
            }
            if let Some(seconds) = s.remaining_seconds {
                outln!("{}{}", ui.label("status.remaining"), clock(seconds));
            }
            if let Some(deadline) = s.deadline {
                outln!("{}{}", ui.label("status.deadline"), workspace::shown_time(deadline));
            }
            if s.leaves > 0 {
                outln!("{}{}", ui.label("status.leaves"), s.leaves);
            }
            if let (Some(score), Some(total)) = (s.score, s.total) {
                outln!(
                    "{}{} / {} ({})",
                    ui.label("status.score"),
                    points(score),
                    points(total),
                    s.band.clone().unwrap_or_default()
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
