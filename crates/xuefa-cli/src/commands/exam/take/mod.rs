//! `xuefa exam take EXAM --employee ID`: sit the exam. On a terminal a full-screen UI; with
//! `--plain` (or without a terminal) line-by-line prompts for screen readers and scripts;
//! with `--answers FILE` no prompts at all. Every mode drives the same engine, and every
//! answer is in the database the moment it is given: a killed terminal resumes where it was.

mod plain;
mod tui;

use std::collections::HashMap;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Instant;

use clap::Args;
use jiff::Timestamp;
use xuefa_core::exam::{Outcome, Response, Sitting, SittingError};
use xuefa_store::{ExamStore, Mode, SqliteStore};

use super::paper::key_text;
use super::{check_may_start, deadline, paper_for, points, submit_expired};
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

/// The time during a sitting: the command's start time (the clock, or `XUEFA_NOW`) plus
/// the time elapsed since, so the countdown runs while tests can still set the start.
pub struct Clock {
    start: Timestamp,
    since: Instant,
}

impl Clock {
    fn new(start: Timestamp) -> Clock {
        Clock { start, since: Instant::now() }
    }

    pub fn now(&self) -> Timestamp {
        let elapsed = jiff::SignedDuration::try_from(self.since.elapsed()).unwrap_or_default();
        self.start.checked_add(elapsed).unwrap_or(self.start)
    }
}

/// A sitting connected to the store: each change is saved before the next key is read.
pub struct Session {
    store: SqliteStore,
    attempt: i64,
    pub sitting: Sitting,
    pub clock: Clock,
    pub title: String,
}

impl Session {
    /// Answers a question and saves it.
    pub fn answer(&mut self, index: usize, response: Response) -> Result<(), SessionError> {
        self.sitting.answer(index, response, self.clock.now())?;
        self.save(index)
    }

    /// Clears an answer and saves that.
    pub fn clear(&mut self, index: usize) -> Result<(), SessionError> {
        self.sitting.clear(index, self.clock.now())?;
        self.save(index)
    }

    /// Flags or unflags a question and saves that.
    pub fn toggle_flag(&mut self, index: usize) -> Result<bool, SessionError> {
        let flagged = self.sitting.toggle_flag(index, self.clock.now())?;
        self.save(index)?;
        Ok(flagged)
    }

    fn save(&mut self, index: usize) -> Result<(), SessionError> {
        let now = self.clock.now();
        self.store
            .save_response(
                self.attempt,
                index,
                self.sitting.response(index),
                self.sitting.is_flagged(index),
                now,
            )
            .map_err(SessionError::Store)
    }

    /// Returns whether the time is up.
    pub fn expired(&self) -> bool {
        self.sitting.is_expired(self.clock.now())
    }

    /// Returns the seconds left.
    pub fn remaining(&self) -> i64 {
        self.sitting.remaining_seconds(self.clock.now())
    }

    /// Submits: scores what is saved and records it (at the deadline when the time is up).
    pub fn submit(&mut self) -> Result<Outcome, SessionError> {
        let now = self.clock.now();
        let at = if self.sitting.is_expired(now) { self.sitting.deadline() } else { now };
        let outcome = self.sitting.submit().clone();
        self.store
            .submit_attempt(self.attempt, self.sitting.paper(), self.sitting.responses(), &outcome, at)
            .map_err(SessionError::Store)?;
        Ok(outcome)
    }
}

/// Why a step of a session failed.
#[derive(Debug)]
pub enum SessionError {
    Sitting(SittingError),
    Store(xuefa_store::StoreError),
}

impl From<SittingError> for SessionError {
    fn from(error: SittingError) -> Self {
        SessionError::Sitting(error)
    }
}

