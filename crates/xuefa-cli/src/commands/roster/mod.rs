//! `xuefa roster …`: the people of the office.

pub mod import;
pub mod list;

use crate::cli::{GlobalArgs, RosterCommand};
use crate::error::CommandError;
use crate::ui::Ui;

pub fn run(command: RosterCommand, global: &GlobalArgs, ui: &Ui) -> Result<(), CommandError> {
    match command {
        RosterCommand::Import(args) => import::cmd_import(&args, global, ui),
        RosterCommand::List(args) => list::cmd_list(&args, global, ui),
    }
}
