//! The command-line interface: every noun, verb and flag. Help texts live in the message
//! catalogs (see `i18n.rs`), keyed by the command path and the argument id, so they exist
//! in Chinese and English alike.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use xuefa_core::Lang;

#[derive(Debug, Parser)]
#[command(name = "xuefa", version, propagate_version = true, disable_help_subcommand = true)]
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
}

fn parse_lang(value: &str) -> Result<Lang, String> {
    value.parse()
}

#[derive(Debug, Subcommand)]
pub enum Command {
    #[command(subcommand)]
    Bank(BankCommand),
}

#[derive(Debug, Subcommand)]
pub enum BankCommand {
    Check(crate::commands::bank::check::CheckArgs),
    Convert(crate::commands::bank::convert::ConvertArgs),
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
