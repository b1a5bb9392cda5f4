//! `xuefa exam take EXAM --employee ID`: sit the exam. On a terminal a full-screen UI; with
//! `--plain` (or without a terminal) line-by-line prompts for screen readers and scripts;
//! with `--answers FILE` no prompts at all. Every mode drives the same engine, and every
//! answer is in the database the moment it is given: a killed terminal resumes where it was.

mod plain;
mod tui;

use std::path::PathBuf;

use clap::Args;
use xuefa_app::sitting::{self, Opening};
use xuefa_core::exam::{Outcome, Response, SittingError};
use xuefa_store::Mode;

use super::paper::key_text;
use super::points;
use crate::cli::GlobalArgs;
use crate::error::CommandError;
use crate::ui::Ui;
use crate::workspace;

#[derive(Debug, Args)]
pub struct TakeArgs {
    #[arg(value_name = "EXAM")]
    pub exam: String,
    #[arg(long, value_name = "ID")]
    pub employee: String,
    #[arg(long)]
    pub plain: bool,
    #[arg(long, value_name = "FILE", conflicts_with = "plain")]
    pub answers: Option<PathBuf>,
}

pub use xuefa_app::sitting::{Session, SessionError};

/// Words for a step of a sitting that was refused.
pub trait SessionErrorText {
    /// Returns the message in the person's language.
    fn message(&self, ui: &Ui) -> String;
}

impl SessionErrorText for SessionError {
    fn message(&self, ui: &Ui) -> String {
        match self {
            SessionError::Sitting(SittingError::Submitted) => ui.text("take.submitted_already", &[]),
            SessionError::Sitting(SittingError::TimeUp) => ui.text("take.time_up", &[]),
            SessionError::Sitting(SittingError::NoSuchQuestion(n)) => {
                ui.text("take.no_such_question", &[("number", n.to_string())])
            }
            SessionError::Sitting(SittingError::WrongAnswer(n)) => {
                ui.text("take.wrong_answer", &[("number", n.to_string())])
            }
            SessionError::Sitting(other) => other.to_string(),
            SessionError::Store(error) => crate::error::store_message(error, ui.lang),
        }
    }
}

pub fn cmd_take(args: &TakeArgs, global: &GlobalArgs, ui: &Ui) -> Result<(), CommandError> {
    let (_workspace, mut store) = workspace::open(global.workspace.as_ref())?;
    let start = workspace::now()?;
    let opening = sitting::open(&mut store, &args.exam, &args.employee, start, workspace::office_offset())?;
    // An answers file is checked whole against the paper before anything is stored: a
    // rejected file starts no attempt.
    let answers = match (&args.answers, opening.paper()) {
        (Some(path), Some(paper)) => Some(read_answers(path, paper, ui)?),
        _ => None,
    };
    match &opening {
        Opening::SubmittedAtDeadline { attempt, outcome } => {
            ui.note(&ui.text(
                "take.submitted_at_deadline",
                &[
                    ("attempt", attempt.attempt.to_string()),
                    ("time", workspace::shown_time(attempt.deadline)),
                ],
            ));
            outln!("{}", result_text(&attempt.paper, outcome, &sitting::attempt_responses(attempt), ui));
            return Ok(());
        }
        Opening::Resume { attempt, .. } => {
            let answered = attempt.responses.iter().filter(|(_, r, _)| r.is_some()).count();
            ui.note(&ui.text(
                "take.resuming",
                &[
                    ("attempt", attempt.attempt.to_string()),
                    ("answered", answered.to_string()),
                    ("questions", attempt.paper.questions.len().to_string()),
                    ("remaining", super::status::clock(xuefa_app::exam::remaining_seconds(attempt, start))),
                ],
            ));
        }
        Opening::New { .. } => {}
    }
    let Some(mut session) = sitting::begin(store, opening, start, Mode::Terminal)? else {
        return Ok(());
    };
    if let Some(answers) = answers {
        let outcome = sitting::sit_answers(&mut session, &answers)?;
        outln!("{}", result_text(session.sitting.paper(), &outcome, session.sitting.responses(), ui));
        return Ok(());
    }
    if crate::screen::full_screen(args.plain) {
        tui::run(&mut session, ui)
    } else {
        plain::run(&mut session, ui)
    }
}

