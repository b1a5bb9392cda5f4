//! The annual report: what an office puts in its yearly rule-of-law report — study sessions
//! by kind with their total, requirements met, study by department, each exam's figures,
//! public outreach, and how many are still short, by department (by name only for internal
//! use) — gathered once and written as Markdown, a self-contained HTML page with SVG
//! charts, JSON, an XLSX workbook or a Word document in the official-document format
//! ([`docx`]). Every figure in the summary is a total row of a table.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use jiff::Timestamp;
use serde_json::{Value, json};
use xuefa_core::study::SessionKind;
use xuefa_store::Config;

use super::attendance::{PracticeFigures, StudyYear, kind_label, study_year};
use super::exam::{
    ExamReport, Missing, Standing, exam_report, figures_json, figures_listing, missing_listing,
};
use crate::Backend;
use crate::error::AppError;
use crate::format::{percent, points, rate};
use crate::i18n::Tr;
use crate::render::{Cell, Listing, escape_html, escape_markdown};

mod docx;
pub use docx::docx;

/// One kind of study session over the year (public outreach has a section of its own).
struct KindRow {
    kind: String,
    name: String,
    sessions: usize,
    /// The hours the sessions were held for; `None` for a kind whose hours are each
    /// person's own (online self-study records what each person studied).
    hours: Option<f64>,
    expected: usize,
    attended: usize,
    person_hours: f64,
}

/// One exam of the year.
struct ExamPart {
    id: String,
    title: String,
    report: ExamReport,
    figures: Listing,
    /// Who must sit and has not passed, counted by department.
    missing_counts: Listing,
    /// The same people by name (only with `--with-names`).
    missing: Option<Listing>,
    missing_count: usize,
}

impl ExamPart {
    /// The exam's headline figures as message arguments: title, 应考, 参考 and its rate,
    /// 合格 and its rate, 优秀 and its rate.
    pub(crate) fn figures(&self) -> [(&'static str, String); 8] {
        let t = &self.report.total;
        [
            ("title", self.title.clone()),
            ("expected", t.expected.to_string()),
            ("took", t.took.to_string()),
            ("participation", percent(t.participation_rate)),
            ("passed", t.passed.to_string()),
            ("pass_rate", percent(t.pass_rate)),
            ("excellent", t.excellent.to_string()),
            ("excellent_rate", percent(t.excellent_rate)),
        ]
    }
}

/// Everything the annual report says, gathered once and written in any format.
#[allow(missing_debug_implementations)] // listings and figures, shown by the renderers
pub struct Annual {
    year: i16,
    office: String,
    /// The office's date the report was made: its 成文日期.
    date: xuefa_core::Date,
    kinds: Vec<KindRow>,
    /// Study sessions, their hours (kinds with fixed hours) and person-hours, in all.
    kind_totals: (usize, f64, f64),
    online: bool,
    study: StudyYear,
    requirements: Vec<(String, usize, usize)>,
    exams: Vec<ExamPart>,
    outreach: Listing,
    outreach_totals: (usize, u64, u64),
    owing_counts: Listing,
    owing_people: usize,
    owing: Option<Listing>,
    departments: Listing,
    kind_listing: Listing,
    requirement_listing: Listing,
    /// Practice by department, with its total (`None`: nobody practised in the year).
    practice: Option<Listing>,
    practice_total: PracticeFigures,
    /// The `[practice]` credit as (minutes a question, minutes a day), when on.
    practice_credit: Option<(f64, f64)>,
}

/// What the annual report covers and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AnnualOptions {
    /// The year.
    pub year: i16,
    /// Departments cut to this many levels (`None`: full paths).
    pub depth: Option<usize>,
    /// Whether to list people by name (for internal use).
    pub with_names: bool,
}

