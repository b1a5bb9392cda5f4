//! Languages and message catalogs.
//!
//! Every sentence a person reads comes from a catalog: one `key = text` file per language,
//! with `{name}` placeholders. The core holds the catalog of its own messages (problems in
//! bank files); programs built on the core keep theirs in the same format and read them
//! with [`Catalog::parse`].

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;

/// A language for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// Simplified Chinese.
    Zh,
}

impl Lang {
    /// Returns the language a locale name asks for: `zh_CN.UTF-8`, `zh-TW` or `zh` give
    /// Chinese, anything else (including `C` and `POSIX`) English.
    pub fn from_locale(locale: &str) -> Lang {
        let lower = locale.trim().to_ascii_lowercase();
        if lower == "zh" || lower.starts_with("zh_") || lower.starts_with("zh-") || lower.starts_with("zh.") {
            Lang::Zh
        } else {
            Lang::En
        }
    }

    /// Returns the language from locale variables as POSIX orders them: the first non-empty
    /// of `LC_ALL`, `LC_MESSAGES` and `LANG` decides. The caller passes the values, so the
    /// core never reads the environment itself.
    pub fn from_env_values(lc_all: Option<&str>, lc_messages: Option<&str>, lang: Option<&str>) -> Lang {
        [lc_all, lc_messages, lang]
            .into_iter()
            .flatten()
            .find(|value| !value.trim().is_empty())
            .map_or(Lang::En, Lang::from_locale)
    }

    /// Returns the language a locale name names, or `None` for a locale that names none:
    /// `C`, `POSIX`, `C.UTF-8` or an empty value. `zh_*` is Chinese; any other language
    /// is English, the one other language of the catalogs.
    pub fn named_by_locale(locale: &str) -> Option<Lang> {
        let lower = locale.trim().to_ascii_lowercase();
        let name = lower.split(['.', '@']).next().unwrap_or_default();
        if name.is_empty() || name == "c" || name == "posix" {
            return None;
        }
        Some(Lang::from_locale(&lower))
    }

    /// Returns the language the locale variables name, as POSIX orders them (the first
    /// non-empty of `LC_ALL`, `LC_MESSAGES` and `LANG` decides), or `None` when that one
    /// names no language (see [`Lang::named_by_locale`]).
    pub fn named_by_env_values(
        lc_all: Option<&str>,
        lc_messages: Option<&str>,
        lang: Option<&str>,
    ) -> Option<Lang> {
        [lc_all, lc_messages, lang]
            .into_iter()
            .flatten()
            .find(|value| !value.trim().is_empty())
            .and_then(Lang::named_by_locale)
    }

    /// Returns the code used on command lines: `en` or `zh`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Lang {
    type Err = String;

    /// Parses `en`, `zh` or any locale name such as `zh_CN.UTF-8` or `en_US`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let lower = s.trim().to_ascii_lowercase();
        if lower.is_empty() {
            return Err("empty language".to_owned());
        }
        if lower == "en"
            || lower.starts_with("en_")
            || lower.starts_with("en-")
            || lower == "c"
            || lower == "posix"
        {
            return Ok(Lang::En);
        }
        match Lang::from_locale(&lower) {
            Lang::Zh => Ok(Lang::Zh),
            Lang::En => Err(format!("unknown language `{s}` (use en or zh)")),
        }
    }
}

/// A parsed catalog: message keys to texts with `{name}` placeholders.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    entries: HashMap<String, String>,
}

impl Catalog {
    /// Returns the catalog in `text`: one `key = text` per line, `#` comments and blank lines
    /// ignored, `\n` in a text meaning a line break.
    ///
    /// # Errors
    /// Returns the 1-based number and content of the first line that is not `key = text`,
    /// and of a key given twice.
    pub fn parse(text: &str) -> Result<Catalog, String> {
        let mut entries = HashMap::new();
        for (index, line) in text.lines().enumerate() {
            let trimmed = line.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            let Some((key, value)) = trimmed.split_once('=') else {
                return Err(format!("line {}: expected `key = text`: {line}", index + 1));
            };
            let key = key.trim();
            if key.is_empty() || key.contains(char::is_whitespace) {
                return Err(format!("line {}: bad key: {line}", index + 1));
            }
            let value = value.trim().replace("\\n", "\n");
            if entries.insert(key.to_owned(), value).is_some() {
                return Err(format!("line {}: key `{key}` given twice", index + 1));
            }
        }
        Ok(Catalog { entries })
    }

    /// Returns the text of a key, if the catalog has it.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.entries.get(key).map(String::as_str)
    }

    /// Returns the keys, in no particular order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries.keys().map(String::as_str)
    }

    /// Returns the text of `key` with each `{name}` replaced by its argument; an unknown key
    /// comes back as the key itself, so a missing entry is visible but never fatal.
    pub fn format(&self, key: &str, args: &[(&str, String)]) -> String {
        let Some(template) = self.get(key) else {
            return key.to_owned();
        };
        fill(template, args)
    }
}

