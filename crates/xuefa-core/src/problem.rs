//! Problems found in bank files: where they are, how bad they are and what they mean, in
//! words an administrator understands (see [`crate::i18n`]).

use std::fmt;
use std::sync::Arc;

use crate::i18n::{Lang, message};

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Severity {
    /// The data is usable, but someone should look at it.
    Warning,
    /// The file cannot be used until this is fixed.
    Error,
}

/// Where a problem is: the file (as the caller named it), the sheet of a workbook, and the
/// line (CSV, text and JSON: where the record starts) or row (XLSX, as Excel numbers it).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub struct Location {
    /// The name the caller gave the input, usually its path. Shared, since every question
    /// of a file carries it.
    pub source: Arc<str>,
    /// The sheet, for workbooks.
    pub sheet: Option<Arc<str>>,
    /// The line or row, counting from 1; `None` for the file as a whole.
    pub line: Option<u64>,
}

impl Location {
    /// Returns the location of a whole file.
    pub fn file(source: impl Into<Arc<str>>) -> Self {
        Location { source: source.into(), sheet: None, line: None }
    }

    /// Returns the location of a line of a text file.
    pub fn line(source: impl Into<Arc<str>>, line: u64) -> Self {
        Location { source: source.into(), sheet: None, line: Some(line) }
    }

    /// Returns the location of a row of a workbook sheet.
    pub fn row(source: impl Into<Arc<str>>, sheet: impl Into<Arc<str>>, row: u64) -> Self {
        Location { source: source.into(), sheet: Some(sheet.into()), line: Some(row) }
    }

    /// Returns the same file and sheet at another line.
    pub fn at_line(&self, line: u64) -> Self {
        Location { source: Arc::clone(&self.source), sheet: self.sheet.clone(), line: Some(line) }
    }

    /// Returns the same file and sheet, without a line.
    pub fn without_line(&self) -> Self {
        Location { source: Arc::clone(&self.source), sheet: self.sheet.clone(), line: None }
    }
}

impl fmt::Display for Location {
    /// Formats as `PATH:LINE`, `PATH:SHEET:ROW` or `PATH`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)?;
        if let Some(sheet) = &self.sheet {
            write!(f, ":{sheet}")?;
        }
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        Ok(())
    }
}

/// What is wrong. Each kind has a message in every catalog; see [`ProblemKind::message`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
#[allow(missing_docs)] // the variants are documented by their messages in the catalog
pub enum ProblemKind {
    UnreadableFile {
        detail: String,
    },
    EmptyFile,
    NoQuestions,
    BinaryFile,
    NotText {
        encoding: String,
    },
    UnknownEncoding {
        label: String,
    },
    UnknownFormat,
    UnreadableWorkbook {
        detail: String,
    },
    NoHeader,
    NoAnswerColumn,
    SheetSkipped {
        sheet: String,
    },
    UnknownColumns {
        columns: Vec<String>,
    },
    DuplicateColumn {
        column: String,
        first: String,
    },
    CsvSyntax {
        detail: String,
    },
    JsonSyntax {
        detail: String,
    },
    JsonNotArray,
    JsonNotObject,
    JsonFieldType {
        field: String,
        expected: &'static str,
    },
    JsonUnknownFields {
        fields: Vec<String>,
    },
    CellError {
        column: String,
        value: String,
    },
    EmptyStem,
    MissingAnswer,
    UnsupportedKind {
        value: String,
    },
    UnknownKind {
        value: String,
    },
    TooManyOptions,
    OptionGap {
        missing: char,
        later: char,
    },
    TooFewOptions,
    InvalidAnswer {
        value: String,
    },
    RepeatedLetter {
        letter: char,
    },
    AnswerNotInOptions {
        letter: char,
        last: char,
    },
    SingleNeedsOneAnswer {
        answer: String,
    },
    MultipleNeedsTwoAnswers {
        answer: String,
    },
    JudgeAnswer {
        value: String,
    },
    JudgeWithOptions,
    ChoiceWithJudgeAnswer {
        value: String,
    },
    InvalidDifficulty {
        value: String,
    },
    InvalidPoints {
        value: String,
    },
    EmptyId,
    DuplicateId {
        id: String,
        other: Location,
    },
    DuplicateContent {
        other: Location,
    },
    TextIgnored {
        text: String,
    },
    TextOptionBeforeStem,
    TextAnswerBeforeStem,
    NotCanonical,
    MissingColumns {
        columns: Vec<String>,
    },
    EmptyEmployeeId,
    EmptyName,
    EmptyDepartment,
    InvalidStatus {
        value: String,
    },
    InvalidDate {
        value: String,
    },
    DuplicateEmployee {
        id: String,
        other: Location,
    },
    TableFormatOnly,
    NoPeople,
    NoRows,
    /// A message already in the reader's language, from a program built on the core.
    Message {
        text: String,
    },
}

