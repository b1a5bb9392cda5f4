//! `xuefa bank …`: question banks, as files and in the workspace.

pub mod check;
pub mod convert;
pub mod export;
pub mod import;
pub mod list;
pub mod remove;
pub mod show;
pub mod stale;
pub mod stats;

use crate::cli::{BankCommand, GlobalArgs};
use crate::error::CommandError;
use crate::ui::Ui;

pub fn run(command: BankCommand, global: &GlobalArgs, ui: &Ui) -> Result<(), CommandError> {
    match command {
        BankCommand::Check(args) => check::cmd_check(&args, ui),
        BankCommand::Convert(args) => convert::cmd_convert(&args, ui),
        BankCommand::Import(args) => import::cmd_import(&args, global, ui),
        BankCommand::List(args) => list::cmd_list(&args, global, ui),
        BankCommand::Show(args) => show::cmd_show(&args, global, ui),
        BankCommand::Stats(args) => stats::cmd_stats(&args, global, ui),
        BankCommand::Stale(args) => stale::cmd_stale(&args, global, ui),
        BankCommand::Export(args) => export::cmd_export(&args, global, ui),
        BankCommand::Remove(args) => remove::cmd_remove(&args, global, ui),
    }
}
