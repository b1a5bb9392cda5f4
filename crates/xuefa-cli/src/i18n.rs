//! The command's messages in Chinese and English, the language choice (`--lang`, then
//! `LC_ALL`, `LC_MESSAGES`, `LANG`), and the help screens built from the catalog.

use std::ffi::OsString;
use std::sync::OnceLock;

use clap::{Arg, ArgAction, Command, CommandFactory};
use xuefa_core::Lang;

use crate::cli::Cli;

pub use xuefa_app::i18n::{catalog, text};

/// The language of this run, set once at start so that messages made far from the
/// interface (an operating-system error's words) speak it too.
static RUN_LANG: OnceLock<Lang> = OnceLock::new();

/// Sets the language of this run (the first call wins).
pub fn set_run_lang(lang: Lang) {
    let _ = RUN_LANG.set(lang);
}

/// Returns the language of this run.
pub fn run_lang() -> Lang {
    RUN_LANG.get().copied().unwrap_or_default()
}

/// Returns an operating-system error in the run's language (see
/// [`xuefa_app::i18n::io_error`]).
pub fn io_error(error: &std::io::Error) -> String {
    xuefa_app::i18n::io_error(run_lang(), error)
}

/// Returns the value of a long option (`--name VALUE` or `--name=VALUE`) before `--`.
fn option_value(args: &[OsString], name: &str) -> Option<String> {
    let flag = format!("--{name}");
    let prefix = format!("--{name}=");
    let mut iter = args.iter().skip(1).map(|arg| arg.to_string_lossy());
    let mut found = None;
    while let Some(arg) = iter.next() {
        if arg == "--" {
            break;
        }
        if arg == flag {
            found = iter.next().map(|value| value.into_owned());
        } else if let Some(value) = arg.strip_prefix(&prefix) {
            found = Some(value.to_owned());
        }
    }
    found
}

/// Returns a usage error clap found, worded in the language (clap's own words are
/// English), or `None` for what clap prints as it is: help, version, and every error in
/// English.
pub fn usage_error_message(error: &clap::Error, lang: Lang) -> Option<String> {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    if lang != Lang::Zh
        || matches!(
            error.kind(),
            ErrorKind::DisplayHelp
                | ErrorKind::DisplayVersion
                | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
        )
    {
        return None;
    }
    let get = |kind: ContextKind| -> String {
        match error.get(kind) {
            Some(ContextValue::String(value)) => value.clone(),
            Some(ContextValue::Strings(values)) => values.join("、"),
            Some(ContextValue::StyledStr(value)) => value.to_string(),
            Some(ContextValue::StyledStrs(values)) => {
                values.iter().map(ToString::to_string).collect::<Vec<_>>().join("、")
            }
            Some(ContextValue::Number(n)) => n.to_string(),
            Some(ContextValue::Bool(b)) => b.to_string(),
            _ => String::new(),
        }
    };
    let t = |key: &str, args: &[(&str, String)]| text(lang, key, args);
    let arg = get(ContextKind::InvalidArg);
    let value = get(ContextKind::InvalidValue);
    let mut message = match error.kind() {
        ErrorKind::InvalidValue if value.is_empty() => t("usage.value_missing", &[("arg", arg)]),
        ErrorKind::InvalidValue => t("usage.invalid_value", &[("arg", arg), ("value", value)]),
        ErrorKind::ValueValidation => {
            let detail = std::error::Error::source(error).map(ToString::to_string).unwrap_or_default();
            t("usage.invalid_value_because", &[("arg", arg), ("value", value), ("detail", detail)])
        }
        ErrorKind::UnknownArgument => t("usage.unknown_argument", &[("arg", arg)]),
        ErrorKind::InvalidSubcommand => {
            t("usage.unknown_subcommand", &[("command", get(ContextKind::InvalidSubcommand))])
        }
        ErrorKind::MissingRequiredArgument => t("usage.missing_argument", &[("args", arg)]),
        ErrorKind::MissingSubcommand => t("usage.missing_subcommand", &[]),
        ErrorKind::ArgumentConflict => {
            t("usage.conflict", &[("arg", arg), ("other", get(ContextKind::PriorArg))])
        }
        ErrorKind::NoEquals => t("usage.no_equals", &[("arg", arg)]),
        ErrorKind::TooManyValues | ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => {
            t("usage.value_count", &[("arg", arg)])
        }
        ErrorKind::InvalidUtf8 => t("usage.invalid_utf8", &[]),
        _ => t("usage.other", &[("detail", error.to_string())]),
    };
    let valid = get(ContextKind::ValidValue);
    if !valid.is_empty() {
        message.push_str(&t("usage.valid_values", &[("values", valid)]));
    }
    for (kind, key) in [
        (ContextKind::SuggestedSubcommand, "usage.did_you_mean"),
        (ContextKind::SuggestedArg, "usage.did_you_mean"),
        (ContextKind::SuggestedValue, "usage.did_you_mean"),
    ] {
        let suggestion = get(kind);
        if !suggestion.is_empty() {
            message.push_str(&t(key, &[("suggestion", suggestion)]));
        }
    }
    let label = xuefa_core::i18n::message(lang, "severity.error", &[]);
    let mut out = format!("{label}：{message}\n");
    let usage = get(ContextKind::Usage);
    if let Some(usage) = usage.trim().strip_prefix("Usage:").map(str::trim) {
        out.push_str(&format!("\n{}{usage}\n", t("help.usage", &[])));
    }
    out.push_str(&format!("\n{}\n", t("usage.more", &[])));
    Some(out)
}

