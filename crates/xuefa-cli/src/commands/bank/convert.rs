//! `xuefa bank convert INPUT... -o OUTPUT`: write banks in another format, refusing (and
//! writing nothing) when an input has errors.

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use xuefa_core::{Format, write_csv, write_json, write_xlsx};

use crate::cli::BankFiles;
use crate::commands::bank::check::{report_problems, summary};
use crate::error::CommandError;
use crate::inputs::load_bank;
use crate::ui::Ui;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StdoutFormat {
    Json,
    Csv,
}

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("target").required(true).args(["output", "to"]))]
pub struct ConvertArgs {
    #[command(flatten)]
    pub input: BankFiles,
    #[arg(short, long, value_name = "OUTPUT")]
    pub output: Option<PathBuf>,
    #[arg(long, value_enum)]
    pub to: Option<StdoutFormat>,
}

pub fn cmd_convert(args: &ConvertArgs, ui: &Ui) -> Result<(), CommandError> {
    // Decide the output format before reading, so a wrong name fails fast.
    let format = match (&args.output, args.to) {
        (Some(path), _) => match Format::from_extension(&path.to_string_lossy()) {
            Some(format @ (Format::Csv | Format::Json | Format::Xlsx)) => format,
            _ => {
                return Err(CommandError::message_of(
                    "convert.unknown_output",
                    vec![("path", path.display().to_string())],
                ));
            }
        },
        (None, Some(StdoutFormat::Json)) => Format::Json,
        (None, _) => Format::Csv,
    };
    let loaded = load_bank(&args.input);
    report_problems(&loaded, ui);
    if loaded.has_errors() {
        ui.note(&summary(&loaded, args.input.files.len(), ui));
        ui.note(&ui.text("convert.refused", &[]));
        return Err(CommandError::Rejected);
    }
    let questions = loaded.bank.questions();
    let bytes = match format {
        Format::Json => Ok(write_json(questions).into_bytes()),
        Format::Xlsx => write_xlsx(questions, ui.lang),
        _ => write_csv(questions, ui.lang),
    }
    .map_err(|error| CommandError::message_of("convert.write_failed", vec![("detail", error.to_string())]))?;
    match &args.output {
        Some(path) => {
            write_atomically(path, &bytes).map_err(|error| {
                CommandError::message_of(
                    "convert.write_file_failed",
                    vec![("path", path.display().to_string()), ("detail", crate::i18n::io_error(&error))],
                )
            })?;
            ui.note(&ui.text(
                "convert.wrote",
                &[("questions", questions.len().to_string()), ("path", path.display().to_string())],
            ));
        }
        None => {
            let mut stdout = std::io::stdout().lock();
            // A closed pipe (`| head`) ends the output; it is not a failure of the conversion.
            let _ = stdout.write_all(&bytes).and_then(|()| stdout.flush());
        }
    }
    Ok(())
}

/// Writes the file next to its final place and renames it there, so a failure never leaves
/// half a file behind.
pub fn write_atomically(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    let directory = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let temporary = directory.join(format!(".{file_name}.{}.tmp", std::process::id()));
    let result = std::fs::File::create(&temporary)
        .and_then(|mut file| file.write_all(bytes).and_then(|()| file.sync_all()))
        .and_then(|()| std::fs::rename(&temporary, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    result
}
