//! Listings — a table as people read it (labels in their language), as programs read it
//! (English field names, raw values) and as JSON — and their renderings that every front
//! end shares: Markdown, HTML, CSV that opens safely in Excel, and XLSX as offices print it.

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet, XlsxError};
use serde_json::Value;

/// What a column holds, for spreadsheets: text, a count (`0`), a decimal such as hours or
/// a score (`0.0`), a fraction shown as a percentage (`0.0%`), or a date (`yyyy-mm-dd`).
/// Raw cells of numbers and rates are plain decimals, empty for none; dates are
/// `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Cell {
    #[default]
    Text,
    Count,
    Decimal,
    Percent,
    Date,
}

/// A listing: the table people read (headers in their language), the CSV programs read
/// (English field names, raw values) and the JSON.
#[derive(Debug, Clone)]
pub struct Listing {
    labels: Vec<String>,
    fields: Vec<String>,
    cells: Vec<Cell>,
    shown: Vec<Vec<String>>,
    raw: Vec<Vec<String>>,
    json: Value,
}

impl Listing {
    /// Returns an empty listing with these columns: (field name, label in the language).
    pub fn new(columns: Vec<(&str, String)>) -> Self {
        let (fields, labels): (Vec<String>, Vec<String>) =
            columns.into_iter().map(|(field, label)| (field.to_owned(), label)).unzip();
        let cells = vec![Cell::Text; fields.len()];
        Listing { labels, fields, cells, shown: Vec::new(), raw: Vec::new(), json: Value::Null }
    }

    /// Returns a listing whose columns are (field, label, what the cells hold).
    pub fn typed<S: AsRef<str>>(columns: Vec<(S, String, Cell)>) -> Self {
        let cells = columns.iter().map(|c| c.2).collect();
        let mut listing =
            Listing::new(columns.iter().map(|(field, label, _)| (field.as_ref(), label.clone())).collect());
        listing.cells = cells;
        listing
    }

    /// Returns the JSON form.
    pub fn json_value(&self) -> &Value {
        &self.json
    }

    /// Returns the listing as a Markdown table.
    pub fn markdown(&self) -> String {
        let escape = |text: &str| escape_markdown(text);
        let mut text =
            format!("| {} |\n", self.labels.iter().map(|l| escape(l)).collect::<Vec<_>>().join(" | "));
        let align: Vec<&str> = self
            .cells
            .iter()
            .map(|c| if matches!(c, Cell::Text | Cell::Date) { "---" } else { "---:" })
            .collect();
        text.push_str(&format!("| {} |\n", align.join(" | ")));
        for row in &self.shown {
            text.push_str(&format!(
                "| {} |\n",
                row.iter().map(|c| escape(c)).collect::<Vec<_>>().join(" | ")
            ));
        }
        text
    }

    /// Returns the listing as an HTML table (numbers aligned right).
    pub fn html(&self) -> String {
        let mut text = String::from("<table>\n<thead><tr>");
        for label in &self.labels {
            text.push_str(&format!("<th>{}</th>", escape_html(label)));
        }
        text.push_str("</tr></thead>\n<tbody>\n");
        for row in &self.shown {
            text.push_str("<tr>");
            for (c, cell) in row.iter().enumerate() {
                let class =
                    if matches!(self.cells.get(c).copied().unwrap_or_default(), Cell::Text | Cell::Date) {
                        ""
                    } else {
                        " class=\"n\""
                    };
                text.push_str(&format!("<td{class}>{}</td>", escape_html(cell)));
            }
            text.push_str("</tr>\n");
        }
        text.push_str("</tbody>\n</table>\n");
        text
    }

    /// Returns whether the listing has no rows.
    pub fn is_empty(&self) -> bool {
        self.shown.is_empty()
    }

