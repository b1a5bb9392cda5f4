//! `xuefa bank …`: question banks.

pub mod check;
pub mod convert;

use crate::cli::BankCommand;
use crate::error::CommandError;
use crate::ui::Ui;

pub fn run(command: BankCommand, ui: &Ui) -> Result<(), CommandError> {
    match command {
        BankCommand::Check(args) => check::cmd_check(&args, ui),
        BankCommand::Convert(args) => convert::cmd_convert(&args, ui),
    }
}
