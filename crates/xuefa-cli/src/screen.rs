//! What the full-screen modes (`exam take`, `practice`) share: whether to use the full
//! screen at all, the terminal's set-up and its restoring, colour, the keys that choose an
//! answer and the lines that show the options with what is chosen.

use std::io::IsTerminal;

use ratatui::DefaultTerminal;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use xuefa_core::Kind;
use xuefa_core::exam::Response;

use crate::error::CommandError;
use crate::ui::Ui;

/// Reads one typed line for the line-by-line modes into `line` (emptied first); returns the
/// bytes read, 0 at the end of input. Bytes that are not UTF-8 (a terminal set to GBK, a
/// stray byte in a piped file) become U+FFFD, so the line is refused as an answer and asked
/// again, instead of ending the exam or the practice.
pub fn read_typed_line(input: &mut impl std::io::BufRead, line: &mut String) -> std::io::Result<usize> {
    let mut bytes = Vec::new();
    let read = input.read_until(b'\n', &mut bytes)?;
    line.clear();
    line.push_str(&String::from_utf8_lossy(&bytes));
    Ok(read)
}

/// Whether to draw the full screen: only when asked for no `--plain` and both stdin and
/// stdout are a terminal. Anything else (a pipe, a script, a screen reader's choice) gets
/// the line-by-line mode.
pub fn full_screen(plain: bool) -> bool {
    !plain && std::io::stdin().is_terminal() && std::io::stdout().is_terminal()
}

/// Whether to colour the full screen: not when `NO_COLOR` is set to anything.
pub fn colour() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty())
}

/// Returns the style of text in `colour`, or the plain style without colour.
pub fn fg(colour: bool, color: Color) -> Style {
    if colour { Style::default().fg(color) } else { Style::default() }
}

/// Returns the error of a terminal that failed to draw or to read a key.
pub fn io_error(error: std::io::Error) -> CommandError {
    CommandError::message_of("take.io", vec![("detail", error.to_string())])
}

/// Runs `body` on the full screen and gives the terminal back as it was, whether `body`
/// ends, fails or panics (ratatui's panic hook restores it before the panic is reported).
pub fn with_terminal<T>(
    body: impl FnOnce(&mut DefaultTerminal) -> Result<T, CommandError>,
) -> Result<T, CommandError> {
    let mut terminal = match ratatui::try_init() {
        Ok(terminal) => terminal,
        Err(error) => {
            // It may have failed after raw mode was switched on.
            ratatui::restore();
            return Err(io_error(error));
        }
    };
    let result = body(&mut terminal);
    ratatui::restore();
    result
}

/// What a key does to the answer of a question of `kind` with `options` options, chosen
/// `before`: a letter picks that option (toggles it on a multiple-choice question); on a
/// true/false question a or t means true and b, f or x false.
#[derive(Debug, Clone, PartialEq)]
pub enum Pick {
    /// The answer is now this.
    Answer(Response),
    /// The answer is now none (the last option of a multiple choice toggled off).
    Cleared,
    /// The key chooses nothing on this question.
    NotAnAnswer,
}

/// Returns what typing `key` does to the answer `before` of a question.
pub fn pick(kind: Kind, options: usize, key: char, before: Option<&Response>) -> Pick {
    let key = key.to_ascii_uppercase();
    if kind == Kind::Judge {
        return match key {
            'A' | 'T' | 'Y' | '√' => Pick::Answer(Response::Judge(true)),
            'B' | 'F' | 'X' => Pick::Answer(Response::Judge(false)),
            _ => Pick::NotAnAnswer,
        };
    }
    let Some(index) = (key as u32).checked_sub('A' as u32).map(|i| i as usize).filter(|&i| i < options)
    else {
        return Pick::NotAnAnswer;
    };
    let one = xuefa_core::Letters::empty().with(index);
    let letters = match (kind, before) {
        (Kind::Multiple, Some(Response::Choice(before))) => {
            xuefa_core::Letters::from_bits(before.bits() ^ one.bits())
        }
        _ => one,
    };
    if letters.is_empty() { Pick::Cleared } else { Pick::Answer(Response::Choice(letters)) }
}

/// Whether an answer includes the option at `index` (on a true/false question, 0 is true
/// and 1 false).
pub fn holds(response: &Response, index: usize) -> bool {
    match response {
        Response::Choice(letters) => letters.contains(index),
        Response::Judge(truth) => (index == 0) == *truth,
        _ => false,
    }
}

/// Returns one line per option — `( ) A. …`, `[x] B. …`; on a true/false question the words
/// for true and false as A and B — with the chosen ones marked and, in colour, green.
pub fn option_lines(
    kind: Kind,
    options: &[String],
    chosen: Option<&Response>,
    colour: bool,
    ui: &Ui,
) -> Vec<Line<'static>> {
    let judge = [ui.text("answer.true", &[]), ui.text("answer.false", &[])];
    let options = if kind == Kind::Judge { &judge[..] } else { options };
    options
        .iter()
        .enumerate()
        .map(|(i, option)| {
            let is_chosen = chosen.is_some_and(|response| holds(response, i));
            let mark = match (kind, is_chosen) {
                (Kind::Multiple, true) => "[x]",
                (Kind::Multiple, false) => "[ ]",
                (_, true) => "(•)",
                (_, false) => "( )",
            };
            let style = if is_chosen {
                fg(colour, Color::Green).add_modifier(Modifier::BOLD)
            } else {
                Style::default()
            };
            Line::styled(format!("{mark} {}. {option}", xuefa_core::letter(i)), style)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use xuefa_core::Letters;

    fn letters(indices: &[usize]) -> Response {
        Response::Choice(indices.iter().fold(Letters::empty(), |l, &i| l.with(i)))
    }

    #[test]
    fn letters_pick_toggle_and_clear_only_the_options_there_are() {
        assert_eq!(pick(Kind::Single, 4, 'b', None), Pick::Answer(letters(&[1])));
        assert_eq!(pick(Kind::Single, 4, 'C', Some(&letters(&[1]))), Pick::Answer(letters(&[2])));
        assert_eq!(pick(Kind::Single, 4, 'e', None), Pick::NotAnAnswer);
        assert_eq!(pick(Kind::Multiple, 4, 'a', Some(&letters(&[1]))), Pick::Answer(letters(&[0, 1])));
        assert_eq!(pick(Kind::Multiple, 4, 'b', Some(&letters(&[1]))), Pick::Cleared);
        assert_eq!(pick(Kind::Multiple, 2, '中', None), Pick::NotAnAnswer);
        assert_eq!(pick(Kind::Multiple, 2, ' ', None), Pick::NotAnAnswer);
    }

    #[test]
    fn true_and_false_take_a_t_and_b_f_x() {
        for key in ['a', 't', 'T', 'y'] {
            assert_eq!(pick(Kind::Judge, 0, key, None), Pick::Answer(Response::Judge(true)), "{key}");
        }
        for key in ['b', 'f', 'x', 'F'] {
            assert_eq!(pick(Kind::Judge, 0, key, None), Pick::Answer(Response::Judge(false)), "{key}");
        }
        assert_eq!(pick(Kind::Judge, 0, 'c', None), Pick::NotAnAnswer);
    }
}
