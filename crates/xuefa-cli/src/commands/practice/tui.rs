//! The full-screen practice (ratatui): one question at a time, an answer chosen by its
//! letters and given with Space or Enter, then what it taught — right or wrong, the key,
//! the explanation, the article and where the question now stands in the wrong-answer
//! book — until the next question. It only draws and reads keys: `practice::answer` stores
//! each answer the moment it is given, so leaving at any point keeps every answer.

use ratatui::crossterm::event::{self, Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Text};
use ratatui::widgets::{Block, Borders, Paragraph, Scrollbar, ScrollbarOrientation, ScrollbarState, Wrap};
use ratatui::{DefaultTerminal, Frame};
use xuefa_app::practice::{self, Feedback};
use xuefa_core::exam::Response;
use xuefa_core::{Answer, Kind, Question};
use xuefa_store::{PracticeStore, StoredQuestion, Workspace};

use crate::commands::exam::kind_name;
use crate::error::CommandError;
use crate::screen::{self, Pick};
use crate::ui::Ui;
use crate::workspace;

/// Practises `questions` on the full screen, then prints how many were answered right.
pub fn run<S: PracticeStore>(
    store: &mut S,
    workspace: &Workspace,
    employee: &str,
    questions: &[StoredQuestion],
    ui: &Ui,
) -> Result<(), CommandError> {
    let mut state = State::new(questions.len(), screen::colour());
    screen::with_terminal(|terminal| {
        event_loop(terminal, store, workspace, employee, questions, ui, &mut state)
    })?;
    if !state.finished {
        ui.note(&ui.text(
            "practice.tui.left",
            &[("number", (state.index + 1).to_string()), ("count", questions.len().to_string())],
        ));
    }
    outln!(
        "{}",
        ui.text(
            "practice.summary",
            &[("right", state.right.to_string()), ("asked", state.asked.to_string())]
        )
    );
    Ok(())
}

/// What the person is looking at and has done so far.
struct State {
    count: usize,
    /// The question on the screen, from 0.
    index: usize,
    /// The answer chosen and not yet given.
    chosen: Option<Response>,
    /// What the answer to this question taught, once it is given.
    taught: Option<Taught>,
    /// The first row shown of the panel that scrolls (the feedback once there is one).
    scroll: u16,
    /// How far that panel can scroll, as last drawn.
    scroll_limit: u16,
    /// A word about the last key, shown under the help.
    message: String,
    asked: usize,
    right: usize,
    /// Whether every question was answered or skipped.
    finished: bool,
    colour: bool,
}

struct Taught {
    correct: bool,
    lines: Vec<String>,
}

/// What a key asks the loop to do.
#[derive(Debug, PartialEq)]
enum Step {
    Stay,
    Give(Response),
    Leave,
}

impl State {
    fn new(count: usize, colour: bool) -> State {
        State {
            count,
            index: 0,
            chosen: None,
            taught: None,
            scroll: 0,
            scroll_limit: 0,
            message: String::new(),
            asked: 0,
            right: 0,
            finished: false,
            colour,
        }
    }