/// Returns everything the annual report says, gathered once, in a language. `today` is the
/// office's date and `now` the time (open attempts past their deadline are submitted).
///
/// # Errors
/// Returns store errors and an impossible year.
pub fn gather<S: Backend + ?Sized>(
    store: &mut S,
    config: &Config,
    options: AnnualOptions,
    today: xuefa_core::Date,
    now: Timestamp,
    ui: &Tr,
) -> Result<Annual, AppError> {
    let AnnualOptions { year, depth, with_names } = options;
    // Who is still short, kept as they stream past: by department always, by name only
    // when asked for (a province's list is long, and a published report names nobody).
    let mut short_by_department: BTreeMap<String, usize> = BTreeMap::new();
    let mut short: Vec<(String, String, String, String, f64, &'static str)> = Vec::new();
    let mut groups = super::attendance::Groups::new(depth);
    let study = study_year(&*store, config, year, depth, today, &mut |person, person_year| {
        if !person_year.evaluated || person_year.met_all() {
            return;
        }
        *short_by_department.entry(groups.name(&person.department).to_owned()).or_default() += 1;
        if !with_names {
            return;
        }
        for r in person_year.requirements.iter().filter(|r| !r.met) {
            short.push((
                person.department.path(),
                person.id.clone(),
                person.name.clone(),
                r.name.clone(),
                r.shortfall,
                r.unit,
            ));
        }
    })?;
    let custom = config.study.custom_kinds();

    // Study sessions by kind, in the order of the built-in kinds, then the office's own.
    let mut order: Vec<SessionKind> =
        SessionKind::BUILT_IN.iter().filter(|k| **k != SessionKind::Outreach).cloned().collect();
    order.extend(custom.iter().map(|(id, _)| SessionKind::Custom(id.clone())));
    let mut kinds: Vec<KindRow> = Vec::new();
    for kind in &order {
        let rows: Vec<_> = study.sessions.iter().filter(|s| &s.session.kind == kind).collect();
        let person_hours: f64 = study.hours_by_kind.get(kind.as_str()).copied().unwrap_or(0.0) + 0.0;
        // Online self-study may have hours without sessions: those practice earned.
        if rows.is_empty() && person_hours == 0.0 {
            continue;
        }
        let held: f64 = rows.iter().map(|s| s.session.hours).sum::<f64>() + 0.0;
        kinds.push(KindRow {
            kind: kind.as_str().to_owned(),
            name: kind_label(kind, &custom, ui),
            sessions: rows.len(),
            hours: (*kind != SessionKind::Online || held > 0.0).then_some(held),
            expected: rows.iter().map(|s| s.expected).sum(),
            attended: rows.iter().map(|s| s.attended).sum(),
            person_hours,
        });
    }
    let online = kinds.iter().any(|k| k.hours.is_none());
    let kind_totals = (
        kinds.iter().map(|k| k.sessions).sum::<usize>(),
        kinds.iter().filter_map(|k| k.hours).sum::<f64>() + 0.0,
        kinds.iter().map(|k| k.person_hours).sum::<f64>() + 0.0,
    );
    let mut kind_listing = Listing::typed(vec![
        ("kind", ui.text("col.session_kind", &[]), Cell::Text),
        ("sessions", ui.text("col.sessions", &[]), Cell::Count),
        ("hours", ui.text("col.session_hours", &[]), Cell::Decimal),
        ("expected", ui.text("col.expected", &[]), Cell::Count),
        ("attended", ui.text("col.attended", &[]), Cell::Count),
        ("attendance_rate", ui.text("col.attendance_rate", &[]), Cell::Percent),
        ("person_hours", ui.text("col.person_hours", &[]), Cell::Decimal),
    ]);
    let kind_row = |listing: &mut Listing,
                    kind: &str,
                    name: &str,
                    sessions,
                    hours: Option<f64>,
                    expected,
                    attended,
                    person_hours: f64| {
        let r = rate(attended, expected);
        listing.row_shown(
            vec![
                kind.to_owned(),
                usize::to_string(&sessions),
                hours.map(|h| h.to_string()).unwrap_or_default(),
                usize::to_string(&expected),
                usize::to_string(&attended),
                r.map(|v| v.to_string()).unwrap_or_default(),
                person_hours.to_string(),
            ],
            vec![
                name.to_owned(),
                sessions.to_string(),
                hours.map_or_else(|| "—".to_owned(), points),
                expected.to_string(),
                attended.to_string(),
                percent(r),
                points((person_hours * 10.0).round() / 10.0),
            ],
        );
    };
    for k in &kinds {
        kind_row(
            &mut kind_listing,
            &k.kind,
            &k.name,
            k.sessions,
            k.hours,
            k.expected,
            k.attended,
            k.person_hours,
        );
    }
    if !kinds.is_empty() {
        kind_row(
            &mut kind_listing,
            "total",
            &ui.text("report.total", &[]),
            kind_totals.0,
            Some(kind_totals.1),
            kinds.iter().map(|k| k.expected).sum(),
            kinds.iter().map(|k| k.attended).sum(),
            kind_totals.2,
        );
    }

    // Requirements: of the people each applies to, how many met it.
    let requirements: Vec<(String, usize, usize)> =
        study.requirements.iter().map(|(name, (people, met))| (name.clone(), *people, *met)).collect();
    let mut requirement_listing = Listing::typed(vec![
        ("requirement", ui.text("col.requirement", &[]), Cell::Text),
        ("people", ui.text("col.people", &[]), Cell::Count),
        ("met", ui.text("col.met", &[]), Cell::Count),
        ("met_rate", ui.text("col.met_rate", &[]), Cell::Percent),
    ]);
    for (name, people, met) in &requirements {
        let r = rate(*met, *people);
        requirement_listing.row_shown(
            vec![
                name.clone(),
                people.to_string(),
                met.to_string(),
                r.map(|v| v.to_string()).unwrap_or_default(),
            ],
            vec![name.clone(), people.to_string(), met.to_string(), percent(r)],
        );
    }

    // Departments, then their total: the people with requirements, as the summary counts.
    let mut departments = Listing::typed(vec![
        ("department", ui.text("col.department", &[]), Cell::Text),
        ("people", ui.text("col.people", &[]), Cell::Count),
        ("met_all", ui.text("col.met_all", &[]), Cell::Count),
        ("met_rate", ui.text("col.met_rate", &[]), Cell::Percent),
        ("mean_hours", ui.text("col.mean_hours", &[]), Cell::Decimal),
    ]);
    let total_label = ui.text("report.total", &[]);
    let rows = study
        .departments
        .iter()
        .map(|(d, (people, met, hours))| (d.as_str(), *people, *met, *hours))
        .chain([(total_label.as_str(), study.evaluated, study.met_all, study.hours)]);
    for (department, people, met, hours) in rows {
        let r = rate(met, people);
        let mean = (people > 0).then(|| hours / people as f64);
        departments.row_shown(
            vec![
                department.to_owned(),
                people.to_string(),
                met.to_string(),
                r.map(|v| v.to_string()).unwrap_or_default(),
                mean.map(|v| v.to_string()).unwrap_or_default(),
            ],
            vec![
                department.to_owned(),
                people.to_string(),
                met.to_string(),
                percent(r),
                mean.map_or_else(|| "—".to_owned(), |v| format!("{v:.1}")),
            ],
        );
    }

    let (practice, practice_total) = practice_listing(&study, config.practice.credit().is_some(), ui);
    let practice_credit = config.practice.credit();

    // Exams of the year.
    let mut exams = Vec::new();
    let year_exams: Vec<String> =
        store.exams()?.into_iter().filter(|e| e.year == i32::from(year)).map(|e| e.id).collect();
    for id in year_exams {
        let exam = store.exam(&id)?;
        let (report, missing) = exam_report(store, &exam, depth, now)?;
        let missing_count = missing.len();
        exams.push(ExamPart {
            id: exam.spec.id.clone(),
            title: exam.spec.title.clone(),
            figures: figures_listing(&report, ui, false),
            missing_counts: missing_counts(&missing, ui),
            missing: with_names.then(|| missing_listing(&missing, ui)),
            report,
            missing_count,
        });
    }

    // Outreach, then its total.
    let mut outreach = Listing::typed(vec![
        ("date", ui.text("col.date", &[]), Cell::Date),
        ("title", ui.text("col.topic", &[]), Cell::Text),
        ("place", ui.text("col.place", &[]), Cell::Text),
        ("headcount", ui.text("col.headcount", &[]), Cell::Count),
        ("materials", ui.text("col.materials", &[]), Cell::Count),
    ]);
    let mut outreach_totals = (0usize, 0u64, 0u64);
    for s in study.sessions.iter().filter(|s| s.session.kind == SessionKind::Outreach) {
        let count = |n: Option<u64>| n.map(|n| n.to_string()).unwrap_or_default();
        outreach_totals.0 += 1;
        outreach_totals.1 += s.session.headcount.unwrap_or(0);
        outreach_totals.2 += s.session.materials.unwrap_or(0);
        outreach.row(vec![
            s.session.date.to_string(),
            s.session.title.clone(),
            s.session.place.clone(),
            count(s.session.headcount),
            count(s.session.materials),
        ]);
    }
    if outreach_totals.0 > 0 {
        outreach.row(vec![
            total_label.clone(),
            ui.text("annual.outreach_events", &[("events", outreach_totals.0.to_string())]),
            String::new(),
            outreach_totals.1.to_string(),
            outreach_totals.2.to_string(),
        ]);
    }

    // Still short: by department, and by name when asked for.
    let mut owing_counts = Listing::typed(vec![
        ("department", ui.text("col.department", &[]), Cell::Text),
        ("people", ui.text("col.people_short", &[]), Cell::Count),
    ]);
    let owing_people: usize = short_by_department.values().sum();
    for (department, people) in &short_by_department {
        owing_counts.row(vec![department.clone(), people.to_string()]);
    }
    if !short_by_department.is_empty() {
        owing_counts.row(vec![total_label.clone(), owing_people.to_string()]);
    }
    let owing_counts = owing_counts.json(Value::Array(
        short_by_department.iter().map(|(d, people)| json!({"department": d, "people": people})).collect(),
    ));
    let owing = with_names.then(|| {
        let mut owing = Listing::typed(vec![
            ("department", ui.text("col.department", &[]), Cell::Text),
            ("employee", ui.text("col.employee", &[]), Cell::Text),
            ("name", ui.text("col.name", &[]), Cell::Text),
            ("requirement", ui.text("col.requirement", &[]), Cell::Text),
            ("shortfall", ui.text("col.shortfall", &[]), Cell::Decimal),
        ]);
        short.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
        let mut owing_json = Vec::new();
        for (department, employee, name, requirement, shortfall, unit_key) in short {
            let unit = ui.text(&format!("unit.{unit_key}"), &[("count", points(shortfall))]);
            owing_json.push(json!({"department": department, "employee": employee, "name": name, "requirement": requirement, "shortfall": shortfall, "unit": unit_key}));
            let shown = vec![
                department.clone(),
                employee.clone(),
                name.clone(),
                requirement.clone(),
                format!("{} {unit}", points(shortfall)),
            ];
            owing.row_shown(vec![department, employee, name, requirement, shortfall.to_string()], shown);
        }
        owing.json(Value::Array(owing_json))
    });

    Ok(Annual {
        year,
        office: config.office.name.clone(),
        date: today,
        kinds,
        kind_totals,
        online,
        study,
        requirements,
        exams,
        outreach,
        outreach_totals,
        owing_counts,
        owing_people,
        owing,
        departments,
        kind_listing,
        requirement_listing,
        practice,
        practice_total,
        practice_credit,
    })
}

/// Returns practice by department with its total row, or `None` when nobody practised;
/// the hours practice earned are a column only when it earns any (`credit`).
fn practice_listing(study: &StudyYear, credit: bool, ui: &Tr) -> (Option<Listing>, PracticeFigures) {
    let mut total = PracticeFigures::default();
    for figures in study.practice.values() {
        total.add(figures);
    }
    if total.practised == 0 {
        return (None, total);
    }
    let mut columns = vec![
        ("department", ui.text("col.department", &[]), Cell::Text),
        ("people", ui.text("col.people", &[]), Cell::Count),
        ("practised", ui.text("col.practised", &[]), Cell::Count),
        ("participation_rate", ui.text("col.practice_participation", &[]), Cell::Percent),
        ("answered", ui.text("col.practice_answered", &[]), Cell::Count),
        ("right_rate", ui.text("col.practice_accuracy", &[]), Cell::Percent),
    ];
    if credit {
        columns.push(("hours", ui.text("col.practice_hours", &[]), Cell::Decimal));
    }
    let mut listing = Listing::typed(columns);
    let total_label = ui.text("report.total", &[]);
    let rows = study.practice.iter().map(|(d, f)| (d.as_str(), f)).chain([(total_label.as_str(), &total)]);
    let mut json_rows = Vec::new();
    for (department, f) in rows {
        let participation = rate(f.practised, f.people);
        let right = rate(f.right, f.answered);
        let hours = (f.hours * 10.0).round() / 10.0 + 0.0;
        let mut raw = vec![
            department.to_owned(),
            f.people.to_string(),
            f.practised.to_string(),
            participation.map(|v| v.to_string()).unwrap_or_default(),
            f.answered.to_string(),
            right.map(|v| v.to_string()).unwrap_or_default(),
        ];
        let mut shown = vec![
            department.to_owned(),
            f.people.to_string(),
            f.practised.to_string(),
            percent(participation),
            f.answered.to_string(),
            percent(right),
        ];
        if credit {
            raw.push(f.hours.to_string());
            shown.push(points(hours));
        }
        listing.row_shown(raw, shown);
        if !std::ptr::eq(f, &total) {
            json_rows.push(practice_json(Some(department), f));
        }
    }
    (Some(listing.json(Value::Array(json_rows))), total)
}

/// Practice figures as JSON, of a department or (`None`) of everyone.
fn practice_json(department: Option<&str>, f: &PracticeFigures) -> Value {
    let mut value = json!({
        "people": f.people,
        "practised": f.practised,
        "participation_rate": rate(f.practised, f.people),
        "answered": f.answered,
        "right": f.right,
        "right_rate": rate(f.right, f.answered),
        "hours": f.hours,
    });
    if let Some(department) = department {
        value["department"] = json!(department);
    }
    value
}

/// Returns who must sit an exam and has not passed, counted by department and standing.
fn missing_counts(missing: &[Missing], ui: &Tr) -> Listing {
    let mut counts: BTreeMap<&str, [usize; 3]> = BTreeMap::new();
    for m in missing {
        let slot = match m.standing {
            Standing::NotSat => 0,
            Standing::InProgress => 1,
            _ => 2,
        };
        counts.entry(m.group.as_str()).or_default()[slot] += 1;
    }
    let mut listing = Listing::typed(vec![
        ("department", ui.text("col.department", &[]), Cell::Text),
        ("not_sat", ui.text("standing.not_sat", &[]), Cell::Count),
        ("in_progress", ui.text("standing.in_progress", &[]), Cell::Count),
        ("failed", ui.text("standing.failed", &[]), Cell::Count),
        ("people", ui.text("col.people", &[]), Cell::Count),
    ]);
    let mut total = [0usize; 3];
    for (department, c) in &counts {
        for i in 0..3 {
            total[i] += c[i];
        }
        let mut row = vec![department.to_string()];
        row.extend(c.iter().map(usize::to_string));
        row.push(c.iter().sum::<usize>().to_string());
        listing.row(row);
    }
    if !counts.is_empty() {
        let mut row = vec![ui.text("report.total", &[])];
        row.extend(total.iter().map(usize::to_string));
        row.push(total.iter().sum::<usize>().to_string());
        listing.row(row);
    }
    let json: Vec<Value> = counts
        .iter()
        .map(|(d, c)| json!({"department": d, "not_sat": c[0], "in_progress": c[1], "failed": c[2]}))
        .collect();
    listing.json(Value::Array(json))
}

/// The summary sentences an office's report opens with. Each figure is a total row of a
/// table below, and says in words what it leaves out.
pub fn summary(a: &Annual, ui: &Tr) -> Vec<String> {
    let mut lines = Vec::new();
    let by_kind: Vec<String> = a
        .kinds
        .iter()
        .map(|k| ui.text("annual.kind_count", &[("kind", k.name.clone()), ("count", k.sessions.to_string())]))
        .collect();
    let (sessions, hours, person_hours) = a.kind_totals;
    if sessions == 0 {
        lines.push(ui.text("annual.no_sessions", &[]));
    } else {
        lines.push(ui.text(
            "annual.sessions",
            &[
                ("count", sessions.to_string()),
                ("kinds", by_kind.join(ui.list_separator())),
                ("hours", points(hours)),
                ("person_hours", points((person_hours * 10.0).round() / 10.0)),
            ],
        ));
        if a.online {
            lines.push(ui.text("annual.online_hours", &[]));
        }
    }
    let (evaluated, met) = (a.study.evaluated, a.study.met_all);
    let mean = (evaluated > 0).then(|| a.study.hours / evaluated as f64);
    lines.push(ui.text(
        "annual.study",
        &[
            ("people", evaluated.to_string()),
            ("mean", mean.map_or_else(|| "—".to_owned(), |m| format!("{m:.1}"))),
            ("met", met.to_string()),
            ("rate", percent(rate(met, evaluated))),
        ],
    ));
    for exam in &a.exams {
        let t = &exam.report.total;
        lines.push(ui.text("annual.exam", &exam.figures()));
        if t.expected > 0 && t.passed == t.expected {
            lines.push(ui.text("annual.all_passed", &[("title", exam.title.clone())]));
        }
    }
    lines.extend(practice_text(a, ui));
    let (events, audience, materials) = a.outreach_totals;
    if events > 0 {
        lines.push(ui.text(
            "annual.outreach",
            &[
                ("events", events.to_string()),
                ("audience", audience.to_string()),
                ("materials", materials.to_string()),
            ],
        ));
    }
    let not_passed: usize = a.exams.iter().map(|e| e.missing_count).sum();
    lines.push(
        ui.text("annual.short", &[("people", a.owing_people.to_string()), ("exam", not_passed.to_string())]),
    );
    lines
}

/// The practice sentence of the summary, with how practice counts as study hours when it
/// does; `None` when nobody practised and practice earns no hours.
fn practice_text(a: &Annual, ui: &Tr) -> Option<String> {
    let mut text = a.practice.as_ref().map(|_| {
        let t = &a.practice_total;
        ui.text(
            "annual.practice",
            &[
                ("practised", t.practised.to_string()),
                ("people", t.people.to_string()),
                ("rate", percent(rate(t.practised, t.people))),
                ("answered", t.answered.to_string()),
                ("right_rate", percent(rate(t.right, t.answered))),
            ],
        )
    });
    if let Some((per_question, per_day)) = a.practice_credit {
        let credit = practice_credit_line(a, per_question, per_day, ui);
        text = Some(match text {
            Some(text) => format!("{text}{}{credit}", docx::gap(ui)),
            None => credit,
        });
    }
    text
}

/// Says how practice counts as online self-study, and how many hours it earned.
fn practice_credit_line(a: &Annual, per_question: f64, per_day: f64, ui: &Tr) -> String {
    ui.text(
        "annual.practice_credit",
        &[
            ("minutes", points(per_question)),
            ("cap", points(per_day)),
            ("hours", points((a.practice_total.hours * 10.0).round() / 10.0 + 0.0)),
        ],
    )
}

pub fn to_json(a: &Annual) -> Value {
    let (evaluated, met) = (a.study.evaluated, a.study.met_all);
    let mut value = json!({
        "year": a.year,
        "office": a.office,
        "sessions_by_kind": a.kinds.iter().map(|k| json!({
            "kind": k.kind, "name": k.name, "sessions": k.sessions, "hours": k.hours,
            "expected": k.expected, "attended": k.attended, "attendance_rate": rate(k.attended, k.expected),
            "person_hours": k.person_hours,
        })).collect::<Vec<_>>(),
        "sessions_total": {
            "sessions": a.kind_totals.0, "hours": a.kind_totals.1, "person_hours": a.kind_totals.2,
        },
        "study": {
            "people": evaluated,
            "met_all": met,
            "met_rate": rate(met, evaluated),
            "mean_hours": (evaluated > 0).then(|| a.study.hours / evaluated as f64),
            "requirements": a.requirements.iter().map(|(name, people, met)| json!({
                "name": name, "people": people, "met": met, "met_rate": rate(*met, *people),
            })).collect::<Vec<_>>(),
            "departments": a.study.departments.iter().map(|(d, (people, met, hours))| json!({
                "department": d, "people": people, "met_all": met, "met_rate": rate(*met, *people),
                "mean_hours": (*people > 0).then(|| hours / *people as f64),
            })).collect::<Vec<_>>(),
        },
        "exams": a.exams.iter().map(|e| {
            let mut exam = json!({
                "exam": e.id,
                "title": e.title,
                "total_points": e.report.total_points,
                "groups": e.report.groups.iter().map(|(d, f)| figures_json(Some(d), f)).collect::<Vec<_>>(),
                "total": figures_json(None, &e.report.total),
                "missing_by_department": e.missing_counts.json_value(),
            });
            if let Some(missing) = &e.missing {
                exam["missing"] = missing.json_value().clone();
            }
            exam
        }).collect::<Vec<_>>(),
        "outreach": a.study.sessions.iter().filter(|s| s.session.kind == SessionKind::Outreach).map(|s| json!({
            "id": s.session.id, "date": s.session.date.to_string(), "title": s.session.title,
            "place": s.session.place, "headcount": s.session.headcount, "materials": s.session.materials,
        })).collect::<Vec<_>>(),
        "outreach_total": {
            "events": a.outreach_totals.0, "headcount": a.outreach_totals.1, "materials": a.outreach_totals.2,
        },
        "owing_by_department": a.owing_counts.json_value(),
        "practice": {
            "departments": a.practice.as_ref().map_or_else(|| json!([]), |l| l.json_value().clone()),
            "total": practice_json(None, &a.practice_total),
            "credit": a.practice_credit.map(|(per_question, per_day)| json!({
                "minutes_per_question": per_question, "minutes_per_day": per_day,
            })),
        },
    });
    if let Some(owing) = &a.owing {
        value["owing"] = owing.json_value().clone();
    }
    value
}

/// The sections of the report in order: a heading and a table, or a note when empty.
fn sections<'a>(a: &'a Annual, ui: &Tr) -> Vec<(String, &'a Listing, Option<String>)> {
    let mut sections: Vec<(String, &'a Listing, Option<String>)> = vec![
        (
            ui.text("annual.h_sessions", &[]),
            &a.kind_listing,
            a.online.then(|| ui.text("annual.online_hours", &[])),
        ),
        (ui.text("annual.h_requirements", &[]), &a.requirement_listing, None),
        (ui.text("annual.h_departments", &[]), &a.departments, None),
    ];
    for exam in &a.exams {
        sections.push((exam.title.clone(), &exam.figures, None));
    }
    if let Some(practice) = &a.practice {
        let note = a
            .practice_credit
            .map(|(per_question, per_day)| practice_credit_line(a, per_question, per_day, ui));
        sections.push((ui.text("annual.h_practice", &[]), practice, note));
    }
    sections.push((ui.text("annual.h_outreach", &[]), &a.outreach, None));
    sections.push((ui.text("annual.h_owing_counts", &[]), &a.owing_counts, None));
    for exam in &a.exams {
        sections.push((
            ui.text("annual.h_missing_counts", &[("title", exam.title.clone())]),
            &exam.missing_counts,
            None,
        ));
    }
    if let Some(owing) = &a.owing {
        sections.push((ui.text("annual.h_owing", &[]), owing, None));
    }
    for exam in &a.exams {
        if let Some(missing) = &exam.missing {
            sections.push((ui.text("annual.h_missing", &[("title", exam.title.clone())]), missing, None));
        }
    }
    sections
}

