//! Tables with named columns for every other import (answer sheets, sign-in sheets …): the
//! caller names its columns and their Chinese and English headers, and gets each row's cells
//! by column, with the same header search, row numbers and diagnostics as banks and rosters.

use std::collections::HashSet;

use crate::normalize::fold_width;
use crate::problem::{Location, Problem, ProblemKind};

use super::tabular::{TableSink, blank, read_csv};
use super::{Format, ReadOptions, decode};

/// A column a table may have.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// The headers that name it, in any case and width (`employee`, `工号` …).
    pub headers: &'static [&'static str],
    /// Whether a table without it is refused.
    pub required: bool,
}

/// One data row: where it is, and its cell for each column asked for (`None` when the
/// table has no such column; empty cells are empty strings).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct NamedRow {
    /// The row's location.
    pub location: Location,
    /// The cells, in the order of the columns asked for, trimmed.
    pub cells: Vec<Option<String>>,
}

/// What reading a table gave.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct NamedTable {
    /// The data rows, in file order (blank rows skipped).
    pub rows: Vec<NamedRow>,
    /// Every problem found.
    pub problems: Vec<Problem>,
}

fn key(header: &str) -> String {
    fold_width(header)
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '_' | '-' | '*'))
        .flat_map(char::to_lowercase)
        .collect()
}

struct Sink<'a> {
    columns: &'a [Column],
    table: NamedTable,
    emit: &'a mut dyn FnMut(NamedRow),
    rows: usize,
    map: Option<Vec<Option<usize>>>,
    seen_rows: usize,
    any_header: bool,
}

impl Sink<'_> {
    fn column_of(&self, header: &str) -> Option<usize> {
        let wanted = key(header);
        self.columns.iter().position(|c| c.headers.iter().any(|h| key(h) == wanted))
    }
}

impl TableSink for Sink<'_> {
    fn problems(&mut self) -> &mut Vec<Problem> {
        &mut self.table.problems
    }

    fn begin(&mut self, _sheet: Option<&str>) {
        self.map = None;
        self.seen_rows = 0;
    }

    fn row(&mut self, location: Location, cells: &[&str]) {
        if let Some(map) = &self.map {
            if blank(cells) {
                return;
            }
            let mut values: Vec<Option<String>> = vec![None; self.columns.len()];
            for (cell, column) in cells.iter().zip(map) {
                if let Some(column) = column {
                    values[*column] = Some(cell.trim().to_owned());
                }
            }
            // Columns the header has but this short row lacks are empty, not missing.
            for (index, value) in values.iter_mut().enumerate() {
                if value.is_none() && map.contains(&Some(index)) {
                    *value = Some(String::new());
                }
            }
            self.rows += 1;
            (self.emit)(NamedRow { location, cells: values });
            return;
        }
        if self.seen_rows >= 10 || blank(cells) {
            return;
        }
        self.seen_rows += 1;
        let map: Vec<Option<usize>> = cells.iter().map(|cell| self.column_of(cell)).collect();
        let found: HashSet<usize> = map.iter().flatten().copied().collect();
        let required: Vec<usize> = (0..self.columns.len()).filter(|&i| self.columns[i].required).collect();
        // A header names at least one required column (two known columns when none is
        // required); a row that does not is a title above it.
        let is_header =
            if required.is_empty() { found.len() >= 2 } else { required.iter().any(|i| found.contains(i)) };
        if !is_header {
            return;
        }
        self.any_header = true;
        let missing: Vec<String> = required
            .iter()
            .filter(|i| !found.contains(i))
            .map(|&i| self.columns[i].headers.iter().take(2).copied().collect::<Vec<_>>().join("/"))
            .collect();
        if !missing.is_empty() {
            self.table
                .problems
                .push(Problem::error(location, ProblemKind::MissingColumns { columns: missing }));
            self.seen_rows = usize::MAX;
            return;
        }
        let unknown: Vec<String> = cells
            .iter()
            .zip(&map)
            .filter(|(cell, column)| column.is_none() && !cell.trim().is_empty())
            .map(|(cell, _)| cell.trim().to_owned())
            .collect();
        if !unknown.is_empty() {
            self.table
                .problems
                .push(Problem::warning(location, ProblemKind::UnknownColumns { columns: unknown }));
        }
        self.map = Some(map);
    }

    fn end(&mut self) -> bool {
        self.map.is_some()
    }

    fn no_header(&self) -> ProblemKind {
        let columns = self
            .columns
            .iter()
            .map(|c| c.headers.iter().take(2).copied().collect::<Vec<_>>().join("/"))
            .collect();
        ProblemKind::NoTableHeader { columns }
    }
}