    /// Handles a key pressed while `question` is on the screen.
    fn key(&mut self, key: KeyEvent, question: &Question, ui: &Ui) -> Step {
        if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') {
            return Step::Leave;
        }
        self.message.clear();
        match key.code {
            KeyCode::Char('q') | KeyCode::Esc => return Step::Leave,
            KeyCode::Up => self.scroll = self.scroll.saturating_sub(1),
            KeyCode::Down => self.scroll = self.scroll.saturating_add(1).min(self.scroll_limit),
            KeyCode::PageUp => self.scroll = self.scroll.saturating_sub(10),
            KeyCode::PageDown => self.scroll = self.scroll.saturating_add(10).min(self.scroll_limit),
            // After the feedback every way forward goes to the next question.
            KeyCode::Enter | KeyCode::Char(' ' | 'n') | KeyCode::Right if self.taught.is_some() => {
                return self.next();
            }
            KeyCode::Enter | KeyCode::Char(' ') => match &self.chosen {
                Some(response) => return Step::Give(*response),
                None => self.message = ui.text("practice.tui.choose_first", &[]),
            },
            KeyCode::Char('n') | KeyCode::Right => return self.next(),
            KeyCode::Backspace | KeyCode::Delete if self.taught.is_none() => self.chosen = None,
            KeyCode::Char(c) if self.taught.is_none() => {
                match screen::pick(question.kind, question.options.len(), c, self.chosen.as_ref()) {
                    Pick::Answer(response) => self.chosen = Some(response),
                    Pick::Cleared => self.chosen = None,
                    Pick::NotAnAnswer => self.message = ui.text("practice.tui.unknown_key", &[]),
                }
            }
            KeyCode::Char(_) => self.message = ui.text("practice.tui.unknown_key", &[]),
            _ => {}
        }
        Step::Stay
    }

    /// Moves on to the next question, or ends after the last.
    fn next(&mut self) -> Step {
        if self.index + 1 >= self.count {
            self.finished = true;
            return Step::Leave;
        }
        self.index += 1;
        self.chosen = None;
        self.taught = None;
        self.scroll = 0;
        Step::Stay
    }

    /// Keeps what an answer taught, in the words the line-by-line mode prints.
    fn taught(&mut self, feedback: &Feedback, question: &StoredQuestion, ui: &Ui) {
        let mut text = Vec::new();
        // Writing into memory cannot fail.
        let _ = super::explain(feedback, question, ui, &mut text);
        let lines = String::from_utf8_lossy(&text).lines().map(str::to_owned).collect();
        self.asked += 1;
        self.right += usize::from(feedback.correct);
        self.taught = Some(Taught { correct: feedback.correct, lines });
        self.scroll = 0;
    }
}

fn event_loop<S: PracticeStore>(
    terminal: &mut DefaultTerminal,
    store: &mut S,
    workspace: &Workspace,
    employee: &str,
    questions: &[StoredQuestion],
    ui: &Ui,
    state: &mut State,
) -> Result<(), CommandError> {
    loop {
        let Some(question) = questions.get(state.index) else { return Ok(()) };
        let mut limit = 0;
        terminal
            .draw(|frame| limit = draw(frame, state, &question.question, ui))
            .map_err(screen::io_error)?;
        state.scroll_limit = limit;
        state.scroll = state.scroll.min(limit);
        // A resize or any other event draws the screen again at its new size.
        let Event::Key(key) = event::read().map_err(screen::io_error)? else { continue };
        if key.kind != KeyEventKind::Press {
            continue;
        }
        match state.key(key, &question.question, ui) {
            Step::Stay => {}
            Step::Leave => return Ok(()),
            Step::Give(response) => {
                // A clock read per answer, as line by line: an answer counts on its own day.
                let at = workspace::now()?;
                let feedback = practice::answer(
                    store,
                    employee,
                    question,
                    &response,
                    at,
                    workspace::office_date(workspace, at),
                )?;
                state.taught(&feedback, question, ui);
            }
        }
    }
}

