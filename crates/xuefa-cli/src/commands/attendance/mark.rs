//! `xuefa attendance mark SESSION EMPLOYEE... --status S [--hours H]`.

use clap::Args;
use xuefa_core::study::{AttendanceMark, MarkStatus};
use xuefa_store::{ExamStore, StudyStore};

use crate::cli::GlobalArgs;
use crate::error::CommandError;
use crate::ui::Ui;
use crate::workspace;

#[derive(Debug, Args)]
pub struct MarkArgs {
    #[arg(value_name = "SESSION")]
    pub session: String,
    #[arg(value_name = "EMPLOYEE", required = true)]
    pub employees: Vec<String>,
    #[arg(long, value_name = "STATUS", default_value = "present")]
    pub status: String,
    #[arg(long, value_name = "HOURS")]
    pub hours: Option<f64>,
}

pub fn cmd_mark(args: &MarkArgs, global: &GlobalArgs, ui: &Ui) -> Result<(), CommandError> {
    let (_workspace, mut store) = workspace::open(global.workspace.as_ref())?;
    let now = workspace::now()?;
    let status = MarkStatus::parse(&args.status).ok_or_else(|| {
        CommandError::message_of("attendance.bad_status", vec![("value", args.status.clone())])
    })?;
    if !store.all_sessions()?.iter().any(|s| s.id == args.session) {
        return Err(CommandError::message_of(
            "attendance.no_session",
            vec![("session", args.session.clone())],
        ));
    }
    let mut unknown = Vec::new();
    for employee in &args.employees {
        if store.person(employee)?.is_none() {
            unknown.push(employee.clone());
        }
    }
    if !unknown.is_empty() {
        return Err(CommandError::message_of("attendance.unknown_people", vec![("ids", unknown.join(", "))]));
    }
    let marks: Vec<AttendanceMark> = args
        .employees
        .iter()
        .map(|e| AttendanceMark::new(args.session.clone(), e.clone(), status, args.hours))
        .collect();
    store.record_study(&[], &marks, now)?;
    ui.note(
        &ui.text(
            "attendance.marked",
            &[("count", marks.len().to_string()), ("session", args.session.clone())],
        ),
    );
    Ok(())
}
