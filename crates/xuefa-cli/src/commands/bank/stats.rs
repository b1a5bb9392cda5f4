//! `xuefa bank stats`: how many questions in use there are by bank, law, kind and
//! difficulty — what an administrator checks before writing an exam blueprint.

use clap::Args;
use serde_json::json;
use xuefa_store::Store;

use crate::cli::GlobalArgs;
use crate::commands::bank::show::kind_label;
use crate::error::CommandError;
use crate::output::ListingOut as _;
use crate::output::{ListFormat, Listing};
use crate::ui::Ui;
use crate::workspace;

#[derive(Debug, Args)]
pub struct StatsArgs {
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

pub fn cmd_stats(args: &StatsArgs, global: &GlobalArgs, ui: &Ui) -> Result<(), CommandError> {
    let (_workspace, store) = workspace::open(global.workspace.as_ref())?;
    let stats = store.bank_stats()?;
    let mut rows: Vec<(&str, String, String, u64)> = Vec::new();
    for (bank, count) in &stats.by_bank {
        rows.push(("bank", bank.clone(), bank.clone(), *count));
    }
    for (law, count) in &stats.by_law {
        let shown = if law.is_empty() { ui.text("stats.no_law", &[]) } else { law.clone() };
        rows.push(("law", law.clone(), shown, *count));
    }
    for (kind, count) in &stats.by_kind {
        rows.push(("kind", kind.as_str().to_owned(), kind_label(*kind, ui), *count));
    }
    for (difficulty, count) in &stats.by_difficulty {
        let value = difficulty.map(|d| d.to_string()).unwrap_or_default();
        let shown = if value.is_empty() { ui.text("stats.no_difficulty", &[]) } else { value.clone() };
        rows.push(("difficulty", value, shown, *count));
    }
    let group = |dimension: &str| -> serde_json::Value {
        rows.iter()
            .filter(|row| row.0 == dimension)
            .map(|(_, value, _, count)| json!({ dimension: value, "questions": count }))
            .collect()
    };
    let json = json!({
        "by_bank": group("bank"),
        "by_law": group("law"),
        "by_kind": group("kind"),
        "by_difficulty": group("difficulty"),
    });
    let mut listing = Listing::new(vec![
        ("dimension", ui.text("col.dimension", &[])),
        ("value", ui.text("col.value", &[])),
        ("questions", ui.text("col.questions", &[])),
    ]);
    for (dimension, value, shown, count) in &rows {
        listing.row_shown(
            vec![(*dimension).to_owned(), value.clone(), count.to_string()],
            vec![ui.text(&format!("dimension.{dimension}"), &[]), shown.clone(), count.to_string()],
        );
    }
    listing.json(json).print(args.format)?;
    Ok(())
}
