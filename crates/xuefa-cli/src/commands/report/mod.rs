//! `xuefa report …`: the figures of the annual rule-of-law report.

pub mod annual;
pub mod attendance;
pub mod exam;
pub mod items;

use crate::cli::{GlobalArgs, ReportCommand};
use crate::error::CommandError;
use crate::ui::Ui;

pub fn run(command: ReportCommand, global: &GlobalArgs, ui: &Ui) -> Result<(), CommandError> {
    match command {
        ReportCommand::Attendance(args) => attendance::cmd_attendance(&args, global, ui),
        ReportCommand::Exam(args) => exam::cmd_exam(&args, global, ui),
        ReportCommand::Items(args) => items::cmd_items(&args, global, ui),
        ReportCommand::Annual(args) => annual::cmd_annual(&args, global, ui),
    }
}
