//! `xuefa access …`: the codes employees sign in with to sit the exam in a browser.

pub mod issue;
pub mod revoke;

use crate::cli::{AccessCommand, GlobalArgs};
use crate::error::CommandError;
use crate::ui::Ui;

pub fn run(command: AccessCommand, global: &GlobalArgs, ui: &Ui) -> Result<(), CommandError> {
    match command {
        AccessCommand::Issue(args) => issue::cmd_issue(&args, global, ui),
        AccessCommand::Revoke(args) => revoke::cmd_revoke(&args, global, ui),
    }
}
