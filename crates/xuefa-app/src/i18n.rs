//! The messages every front end shows, in Chinese and English: one catalog per language
//! (`messages/en.txt`, `messages/zh.txt`, with `{name}` placeholders and `{n:one|other}`
//! plural forms), falling back to the core's catalog for the problems of bank files.

use std::sync::OnceLock;

use xuefa_core::Lang;
use xuefa_core::i18n::Catalog;

const EN: &str = include_str!("messages/en.txt");
const ZH: &str = include_str!("messages/zh.txt");

/// Returns the catalog of a language.
pub fn catalog(lang: Lang) -> &'static Catalog {
    static EN_CATALOG: OnceLock<Catalog> = OnceLock::new();
    static ZH_CATALOG: OnceLock<Catalog> = OnceLock::new();
    // Compiled in and checked by tests; an empty catalog would show keys, not crash.
    match lang {
        Lang::Zh => ZH_CATALOG.get_or_init(|| Catalog::parse(ZH).unwrap_or_default()),
        _ => EN_CATALOG.get_or_init(|| Catalog::parse(EN).unwrap_or_default()),
    }
}

/// Returns a message of the catalog, falling back to the core's catalog.
pub fn text(lang: Lang, key: &str, args: &[(&str, String)]) -> String {
    if catalog(lang).get(key).is_some() {
        catalog(lang).format(key, args)
    } else {
        xuefa_core::i18n::message(lang, key, args)
    }
}

/// Returns an operating-system error in a language: "No such file or directory" is
/// "没有那个文件或文件夹" in Chinese. Errors of kinds the catalog does not name keep the
/// system's words, introduced in the language.
pub fn io_error(lang: Lang, error: &std::io::Error) -> String {
    use std::io::ErrorKind;
    let key = match error.kind() {
        ErrorKind::NotFound => "os.not_found",
        ErrorKind::PermissionDenied => "os.permission_denied",
        ErrorKind::AlreadyExists => "os.already_exists",
        ErrorKind::IsADirectory => "os.is_a_directory",
        ErrorKind::NotADirectory => "os.not_a_directory",
        ErrorKind::StorageFull => "os.storage_full",
        ErrorKind::ReadOnlyFilesystem => "os.read_only",
        ErrorKind::BrokenPipe => "os.broken_pipe",
        ErrorKind::InvalidData => "os.invalid_data",
        ErrorKind::UnexpectedEof => "os.unexpected_eof",
        ErrorKind::Interrupted => "os.interrupted",
        ErrorKind::OutOfMemory => "os.out_of_memory",
        ErrorKind::DirectoryNotEmpty => "os.directory_not_empty",
        ErrorKind::InvalidFilename => "os.invalid_filename",
        ErrorKind::ResourceBusy => "os.busy",
        _ => return text(lang, "os.other", &[("detail", error.to_string())]),
    };
    text(lang, key, &[])
}

/// Words in one language: what operations and renderers use to label what they make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tr {
    /// The language.
    pub lang: Lang,
}

impl Tr {
    /// Returns the words of a language.
    pub fn new(lang: Lang) -> Tr {
        Tr { lang }
    }

    /// Returns a catalog message.
    pub fn text(&self, key: &str, args: &[(&str, String)]) -> String {
        text(self.lang, key, args)
    }

    /// Returns a label with the space an ASCII colon needs (`Key: `, but `答案：`).
    pub fn label(&self, key: &str) -> String {
        let text = self.text(key, &[]);
        if text.ends_with(':') { format!("{text} ") } else { text }
    }

    /// Returns the separator of a list: `、` in Chinese, `, ` in English.
    pub fn list_separator(&self) -> &'static str {
        if self.lang == Lang::Zh { "、" } else { ", " }
    }

    /// Returns the separator of clauses: `；` in Chinese, `; ` in English.
    pub fn clause_separator(&self) -> &'static str {
        if self.lang == Lang::Zh { "；" } else { "; " }
    }
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
    fn chinese_addresses_the_person_as_nin() {
        let informal: Vec<&str> = ZH.lines().filter(|line| line.contains('你')).collect();
        assert_eq!(informal, Vec::<&str>::new(), "您, not 你");
    }

    #[test]
    fn plurals_and_separators_follow_the_language() {
        let en = Tr::new(Lang::En);
        assert_eq!(en.text("exam.minutes", &[("minutes", "1".into())]), "1 minute");
        assert_eq!(en.text("exam.minutes", &[("minutes", "30".into())]), "30 minutes");
        assert_eq!(Tr::new(Lang::Zh).list_separator(), "、");
        assert_eq!(en.io_error_text(), "no such file or folder");
    }

    impl Tr {
        fn io_error_text(&self) -> String {
            io_error(self.lang, &std::io::Error::from(std::io::ErrorKind::NotFound))
        }
    }
}
