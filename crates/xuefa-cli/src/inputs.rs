//! Reading bank files from disk into the core's reports. A file that cannot be opened is a
//! problem of that file like any other, so one missing file never hides the others' problems.

use std::path::Path;

use xuefa_core::{Bank, Loaded, Location, Problem, ProblemKind, ReadOptions, SourceReport, read};

use crate::cli::BankFiles;

/// Returns the bank of these files, with every problem of every file.
pub fn load_bank(files: &BankFiles) -> Loaded {
    let mut options = ReadOptions::new();
    if let Some(encoding) = &files.encoding {
        options = options.encoding(encoding.clone());
    }
    Bank::from_reports(files.files.iter().map(|path| read_path(path, &options)))
}

fn read_path(path: &Path, options: &ReadOptions) -> SourceReport {
    let name = path.display().to_string();
    match std::fs::read(path) {
        Ok(bytes) => read(&name, &bytes, options),
        Err(error) => {
            let mut report = read(&name, b"", options);
            report.problems = vec![Problem::error(
                Location::file(name),
                ProblemKind::UnreadableFile { detail: error.to_string() },
            )];
            report
        }
    }
}
