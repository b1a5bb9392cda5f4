//! Output for programs and people: every listing as a table (comfy-table, lining up Chinese
//! text), JSON with stable English field names, or CSV; progress bars on stderr.

use std::io::{BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::ValueEnum;
use comfy_table::{ContentArrangement, Table, presets};
use indicatif::{ProgressBar, ProgressStyle};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet, XlsxError};
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

    /// Writes the listing in a report format; XLSX as a workbook of one sheet.
    pub fn write_report(&self, format: ReportFormat, sheet: &str, out: &mut Out) -> Result<(), CommandError> {
        match format {
            ReportFormat::Table => self.write(ListFormat::Table, out),
            ReportFormat::Json => self.write(ListFormat::Json, out),
            ReportFormat::Csv => self.write(ListFormat::Csv, out),
            ReportFormat::Md => {
                let _ = out.write_all(self.markdown().as_bytes());
            }
            ReportFormat::Xlsx => write_workbook(&[(sheet, self)], out)?,
        }
        Ok(())
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
    fn worksheet(&self, sheet: &mut Worksheet) -> Result<(), XlsxError> {
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

    /// Prints the listing on stdout in the format.
    pub fn print(&self, format: ListFormat) {
        let mut out = std::io::stdout().lock();
        // A closed pipe (`| head`) ends the output; that is not a failure of the command.
        self.write(format, &mut out);
    }

    /// Writes the listing in the format; errors are the writer's to keep (see [`Out`]).
    pub fn write(&self, format: ListFormat, out: &mut dyn Write) {
        let _ = match format {
            ListFormat::Table => writeln!(out, "{}", table(&self.labels, &self.shown)),
            ListFormat::Json => {
                writeln!(out, "{}", serde_json::to_string_pretty(&self.json).unwrap_or_default())
            }
            ListFormat::Csv => out.write_all(&csv(&self.fields, &self.raw)),
        };
    }
}

/// Where a command's data goes: stdout, or the file of `-o FILE`, written next to its final
/// place and renamed there when the command succeeds, so a failure never leaves half a file.
///
/// The first write error is kept and every later write is skipped, so a command can write
/// without checking each line; [`Out::finish`] reports it. A closed pipe on stdout
/// (`xuefa … | head`) ends the output quietly; any other failure (a full disk, `/dev/full`)
/// fails the command and leaves no file.
pub struct Out {
    sink: Sink,
    error: Option<std::io::Error>,
}

enum Sink {
    Stdout(BufWriter<std::io::Stdout>),
    File { writer: BufWriter<std::fs::File>, temporary: Temporary, path: PathBuf },
}

/// A file that is removed when dropped unless it was renamed into place first: an output
/// that was never finished (the command failed) leaves nothing behind.
struct Temporary(PathBuf);

impl Drop for Temporary {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

impl Out {
    /// Returns the output of a command: the file `output` when given, else stdout.
    pub fn open(output: Option<&Path>) -> Result<Out, CommandError> {
        let sink = match output {
            None => Sink::Stdout(BufWriter::new(std::io::stdout())),
            Some(path) => {
                let directory = match path.parent() {
                    Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
                    _ => PathBuf::from("."),
                };
                let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                let temporary = directory.join(format!(".{name}.{}.tmp", std::process::id()));
                let file = std::fs::File::create(&temporary).map_err(|e| write_failed(path, &e))?;
                Sink::File {
                    writer: BufWriter::new(file),
                    temporary: Temporary(temporary),
                    path: path.to_path_buf(),
                }
            }
        };
        Ok(Out { sink, error: None })
    }

    /// Returns whether the data would land on a terminal (binary formats refuse that).
    pub fn is_terminal(&self) -> bool {
        matches!(self.sink, Sink::Stdout(_)) && std::io::stdout().is_terminal()
    }

    /// Writes everything out: flushes stdout, or syncs the file and renames it into place.
    /// Returns the first write error, worded for the file or for standard output.
    pub fn finish(self) -> Result<(), CommandError> {
        let Out { sink, error } = self;
        match sink {
            Sink::Stdout(mut writer) => {
                let result = match error {
                    Some(error) => Err(error),
                    None => writer.flush(),
                };
                match result {
                    Ok(()) => Ok(()),
                    Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                    Err(error) => Err(CommandError::message_of(
                        "output.stdout_failed",
                        vec![("detail", crate::i18n::io_error(&error))],
                    )),
                }
            }
            Sink::File { writer, temporary, path } => {
                let result = match error {
                    Some(error) => Err(error),
                    None => writer
                        .into_inner()
                        .map_err(|e| e.into_error())
                        .and_then(|file| file.sync_all())
                        .and_then(|()| std::fs::rename(&temporary.0, &path)),
                };
                result.map_err(|error| write_failed(&path, &error))
            }
        }
    }
}

impl Write for Out {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.error.is_some() {
            return Ok(buf.len());
        }
        let result = match &mut self.sink {
            Sink::Stdout(writer) => writer.write_all(buf),
            Sink::File { writer, .. } => writer.write_all(buf),
        };
        if let Err(error) = result {
            self.error = Some(error);
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn write_failed(path: &Path, error: &std::io::Error) -> CommandError {
    CommandError::message_of(
        "report.write_failed",
        vec![("path", path.display().to_string()), ("detail", crate::i18n::io_error(error))],
    )
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

/// Writes listings as the sheets of one workbook; refuses to write it on a terminal.
pub fn write_workbook(sheets: &[(&str, &Listing)], out: &mut Out) -> Result<(), CommandError> {
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
    if out.is_terminal() {
        return Err(CommandError::message_of("report.xlsx_terminal", vec![]));
    }
    let bytes = workbook.save_to_buffer().map_err(failed)?;
    let _ = out.write_all(&bytes);
    Ok(())
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

/// Returns a progress bar on stderr, drawn only when stderr is a terminal.
pub fn progress(total: u64, message: String) -> ProgressBar {
    let bar = ProgressBar::new(total);
    if let Ok(style) = ProgressStyle::with_template("{msg} {bar:40} {pos}/{len} {eta}") {
        bar.set_style(style);
    }
    bar.set_message(message);
    bar
}
