//! The command-line interface: every noun, verb and flag. Help texts live in the message
//! catalogs (see `i18n.rs`), keyed by the command path and the argument id, so they exist
//! in Chinese and English alike.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use xuefa_core::Lang;

use crate::commands;

/// The version and the commit it was built from: `0.1.0 (commit 9f0ab5a1c2d3)`.
pub const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), " (commit ", env!("XUEFA_COMMIT"), ")");

#[derive(Debug, Parser)]
#[command(name = "xuefa", version = VERSION, propagate_version = true, disable_help_subcommand = true)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    #[arg(long, global = true, value_name = "LANG", value_parser = parse_lang)]
    pub lang: Option<Lang>,
    #[arg(long, global = true, value_name = "DIR")]
    pub workspace: Option<PathBuf>,
}

fn parse_lang(value: &str) -> Result<Lang, String> {
    value.parse().map_err(|_| {
        crate::i18n::text(crate::i18n::run_lang(), "lang.unknown", &[("value", value.to_owned())])
    })
}

#[derive(Debug, Subcommand)]
pub enum Command {
    Demo(commands::demo::DemoArgs),
    Init(commands::init::InitArgs),
    #[command(subcommand)]
    Bank(BankCommand),
    #[command(subcommand)]
    Roster(RosterCommand),
    #[command(subcommand)]
    Exam(ExamCommand),
    #[command(subcommand)]
    Session(SessionCommand),
    #[command(subcommand)]
    Attendance(AttendanceCommand),
    #[command(subcommand)]
    Report(ReportCommand),
    #[command(subcommand)]
    Access(AccessCommand),
    Serve(commands::serve::ServeArgs),
    Practice(commands::practice::PracticeArgs),
    Backup(commands::backup::BackupArgs),
    Restore(commands::backup::RestoreArgs),
    Doctor(commands::doctor::DoctorArgs),
    Verify(commands::verify::VerifyArgs),
    #[command(subcommand)]
    Db(DbCommand),
    #[command(subcommand)]
    Banks(BanksCommand),
    Completions(commands::completions::CompletionsArgs),
    #[command(hide = true)]
    Manpages(commands::completions::ManpagesArgs),
}

#[derive(Debug, Subcommand)]
pub enum DbCommand {
    Status(commands::db::StatusArgs),
    Copy(commands::db::CopyArgs),
}

#[derive(Debug, Subcommand)]
pub enum BanksCommand {
    Path(commands::banks::PathArgs),
}

#[derive(Debug, Subcommand)]
pub enum AccessCommand {
    Issue(commands::access::issue::IssueArgs),
    Revoke(commands::access::revoke::RevokeArgs),
}

#[derive(Debug, Subcommand)]
pub enum SessionCommand {
    Add(Box<commands::session::add::AddArgs>),
    Import(commands::session::import::ImportArgs),
    List(commands::session::list::ListArgs),
}

#[derive(Debug, Subcommand)]
pub enum AttendanceCommand {
    Mark(commands::attendance::mark::MarkArgs),
    Import(commands::attendance::import::ImportArgs),
}

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    Attendance(commands::report::attendance::AttendanceArgs),
    Exam(commands::report::exam::ExamArgs),
    Items(commands::report::items::ItemsArgs),
    Annual(commands::report::annual::AnnualArgs),
}

#[derive(Debug, Subcommand)]
pub enum ExamCommand {
    Create(commands::exam::create::CreateArgs),
    List(commands::exam::list::ListArgs),
    Show(commands::exam::show::ShowArgs),
    Paper(commands::exam::paper::PaperArgs),
    Take(commands::exam::take::TakeArgs),
    Status(commands::exam::status::StatusArgs),
    Results(commands::exam::results::ResultsArgs),
    Grade(commands::exam::grade::GradeArgs),
}

#[derive(Debug, Subcommand)]
pub enum BankCommand {
    Check(commands::bank::check::CheckArgs),
    Convert(commands::bank::convert::ConvertArgs),
    Import(commands::bank::import::ImportArgs),
    List(commands::bank::list::ListArgs),
    Show(commands::bank::show::ShowArgs),
    Stats(commands::bank::stats::StatsArgs),
    Stale(commands::bank::stale::StaleArgs),
    Export(commands::bank::export::ExportArgs),
    Remove(commands::bank::remove::RemoveArgs),
}

#[derive(Debug, Subcommand)]
pub enum RosterCommand {
    Import(commands::roster::import::ImportArgs),
    List(commands::roster::list::ListArgs),
}

/// How a check reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum CheckFormat {
    #[default]
    Text,
    Json,
}

/// Where bank files are read from, shared by every command that reads them.
#[derive(Debug, Args)]
pub struct BankFiles {
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    #[arg(long, value_name = "ENCODING")]
    pub encoding: Option<String>,
}
