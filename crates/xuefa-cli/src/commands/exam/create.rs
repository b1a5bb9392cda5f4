//! `xuefa exam create SPEC.toml [--seed N]`: check a blueprint against the banks, freeze the
//! questions it may draw, and store the exam with its seed.

use std::hash::BuildHasher;
use std::path::PathBuf;

use clap::Args;
use xuefa_core::exam::{ExamSpec, Pool, PoolQuestion, Section, SpecProblem};
use xuefa_store::{ExamStore, Store};

use super::kind_name;
use crate::cli::GlobalArgs;
use crate::error::CommandError;
use crate::ui::Ui;
use crate::workspace;

#[derive(Debug, Args)]
pub struct CreateArgs {
    #[arg(value_name = "SPEC")]
    pub spec: PathBuf,
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
}

/// Returns a section's filters in words: ` on 民法典, 宪法 tagged … of difficulty 2–4`.
pub fn describe_filters(section: &Section, ui: &Ui) -> String {
    let mut parts = Vec::new();
    let list = |items: &[String]| items.join(ui.list_separator());
    if !section.laws.is_empty() {
        parts.push(ui.text("filter.laws", &[("laws", list(&section.laws))]));
    }
    if !section.tags.is_empty() {
        parts.push(ui.text("filter.tags", &[("tags", list(&section.tags))]));
    }
    if let Some(difficulty) = section.difficulty {
        let range = match difficulty {
            xuefa_core::exam::DifficultyFilter::Level(level) => level.to_string(),
            xuefa_core::exam::DifficultyFilter::Range([low, high]) => format!("{low}–{high}"),
        };
        parts.push(ui.text("filter.difficulty", &[("difficulty", range)]));
    }
    if !section.banks.is_empty() {
        parts.push(ui.text("filter.banks", &[("banks", list(&section.banks))]));
    }
    // English puts each filter after the noun with a space; Chinese runs them together.
    let gap = if ui.lang == xuefa_core::Lang::Zh { "" } else { " " };
    parts.iter().map(|part| format!("{gap}{part}")).collect()
}

pub fn cmd_create(args: &CreateArgs, global: &GlobalArgs, ui: &Ui) -> Result<(), CommandError> {
    let path = args.spec.display().to_string();
    let text = std::fs::read_to_string(&args.spec).map_err(|error| {
        CommandError::message_of(
            "exam.spec_unreadable",
            vec![("path", path.clone()), ("detail", crate::i18n::io_error(&error))],
        )
    })?;
    let spec = match ExamSpec::from_toml(&text) {
        Ok(spec) => spec,
        Err(problems) => {
            for problem in problems {
                let message = match problem {
                    SpecProblem::Syntax(detail) => ui.text("exam.spec_syntax", &[("detail", detail)]),
                    SpecProblem::Invalid { field, detail } => {
                        ui.text("exam.spec_invalid", &[("field", field), ("detail", detail)])
                    }
                    other => other.to_string(),
                };
                ui.error(&format!("{path}: {message}"));
            }
            return Err(CommandError::Rejected);
        }
    };
    let (_workspace, mut store) = workspace::open(global.workspace.as_ref())?;
    let now = workspace::now()?;
    let everything = Pool::new(
        store
            .questions(None)?
            .into_iter()
            .map(|s| PoolQuestion::new(s.bank, s.version, s.question))
            .collect(),
    );
    let pool = everything.for_spec(&spec);
    let mut short = false;
    for (index, (section, availability)) in spec.sections.iter().zip(pool.availability(&spec)).enumerate() {
        if !availability.is_short() {
            continue;
        }
        short = true;
        let mut message = ui.text(
            "exam.section_short",
            &[
                ("section", (index + 1).to_string()),
                ("needed", availability.needed.to_string()),
                ("kind", kind_name(section.kind, ui)),
                ("filters", describe_filters(section, ui)),
                ("available", availability.matching.to_string()),
            ],
        );
        if availability.matching >= availability.needed {
            message.push_str(
                &ui.text("exam.section_shared", &[("available", availability.available.to_string())]),
            );
        }
        ui.error(&format!("{path}: {message}"));
    }
    if short {
        return Err(CommandError::Rejected);
    }
    let seed = args
        .seed
        .unwrap_or_else(|| std::collections::hash_map::RandomState::new().hash_one(now.as_nanosecond()));
    store.create_exam(&spec, &text, seed, &pool, now)?;
    ui.note(&ui.text(
        "exam.created",
        &[
            ("exam", spec.id.clone()),
            ("questions", spec.question_count().to_string()),
            ("points", super::points(spec.total_points())),
            ("pool", pool.questions().len().to_string()),
        ],
    ));
    Ok(())
}
