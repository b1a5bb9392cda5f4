//! `xuefa init [DIR]`: make a workspace (`xuefa.toml` and `xuefa.db`).

use std::path::PathBuf;

use clap::Args;
use xuefa_store::Workspace;

use crate::error::CommandError;
use crate::ui::Ui;

#[derive(Debug, Args)]
pub struct InitArgs {
    #[arg(value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,
    #[arg(long, value_name = "NAME", default_value = "")]
    pub name: String,
    #[arg(long, value_name = "LANG", default_value = "zh", value_parser = ["zh", "en"])]
    pub language: String,
}

pub fn cmd_init(args: &InitArgs, ui: &Ui) -> Result<(), CommandError> {
    let workspace = Workspace::init(&args.dir, &args.name, &args.language)?;
    ui.note(&ui.text("init.done", &[("dir", workspace.root.display().to_string())]));
    Ok(())
}