pub fn markdown(a: &Annual, ui: &Tr) -> String {
    let mut text = String::new();
    let title = ui.text("annual.title", &[("office", a.office.clone()), ("year", a.year.to_string())]);
    let _ = writeln!(text, "# {}\n", escape_markdown(&title));
    for line in summary(a, ui) {
        let _ = writeln!(text, "{}\n", escape_markdown(&line));
    }
    for (heading, listing, note) in sections(a, ui) {
        let _ = writeln!(text, "## {}\n", escape_markdown(&heading));
        if listing.is_empty() {
            let _ = writeln!(text, "{}\n", ui.text("annual.none", &[]));
        } else {
            let _ = writeln!(text, "{}", listing.markdown());
        }
        if let Some(note) = note {
            let _ = writeln!(text, "{}\n", escape_markdown(&note));
        }
    }
    text
}

/// A horizontal bar chart: one bar per label, values from 0 to `max`.
fn bars_svg(title: &str, rows: &[(String, f64, String)], max: f64) -> String {
    let (label_width, bar_width, row_height) = (220.0, 360.0, 26.0);
    let height = 40.0 + row_height * rows.len() as f64;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"{w}\" height=\"{height}\" viewBox=\"0 0 {w} {height}\" role=\"img\" aria-label=\"{t}\">\
         <text x=\"0\" y=\"18\" class=\"title\">{t}</text>",
        w = label_width + bar_width + 80.0,
        t = escape_html(title)
    );
    for (i, (label, value, shown)) in rows.iter().enumerate() {
        let y = 32.0 + row_height * i as f64;
        let width = if max > 0.0 { (value / max).clamp(0.0, 1.0) * bar_width } else { 0.0 };
        let _ = write!(
            svg,
            "<text x=\"{lx}\" y=\"{ty}\" text-anchor=\"end\">{label}</text>\
             <rect x=\"{label_width}\" y=\"{y}\" width=\"{width:.1}\" height=\"{bh}\" class=\"bar\"/>\
             <text x=\"{vx:.1}\" y=\"{ty}\">{shown}</text>",
            lx = label_width - 8.0,
            ty = y + 15.0,
            bh = row_height - 8.0,
            vx = label_width + width + 6.0,
            label = escape_html(label),
            shown = escape_html(shown),
        );
    }
    svg.push_str("</svg>");
    svg
}

