//! Why an operation did not finish: a message for the person (a catalog key and its
//! arguments, so every front end words it in its language), the problems of an input file
//! (each with its place; nothing was stored), or a failure of the store.

use xuefa_core::{Lang, Problem};
use xuefa_store::StoreError;

/// A message for a person: a catalog key and its placeholders' values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// The catalog key.
    pub key: &'static str,
    /// The placeholders' values.
    pub args: Vec<(&'static str, String)>,
}

impl Message {
    /// Returns a message.
    pub fn new(key: &'static str, args: Vec<(&'static str, String)>) -> Message {
        Message { key, args }
    }

    /// Returns the message in a language.
    pub fn text(&self, lang: Lang) -> String {
        crate::i18n::text(lang, self.key, &self.args)
    }
}

/// Why an operation did not finish.
#[derive(Debug)]
#[non_exhaustive]
pub enum AppError {
    /// The input was refused or a rule forbids the operation: a catalog message.
    Message {
        /// The catalog key.
        key: &'static str,
        /// The placeholders' values.
        args: Vec<(&'static str, String)>,
    },
    /// An input file has problems; nothing was stored. Every problem has its place.
    Problems(Vec<Problem>),
    /// An input is refused for these reasons (each a message about the whole input, such as
    /// an exam blueprint's sections the banks cannot fill); nothing was stored.
    Refused(Vec<Message>),
    /// The store failed.
    Store(StoreError),
}

impl AppError {
    /// Returns an error showing one catalog message.
    pub fn message_of(key: &'static str, args: Vec<(&'static str, String)>) -> Self {
        AppError::Message { key, args }
    }

    /// Returns the message in a language (problems of a file are listed one a line).
    pub fn message(&self, lang: Lang) -> String {
        match self {
            AppError::Message { key, args } => crate::i18n::text(lang, key, args),
            AppError::Problems(problems) => problems
                .iter()
                .map(|p| format!("{}: {}", p.location, p.message(lang)))
                .collect::<Vec<_>>()
                .join("\n"),
            AppError::Refused(messages) => {
                messages.iter().map(|m| m.text(lang)).collect::<Vec<_>>().join("\n")
            }
            AppError::Store(error) => error.to_string(),
        }
    }
}

impl From<StoreError> for AppError {
    fn from(error: StoreError) -> Self {
        AppError::Store(error)
    }
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl std::error::Error for AppError {}

/// The result of an operation.
pub type Result<T> = std::result::Result<T, AppError>;
