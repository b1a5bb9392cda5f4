//! The CSV reader: comma- or tab-separated, quoted fields that span lines, any header order.

use crate::problem::{Location, Problem, ProblemKind};

use super::SourceReport;
use super::table::Table;

pub(crate) fn read(text: &str, report: &mut SourceReport) {
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(sniff_delimiter(text))
        .from_reader(text.as_bytes());
    let file = Location::file(report.source.as_str());
    let mut table = Table::new(None);
    let mut record = ::csv::StringRecord::new();
    let mut any_row = false;
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                any_row = true;
                let line = record.position().map_or(0, ::csv::Position::line);
                let cells: Vec<&str> = record.iter().collect();
                table.row(file.at_line(line), &cells, report);
            }
            Err(error) => {
                let location = error.position().map_or_else(|| file.clone(), |p| file.at_line(p.line()));
                report
                    .problems
                    .push(Problem::error(location, ProblemKind::CsvSyntax { detail: error.to_string() }));
                if !matches!(error.kind(), ::csv::ErrorKind::Utf8 { .. }) {
                    break;
                }
            }
        }
    }
    if !any_row {
        report.problems.push(Problem::error(file, ProblemKind::EmptyFile));
    } else if !table.found_header() {
        report.problems.push(Problem::error(file.at_line(1), ProblemKind::NoHeader));
    }
}

/// Returns tab when the first line has more tabs than commas (Excel's "Unicode text"), else
/// a comma.
fn sniff_delimiter(text: &str) -> u8 {
    let first = text.lines().find(|line| !line.trim().is_empty()).unwrap_or_default();
    let tabs = first.matches('\t').count();
    if tabs > first.matches(',').count() { b'\t' } else { b',' }
}
