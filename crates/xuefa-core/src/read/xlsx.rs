//! The workbook reader (XLSX, XLSM, XLS, ODS through calamine): every sheet that holds
//! anything, fed to a table sink with rows numbered as Excel numbers them and numbers given
//! back as the text a person typed.

use std::io::Cursor;

use calamine::{Data, Reader, open_workbook_auto_from_rs};

use crate::problem::{Location, Problem, ProblemKind};

use super::tabular::TableSink;

pub(crate) fn read(bytes: &[u8], file: &Location, sink: &mut dyn TableSink) {
    let mut workbook = match open_workbook_auto_from_rs(Cursor::new(bytes)) {
        Ok(workbook) => workbook,
        Err(error) => {
            let kind = ProblemKind::UnreadableWorkbook { detail: error.to_string() };
            sink.problems().push(Problem::error(file.clone(), kind));
            return;
        }
    };
    let mut any_header = false;
    let mut skipped = Vec::new();
    for sheet in workbook.sheet_names() {
        let sheet_location = Location::row(file.source.clone(), sheet.as_str(), 0).without_line();
        let range = match workbook.worksheet_range(&sheet) {
            Ok(range) => range,
            Err(error) => {
                let kind = ProblemKind::UnreadableWorkbook { detail: error.to_string() };
                sink.problems().push(Problem::error(sheet_location, kind));
                continue;
            }
        };
        let Some((first_row, first_column)) = range.start() else { continue };
        if range.used_cells().all(|(_, _, cell)| matches!(cell, Data::Empty)) {
            continue;
        }
        sink.begin(Some(&sheet));
        let mut texts: Vec<String> = Vec::new();
        for (offset, cells) in range.rows().enumerate() {
            let location = sheet_location.at_line(u64::from(first_row) + offset as u64 + 1);
            texts.clear();
            for cell in cells {
                match cell_text(cell) {
                    Ok(text) => texts.push(text),
                    Err(value) => {
                        let column = column_name(texts.len() + first_column as usize);
                        let kind = ProblemKind::CellError { column, value };
                        sink.problems().push(Problem::error(location.clone(), kind));
                        texts.push(String::new());
                    }
                }
            }
            let cells: Vec<&str> = texts.iter().map(String::as_str).collect();
            sink.row(location, &cells);
        }
        if sink.end() {
            any_header = true;
        } else {
            skipped.push((sheet_location, sheet.clone()));
        }
    }
    if any_header {
        for (location, sheet) in skipped {
            sink.problems().push(Problem::warning(location, ProblemKind::SheetSkipped { sheet }));
        }
    } else {
        let kind = sink.no_header();
        sink.problems().push(Problem::error(file.clone(), kind));
    }
}

/// Returns a cell as the text a person typed: `1`, not `1.0`; an Excel error as `Err`.
fn cell_text(cell: &Data) -> Result<String, String> {
    Ok(match cell {
        Data::Empty => String::new(),
        Data::String(text) => text.clone(),
        Data::Int(number) => number.to_string(),
        Data::Float(number) => format_number(*number),
        Data::Bool(true) => "TRUE".to_owned(),
        Data::Bool(false) => "FALSE".to_owned(),
        Data::DateTime(value) => match value.as_datetime() {
            Some(datetime) => {
                let text = datetime.to_string();
                text.strip_suffix(" 00:00:00").map_or(text.clone(), str::to_owned)
            }
            None => format_number(value.as_f64()),
        },
        Data::DateTimeIso(text) | Data::DurationIso(text) => text.clone(),
        Data::Error(error) => return Err(format!("{error:?}")),
    })
}

/// Returns a number as Excel shows it in a general cell: whole numbers without `.0`.
pub(crate) fn format_number(number: f64) -> String {
    if number.fract() == 0.0 && number.abs() < 1e15 { format!("{number:.0}") } else { number.to_string() }
}

/// Returns the Excel name of a zero-based column index (0 → A, 26 → AA).
fn column_name(index: usize) -> String {
    let mut name = Vec::new();
    let mut n = index + 1;
    while n > 0 {
        let rem = (n - 1) % 26;
        name.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    name.reverse();
    String::from_utf8(name).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_typed() {
        assert_eq!(format_number(1.0), "1");
        assert_eq!(format_number(20230001.0), "20230001");
        assert_eq!(format_number(2.5), "2.5");
        assert_eq!(column_name(0), "A");
        assert_eq!(column_name(27), "AB");
    }
}
