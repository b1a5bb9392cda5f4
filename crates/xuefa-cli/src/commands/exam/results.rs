//! `xuefa exam results EXAM`: per person who must sit (and anyone else who sat) the counted
//! score, pass or fail, band and attempts used. People who have not sat have no score.

use std::collections::HashMap;

use clap::Args;
use serde_json::json;
use xuefa_store::{AttemptSummary, ExamStore, Store};

use super::{points, submit_expired};
use crate::cli::GlobalArgs;
use crate::error::CommandError;
use crate::output::ListingOut as _;
use crate::output::{ListFormat, Listing};
use crate::ui::Ui;
use crate::workspace;

#[derive(Debug, Args)]
pub struct ResultsArgs {
    #[arg(value_name = "EXAM")]
    pub exam: String,
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

pub use xuefa_app::exam::counted;

pub fn cmd_results(args: &ResultsArgs, global: &GlobalArgs, ui: &Ui) -> Result<(), CommandError> {
    let (_workspace, mut store) = workspace::open(global.workspace.as_ref())?;
    let now = workspace::now()?;
    let exam = store.exam(&args.exam)?;
    submit_expired(&mut store, &exam, now)?;
    let summaries = store.attempt_summaries(&args.exam)?;
    let mut by_person: HashMap<&str, Vec<&AttemptSummary>> = HashMap::new();
    for summary in &summaries {
        by_person.entry(summary.employee.as_str()).or_default().push(summary);
    }
    let people = store.people(None)?;
    let columns = [
        ("employee", "col.employee"),
        ("name", "col.name"),
        ("department", "col.department"),
        ("score", "col.score"),
        ("passed", "col.passed"),
        ("band", "col.band"),
        ("attempts", "col.attempts"),
    ];
    let mut listing = Listing::new(columns.iter().map(|(f, k)| (*f, ui.text(k, &[]))).collect());
    let mut rows = Vec::new();
    for person in &people {
        let attempts = by_person.get(person.id.as_str()).cloned().unwrap_or_default();
        if attempts.is_empty() && !exam.spec.audience.includes(person) {
            continue;
        }
        let counted = counted(&attempts, exam.spec.counts);
        let score = counted.and_then(|a| a.score);
        let passed = counted.and_then(|a| a.passed).unwrap_or(false);
        let band = counted.and_then(|a| a.band.clone());
        listing.row_shown(
            vec![
                person.id.clone(),
                person.name.clone(),
                person.department.path(),
                score.map(points).unwrap_or_default(),
                passed.to_string(),
                band.clone().unwrap_or_default(),
                attempts.len().to_string(),
            ],
            vec![
                person.id.clone(),
                person.name.clone(),
                person.department.path(),
                score.map(points).unwrap_or_else(|| "—".to_owned()),
                ui.text(if passed { "yes" } else { "no" }, &[]),
                band.clone().unwrap_or_else(|| "—".to_owned()),
                attempts.len().to_string(),
            ],
        );
        rows.push(json!({
            "employee": person.id,
            "name": person.name,
            "department": person.department.path(),
            "score": score,
            "passed": passed,
            "band": band,
            "attempts": attempts.len(),
        }));
    }
    listing.json(serde_json::Value::Array(rows)).print(args.format);
    Ok(())
}
