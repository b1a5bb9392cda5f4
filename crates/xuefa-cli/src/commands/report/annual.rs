//! `xuefa report annual --year Y`: one document with what an office puts in its yearly
//! rule-of-law report — sessions held by kind, attendance and hours, requirements met, each
//! exam's participation, pass and excellent rates with department tables, outreach with its
//! audiences and materials, and who is still short. Markdown, a self-contained HTML page
//! with SVG charts, JSON, or an XLSX workbook.

use std::fmt::Write as _;
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use serde_json::{Value, json};
use xuefa_core::study::SessionKind;
use xuefa_store::ExamStore;

use super::attendance::{StudyYear, depth, percent, rate, study_year};
use super::exam::{ExamReport, exam_report, figures_json, figures_listing, missing_listing};
use crate::cli::GlobalArgs;
use crate::commands::exam::points;
use crate::commands::session::kind_label;
use crate::error::CommandError;
use crate::output::{Cell, Listing, escape_html, write_workbook};
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
}

#[derive(Debug, Args)]
pub struct AnnualArgs {
    #[arg(long, value_name = "YEAR")]
    pub year: i16,
    #[arg(long, value_name = "department[:DEPTH]")]
    pub by: Option<String>,
    #[arg(long, value_enum, default_value_t = AnnualFormat::Md)]
    pub format: AnnualFormat,
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// One kind of session over the year.
struct KindRow {
    kind: String,
    name: String,
    sessions: usize,
    hours: f64,
    expected: usize,
    attended: usize,
    person_hours: f64,
    headcount: u64,
    materials: u64,
}

/// One exam of the year.
struct ExamPart {
    id: String,
    title: String,
    report: ExamReport,
    figures: Listing,
    missing: Listing,
    missing_count: usize,
}

/// Everything the annual report says, gathered once and written in any format.
struct Annual {
    year: i16,
    office: String,
    kinds: Vec<KindRow>,
    study: StudyYear,
    requirements: Vec<(String, usize, usize)>,
    exams: Vec<ExamPart>,
    outreach: Listing,
    owing: Listing,
    departments: Listing,
    kind_listing: Listing,
    requirement_listing: Listing,
}

fn gather(args: &AnnualArgs, global: &GlobalArgs, ui: &Ui) -> Result<Annual, CommandError> {
    let depth = depth(args.by.as_deref())?;
    let (workspace, mut store) = workspace::open(global.workspace.as_ref())?;
    // Who is still short, kept as they stream past: (department, employee, name,
    // requirement, shortfall, unit).
    let mut short: Vec<(String, String, String, String, f64, &'static str)> = Vec::new();
    let study = study_year(&workspace, &store, args.year, depth, &mut |person, year| {
        for r in year.requirements.iter().filter(|r| !r.met) {
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
    let custom = workspace.config.study.custom_kinds();

    // Sessions by kind, in the order of the built-in kinds, then the office's own.
    let mut order: Vec<SessionKind> = SessionKind::BUILT_IN.to_vec();
    order.extend(custom.iter().map(|(id, _)| SessionKind::Custom(id.clone())));
    let mut kinds: Vec<KindRow> = Vec::new();
    for kind in &order {
        let rows: Vec<_> = study.sessions.iter().filter(|s| &s.session.kind == kind).collect();
        if rows.is_empty() {
            continue;
        }
        let person_hours: f64 = study.hours_by_kind.get(kind.as_str()).copied().unwrap_or(0.0) + 0.0;
        kinds.push(KindRow {
            kind: kind.as_str().to_owned(),
            name: kind_label(kind, &custom, ui),
            sessions: rows.len(),
            hours: rows.iter().map(|s| s.session.hours).sum(),
            expected: rows.iter().map(|s| s.expected).sum(),
            attended: rows.iter().map(|s| s.attended).sum(),
            person_hours,
            headcount: rows.iter().filter_map(|s| s.session.headcount).sum(),
            materials: rows.iter().filter_map(|s| s.session.materials).sum(),
        });
    }
    let mut kind_listing = Listing::typed(vec![
        ("kind", ui.text("col.kind", &[]), Cell::Text),
        ("sessions", ui.text("col.sessions", &[]), Cell::Number),
        ("hours", ui.text("col.session_hours", &[]), Cell::Number),
        ("expected", ui.text("col.expected", &[]), Cell::Number),
        ("attended", ui.text("col.attended", &[]), Cell::Number),
        ("attendance_rate", ui.text("col.rate", &[]), Cell::Percent),
        ("person_hours", ui.text("col.person_hours", &[]), Cell::Number),
    ]);
    for k in &kinds {
        let r = rate(k.attended, k.expected);
        let raw = vec![
            k.kind.clone(),
            k.sessions.to_string(),
            k.hours.to_string(),
            k.expected.to_string(),
            k.attended.to_string(),
            r.map(|v| v.to_string()).unwrap_or_default(),
            k.person_hours.to_string(),
        ];
        let mut shown = raw.clone();
        shown[0] = k.name.clone();
        shown[2] = points(k.hours);
        shown[5] = percent(r);
        shown[6] = points(k.person_hours);
        kind_listing.row_shown(raw, shown);
    }

    // Requirements: of the people each applies to, how many met it.
    let requirements: Vec<(String, usize, usize)> =
        study.requirements.iter().map(|(name, (people, met))| (name.clone(), *people, *met)).collect();
    let mut requirement_listing = Listing::typed(vec![
        ("requirement", ui.text("col.requirement", &[]), Cell::Text),
        ("people", ui.text("col.people", &[]), Cell::Number),
        ("met", ui.text("col.met", &[]), Cell::Number),
        ("met_rate", ui.text("col.rate", &[]), Cell::Percent),
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

    let mut departments = Listing::typed(vec![
        ("department", ui.text("col.department", &[]), Cell::Text),
        ("people", ui.text("col.people", &[]), Cell::Number),
        ("met_all", ui.text("col.met_all", &[]), Cell::Number),
        ("met_rate", ui.text("col.rate", &[]), Cell::Percent),
        ("mean_hours", ui.text("col.mean_hours", &[]), Cell::Number),
    ]);
    for (department, (people, met, hours)) in &study.departments {
        let r = rate(*met, *people);
        let mean = (*people > 0).then(|| hours / *people as f64);
        departments.row_shown(
            vec![
                department.clone(),
                people.to_string(),
                met.to_string(),
                r.map(|v| v.to_string()).unwrap_or_default(),
                mean.map(|v| v.to_string()).unwrap_or_default(),
            ],
            vec![
                department.clone(),
                people.to_string(),
                met.to_string(),
                percent(r),
                mean.map_or_else(|| "—".to_owned(), |v| format!("{v:.1}")),
            ],
        );
    }

    // Exams of the year.
    let mut exams = Vec::new();
    let year_exams: Vec<String> =
        store.exams()?.into_iter().filter(|e| e.year == i32::from(args.year)).map(|e| e.id).collect();
    for id in year_exams {
        let exam = store.exam(&id)?;
        let (report, missing) = exam_report(&mut store, &exam, depth)?;
        let missing = missing_listing(&missing, ui);
        let missing_count = missing.json_value().as_array().map_or(0, Vec::len);
        exams.push(ExamPart {
            id: exam.spec.id.clone(),
            title: exam.spec.title.clone(),
            figures: figures_listing(&report, ui, false),
            report,
            missing,
            missing_count,
        });
    }

    // Outreach.
    let mut outreach = Listing::typed(vec![
        ("date", ui.text("col.date", &[]), Cell::Text),
        ("title", ui.text("col.title", &[]), Cell::Text),
        ("place", ui.text("col.place", &[]), Cell::Text),
        ("headcount", ui.text("col.headcount", &[]), Cell::Number),
        ("materials", ui.text("col.materials", &[]), Cell::Number),
    ]);
    for s in study.sessions.iter().filter(|s| s.session.kind == SessionKind::Outreach) {
        let count = |n: Option<u64>| n.map(|n| n.to_string()).unwrap_or_default();
        outreach.row(vec![
            s.session.date.to_string(),
            s.session.title.clone(),
            s.session.place.clone(),
            count(s.session.headcount),
            count(s.session.materials),
        ]);
    }

    // Still short.
    let mut owing = Listing::typed(vec![
        ("department", ui.text("col.department", &[]), Cell::Text),
        ("employee", ui.text("col.employee", &[]), Cell::Text),
        ("name", ui.text("col.name", &[]), Cell::Text),
        ("requirement", ui.text("col.requirement", &[]), Cell::Text),
        ("shortfall", ui.text("col.shortfall", &[]), Cell::Number),
    ]);
    short.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    let mut owing_json = Vec::new();
    for (department, employee, name, requirement, shortfall, unit_key) in short {
        let unit = ui.text(&format!("unit.{unit_key}"), &[]);
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
    let owing = owing.json(Value::Array(owing_json));

    Ok(Annual {
        year: args.year,
        office: workspace.config.office.name.clone(),
        kinds,
        study,
        requirements,
        exams,
        outreach,
        owing,
        departments,
        kind_listing,
        requirement_listing,
    })
}

/// The summary sentences an office's report opens with.
fn summary(a: &Annual, ui: &Ui) -> Vec<String> {
    let mut lines = Vec::new();
    let study_kinds: Vec<&KindRow> = a.kinds.iter().filter(|k| k.kind != "outreach").collect();
    let sessions: usize = study_kinds.iter().map(|k| k.sessions).sum();
    let by_kind: Vec<String> = study_kinds
        .iter()
        .map(|k| ui.text("annual.kind_count", &[("kind", k.name.clone()), ("count", k.sessions.to_string())]))
        .collect();
    if sessions == 0 {
        lines.push(ui.text("annual.no_sessions", &[]));
    } else {
        lines.push(ui.text(
            "annual.sessions",
            &[
                ("count", sessions.to_string()),
                ("kinds", by_kind.join(if ui.lang == xuefa_core::Lang::Zh { "、" } else { ", " })),
                ("hours", points(study_kinds.iter().map(|k| k.hours).sum::<f64>() + 0.0)),
            ],
        ));
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
        lines.push(ui.text(
            "annual.exam",
            &[
                ("title", exam.title.clone()),
                ("expected", t.expected.to_string()),
                ("took", t.took.to_string()),
                ("participation", percent(t.participation_rate)),
                ("passed", t.passed.to_string()),
                ("pass_rate", percent(t.pass_rate)),
                ("excellent", t.excellent.to_string()),
                ("excellent_rate", percent(t.excellent_rate)),
            ],
        ));
        if t.expected > 0 && t.passed == t.expected {
            lines.push(ui.text("annual.all_passed", &[("title", exam.title.clone())]));
        }
    }
    if let Some(outreach) = a.kinds.iter().find(|k| k.kind == "outreach") {
        lines.push(ui.text(
            "annual.outreach",
            &[
                ("events", outreach.sessions.to_string()),
                ("audience", outreach.headcount.to_string()),
                ("materials", outreach.materials.to_string()),
            ],
        ));
    }
    let short_people = a.study.evaluated - a.study.met_all;
    let not_passed: usize = a.exams.iter().map(|e| e.missing_count).sum();
    lines.push(
        ui.text("annual.short", &[("people", short_people.to_string()), ("exam", not_passed.to_string())]),
    );
    lines
}

fn to_json(a: &Annual) -> Value {
    let (evaluated, met) = (a.study.evaluated, a.study.met_all);
    json!({
        "year": a.year,
        "office": a.office,
        "sessions_by_kind": a.kinds.iter().map(|k| json!({
            "kind": k.kind, "name": k.name, "sessions": k.sessions, "hours": k.hours,
            "expected": k.expected, "attended": k.attended, "attendance_rate": rate(k.attended, k.expected),
            "person_hours": k.person_hours, "headcount": k.headcount, "materials": k.materials,
        })).collect::<Vec<_>>(),
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
        "exams": a.exams.iter().map(|e| json!({
            "exam": e.id,
            "title": e.title,
            "total_points": e.report.total_points,
            "groups": e.report.groups.iter().map(|(d, f)| figures_json(Some(d), f)).collect::<Vec<_>>(),
            "total": figures_json(None, &e.report.total),
            "missing": e.missing.json_value(),
        })).collect::<Vec<_>>(),
        "outreach": a.study.sessions.iter().filter(|s| s.session.kind == SessionKind::Outreach).map(|s| json!({
            "id": s.session.id, "date": s.session.date.to_string(), "title": s.session.title,
            "place": s.session.place, "headcount": s.session.headcount, "materials": s.session.materials,
        })).collect::<Vec<_>>(),
        "owing": a.owing.json_value(),
    })
}

fn markdown(a: &Annual, ui: &Ui) -> String {
    let mut text = String::new();
    let _ = writeln!(
        text,
        "# {}\n",
        ui.text("annual.title", &[("office", a.office.clone()), ("year", a.year.to_string())])
    );
    for line in summary(a, ui) {
        let _ = writeln!(text, "{line}\n");
    }
    let section = |text: &mut String, key: &str, listing: &Listing| {
        let _ = writeln!(text, "## {}\n", ui.text(key, &[]));
        if listing.is_empty() {
            let _ = writeln!(text, "{}\n", ui.text("annual.none", &[]));
        } else {
            let _ = writeln!(text, "{}", listing.markdown());
        }
    };
    section(&mut text, "annual.h_sessions", &a.kind_listing);
    section(&mut text, "annual.h_requirements", &a.requirement_listing);
    section(&mut text, "annual.h_departments", &a.departments);
    for exam in &a.exams {
        let _ = writeln!(text, "## {} ({})\n", exam.title, exam.id);
        let _ = writeln!(text, "{}", exam.figures.markdown());
    }
    section(&mut text, "annual.h_outreach", &a.outreach);
    section(&mut text, "annual.h_owing", &a.owing);
    for exam in &a.exams {
        let _ = writeln!(text, "## {} — {}\n", ui.text("annual.h_missing", &[]), exam.title);
        if exam.missing.is_empty() {
            let _ = writeln!(text, "{}\n", ui.text("annual.none", &[]));
        } else {
            let _ = writeln!(text, "{}", exam.missing.markdown());
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

fn html(a: &Annual, ui: &Ui) -> String {
    let title = ui.text("annual.title", &[("office", a.office.clone()), ("year", a.year.to_string())]);
    let lang = if ui.lang == xuefa_core::Lang::Zh { "zh-CN" } else { "en" };
    let mut body = String::new();
    let _ = writeln!(body, "<h1>{}</h1>", escape_html(&title));
    for line in summary(a, ui) {
        let _ = writeln!(body, "<p>{}</p>", escape_html(&line));
    }
    let section = |body: &mut String, key: &str, listing: &Listing| {
        let _ = writeln!(body, "<h2>{}</h2>", escape_html(&ui.text(key, &[])));
        if listing.is_empty() {
            let _ = writeln!(body, "<p>{}</p>", escape_html(&ui.text("annual.none", &[])));
        } else {
            body.push_str(&listing.html());
        }
    };
    section(&mut body, "annual.h_sessions", &a.kind_listing);
    let hours: Vec<(String, f64, String)> = a
        .kinds
        .iter()
        .filter(|k| k.kind != "outreach")
        .map(|k| (k.name.clone(), k.person_hours, points((k.person_hours * 10.0).round() / 10.0)))
        .collect();
    let max_hours = hours.iter().map(|h| h.1).fold(0.0, f64::max);
    body.push_str(&bars_svg(&ui.text("annual.chart_hours", &[]), &hours, max_hours));
    section(&mut body, "annual.h_requirements", &a.requirement_listing);
    section(&mut body, "annual.h_departments", &a.departments);
    for exam in &a.exams {
        let _ = writeln!(body, "<h2>{} ({})</h2>", escape_html(&exam.title), escape_html(&exam.id));
        body.push_str(&exam.figures.html());
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
    section(&mut body, "annual.h_outreach", &a.outreach);
    section(&mut body, "annual.h_owing", &a.owing);
    for exam in &a.exams {
        let _ = writeln!(
            body,
            "<h2>{} — {}</h2>",
            escape_html(&ui.text("annual.h_missing", &[])),
            escape_html(&exam.title)
        );
        if exam.missing.is_empty() {
            let _ = writeln!(body, "<p>{}</p>", escape_html(&ui.text("annual.none", &[])));
        } else {
            body.push_str(&exam.missing.html());
        }
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
@media print { body { margin: 0; } }
";

fn workbook(a: &Annual, ui: &Ui, output: Option<&std::path::Path>) -> Result<(), CommandError> {
    let mut summary_listing = Listing::typed(vec![("summary", ui.text("annual.h_summary", &[]), Cell::Text)]);
    for line in summary(a, ui) {
        summary_listing.row(vec![line]);
    }
    let mut sheets: Vec<(String, &Listing)> = vec![
        (ui.text("annual.h_summary", &[]), &summary_listing),
        (ui.text("annual.h_sessions", &[]), &a.kind_listing),
        (ui.text("annual.h_requirements", &[]), &a.requirement_listing),
        (ui.text("annual.h_departments", &[]), &a.departments),
    ];
    for exam in &a.exams {
        sheets.push((exam.id.clone(), &exam.figures));
    }
    sheets.push((ui.text("annual.h_outreach", &[]), &a.outreach));
    sheets.push((ui.text("annual.h_owing", &[]), &a.owing));
    for exam in &a.exams {
        sheets.push((format!("{} {}", ui.text("annual.h_missing", &[]), exam.id), &exam.missing));
    }
    let named: Vec<(&str, &Listing)> = sheets.iter().map(|(n, l)| (n.as_str(), *l)).collect();
    write_workbook(&named, output)
}

pub fn cmd_annual(args: &AnnualArgs, global: &GlobalArgs, ui: &Ui) -> Result<(), CommandError> {
    let annual = gather(args, global, ui)?;
    let text = match args.format {
        AnnualFormat::Xlsx => return workbook(&annual, ui, args.output.as_deref()),
        AnnualFormat::Json => serde_json::to_string_pretty(&to_json(&annual)).unwrap_or_default() + "\n",
        AnnualFormat::Md => markdown(&annual, ui),
        AnnualFormat::Html => html(&annual, ui),
    };
    match &args.output {
        Some(path) => std::fs::write(path, text).map_err(|e| {
            CommandError::message_of(
                "report.write_failed",
                vec![("path", path.display().to_string()), ("detail", e.to_string())],
            )
        }),
        None => {
            use std::io::Write;
            let _ = std::io::stdout().lock().write_all(text.as_bytes());
            Ok(())
        }
    }
}