impl ProblemKind {
    /// Returns the catalog key of this kind's message.
    pub fn key(&self) -> &'static str {
        use ProblemKind::*;
        match self {
            UnreadableFile { .. } => "problem.unreadable_file",
            EmptyFile => "problem.empty_file",
            NoQuestions => "problem.no_questions",
            BinaryFile => "problem.binary_file",
            NotText { .. } => "problem.not_text",
            UnknownEncoding { .. } => "problem.unknown_encoding",
            UnknownFormat => "problem.unknown_format",
            UnreadableWorkbook { .. } => "problem.unreadable_workbook",
            NoHeader => "problem.no_header",
            NoAnswerColumn => "problem.no_answer_column",
            SheetSkipped { .. } => "problem.sheet_skipped",
            UnknownColumns { .. } => "problem.unknown_columns",
            DuplicateColumn { .. } => "problem.duplicate_column",
            CsvSyntax { .. } => "problem.csv_syntax",
            JsonSyntax { .. } => "problem.json_syntax",
            JsonNotArray => "problem.json_not_array",
            JsonNotObject => "problem.json_not_object",
            JsonFieldType { .. } => "problem.json_field_type",
            JsonUnknownFields { .. } => "problem.json_unknown_fields",
            CellError { .. } => "problem.cell_error",
            EmptyStem => "problem.empty_stem",
            MissingAnswer => "problem.missing_answer",
            UnsupportedKind { .. } => "problem.unsupported_kind",
            UnknownKind { .. } => "problem.unknown_kind",
            TooManyOptions => "problem.too_many_options",
            OptionGap { .. } => "problem.option_gap",
            TooFewOptions => "problem.too_few_options",
            InvalidAnswer { .. } => "problem.invalid_answer",
            RepeatedLetter { .. } => "problem.repeated_letter",
            AnswerNotInOptions { .. } => "problem.answer_not_in_options",
            SingleNeedsOneAnswer { .. } => "problem.single_needs_one_answer",
            MultipleNeedsTwoAnswers { .. } => "problem.multiple_needs_two_answers",
            JudgeAnswer { .. } => "problem.judge_answer",
            JudgeWithOptions => "problem.judge_with_options",
            ChoiceWithJudgeAnswer { .. } => "problem.choice_with_judge_answer",
            InvalidDifficulty { .. } => "problem.invalid_difficulty",
            InvalidPoints { .. } => "problem.invalid_points",
            EmptyId => "problem.empty_id",
            DuplicateId { .. } => "problem.duplicate_id",
            DuplicateContent { .. } => "problem.duplicate_content",
            TextIgnored { .. } => "problem.text_ignored",
            TextOptionBeforeStem => "problem.text_option_before_stem",
            TextAnswerBeforeStem => "problem.text_answer_before_stem",
            NotCanonical => "problem.not_canonical",
            MissingColumns { .. } => "problem.missing_columns",
            EmptyEmployeeId => "problem.empty_employee_id",
            EmptyName => "problem.empty_name",
            EmptyDepartment => "problem.empty_department",
            InvalidStatus { .. } => "problem.invalid_status",
            InvalidDate { .. } => "problem.invalid_date",
            DuplicateEmployee { .. } => "problem.duplicate_employee",
            TableFormatOnly => "problem.table_format_only",
            NoPeople => "problem.no_people",
            NoRows => "problem.no_rows",
            Message { .. } => "problem.message",
        }
    }

    /// Returns the message's arguments as (placeholder, value) pairs.
    fn args(&self, lang: Lang) -> Vec<(&'static str, String)> {
        use ProblemKind::*;
        let list = |items: &[String]| items.join(if lang == Lang::Zh { "、" } else { ", " });
        match self {
            NotText { encoding } => vec![("encoding", encoding.clone())],
            UnknownEncoding { label } => vec![("label", label.clone())],
            UnreadableFile { detail }
            | UnreadableWorkbook { detail }
            | CsvSyntax { detail }
            | JsonSyntax { detail } => {
                vec![("detail", detail.clone())]
            }
            SheetSkipped { sheet } => vec![("sheet", sheet.clone())],
            UnknownColumns { columns } => vec![("columns", list(columns))],
            DuplicateColumn { column, first } => {
                vec![("column", column.clone()), ("first", first.clone())]
            }
            JsonFieldType { field, expected } => {
                vec![("field", field.clone()), ("expected", (*expected).to_owned())]
            }
            JsonUnknownFields { fields } => vec![("fields", list(fields))],
            CellError { column, value } => vec![("column", column.clone()), ("value", value.clone())],
            UnsupportedKind { value } | UnknownKind { value } | InvalidAnswer { value } => {
                vec![("value", value.clone())]
            }
            JudgeAnswer { value } | ChoiceWithJudgeAnswer { value } => vec![("value", value.clone())],
            InvalidDifficulty { value } | InvalidPoints { value } => vec![("value", value.clone())],
            OptionGap { missing, later } => {
                vec![("missing", missing.to_string()), ("later", later.to_string())]
            }
            RepeatedLetter { letter } => vec![("letter", letter.to_string())],
            AnswerNotInOptions { letter, last } => {
                vec![("letter", letter.to_string()), ("last", last.to_string())]
            }
            SingleNeedsOneAnswer { answer } | MultipleNeedsTwoAnswers { answer } => {
                vec![("answer", answer.clone())]
            }
            DuplicateId { id, other } => vec![("id", id.clone()), ("other", other.to_string())],
            DuplicateContent { other } => vec![("other", other.to_string())],
            TextIgnored { text } | Message { text } => vec![("text", text.clone())],
            MissingColumns { columns } => vec![("columns", list(columns))],
            InvalidStatus { value } | InvalidDate { value } => vec![("value", value.clone())],
            DuplicateEmployee { id, other } => vec![("id", id.clone()), ("other", other.to_string())],
            EmptyFile | NoQuestions | BinaryFile | UnknownFormat | NoHeader | NoAnswerColumn
            | JsonNotArray | JsonNotObject | EmptyStem | MissingAnswer | TooManyOptions | TooFewOptions
            | JudgeWithOptions | EmptyId | TextOptionBeforeStem | TextAnswerBeforeStem | NotCanonical
            | EmptyEmployeeId | EmptyName | EmptyDepartment | TableFormatOnly | NoPeople | NoRows => {
                Vec::new()
            }
        }
    }

    /// Returns the message in the given language.
    pub fn message(&self, lang: Lang) -> String {
        message(lang, self.key(), &self.args(lang))
    }
}

/// A problem with its place and severity.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Problem {
    /// Error or warning.
    pub severity: Severity,
    /// Where it is.
    pub location: Location,
    /// What it is.
    pub kind: ProblemKind,
}

impl Problem {
    /// Returns an error at a location.
    pub fn error(location: Location, kind: ProblemKind) -> Self {
        Problem { severity: Severity::Error, location, kind }
    }

    /// Returns a warning at a location.
    pub fn warning(location: Location, kind: ProblemKind) -> Self {
        Problem { severity: Severity::Warning, location, kind }
    }

    /// Returns an error whose message is already written in the reader's language.
    pub fn error_message(location: Location, text: String) -> Self {
        Problem::error(location, ProblemKind::Message { text })
    }

    /// Returns whether this problem is an error.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Returns the message in the given language, without the location.
    pub fn message(&self, lang: Lang) -> String {
        self.kind.message(lang)
    }

    /// Returns `LOCATION: message`, the form compilers use, in the given language.
    pub fn render(&self, lang: Lang) -> String {
        let label = match self.severity {
            Severity::Error => message(lang, "severity.error", &[]),
            Severity::Warning => message(lang, "severity.warning", &[]),
        };
        format!("{}: {label}: {}", self.location, self.message(lang))
    }
}
