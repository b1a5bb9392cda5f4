//! `xuefa access issue [--department D]... [--employee ID]... [--expires DATE] [--url URL]
//! [--format table|csv|xlsx|html|json] [-o FILE]`: a new code for each person, printed once
//! as slips to hand out; only the codes' hashes are kept.

use std::io::Write as _;
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use xuefa_app::access;

use crate::cli::GlobalArgs;
use crate::error::{CommandError, refused_messages};
use crate::output::{Out, table, write_workbook};
use crate::ui::Ui;
use crate::workspace;

/// How slips are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum SlipFormat {
    #[default]
    Table,
    Csv,
    Xlsx,
    Html,
    Json,
}

#[derive(Debug, Args)]
pub struct IssueArgs {
    #[arg(long = "department", value_name = "DEPARTMENT")]
    pub departments: Vec<String>,
    #[arg(long = "employee", value_name = "ID")]
    pub employees: Vec<String>,
    #[arg(long, value_name = "DATE")]
    pub expires: Option<String>,
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,
    #[arg(long, value_enum, default_value_t = SlipFormat::Table)]
    pub format: SlipFormat,
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
}

pub fn cmd_issue(args: &IssueArgs, global: &GlobalArgs, ui: &Ui) -> Result<(), CommandError> {
    let (workspace, mut store) = workspace::open(global.workspace.as_ref())?;
    let now = workspace::now()?;
    let expires =
        match &args.expires {
            None => None,
            Some(text) => Some(workspace::parse_until(&workspace, text).ok_or_else(|| {
                CommandError::message_of("access.bad_expires", vec![("value", text.clone())])
            })?),
        };
    if expires.is_some_and(|e| e <= now) {
        return Err(CommandError::message_of(
            "access.expires_past",
            vec![("value", args.expires.clone().unwrap_or_default())],
        ));
    }
    let people = refused_messages(access::select_people(&store, &args.departments, &args.employees), ui)?;
    if people.is_empty() {
        return Err(CommandError::message_of("access.nobody", vec![]));
    }
    let mut out = Out::open(args.output.as_deref())?;
    if args.format == SlipFormat::Xlsx && out.is_terminal() {
        return Err(CommandError::message_of("report.xlsx_terminal", vec![]));
    }
    let slips = access::issue_codes(&mut store, &people, expires, now)?;
    let url = args.url.as_deref();
    let listing = access::slips_listing(&slips, url, ui);
    match args.format {
        SlipFormat::Table => {
            let _ = writeln!(out, "{}", table(listing.labels(), listing.shown_rows()));
        }
        SlipFormat::Csv => {
            let _ = out.write_all(&listing.csv());
        }
        SlipFormat::Xlsx => write_workbook(&[(&ui.text("access.slips_title", &[]), &listing)], &mut out)?,
        SlipFormat::Html => {
            let _ = out.write_all(access::slips_html(&slips, url, ui).as_bytes());
        }
        SlipFormat::Json => {
            let _ = writeln!(out, "{}", serde_json::to_string_pretty(&slips).unwrap_or_default());
        }
    }
    out.finish()?;
    ui.note(&ui.text("access.issued", &[("count", slips.len().to_string())]));
    Ok(())
}
