//! What the program tells a person on stderr: problems in the `PATH:LINE: message` form,
//! notes and errors, with colour only on a terminal and never when `NO_COLOR` is set.

use std::io::{IsTerminal, Write};

use xuefa_core::{Lang, Problem, Severity};

use crate::i18n::text;

pub struct Ui {
    pub lang: Lang,
    colour: bool,
}

const RED: &str = "\x1b[31;1m";
const YELLOW: &str = "\x1b[33;1m";
const RESET: &str = "\x1b[0m";

impl Ui {
    pub fn new(lang: Lang) -> Ui {
        let no_colour = std::env::var_os("NO_COLOR").is_some_and(|value| !value.is_empty());
        Ui { lang, colour: !no_colour && std::io::stderr().is_terminal() }
    }

    /// Returns a catalog message in this session's language.
    pub fn text(&self, key: &str, args: &[(&str, String)]) -> String {
        text(self.lang, key, args)
    }

    /// Returns the separator of a list in the language: `、` in Chinese, `, ` in English.
    pub fn list_separator(&self) -> &'static str {
        if self.lang == Lang::Zh { "、" } else { ", " }
    }

    /// Returns the separator of clauses in the language: `；` in Chinese, `; ` in English.
    pub fn clause_separator(&self) -> &'static str {
        if self.lang == Lang::Zh { "；" } else { "; " }
    }

    /// Returns a label with the space an ASCII colon needs (`Key: `, but `答案：`).
    pub fn label(&self, key: &str) -> String {
        let text = self.text(key, &[]);
        if text.ends_with(':') { format!("{text} ") } else { text }
    }

    fn paint(&self, colour: &str, label: &str) -> String {
        if self.colour { format!("{colour}{label}{RESET}") } else { label.to_owned() }
    }

    /// Prints a problem as `PATH:LINE: error: message`.
    pub fn problem(&self, problem: &Problem) {
        let (colour, key) = match problem.severity {
            Severity::Error => (RED, "severity.error"),
            _ => (YELLOW, "severity.warning"),
        };
        let label = self.paint(colour, &xuefa_core::i18n::message(self.lang, key, &[]));
        self.line(&format!("{}: {label}: {}", problem.location, problem.message(self.lang)));
    }

    /// Prints an error message that ends a command.
    pub fn error(&self, message: &str) {
        if message.is_empty() {
            return;
        }
        let label = self.paint(RED, &xuefa_core::i18n::message(self.lang, "severity.error", &[]));
        self.line(&format!("{label}: {message}"));
    }

    /// Prints a line of information for people (stderr, never stdout).
    pub fn note(&self, message: &str) {
        self.line(message);
    }

    fn line(&self, message: &str) {
        // A closed stderr is no reason to fail the command.
        let _ = writeln!(std::io::stderr().lock(), "{message}");
    }
}
