//! The full-screen sitting (ratatui): the question with its options, a navigator of every
//! question showing what is answered and flagged, a countdown, a confirmation that lists
//! unanswered questions before submitting, then the result and a review of wrong answers.
//! It only draws and reads keys; the engine and the store do the rest.

use std::time::Duration;

use ratatui::crossterm::event::{self, Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};
use ratatui::{DefaultTerminal, Frame};
use xuefa_core::exam::{Outcome, Response};

use xuefa_store::ExamStore;

use super::{Session, SessionErrorText as _, result_text};
use crate::commands::exam::status::clock;
use crate::commands::exam::{kind_name, points};
use crate::error::CommandError;
use crate::screen::{self, Pick};
use crate::ui::Ui;

enum View {
    Question,
    /// Asking before submitting; `enter_refused` once Enter was pressed on a paper with
    /// unanswered questions, which only `y` submits.
    Confirm {
        enter_refused: bool,
    },
    Result {
        outcome: Outcome,
        scroll: u16,
    },
}

struct State {
    view: View,
    goto: String,
    message: String,
    colour: bool,
}

pub fn run<S: ExamStore>(session: &mut Session<S>, ui: &Ui) -> Result<(), CommandError> {
    let mut state =
        State { view: View::Question, goto: String::new(), message: String::new(), colour: screen::colour() };
    screen::with_terminal(|terminal| event_loop(terminal, session, ui, &mut state))?;
    match &state.view {
        View::Result { outcome, .. } => {
            outln!("{}", result_text(session.sitting.paper(), outcome, session.sitting.responses(), ui));
        }
        _ => ui.note(&ui.text("plain.left_unsubmitted", &[])),
    }
    Ok(())
}

fn event_loop<S: ExamStore>(
    terminal: &mut DefaultTerminal,
    session: &mut Session<S>,
    ui: &Ui,
    state: &mut State,
) -> Result<(), CommandError> {
    let io = screen::io_error;
    loop {
        if !matches!(state.view, View::Result { .. }) && session.expired() {
            let outcome = session.submit()?;
            state.message = ui.text("take.time_up_submitting", &[]);
            state.view = View::Result { outcome, scroll: 0 };
        }
        terminal.draw(|frame| draw(frame, session, ui, state)).map_err(io)?;
        if !event::poll(Duration::from_millis(500)).map_err(io)? {
            continue;
        }
        let Event::Key(key) = event::read().map_err(io)? else { continue };
        if key.kind != KeyEventKind::Press {
            continue;
        }
        if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') {
            return Ok(());
        }
        match &mut state.view {
            View::Result { scroll, .. } => match key.code {
                KeyCode::Char('q') | KeyCode::Esc | KeyCode::Enter => return Ok(()),
                KeyCode::Down | KeyCode::Char('j') => *scroll = scroll.saturating_add(1),
                KeyCode::Up | KeyCode::Char('k') => *scroll = scroll.saturating_sub(1),
                KeyCode::PageDown | KeyCode::Char(' ') => *scroll = scroll.saturating_add(10),
                KeyCode::PageUp => *scroll = scroll.saturating_sub(10),
                _ => {}
            },
            // Enter is pressed by habit; it submits only a complete paper. Leaving questions
            // unanswered takes a deliberate `y`.
            View::Confirm { enter_refused } => match key.code {
                KeyCode::Char('y' | 'Y') => {
                    let outcome = session.submit()?;
                    state.view = View::Result { outcome, scroll: 0 };
                }
                KeyCode::Enter if session.sitting.unanswered().is_empty() => {
                    let outcome = session.submit()?;
                    state.view = View::Result { outcome, scroll: 0 };
                }
                KeyCode::Enter => *enter_refused = true,
                _ => state.view = View::Question,
            },
            View::Question => {
                if question_key(key, session, ui, state)? {
                    return Ok(());
                }
            }
        }
    }
}

