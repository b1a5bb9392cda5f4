//! `xuefa report attendance --year Y [--by department[:DEPTH]] [--owing]`: per session who was
//! expected and who came; per person the hours by kind and each requirement; per department
//! how many people met every requirement. `--owing` lists who still falls short of what.

use std::io::Write as _;

use clap::Args;
use serde_json::Value;
use xuefa_app::report::attendance;
use xuefa_core::Person;
use xuefa_core::study::PersonYear;

use crate::cli::GlobalArgs;
use crate::error::CommandError;
use crate::output::ListingOut as _;
use crate::output::{Cell, Listing, Out, ReportFormat, csv_row, escape_markdown, write_workbook};
use crate::ui::Ui;
use crate::workspace;

#[derive(Debug, Args)]
pub struct AttendanceArgs {
    #[arg(long, value_name = "YEAR")]
    pub year: Option<i16>,
    #[arg(long, value_name = "department[:DEPTH]")]
    pub by: Option<String>,
    #[arg(long)]
    pub owing: bool,
    #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
    pub format: ReportFormat,
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<std::path::PathBuf>,
}

pub use xuefa_app::report::attendance::{StudyYear, depth};

/// Returns a year of study of the workspace (see [`xuefa_app::report::attendance::study_year`]).
pub fn study_year(
    workspace: &xuefa_store::Workspace,
    store: &impl xuefa_app::Backend,
    year: i16,
    depth: Option<usize>,
    each: &mut dyn FnMut(&Person, &PersonYear),
) -> Result<StudyYear, CommandError> {
    let today = workspace::office_date(workspace, workspace::now()?);
    Ok(xuefa_app::report::attendance::study_year(store, &workspace.config, year, depth, today, each)?)
}

/// Where rows of people go: a table kept for printing, or CSV and JSON written as they come.
enum Rows {
    Table(Listing),
    Csv,
    Json { first: bool },
}

impl Rows {
    fn new(format: ReportFormat, columns: Vec<(&str, String, Cell)>, out: &mut Out) -> Rows {
        match format {
            ReportFormat::Table | ReportFormat::Md | ReportFormat::Xlsx => {
                Rows::Table(Listing::typed(columns))
            }
            ReportFormat::Csv => {
                let _ = out.write_all(&csv_row(columns.iter().map(|c| c.0)));
                Rows::Csv
            }
            ReportFormat::Json => Rows::Json { first: true },
        }
    }

    fn push(&mut self, out: &mut Out, raw: Vec<String>, shown: Vec<String>, json: impl FnOnce() -> Value) {
        match self {
            Rows::Table(listing) => listing.row_shown(raw, shown),
            Rows::Csv => {
                let _ = out.write_all(&csv_row(raw.iter()));
            }
            Rows::Json { first } => {
                let separator = if *first { "\n    " } else { ",\n    " };
                *first = false;
                let _ = write!(out, "{separator}{}", serde_json::to_string(&json()).unwrap_or_default());
            }
        }
    }

    fn finish(self, out: &mut Out) -> Option<Listing> {
        match self {
            Rows::Table(listing) => Some(listing),
            Rows::Csv => None,
            Rows::Json { first } => {
                let _ = write!(out, "{}", if first { "]" } else { "\n  ]" });
                None
            }
        }
    }
}

pub fn cmd_attendance(args: &AttendanceArgs, global: &GlobalArgs, ui: &Ui) -> Result<(), CommandError> {
    let (workspace, store) = workspace::open(global.workspace.as_ref())?;
    let depth = depth(args.by.as_deref())?;
    let report_year = match args.year {
        Some(year) => year,
        None => workspace::this_year(&workspace)?,
    };
    let custom = workspace.config.study.custom_kinds();
    let label = |key: &str| ui.text(key, &[]);
    let columns = attendance::people_columns(args.owing, ui);
    let mut out = Out::open(args.output.as_deref())?;
    // JSON streams the people first: a province's million rows are never held.
    match (args.format, args.owing) {
        (ReportFormat::Json, true) => {
            let _ = write!(out, "[");
        }
        (ReportFormat::Json, false) => {
            let _ = write!(out, "{{\n  \"year\": {report_year},\n  \"people\": [");
        }
        _ => {}
    }
    let mut rows = Rows::new(args.format, columns, &mut out);
    let study = study_year(&workspace, &store, report_year, depth, &mut |person, year| {
        for (raw, shown, json) in attendance::person_rows(person, year, args.owing, ui) {
            rows.push(&mut out, raw, shown, || json);
        }
    })?;
    let people = rows.finish(&mut out);
    if args.owing {
        match people {
            Some(listing) => listing.write_report(args.format, &ui.text("annual.h_owing", &[]), &mut out)?,
            None if args.format == ReportFormat::Json => {
                let _ = writeln!(out);
            }
            None => {}
        }
        return out.finish();
    }

    let sessions_json = attendance::sessions_json(&study);
    let departments_json = attendance::departments_json(&study);
    match args.format {
        ReportFormat::Json => {
            let indent =
                |v: &Vec<Value>| serde_json::to_string_pretty(v).unwrap_or_default().replace('\n', "\n  ");
            let _ = writeln!(
                out,
                ",\n  \"sessions\": {},\n  \"departments\": {}\n}}",
                indent(&sessions_json),
                indent(&departments_json)
            );
        }
        ReportFormat::Csv => {}
        format => {
            let sessions = attendance::sessions_listing(&study, &custom, ui);
            let departments = attendance::departments_listing(&study, ui);
            let people = people.unwrap_or_else(|| Listing::typed::<&str>(vec![]));
            let sheets = [
                (label("report.h_sessions"), &sessions),
                (label("report.h_people"), &people),
                (label("annual.h_departments"), &departments),
            ];
            match format {
                ReportFormat::Xlsx => {
                    let named: Vec<(&str, &Listing)> = sheets.iter().map(|(n, l)| (n.as_str(), *l)).collect();
                    write_workbook(&named, &mut out)?;
                }
                ReportFormat::Md => {
                    for (name, listing) in sheets {
                        let _ = writeln!(out, "## {}\n\n{}", escape_markdown(&name), listing.markdown());
                    }
                }
                _ => {
                    for (_, listing) in sheets {
                        listing.write_report(ReportFormat::Table, "", &mut out)?;
                    }
                }
            }
        }
    }
    out.finish()
}
