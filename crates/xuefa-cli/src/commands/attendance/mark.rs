//! `xuefa attendance mark SESSION EMPLOYEE... --status S [--hours H]`.

use clap::Args;
use xuefa_app::import;

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
    let count =
        import::mark_attendance(&mut store, &args.session, &args.employees, &args.status, args.hours, now)?;
    ui.note(
        &ui.text("attendance.marked", &[("count", count.to_string()), ("session", args.session.clone())]),
    );
    Ok(())
}