/// Handles a key on the question screen; returns true to leave (answers stay saved).
fn question_key<S: ExamStore>(
    key: KeyEvent,
    session: &mut Session<S>,
    ui: &Ui,
    state: &mut State,
) -> Result<bool, CommandError> {
    let index = session.sitting.current();
    let question = session.sitting.paper().questions[index].clone();
    state.message.clear();
    let mut respond = |session: &mut Session<S>, response: Option<Response>| {
        let result = match response {
            Some(response) => session.answer(index, response),
            None => session.clear(index),
        };
        if let Err(error) = result {
            state.message = error.message(ui);
        }
    };
    match key.code {
        KeyCode::Char('q') | KeyCode::Esc => return Ok(true),
        KeyCode::Right | KeyCode::Down | KeyCode::PageDown | KeyCode::Char('n') => session.sitting.next(),
        KeyCode::Left | KeyCode::Up | KeyCode::PageUp | KeyCode::Char('p') => session.sitting.previous(),
        KeyCode::Home => {
            let _ = session.sitting.go(0);
        }
        KeyCode::End => {
            let _ = session.sitting.go(session.sitting.len().saturating_sub(1));
        }
        KeyCode::Char(digit) if digit.is_ascii_digit() => state.goto.push(digit),
        KeyCode::Enter => {
            if state.goto.is_empty() {
                session.sitting.next();
            } else {
                let number: usize = state.goto.parse().unwrap_or(0);
                if number == 0 || session.sitting.go(number - 1).is_err() {
                    state.message = ui.text("take.no_such_question", &[("number", state.goto.clone())]);
                }
                state.goto.clear();
            }
        }
        // Backspace first deletes a digit being typed for a jump, then clears the answer.
        KeyCode::Backspace | KeyCode::Delete if state.goto.pop().is_none() => respond(session, None),
        KeyCode::Char('m') => {
            if let Err(error) = session.toggle_flag(index) {
                state.message = error.message(ui);
            }
        }
        KeyCode::Char('s') => state.view = View::Confirm { enter_refused: false },
        KeyCode::Char(c) => {
            match screen::pick(question.kind, question.options.len(), c, session.sitting.response(index)) {
                Pick::Answer(response) => respond(session, Some(response)),
                Pick::Cleared => respond(session, None),
                Pick::NotAnAnswer => state.message = ui.text("tui.unknown_key", &[]),
            }
        }
        _ => {}
    }
    Ok(false)
}

fn style(state: &State, colour: Color) -> Style {
    screen::fg(state.colour, colour)
}

fn draw<S: ExamStore>(frame: &mut Frame<'_>, session: &Session<S>, ui: &Ui, state: &State) {
    let area = frame.area();
    let [top, body, navigator, help] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(6),
        Constraint::Length(nav_height(session, area.width)),
        Constraint::Length(2),
    ])
    .areas(area);
    let remaining = clock(session.remaining());
    let header = Line::from(vec![
        Span::styled(session.title.clone(), Style::default().add_modifier(Modifier::BOLD)),
        Span::raw("  "),
        Span::raw(ui.text(
            "tui.progress",
            &[
                ("number", (session.sitting.current() + 1).to_string()),
                ("count", session.sitting.len().to_string()),
                ("answered", session.sitting.answered().to_string()),
            ],
        )),
        Span::raw("  "),
        Span::styled(
            ui.text("tui.remaining", &[("remaining", remaining)]),
            style(state, Color::Yellow).add_modifier(Modifier::BOLD),
        ),
    ]);
    frame.render_widget(Paragraph::new(header), top);
    match &state.view {
        View::Result { outcome, scroll } => {
            let text = result_text(session.sitting.paper(), outcome, session.sitting.responses(), ui);
            let mut lines: Vec<Line<'_>> = Vec::new();
            if !state.message.is_empty() {
                lines.push(Line::styled(state.message.clone(), style(state, Color::Yellow)));
            }
            lines.extend(text.lines().map(|l| Line::raw(l.to_owned())));
            let block = Block::bordered().title(ui.text("tui.result_title", &[]));
            frame.render_widget(
                Paragraph::new(lines).block(block).wrap(Wrap { trim: false }).scroll((*scroll, 0)),
                body.union(navigator),
            );
            frame.render_widget(
                Paragraph::new(ui.text("tui.result_help", &[])).wrap(Wrap { trim: false }),
                help,
            );
            return;
        }
        _ => draw_question(frame, body, session, ui, state),
    }
    draw_navigator(frame, navigator, session, ui, state);
    let mut help_lines = vec![Line::raw(ui.text("tui.help", &[]))];
    if !state.goto.is_empty() {
        help_lines.push(Line::styled(
            ui.text("tui.goto", &[("number", state.goto.clone())]),
            style(state, Color::Cyan),
        ));
    } else if !state.message.is_empty() {
        help_lines.push(Line::styled(state.message.clone(), style(state, Color::Red)));
    }
    frame.render_widget(Paragraph::new(help_lines).wrap(Wrap { trim: false }), help);
    if let View::Confirm { enter_refused } = state.view {
        draw_confirm(frame, area, session, ui, enter_refused);
    }
}

