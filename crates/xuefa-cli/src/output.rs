//! Output for programs and people: every listing as a table (comfy-table, lining up Chinese
//! text), JSON with stable English field names, or CSV; progress bars on stderr.

use std::io::{IsTerminal, Write};

use clap::ValueEnum;
use comfy_table::{ContentArrangement, Table, presets};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::Value;

/// How a listing is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ListFormat {
    #[default]
    Table,
    Json,
    Csv,
}

/// A listing: the table people read (headers in their language), the CSV programs read
/// (English field names, raw values) and the JSON.
pub struct Listing {
    labels: Vec<String>,
    fields: Vec<String>,
    shown: Vec<Vec<String>>,
    raw: Vec<Vec<String>>,
    json: Value,
}

impl Listing {
    /// Returns an empty listing with these columns: (field name, label in the language).
    pub fn new(columns: Vec<(&str, String)>) -> Self {
        let (fields, labels) = columns.into_iter().map(|(field, label)| (field.to_owned(), label)).unzip();
        Listing { labels, fields, shown: Vec::new(), raw: Vec::new(), json: Value::Null }
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
