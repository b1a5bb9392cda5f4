//! Finding the workspace of a command (`--workspace`, then `XUEFA_WORKSPACE`, then upwards
//! from the current folder) and the time it runs at (`XUEFA_NOW` overrides the clock, so
//! tests can move through deadlines).

use std::path::PathBuf;

use jiff::Timestamp;
use xuefa_store::{SqliteStore, Workspace};

use crate::error::CommandError;

/// Returns the workspace and its open store.
pub fn open(explicit: Option<&PathBuf>) -> Result<(Workspace, SqliteStore), CommandError> {
    let cwd = std::env::current_dir()
        .map_err(|error| CommandError::message_of("workspace.no_cwd", vec![("detail", error.to_string())]))?;
    let from_env = std::env::var_os("XUEFA_WORKSPACE").filter(|v| !v.is_empty()).map(PathBuf::from);
    let workspace = Workspace::find(explicit.map(PathBuf::as_path), from_env.as_deref(), &cwd)?;
    let store = workspace.open_store()?;
    Ok((workspace, store))
}

/// Returns the time the command runs at, to the second: `XUEFA_NOW` (RFC 3339) when set,
/// else the clock. Read once per command and passed down.
pub fn now() -> Result<Timestamp, CommandError> {
    let now = match std::env::var("XUEFA_NOW") {
        Ok(text) if !text.trim().is_empty() => text.trim().parse::<Timestamp>().map_err(|error| {
            CommandError::message_of(
                "time.bad_now",
                vec![("value", text.clone()), ("detail", error.to_string())],
            )
        })?,
        _ => Timestamp::now(),
    };
    // Records show seconds; finer digits would only make the same second look different.
    Ok(Timestamp::from_second(now.as_second()).unwrap_or(now))
}
