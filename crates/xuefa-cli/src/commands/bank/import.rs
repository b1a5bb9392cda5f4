//! `xuefa bank import FILE... [--bank NAME]`: read bank files and store them, all or
//! nothing. Without `--bank`, each file is the bank named by its file name (`民法典.csv` is
//! bank 民法典); files with the same name form one bank.

use std::collections::BTreeMap;
use std::path::PathBuf;

use clap::Args;
use xuefa_app::import;
use xuefa_core::Loaded;

use crate::cli::{BankFiles, GlobalArgs};
use crate::commands::bank::check::{report_problems, summary_of};
use crate::error::CommandError;
use crate::inputs::{load_paths, read_options};
use crate::output::progress;
use crate::ui::Ui;
use crate::workspace;

#[derive(Debug, Args)]
pub struct ImportArgs {
    #[command(flatten)]
    pub input: BankFiles,
    #[arg(long, value_name = "NAME")]
    pub bank: Option<String>,
}

/// Returns the bank a file goes into when no `--bank` is given: its file name without the
/// extension.
pub fn bank_name(path: &std::path::Path) -> String {
    path.file_stem().map(|stem| stem.to_string_lossy().trim().to_owned()).unwrap_or_default()
}

pub fn cmd_import(args: &ImportArgs, global: &GlobalArgs, ui: &Ui) -> Result<(), CommandError> {
    let (_workspace, mut store) = workspace::open(global.workspace.as_ref())?;
    let now = workspace::now()?;
    let mut groups: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
    let mut seen: Vec<PathBuf> = Vec::new();
    for path in &args.input.files {
        // The same file named twice (`*.csv banks/*.csv`) is read once.
        let canonical = std::fs::canonicalize(path).unwrap_or_else(|_| path.clone());
        if seen.contains(&canonical) {
            ui.note(&ui.text("import.given_twice", &[("path", path.display().to_string())]));
            continue;
        }
        seen.push(canonical);
        let name = args.bank.clone().unwrap_or_else(|| bank_name(path));
        let group = groups.entry(name.clone()).or_default();
        // Two files of one name in different folders would silently become one bank.
        if args.bank.is_none()
            && let Some(other) = group.first()
        {
            return Err(CommandError::message_of(
                "import.same_name",
                vec![
                    ("bank", name),
                    ("first", other.display().to_string()),
                    ("second", path.display().to_string()),
                ],
            ));
        }
        group.push(path.clone());
    }
    let options = read_options(args.input.encoding.as_ref());
    let loaded: Vec<(String, Loaded)> =
        groups.iter().map(|(name, paths)| (name.clone(), load_paths(paths, &options))).collect();
    for (_, bank) in &loaded {
        report_problems(bank, ui);
    }
    let total: u64 = loaded.iter().map(|(_, bank)| bank.bank.len() as u64).sum();
    let bar = progress(total, ui.text("import.progress", &[]));
    let imported = import::import_banks(&mut store, &loaded, now, &mut |done, _| bar.set_position(done));
    bar.finish_and_clear();
    let reports = match imported {
        Ok(reports) => reports,
        Err(xuefa_app::AppError::Problems(_)) => {
            // Every problem is on the screen already, bank by bank.
            let banks: Vec<&Loaded> = loaded.iter().map(|(_, bank)| bank).collect();
            ui.note(&summary_of(&banks, args.input.files.len(), ui));
            ui.note(&ui.text("import.refused", &[]));
            return Err(CommandError::Rejected);
        }
        Err(error) => return Err(error.into()),
    };
    for report in reports {
        ui.note(&ui.text(
            "import.bank_summary",
            &[
                ("bank", report.bank.clone()),
                ("added", report.added.len().to_string()),
                ("changed", report.changed.len().to_string()),
                ("unchanged", report.unchanged.to_string()),
                ("retired", report.retired.len().to_string()),
            ],
        ));
        if !report.retired.is_empty() {
            ui.note(&ui.text("import.retired_ids", &[("ids", shorten(&report.retired))]));
        }
    }
    Ok(())
}

/// Returns up to ten ids, then how many more.
pub fn shorten(ids: &[String]) -> String {
    let mut text = ids.iter().take(10).cloned().collect::<Vec<_>>().join(", ");
    if ids.len() > 10 {
        text.push_str(&format!(" … (+{})", ids.len() - 10));
    }
    text
}
