//! `xuefa report attendance --year Y [--by department[:DEPTH]] [--owing]`: per session who was
//! expected and who came; per person the hours by kind and each requirement; per department
//! how many people met every requirement. `--owing` lists who still falls short of what.

use std::collections::{BTreeMap, HashMap};

use clap::Args;
use serde_json::{Value, json};
use xuefa_core::exam::Audience;
use xuefa_core::study::{Credit, PersonYear, StudySession, Totals, evaluate_totals};
use xuefa_core::{Person, Status};
use xuefa_store::{Store, StudyStore};

use crate::cli::GlobalArgs;
use crate::commands::exam::points;
use crate::commands::session::kind_label;
use crate::error::CommandError;
use crate::output::{ListFormat, Listing};
use crate::ui::Ui;
use crate::workspace;

#[derive(Debug, Args)]
pub struct AttendanceArgs {
    #[arg(long, value_name = "YEAR")]
    pub year: i16,
    #[arg(long, value_name = "department[:DEPTH]")]
    pub by: Option<String>,
    #[arg(long)]
    pub owing: bool,
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

/// Returns `a ÷ b`, or `None` for an empty denominator.
pub fn rate(a: usize, b: usize) -> Option<f64> {
    (b > 0).then(|| a as f64 / b as f64)
}

fn percent(value: Option<f64>) -> String {
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

/// A year of study: its sessions, everyone on the roster during it with their hours and
/// requirements, and per department (people evaluated, people who met all, hours).
pub struct StudyYear {
    pub sessions: Vec<Session>,
    pub people: Vec<(Person, PersonYear)>,
    pub departments: BTreeMap<String, (usize, usize, f64)>,
}

/// Returns a year of study from the store (the figures are summed in SQL).
pub fn study_year(
    workspace: &xuefa_store::Workspace,
    store: &xuefa_store::SqliteStore,
    year: i16,
    depth: Option<usize>,
) -> Result<StudyYear, CommandError> {
    let now = workspace::now()?;
    let study = &workspace.config.study;
    let (from, to) = (format!("{year:04}-01-01"), format!("{year:04}-12-31"));
    let bad_year = || CommandError::message_of("report.bad_year", vec![("value", year.to_string())]);
    let period = (
        xuefa_core::Date::new(year, 1, 1).map_err(|_| bad_year())?,
        xuefa_core::Date::new(year, 12, 31).map_err(|_| bad_year())?,
    );
    // Sessions are dated in China Standard Time, like exam dates.
    let today = jiff::tz::offset(8).to_datetime(now).date();
    let sessions = store.sessions(&from, &to)?;
    let people = store.people(None)?;
    let by_session: BTreeMap<String, StudySession> =
        sessions.iter().map(|s| (s.id.clone(), s.clone())).collect();
    // The database sums the marks: a province has tens of millions of them.
    let credit: &Credit = &study.credit;
    let mut totals: HashMap<String, Totals> = HashMap::new();
    for (employee, kind, hours, attended) in store.study_totals(&from, &to, credit)? {
        totals.entry(employee).or_default().add(&kind, hours, attended);
    }
    let counts: HashMap<String, (u64, u64)> = store
        .session_counts(&from, &to)?
        .into_iter()
        .map(|(id, marked, attended)| (id, (marked, attended)))
        .collect();

    // Sessions: expected = the audience on the roster that day, plus anyone marked outside it.
    let person_of: HashMap<&str, &Person> = people.iter().map(|p| (p.id.as_str(), p)).collect();
    let restricted: Vec<String> =
        sessions.iter().filter(|s| s.expected != Audience::default()).map(|s| s.id.clone()).collect();
    let mut outside: HashMap<String, usize> = HashMap::new();
    for (session, employee) in store.unexpected_candidates(&from, &to, &restricted)? {
        let Some(session) = by_session.get(&session) else { continue };
        if !person_of.get(employee.as_str()).is_some_and(|p| session.expects(p)) {
            *outside.entry(session.id.clone()).or_default() += 1;
        }
    }
    let session_rows: Vec<Session> = sessions
        .iter()
        .map(|session| {
            let (marked, attended) = counts.get(&session.id).copied().unwrap_or((0, 0));
            let audience = people.iter().filter(|p| session.expects(p)).count();
            let outside = outside.get(&session.id).copied().unwrap_or(0);
            let expected = if session.date < today || marked > 0 { audience + outside } else { audience };
            Session { session: session.clone(), expected, attended: attended as usize }
        })
        .collect();

    // People: everyone on the roster during the year (people who left, only if they studied).
    let years: Vec<(Person, PersonYear)> = people
        .iter()
        .filter(|p| p.joined.is_none_or(|j| j <= period.1) && p.left.is_none_or(|l| l >= period.0))
        .filter_map(|p| {
            let own = totals.remove(&p.id);
            if p.status == Status::Left && own.is_none() {
                return None;
            }
            Some((p.clone(), evaluate_totals(p, own.unwrap_or_default(), &study.requirements, period)))
        })
        .collect();

    // Departments.
    let group = |p: &Person| -> String {
        match depth {
            Some(d) => p.department.truncated(d).path(),
            None => p.department.path(),
        }
    };
    let mut departments: BTreeMap<String, (usize, usize, f64)> = BTreeMap::new();
    for (person, year) in &years {
        if !year.evaluated {
            continue;
        }
        let entry = departments.entry(group(person)).or_default();
        entry.0 += 1;
        entry.1 += usize::from(year.met_all());
        entry.2 += year.hours;
    }
    Ok(StudyYear { sessions: session_rows, people: years, departments })
}

pub fn cmd_attendance(args: &AttendanceArgs, global: &GlobalArgs, ui: &Ui) -> Result<(), CommandError> {
    let (workspace, store) = workspace::open(global.workspace.as_ref())?;
    let depth = depth(args.by.as_deref())?;
    let custom = workspace.config.study.custom_kinds();
    let StudyYear { sessions: session_rows, people: years, departments } =
        study_year(&workspace, &store, args.year, depth)?;

    let kind_name = |s: &StudySession| kind_label(&s.kind, &custom, ui);
    let sessions_json: Vec<Value> = session_rows
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
    let people_json: Vec<Value> = years
        .iter()
        .map(|(person, year)| {
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
        })
        .collect();
    let departments_json: Vec<Value> = departments
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

    if args.owing {
        let columns = [
            ("employee", "col.employee"),
            ("name", "col.name"),
            ("department", "col.department"),
            ("requirement", "col.requirement"),
            ("shortfall", "col.shortfall"),
        ];
        let mut listing = Listing::new(columns.iter().map(|(f, k)| (*f, ui.text(k, &[]))).collect());
        let mut rows = Vec::new();
        for (person, year) in &years {
            for requirement in year.requirements.iter().filter(|r| !r.met) {
                let unit = ui.text(&format!("unit.{}", requirement.unit), &[]);
                listing.row_shown(
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
                );
                rows.push(json!({"employee": person.id, "name": person.name, "department": person.department.path(), "requirement": requirement.name, "shortfall": requirement.shortfall, "unit": requirement.unit}));
            }
        }
        listing.json(Value::Array(rows)).print(args.format);
        return Ok(());
    }

    let report = json!({ "year": args.year, "sessions": sessions_json, "people": people_json, "departments": departments_json });
    match args.format {
        ListFormat::Json => println!("{}", serde_json::to_string_pretty(&report).unwrap_or_default()),
        format => {
            // Tables for people; CSV holds the people, one row each.
            if format == ListFormat::Table {
                let columns = [
                    ("id", "col.session"),
                    ("date", "col.date"),
                    ("kind", "col.kind"),
                    ("title", "col.title"),
                    ("hours", "col.hours"),
                    ("expected", "col.expected"),
                    ("attended", "col.attended"),
                    ("rate", "col.rate"),
                ];
                let mut listing = Listing::new(columns.iter().map(|(f, k)| (*f, ui.text(k, &[]))).collect());
                for row in &session_rows {
                    let s = &row.session;
                    listing.row(vec![
                        s.id.clone(),
                        s.date.to_string(),
                        kind_name(s),
                        s.title.clone(),
                        points(s.hours),
                        row.expected.to_string(),
                        row.attended.to_string(),
                        percent(rate(row.attended, row.expected)),
                    ]);
                }
                listing.print(format);
            }
            let columns = [
                ("employee", "col.employee"),
                ("name", "col.name"),
                ("department", "col.department"),
                ("hours", "col.hours"),
                ("met_all", "col.met_all"),
                ("owing", "col.owing"),
            ];
            let mut listing = Listing::new(columns.iter().map(|(f, k)| (*f, ui.text(k, &[]))).collect());
            for (person, year) in &years {
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
                listing.row_shown(
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
                        owing.join("；"),
                    ],
                );
            }
            listing.print(format);
            if format == ListFormat::Table {
                let columns = [
                    ("department", "col.department"),
                    ("people", "col.people"),
                    ("met_all", "col.met_all"),
                    ("rate", "col.rate"),
                ];
                let mut listing = Listing::new(columns.iter().map(|(f, k)| (*f, ui.text(k, &[]))).collect());
                for (department, (evaluated, met, _)) in &departments {
                    listing.row(vec![
                        department.clone(),
                        evaluated.to_string(),
                        met.to_string(),
                        percent(rate(*met, *evaluated)),
                    ]);
                }
                listing.print(format);
            }
        }
    }
    Ok(())
}