/// Returns the rows of a CSV or workbook table with these columns.
pub fn read_table(source: &str, bytes: &[u8], options: &ReadOptions, columns: &[Column]) -> NamedTable {
    let mut rows = Vec::new();
    let problems = read_table_each(source, bytes, options, columns, &mut |row| rows.push(row));
    NamedTable { rows, problems }
}

/// Reads a CSV or workbook table with these columns, giving each data row to `each` as it
/// is read (a sheet of millions of rows is never all in memory); returns the problems.
pub fn read_table_each(
    source: &str,
    bytes: &[u8],
    options: &ReadOptions,
    columns: &[Column],
    each: &mut dyn FnMut(NamedRow),
) -> Vec<Problem> {
    let file = Location::file(source);
    let mut sink = Sink {
        columns,
        table: NamedTable::default(),
        emit: each,
        rows: 0,
        map: None,
        seen_rows: 0,
        any_header: false,
    };
    if bytes.iter().all(u8::is_ascii_whitespace) || bytes == b"\xEF\xBB\xBF" {
        sink.table.problems.push(Problem::error(file, ProblemKind::EmptyFile));
        return sink.table.problems;
    }
    match options.format.or_else(|| Format::detect(source, bytes)) {
        #[cfg(feature = "xlsx")]
        Some(Format::Xlsx) => super::xlsx::read(bytes, &file, &mut sink),
        Some(Format::Csv) => match decode(bytes, options.encoding.as_deref()) {
            Ok(text) => read_csv(&text, &file, &mut sink),
            Err(kind) => sink.table.problems.push(Problem::error(file.clone(), kind)),
        },
        _ => sink.table.problems.push(Problem::error(file.clone(), ProblemKind::TableFormatOnly)),
    }
    if sink.any_header && sink.rows == 0 && !sink.table.problems.iter().any(Problem::is_error) {
        sink.table.problems.push(Problem::error(file, ProblemKind::NoRows));
    }
    sink.table.problems
}

#[cfg(test)]
mod tests {
    use super::*;

    const COLUMNS: &[Column] = &[
        Column { headers: &["employee", "工号"], required: true },
        Column { headers: &["number", "题号"], required: true },
        Column { headers: &["answer", "答案"], required: false },
    ];

    #[test]
    fn rows_by_named_columns_after_a_title() {
        let table = read_table(
            "s.csv",
            "答题卡\n题号,工号,备注\nQ,A001,x\n\n2,A002\n".as_bytes(),
            &ReadOptions::new(),
            COLUMNS,
        );
        assert_eq!(table.rows.len(), 2);
        assert_eq!(table.rows[0].cells, [Some("A001".to_owned()), Some("Q".to_owned()), None]);
        assert_eq!(table.rows[1].location.line, Some(5));
        assert_eq!(table.problems.len(), 1, "one warning for 备注");
        let missing = read_table("s.csv", "工号,答案\n1,A\n".as_bytes(), &ReadOptions::new(), COLUMNS);
        assert_eq!(
            missing.problems[0].kind,
            ProblemKind::MissingColumns { columns: vec!["number/题号".into()] }
        );
    }
}
