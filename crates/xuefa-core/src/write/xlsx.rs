//! The XLSX writer: one sheet with the same columns as the CSV writer, ids and answers as
//! text (so `001` stays `001`), difficulty and points as numbers.

use rust_xlsxwriter::{Format, Workbook, XlsxError};

use crate::i18n::Lang;
use crate::question::Question;

use super::{WriteError, columns, row_cells};

/// Returns an XLSX workbook of these questions, with headers in the given language.
///
/// # Errors
/// Returns an error when the workbook cannot be built, for example a cell longer than
/// Excel's 32,767 characters.
pub fn write_xlsx(questions: &[Question], lang: Lang) -> Result<Vec<u8>, WriteError> {
    build(questions, lang).map_err(|error| WriteError::Workbook(error.to_string()))
}

fn build(questions: &[Question], lang: Lang) -> Result<Vec<u8>, XlsxError> {
    let columns = columns(questions, lang);
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name(if lang == Lang::Zh { "题库" } else { "questions" })?;
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap();
    for (column, header) in columns.headers.iter().enumerate() {
        sheet.write_string_with_format(0, column as u16, *header, &bold)?;
    }
    let difficulty_column = columns.headers.len() - 3;
    let points_column = columns.headers.len() - 1;
    for (index, question) in questions.iter().enumerate() {
        let row = index as u32 + 1;
        for (column, cell) in row_cells(question, &columns, lang).into_iter().enumerate() {
            if cell.is_empty() {
                continue;
            }
            if (column == difficulty_column || column == points_column)
                && let Ok(number) = cell.parse::<f64>()
            {
                sheet.write_number(row, column as u16, number)?;
                continue;
            }
            if column == 2 {
                sheet.write_string_with_format(row, column as u16, cell, &wrap)?;
            } else {
                sheet.write_string(row, column as u16, cell)?;
            }
        }
    }
    sheet.set_column_width(2, 60)?;
    sheet.set_freeze_panes(1, 0)?;
    workbook.save_to_buffer()
}
