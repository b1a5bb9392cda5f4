//! Tables of cells — a CSV file, or each sheet of a workbook — fed row by row to a sink, and
//! the search for the header row that names the columns. Question banks, rosters and the
//! other tables administrators import all come through here, so they share one notion of a
//! header, a row number and a cell.

use crate::problem::{Location, Problem, ProblemKind};

/// Rows before the header that are tolerated (a title such as `2024年学法考试题库` above it).
const HEADER_SEARCH_ROWS: usize = 10;

/// Takes the rows of one or more tables.
pub(crate) trait TableSink {
    /// Returns where problems go.
    fn problems(&mut self) -> &mut Vec<Problem>;
    /// Starts a table: the CSV file (`None`) or a workbook sheet.
    fn begin(&mut self, sheet: Option<&str>);
    /// Takes the next row of the current table.
    fn row(&mut self, location: Location, cells: &[&str]);
    /// Ends the current table, returning whether it had a header.
    fn end(&mut self) -> bool;
    /// Returns the problem of a file in which no table had a header.
    fn no_header(&self) -> ProblemKind {
        ProblemKind::NoHeader
    }
}

/// Feeds a CSV text (comma- or tab-separated, quoted fields spanning lines) to a sink.
pub(crate) fn read_csv(text: &str, file: &Location, sink: &mut dyn TableSink) {
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(sniff_delimiter(text))
        .from_reader(text.as_bytes());
    let mut record = ::csv::StringRecord::new();
    let mut any_row = false;
    // Lines are counted from byte offsets: the csv crate's own line count skips blank lines.
    let mut lines = LineCounter::new(text);
    // Where the last record starts, and whether one of its cells spans lines: a quote that is
    // never closed swallows the rest of the file into that cell.
    let mut last: Option<(u64, bool)> = None;
    sink.begin(None);
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                any_row = true;
                let line = record.position().map_or(0, |p| lines.line_at(p.byte()));
                last = Some((line, record.iter().any(|cell| cell.contains('\n'))));
                let cells: Vec<&str> = record.iter().collect();
                sink.row(file.at_line(line), &cells);
            }
            Err(error) => {
                let location =
                    error.position().map_or_else(|| file.clone(), |p| file.at_line(lines.line_at(p.byte())));
                sink.problems()
                    .push(Problem::error(location, ProblemKind::CsvSyntax { detail: error.to_string() }));
                if !matches!(error.kind(), ::csv::ErrorKind::Utf8 { .. }) {
                    break;
                }
            }
        }
    }
    let found = sink.end();
    if let Some((line, true)) = last
        && text.matches('"').count() % 2 == 1
    {
        sink.problems().push(Problem::error(file.at_line(line), ProblemKind::UnclosedQuote));
    }
    if !any_row {
        sink.problems().push(Problem::error(file.clone(), ProblemKind::EmptyFile));
    } else if !found {
        let kind = sink.no_header();
        sink.problems().push(Problem::error(file.at_line(1), kind));
    }
}

/// Turns byte offsets that only grow into 1-based line numbers.
struct LineCounter<'a> {
    bytes: &'a [u8],
    offset: usize,
    line: u64,
}

impl<'a> LineCounter<'a> {
    fn new(text: &'a str) -> Self {
        LineCounter { bytes: text.as_bytes(), offset: 0, line: 1 }
    }

    fn line_at(&mut self, offset: u64) -> u64 {
        let mut target = (offset as usize).min(self.bytes.len());
        // A record's offset can point at blank lines the reader skipped before it.
        while target < self.bytes.len() && matches!(self.bytes[target], b'\n' | b'\r') {
            target += 1;
        }
        if target < self.offset {
            // Offsets only grow while reading; start over if one does not.
            self.offset = 0;
            self.line = 1;
        }
        self.line += self.bytes[self.offset..target].iter().filter(|&&b| b == b'\n').count() as u64;
        self.offset = target;
        self.line
    }
}

