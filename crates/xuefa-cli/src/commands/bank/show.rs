//! `xuefa bank show ID`: a question with every version the workspace has kept of it.

use clap::Args;
use serde_json::json;
use xuefa_core::{Answer, CanonicalQuestion, letter};
use xuefa_store::{Store, StoredQuestion};

use crate::cli::GlobalArgs;
use crate::error::CommandError;
use crate::output::ListingOut as _;
use crate::output::{ListFormat, Listing};
use crate::ui::Ui;
use crate::workspace;

#[derive(Debug, Args)]
pub struct ShowArgs {
    #[arg(value_name = "ID")]
    pub id: String,
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

pub fn cmd_show(args: &ShowArgs, global: &GlobalArgs, ui: &Ui) -> Result<(), CommandError> {
    let (_workspace, store) = workspace::open(global.workspace.as_ref())?;
    let versions = store.question_versions(&args.id)?;
    if versions.is_empty() {
        return Err(CommandError::message_of("show.not_found", vec![("id", args.id.clone())]));
    }
    let mut banks: Vec<&str> = versions.iter().map(|v| v.bank.as_str()).collect();
    banks.dedup();
    if banks.len() > 1 {
        ui.note(&ui.text("show.several_banks", &[("id", args.id.clone()), ("banks", banks.join(", "))]));
    }
    match args.format {
        ListFormat::Table => {
            for version in &versions {
                outln!("{}", describe(version, ui));
            }
        }
        format => {
            let fields = [
                "bank",
                "id",
                "version",
                "current",
                "retired",
                "stored_at",
                "kind",
                "stem",
                "options",
                "answer",
            ];
            let mut listing = Listing::new(fields.iter().map(|f| (*f, (*f).to_owned())).collect());
            for v in &versions {
                listing.row(vec![
                    v.bank.clone(),
                    v.question.id.clone(),
                    v.version.to_string(),
                    v.current.to_string(),
                    v.retired.to_string(),
                    crate::workspace::shown_time_text(&v.stored_at),
                    v.question.kind.to_string(),
                    v.question.stem.clone(),
                    v.question.options.join("\n"),
                    v.question.answer.canonical(),
                ]);
            }
            let json = versions
                .iter()
                .map(|v| {
                    json!({
                        "bank": v.bank,
                        "version": v.version,
                        "current": v.current,
                        "retired": v.retired,
                        "stored_at": crate::workspace::rfc3339_text(&v.stored_at),
                        "question": CanonicalQuestion::from(&v.question),
                    })
                })
                .collect();
            listing.json(serde_json::Value::Array(json)).print(format)?;
        }
    }
    Ok(())
}

/// Returns a question as a person reads it, with its key and where it comes from.
fn describe(stored: &StoredQuestion, ui: &Ui) -> String {
    let question = &stored.question;
    let state = if stored.current {
        ui.text(if stored.retired { "show.retired" } else { "show.current" }, &[])
    } else {
        ui.text("show.old", &[])
    };
    let mut text = format!(
        "{}:{}  v{} {state} ({})\n[{}] {}\n",
        stored.bank,
        question.id,
        stored.version,
        crate::workspace::shown_time_text(&stored.stored_at),
        kind_label(question.kind, ui),
        question.stem
    );
    for (index, option) in question.options.iter().enumerate() {
        text.push_str(&format!("  {}. {option}\n", letter(index)));
    }
    let key = match question.answer {
        Answer::Judge(true) => ui.text("answer.true", &[]),
        Answer::Judge(false) => ui.text("answer.false", &[]),
        ref answer => answer.canonical(),
    };
    text.push_str(&format!("{}{key}\n", ui.label("show.key")));
    if !question.explanation.is_empty() {
        text.push_str(&format!("{}{}\n", ui.label("show.explanation"), question.explanation));
    }
    if !question.law.is_empty() || !question.article.is_empty() {
        text.push_str(&format!("{}{} {}\n", ui.label("show.law"), question.law, question.article));
    }
    text
}

/// Returns the kind as people call it in the language.
pub fn kind_label(kind: xuefa_core::Kind, ui: &Ui) -> String {
    ui.text(&format!("kind.{}", kind.as_str()), &[])
}