    /// Writes the listing as a worksheet as offices print it: labels as a bold header row
    /// that stays in view and repeats on every printed page, numbers as numbers, rates as
    /// percentages, dates as dates, columns as wide as their widest cell (a Chinese
    /// character counts two), A4 landscape, every column on one page's width.
    pub(crate) fn worksheet(&self, sheet: &mut Worksheet) -> Result<(), XlsxError> {
        let bold = Format::new().set_bold().set_text_wrap();
        let percent = Format::new().set_num_format("0.0%");
        let count = Format::new().set_num_format("0");
        let decimal = Format::new().set_num_format("0.0");
        let date = Format::new().set_num_format("yyyy-mm-dd");
        let mut widths: Vec<f64> = self.labels.iter().map(|l| display_width(l)).collect();
        for (c, label) in self.labels.iter().enumerate() {
            sheet.write_string_with_format(0, c as u16, label, &bold)?;
        }
        for (r, (raw, shown)) in self.raw.iter().zip(&self.shown).enumerate() {
            let row = r as u32 + 1;
            for (c, (raw, shown)) in raw.iter().zip(shown).enumerate() {
                let col = c as u16;
                let kind = self.cells.get(c).copied().unwrap_or_default();
                let parsed_date =
                    (kind == Cell::Date).then(|| raw.parse::<jiff::civil::Date>().ok()).flatten();
                match (kind, raw.parse::<f64>()) {
                    (Cell::Count, Ok(value)) => sheet.write_number_with_format(row, col, value, &count)?,
                    (Cell::Decimal, Ok(value)) => {
                        let format = if value.fract() == 0.0 { &count } else { &decimal };
                        sheet.write_number_with_format(row, col, value, format)?
                    }
                    (Cell::Percent, Ok(value)) => {
                        sheet.write_number_with_format(row, col, value, &percent)?
                    }
                    (Cell::Date, _) if parsed_date.is_some() => {
                        let d = parsed_date.unwrap_or_default();
                        let value = ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)?;
                        sheet.write_datetime_with_format(row, col, &value, &date)?
                    }
                    (Cell::Count | Cell::Decimal | Cell::Percent, Err(_)) if raw.is_empty() => sheet,
                    _ => sheet.write_string(row, col, shown)?,
                };
                if let Some(width) = widths.get_mut(c) {
                    *width = width.max(if kind == Cell::Date { 10.0 } else { display_width(shown) });
                }
            }
        }
        for (c, width) in widths.iter().enumerate() {
            // Wide enough for the widest cell, within what a printed page can hold.
            sheet.set_column_width(c as u16, (width + 2.0).clamp(6.0, 60.0))?;
        }
        sheet.set_freeze_panes(1, 0)?;
        sheet.set_paper_size(9); // A4
        sheet.set_landscape();
        sheet.set_print_fit_to_pages(1, 0);
        sheet.set_repeat_rows(0, 0)?;
        Ok(())
    }

    /// Adds a row whose cells read the same for people and programs.
    pub fn row(&mut self, cells: Vec<String>) {
        self.shown.push(cells.clone());
        self.raw.push(cells);
    }

    /// Adds a row with cells for programs (`raw`) and for people (`shown`).
    pub fn row_shown(&mut self, raw: Vec<String>, shown: Vec<String>) {
        self.raw.push(raw);
        self.shown.push(shown);
    }

    /// Sets the JSON form.
    pub fn json(mut self, json: Value) -> Self {
        self.json = json;
        self
    }

    /// Returns the column labels, in the language the listing was made in.
    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    /// Returns the field names (English, stable) that CSV heads its columns with.
    pub fn fields(&self) -> &[String] {
        &self.fields
    }

    /// Returns the rows as people read them.
    pub fn shown_rows(&self) -> &[Vec<String>] {
        &self.shown
    }

    /// Returns the rows as programs read them.
    pub fn raw_rows(&self) -> &[Vec<String>] {
        &self.raw
    }

    /// Returns the listing as CSV: field names, then the raw rows, every cell safe to open
    /// in a spreadsheet.
    pub fn csv(&self) -> Vec<u8> {
        csv(&self.fields, &self.raw)
    }
}

/// Returns text that Markdown shows as it is: every ASCII punctuation mark that Markdown or
/// the HTML inside it could read as markup is backslash-escaped (CommonMark allows that for
/// any of them), and line breaks become spaces. A name such as `<script>` or `**x**` in the
/// data stays text.
pub fn escape_markdown(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '&' | '#' | '!' | '~' => {
                escaped.push('\\');
                escaped.push(c);
            }
            '\n' | '\r' => escaped.push(' '),
            _ => escaped.push(c),
        }
    }
    escaped
}

/// Returns how many columns a text takes in a spreadsheet or a terminal: two for a wide
/// (Chinese, full-width) character, one for the rest.
pub fn display_width(text: &str) -> f64 {
    text.chars()
        .map(|c| {
            let wide = matches!(c as u32,
                0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
                | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60
                | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD);
            if wide { 2.0 } else { 1.0 }
        })
        .sum()
}

/// Returns text with `&`, `<`, `>` and `"` escaped for HTML.
pub fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Returns listings as the sheets of one XLSX workbook. Sheet names are cut to what Excel
/// allows (31 characters, none of `[]:*?/\\`) and made unique.
///
/// # Errors
/// Returns what the spreadsheet writer could not do.
pub fn workbook(sheets: &[(&str, &Listing)]) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let mut names: Vec<String> = Vec::new();
    for (name, listing) in sheets {
        let sheet = workbook.add_worksheet();
        let base: String = name.chars().filter(|c| !"[]:*?/\\".contains(*c)).take(31).collect();
        let mut unique = base.clone();
        let mut n = 2;
        while names.iter().any(|taken| taken.to_lowercase() == unique.to_lowercase()) {
            let suffix = format!(" ({n})");
            unique =
                format!("{}{suffix}", base.chars().take(31 - suffix.chars().count()).collect::<String>());
            n += 1;
        }
        sheet.set_name(&unique)?;
        names.push(unique);
        listing.worksheet(sheet)?;
    }
    workbook.save_to_buffer()
}

/// Returns CSV text with a header row.
pub fn csv(headers: &[String], rows: &[Vec<String>]) -> Vec<u8> {
    let mut bytes = csv_row(headers.iter());
    for row in rows {
        bytes.extend(csv_row(row.iter()));
    }
    bytes
}

/// Returns one CSV record, each cell made safe to open in a spreadsheet (see
/// [`spreadsheet_safe`]).
pub fn csv_row<S: AsRef<str>>(cells: impl Iterator<Item = S>) -> Vec<u8> {
    let mut writer = ::csv::Writer::from_writer(Vec::new());
    // Writing strings to memory cannot fail.
    let _ = writer.write_record(cells.map(|cell| spreadsheet_safe(cell.as_ref()).into_owned()));
    writer.into_inner().unwrap_or_default()
}

/// Returns a cell that Excel, WPS and LibreOffice open as text, never as a formula: text
/// that starts with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`, as
/// OWASP advises against CSV injection. Numbers (`-3.5`) stay numbers.
pub fn spreadsheet_safe(cell: &str) -> std::borrow::Cow<'_, str> {
    let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && cell.trim().parse::<f64>().is_err() {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}
