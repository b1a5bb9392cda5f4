//! `xuefa report annual --year Y`: one document with what an office puts in its yearly
//! rule-of-law report — sessions held by kind, attendance and hours, requirements met, each
//! exam's participation, pass and excellent rates with department tables, outreach with its
//! audiences and materials, and who is still short. Markdown, a self-contained HTML page
//! with SVG charts, JSON, an XLSX workbook, or a DOCX laid out as an official document
//! (GB/T 9704-2012).

use std::io::Write as _;
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use xuefa_app::report::annual::{self, AnnualOptions};

use super::attendance::depth;
use crate::cli::GlobalArgs;
use crate::error::CommandError;
use crate::output::Out;
use crate::ui::Ui;
use crate::workspace;

/// How the annual report is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum AnnualFormat {
    #[default]
    Md,
    Html,
    Json,
    Xlsx,
    Docx,
}

#[derive(Debug, Args)]
pub struct AnnualArgs {
    #[arg(long, value_name = "YEAR")]
    pub year: Option<i16>,
    #[arg(long, value_name = "department[:DEPTH]")]
    pub by: Option<String>,
    #[arg(long)]
    pub with_names: bool,
    #[arg(long, value_enum, default_value_t = AnnualFormat::Md)]
    pub format: AnnualFormat,
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

pub fn cmd_annual(args: &AnnualArgs, global: &GlobalArgs, ui: &Ui) -> Result<(), CommandError> {
    let depth = depth(args.by.as_deref())?;
    let (workspace, mut store) = workspace::open(global.workspace.as_ref())?;
    let now = workspace::now()?;
    let year = match args.year {
        Some(year) => year,
        None => workspace::this_year(&workspace)?,
    };
    let options = AnnualOptions { year, depth, with_names: args.with_names };
    let today = workspace::office_date(&workspace, now);
    let annual = annual::gather(&mut store, &workspace.config, options, today, now, ui)?;
    let mut out = Out::open(args.output.as_deref())?;
    match args.format {
        AnnualFormat::Xlsx => {
            if out.is_terminal() {
                return Err(CommandError::message_of("report.xlsx_terminal", vec![]));
            }
            let bytes = annual::workbook(&annual, ui).map_err(|e| {
                CommandError::message_of("report.xlsx_failed", vec![("detail", e.to_string())])
            })?;
            let _ = out.write_all(&bytes);
        }
        AnnualFormat::Docx => {
            if out.is_terminal() {
                return Err(CommandError::message_of("report.docx_terminal", vec![]));
            }
            if workspace.config.office.name.trim().is_empty() {
                ui.warning(&ui.text("report.docx_no_office", &[]));
            }
            let bytes = annual::docx(&annual, ui)?;
            let _ = out.write_all(&bytes);
        }
        AnnualFormat::Json => {
            let _ = writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(&annual::to_json(&annual)).unwrap_or_default()
            );
        }
        AnnualFormat::Md => {
            let _ = out.write_all(annual::markdown(&annual, ui).as_bytes());
        }
        AnnualFormat::Html => {
            let _ = out.write_all(annual::html(&annual, ui).as_bytes());
        }
    }
    out.finish()
}
