//! Workbooks, the readers' largest surface (zip, XML, shared strings, dates): the same
//! bytes read as a bank, a roster and a sign-in sheet's named table.
#![no_main]

use libfuzzer_sys::fuzz_target;
use xuefa_core::read::{Column, read_table};
use xuefa_core::{Format, ReadOptions, read, read_roster};
use xuefa_fuzz::render_all;

const COLUMNS: &[Column] = &[
    Column { headers: &["session", "场次", "编号"], required: false },
    Column { headers: &["date", "日期"], required: false },
    Column { headers: &["name", "姓名"], required: true },
    Column { headers: &["hours", "学时"], required: false },
];

fuzz_target!(|data: &[u8]| {
    xuefa_fuzz::let_caught_panics_go();
    let options = ReadOptions::new().format(Format::Xlsx);
    let report = read("bank.xlsx", data, &options);
    render_all(&report.problems);
    assert!(!report.questions.is_empty() || !report.problems.is_empty());
    let roster = read_roster("roster.xlsx", data, &options);
    render_all(&roster.problems);
    assert!(!roster.people.is_empty() || !roster.problems.is_empty());
    let table = read_table("signin.xlsx", data, &options, COLUMNS);
    render_all(&table.problems);
    for row in &table.rows {
        assert_eq!(row.cells.len(), COLUMNS.len());
    }
});
