//! `xuefa report attendance --year Y [--by department[:DEPTH]] [--owing]`: per session who was
//! expected and who came; per person the hours by kind and each requirement; per department
//! how many people met every requirement. `--owing` lists who still falls short of what.

use std::collections::{BTreeMap, HashMap};
use std::io::Write as _;

use clap::Args;
use serde_json::{Value, json};
use xuefa_core::exam::Audience;
use xuefa_core::study::{Credit, ExpectedCounter, PersonYear, StudySession, Totals, evaluate_totals};
use xuefa_core::{Department, Person, Status};
use xuefa_store::{Store, StudyStore};

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

/// Returns `a ÷ b`, or `None` for an empty denominator.
pub fn rate(a: usize, b: usize) -> Option<f64> {
    (b > 0).then(|| a as f64 / b as f64)
}

/// Returns a rate as people read it: `95.9%`, or `—` when there is none.
pub fn percent(value: Option<f64>) -> String {
    value.map_or_else(|| "—".to_owned(), |v| format!("{:.1}%", v * 100.0))
}

/// Returns the depth `--by department:DEPTH` asks for (`None`: the full path).
pub fn depth(by: Option<&str>) -> Result<Option<usize>, CommandError> {
    match by {
        None | Some("department") => Ok(None),
        Some(text) => match text.strip_prefix("department:").and_then(|d| d.parse::<usize>().ok()) {
            Some(depth) if depth > 0 => Ok(Some(depth)),
            _ => Err(CommandError::message_of("report.bad_by", vec![("value", text.to_owned())])),
        },
    }
}

/// A session of the year with how many were expected and came.
pub struct Session {
    pub session: StudySession,
    pub expected: usize,
    pub attended: usize,
}

/// A year of study: its sessions, per department (people evaluated, people who met all,
/// hours), and the totals over everyone. Each person's year goes to a callback instead of
/// being kept: a province has a million of them.
pub struct StudyYear {
    pub sessions: Vec<Session>,
    pub departments: BTreeMap<String, (usize, usize, f64)>,
    /// People with requirements (active, on the roster during the year).
    pub evaluated: usize,
    /// Of them, people who met every requirement.
    pub met_all: usize,
    /// Their hours in all.
    pub hours: f64,
    /// Per requirement: people it applies to, people who met it.
    pub requirements: BTreeMap<String, (usize, usize)>,
    /// Hours studied per session kind, over everyone.
    pub hours_by_kind: BTreeMap<String, f64>,
}

