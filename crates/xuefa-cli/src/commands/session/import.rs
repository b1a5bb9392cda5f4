//! `xuefa session import FILE`: record study sessions from a CSV or XLSX, all or nothing.

use std::path::PathBuf;

use clap::Args;
use xuefa_app::study;

use crate::cli::GlobalArgs;
use crate::error::{CommandError, refused_with_problems};
use crate::inputs::read_file;
use crate::ui::Ui;
use crate::workspace;

#[derive(Debug, Args)]
pub struct ImportArgs {
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    #[arg(long, value_name = "ENCODING")]
    pub encoding: Option<String>,
}

pub fn cmd_import(args: &ImportArgs, global: &GlobalArgs, ui: &Ui) -> Result<(), CommandError> {
    let (workspace, mut store) = workspace::open(global.workspace.as_ref())?;
    let now = workspace::now()?;
    let custom = workspace.config.study.custom_kinds();
    let (name, bytes, options) = read_file(&args.file, args.encoding.as_ref(), ui)?;
    let imported = refused_with_problems(
        study::import_sessions(&mut store, &name, &bytes, &options, &custom, now, ui),
        ui,
    )?;
    for problem in &imported.warnings {
        ui.problem(problem);
    }
    ui.note(&ui.text("session.imported", &[("sessions", imported.sessions.to_string())]));
    Ok(())
}
