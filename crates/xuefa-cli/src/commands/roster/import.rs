//! `xuefa roster import FILE`: read a roster (CSV or XLSX) and store it, all or nothing.
//! People missing from the new roster are reported, never deleted.

use std::path::PathBuf;

use clap::Args;
use xuefa_app::import;

use crate::cli::GlobalArgs;
use crate::commands::bank::import::shorten;
use crate::error::CommandError;
use crate::inputs::read_file;
use crate::output::progress;
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
    let (_workspace, mut store) = workspace::open(global.workspace.as_ref())?;
    let now = workspace::now()?;
    let (name, bytes, options) = read_file(&args.file, args.encoding.as_ref(), ui)?;
    let bar = progress(0, ui.text("import.progress", &[]));
    let result =
        import::import_roster(&mut store, &name, &bytes, &options, now, &mut |count| bar.set_position(count));
    bar.finish_and_clear();
    let imported = match result {
        Ok(imported) => {
            for problem in &imported.warnings {
                ui.problem(problem);
            }
            imported.import
        }
        Err(xuefa_app::AppError::Problems(problems)) => {
            for problem in &problems {
                ui.problem(problem);
            }
            let errors = problems.iter().filter(|p| p.is_error()).count();
            ui.note(&ui.text("roster.refused", &[("errors", errors.to_string())]));
            return Err(CommandError::Rejected);
        }
        Err(error) => return Err(error.into()),
    };
    ui.note(&ui.text(
        "roster.summary",
        &[
            ("added", imported.added.len().to_string()),
            ("updated", imported.updated.len().to_string()),
            ("unchanged", imported.unchanged.to_string()),
        ],
    ));
    if !imported.missing.is_empty() {
        let names: Vec<String> = imported.missing.iter().map(|(id, name)| format!("{id} {name}")).collect();
        ui.note(&ui.text(
            "roster.missing",
            &[("count", imported.missing.len().to_string()), ("people", shorten(&names))],
        ));
    }
    Ok(())
}
