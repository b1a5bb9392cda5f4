//! `xuefa bank check FILE...`: read bank files and report every problem, changing nothing.

use clap::Args;
use serde_json::{Value, json};
use xuefa_core::{Loaded, Problem};

use crate::cli::{BankFiles, CheckFormat};
use crate::error::CommandError;
use crate::inputs::load_bank;
use crate::ui::Ui;

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub input: BankFiles,
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    pub format: CheckFormat,
}

pub fn cmd_check(args: &CheckArgs, ui: &Ui) -> Result<(), CommandError> {
    let loaded = load_bank(&args.input);
    match args.format {
        CheckFormat::Text => {
            report_problems(&loaded, ui);
            ui.note(&summary(&loaded, args.input.files.len(), ui));
        }
        CheckFormat::Json => {
            let problems = |errors: bool| -> Vec<Value> {
                loaded
                    .problems
                    .iter()
                    .filter(|p| p.is_error() == errors)
                    .map(|p| problem_json(p, ui))
                    .collect()
            };
            let report = json!({
                "questions": loaded.bank.len(),
                "errors": problems(true),
                "warnings": problems(false),
            });
            outln!("{}", serde_json::to_string_pretty(&report).unwrap_or_default());
        }
    }
    if loaded.has_errors() { Err(CommandError::Rejected) } else { Ok(()) }
}

/// Prints every problem, one per line, in file order.
pub fn report_problems(loaded: &Loaded, ui: &Ui) {
    for problem in &loaded.problems {
        ui.problem(problem);
    }
}

/// Returns the closing line of a check: files, questions, errors, warnings.
pub fn summary(loaded: &Loaded, files: usize, ui: &Ui) -> String {
    summary_of(&[loaded], files, ui)
}

/// Returns the closing line of a check of several banks.
pub fn summary_of(banks: &[&Loaded], files: usize, ui: &Ui) -> String {
    let count = |f: fn(&Loaded) -> usize| banks.iter().map(|bank| f(bank)).sum::<usize>().to_string();
    ui.text(
        "check.summary",
        &[
            ("files", files.to_string()),
            ("questions", count(|b| b.bank.len())),
            ("errors", count(|b| b.errors().count())),
            ("warnings", count(|b| b.warnings().count())),
        ],
    )
}

fn problem_json(problem: &Problem, ui: &Ui) -> Value {
    let mut object = serde_json::Map::new();
    object.insert("file".into(), json!(&*problem.location.source));
    if let Some(sheet) = &problem.location.sheet {
        object.insert("sheet".into(), json!(&**sheet));
    }
    object.insert("line".into(), json!(problem.location.line));
    object.insert("message".into(), json!(problem.message(ui.lang)));
    Value::Object(object)
}