/// Returns how many rows `lines` take wrapped at `width` columns: at least this many, as
/// a line breaks at a character only when a word does not fit.
fn rows(lines: &[Line<'_>], width: u16) -> u16 {
    let width = usize::from(width.max(1));
    let total: usize = lines.iter().map(|line| line.width().div_ceil(width).max(1)).sum();
    u16::try_from(total).unwrap_or(u16::MAX)
}

/// Below this many rows or columns the panels lose their left and bottom borders and the
/// blank line between stem and options, so that a question still fits on a small terminal.
const COMPACT_HEIGHT: u16 = 20;
const COMPACT_WIDTH: u16 = 60;

/// Draws the screen; returns how far its scrolling panel may scroll.
fn draw(frame: &mut Frame<'_>, state: &State, question: &Question, ui: &Ui) -> u16 {
    let area = frame.area();
    let compact = area.height < COMPACT_HEIGHT || area.width < COMPACT_WIDTH;
    let progress = ui.text(
        "practice.tui.progress",
        &[
            ("number", (state.index + 1).to_string()),
            ("count", state.count.to_string()),
            ("right", state.right.to_string()),
            ("asked", state.asked.to_string()),
        ],
    );
    let progress = vec![Line::styled(progress, Style::default().add_modifier(Modifier::BOLD))];
    let mut help = vec![Line::raw(help_text(state, question, ui))];
    if !state.message.is_empty() {
        help.push(Line::styled(state.message.clone(), screen::fg(state.colour, Color::Red)));
    }
    let top_height = rows(&progress, area.width).min(2);
    let help_height = rows(&help, area.width).min(area.height / 3);
    let [top, body, bottom] = Layout::vertical([
        Constraint::Length(top_height),
        Constraint::Min(0),
        Constraint::Length(help_height),
    ])
    .areas(area);
    frame.render_widget(Paragraph::new(progress).wrap(Wrap { trim: false }), top);
    frame.render_widget(Paragraph::new(help).wrap(Wrap { trim: false }), bottom);

    let title = (question_title(question, ui), Style::default());
    let question_lines = question_lines(state, question, compact, ui);
    let Some(taught) = &state.taught else {
        return draw_panel(frame, body, title, question_lines, Some(state.scroll), compact);
    };
    let feedback: Vec<Line<'static>> = taught.lines.iter().map(|l| Line::raw(l.clone())).collect();
    // The feedback gets what it needs when the question fits above it, else two thirds.
    let frame_rows = if compact { 1 } else { 2 };
    let inner_width = body.width.saturating_sub(if compact { 1 } else { 2 });
    let needed = rows(&feedback, inner_width).saturating_add(frame_rows);
    let question_needs = rows(&question_lines, inner_width).saturating_add(frame_rows);
    let height = needed.min(body.height.saturating_sub(question_needs).max(body.height / 3 * 2));
    let [question_area, feedback_area] =
        Layout::vertical([Constraint::Min(0), Constraint::Length(height)]).areas(body);
    draw_panel(frame, question_area, title, question_lines, None, compact);
    let (title, colour) = if taught.correct {
        (ui.text("practice.tui.right_title", &[]), Color::Green)
    } else {
        (ui.text("practice.tui.wrong_title", &[]), Color::Red)
    };
    let title = (title, screen::fg(state.colour, colour).add_modifier(Modifier::BOLD));
    draw_panel(frame, feedback_area, title, feedback, Some(state.scroll), compact)
}

/// Draws a panel of `lines` under `title`, scrolled down `scroll` rows (`None`: it does
/// not scroll), with a scroll bar when they do not fit and it does; returns how far it may
/// scroll.
fn draw_panel(
    frame: &mut Frame<'_>,
    area: Rect,
    (title, title_style): (String, Style),
    lines: Vec<Line<'static>>,
    scroll: Option<u16>,
    compact: bool,
) -> u16 {
    let block = if compact { Block::new().borders(Borders::TOP | Borders::RIGHT) } else { Block::bordered() };
    let block = block.title(Line::styled(format!(" {title} "), title_style));
    let inner = block.inner(area);
    let content = rows(&lines, inner.width);
    // Breaking at words can take up to a row more for each row a line wraps onto.
    let wrapped = content.saturating_sub(u16::try_from(lines.len()).unwrap_or(u16::MAX));
    let limit = content.saturating_add(wrapped).saturating_sub(inner.height);
    frame.render_widget(
        Paragraph::new(Text::from(lines))
            .block(block)
            .wrap(Wrap { trim: false })
            .scroll((scroll.unwrap_or(0), 0)),
        area,
    );
    if let Some(scroll) = scroll
        && content > inner.height
    {
        let mut position = ScrollbarState::new(usize::from(limit)).position(usize::from(scroll));
        let bar = Rect { y: inner.y, height: inner.height, ..area };
        frame.render_stateful_widget(
            Scrollbar::new(ScrollbarOrientation::VerticalRight).begin_symbol(None).end_symbol(None),
            bar,
            &mut position,
        );
    }
    limit
}

fn question_title(question: &Question, ui: &Ui) -> String {
    let kind = kind_name(question.kind, ui);
    if question.law.is_empty() { kind } else { format!("{kind} · {}", question.law) }
}

/// Returns the stem and the options; once answered, the key's options in green and a wrong
/// choice in red (the feedback says the same in words).
fn question_lines(state: &State, question: &Question, compact: bool, ui: &Ui) -> Vec<Line<'static>> {
    let mut lines: Vec<Line<'static>> = question.stem.lines().map(|l| Line::raw(l.to_owned())).collect();
    if !compact {
        lines.push(Line::raw(""));
    }
    let mut options =
        screen::option_lines(question.kind, &question.options, state.chosen.as_ref(), state.colour, ui);
    if state.taught.is_some() {
        for (i, line) in options.iter_mut().enumerate() {
            let in_key = match &question.answer {
                Answer::Choice(letters) => letters.contains(i),
                Answer::Judge(truth) => (i == 0) == *truth,
                _ => false,
            };
            let chosen = state.chosen.as_ref().is_some_and(|response| screen::holds(response, i));
            line.style = match (in_key, chosen) {
                (true, _) => screen::fg(state.colour, Color::Green).add_modifier(Modifier::BOLD),
                (false, true) => screen::fg(state.colour, Color::Red),
                (false, false) => Style::default(),
            };
        }
    }
    lines.extend(options);
    lines
}

