//! The exam report: 应考, 参考, 合格 and 优秀 with their rates, the scores and their
//! distribution, per department (rolled up to a depth) and in total, and who must sit and
//! has not passed yet (the 补考 notice). The rules are `xuefa_core::report`'s.

use std::collections::{BTreeMap, HashMap};

use jiff::Timestamp;
use serde_json::{Value, json};
use xuefa_core::Department;
use xuefa_core::report::{Counted, ExamFigures, Tally};
use xuefa_store::{AttemptSummary, ExamRecord, ExamStore};

use crate::error::AppError;
use crate::exam::{counted, submit_expired};
use crate::format::{percent, points};
use crate::i18n::Tr;
use crate::render::{Cell, Listing};

/// Where a person who must sit stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    NotSat,
    InProgress,
    Failed,
    Passed,
}

impl Standing {
    fn as_str(self) -> &'static str {
        match self {
            Standing::NotSat => "not_sat",
            Standing::InProgress => "in_progress",
            Standing::Failed => "failed",
            Standing::Passed => "passed",
        }
    }
}

/// Someone who must sit and has not passed yet, for the 补考 notice.
#[derive(Debug, Clone)]
pub struct Missing {
    pub department: String,
    /// The department as the report groups it (`--by department:DEPTH`).
    pub group: String,
    pub employee: String,
    pub name: String,
    pub standing: Standing,
    pub score: Option<f64>,
    pub attempts: usize,
}

/// The figures of one exam: per group (sorted by department) and in total.
#[derive(Debug, Clone)]
pub struct ExamReport {
    pub groups: Vec<(String, ExamFigures)>,
    pub total: ExamFigures,
    pub total_points: f64,
}

/// Returns an exam's figures by department (to `depth` levels; `None`: the full path) and
/// in total, with who has not passed yet, reading the roster and the attempts side by side
/// (attempts whose time ran out are submitted first).
pub fn exam_report<S: ExamStore + ?Sized>(
    store: &mut S,
    exam: &ExamRecord,
    depth: Option<usize>,
    now: Timestamp,
) -> Result<(ExamReport, Vec<Missing>), AppError> {
    submit_expired(store, exam, now)?;
    let grading = exam.spec.grading();
    let best_band = grading.bands.first().map(|b| b.0.clone());
    let mut groups: BTreeMap<String, Tally> = BTreeMap::new();
    let mut total = Tally::default();
    let mut missing = Vec::new();
    // The group's name is worked out once per department.
    let mut names: HashMap<Department, String> = HashMap::new();
    store.roll(&exam.spec.id, &mut |person, attempts| {
        let expected = exam.spec.audience.includes(person);
        if !expected && attempts.is_empty() {
            return;
        }
        let own: Vec<&AttemptSummary> = attempts.iter().collect();
        let counted_attempt = counted(&own, exam.spec.counts);
        let counted = counted_attempt.and_then(|a| {
            Some(Counted::new(a.score?, a.passed.unwrap_or(false), a.band.is_some() && a.band == best_band))
        });
        let standing = match counted {
            Some(c) if c.passed => Standing::Passed,
            _ if attempts.iter().any(|a| a.submitted_at.is_none()) => Standing::InProgress,
            Some(_) => Standing::Failed,
            None => Standing::NotSat,
        };
        let name = names
            .entry(person.department.clone())
            .or_insert_with(|| match depth {
                Some(d) => person.department.truncated(d).path(),
                None => person.department.path(),
            })
            .clone();
        if expected && standing != Standing::Passed {
            missing.push(Missing {
                department: person.department.path(),
                group: name.clone(),
                employee: person.id.clone(),
                name: person.name.clone(),
                standing,
                score: counted.map(|c| c.score),
                attempts: attempts.len(),
            });
        }
        groups.entry(name).or_default().add(expected, counted);
        total.add(expected, counted);
    })?;
    missing.sort_by(|a, b| (&a.department, &a.employee).cmp(&(&b.department, &b.employee)));
    let total_points = exam.spec.total_points();
    let report = ExamReport {
        groups: groups.into_iter().map(|(d, tally)| (d, tally.figures(total_points))).collect(),
        total: total.figures(total_points),
        total_points,
    };
    Ok((report, missing))
}

fn number(value: Option<f64>) -> (String, String) {
    (
        value.map(|v| format!("{}", (v * 1000.0).round() / 1000.0)).unwrap_or_default(),
        value.map_or_else(|| "—".to_owned(), |v| points((v * 10.0).round() / 10.0)),
    )
}

/// Returns the JSON of a group's figures, with `department` first.
pub fn figures_json(department: Option<&str>, figures: &ExamFigures) -> Value {
    let mut value = json!({});
    if let Some(department) = department {
        value["department"] = json!(department);
    }
    if let (Value::Object(map), Ok(Value::Object(fields))) = (&mut value, serde_json::to_value(figures)) {
        map.extend(fields);
    }
    value
}

