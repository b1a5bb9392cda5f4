//! `xuefa roster import FILE`: read a roster (CSV or XLSX) and store it, all or nothing.
//! People missing from the new roster are reported, never deleted.

use std::path::PathBuf;

use clap::Args;
use xuefa_core::{Person, read_roster};
use xuefa_store::Store;

use crate::cli::GlobalArgs;
use crate::commands::bank::import::shorten;
use crate::error::CommandError;
use crate::inputs::{read_bytes, read_options};
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
    let report = match read_bytes(&args.file) {
        Ok(bytes) => {
            read_roster(&args.file.display().to_string(), &bytes, &read_options(args.encoding.as_ref()))
        }
        Err(problem) => {
            ui.problem(&problem);
            return Err(CommandError::Rejected);
        }
    };
    for problem in &report.problems {
        ui.problem(problem);
    }
    if report.has_errors() {
        let errors = report.problems.iter().filter(|p| p.is_error()).count();
        ui.note(&ui.text("roster.refused", &[("errors", errors.to_string())]));
        return Err(CommandError::Rejected);
    }
    let people: Vec<&Person> = report.people.iter().map(|(person, _)| person).collect();
    let bar = progress(people.len() as u64, ui.text("import.progress", &[]));
    let imported = store.import_roster(&people, now, &mut |done, _| bar.set_position(done))?;
    bar.finish_and_clear();
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
