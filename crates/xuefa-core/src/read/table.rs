//! Tables of cells, as CSV files and workbook sheets hold them: finding the header row,
//! mapping its columns to fields, and turning each data row into a question as it arrives,
//! so a large file is never held twice in memory.

use crate::normalize::{Field, header_field};
use crate::problem::{Location, Problem, ProblemKind};
use crate::record::RawQuestion;

use super::SourceReport;

/// Rows before the header that are tolerated (a title such as `2024年学法考试题库` above it).
const HEADER_SEARCH_ROWS: usize = 10;

/// A table being read row by row.
pub(crate) struct Table<'a> {
    kind_hint: Option<&'a str>,
    state: State,
}

enum State {
    Searching {
        rows_seen: usize,
    },
    Reading(Header),
    /// The header itself is wrong; its rows are not read, since every one of them would
    /// repeat the header's problem.
    BadHeader,
    NoHeader,
}

/// A header: which field each column gives.
struct Header {
    columns: Vec<Option<Field>>,
}

impl<'a> Table<'a> {
    pub(crate) fn new(kind_hint: Option<&'a str>) -> Self {
        Table { kind_hint, state: State::Searching { rows_seen: 0 } }
    }

    /// Takes the next row.
    pub(crate) fn row<S: AsRef<str>>(&mut self, location: Location, cells: &[S], report: &mut SourceReport) {
        match &mut self.state {
            State::Reading(header) => {
                if let Some(raw) = header.question(location, cells, self.kind_hint) {
                    report.push_raw(raw);
                }
            }
            State::Searching { rows_seen } => {
                if cells.iter().any(|cell| header_field(cell.as_ref()) == Some(Field::Stem)) {
                    self.state = match Header::read(&location, cells, report) {
                        Some(header) => State::Reading(header),
                        None => State::BadHeader,
                    };
                } else if cells.iter().any(|cell| !cell.as_ref().trim().is_empty()) {
                    *rows_seen += 1;
                    if *rows_seen >= HEADER_SEARCH_ROWS {
                        self.state = State::NoHeader;
                    }
                }
            }
            State::BadHeader | State::NoHeader => {}
        }
    }

    /// Returns whether a header was found.
    pub(crate) fn found_header(&self) -> bool {
        matches!(self.state, State::Reading(_) | State::BadHeader)
    }
}

impl Header {
    /// Returns the header of this row, reporting its problems; `None` when it cannot be used.
    fn read<S: AsRef<str>>(location: &Location, cells: &[S], report: &mut SourceReport) -> Option<Header> {
        let mut columns: Vec<Option<Field>> = Vec::with_capacity(cells.len());
        let mut unknown = Vec::new();
        let mut usable = true;
        for cell in cells {
            let cell = cell.as_ref().trim();
            let field = header_field(cell);
            if let Some(field) = field
                && !field.merges()
                && let Some(first) = columns.iter().position(|f| *f == Some(field))
            {
                report.problems.push(Problem::error(
                    location.clone(),
                    ProblemKind::DuplicateColumn {
                        column: cell.to_owned(),
                        first: cells[first].as_ref().trim().to_owned(),
                    },
                ));
                usable = false;
            }
            if field.is_none() && !cell.is_empty() {
                unknown.push(cell.to_owned());
            }
            columns.push(field);
        }
        if !columns.contains(&Some(Field::Answer)) {
            report.problems.push(Problem::error(location.clone(), ProblemKind::NoAnswerColumn));
            usable = false;
        }
        if !unknown.is_empty() {
            report
                .problems
                .push(Problem::warning(location.clone(), ProblemKind::UnknownColumns { columns: unknown }));
        }
        usable.then_some(Header { columns })
    }

    /// Returns the raw question of a data row, or `None` for a row with no content.
    fn question<S: AsRef<str>>(
        &self,
        location: Location,
        cells: &[S],
        kind_hint: Option<&str>,
    ) -> Option<RawQuestion> {
        if cells.iter().all(|cell| cell.as_ref().trim().is_empty()) {
            return None;
        }
        let mut raw =
            RawQuestion { location, kind_hint: kind_hint.map(str::to_owned), ..RawQuestion::default() };
        for (field, cell) in self.columns.iter().zip(cells) {
            let Some(field) = field else { continue };
            let cell = cell.as_ref();
            if cell.is_empty() && !matches!(field, Field::Option(_)) {
                continue;
            }
            let cell = cell.to_owned();
            match *field {
                Field::Id => raw.id = Some(cell),
                Field::Kind => raw.kind = Some(cell),
                Field::Stem => raw.stem = cell,
                Field::Option(index) => {
                    if raw.options.len() <= index {
                        raw.options.resize(index + 1, String::new());
                    }
                    raw.options[index] = cell;
                }
                Field::Answer => raw.answer = cell,
                Field::Explanation => raw.explanation.push(cell),
                Field::Law => raw.law = Some(cell),
                Field::Article => raw.article = Some(cell),
                Field::Difficulty => raw.difficulty = Some(cell),
                Field::Tags => raw.tags.push(cell),
                Field::Points => raw.points = Some(cell),
            }
        }
        Some(raw)
    }
}
