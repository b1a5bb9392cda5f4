//! Reading bank files from disk into the core's reports. A file that cannot be opened is a
//! problem of that file like any other, so one missing file never hides the others' problems.

use std::path::{Path, PathBuf};

use xuefa_core::{Bank, Loaded, Location, Problem, ProblemKind, ReadOptions, SourceReport, read};

use crate::cli::BankFiles;

/// Returns the read options the flags ask for.
pub fn read_options(encoding: Option<&String>) -> ReadOptions {
    match encoding {
        Some(encoding) => ReadOptions::new().encoding(encoding.clone()),
        None => ReadOptions::new(),
    }
}

/// Returns the bank of these files, with every problem of every file.
pub fn load_bank(files: &BankFiles) -> Loaded {
    load_paths(&files.files, &read_options(files.encoding.as_ref()))
}

/// Returns the bank of these paths, checked together.
pub fn load_paths(paths: &[PathBuf], options: &ReadOptions) -> Loaded {
    Bank::from_reports(paths.iter().map(|path| read_path(path, options)))
}

/// Returns a file's bytes, or the problem of a file that cannot be read.
pub fn read_bytes(path: &Path) -> Result<Vec<u8>, Box<Problem>> {
    std::fs::read(path).map_err(|error| {
        Box::new(Problem::error(
            Location::file(path.display().to_string()),
            ProblemKind::UnreadableFile { detail: crate::i18n::io_error(&error) },
        ))
    })
}

/// Returns a table file of the command line (a roster, sessions, sign-in or answer sheets)
/// as its name, its bytes and the read options `--encoding` asks for; a file that cannot be
/// read is reported as a problem of that file and refuses the command.
pub fn read_file(
    path: &Path,
    encoding: Option<&String>,
    ui: &crate::ui::Ui,
) -> Result<(String, Vec<u8>, ReadOptions), crate::error::CommandError> {
    let bytes = read_bytes(path).map_err(|problem| {
        ui.problem(&problem);
        crate::error::CommandError::Rejected
    })?;
    Ok((path.display().to_string(), bytes, read_options(encoding)))
}

fn read_path(path: &Path, options: &ReadOptions) -> SourceReport {
    let name = path.display().to_string();
    match read_bytes(path) {
        Ok(bytes) => read(&name, &bytes, options),
        Err(problem) => {
            let mut report = read(&name, b"", options);
            report.problems = vec![*problem];
            report
        }
    }
}
