//! `xuefa exam results EXAM`: per person who must sit (and anyone else who sat) the counted
//! score, pass or fail, band and attempts used. People who have not sat have no score.

use clap::Args;
use xuefa_app::exam;

use crate::cli::GlobalArgs;
use crate::error::CommandError;
use crate::output::ListFormat;
use crate::output::ListingOut as _;
use crate::ui::Ui;
use crate::workspace;

#[derive(Debug, Args)]
pub struct ResultsArgs {
    #[arg(value_name = "EXAM")]
    pub exam: String,
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

pub fn cmd_results(args: &ResultsArgs, global: &GlobalArgs, ui: &Ui) -> Result<(), CommandError> {
    let (_workspace, mut store) = workspace::open(global.workspace.as_ref())?;
    let results = exam::results(&mut store, &args.exam, workspace::now()?)?;
    exam::results_listing(&results, ui).print(args.format)?;
    Ok(())
}
