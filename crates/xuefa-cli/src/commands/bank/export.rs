//! `xuefa bank export -o FILE [--bank NAME]`: write the questions in use to a bank file.

use std::collections::HashMap;
use std::path::PathBuf;

use clap::Args;
use xuefa_core::{Format, Question, write_csv, write_json, write_xlsx};
use xuefa_store::Store;

use crate::cli::GlobalArgs;
use crate::commands::bank::convert::write_atomically;
use crate::error::CommandError;
use crate::ui::Ui;
use crate::workspace;

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
    #[arg(long, value_name = "NAME")]
    pub bank: Option<String>,
}

pub fn cmd_export(args: &ExportArgs, global: &GlobalArgs, ui: &Ui) -> Result<(), CommandError> {
    let format = match Format::from_extension(&args.output.to_string_lossy()) {
        Some(format @ (Format::Csv | Format::Json | Format::Xlsx)) => format,
        _ => {
            return Err(CommandError::message_of(
                "convert.unknown_output",
                vec![("path", args.output.display().to_string())],
            ));
        }
    };
    let (_workspace, store) = workspace::open(global.workspace.as_ref())?;
    let stored = store.questions(args.bank.as_deref())?;
    // Ids are unique within a bank; a file of several banks must not repeat one.
    let mut banks_of: HashMap<&str, Vec<&str>> = HashMap::new();
    for question in &stored {
        banks_of.entry(question.question.id.as_str()).or_default().push(question.bank.as_str());
    }
    let mut clashes: Vec<String> = banks_of
        .iter()
        .filter(|(_, banks)| banks.len() > 1)
        .map(|(id, banks)| format!("{id} ({})", banks.join(", ")))
        .collect();
    if !clashes.is_empty() {
        clashes.sort();
        clashes.truncate(10);
        return Err(CommandError::message_of("export.id_clash", vec![("ids", clashes.join("; "))]));
    }
    let questions: Vec<Question> = stored.into_iter().map(|s| s.question).collect();
    let bytes = match format {
        Format::Json => Ok(write_json(&questions).into_bytes()),
        Format::Xlsx => write_xlsx(&questions, ui.lang),
        _ => write_csv(&questions, ui.lang),
    }
    .map_err(|error| CommandError::message_of("convert.write_failed", vec![("detail", error.to_string())]))?;
    write_atomically(&args.output, &bytes).map_err(|error| {
        CommandError::message_of(
            "convert.write_file_failed",
            vec![("path", args.output.display().to_string()), ("detail", crate::i18n::io_error(&error))],
        )
    })?;
    ui.note(&ui.text(
        "convert.wrote",
        &[("questions", questions.len().to_string()), ("path", args.output.display().to_string())],
    ));
    Ok(())
}
