//! The one error type at the edge of the program, with kinds that map to exit codes, and
//! the catalog message for each error of the libraries below.

use std::process::ExitCode;

use xuefa_core::Lang;
use xuefa_store::{StoreError, WorkspaceError};

use crate::i18n::text;

/// Why a command did not finish.
#[derive(Debug)]
pub enum CommandError {
    /// The input was rejected or a check failed; the details are already on stderr.
    Rejected,
    /// The input was rejected, with a message to show (catalog key and arguments).
    Message { key: &'static str, args: Vec<(&'static str, String)> },
    /// The workspace could not be found or opened.
    Workspace(WorkspaceError),
    /// The store failed.
    Store(StoreError),
    /// An input file has problems (shown one a line, each with its place).
    Problems(Vec<xuefa_core::Problem>),
}

/// Returns an import's result, or, when the file had problems, prints each with its place,
/// says that nothing was stored, and refuses the command.
pub fn refused_with_problems<T>(
    result: Result<T, xuefa_app::AppError>,
    ui: &crate::ui::Ui,
) -> Result<T, CommandError> {
    match result {
        Ok(value) => Ok(value),
        Err(xuefa_app::AppError::Problems(problems)) => {
            for problem in &problems {
                ui.problem(problem);
            }
            ui.note(&ui.text("import.refused", &[]));
            Err(CommandError::Rejected)
        }
        Err(error) => Err(error.into()),
    }
}

/// Returns an operation's result, or, when it refused its input for reasons (each a
/// message), prints each and refuses the command.
pub fn refused_messages<T>(
    result: Result<T, xuefa_app::AppError>,
    ui: &crate::ui::Ui,
) -> Result<T, CommandError> {
    match result {
        Ok(value) => Ok(value),
        Err(xuefa_app::AppError::Refused(messages)) => {
            for message in messages {
                ui.error(&message.text(ui.lang));
            }
            Err(CommandError::Rejected)
        }
        Err(error) => Err(error.into()),
    }
}

impl From<xuefa_app::sitting::SessionError> for CommandError {
    fn from(error: xuefa_app::sitting::SessionError) -> Self {
        xuefa_app::AppError::from(error).into()
    }
}

impl From<xuefa_app::AppError> for CommandError {
    fn from(error: xuefa_app::AppError) -> Self {
        match error {
            xuefa_app::AppError::Message { key, args } => CommandError::Message { key, args },
            xuefa_app::AppError::Problems(problems) => CommandError::Problems(problems),
            xuefa_app::AppError::Store(error) => CommandError::Store(error),
            other => CommandError::Message { key: "app.failed", args: vec![("detail", other.to_string())] },
        }
    }
}

impl From<WorkspaceError> for CommandError {
    fn from(error: WorkspaceError) -> Self {
        match error {
            WorkspaceError::Store(error) => CommandError::Store(error),
            error => CommandError::Workspace(error),
        }
    }
}

impl From<StoreError> for CommandError {
    fn from(error: StoreError) -> Self {
        CommandError::Store(error)
    }
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
            CommandError::Workspace(error) => workspace_message(error, lang),
            CommandError::Store(error) => store_message(error, lang),
            // Each problem is printed with its place before the command ends (see `main`).
            CommandError::Problems(_) => String::new(),
        }
    }

    /// Returns the exit code: 1 for rejected input, failed checks and failures of the
    /// workspace. (Usage errors exit with 2 from clap before a command runs.)
    pub fn exit_code(&self) -> ExitCode {
        ExitCode::from(1)
    }
}

fn workspace_message(error: &WorkspaceError, lang: Lang) -> String {
    let path = |p: &std::path::Path| p.display().to_string();
    match error {
        WorkspaceError::NotFound(dir) => text(lang, "workspace.not_found", &[("dir", path(dir))]),
        WorkspaceError::NotAWorkspace(dir) => text(lang, "workspace.not_a_workspace", &[("dir", path(dir))]),
        WorkspaceError::AlreadyExists(dir) => text(lang, "workspace.exists", &[("dir", path(dir))]),
        WorkspaceError::Io { path: file, source } => {
            text(lang, "workspace.io", &[("path", path(file)), ("detail", crate::i18n::io_error(source))])
        }
        WorkspaceError::Config { path: file, detail } => {
            text(lang, "workspace.config", &[("path", path(file)), ("detail", detail.clone())])
        }
        WorkspaceError::Store(error) => store_message(error, lang),
        other => other.to_string(),
    }
}

