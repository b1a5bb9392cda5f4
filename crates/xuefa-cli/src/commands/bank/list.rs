//! `xuefa bank list`: the banks of the workspace and their sizes.

use clap::Args;
use serde_json::json;
use xuefa_store::Store;

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
    let banks = store.banks()?;
    let mut listing = Listing::new(
        [
            ("bank", "col.bank"),
            ("questions", "col.questions"),
            ("single", "col.single"),
            ("multiple", "col.multiple"),
            ("judge", "col.judge"),
            ("retired", "col.retired"),
            ("updated_at", "col.updated"),
        ]
        .iter()
        .map(|(field, key)| (*field, ui.text(key, &[])))
        .collect(),
    );
    for bank in &banks {
        listing.row(vec![
            bank.name.clone(),
            bank.questions.to_string(),
            bank.single.to_string(),
            bank.multiple.to_string(),
            bank.judge.to_string(),
            bank.retired.to_string(),
            workspace::shown_time_text(&bank.updated_at),
        ]);
    }
    let json: Vec<serde_json::Value> = banks
        .iter()
        .map(|bank| {
            let mut value = json!(bank);
            value["updated_at"] = json!(workspace::rfc3339_text(&bank.updated_at));
            value
        })
        .collect();
    listing.json(json!(json)).print(args.format)?;
    Ok(())
}
