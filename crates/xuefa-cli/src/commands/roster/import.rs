//! `xuefa roster import FILE`: read a roster (CSV or XLSX) and store it, all or nothing.
//! People missing from the new roster are reported, never deleted.

use std::path::PathBuf;

use clap::Args;
use xuefa_core::{Problem, read_roster_each};
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
    let bytes = read_bytes(&args.file).map_err(|problem| {
        ui.problem(&problem);
        CommandError::Rejected
    })?;
    let name = args.file.display().to_string();
    let options = read_options(args.encoding.as_ref());
    // People are written as they are read, in one transaction kept only when the whole
    // roster is without error.
    let bar = progress(0, ui.text("import.progress", &[]));
    let mut problems = Vec::new();
    let imported = store.import_roster_each(now, &mut |writer| {
        let mut count = 0u64;
        problems = read_roster_each(&name, &bytes, &options, &mut |person, _| {
            count += 1;
            if count.is_multiple_of(1000) {
                bar.set_position(count);
            }
            writer.write(&person);
        });
        !problems.iter().any(Problem::is_error)
    })?;
    bar.finish_and_clear();
    for problem in &problems {
        ui.problem(problem);
    }
    let Some(imported) = imported else {
        let errors = problems.iter().filter(|p| p.is_error()).count();
        ui.note(&ui.text("roster.refused", &[("errors", errors.to_string())]));
        return Err(CommandError::Rejected);
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
