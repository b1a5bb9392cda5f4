//! Bank files: `xuefa_core::read` under every name it dispatches on (the first byte picks
//! the name and sometimes an encoding), then the bank-level checks of `Bank::from_reports`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use xuefa_core::{Bank, Format, read};
use xuefa_fuzz::{line_bound, render_all, split};

const NAMES: &[&str] = &[
    "bank.csv",
    "bank.tsv",
    "bank.txt",
    "bank.md",
    "bank.json",
    "bank.xlsx",
    "bank",
    "bank.ods",
    "bank.xls",
    "BANK.CSV",
    "bank.text",
    "bank.xlsm",
    "bank.docx",
];

fuzz_target!(|data: &[u8]| {
    xuefa_fuzz::let_caught_panics_go();
    let (name, options, bytes) = split(data, NAMES);
    let report = read(name, bytes, &options);
    render_all(&report.problems);
    // A file gives questions or says why not.
    assert!(!report.questions.is_empty() || !report.problems.is_empty());
    // A CSV question takes at least one line.
    if Format::detect(name, bytes) == Some(Format::Csv)
        && let Ok(text) = xuefa_core::read::decode(bytes, options.encoding.as_deref())
    {
        assert!(report.questions.len() <= line_bound(&text), "{} questions", report.questions.len());
    }
    let loaded = Bank::from_reports([report]);
    render_all(&loaded.problems);
});
