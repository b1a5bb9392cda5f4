//! Output for programs and people: every listing as a table (comfy-table, lining up Chinese
//! text), JSON with stable English field names, or CSV; progress bars on stderr.

use std::io::{IsTerminal, Write};
use std::path::Path;

use clap::ValueEnum;
use comfy_table::{ContentArrangement, Table, presets};
use indicatif::{ProgressBar, ProgressStyle};
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};
use serde_json::Value;

use crate::error::CommandError;

/// How a listing is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ListFormat {
    #[default]
    Table,
    Json,
    Csv,
}

/// How a report is printed: the listing formats, Markdown for documents, XLSX for Excel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ReportFormat {
    #[default]
    Table,
    Json,
    Csv,
    Md,
    Xlsx,
}

/// What a column holds, for spreadsheets: text, a number, or a fraction shown as a
/// percentage. Raw cells of numbers and rates are plain decimals, empty for none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Cell {
    #[default]
    Text,
    Number,
    Percent,
}

/// A listing: the table people read (headers in their language), the CSV programs read
/// (English field names, raw values) and the JSON.
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

    /// Prints the listing in a report format; XLSX goes to `output` or, when stdout is
    /// not a terminal, to stdout.
    pub fn print_report(
        &self,
        format: ReportFormat,
        sheet: &str,
        output: Option<&Path>,
    ) -> Result<(), CommandError> {
        match format {
            ReportFormat::Table => self.print(ListFormat::Table),
            ReportFormat::Json => self.print(ListFormat::Json),
            ReportFormat::Csv => self.print(ListFormat::Csv),
            ReportFormat::Md => {
                let mut out = std::io::stdout().lock();
                let _ = out.write_all(self.markdown().as_bytes());
            }
            ReportFormat::Xlsx => write_workbook(&[(sheet, self)], output)?,
        }
        Ok(())
    }

    /// Returns the listing as a Markdown table.
    pub fn markdown(&self) -> String {
        let escape = |text: &str| text.replace('|', "\\|").replace('\n', " ");
        let mut text =
            format!("| {} |\n", self.labels.iter().map(|l| escape(l)).collect::<Vec<_>>().join(" | "));
        let align: Vec<&str> =
            self.cells.iter().map(|c| if *c == Cell::Text { "---" } else { "---:" }).collect();
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
                let class = if self.cells.get(c).copied().unwrap_or_default() == Cell::Text {
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

    /// Writes the listing as a worksheet: labels as headers, numbers as numbers, rates as
    /// percentages.
    fn worksheet(&self, sheet: &mut Worksheet) -> Result<(), XlsxError> {
        let bold = Format::new().set_bold();
        let percent = Format::new().set_num_format("0.0%");
        let number = Format::new().set_num_format("0.##");
        for (c, label) in self.labels.iter().enumerate() {
            sheet.write_string_with_format(0, c as u16, label, &bold)?;
            let width = label.chars().map(|ch| if ch.is_ascii() { 1.0 } else { 2.0 }).sum::<f64>();
            sheet.set_column_width(c as u16, width.max(8.0) + 2.0)?;
        }
        for (r, (raw, shown)) in self.raw.iter().zip(&self.shown).enumerate() {
            let row = r as u32 + 1;
            for (c, (raw, shown)) in raw.iter().zip(shown).enumerate() {
                let col = c as u16;
                match (self.cells.get(c).copied().unwrap_or_default(), raw.parse::<f64>()) {
                    (Cell::Number, Ok(value)) => sheet.write_number_with_format(row, col, value, &number)?,
                    (Cell::Percent, Ok(value)) => {
                        sheet.write_number_with_format(row, col, value, &percent)?
                    }
                    (Cell::Number | Cell::Percent, Err(_)) => sheet,
                    (Cell::Text, _) => sheet.write_string(row, col, shown)?,
                };
            }
        }
        sheet.set_freeze_panes(1, 0)?;
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

    /// Prints the listing on stdout in the format.
    pub fn print(&self, format: ListFormat) {
        let mut out = std::io::stdout().lock();
        // A closed pipe (`| head`) ends the output; that is not a failure of the command.
        let _ = match format {
            ListFormat::Table => writeln!(out, "{}", table(&self.labels, &self.shown)),
            ListFormat::Json => {
                writeln!(out, "{}", serde_json::to_string_pretty(&self.json).unwrap_or_default())
            }
            ListFormat::Csv => out.write_all(&csv(&self.fields, &self.raw)),
        };
    }
}

/// Returns text with `&`, `<`, `>` and `"` escaped for HTML.
pub fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Writes listings as the sheets of one workbook, to `output` or to stdout when it is not
/// a terminal.
pub fn write_workbook(sheets: &[(&str, &Listing)], output: Option<&Path>) -> Result<(), CommandError> {
    let failed =
        |e: XlsxError| CommandError::message_of("report.xlsx_failed", vec![("detail", e.to_string())]);
    let mut workbook = Workbook::new();
    for (name, listing) in sheets {
        let sheet = workbook.add_worksheet();
        // Excel allows 31 characters and none of []:*?/\ in a sheet name.
        let name: String = name.chars().filter(|c| !"[]:*?/\\".contains(*c)).take(31).collect();
        sheet.set_name(&name).map_err(failed)?;
        listing.worksheet(sheet).map_err(failed)?;
    }
    let bytes = workbook.save_to_buffer().map_err(failed)?;
    match output {
        Some(path) => std::fs::write(path, bytes).map_err(|e| {
            CommandError::message_of(
                "report.write_failed",
                vec![("path", path.display().to_string()), ("detail", e.to_string())],
            )
        }),
        None if std::io::stdout().is_terminal() => {
            Err(CommandError::message_of("report.xlsx_terminal", vec![]))
        }
        None => {
            let _ = std::io::stdout().lock().write_all(&bytes);
            Ok(())
        }
    }
}

/// Returns a table for a terminal or a pipe.
pub fn table(headers: &[String], rows: &[Vec<String>]) -> Table {
    let mut table = Table::new();
    table.load_preset(presets::UTF8_FULL_CONDENSED);
    if std::io::stdout().is_terminal() {
        table.set_content_arrangement(ContentArrangement::Dynamic);
    }
    table.set_header(headers);
    for row in rows {
        table.add_row(row);
    }
    table
}

/// Returns CSV text with a header row.
pub fn csv(headers: &[String], rows: &[Vec<String>]) -> Vec<u8> {
    let mut writer = ::csv::Writer::from_writer(Vec::new());
    // Writing strings to memory cannot fail.
    let _ = writer.write_record(headers);
    for row in rows {
        let _ = writer.write_record(row);
    }
    writer.into_inner().unwrap_or_default()
}

/// Returns a progress bar on stderr, drawn only when stderr is a terminal.
pub fn progress(total: u64, message: String) -> ProgressBar {
    let bar = ProgressBar::new(total);
    if let Ok(style) = ProgressStyle::with_template("{msg} {bar:40} {pos}/{len} {eta}") {
        bar.set_style(style);
    }
    bar.set_message(message);
    bar
}
