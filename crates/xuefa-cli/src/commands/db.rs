//! `xuefa db status`: the backend, schema version, size and rows of the workspace's
//! database. `xuefa db copy --to URL|FILE`: the whole database copied to an empty
//! PostgreSQL database or a new SQLite file, verified table by table by counts and hashes.

use std::path::PathBuf;

use clap::Args;
use serde_json::json;

use crate::cli::GlobalArgs;
use crate::error::CommandError;
use crate::output::ListingOut as _;
use crate::output::{ListFormat, Listing};
use crate::ui::Ui;
use crate::workspace;

#[derive(Debug, Args)]
pub struct StatusArgs {
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

#[derive(Debug, Args)]
pub struct CopyArgs {
    #[arg(long, value_name = "URL|FILE")]
    pub to: String,
    #[arg(long = "ca-file", value_name = "FILE")]
    pub ca_file: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

/// Where the database is, for people: the file, or the URL without its password.
fn shown_location(workspace: &xuefa_store::Workspace) -> String {
    match workspace::location(workspace) {
        xuefa_store::Location::Sqlite(path) => path.display().to_string(),
        xuefa_store::Location::Postgres(target) => target.display(),
    }
}

pub fn cmd_status(args: &StatusArgs, global: &GlobalArgs, ui: &Ui) -> Result<(), CommandError> {
    let (workspace, store) = workspace::open(global.workspace.as_ref())?;
    let status = xuefa_store::database_status(&store)?;
    let location = shown_location(&workspace);
    ui.note(&ui.text(
        "db.status",
        &[
            ("backend", status.backend.to_owned()),
            ("location", location.clone()),
            ("version", status.schema_version.to_string()),
            ("size", format!("{:.1}", status.bytes as f64 / 1_048_576.0)),
        ],
    ));
    let mut listing =
        Listing::new(vec![("table", ui.text("col.table", &[])), ("rows", ui.text("col.rows", &[]))]);
    for (table, rows) in &status.tables {
        listing.row(vec![table.clone(), rows.to_string()]);
    }
    listing
        .json(json!({
            "backend": status.backend,
            "location": location,
            "schema_version": status.schema_version,
            "bytes": status.bytes,
            "tables": status.tables.iter().map(|(t, r)| json!({"table": t, "rows": r})).collect::<Vec<_>>(),
        }))
        .print(args.format)?;
    Ok(())
}

/// Whether the destination names a PostgreSQL database rather than a file.
fn is_url(to: &str) -> bool {
    to.starts_with("postgres://")
        || to.starts_with("postgresql://")
        || (to.contains('=') && to.contains("dbname"))
}

pub fn cmd_copy(args: &CopyArgs, global: &GlobalArgs, ui: &Ui) -> Result<(), CommandError> {
    let (workspace, from) = workspace::open(global.workspace.as_ref())?;
    let (mut to, shown) = if is_url(&args.to) {
        let target = xuefa_store::PgTarget { url: args.to.clone(), ca_file: args.ca_file.clone() };
        let shown = target.display();
        (workspace::open_postgres(&target)?, shown)
    } else {
        let path = PathBuf::from(&args.to);
        // A file of its own: never the workspace's database, never over another file.
        if std::fs::metadata(&path).is_ok_and(|m| !m.is_file() || m.len() > 0) {
            return Err(CommandError::message_of(
                "db.copy_exists",
                vec![("path", path.display().to_string())],
            ));
        }
        if matches!(workspace::location(&workspace), xuefa_store::Location::Sqlite(_)) {
            return Err(CommandError::message_of("db.copy_sqlite_to_sqlite", vec![]));
        }
        (workspace::open_sqlite(&path)?, path.display().to_string())
    };
    let progress = crate::output::progress(24, ui.text("db.copying", &[]));
    let report = xuefa_store::copy_database(&from, &mut to, &mut |_| progress.inc(1))?;
    progress.finish_and_clear();
    let mut listing = Listing::new(vec![
        ("table", ui.text("col.table", &[])),
        ("rows", ui.text("col.rows", &[])),
        ("sha256", "SHA-256".to_owned()),
    ]);
    for table in &report {
        listing.row(vec![table.table.clone(), table.rows.to_string(), table.hash.clone()]);
    }
    listing.json(json!({ "to": shown, "tables": report })).print(args.format)?;
    let rows: u64 = report.iter().map(|t| t.rows).sum();
    ui.note(&ui.text(
        "db.copied",
        &[
            ("from", shown_location(&workspace)),
            ("to", shown),
            ("tables", report.len().to_string()),
            ("rows", rows.to_string()),
        ],
    ));
    Ok(())
}
