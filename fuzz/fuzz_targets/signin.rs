//! Sign-in sheets: `xuefa_app::study::import_attendance` on a fresh copy of a real SQLite
//! workspace (a roster with a shared name, two sessions) for every input.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use xuefa_app::i18n::Tr;
use xuefa_app::{AppError, study};
use xuefa_core::Lang;
use xuefa_fuzz::{Office, now, render_all, split};

const NAMES: &[&str] = &["signin.csv", "signin.tsv", "signin.xlsx", "signin", "signin.txt"];

fuzz_target!(|data: &[u8]| {
    xuefa_fuzz::let_caught_panics_go();
    static OFFICE: OnceLock<Office> = OnceLock::new();
    let office = OFFICE.get_or_init(Office::new);
    let (name, options, bytes) = split(data, NAMES);
    let mut store = office.fresh();
    match study::import_attendance(&mut store, name, bytes, &options, now(), &Tr::new(Lang::Zh)) {
        Ok(imported) => render_all(&imported.warnings),
        Err(AppError::Problems(problems)) => {
            assert!(problems.iter().any(xuefa_core::Problem::is_error));
            render_all(&problems);
        }
        Err(other) => panic!("a file's content gives a store error: {other}"),
    }
});