fn help_text(state: &State, question: &Question, ui: &Ui) -> String {
    let key = match (&state.taught, question.kind) {
        (Some(_), _) if state.index + 1 >= state.count => "practice.tui.help_last",
        (Some(_), _) => "practice.tui.help_next",
        (None, Kind::Judge) => "practice.tui.help_judge",
        (None, Kind::Multiple) => "practice.tui.help_multiple",
        (None, _) => "practice.tui.help_single",
    };
    ui.text(key, &[])
}

#[cfg(test)]
mod tests {
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    use xuefa_core::{Lang, Letters};

    use super::*;

    const STEM: &str = "根据《中华人民共和国行政复议法》，行政复议期间行政行为不停止执行；但是被申请人认为需要停止执行的，可以停止执行，这一规定的例外情形有哪些？";

    fn question(kind: Kind) -> Question {
        let (options, answer) = match kind {
            Kind::Judge => (vec![], Answer::Judge(false)),
            _ => (
                vec![
                    "被申请人认为需要停止执行".to_owned(),
                    "申请人申请停止执行".to_owned(),
                    "法律规定停止执行".to_owned(),
                ],
                Answer::Choice(Letters::empty().with(0).with(2)),
            ),
        };
        let mut question = Question::new("Q1", kind, STEM, options, answer);
        question.law = "行政复议法".to_owned();
        question
    }

    fn press(state: &mut State, code: KeyCode, question: &Question, ui: &Ui) -> Step {
        state.key(KeyEvent::new(code, KeyModifiers::NONE), question, ui)
    }

    /// Returns the screen's text, row by row, drawn at `width` × `height` (a wide character
    /// once, not with the blank cell it covers).
    fn screen(state: &State, question: &Question, ui: &Ui, width: u16, height: u16) -> Vec<String> {
        let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("a test terminal");
        terminal.draw(|frame| _ = draw(frame, state, question, ui)).expect("drawn");
        let buffer = terminal.backend().buffer();
        (0..height)
            .map(|y| {
                let mut row = String::new();
                let mut x = 0;
                while x < width {
                    let symbol = buffer.cell((x, y)).map_or(" ", |c| c.symbol());
                    row.push_str(symbol);
                    x += u16::try_from(Line::raw(symbol).width().max(1)).unwrap_or(1);
                }
                row
            })
            .collect()
    }

