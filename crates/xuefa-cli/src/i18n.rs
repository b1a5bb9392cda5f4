//! The command's messages in Chinese and English, the language choice (`--lang`, then
//! `LC_ALL`, `LC_MESSAGES`, `LANG`), and the help screens built from the catalog.

use std::ffi::OsString;
use std::sync::OnceLock;

use clap::{Arg, ArgAction, Command, CommandFactory};
use xuefa_core::Lang;
use xuefa_core::i18n::Catalog;

use crate::cli::Cli;

const EN: &str = include_str!("messages/en.txt");
const ZH: &str = include_str!("messages/zh.txt");

pub fn catalog(lang: Lang) -> &'static Catalog {
    static EN_CATALOG: OnceLock<Catalog> = OnceLock::new();
    static ZH_CATALOG: OnceLock<Catalog> = OnceLock::new();
    // Compiled in and checked by tests; an empty catalog would show keys, not crash.
    match lang {
        Lang::Zh => ZH_CATALOG.get_or_init(|| Catalog::parse(ZH).unwrap_or_default()),
        _ => EN_CATALOG.get_or_init(|| Catalog::parse(EN).unwrap_or_default()),
    }
}

/// Returns a message of the command's catalog, falling back to the core's catalog.
pub fn text(lang: Lang, key: &str, args: &[(&str, String)]) -> String {
    if catalog(lang).get(key).is_some() {
        catalog(lang).format(key, args)
    } else {
        xuefa_core::i18n::message(lang, key, args)
    }
}

/// Returns the language asked for: `--lang` on the command line, else the locale.
pub fn detect_lang(args: &[OsString]) -> Lang {
    let mut iter = args.iter().skip(1).map(|arg| arg.to_string_lossy());
    while let Some(arg) = iter.next() {
        if arg == "--" {
            break;
        }
        let value = if arg == "--lang" {
            iter.next().map(|value| value.into_owned())
        } else {
            arg.strip_prefix("--lang=").map(str::to_owned)
        };
        if let Some(lang) = value.and_then(|value| value.parse().ok()) {
            return lang;
        }
    }
    let var = |name: &str| std::env::var(name).ok();
    Lang::from_env_values(var("LC_ALL").as_deref(), var("LC_MESSAGES").as_deref(), var("LANG").as_deref())
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
    use xuefa_core::i18n::compare_catalogs;

    #[test]
    fn both_catalogs_hold_the_same_keys() {
        let en = Catalog::parse(EN).expect("English catalog parses");
        let zh = Catalog::parse(ZH).expect("Chinese catalog parses");
        assert_eq!(compare_catalogs(&en, &zh), Vec::<String>::new());
    }

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
