//! The one error type at the edge of the program, with kinds that map to exit codes.

use std::process::ExitCode;

use xuefa_core::Lang;

use crate::i18n::text;

/// Why a command did not finish.
#[derive(Debug)]
pub enum CommandError {
    /// The input was rejected or a check failed; the details are already on stderr.
    Rejected,
    /// The input was rejected, with a message to show (catalog key and arguments).
    Message { key: &'static str, args: Vec<(&'static str, String)> },
}

impl CommandError {
    /// Returns an error showing one catalog message.
    pub fn message_of(key: &'static str, args: Vec<(&'static str, String)>) -> Self {
        CommandError::Message { key, args }
    }

    /// Returns the message to show, empty when the details were already shown.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            CommandError::Rejected => String::new(),
            CommandError::Message { key, args } => text(lang, key, args),
        }
    }

    /// Returns the exit code: 1 for rejected input and failed checks. (Usage errors exit
    /// with 2 from clap before a command runs.)
    pub fn exit_code(&self) -> ExitCode {
        ExitCode::from(1)
    }
}
