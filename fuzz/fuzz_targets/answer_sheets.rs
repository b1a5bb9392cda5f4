//! Scanned answer sheets (`xuefa exam grade`): `xuefa_app::grade::grade_sheets` for the
//! exam `t` on a fresh copy of a real SQLite workspace for every input.
#![no_main]

use std::sync::OnceLock;

use jiff::tz::Offset;
use libfuzzer_sys::fuzz_target;
use xuefa_app::i18n::Tr;
use xuefa_app::{AppError, grade};
use xuefa_core::Lang;
use xuefa_fuzz::{Office, now, render_all, split};

const NAMES: &[&str] = &["sheets.csv", "sheets.tsv", "sheets.xlsx", "sheets", "sheets.txt"];

fuzz_target!(|data: &[u8]| {
    xuefa_fuzz::let_caught_panics_go();
    static OFFICE: OnceLock<Office> = OnceLock::new();
    let office = OFFICE.get_or_init(Office::new);
    let (name, options, bytes) = split(data, NAMES);
    let mut store = office.fresh();
    let mut sheets = 0;
    let result = grade::grade_sheets(
        &mut store,
        "t",
        name,
        bytes,
        &options,
        now(),
        Offset::constant(8),
        &Tr::new(Lang::Zh),
        &mut |sheet| {
            sheets += 1;
            assert!(sheet.attempt >= 1 && sheet.attempt <= 2, "the blueprint allows two attempts");
        },
    );
    match result {
        Ok(summary) => {
            render_all(&summary.warnings);
            assert!(summary.passed <= sheets, "a sheet passes once it is graded");
        }
        Err(AppError::Problems(problems)) => {
            assert!(problems.iter().any(xuefa_core::Problem::is_error));
            render_all(&problems);
        }
        Err(other) => {
            let _ = other.to_string();
        }
    }
});