    fn answered(kind: Kind) -> State {
        let mut state = State::new(3, true);
        state.chosen = Some(Response::Choice(Letters::empty().with(1)));
        state.asked = 1;
        let lines = [
            "Wrong. The answer is AC.",
            "Explanation: 行政复议期间行政行为原则上不停止执行，有法定情形之一的，应当停止执行。",
            "Basis: 行政复议法 第四十二条",
            "In the wrong-answer book: box 1, due again on 2026-03-02.",
        ];
        state.taught = Some(Taught { correct: false, lines: lines.map(str::to_owned).to_vec() });
        if kind == Kind::Judge {
            state.chosen = Some(Response::Judge(true));
        }
        state
    }

    #[test]
    fn every_size_of_terminal_draws_even_the_smallest() {
        let ui = Ui::new(Lang::En);
        for kind in [Kind::Single, Kind::Multiple, Kind::Judge] {
            let q = question(kind);
            for state in [State::new(3, true), answered(kind)] {
                for (width, height) in [(110, 32), (80, 24), (40, 12), (24, 8), (12, 4), (1, 1), (0, 0)] {
                    screen(&state, &q, &ui, width, height);
                }
            }
        }
        let small = screen(&answered(Kind::Single), &question(Kind::Single), &ui, 40, 12);
        let text = small.join("\n");
        assert!(small[0].starts_with("Question 1 of 3 · 0 of 1 answered right"), "{text}");
        assert!(text.contains("✗ Wrong") && text.contains("Wrong. The answer is AC."), "{text}");
    }

    #[test]
    fn wide_chinese_text_wraps_without_losing_a_character() {
        let ui = Ui::new(Lang::Zh);
        for width in [40, 41, 57] {
            let rows = screen(&State::new(1, false), &question(Kind::Single), &ui, width, 30);
            let joined: String = rows.concat().chars().filter(|c| !matches!(c, '│' | ' ')).collect();
            assert!(joined.contains(STEM), "width {width}:\n{}", rows.join("\n"));
        }
    }

    #[test]
    fn an_answer_is_chosen_then_given_then_the_next_question_follows() {
        let ui = Ui::new(Lang::En);
        let judge = question(Kind::Judge);
        let mut state = State::new(2, false);
        assert_eq!(press(&mut state, KeyCode::Enter, &judge, &ui), Step::Stay);
        assert!(state.message.starts_with("Choose an answer first"), "{}", state.message);
        assert_eq!(press(&mut state, KeyCode::Char('t'), &judge, &ui), Step::Stay);
        assert_eq!(press(&mut state, KeyCode::Char('f'), &judge, &ui), Step::Stay);
        assert_eq!(press(&mut state, KeyCode::Char(' '), &judge, &ui), Step::Give(Response::Judge(false)));
        state.taught = Some(Taught { correct: true, lines: vec!["Right. The answer is false.".to_owned()] });
        // Once given, letters change nothing; Enter moves on.
        assert_eq!(press(&mut state, KeyCode::Char('t'), &judge, &ui), Step::Stay);
        assert_eq!(state.chosen, Some(Response::Judge(false)));
        assert_eq!(press(&mut state, KeyCode::Enter, &judge, &ui), Step::Stay);
        assert_eq!((state.index, state.chosen, state.taught.is_none()), (1, None, true));

        let multiple = question(Kind::Multiple);
        for key in ['a', 'c', 'b', 'b'] {
            press(&mut state, KeyCode::Char(key), &multiple, &ui);
        }
        assert_eq!(state.chosen, Some(Response::Choice(Letters::empty().with(0).with(2))));
        assert_eq!(press(&mut state, KeyCode::Char('z'), &multiple, &ui), Step::Stay);
        assert!(state.message.contains("does nothing"), "{}", state.message);
        // Skipping the last question ends the practice.
        assert_eq!(press(&mut state, KeyCode::Right, &multiple, &ui), Step::Leave);
        assert!(state.finished);
    }

    #[test]
    fn q_escape_and_control_c_leave_before_the_end() {
        let ui = Ui::new(Lang::En);
        let single = question(Kind::Single);
        for key in [
            KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE),
            KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE),
            KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL),
        ] {
            let mut state = answered(Kind::Single);
            assert_eq!(state.key(key, &single, &ui), Step::Leave);
            assert!(!state.finished);
        }
    }
}
