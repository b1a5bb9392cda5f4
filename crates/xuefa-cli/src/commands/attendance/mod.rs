//! `xuefa attendance …`: sign-in marks of study sessions.

pub mod import;
pub mod mark;

use crate::cli::{AttendanceCommand, GlobalArgs};
use crate::error::CommandError;
use crate::ui::Ui;

pub fn run(command: AttendanceCommand, global: &GlobalArgs, ui: &Ui) -> Result<(), CommandError> {
    match command {
        AttendanceCommand::Mark(args) => mark::cmd_mark(&args, global, ui),
        AttendanceCommand::Import(args) => import::cmd_import(&args, global, ui),
    }
}