/// A histogram of the score distribution: ten vertical bars.
fn histogram_svg(title: &str, counts: &[u64], labels: &[String]) -> String {
    let (width, height, left, bottom) = (560.0, 240.0, 40.0, 40.0);
    let max = counts.iter().copied().max().unwrap_or(0).max(1) as f64;
    let slot = (width - left) / counts.len().max(1) as f64;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"{t}\">\
         <text x=\"0\" y=\"18\" class=\"title\">{t}</text>\
         <line x1=\"{left}\" y1=\"{axis}\" x2=\"{width}\" y2=\"{axis}\" class=\"axis\"/>",
        t = escape_html(title),
        axis = height - bottom,
    );
    let plot = height - bottom - 36.0;
    for (i, &count) in counts.iter().enumerate() {
        let h = count as f64 / max * plot;
        let x = left + slot * i as f64 + 4.0;
        let y = height - bottom - h;
        let _ = write!(
            svg,
            "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{bw:.1}\" height=\"{h:.1}\" class=\"bar\"/>\
             <text x=\"{cx:.1}\" y=\"{ty:.1}\" text-anchor=\"middle\">{count}</text>\
             <text x=\"{cx:.1}\" y=\"{ly:.1}\" text-anchor=\"middle\" class=\"small\">{label}</text>",
            bw = slot - 8.0,
            cx = x + (slot - 8.0) / 2.0,
            ty = y - 4.0,
            ly = height - bottom + 16.0,
            label = escape_html(labels.get(i).map_or("", String::as_str)),
        );
    }
    svg.push_str("</svg>");
    svg
}