/// Returns a database error in words an administrator can act on, naming the file: a
/// damaged file, a read-only one, a full disk, a file another program holds; anything else
/// with SQLite's own words.
fn database_message(error: &StoreError, lang: Lang) -> String {
    use xuefa_store::DatabaseFailure;
    let path =
        crate::workspace::database_path().map_or_else(|| "xuefa.db".to_owned(), |p| p.display().to_string());
    let key = match error.database_failure() {
        Some(DatabaseFailure::Damaged) => "store.db_damaged",
        Some(DatabaseFailure::ReadOnly) => "store.db_read_only",
        Some(DatabaseFailure::DiskFull) => "store.db_disk_full",
        Some(DatabaseFailure::CannotOpen) => "store.db_cannot_open",
        Some(DatabaseFailure::Busy) => "store.db_busy",
        Some(DatabaseFailure::Io) => "store.db_io",
        Some(DatabaseFailure::Unreachable) => "store.db_unreachable",
        // SQLite's words, without the SQL it sometimes quotes in full.
        _ => {
            let detail = error.to_string();
            let detail: String = detail.lines().next().unwrap_or_default().chars().take(300).collect();
            return text(lang, "store.database", &[("detail", detail)]);
        }
    };
    text(lang, key, &[("path", path), ("detail", error.to_string())])
}

pub fn store_message(error: &StoreError, lang: Lang) -> String {
    match error {
        StoreError::Database(_) | StoreError::Postgres(_) => database_message(error, lang),
        StoreError::Connect { target, detail } => {
            text(lang, "store.connect", &[("target", target.clone()), ("detail", detail.clone())])
        }
        StoreError::NotEmpty { tables } => text(lang, "store.not_empty", &[("tables", tables.join(", "))]),
        StoreError::CopyMismatch { tables } => {
            text(lang, "store.copy_mismatch", &[("tables", tables.join(", "))])
        }
        StoreError::TooNew { found, known } => {
            text(lang, "store.too_new", &[("found", found.to_string()), ("known", known.to_string())])
        }
        StoreError::NoBank(bank) => text(lang, "store.no_bank", &[("bank", bank.clone())]),
        StoreError::NoPerson(employee) => text(lang, "store.no_person", &[("employee", employee.clone())]),
        StoreError::NoQuestion(question) => {
            text(lang, "store.no_question", &[("question", question.clone())])
        }
        StoreError::BankInUse { bank, exams } => {
            text(lang, "store.bank_in_use", &[("bank", bank.clone()), ("exams", exams.join(", "))])
        }
        StoreError::Corrupt(detail) => {
            let path = crate::workspace::database_path()
                .map_or_else(|| "xuefa.db".to_owned(), |p| p.display().to_string());
            text(lang, "store.corrupt", &[("detail", detail.clone()), ("path", path)])
        }
        StoreError::File { path, detail } => {
            text(lang, "store.file", &[("path", path.display().to_string()), ("detail", detail.clone())])
        }
        StoreError::InUse { path } => text(lang, "store.in_use", &[("path", path.display().to_string())]),
        StoreError::NotXuefa { path, reason } => {
            text(lang, &format!("store.not_xuefa_{reason}"), &[("path", path.display().to_string())])
        }
        StoreError::AlreadySubmitted { exam, employee, attempt } => text(
            lang,
            "store.already_submitted",
            &[("exam", exam.clone()), ("employee", employee.clone()), ("attempt", attempt.to_string())],
        ),
        StoreError::StartedElsewhere { exam, employee, attempt } => text(
            lang,
            "store.started_elsewhere",
            &[("exam", exam.clone()), ("employee", employee.clone()), ("attempt", attempt.to_string())],
        ),
        other => other.to_string(),
    }
}
