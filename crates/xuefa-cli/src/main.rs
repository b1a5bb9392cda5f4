//! The `xuefa` command: the definition of its interface and the glue between the terminal
//! and the libraries that do the work.

/// `println!` for stdout: a closed pipe (`xuefa … | head`) ends the output quietly; any
/// other failure (a full disk) is kept and fails the command at its end.
macro_rules! outln {
    () => {{
        use std::io::Write as _;
        if let Err(error) = writeln!(std::io::stdout()) {
            $crate::output::stdout_failed(error);
        }
    }};
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        if let Err(error) = writeln!(std::io::stdout(), $($arg)*) {
            $crate::output::stdout_failed(error);
        }
    }};
}

mod cli;
mod commands;
mod error;
mod i18n;
mod inputs;
mod output;
mod screen;
mod ui;
mod workspace;

use std::process::ExitCode;

use clap::FromArgMatches;

use crate::cli::Cli;
use crate::ui::Ui;

/// Ends a run whose command line clap refused: help and version as clap prints them,
/// usage errors in the run's language on stderr with exit code 2.
fn usage_error(error: clap::Error, lang: xuefa_core::Lang) -> ExitCode {
    match i18n::usage_error_message(&error, lang) {
        Some(message) => {
            use std::io::Write as _;
            let _ = write!(std::io::stderr().lock(), "{message}");
            ExitCode::from(2)
        }
        None => error.exit(),
    }
}

fn main() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let lang = i18n::detect_lang(&args);
    i18n::set_run_lang(lang);
    let matches = match i18n::localized_command(lang).try_get_matches_from(&args) {
        Ok(matches) => matches,
        // clap prints help and version on stdout with exit 0, usage errors on stderr with 2.
        Err(error) => return usage_error(error, lang),
    };
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(error) => return usage_error(error, lang),
    };
    let ui = Ui::new(cli.global.lang.unwrap_or(lang));
    let result = commands::run(cli.command, &cli.global, &ui).and_then(|()| output::stdout_result());
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            if let error::CommandError::Problems(problems) = &error {
                for problem in problems {
                    ui.problem(problem);
                }
            }
            ui.error(&error.message(ui.lang));
            error.exit_code()
        }
    }
}
