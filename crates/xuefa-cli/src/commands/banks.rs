//! `xuefa banks path`: where the question banks shipped with xuefa are, so that
//! `xuefa bank import $(xuefa banks path)/*.csv` works however xuefa was installed.

use std::path::{Path, PathBuf};

use clap::Args;

use crate::error::CommandError;
use crate::ui::Ui;

#[derive(Debug, Args)]
pub struct PathArgs {}

/// The places the shipped banks may be, in order: `XUEFA_BANKS`; beside the binary (the
/// tarball); `../share/xuefa/question-banks` from the binary (the .deb's /usr/bin →
/// /usr/share); the source tree it was built from.
pub fn candidates() -> Vec<PathBuf> {
    let mut places = Vec::new();
    if let Some(dir) = std::env::var_os("XUEFA_BANKS").filter(|v| !v.is_empty()) {
        places.push(PathBuf::from(dir));
    }
    if let Some(bin) = std::env::current_exe().ok().and_then(|exe| exe.canonicalize().ok())
        && let Some(dir) = bin.parent()
    {
        places.push(dir.join("question-banks"));
        places.push(dir.join("../share/xuefa/question-banks"));
    }
    places.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../question-banks"));
    places
}

/// Whether a folder holds banks (at least one CSV).
fn holds_banks(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|entries| {
        entries.flatten().any(|e| e.path().extension().is_some_and(|x| x.eq_ignore_ascii_case("csv")))
    })
}

pub fn cmd_path(_args: &PathArgs, _ui: &Ui) -> Result<(), CommandError> {
    let places = candidates();
    match places.iter().find(|dir| holds_banks(dir)) {
        Some(dir) => {
            let shown = dir.canonicalize().unwrap_or_else(|_| dir.clone());
            outln!("{}", shown.display());
            Ok(())
        }
        None => Err(CommandError::message_of(
            "banks.not_found",
            vec![("places", places.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", "))],
        )),
    }
}