pub fn html(a: &Annual, ui: &Tr) -> String {
    let title = ui.text("annual.title", &[("office", a.office.clone()), ("year", a.year.to_string())]);
    let lang = if ui.lang == xuefa_core::Lang::Zh { "zh-CN" } else { "en" };
    let mut body = String::new();
    let _ = writeln!(body, "<h1>{}</h1>", escape_html(&title));
    for line in summary(a, ui) {
        let _ = writeln!(body, "<p>{}</p>", escape_html(&line));
    }
    let exam_titles: Vec<&str> = a.exams.iter().map(|e| e.title.as_str()).collect();
    for (heading, listing, note) in sections(a, ui) {
        let _ = writeln!(body, "<section>\n<h2>{}</h2>", escape_html(&heading));
        if listing.is_empty() {
            let _ = writeln!(body, "<p>{}</p>", escape_html(&ui.text("annual.none", &[])));
        } else {
            body.push_str(&listing.html());
        }
        if let Some(note) = note {
            let _ = writeln!(body, "<p class=\"note\">{}</p>", escape_html(&note));
        }
        if std::ptr::eq(listing, &a.kind_listing) {
            let hours: Vec<(String, f64, String)> = a
                .kinds
                .iter()
                .map(|k| (k.name.clone(), k.person_hours, points((k.person_hours * 10.0).round() / 10.0)))
                .collect();
            let max_hours = hours.iter().map(|h| h.1).fold(0.0, f64::max);
            body.push_str(&bars_svg(&ui.text("annual.chart_hours", &[]), &hours, max_hours));
        }
        if let Some(index) = exam_titles.iter().position(|t| *t == heading)
            && std::ptr::eq(listing, &a.exams[index].figures)
        {
            let exam = &a.exams[index];
            let total = exam.report.total_points;
            let labels: Vec<String> = exam
                .report
                .total
                .distribution
                .iter()
                .map(|b| format!("{}–{}", points(b.from.round()), points(b.to.round())))
                .collect();
            let counts: Vec<u64> = exam.report.total.distribution.iter().map(|b| b.count).collect();
            body.push_str("<div class=\"charts\">");
            body.push_str(&histogram_svg(
                &ui.text("annual.chart_scores", &[("total", points(total))]),
                &counts,
                &labels,
            ));
            let rates: Vec<(String, f64, String)> = exam
                .report
                .groups
                .iter()
                .map(|(d, f)| {
                    (d.clone(), f.pass_rate_of_expected.unwrap_or(0.0), percent(f.pass_rate_of_expected))
                })
                .collect();
            body.push_str(&bars_svg(&ui.text("annual.chart_pass", &[]), &rates, 1.0));
            body.push_str("</div>");
        }
        body.push_str("</section>\n");
    }
    format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{t}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n{body}</body>\n</html>\n",
        t = escape_html(&title)
    )
}

