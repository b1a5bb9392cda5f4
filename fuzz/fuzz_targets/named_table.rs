//! Named tables (sessions, sign-in and answer sheets share this reader): `read_table`
//! and `read_table_each` under every name, which must agree.
#![no_main]

use libfuzzer_sys::fuzz_target;
use xuefa_core::read::{Column, read_table, read_table_each};
use xuefa_fuzz::{render_all, split};

const NAMES: &[&str] = &["table.csv", "table.tsv", "table.xlsx", "table", "table.txt", "table.json"];

const COLUMNS: &[Column] = &[
    Column { headers: &["id", "编号", "场次"], required: false },
    Column { headers: &["date", "日期", "时间"], required: true },
    Column { headers: &["title", "主题", "题目"], required: true },
    Column { headers: &["hours", "学时"], required: false },
    Column { headers: &["1", "第1题", "Q1"], required: false },
];

fuzz_target!(|data: &[u8]| {
    xuefa_fuzz::let_caught_panics_go();
    let (name, options, bytes) = split(data, NAMES);
    let table = read_table(name, bytes, &options, COLUMNS);
    render_all(&table.problems);
    for row in &table.rows {
        assert_eq!(row.cells.len(), COLUMNS.len(), "a row has a cell per column");
    }
    let mut rows = 0;
    let problems = read_table_each(name, bytes, &options, COLUMNS, &mut |_| rows += 1);
    assert_eq!(rows, table.rows.len());
    assert_eq!(problems.len(), table.problems.len());
});
