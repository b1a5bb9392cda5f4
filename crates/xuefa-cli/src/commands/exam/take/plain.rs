//! The line-by-line sitting: one question at a time on stdout, one line of input at a time
//! from stdin. For screen readers, dumb terminals and scripts; the same engine as the
//! full-screen one.

use std::io::Write;

use xuefa_core::Kind;
use xuefa_core::exam::Response;

use xuefa_store::ExamStore;

use super::{Session, SessionErrorText as _, result_text};
use crate::commands::exam::points;
use crate::commands::exam::status::clock;
use crate::error::CommandError;
use crate::ui::Ui;

enum Command {
    Next,
    Previous,
    Go(usize),
    Flag,
    List,
    Submit,
    Help,
    Answer(String),
}

fn parse(line: &str) -> Command {
    let words: Vec<&str> = line.split_whitespace().collect();
    match words.as_slice() {
        [] => Command::Next,
        ["next" | "下一题"] => Command::Next,
        ["prev" | "previous" | "上一题"] => Command::Previous,
        ["go" | "跳到" | "跳转", number] => number.parse().map_or(Command::Help, Command::Go),
        ["flag" | "标记"] => Command::Flag,
        ["list" | "列表" | "答题卡"] => Command::List,
        ["submit" | "交卷"] => Command::Submit,
        ["help" | "帮助" | "?" | "？"] => Command::Help,
        _ => Command::Answer(line.trim().to_owned()),
    }
}

fn show<S: ExamStore>(session: &Session<S>, ui: &Ui, out: &mut impl Write) -> std::io::Result<()> {
    let sitting = &session.sitting;
    let index = sitting.current();
    let question = &sitting.paper().questions[index];
    writeln!(out)?;
    writeln!(
        out,
        "{}",
        ui.text(
            "plain.question",
            &[
                ("number", question.number.to_string()),
                ("count", sitting.len().to_string()),
                ("kind", crate::commands::exam::kind_name(question.kind, ui)),
                ("points", points(question.points)),
                ("remaining", clock(session.remaining())),
            ],
        )
    )?;
    writeln!(out, "{}", question.stem)?;
    for (i, option) in question.options.iter().enumerate() {
        writeln!(out, "  {}. {option}", xuefa_core::letter(i))?;
    }
    if question.kind == Kind::Judge {
        writeln!(out, "  {}", ui.text("plain.judge_hint", &[]))?;
    }
    if let Some(response) = sitting.response(index) {
        writeln!(out, "{}", ui.text("plain.current_answer", &[("answer", shown(response, ui))]))?;
    }
    if sitting.is_flagged(index) {
        writeln!(out, "{}", ui.text("plain.flagged", &[]))?;
    }
    Ok(())
}

fn shown(response: &Response, ui: &Ui) -> String {
    match response {
        Response::Judge(true) => ui.text("answer.true", &[]),
        Response::Judge(false) => ui.text("answer.false", &[]),
        other => other.canonical(),
    }
}

fn numbers(indexes: &[usize]) -> String {
    indexes.iter().map(|i| (i + 1).to_string()).collect::<Vec<_>>().join(", ")
}

/// Submits, prints the result and the review, and ends the sitting.
fn submit<S: ExamStore>(session: &mut Session<S>, ui: &Ui, out: &mut impl Write) -> Result<(), CommandError> {
    let outcome = session.submit()?;
    let text = result_text(session.sitting.paper(), &outcome, session.sitting.responses(), ui);
    writeln!(out, "{text}")
        .map_err(|error| CommandError::message_of("take.io", vec![("detail", error.to_string())]))
}