/// Returns the language asked for: `--lang` on the command line, else a locale that names
/// a language (`LC_ALL`, `LC_MESSAGES`, `LANG`), else the workspace's `language` setting,
/// else English.
pub fn detect_lang(args: &[OsString]) -> Lang {
    let (lang, named) = match named_lang(args) {
        Some(lang) => (lang, true),
        None => (Lang::En, false),
    };
    let _ = LANG_NAMED.set(named);
    lang
}

/// Whether this run's language was named (by `--lang`, the locale or the workspace) rather
/// than English by default.
static LANG_NAMED: OnceLock<bool> = OnceLock::new();

/// Returns whether this run's language was named rather than English by default.
pub fn lang_named() -> bool {
    LANG_NAMED.get().copied().unwrap_or(true)
}

fn named_lang(args: &[OsString]) -> Option<Lang> {
    if let Some(lang) = option_value(args, "lang").and_then(|value| value.parse().ok()) {
        return Some(lang);
    }
    let var = |name: &str| std::env::var(name).ok();
    if let Some(lang) = Lang::named_by_env_values(
        var("LC_ALL").as_deref(),
        var("LC_MESSAGES").as_deref(),
        var("LANG").as_deref(),
    ) {
        return Some(lang);
    }
    workspace_language(args)
}

/// Returns the `language` of the workspace the command would use, if it names one. Only
/// `xuefa.toml` is read; a missing or broken workspace is the command's to report.
fn workspace_language(args: &[OsString]) -> Option<Lang> {
    let explicit = option_value(args, "workspace").map(std::path::PathBuf::from);
    let from_env =
        std::env::var_os("XUEFA_WORKSPACE").filter(|v| !v.is_empty()).map(std::path::PathBuf::from);
    let cwd = std::env::current_dir().ok()?;
    let workspace = xuefa_store::Workspace::find(explicit.as_deref(), from_env.as_deref(), &cwd).ok()?;
    workspace.config.language?.parse().ok()
}

/// Returns the command-line interface with every help text in the language.
pub fn localized_command(lang: Lang) -> Command {
    localize(Cli::command(), lang, "cmd")
}