/// Returns a year of study from the store (the figures are summed in SQL).
pub fn study_year(
    workspace: &xuefa_store::Workspace,
    store: &xuefa_store::SqliteStore,
    year: i16,
    depth: Option<usize>,
    each: &mut dyn FnMut(&Person, &PersonYear),
) -> Result<StudyYear, CommandError> {
    let now = workspace::now()?;
    let study = &workspace.config.study;
    let (from, to) = (format!("{year:04}-01-01"), format!("{year:04}-12-31"));
    let bad_year = || CommandError::message_of("report.bad_year", vec![("value", year.to_string())]);
    let period = (
        xuefa_core::Date::new(year, 1, 1).map_err(|_| bad_year())?,
        xuefa_core::Date::new(year, 12, 31).map_err(|_| bad_year())?,
    );
    // Sessions are dated in the office's time, like exam dates.
    let today = workspace::office_date(workspace, now);
    let sessions = store.sessions(&from, &to)?;
    let people = store.people(None)?;
    // One pass over the marks, session by session, summing into dense tables: a province
    // has tens of millions of marks, and none is held.
    let credit: &Credit = &study.credit;
    let person_of: HashMap<&str, usize> =
        people.iter().enumerate().map(|(i, p)| (p.id.as_str(), i)).collect();
    let session_of: HashMap<&str, usize> =
        sessions.iter().enumerate().map(|(i, s)| (s.id.as_str(), i)).collect();
    let mut kinds: Vec<String> = Vec::new();
    let kind_of: Vec<usize> = sessions
        .iter()
        .map(|s| match kinds.iter().position(|k| k == s.kind.as_str()) {
            Some(k) => k,
            None => {
                kinds.push(s.kind.as_str().to_owned());
                kinds.len() - 1
            }
        })
        .collect();
    let width = kinds.len().max(1);
    // Per person and kind: hours, sessions attended, and whether there is any mark.
    let mut hours = vec![0.0f64; people.len() * width];
    let mut attended_by_kind = vec![0u32; people.len() * width];
    let mut marked_kind = vec![false; people.len() * width];
    // Per session: marks, attended, marked outside its audience.
    let mut marked = vec![0u64; sessions.len()];
    let mut attended = vec![0u64; sessions.len()];
    let mut outside = vec![0usize; sessions.len()];
    let mut current: Option<(String, usize)> = None;
    let mut counter = ExpectedCounter::new(&people);
    store.scan_marks(&from, &to, &mut |session_id, employee, status, own| {
        let index = match &current {
            Some((id, index)) if id == session_id => *index,
            _ => {
                let Some(&index) = session_of.get(session_id) else { return };
                current = Some((session_id.to_owned(), index));
                index
            }
        };
        let session = &sessions[index];
        let came = matches!(status, "present" | "late" | "left_early");
        marked[index] += 1;
        attended[index] += u64::from(came);
        let person = person_of.get(employee).copied();
        // Marked but maybe not expected: not on the roster, not active, outside their dates,
        // or at a session for a named audience.
        let candidate = match person.map(|p| &people[p]) {
            None => true,
            Some(p) => {
                p.status != Status::Active
                    || p.joined.is_some_and(|j| j > session.date)
                    || p.left.is_some_and(|l| l < session.date)
                    || session.expected != Audience::default()
            }
        };
        if candidate && !person.is_some_and(|p| counter.expects(session, p)) {
            outside[index] += 1;
        }
        let Some(p) = person else { return };
        // The credit of a status, as the office set it; a mark's own hours replace the
        // session's when the status earns anything.
        let share = match status {
            "present" => credit.present,
            "late" => credit.late,
            "left_early" => credit.left_early,
            "excused" => credit.excused,
            _ => credit.absent,
        };
        let cell = p * width + kind_of[index];
        hours[cell] += match own {
            Some(own) if share > 0.0 => own,
            _ => session.hours * share,
        };
        attended_by_kind[cell] += u32::from(came);
        marked_kind[cell] = true;
    })?;
    // A person's totals, made when they are evaluated (a million of them are never held).
    let totals_of = |person: usize| -> Option<Totals> {
        let cells = person * width..(person + 1) * width;
        if !marked_kind[cells.clone()].iter().any(|m| *m) {
            return None;
        }
        let mut totals = Totals::default();
        for cell in cells.filter(|&c| marked_kind[c]) {
            totals.add(&kinds[cell % width], hours[cell], attended_by_kind[cell]);
        }
        Some(totals)
    };
    let counts: HashMap<String, (u64, u64)> =
        sessions.iter().enumerate().map(|(i, s)| (s.id.clone(), (marked[i], attended[i]))).collect();
    let outside: HashMap<String, usize> =
        sessions.iter().enumerate().map(|(i, s)| (s.id.clone(), outside[i])).collect();

    let session_rows: Vec<Session> = sessions
        .iter()
        .map(|session| {
            let (marked, attended) = counts.get(&session.id).copied().unwrap_or((0, 0));
            let audience = counter.count(session);
            let outside = outside.get(&session.id).copied().unwrap_or(0);
            let expected = if session.date < today || marked > 0 { audience + outside } else { audience };
            Session { session: session.clone(), expected, attended: attended as usize }
        })
        .collect();

    // People: everyone on the roster during the year (people who left, only if they studied).
    let group = |p: &Person| -> String {
        match depth {
            Some(d) => p.department.truncated(d).path(),
            None => p.department.path(),
        }
    };
    let mut result = StudyYear {
        sessions: session_rows,
        departments: BTreeMap::new(),
        evaluated: 0,
        met_all: 0,
        hours: 0.0,
        requirements: BTreeMap::new(),
        hours_by_kind: BTreeMap::new(),
    };
    let mut last_group: Option<(Department, String)> = None;
    for (i, person) in people.iter().enumerate() {
        if !(person.joined.is_none_or(|j| j <= period.1) && person.left.is_none_or(|l| l >= period.0)) {
            continue;
        }
        let own = totals_of(i);
        if person.status == Status::Left && own.is_none() {
            continue;
        }
        let year = evaluate_totals(person, own.unwrap_or_default(), &study.requirements, period);
        each(person, &year);
        for (kind, hours) in &year.hours_by_kind {
            *result.hours_by_kind.entry(kind.clone()).or_default() += hours;
        }
        if !year.evaluated {
            continue;
        }
        result.evaluated += 1;
        result.met_all += usize::from(year.met_all());
        result.hours += year.hours;
        for r in &year.requirements {
            let entry = result.requirements.entry(r.name.clone()).or_default();
            entry.0 += 1;
            entry.1 += usize::from(r.met);
        }
        // People come by department: the group's name is worked out once per department.
        let name = match &last_group {
            Some((department, name)) if *department == person.department => name.clone(),
            _ => {
                let name = group(person);
                last_group = Some((person.department.clone(), name.clone()));
                name
            }
        };
        let entry = result.departments.entry(name).or_default();
        entry.0 += 1;
        entry.1 += usize::from(year.met_all());
        entry.2 += year.hours;
    }
    Ok(result)
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
