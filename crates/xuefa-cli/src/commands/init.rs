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
    #[arg(long, value_name = "URL", env = "XUEFA_DATABASE_URL", hide_env_values = true)]
    pub database: Option<String>,
    #[arg(long = "ca-file", value_name = "FILE", requires = "database")]
    pub ca_file: Option<PathBuf>,
}

pub fn cmd_init(args: &InitArgs, ui: &Ui) -> Result<(), CommandError> {
    let target = args
        .database
        .as_ref()
        .filter(|url| !url.trim().is_empty())
        .map(|url| xuefa_store::PgTarget { url: url.clone(), ca_file: args.ca_file.clone() });
    let workspace = Workspace::init_with(&args.dir, &args.name, &args.language, target.as_ref())?;
    ui.note(&ui.text("init.done", &[("dir", workspace.root.display().to_string())]));
    Ok(())
}