const STYLE: &str = "body { font-family: 'Noto Sans CJK SC', 'Source Han Sans SC', 'Microsoft YaHei', 'PingFang SC', sans-serif; margin: 2em auto; max-width: 1100px; color: #222; line-height: 1.5; }
h1 { font-size: 1.6em; border-bottom: 2px solid #b22; padding-bottom: .3em; }
h2 { font-size: 1.25em; margin-top: 1.6em; color: #b22; }
table { border-collapse: collapse; margin: .6em 0; font-size: .9em; }
th, td { border: 1px solid #bbb; padding: .25em .6em; }
th { background: #f3eeee; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.charts { display: flex; flex-wrap: wrap; gap: 2em; align-items: flex-start; }
svg.chart { margin: .8em 0; font-size: 12px; }
svg.chart .title { font-size: 14px; font-weight: bold; }
svg.chart .small { font-size: 10px; }
svg.chart .bar { fill: #c0392b; }
svg.chart .axis { stroke: #555; }
@page { size: A4; margin: 37mm 26mm 35mm 28mm; }
@media print {
  body { margin: 0; max-width: none; color: #000; font-family: '仿宋_GB2312', 'FangSong_GB2312', '仿宋', 'FangSong', 'STFangsong', 'Noto Serif CJK SC', 'Source Han Serif SC', serif; font-size: 16pt; line-height: 28.95pt; }
  h1 { font-family: '方正小标宋简体', 'FZXiaoBiaoSong-B05S', '小标宋', 'Noto Serif CJK SC', 'Source Han Serif SC', serif; font-size: 22pt; font-weight: normal; text-align: center; color: #000; border: none; }
  h2 { font-family: '黑体', 'SimHei', 'Noto Sans CJK SC', 'Source Han Sans SC', sans-serif; font-size: 16pt; font-weight: normal; color: #000; break-after: avoid; }
  h3, p.note { font-family: '楷体_GB2312', 'KaiTi_GB2312', '楷体', 'KaiTi', 'STKaiti', 'AR PL UKai CN', 'Noto Serif CJK SC', serif; }
  section { break-before: page; }
  table { font-size: 12pt; line-height: 1.4; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; }
  th, td { border-color: #000; }
  th { background: none; font-weight: normal; }
  svg.chart .bar { fill: #777; }
}
";

/// Returns the annual report as an XLSX workbook: the summary, then a sheet per table.
///
/// # Errors
/// Returns what the spreadsheet writer could not do.
pub fn workbook(a: &Annual, ui: &Tr) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut summary_listing = Listing::typed(vec![("summary", ui.text("annual.h_summary", &[]), Cell::Text)]);
    for line in summary(a, ui) {
        summary_listing.row(vec![line]);
    }
    let sections = sections(a, ui);
    let mut sheets: Vec<(String, &Listing)> = vec![(ui.text("annual.h_summary", &[]), &summary_listing)];
    sheets.extend(sections.iter().map(|(heading, listing, _)| (heading.clone(), *listing)));
    let named: Vec<(&str, &Listing)> = sheets.iter().map(|(n, l)| (n.as_str(), *l)).collect();
    crate::render::workbook(&named)
}
