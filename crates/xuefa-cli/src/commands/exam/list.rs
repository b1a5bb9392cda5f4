//! `xuefa exam list`: the exams of the workspace.

use clap::Args;
use serde_json::json;
use xuefa_store::ExamStore;

use crate::cli::GlobalArgs;
use crate::error::CommandError;
use crate::output::ListingOut as _;
use crate::output::{ListFormat, Listing};
use crate::ui::Ui;
use crate::workspace;

#[derive(Debug, Args)]
pub struct ListArgs {
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

pub fn cmd_list(args: &ListArgs, global: &GlobalArgs, ui: &Ui) -> Result<(), CommandError> {
    let (_workspace, store) = workspace::open(global.workspace.as_ref())?;
    let exams = store.exams()?;
    let columns = [
        ("id", "col.exam"),
        ("title", "col.title"),
        ("year", "col.year"),
        ("total_points", "col.total_points"),
        ("pool", "col.pool"),
        ("attempts", "col.attempts"),
        ("submitted", "col.submitted"),
    ];
    let mut listing = Listing::new(columns.iter().map(|(f, k)| (*f, ui.text(k, &[]))).collect());
    for exam in &exams {
        listing.row(vec![
            exam.id.clone(),
            exam.title.clone(),
            exam.year.to_string(),
            super::points(exam.total_points),
            exam.pool.to_string(),
            exam.attempts.to_string(),
            exam.submitted.to_string(),
        ]);
    }
    listing.json(json!(exams)).print(args.format)?;
    Ok(())
}
