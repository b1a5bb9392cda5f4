//! What the fuzz targets share: splitting the fuzzer's bytes into a file name and a file,
//! and an office's workspace (a real SQLite store) laid anew for every input, so that an
//! input that crashes crashes again when run alone.

use std::path::PathBuf;

use xuefa_app::i18n::Tr;
use xuefa_app::{create, import, study};
use xuefa_core::{Lang, Problem, ReadOptions, Timestamp};
use xuefa_store::SqliteStore;

/// Lets a panic that the library catches go by, as it does outside the fuzzer: cargo-fuzz's
/// panic hook aborts on every panic, even one the reader catches (`xuefa_core`'s workbook
/// reader catches calamine's). A panic that escapes the target still aborts: libFuzzer's
/// wrapper aborts when the target unwinds. Every target calls this first.
pub fn let_caught_panics_go() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // Taking the hook puts the standard one back: it prints the panic and returns.
        drop(std::panic::take_hook());
    });
}

/// The time every target runs at.
pub const NOW: &str = "2026-11-20T01:00:00Z";

/// Returns [`NOW`].
pub fn now() -> Timestamp {
    // A constant that parses: checked by every run.
    NOW.parse().expect("NOW is a timestamp")
}

/// The encodings a user can name with `--encoding`, and none (detect) most often.
const ENCODINGS: [Option<&str>; 16] = [
    None,
    None,
    None,
    None,
    None,
    None,
    None,
    None,
    None,
    None,
    None,
    None,
    Some("gbk"),
    Some("utf-8"),
    Some("utf-16le"),
    Some("no-such-encoding"),
];

/// Returns the file name the first byte picks (its low four bits, among `names`), the read
/// options its high four bits pick (an encoding now and then), and the file's bytes: the
/// rest. A seed for `name.csv` starts with the index of `.csv` in `names`.
pub fn split<'a>(data: &'a [u8], names: &[&'static str]) -> (&'static str, ReadOptions, &'a [u8]) {
    let Some((&first, rest)) = data.split_first() else {
        return (names[0], ReadOptions::new(), data);
    };
    let name = names[usize::from(first & 0x0f) % names.len()];
    let options = match ENCODINGS[usize::from(first >> 4)] {
        Some(label) => ReadOptions::new().encoding(label),
        None => ReadOptions::new(),
    };
    (name, options, rest)
}

/// Renders every problem in both languages, as a front end would.
pub fn render_all(problems: &[Problem]) {
    for problem in problems {
        let zh = problem.render(Lang::Zh);
        let en = problem.render(Lang::En);
        assert!(!zh.is_empty() && !en.is_empty());
    }
}

/// Returns an upper bound of the lines of a text: every line end (`\n`, `\r`, or the
/// Unicode ones) starts one more.
pub fn line_bound(text: &str) -> usize {
    text.chars()
        .filter(|c| matches!(c, '\n' | '\r' | '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}' | '\u{2029}'))
        .count()
        + 1
}

/// The office's bank: the shipped 宪法 bank (single, multiple and judge questions).
pub const BANK: &[u8] = include_bytes!("../../question-banks/宪法.csv");

/// The roster: four people, two of them sharing a name (甲二).
pub const ROSTER: &str =
    "工号,姓名,部门,职务\nA1,甲一,局/甲科,leader\nA2,甲二,局/甲科,\nB1,乙一,局/乙科,\nB2,甲二,局/乙科,\n";

/// The annual exam's blueprint.
pub const SPEC: &str = "id = \"t\"\ntitle = \"测试\"\nyear = 2026\nduration_minutes = 30\npass_mark = 50\n\
attempts = 2\n[[sections]]\nkind = \"single\"\ncount = 3\npoints = 10\n[[sections]]\nkind = \"multiple\"\n\
count = 3\npoints = 10\n[[sections]]\nkind = \"judge\"\ncount = 4\npoints = 10\n";

/// Two study sessions the sign-in sheets can name.
pub const SESSIONS: &str =
    "编号,日期,类型,主题,学时\nS1,2026-03-01,专题讲座,宪法学习,2\nS2,2026-04-01,集中学习,民法典,1.5\n";

/// The workspace every store target starts from: a bank, a roster, the exam `t` and two
/// sessions, in a database made once per process and copied for every input.
#[derive(Debug)]
pub struct Office {
    _dir: tempfile::TempDir,
    template: PathBuf,
    work: PathBuf,
}

impl Office {
    /// Returns the office, its database made in memory-backed storage where there is some
    /// (SQLite syncs every commit).
    pub fn new() -> Office {
        let shm = std::path::Path::new("/dev/shm");
        let dir = if shm.is_dir() { tempfile::tempdir_in(shm) } else { tempfile::tempdir() }
            .expect("a temporary folder");
        let template = dir.path().join("office.db");
        let work = dir.path().join("work.db");
        {
            let mut store = SqliteStore::open(&template).expect("the office's store");
            let options = ReadOptions::new();
            let ui = Tr::new(Lang::En);
            let loaded =
                import::load_banks(&[("宪法".into(), vec![("宪法.csv".into(), BANK.to_vec())])], &options);
            import::import_banks(&mut store, &loaded, now(), &mut |_, _| {}).expect("the bank");
            import::import_roster(&mut store, "roster.csv", ROSTER.as_bytes(), &options, now(), &mut |_| {})
                .expect("the roster");
            create::create_exam(&mut store, SPEC, 7, now(), &ui).expect("the exam");
            study::import_sessions(
                &mut store,
                "sessions.csv",
                SESSIONS.as_bytes(),
                &options,
                &[],
                now(),
                &ui,
            )
            .expect("the sessions");
        }
        Office { _dir: dir, template, work }
    }

    /// Returns a store on a fresh copy of the office's database.
    pub fn fresh(&self) -> SqliteStore {
        for suffix in ["", "-wal", "-shm"] {
            let mut path = self.work.clone().into_os_string();
            path.push(suffix);
            let _ = std::fs::remove_file(path);
        }
        std::fs::copy(&self.template, &self.work).expect("a copy of the office");
        SqliteStore::open(&self.work).expect("the office's copy")
    }
}

impl Default for Office {
    fn default() -> Self {
        Office::new()
    }
}
