//! Study-session files: `xuefa_app::study::import_sessions` on a fresh copy of a real
//! SQLite workspace for every input.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use xuefa_app::i18n::Tr;
use xuefa_app::{AppError, study};
use xuefa_core::Lang;
use xuefa_fuzz::{Office, now, render_all, split};
use xuefa_store::StudyStore;

const NAMES: &[&str] = &["sessions.csv", "sessions.tsv", "sessions.xlsx", "sessions", "sessions.txt"];

fuzz_target!(|data: &[u8]| {
    xuefa_fuzz::let_caught_panics_go();
    static OFFICE: OnceLock<Office> = OnceLock::new();
    let office = OFFICE.get_or_init(Office::new);
    let (name, options, bytes) = split(data, NAMES);
    let mut store = office.fresh();
    let before = store.all_sessions().expect("sessions").len();
    let custom = [("moot".to_owned(), "模拟法庭".to_owned())];
    match study::import_sessions(&mut store, name, bytes, &options, &custom, now(), &Tr::new(Lang::Zh)) {
        Ok(imported) => {
            render_all(&imported.warnings);
            let after = store.all_sessions().expect("sessions").len();
            assert_eq!(after, before + imported.sessions, "every session read is recorded");
        }
        Err(AppError::Problems(problems)) => {
            render_all(&problems);
            assert_eq!(store.all_sessions().expect("sessions").len(), before, "all or nothing");
        }
        Err(other) => panic!("a file's content gives a store error: {other}"),
    }
});
