//! Rosters: `read_roster_columns` under every name (CSV, TSV, workbook, and names it
//! refuses), checked against `read_roster`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use xuefa_core::{Format, read_roster, read_roster_columns};
use xuefa_fuzz::{line_bound, render_all, split};

const NAMES: &[&str] =
    &["roster.csv", "roster.tsv", "roster.xlsx", "roster", "roster.txt", "roster.json", "roster.ods"];

fuzz_target!(|data: &[u8]| {
    xuefa_fuzz::let_caught_panics_go();
    let (name, options, bytes) = split(data, NAMES);
    let mut people = Vec::new();
    let problems = read_roster_columns(name, bytes, &options, &mut |person, location, columns| {
        people.push((person, location, columns));
    });
    render_all(&problems);
    assert!(!people.is_empty() || !problems.is_empty(), "a roster gives people or says why not");
    if Format::detect(name, bytes) == Some(Format::Csv)
        && let Ok(text) = xuefa_core::read::decode(bytes, options.encoding.as_deref())
    {
        assert!(people.len() <= line_bound(&text));
    }
    let report = read_roster(name, bytes, &options);
    assert_eq!(report.people.len(), people.len());
    assert_eq!(report.problems.len(), problems.len());
});
