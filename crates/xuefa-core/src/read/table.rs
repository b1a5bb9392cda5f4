//! The question table: a bank's header (`题干`, `答案`, `选项A` …) and each data row turned
//! into a question as it arrives, so a large file is never held twice in memory.

use crate::normalize::{Field, KindValue, header_field, parse_kind};
use crate::problem::{Location, Problem, ProblemKind};
use crate::record::RawQuestion;

use super::SourceReport;
use super::tabular::{Header, HeaderSpec, TableSink, blank};

static QUESTION_HEADER: HeaderSpec<Field> = HeaderSpec {
    field: header_field,
    marks_header: &[Field::Stem],
    // Real templates carry two explanation columns (解析, 试题解析) and two tag-like ones.
    merges: &[Field::Explanation, Field::Tags],
    missing: |columns| (!columns.contains(&Some(Field::Answer))).then_some(ProblemKind::NoAnswerColumn),
};

/// Builds questions from the rows of bank tables.
pub(crate) struct QuestionSink<'a> {
    report: &'a mut SourceReport,
    header: Header<Field>,
    /// The kind a sheet named 单选题/多选题/判断题 gives.
    kind_hint: Option<String>,
}

impl<'a> QuestionSink<'a> {
    pub(crate) fn new(report: &'a mut SourceReport) -> Self {
        QuestionSink { report, header: Header::new(&QUESTION_HEADER), kind_hint: None }
    }
}

impl TableSink for QuestionSink<'_> {
    fn problems(&mut self) -> &mut Vec<Problem> {
        &mut self.report.problems
    }

    fn begin(&mut self, sheet: Option<&str>) {
        self.header = Header::new(&QUESTION_HEADER);
        self.kind_hint = sheet.filter(|name| parse_kind(name) != KindValue::Unknown).map(str::to_owned);
    }

    fn row(&mut self, location: Location, cells: &[&str]) {
        let Some(columns) = self.header.step(&location, cells, &mut self.report.problems) else { return };
        if blank(cells) {
            return;
        }
        let raw = question(columns, location, cells, self.kind_hint.as_deref());
        self.report.push_raw(raw);
    }

    fn end(&mut self) -> bool {
        self.header.found()
    }
}

/// Returns the raw question of a data row.
fn question(
    columns: &[Option<Field>],
    location: Location,
    cells: &[&str],
    kind_hint: Option<&str>,
) -> RawQuestion {
    let mut raw = RawQuestion { location, kind_hint: kind_hint.map(str::to_owned), ..RawQuestion::default() };
    for (field, cell) in columns.iter().zip(cells) {
        let Some(field) = field else { continue };
        if cell.is_empty() && !matches!(field, Field::Option(_)) {
            continue;
        }
        let cell = (*cell).to_owned();
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
            Field::LawVersion => raw.law_version = Some(cell),
            Field::Difficulty => raw.difficulty = Some(cell),
            Field::Tags => raw.tags.push(cell),
            Field::Points => raw.points = Some(cell),
        }
    }
    raw
}