/// Returns tab when the first line has more tabs than commas (Excel's "Unicode text"), else
/// a comma.
fn sniff_delimiter(text: &str) -> u8 {
    let first = text.lines().find(|line| !line.trim().is_empty()).unwrap_or_default();
    let tabs = first.matches('\t').count();
    if tabs > first.matches(',').count() { b'\t' } else { b',' }
}

/// What a header row says and how to look for it.
pub(crate) struct HeaderSpec<F: 'static> {
    /// The field a header cell names.
    pub field: fn(&str) -> Option<F>,
    /// A row naming any of these fields is the header.
    pub marks_header: &'static [F],
    /// Fields several columns may give at once (their values are joined).
    pub merges: &'static [F],
    /// Returns the problem of a header that lacks a required column.
    pub missing: fn(&[Option<F>]) -> Option<ProblemKind>,
}

/// The search for a table's header, then the map from columns to fields.
pub(crate) enum Header<F: 'static> {
    Searching {
        spec: &'static HeaderSpec<F>,
        rows_seen: usize,
    },
    Found(Vec<Option<F>>),
    /// The header itself is wrong; its rows are not read, since every one of them would
    /// repeat the header's problem.
    Bad,
    Missing,
}

impl<F: Copy + Eq + 'static> Header<F> {
    pub(crate) fn new(spec: &'static HeaderSpec<F>) -> Self {
        Header::Searching { spec, rows_seen: 0 }
    }

    /// Looks at the next row. Returns the columns when it is a data row below the header.
    pub(crate) fn step(
        &mut self,
        location: &Location,
        cells: &[&str],
        problems: &mut Vec<Problem>,
    ) -> Option<&[Option<F>]> {
        match self {
            Header::Found(columns) => Some(columns),
            Header::Searching { spec, rows_seen } => {
                let spec: &'static HeaderSpec<F> = spec;
                let is_header = cells
                    .iter()
                    .any(|cell| (spec.field)(cell).is_some_and(|field| spec.marks_header.contains(&field)));
                if is_header {
                    *self = match read_header(spec, location, cells, problems) {
                        Some(columns) => Header::Found(columns),
                        None => Header::Bad,
                    };
                } else if cells.iter().any(|cell| !cell.trim().is_empty()) {
                    *rows_seen += 1;
                    if *rows_seen >= HEADER_SEARCH_ROWS {
                        *self = Header::Missing;
                    }
                }
                None
            }
            Header::Bad | Header::Missing => None,
        }
    }

    /// Returns whether a header was found (usable or not).
    pub(crate) fn found(&self) -> bool {
        matches!(self, Header::Found(_) | Header::Bad)
    }
}

fn read_header<F: Copy + Eq>(
    spec: &HeaderSpec<F>,
    location: &Location,
    cells: &[&str],
    problems: &mut Vec<Problem>,
) -> Option<Vec<Option<F>>> {
    let mut columns: Vec<Option<F>> = Vec::with_capacity(cells.len());
    let mut unknown = Vec::new();
    let mut usable = true;
    for cell in cells {
        let cell = cell.trim();
        let field = (spec.field)(cell);
        if let Some(field) = field
            && !spec.merges.contains(&field)
            && let Some(first) = columns.iter().position(|f| *f == Some(field))
        {
            problems.push(Problem::error(
                location.clone(),
                ProblemKind::DuplicateColumn {
                    column: cell.to_owned(),
                    first: cells[first].trim().to_owned(),
                },
            ));
            usable = false;
        }
        if field.is_none() && !cell.is_empty() {
            unknown.push(cell.to_owned());
        }
        columns.push(field);
    }
    if let Some(kind) = (spec.missing)(&columns) {
        problems.push(Problem::error(location.clone(), kind));
        usable = false;
    }
    if !unknown.is_empty() {
        problems.push(Problem::warning(location.clone(), ProblemKind::UnknownColumns { columns: unknown }));
    }
    usable.then_some(columns)
}

/// Returns whether every cell of a row is blank.
pub(crate) fn blank(cells: &[&str]) -> bool {
    cells.iter().all(|cell| cell.trim().is_empty())
}
