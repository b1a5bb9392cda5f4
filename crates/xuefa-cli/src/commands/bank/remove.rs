//! `xuefa bank remove NAME [--force]`: remove a bank and its questions.

use clap::Args;
use xuefa_store::Store;

use crate::cli::GlobalArgs;
use crate::error::CommandError;
use crate::ui::Ui;
use crate::workspace;

#[derive(Debug, Args)]
pub struct RemoveArgs {
    #[arg(value_name = "NAME")]
    pub bank: String,
    #[arg(long)]
    pub force: bool,
}

pub fn cmd_remove(args: &RemoveArgs, global: &GlobalArgs, ui: &Ui) -> Result<(), CommandError> {
    let (_workspace, mut store) = workspace::open(global.workspace.as_ref())?;
    let removed = store.remove_bank(&args.bank, args.force)?;
    ui.note(&ui.text("remove.done", &[("bank", args.bank.clone()), ("questions", removed.to_string())]));
    Ok(())
}
