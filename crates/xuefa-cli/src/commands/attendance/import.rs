//! `xuefa attendance import FILE`: sign-in sheets (CSV or XLSX), all or nothing, written
//! while they are read (one transaction, rolled back on the first error but read to the end
//! so that every problem is reported). A session is
//! named by its id or by date and title; a person by employee id or by name. A name two
//! people share is an error listing both, so nobody gets someone else's hours; an unknown
//! name is an error with the closest names on the roster.

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
    let (_workspace, mut store) = workspace::open(global.workspace.as_ref())?;
    let now = workspace::now()?;
    let (name, bytes, options) = read_file(&args.file, args.encoding.as_ref(), ui)?;
    let imported =
        refused_with_problems(study::import_attendance(&mut store, &name, &bytes, &options, now, ui), ui)?;
    for problem in &imported.warnings {
        ui.problem(problem);
    }
    ui.note(&ui.text("attendance.imported", &[("marks", imported.marks.to_string())]));
    Ok(())
}