fn localize(mut command: Command, lang: Lang, path: &str) -> Command {
    let catalog = catalog(lang);
    let t = |key: &str| catalog.get(key).unwrap_or(key).to_owned();
    if let Some(about) = catalog.get(path) {
        command = command.about(about.to_owned());
    }
    if let Some(long) = catalog.get(&format!("{path}.long")) {
        command = command.long_about(long.to_owned());
    }
    let ids: Vec<String> = command.get_arguments().map(|arg| arg.get_id().to_string()).collect();
    for id in ids {
        let key = arg_key(path, &id);
        if let Some(help) = catalog.get(&key) {
            let help = help.to_owned();
            command = command.mut_arg(id.as_str(), |arg| {
                if !arg.get_action().takes_values() {
                    return arg.help(help);
                }
                // clap writes these notes in English; the catalog's words replace them.
                let mut help = help;
                let values: Vec<String> = arg
                    .get_possible_values()
                    .iter()
                    .filter(|v| !v.is_hide_set())
                    .map(|v| v.get_name().to_owned())
                    .collect();
                if !values.is_empty() {
                    help.push_str(&format!(" [{} {}]", t("help.possible_values"), values.join(", ")));
                }
                let defaults: Vec<String> =
                    arg.get_default_values().iter().map(|v| v.to_string_lossy().into_owned()).collect();
                if !defaults.is_empty() {
                    help.push_str(&format!(" [{} {}]", t("help.default"), defaults.join(", ")));
                }
                arg.help(help).hide_possible_values(true).hide_default_value(true)
            });
        }
    }
    let has_positionals = command.get_positionals().next().is_some();
    let has_subcommands = command.has_subcommands();
    let usage = t("help.usage");
    let gap = if usage.ends_with(':') { " " } else { "" };
    let mut template = format!("{{about-with-newline}}\n{usage}{gap}{{usage}}\n");
    if has_subcommands {
        template.push_str(&format!("\n{}\n{{subcommands}}\n", t("help.commands")));
    }
    if has_positionals {
        template.push_str(&format!("\n{}\n{{positionals}}\n", t("help.arguments")));
    }
    template.push_str(&format!("\n{}\n{{options}}{{after-help}}", t("help.options")));
    command = command
        .help_template(template)
        .disable_help_flag(true)
        .arg(Arg::new("help").short('h').long("help").action(ArgAction::Help).help(t("help.help")));
    if path == "cmd" {
        command = command.disable_version_flag(true).arg(
            Arg::new("version").short('V').long("version").action(ArgAction::Version).help(t("help.version")),
        );
    }
    let names: Vec<String> = command.get_subcommands().map(|sub| sub.get_name().to_owned()).collect();
    for name in names {
        let sub_path = format!("{path}.{name}");
        command = command.mut_subcommand(name, |sub| localize(sub, lang, &sub_path));
    }
    command
}

fn arg_key(path: &str, id: &str) -> String {
    // Global arguments have one text wherever they appear.
    if id == "lang" { "arg.lang".to_owned() } else { format!("arg{}.{id}", path.trim_start_matches("cmd")) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_and_argument_has_help_in_the_catalog() {
        fn walk(command: &Command, path: &str, missing: &mut Vec<String>) {
            if catalog(Lang::En).get(path).is_none() {
                missing.push(path.to_owned());
            }
            for arg in command.get_arguments() {
                let id = arg.get_id().as_str();
                if id == "help" || id == "version" {
                    continue;
                }
                let key = arg_key(path, id);
                if catalog(Lang::En).get(&key).is_none() {
                    missing.push(key);
                }
            }
            for sub in command.get_subcommands() {
                walk(sub, &format!("{path}.{}", sub.get_name()), missing);
            }
        }
        let mut missing = Vec::new();
        walk(&Cli::command(), "cmd", &mut missing);
        assert_eq!(missing, Vec::<String>::new());
    }

    #[test]
    fn the_command_line_is_well_formed() {
        localized_command(Lang::Zh).debug_assert();
        localized_command(Lang::En).debug_assert();
    }

    #[test]
    fn lang_flag_wins_over_the_locale() {
        let args: Vec<OsString> = ["xuefa", "bank", "--lang", "zh"].iter().map(OsString::from).collect();
        assert_eq!(detect_lang(&args), Lang::Zh);
        let args: Vec<OsString> = ["xuefa", "--lang=en"].iter().map(OsString::from).collect();
        assert_eq!(detect_lang(&args), Lang::En);
    }
}
