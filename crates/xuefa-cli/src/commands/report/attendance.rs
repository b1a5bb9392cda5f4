//! `xuefa report attendance --year Y [--by department[:DEPTH]] [--owing]`: per session who was
//! expected and who came; per person the hours by kind and each requirement; per department
//! how many people met every requirement. `--owing` lists who still falls short of what.

use std::io::Write as _;

use clap::Args;
use serde_json::{Value, json};
use xuefa_core::Person;
use xuefa_core::study::PersonYear;

use crate::cli::GlobalArgs;
use crate::commands::exam::points;
use crate::commands::session::kind_label;
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

pub use xuefa_app::format::{percent, rate};
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
    Ok(xuefa_app::report::attendance::study_year(store, &workspace.config.study, year, depth, today, each)?)
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
    let columns: Vec<(&str, String, Cell)> = if args.owing {
        vec![
            ("employee", label("col.employee"), Cell::Text),
            ("name", label("col.name"), Cell::Text),
            ("department", label("col.department"), Cell::Text),
            ("requirement", label("col.requirement"), Cell::Text),
            ("shortfall", label("col.shortfall"), Cell::Decimal),
        ]
    } else {
        vec![
            ("employee", label("col.employee"), Cell::Text),
            ("name", label("col.name"), Cell::Text),
            ("department", label("col.department"), Cell::Text),
            ("hours", label("col.hours"), Cell::Decimal),
            ("met_all", label("col.met_all"), Cell::Text),
            ("owing", label("col.owing"), Cell::Text),
        ]
    };
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
        if args.owing {
            for requirement in year.requirements.iter().filter(|r| !r.met) {
                let unit = ui.text(&format!("unit.{}", requirement.unit), &[]);
                rows.push(
                    &mut out,
                    vec![
                        person.id.clone(),
                        person.name.clone(),
                        person.department.path(),
                        requirement.name.clone(),
                        requirement.shortfall.to_string(),
                    ],
                    vec![
                        person.id.clone(),
                        person.name.clone(),
                        person.department.path(),
                        requirement.name.clone(),
                        format!("{} {unit}", points(requirement.shortfall)),
                    ],
                    || json!({"employee": person.id, "name": person.name, "department": person.department.path(), "requirement": requirement.name, "shortfall": requirement.shortfall, "unit": requirement.unit}),
                );
            }
            return;
        }
        let owing: Vec<String> = year
            .requirements
            .iter()
            .filter(|r| !r.met)
            .map(|r| format!("{} −{}", r.name, points(r.shortfall)))
            .collect();
        let met = if year.evaluated {
            ui.text(if year.met_all() { "yes" } else { "no" }, &[])
        } else {
            ui.text("report.exempt", &[])
        };
        rows.push(
            &mut out,
            vec![
                person.id.clone(),
                person.name.clone(),
                person.department.path(),
                year.hours.to_string(),
                year.met_all().to_string(),
                owing.join("; "),
            ],
            vec![
                person.id.clone(),
                person.name.clone(),
                person.department.path(),
                points(year.hours),
                met,
                owing.join(ui.clause_separator()),
            ],
            || {
                json!({
                    "employee": person.id,
                    "name": person.name,
                    "department": person.department.path(),
                    "status": person.status.as_str(),
                    "hours": year.hours,
                    "hours_by_kind": year.hours_by_kind,
                    "sessions_by_kind": year.sessions_by_kind,
                    "evaluated": year.evaluated,
                    "requirements": year.requirements.iter().map(|r| json!({
                        "name": r.name, "met": r.met, "shortfall": r.shortfall, "required": r.required, "done": r.done, "unit": r.unit,
                    })).collect::<Vec<_>>(),
                })
            },
        );
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

    let sessions_json: Vec<Value> = study
        .sessions
        .iter()
        .map(|row| {
            json!({
                "id": row.session.id,
                "date": row.session.date.to_string(),
                "kind": row.session.kind.as_str(),
                "title": row.session.title,
                "hours": row.session.hours,
                "expected": row.expected,
                "attended": row.attended,
                "attendance_rate": rate(row.attended, row.expected),
                "headcount": row.session.headcount,
                "materials": row.session.materials,
            })
        })
        .collect();
    let departments_json: Vec<Value> = study
        .departments
        .iter()
        .map(|(department, (evaluated, met, hours))| {
            json!({
                "department": department,
                "people": evaluated,
                "met_all": met,
                "met_rate": rate(*met, *evaluated),
                "mean_hours": (*evaluated > 0).then(|| hours / *evaluated as f64),
            })
        })
        .collect();
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
            let mut sessions = Listing::typed(vec![
                ("id", label("col.session_id"), Cell::Text),
                ("date", label("col.date"), Cell::Date),
                ("kind", label("col.session_kind"), Cell::Text),
                ("title", label("col.topic"), Cell::Text),
                ("hours", label("col.hours"), Cell::Decimal),
                ("expected", label("col.expected"), Cell::Count),
                ("attended", label("col.attended"), Cell::Count),
                ("attendance_rate", label("col.attendance_rate"), Cell::Percent),
            ]);
            for row in &study.sessions {
                let s = &row.session;
                let r = rate(row.attended, row.expected);
                let mut raw = vec![
                    s.id.clone(),
                    s.date.to_string(),
                    s.kind.as_str().to_owned(),
                    s.title.clone(),
                    s.hours.to_string(),
                    row.expected.to_string(),
                    row.attended.to_string(),
                    r.map(|v| v.to_string()).unwrap_or_default(),
                ];
                let mut shown = raw.clone();
                shown[2] = kind_label(&s.kind, &custom, ui);
                shown[4] = points(s.hours);
                shown[7] = percent(r);
                raw.truncate(8);
                sessions.row_shown(raw, shown);
            }
            let mut departments = Listing::typed(vec![
                ("department", label("col.department"), Cell::Text),
                ("people", label("col.people"), Cell::Count),
                ("met_all", label("col.met_all"), Cell::Count),
                ("met_rate", label("col.met_rate"), Cell::Percent),
            ]);
            for (department, (evaluated, met, _)) in &study.departments {
                let r = rate(*met, *evaluated);
                departments.row_shown(
                    vec![
                        department.clone(),
                        evaluated.to_string(),
                        met.to_string(),
                        r.map(|v| v.to_string()).unwrap_or_default(),
                    ],
                    vec![department.clone(), evaluated.to_string(), met.to_string(), percent(r)],
                );
            }
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