/// Returns the figures as a listing: one row per group, then the total.
pub fn figures_listing(report: &ExamReport, ui: &Tr, with_distribution: bool) -> Listing {
    let mut columns: Vec<(String, String, Cell)> = [
        ("department", "col.department", Cell::Text),
        ("expected", "col.exam_expected", Cell::Count),
        ("took", "col.took", Cell::Count),
        ("passed", "col.passed_count", Cell::Count),
        ("excellent", "col.excellent", Cell::Count),
        ("participation_rate", "col.participation_rate", Cell::Percent),
        ("pass_rate", "col.pass_rate", Cell::Percent),
        ("pass_rate_of_expected", "col.pass_rate_of_expected", Cell::Percent),
        ("excellent_rate", "col.excellent_rate", Cell::Percent),
        ("mean_score", "col.mean", Cell::Decimal),
        ("median_score", "col.median", Cell::Decimal),
        ("min_score", "col.min", Cell::Decimal),
        ("max_score", "col.max", Cell::Decimal),
    ]
    .into_iter()
    .map(|(field, key, cell)| (field.to_owned(), ui.text(key, &[]), cell))
    .collect();
    if with_distribution {
        for i in 0..10 {
            let (from, to) = (i * 10, i * 10 + 10);
            columns.push((format!("score_{from}_{to}"), format!("{from}–{to}%"), Cell::Count));
        }
    }
    let mut listing = Listing::typed(columns);
    let total_label = ui.text("report.total", &[]);
    let rows =
        report.groups.iter().map(|(d, f)| (d.as_str(), f)).chain([(total_label.as_str(), &report.total)]);
    for (department, f) in rows {
        let counts = [f.expected, f.took, f.passed, f.excellent].map(|n| n.to_string());
        let rates = [f.participation_rate, f.pass_rate, f.pass_rate_of_expected, f.excellent_rate];
        let scores = [f.mean_score, f.median_score, f.min_score, f.max_score].map(number);
        let mut raw = vec![department.to_owned()];
        let mut shown = vec![department.to_owned()];
        raw.extend(counts.iter().cloned());
        shown.extend(counts.iter().cloned());
        raw.extend(rates.iter().map(|r| r.map(|v| v.to_string()).unwrap_or_default()));
        shown.extend(rates.iter().map(|r| percent(*r)));
        raw.extend(scores.iter().map(|s| s.0.clone()));
        shown.extend(scores.iter().map(|s| s.1.clone()));
        if with_distribution {
            raw.extend(f.distribution.iter().map(|b| b.count.to_string()));
            shown.extend(f.distribution.iter().map(|b| b.count.to_string()));
        }
        listing.row_shown(raw, shown);
    }
    listing
}

/// Returns the distribution of a group's scores as a listing.
pub fn distribution_listing(figures: &ExamFigures, ui: &Tr) -> Listing {
    let mut listing = Listing::typed(vec![
        ("from", ui.text("col.from", &[]), Cell::Decimal),
        ("to", ui.text("col.to", &[]), Cell::Decimal),
        ("count", ui.text("col.people", &[]), Cell::Count),
    ]);
    for (i, bin) in figures.distribution.iter().enumerate() {
        let to = if i == 9 { format!("{} ]", points(bin.to)) } else { format!("{} )", points(bin.to)) };
        listing.row_shown(
            vec![bin.from.to_string(), bin.to.to_string(), bin.count.to_string()],
            vec![format!("[ {}", points(bin.from)), to, bin.count.to_string()],
        );
    }
    listing
}

/// Returns who must sit and has not passed yet, by department, as a listing.
pub fn missing_listing(missing: &[Missing], ui: &Tr) -> Listing {
    let mut listing = Listing::typed(vec![
        ("department", ui.text("col.department", &[]), Cell::Text),
        ("employee", ui.text("col.employee", &[]), Cell::Text),
        ("name", ui.text("col.name", &[]), Cell::Text),
        ("standing", ui.text("col.standing", &[]), Cell::Text),
        ("score", ui.text("col.score", &[]), Cell::Decimal),
        ("attempts", ui.text("col.attempts", &[]), Cell::Count),
    ]);
    let mut rows = Vec::new();
    for m in missing {
        listing.row_shown(
            vec![
                m.department.clone(),
                m.employee.clone(),
                m.name.clone(),
                m.standing.as_str().to_owned(),
                m.score.map(|s| s.to_string()).unwrap_or_default(),
                m.attempts.to_string(),
            ],
            vec![
                m.department.clone(),
                m.employee.clone(),
                m.name.clone(),
                ui.text(&format!("standing.{}", m.standing.as_str()), &[]),
                m.score.map_or_else(|| "—".to_owned(), points),
                m.attempts.to_string(),
            ],
        );
        rows.push(json!({
            "department": m.department,
            "employee": m.employee,
            "name": m.name,
            "standing": m.standing.as_str(),
            "score": m.score,
            "attempts": m.attempts,
        }));
    }
    listing.json(Value::Array(rows))
}
