//! One module per noun; this file only dispatches.

pub mod access;
pub mod attendance;
pub mod backup;
pub mod bank;
pub mod banks;
pub mod completions;
pub mod db;
pub mod demo;
pub mod doctor;
pub mod exam;
pub mod init;
pub mod practice;
pub mod report;
pub mod roster;
pub mod serve;
pub mod session;
pub mod verify;

use crate::cli::{Command, GlobalArgs};
use crate::error::CommandError;
use crate::ui::Ui;

pub fn run(command: Command, global: &GlobalArgs, ui: &Ui) -> Result<(), CommandError> {
    match command {
        Command::Init(args) => init::cmd_init(&args, ui),
        Command::Demo(args) => demo::cmd_demo(&args, global, ui),
        Command::Bank(command) => bank::run(command, global, ui),
        Command::Roster(command) => roster::run(command, global, ui),
        Command::Exam(command) => exam::run(command, global, ui),
        Command::Session(command) => session::run(command, global, ui),
        Command::Attendance(command) => attendance::run(command, global, ui),
        Command::Report(command) => report::run(command, global, ui),
        Command::Access(command) => access::run(command, global, ui),
        Command::Serve(args) => serve::cmd_serve(&args, global, ui),
        Command::Practice(args) => practice::run(args, global, ui),
        Command::Backup(args) => backup::cmd_backup(&args, global, ui),
        Command::Restore(args) => backup::cmd_restore(&args, global, ui),
        Command::Doctor(args) => doctor::cmd_doctor(&args, global, ui),
        Command::Verify(args) => verify::cmd_verify(&args, global, ui),
        Command::Db(crate::cli::DbCommand::Status(args)) => db::cmd_status(&args, global, ui),
        Command::Db(crate::cli::DbCommand::Copy(args)) => db::cmd_copy(&args, global, ui),
        Command::Banks(crate::cli::BanksCommand::Path(args)) => banks::cmd_path(&args, ui),
        Command::Completions(args) => completions::cmd_completions(&args, ui),
        Command::Manpages(args) => completions::cmd_manpages(&args, ui),
    }
}