/// Returns `template` with each `{name}` replaced by the argument of that name, and each
/// plural form `{name:one|other}` by `one` when the argument is exactly `1`, else `other`
/// (English needs them; Chinese does not).
pub fn fill(template: &str, args: &[(&str, String)]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let inner = &after[..close];
                // `{count:session|sessions}`: the word for the count, singular for exactly 1.
                let (name, forms) = match inner.split_once(':') {
                    Some((name, forms)) => (name, forms.split_once('|')),
                    None => (inner, None),
                };
                match args.iter().find(|(arg, _)| *arg == name) {
                    Some((_, value)) => match forms {
                        Some((one, other)) => out.push_str(if value.trim() == "1" { one } else { other }),
                        None => out.push_str(value),
                    },
                    None => {
                        out.push('{');
                        out.push_str(inner);
                        out.push('}');
                    }
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// Returns the placeholders `{name}` a template uses, in order of first use.
pub fn placeholders(template: &str) -> Vec<&str> {
    let mut names: Vec<&str> = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else { break };
        let inner = &after[..close];
        // A plural form (`{count:hour|hours}`) names the same placeholder as `{count}`.
        let name = inner.split_once(':').map_or(inner, |(name, _)| name);
        if !names.contains(&name) {
            names.push(name);
        }
        rest = &after[close + 1..];
    }
    names
}

const EN: &str = include_str!("messages/en.txt");
const ZH: &str = include_str!("messages/zh.txt");

/// Returns the core's own catalog for a language.
pub fn core_catalog(lang: Lang) -> &'static Catalog {
    static EN_CATALOG: OnceLock<Catalog> = OnceLock::new();
    static ZH_CATALOG: OnceLock<Catalog> = OnceLock::new();
    // The catalogs are compiled in and checked by tests, so parsing cannot fail at run time;
    // an empty catalog would still show keys rather than crash.
    match lang {
        Lang::En => EN_CATALOG.get_or_init(|| Catalog::parse(EN).unwrap_or_default()),
        Lang::Zh => ZH_CATALOG.get_or_init(|| Catalog::parse(ZH).unwrap_or_default()),
    }
}

/// Returns a message of the core's catalog in a language.
pub fn message(lang: Lang, key: &str, args: &[(&str, String)]) -> String {
    core_catalog(lang).format(key, args)
}

/// Returns the keys on which two catalogs differ: those missing from either side, and those
/// whose placeholders differ. Empty when the catalogs match.
pub fn compare_catalogs(first: &Catalog, second: &Catalog) -> Vec<String> {
    let mut differences = Vec::new();
    for key in first.keys() {
        match second.get(key) {
            None => differences.push(format!("`{key}` missing from the second catalog")),
            Some(other) => {
                let mut a = placeholders(first.get(key).unwrap_or_default());
                let mut b = placeholders(other);
                a.sort_unstable();
                b.sort_unstable();
                if a != b {
                    differences.push(format!("`{key}` has placeholders {a:?} and {b:?}"));
                }
            }
        }
    }
    for key in second.keys() {
        if first.get(key).is_none() {
            differences.push(format!("`{key}` missing from the first catalog"));
        }
    }
    differences.sort();
    differences
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_core_catalogs_parse_and_hold_the_same_keys() {
        let en = Catalog::parse(EN).expect("English catalog parses");
        let zh = Catalog::parse(ZH).expect("Chinese catalog parses");
        assert_eq!(compare_catalogs(&en, &zh), Vec::<String>::new());
    }

    #[test]
    fn locale_names_choose_the_language() {
        assert_eq!(Lang::from_locale("zh_CN.UTF-8"), Lang::Zh);
        assert_eq!(Lang::from_locale("zh_TW"), Lang::Zh);
        assert_eq!(Lang::from_locale("en_US.UTF-8"), Lang::En);
        assert_eq!(Lang::from_locale("C"), Lang::En);
        assert_eq!(Lang::from_env_values(Some(""), None, Some("zh_CN.UTF-8")), Lang::Zh);
        assert_eq!(Lang::from_env_values(Some("en_US"), None, Some("zh_CN.UTF-8")), Lang::En);
        assert_eq!("zh".parse::<Lang>(), Ok(Lang::Zh));
        assert!("fr".parse::<Lang>().is_err());
    }

    #[test]
    fn locales_without_a_language_name_none() {
        for none in ["C", "POSIX", "C.UTF-8", "c.utf8", " "] {
            assert_eq!(Lang::named_by_locale(none), None, "{none}");
        }
        assert_eq!(Lang::named_by_locale("zh_CN.GB18030"), Some(Lang::Zh));
        assert_eq!(Lang::named_by_locale("de_DE.UTF-8"), Some(Lang::En));
        assert_eq!(Lang::named_by_env_values(Some("C"), None, Some("zh_CN.UTF-8")), None, "LC_ALL decides");
        assert_eq!(Lang::named_by_env_values(None, None, Some("zh_CN.UTF-8")), Some(Lang::Zh));
        assert_eq!(Lang::named_by_env_values(None, None, None), None);
    }

    #[test]
    fn fill_replaces_known_placeholders_only() {
        assert_eq!(fill("a {x} b {y} {", &[("x", "1".into())]), "a 1 b {y} {");
        assert_eq!(placeholders("{a} {b} {a}"), vec!["a", "b"]);
    }

    #[test]
    fn plural_forms_follow_the_count() {
        let template = "{n} {n:hour|hours} in {s} {s:session|sessions}";
        let filled = |n: &str, s: &str| fill(template, &[("n", n.into()), ("s", s.into())]);
        assert_eq!(filled("1", "2"), "1 hour in 2 sessions");
        assert_eq!(filled("1.5", "1"), "1.5 hours in 1 session");
        assert_eq!(filled("0", "0"), "0 hours in 0 sessions");
        assert_eq!(placeholders(template), vec!["n", "s"], "a plural form is the same placeholder");
    }

    #[test]
    fn catalog_rejects_bad_lines() {
        assert!(Catalog::parse("no equals sign").is_err());
        assert!(Catalog::parse("a = 1\na = 2").is_err());
    }
}