impl SessionError {
    pub fn message(&self, ui: &Ui) -> String {
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

impl From<SessionError> for CommandError {
    fn from(error: SessionError) -> Self {
        match error {
            SessionError::Store(error) => CommandError::Store(error),
            SessionError::Sitting(error) => {
                CommandError::message_of("take.engine", vec![("detail", error.to_string())])
            }
        }
    }
}

pub fn cmd_take(args: &TakeArgs, global: &GlobalArgs, ui: &Ui) -> Result<(), CommandError> {
    let (_workspace, mut store) = workspace::open(global.workspace.as_ref())?;
    let start = workspace::now()?;
    let exam = store.exam(&args.exam)?;
    let expired = submit_expired(&mut store, &exam, start)?;
    if let Some((attempt, outcome)) = expired.iter().find(|(a, _)| a.employee == args.employee) {
        ui.note(&ui.text(
            "take.submitted_at_deadline",
            &[("attempt", attempt.attempt.to_string()), ("time", attempt.deadline.to_string())],
        ));
        outln!("{}", result_text(&attempt.paper, outcome, &attempt_responses(attempt), ui));
        return Ok(());
    }
    let attempts = store.attempts(&args.exam, &args.employee)?;
    let grading = exam.spec.grading();
    let (attempt, sitting) = match attempts.iter().find(|a| a.submitted_at.is_none()) {
        Some(open) => {
            let sitting = Sitting::resume(open.paper.clone(), grading, open.deadline, open.responses.clone());
            ui.note(&ui.text(
                "take.resuming",
                &[
                    ("attempt", open.attempt.to_string()),
                    ("answered", sitting.answered().to_string()),
                    ("questions", sitting.len().to_string()),
                    ("remaining", super::status::clock(sitting.remaining_seconds(start))),
                ],
            ));
            (open.id, sitting)
        }
        None => {
            check_may_start(&store, &exam, &args.employee, attempts.len() as u32, start)?;
            let number = attempts.len() as u32 + 1;
            // Only the paper's own questions are read when the exam has a stored plan.
            let paper = match store.exam_plan(&args.exam)? {
                Some(plan) => paper_for(
                    &exam,
                    &super::Source::Planned(plan, &store),
                    &args.employee,
                    number,
                    &attempts,
                )?,
                None => {
                    let pool = store.exam_pool(&args.exam)?;
                    let drawer = xuefa_core::exam::Drawer::new(&exam.spec, &pool);
                    paper_for(&exam, &super::Source::Pool(&drawer), &args.employee, number, &attempts)?
                }
            };
            let deadline = deadline(&exam, start);
            let id = store.start_attempt(&paper, Mode::Terminal, start, deadline)?;
            (id, Sitting::new(paper, grading, deadline))
        }
    };
    let mut session =
        Session { store, attempt, sitting, clock: Clock::new(start), title: exam.spec.title.clone() };
    if let Some(path) = &args.answers {
        return answers_file(&mut session, path, ui);
    }
    if args.plain || !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal() {
        plain::run(&mut session, ui)
    } else {
        tui::run(&mut session, ui)
    }
}

fn attempt_responses(attempt: &xuefa_store::AttemptRecord) -> Vec<Option<Response>> {
    let mut responses = vec![None; attempt.paper.questions.len()];
    for (index, response, _) in &attempt.responses {
        if let Some(slot) = responses.get_mut(*index) {
            *slot = *response;
        }
    }
    responses
}

/// Answers from a JSON file `{question_id: "AC" | "T" | "F"}` (letters as shown on this
/// person's paper), then submits. Every problem of the file is reported and nothing is
/// saved when there is one.
fn answers_file(session: &mut Session, path: &std::path::Path, ui: &Ui) -> Result<(), CommandError> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|error| {
        CommandError::message_of(
            "take.answers_unreadable",
            vec![("path", name.clone()), ("detail", error.to_string())],
        )
    })?;
    let answers: HashMap<String, serde_json::Value> = serde_json::from_str(&text).map_err(|error| {
        CommandError::message_of(
            "take.answers_not_json",
            vec![("path", name.clone()), ("detail", error.to_string())],
        )
    })?;
    let paper = session.sitting.paper().clone();
    let mut problems = Vec::new();
    let mut parsed = Vec::new();
    let mut keys: Vec<&String> = answers.keys().collect();
    keys.sort();
    for key in keys {
        let matches: Vec<usize> = (0..paper.questions.len())
            .filter(|&i| {
                let q = &paper.questions[i];
                q.id == *key || format!("{}:{}", q.bank, q.id) == *key
            })
            .collect();
        let index = match matches.as_slice() {
            [index] => *index,
            [] => {
                problems.push(ui.text("take.answers_unknown_id", &[("id", key.clone())]));
                continue;
            }
            _ => {
                problems.push(ui.text("take.answers_ambiguous_id", &[("id", key.clone())]));
                continue;
            }
        };
        let question = &paper.questions[index];
        let response =
            answers[key].as_str().and_then(|t| Response::parse(t, question.kind, question.options.len()));
        match response {
            Some(response) => parsed.push((index, response)),
            None => problems.push(ui.text(
                "take.answers_bad_answer",
                &[
                    ("id", key.clone()),
                    ("answer", answers[key].to_string()),
                    ("number", question.number.to_string()),
                ],
            )),
        }
    }
    if !problems.is_empty() {
        for problem in problems {
            ui.error(&format!("{name}: {problem}"));
        }
        ui.note(&ui.text("take.answers_refused", &[]));
        return Err(CommandError::Rejected);
    }
    for (index, response) in &parsed {
        session.sitting.answer(*index, *response, session.clock.now()).map_err(SessionError::from)?;
    }
    let now = session.clock.now();
    let outcome = session.sitting.submit().clone();
    session.store.save_and_submit(session.attempt, &paper, &parsed, &outcome, now)?;
    outln!("{}", result_text(&paper, &outcome, session.sitting.responses(), ui));
    Ok(())
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
