//! What the program tells a person on stderr: problems in the `PATH:LINE: message` form,
//! notes and errors, with colour only on a terminal and never when `NO_COLOR` is set.

use std::io::{IsTerminal, Write};

use xuefa_core::{Lang, Problem, Severity};

use xuefa_app::i18n::Tr;

pub struct Ui {
    pub lang: Lang,
    tr: Tr,
    colour: bool,
}

/// A `Ui` speaks its language: operations and renderers that take the words (`&Tr`) take
/// a `&Ui` too.
impl std::ops::Deref for Ui {
    type Target = Tr;

    fn deref(&self) -> &Tr {
        &self.tr
    }
}

const RED: &str = "\x1b[31;1m";
const YELLOW: &str = "\x1b[33;1m";
const RESET: &str = "\x1b[0m";

impl Ui {
    pub fn new(lang: Lang) -> Ui {
        let no_colour = std::env::var_os("NO_COLOR").is_some_and(|value| !value.is_empty());
        Ui { lang, tr: Tr::new(lang), colour: !no_colour && std::io::stderr().is_terminal() }
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
        let colon = if self.lang == Lang::Zh { "：" } else { ": " };
        self.line(&format!("{label}{colon}{message}"));
    }

    /// Prints a warning: the command goes on.
    pub fn warning(&self, message: &str) {
        let label = self.paint(YELLOW, &xuefa_core::i18n::message(self.lang, "severity.warning", &[]));
        let colon = if self.lang == Lang::Zh { "：" } else { ": " };
        self.line(&format!("{label}{colon}{message}"));
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
