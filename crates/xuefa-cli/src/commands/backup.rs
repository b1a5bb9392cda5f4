//! `xuefa backup FILE` and `xuefa restore FILE`: a consistent copy of the whole workspace
//! database, taken while exams run, and putting one back (the replaced database kept aside).

use std::path::PathBuf;

use clap::Args;
use xuefa_store::Maintenance as _;

use crate::cli::GlobalArgs;
use crate::error::CommandError;
use crate::ui::Ui;
use crate::workspace;

#[derive(Debug, Args)]
pub struct BackupArgs {
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
}

/// Whether two paths name one file (the second need not exist).
fn same_file(a: &std::path::Path, b: &std::path::Path) -> bool {
    let full = |p: &std::path::Path| {
        p.canonicalize().ok().or_else(|| {
            let parent =
                p.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
            Some(parent.canonicalize().ok()?.join(p.file_name()?))
        })
    };
    matches!((full(a), full(b)), (Some(x), Some(y)) if x == y)
}

pub fn cmd_backup(args: &BackupArgs, global: &GlobalArgs, ui: &Ui) -> Result<(), CommandError> {
    let (workspace, mut store) = workspace::open(global.workspace.as_ref())?;
    let database = workspace.database_path();
    // Neither the database nor the files SQLite keeps beside it.
    let sidecar = ["-wal", "-shm", "-journal"].iter().any(|end| {
        let mut name = database.clone().into_os_string();
        name.push(end);
        same_file(&args.file, std::path::Path::new(&name))
    });
    if same_file(&args.file, &database) || sidecar {
        return Err(CommandError::message_of(
            "backup.onto_database",
            vec![("path", args.file.display().to_string())],
        ));
    }
    // A backup is a file of its own: never renamed over a device or a pipe.
    if std::fs::metadata(&args.file).is_ok_and(|m| !m.is_file()) {
        return Err(CommandError::message_of(
            "backup.not_a_file",
            vec![("path", args.file.display().to_string())],
        ));
    }
    store.backup_to(&args.file)?;
    let info = workspace::inspect_backup(&args.file)?;
    ui.note(&ui.text(
        "backup.done",
        &[
            ("path", args.file.display().to_string()),
            ("size", megabytes(info.size_bytes)),
            ("people", info.people.to_string()),
            ("attempts", info.attempts.to_string()),
            ("marks", info.marks.to_string()),
        ],
    ));
    Ok(())
}

pub fn cmd_restore(args: &RestoreArgs, global: &GlobalArgs, ui: &Ui) -> Result<(), CommandError> {
    let workspace = workspace::find(global.workspace.as_ref())?;
    if let xuefa_store::Location::Postgres(target) = workspace::location(&workspace) {
        return Err(CommandError::message_of("restore.postgres", vec![("database", target.display())]));
    }
    let database = workspace.database_path();
    if same_file(&args.file, &database) {
        return Err(CommandError::message_of(
            "backup.onto_database",
            vec![("path", args.file.display().to_string())],
        ));
    }
    // Not under a running `xuefa serve`: it would go on writing to the database put aside.
    let Some(_alone) = workspace::hold_alone(&workspace)? else {
        return Err(CommandError::message_of(
            "restore.in_use",
            vec![("path", database.display().to_string())],
        ));
    };
    let stamp = workspace::now()?.strftime("%Y%m%dT%H%M%S").to_string();
    let aside = database.with_file_name(format!("xuefa.db.before-restore-{stamp}"));
    let info = match workspace::restore_backup(&workspace, &args.file, &aside) {
        Ok(info) => info,
        Err(xuefa_store::StoreError::NotXuefa { path, reason }) => {
            return Err(CommandError::message_of(
                "restore.not_backup",
                vec![
                    ("path", path.display().to_string()),
                    ("reason", ui.text(&format!("restore.reason.{reason}"), &[])),
                ],
            ));
        }
        Err(xuefa_store::StoreError::Corrupt(detail)) => {
            return Err(CommandError::message_of(
                "restore.damaged",
                vec![("path", args.file.display().to_string()), ("detail", detail)],
            ));
        }
        Err(xuefa_store::StoreError::InUse { .. }) => {
            return Err(CommandError::message_of(
                "restore.in_use",
                vec![("path", database.display().to_string())],
            ));
        }
        Err(other) => return Err(other.into()),
    };
    // Opening brings a backup from an older xuefa to this build's schema.
    drop(workspace.open_store(None)?);
    ui.note(&ui.text(
        "restore.done",
        &[
            ("path", args.file.display().to_string()),
            ("people", info.people.to_string()),
            ("attempts", info.attempts.to_string()),
            ("marks", info.marks.to_string()),
        ],
    ));
    if aside.exists() {
        ui.note(&ui.text("restore.aside", &[("path", aside.display().to_string())]));
    }
    Ok(())
}

fn megabytes(bytes: u64) -> String {
    format!("{:.1}", bytes as f64 / 1_048_576.0)
}