fn draw_question<S: ExamStore>(
    frame: &mut Frame<'_>,
    area: Rect,
    session: &Session<S>,
    ui: &Ui,
    state: &State,
) {
    let index = session.sitting.current();
    let question = &session.sitting.paper().questions[index];
    let flag = if session.sitting.is_flagged(index) { ui.text("tui.flagged", &[]) } else { String::new() };
    let title = format!(
        " {}. [{}] ({}) {flag}",
        question.number,
        kind_name(question.kind, ui),
        ui.text("tui.points", &[("points", points(question.points))])
    );
    let mut text = Text::default();
    for line in question.stem.lines() {
        text.push_line(Line::raw(line.to_owned()));
    }
    text.push_line(Line::raw(""));
    let response = session.sitting.response(index);
    for line in screen::option_lines(question.kind, &question.options, response, state.colour, ui) {
        text.push_line(line);
    }
    let block = Block::bordered().title(title);
    frame.render_widget(Paragraph::new(text).block(block).wrap(Wrap { trim: false }), area);
}

const CELL: u16 = 6;

fn nav_height<S: ExamStore>(session: &Session<S>, width: u16) -> u16 {
    let per_row = (width.saturating_sub(2) / CELL).max(1) as usize;
    (session.sitting.len().div_ceil(per_row) as u16 + 2).min(12)
}

fn draw_navigator<S: ExamStore>(
    frame: &mut Frame<'_>,
    area: Rect,
    session: &Session<S>,
    ui: &Ui,
    state: &State,
) {
    let per_row = (area.width.saturating_sub(2) / CELL).max(1) as usize;
    let mut lines = Vec::new();
    let count = session.sitting.len();
    for row in (0..count).step_by(per_row) {
        let mut spans = Vec::new();
        for i in row..(row + per_row).min(count) {
            let answered = session.sitting.response(i).is_some();
            let flagged = session.sitting.is_flagged(i);
            let mark = match (answered, flagged) {
                (_, true) => "?",
                (true, false) => "✓",
                (false, false) => "·",
            };
            let mut cell_style = match (answered, flagged) {
                (_, true) => style(state, Color::Yellow),
                (true, false) => style(state, Color::Green),
                _ => Style::default(),
            };
            if i == session.sitting.current() {
                cell_style = cell_style.add_modifier(Modifier::REVERSED);
            }
            spans.push(Span::styled(format!("{:>3}{mark}", i + 1), cell_style));
            spans.push(Span::raw("  "));
        }
        lines.push(Line::from(spans));
    }
    let block = Block::bordered().title(ui.text("tui.navigator", &[]));
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

fn draw_confirm<S: ExamStore>(
    frame: &mut Frame<'_>,
    area: Rect,
    session: &Session<S>,
    ui: &Ui,
    enter_refused: bool,
) {
    let unanswered = session.sitting.unanswered();
    let numbers = |list: &[usize]| list.iter().map(|i| (i + 1).to_string()).collect::<Vec<_>>().join(", ");
    let mut text = Text::default();
    if unanswered.is_empty() {
        text.push_line(Line::raw(ui.text("take.confirm_all_answered", &[])));
    } else {
        text.push_line(Line::raw(ui.text(
            "take.confirm_unanswered",
            &[("count", unanswered.len().to_string()), ("numbers", numbers(&unanswered))],
        )));
    }
    let flagged = session.sitting.flagged();
    if !flagged.is_empty() {
        text.push_line(Line::raw(ui.text("plain.flagged_list", &[("numbers", numbers(&flagged))])));
    }
    text.push_line(Line::raw(""));
    if unanswered.is_empty() {
        text.push_line(Line::raw(ui.text("tui.confirm_keys", &[])));
    } else {
        text.push_line(Line::raw(ui.text("tui.confirm_keys_unanswered", &[])));
        if enter_refused {
            text.push_line(Line::styled(
                ui.text("tui.confirm_enter_refused", &[]),
                Style::default().add_modifier(Modifier::BOLD),
            ));
        }
    }
    let width = area.width.saturating_sub(8).min(70);
    let height = 14.min(area.height);
    let popup =
        Rect { x: area.x + (area.width - width) / 2, y: area.y + (area.height - height) / 2, width, height };
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(text)
            .block(Block::bordered().title(ui.text("tui.confirm_title", &[])))
            .wrap(Wrap { trim: false }),
        popup,
    );
}
