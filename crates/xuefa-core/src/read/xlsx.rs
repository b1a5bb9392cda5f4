//! The workbook reader (XLSX, XLSM, XLS, ODS through calamine): every sheet that holds
//! anything, fed to a table sink with rows numbered as Excel numbers them and numbers given
//! back as the text a person typed.

use std::io::{Cursor, Read, Seek};

use calamine::{Data, Reader, Sheets, open_workbook_auto_from_rs};

use crate::problem::{Location, Problem, ProblemKind};

use super::tabular::TableSink;

pub(crate) fn read(bytes: &[u8], file: &Location, sink: &mut dyn TableSink) {
    let opened = guarded(|| open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| e.to_string()));
    let mut workbook = match opened {
        Ok(workbook) => workbook,
        Err(detail) => {
            let kind = ProblemKind::UnreadableWorkbook { detail };
            sink.problems().push(Problem::error(file.clone(), kind));
            return;
        }
    };
    let mut any_header = false;
    let mut skipped = Vec::new();
    for sheet in workbook.sheet_names() {
        let sheet_location = Location::row(file.source.clone(), sheet.as_str(), 0).without_line();
        let cells = match guarded(|| sheet_cells(&mut workbook, &sheet)) {
            Ok(cells) => cells,
            Err(detail) => {
                let kind = ProblemKind::UnreadableWorkbook { detail };
                sink.problems().push(Problem::error(sheet_location, kind));
                continue;
            }
        };
        let (cells, far) = keep_near(cells);
        let (Some(first), Some(last)) = (cells.first(), cells.last()) else { continue };
        let (first_row, last_row) = (first.0, last.0);
        let first_column = cells.iter().map(|c| c.1).min().unwrap_or(0);
        let last_column = cells.iter().map(|c| c.1).max().unwrap_or(first_column);
        sink.begin(Some(&sheet));
        if let Some((row, column)) = far {
            let kind = ProblemKind::FarCellsIgnored {
                column: column_name(MAX_COLUMN as usize),
                cell: format!("{}{}", column_name(column as usize), u64::from(row) + 1),
            };
            sink.problems().push(Problem::warning(sheet_location.clone(), kind));
        }
        let width = (last_column - first_column + 1) as usize;
        let mut texts: Vec<String> = Vec::new();
        let mut next = 0;
        for row in first_row..=last_row {
            let location = sheet_location.at_line(u64::from(row) + 1);
            if cells.get(next).is_none_or(|c| c.0 != row) {
                // A blank row only matters while a header may still be below it (readers
                // look at the first rows for one); a sheet whose last cell is a million
                // rows down is not walked row by row.
                if row - first_row < 20 {
                    sink.row(location, &vec![""; width]);
                }
                continue;
            }
            texts.clear();
            texts.resize(width, String::new());
            while let Some((_, column, cell)) = cells.get(next).filter(|c| c.0 == row) {
                next += 1;
                let index = (column - first_column) as usize;
                match cell_text(cell) {
                    Ok(text) => texts[index] = text,
                    Err(value) => {
                        let kind = ProblemKind::CellError { column: column_name(*column as usize), value };
                        sink.problems().push(Problem::error(location.clone(), kind));
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

/// The last column read (0-based; `AMJ`, the 1,024th): wide answer sheets have a few
/// hundred columns, and a cell far past that only makes every row that wide.
const MAX_COLUMN: u32 = 1023;

/// A sheet's cells that hold something, as (row, column, value) in row and column order.
type SheetCells = Vec<(u32, u32, Data)>;

/// Returns what a call into the workbook parser returns, or when it panics, the problem's
/// detail: a workbook comes from outside, and a parser's bug in a file it cannot read must
/// not take the program down (calamine 0.38 overflows on a cell reference such as
/// `AAAAAAAA1`, a panic in a debug build).
fn guarded<T>(call: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(call))
        .unwrap_or_else(|_| Err("the workbook's parser failed on this file".to_owned()))
}

/// Returns the cells of a sheet that hold something. Workbooks that XLSX readers give
/// cell by cell are read that way, so a file with one cell at `XFD1048576` costs one cell,
/// not a range of 17 billion; the other formats come as the reader's range.
fn sheet_cells<RS: Read + Seek>(workbook: &mut Sheets<RS>, sheet: &str) -> Result<SheetCells, String> {
    let mut cells: SheetCells = Vec::new();
    if let Sheets::Xlsx(xlsx) = workbook {
        let mut reader = xlsx.worksheet_cells_reader(sheet).map_err(|e| e.to_string())?;
        while let Some(cell) = reader.next_cell().map_err(|e| e.to_string())? {
            let (row, column) = cell.get_position();
            let value = Data::from(cell.get_value().clone());
            if !matches!(value, Data::Empty) {
                cells.push((row, column, value));
            }
        }
    } else {
        let range = workbook.worksheet_range(sheet).map_err(|e| e.to_string())?;
        let start = range.start().unwrap_or_default();
        for (row, column, value) in range.used_cells() {
            if !matches!(value, Data::Empty) {
                cells.push((start.0 + row as u32, start.1 + column as u32, value.clone()));
            }
        }
    }
    // Files list cells in order; one that does not is put in order.
    if !cells.is_sorted_by_key(|c| (c.0, c.1)) {
        cells.sort_by_key(|c| (c.0, c.1));
    }
    Ok(cells)
}

/// Returns the cells up to [`MAX_COLUMN`], and the first cell past it (row, column).
fn keep_near(mut cells: SheetCells) -> (SheetCells, Option<(u32, u32)>) {
    let far = cells.iter().find(|c| c.1 > MAX_COLUMN).map(|c| (c.0, c.1));
    if far.is_some() {
        cells.retain(|c| c.1 <= MAX_COLUMN);
    }
    (cells, far)
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
