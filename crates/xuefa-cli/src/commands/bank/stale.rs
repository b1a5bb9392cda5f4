//! `xuefa bank stale --law L --since DATE`: the questions in use that cite a law and were
//! written before it was amended on DATE — what an office reviews after an amendment.

use clap::Args;
use xuefa_app::import;

use crate::cli::GlobalArgs;
use crate::error::CommandError;
use crate::output::ListFormat;
use crate::output::ListingOut as _;
use crate::ui::Ui;
use crate::workspace;

#[derive(Debug, Args)]
pub struct StaleArgs {
    #[arg(long, value_name = "LAW")]
    pub law: String,
    #[arg(long, value_name = "DATE")]
    pub since: String,
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

pub fn cmd_stale(args: &StaleArgs, global: &GlobalArgs, ui: &Ui) -> Result<(), CommandError> {
    let (_workspace, store) = workspace::open(global.workspace.as_ref())?;
    let questions = import::stale_questions(&store, &args.law, &args.since)?;
    import::stale_listing(&questions, ui).print(args.format)?;
    ui.note(&ui.text(
        "stale.summary",
        &[("count", questions.len().to_string()), ("law", args.law.clone()), ("since", args.since.clone())],
    ));
    Ok(())
}