/// Returns the answers of an answers file `{question_id: "AC" | "T" | "F"}` (letters as
/// shown on this person's paper). Every problem of the file is reported, and the command
/// is refused, when there is one.
fn read_answers(
    path: &std::path::Path,
    paper: &xuefa_core::exam::Paper,
    ui: &Ui,
) -> Result<Vec<(usize, Response)>, CommandError> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|error| {
        CommandError::message_of(
            "take.answers_unreadable",
            vec![("path", name.clone()), ("detail", crate::i18n::io_error(&error))],
        )
    })?;
    let refuse = |problems: Vec<xuefa_app::Message>| {
        for mut problem in problems {
            if problem.key == "take.answers_not_json" {
                // That message names the file itself.
                problem.args.push(("path", name.clone()));
                ui.error(&problem.text(ui.lang));
            } else {
                ui.error(&format!("{name}: {}", problem.text(ui.lang)));
            }
        }
        ui.note(&ui.text("take.answers_refused", &[]));
        CommandError::Rejected
    };
    let answers = sitting::answers_json(&text).map_err(refuse)?;
    sitting::parse_answers(paper, &answers).map_err(|problems| {
        for problem in problems {
            ui.error(&format!("{name}: {}", problem.text(ui.lang)));
        }
        ui.note(&ui.text("take.answers_refused", &[]));
        CommandError::Rejected
    })
}

/// Returns the result and the review of wrong answers, as text.
pub fn result_text(
    paper: &xuefa_core::exam::Paper,
    outcome: &Outcome,
    responses: &[Option<Response>],
    ui: &Ui,
) -> String {
    let mut text = ui.text(
        if outcome.passed { "take.result_passed" } else { "take.result_failed" },
        &[
            ("score", points(outcome.score.total)),
            ("total", points(outcome.score.max)),
            ("band", outcome.band.clone()),
        ],
    );
    text.push('\n');
    let wrong: Vec<usize> =
        (0..paper.questions.len()).filter(|&i| outcome.score.marks[i] < paper.questions[i].points).collect();
    if wrong.is_empty() {
        return text;
    }
    text.push_str(&format!("\n{}\n", ui.text("take.review", &[("count", wrong.len().to_string())])));
    for index in wrong {
        let question = &paper.questions[index];
        text.push_str(&format!("\n{}. {}\n", question.number, question.stem));
        for (i, option) in question.options.iter().enumerate() {
            text.push_str(&format!("   {}. {option}\n", xuefa_core::letter(i)));
        }
        let given = match responses.get(index).and_then(Option::as_ref) {
            Some(Response::Judge(true)) => ui.text("answer.true", &[]),
            Some(Response::Judge(false)) => ui.text("answer.false", &[]),
            Some(response) => response.canonical(),
            None => ui.text("take.no_answer", &[]),
        };
        let key = key_text(question, ui);
        text.push_str(&format!(
            "   {}{given}    {}{key}    {}{}\n",
            ui.label("take.your_answer"),
            ui.label("show.key"),
            ui.label("take.points"),
            points(outcome.score.marks[index])
        ));
        // The bank's explanation names the bank's letters ("故选A"); the review shows it in
        // the letters of this paper, so it agrees with the options and the key above.
        if !question.explanation.is_empty() {
            text.push_str(&format!(
                "   {}{}\n",
                ui.label("show.explanation"),
                question.explanation_as_shown()
            ));
        }
        if !question.law.is_empty() {
            text.push_str(&format!("   {}{} {}\n", ui.label("show.law"), question.law, question.article));
        }
    }
    text
}