pub fn run<S: ExamStore>(session: &mut Session<S>, ui: &Ui) -> Result<(), CommandError> {
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    let mut out = std::io::stdout().lock();
    let io = |error: std::io::Error| CommandError::message_of("take.io", vec![("detail", error.to_string())]);
    writeln!(
        out,
        "{}",
        ui.text(
            "plain.header",
            &[
                ("title", session.title.clone()),
                ("count", session.sitting.len().to_string()),
                ("points", points(session.sitting.paper().total_points)),
                ("remaining", clock(session.remaining())),
            ],
        )
    )
    .map_err(io)?;
    writeln!(out, "{}", ui.text("plain.help", &[])).map_err(io)?;
    show(session, ui, &mut out).map_err(io)?;
    let mut confirming = false;
    loop {
        if session.expired() {
            writeln!(out, "{}", ui.text("take.time_up_submitting", &[])).map_err(io)?;
            return submit(session, ui, &mut out);
        }
        let prompt =
            if confirming { ui.text("plain.confirm_prompt", &[]) } else { ui.text("plain.prompt", &[]) };
        write!(out, "{prompt} ").map_err(io)?;
        out.flush().map_err(io)?;
        let mut line = String::new();
        if crate::screen::read_typed_line(&mut input, &mut line).map_err(io)? == 0 {
            writeln!(out).map_err(io)?;
            writeln!(out, "{}", ui.text("plain.left_unsubmitted", &[])).map_err(io)?;
            return Ok(());
        }
        if confirming {
            confirming = false;
            let yes = matches!(line.trim().to_lowercase().as_str(), "y" | "yes" | "是" | "确认");
            if yes {
                return submit(session, ui, &mut out);
            }
            show(session, ui, &mut out).map_err(io)?;
            continue;
        }
        let current = session.sitting.current();
        match parse(&line) {
            Command::Next => {
                if current + 1 == session.sitting.len() {
                    writeln!(out, "{}", ui.text("plain.last_question", &[])).map_err(io)?;
                }
                session.sitting.next();
            }
            Command::Previous => session.sitting.previous(),
            Command::Go(number) => {
                if number == 0 || session.sitting.go(number - 1).is_err() {
                    writeln!(out, "{}", ui.text("take.no_such_question", &[("number", number.to_string())]))
                        .map_err(io)?;
                    continue;
                }
            }
            Command::Flag => {
                let flagged = session
                    .toggle_flag(current)
                    .map_err(|e| CommandError::message_of("take.engine", vec![("detail", e.message(ui))]))?;
                let key = if flagged { "plain.flag_on" } else { "plain.flag_off" };
                writeln!(out, "{}", ui.text(key, &[("number", (current + 1).to_string())])).map_err(io)?;
                continue;
            }
            Command::List => {
                let unanswered = session.sitting.unanswered();
                writeln!(
                    out,
                    "{}",
                    ui.text(
                        "plain.answered",
                        &[
                            ("answered", session.sitting.answered().to_string()),
                            ("count", session.sitting.len().to_string())
                        ]
                    )
                )
                .map_err(io)?;
                if !unanswered.is_empty() {
                    writeln!(out, "{}", ui.text("plain.unanswered", &[("numbers", numbers(&unanswered))]))
                        .map_err(io)?;
                }
                let flagged = session.sitting.flagged();
                if !flagged.is_empty() {
                    writeln!(out, "{}", ui.text("plain.flagged_list", &[("numbers", numbers(&flagged))]))
                        .map_err(io)?;
                }
                continue;
            }
            Command::Submit => {
                let unanswered = session.sitting.unanswered();
                if unanswered.is_empty() {
                    writeln!(out, "{}", ui.text("take.confirm_all_answered", &[])).map_err(io)?;
                } else {
                    writeln!(
                        out,
                        "{}",
                        ui.text(
                            "take.confirm_unanswered",
                            &[("count", unanswered.len().to_string()), ("numbers", numbers(&unanswered))]
                        )
                    )
                    .map_err(io)?;
                }
                confirming = true;
                continue;
            }
            Command::Help => {
                writeln!(out, "{}", ui.text("plain.help", &[])).map_err(io)?;
                continue;
            }
            Command::Answer(text) => {
                let question = &session.sitting.paper().questions[current];
                let response = Response::parse(&text, question.kind, question.options.len());
                let Some(response) = response else {
                    writeln!(out, "{}", ui.text("plain.not_an_answer", &[("input", text)])).map_err(io)?;
                    continue;
                };
                match session.answer(current, response) {
                    Ok(()) => {
                        writeln!(
                            out,
                            "{}",
                            ui.text(
                                "plain.saved",
                                &[("number", (current + 1).to_string()), ("answer", shown(&response, ui))]
                            )
                        )
                        .map_err(io)?;
                        if current + 1 < session.sitting.len() {
                            session.sitting.next();
                        } else {
                            writeln!(out, "{}", ui.text("plain.last_question", &[])).map_err(io)?;
                            continue;
                        }
                    }
                    Err(error) => {
                        writeln!(out, "{}", error.message(ui)).map_err(io)?;
                        continue;
                    }
                }
            }
        }
        show(session, ui, &mut out).map_err(io)?;
    }
}
