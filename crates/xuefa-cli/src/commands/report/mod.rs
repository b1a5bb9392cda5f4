//! `xuefa report …`: the figures of the annual rule-of-law report.

pub mod attendance;

use crate::cli::{GlobalArgs, ReportCommand};
use crate::error::CommandError;
use crate::ui::Ui;

pub fn run(command: ReportCommand, global: &GlobalArgs, ui: &Ui) -> Result<(), CommandError> {
    match command {
        ReportCommand::Attendance(args) => attendance::cmd_attendance(&args, global, ui),
    }
}
