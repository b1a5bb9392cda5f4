//! One module per noun; this file only dispatches.

pub mod bank;

use crate::cli::Command;
use crate::error::CommandError;
use crate::ui::Ui;

pub fn run(command: Command, ui: &Ui) -> Result<(), CommandError> {
    match command {
        Command::Bank(command) => bank::run(command, ui),
    }
}
