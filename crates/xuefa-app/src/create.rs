//! Creating the annual exam: a blueprint (TOML) checked against the banks, the questions it
//! may draw frozen into its pool, and the exam stored with its seed.

use jiff::Timestamp;
use xuefa_core::exam::{ExamSpec, Pool, PoolQuestion, Section, SpecProblem};
use xuefa_store::{ExamStore, Store};

use crate::error::{AppError, Message};
use crate::grade::kind_name;
use crate::i18n::Tr;

/// Returns a section's filters in words: ` on 民法典, 宪法 tagged … of difficulty 2–4`.
pub fn describe_filters(section: &Section, ui: &Tr) -> String {
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

/// What creating an exam stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Created {
    /// The exam's id.
    pub exam: String,
    /// Questions on each paper.
    pub questions: u32,
    /// Points of a paper.
    pub points: f64,
    /// Questions in its pool.
    pub pool: usize,
    /// What the blueprint names that matches nobody (a department or person not on the
    /// roster): the exam is created, but those parts of its audience expect no one.
    pub warnings: Vec<Message>,
}

/// Creates the exam of blueprint `text` with `seed`: checks every field, then every
/// section against the banks (a section the banks cannot fill is refused, with what it
/// needs and what there is), freezes the pool and stores the exam.
///
/// # Errors
/// Returns every problem of the blueprint ([`AppError::Refused`]) or store errors.
pub fn create_exam<S: Store + ExamStore + ?Sized>(
    store: &mut S,
    text: &str,
    seed: u64,
    now: Timestamp,
    ui: &Tr,
) -> Result<Created, AppError> {
    let spec = match ExamSpec::from_toml(text) {
        Ok(spec) => spec,
        Err(problems) => {
            let messages = problems
                .into_iter()
                .map(|problem| match problem {
                    SpecProblem::Syntax(detail) => Message::new("exam.spec_syntax", vec![("detail", detail)]),
                    SpecProblem::Invalid { field, detail } => {
                        Message::new("exam.spec_invalid", vec![("field", field), ("detail", detail)])
                    }
                    other => Message::new("app.failed", vec![("detail", other.to_string())]),
                })
                .collect();
            return Err(AppError::Refused(messages));
        }
    };
    let mut nobody = Vec::new();
    for department in &spec.audience.departments {
        let matches = xuefa_core::Department::parse(department)
            .map(|d| store.people(Some(&d)).map(|people| !people.is_empty()))
            .transpose()?
            .unwrap_or(false);
        if !matches {
            nobody
                .push(Message::new("exam.audience_no_department", vec![("department", department.clone())]));
        }
    }
    for employee in &spec.audience.people {
        if store.person(employee)?.is_none() {
            nobody.push(Message::new("exam.audience_no_person", vec![("employee", employee.clone())]));
        }
    }
    let everything = Pool::new(
        store
            .questions(None)?
            .into_iter()
            .map(|s| PoolQuestion::new(s.bank, s.version, s.question))
            .collect(),
    );
    let pool = everything.for_spec(&spec);
    let mut short = Vec::new();
    for (index, (section, availability)) in spec.sections.iter().zip(pool.availability(&spec)).enumerate() {
        if !availability.is_short() {
            continue;
        }
        let args = vec![
            ("section", (index + 1).to_string()),
            ("needed", availability.needed.to_string()),
            ("kind", kind_name(section.kind, ui)),
            ("filters", describe_filters(section, ui)),
            ("available", availability.matching.to_string()),
        ];
        if availability.matching >= availability.needed {
            let mut args = args;
            args.push(("shared", availability.available.to_string()));
            short.push(Message::new("exam.section_short_shared", args));
        } else {
            short.push(Message::new("exam.section_short", args));
        }
    }
    if !short.is_empty() {
        return Err(AppError::Refused(short));
    }
    store.create_exam(&spec, text, seed, &pool, now)?;
    Ok(Created {
        exam: spec.id.clone(),
        questions: spec.question_count(),
        points: spec.total_points(),
        pool: pool.questions().len(),
        warnings: nobody,
    })
}
