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

/// What is wrong. Each kind has a message in every catalog (see [`ProblemKind::message`]);
/// the variant docs below are the English messages, with their placeholders in backticks.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ProblemKind {
    /// Cannot read the file: `detail`.
    UnreadableFile {
        /// What went wrong, in the words of the library that found it.
        detail: String,
    },
    /// The file is empty.
    EmptyFile,
    /// The file holds no questions.
    NoQuestions,
    /// This is not a question bank: the file holds binary data (is it a picture, a PDF or a Word .docx? save the questions as CSV, XLSX or plain text).
    BinaryFile,
    /// The file is not readable as `encoding` text; save it again as UTF-8 CSV, or name its encoding with --encoding.
    NotText {
        /// The encoding the bytes were read as.
        encoding: String,
    },
    /// Unknown encoding `label` (try utf-8, gb18030, gbk or utf-16le).
    UnknownEncoding {
        /// The label as given.
        label: String,
    },
    /// Cannot tell what kind of file this is; name it .csv, .xlsx, .txt or .json.
    UnknownFormat,
    /// The workbook cannot be opened: `detail`.
    UnreadableWorkbook {
        /// What went wrong, in the words of the library that found it.
        detail: String,
    },
    /// No header row found: the first rows must name the columns, with at least a stem column (题干 or stem) and an answer column (答案 or answer).
    NoHeader,
    /// The header has no answer column (答案, 正确答案 or answer).
    NoAnswerColumn,
    /// Sheet ``sheet`` has no question header and was skipped.
    SheetSkipped {
        /// The sheet.
        sheet: String,
    },
    /// These columns are not used and were ignored: `columns`.
    UnknownColumns {
        /// The columns.
        columns: Vec<String>,
    },
    /// Column ``column`` gives the same information as column ``first``; keep only one of them.
    DuplicateColumn {
        /// The column.
        column: String,
        /// The column that gives it first.
        first: String,
    },
    /// The CSV is malformed here: `detail`.
    CsvSyntax {
        /// What went wrong, in the words of the library that found it.
        detail: String,
    },
    /// The JSON is malformed: `detail`.
    JsonSyntax {
        /// What went wrong, in the words of the library that found it.
        detail: String,
    },
    /// The JSON must be an array of questions: [ {..}, {..} ].
    JsonNotArray,
    /// Each question in the JSON array must be an object { .. }.
    JsonNotObject,
    /// Field ``field`` must be `expected`.
    JsonFieldType {
        /// The field.
        field: String,
        /// What the field must be.
        expected: &'static str,
    },
    /// These fields are not used and were ignored: `fields`.
    JsonUnknownFields {
        /// The fields.
        fields: Vec<String>,
    },
    /// Cells past column ``column`` are ignored, the first at ``cell``: no bank, roster or sheet xuefa reads needs that many columns.
    FarCellsIgnored {
        /// The last column read, as Excel names it.
        column: String,
        /// The first cell past it, such as `XFD1048576`.
        cell: String,
    },
    /// Cell in column ``column`` holds the Excel error `value`.
    CellError {
        /// The column.
        column: String,
        /// The value as written.
        value: String,
    },
    /// The question has no stem (题干).
    EmptyStem,
    /// The question has no answer.
    MissingAnswer,
    /// Question type ``value`` is not supported yet; only single choice (单选), multiple choice (多选) and true/false (判断) questions can be used. Remove this question or change its type.
    UnsupportedKind {
        /// The value as written.
        value: String,
    },
    /// Unknown question type ``value``; use single/单选, multiple/多选 or judge/判断.
    UnknownKind {
        /// The value as written.
        value: String,
    },
    /// A question can have at most 8 options (A–H).
    TooManyOptions,
    /// Option `missing` is empty but option `later` is filled; options must follow each other without gaps.
    OptionGap {
        /// The letter of the empty option.
        missing: char,
        /// The letter of a filled option after it.
        later: char,
    },
    /// A choice question needs at least two options.
    TooFewOptions,
    /// The answer ``value`` is not option letters (such as B or ACD) nor true/false (对/错).
    InvalidAnswer {
        /// The value as written.
        value: String,
    },
    /// The answer lists option `letter` more than once.
    RepeatedLetter {
        /// The letter.
        letter: char,
    },
    /// The answer names option `letter`, but the question's options end at `last`.
    AnswerNotInOptions {
        /// The letter.
        letter: char,
        /// The letter of the last option.
        last: char,
    },
    /// A single-choice (单选) question has exactly one answer, but the answer is `answer`; if several options are right, make it a multiple-choice (多选) question.
    SingleNeedsOneAnswer {
        /// The answer as understood.
        answer: String,
    },
    /// A multiple-choice (多选) question needs at least two correct options, but the answer is `answer`.
    MultipleNeedsTwoAnswers {
        /// The answer as understood.
        answer: String,
    },
    /// The answer ``value`` of a true/false (判断) question must be true or false: 对/错, 正确/错误, √/×, T/F.
    JudgeAnswer {
        /// The value as written.
        value: String,
    },
    /// A true/false (判断) question has no options other than 正确/错误; leave the option columns empty.
    JudgeWithOptions,
    /// The answer ``value`` is true/false, but the question has options; give option letters, or make it a true/false (判断) question.
    ChoiceWithJudgeAnswer {
        /// The value as written.
        value: String,
    },
    /// Difficulty ``value`` must be 1 to 5, or 易, 较易, 中, 较难, 难.
    InvalidDifficulty {
        /// The value as written.
        value: String,
    },
    /// The law's version ``value`` must be the date of the law's text the question follows, such as 2023-03-13.
    InvalidLawVersion {
        /// The value as written.
        value: String,
    },
    /// Points ``value`` must be a positive number.
    InvalidPoints {
        /// The value as written.
        value: String,
    },
    /// The question has an empty id.
    EmptyId,
    /// Id ``id`` is also used at `other`; every question needs its own id.
    DuplicateId {
        /// The id.
        id: String,
        /// Where it is used first.
        other: Location,
    },
    /// The same question (stem, options and answer) is also at `other`.
    DuplicateContent {
        /// Where it is used first.
        other: Location,
    },
    /// This text is not part of a question and was ignored: `text`.
    TextIgnored {
        /// The text.
        text: String,
    },
    /// An option line comes before any question stem.
    TextOptionBeforeStem,
    /// An answer line comes before any question stem.
    TextAnswerBeforeStem,
    /// The question is not in the form banks store it: remove spaces around the stem and options and option markers such as "A." inside options, and give a 正确/错误 pair as a true/false question.
    NotCanonical,
    /// The header lacks these columns: `columns`.
    MissingColumns {
        /// The columns.
        columns: Vec<String>,
    },
    /// The row has no employee id (工号).
    EmptyEmployeeId,
    /// The row has no name (姓名).
    EmptyName,
    /// The row has no department (部门).
    EmptyDepartment,
    /// Status ``value`` must be active/在职, exempt/免考 or left/离职.
    InvalidStatus {
        /// The value as written.
        value: String,
    },
    /// The leaving date ``left`` is before the joining date ``joined``.
    InvalidDateOrder {
        /// The joining date.
        joined: String,
        /// The leaving date.
        left: String,
    },
    /// Employee id ``value`` holds characters that cannot be seen (a zero-width space, a control character): retype it.
    InvisibleCharacters {
        /// The id as written, with the characters shown as `\u{…}`.
        value: String,
    },
    /// The row has ``count`` cells past the last column of the header; they are ignored.
    ExtraCells {
        /// How many.
        count: usize,
    },
    /// ``value`` is not a date; write it as 2024-03-01.
    InvalidDate {
        /// The value as written.
        value: String,
    },
    /// Employee id ``id`` is also used at `other`; every person needs their own id.
    DuplicateEmployee {
        /// The id.
        id: String,
        /// Where it is used first.
        other: Location,
    },
    /// This file must be a table: CSV or XLSX.
    TableFormatOnly,
    /// The file holds nobody.
    NoPeople,
    /// The table has a header but no rows.
    NoRows,
    /// No header row found: the first rows must name the columns (`columns`).
    NoTableHeader {
        /// The columns.
        columns: Vec<String>,
    },
    /// A quoted cell that starts on this line is never closed, so the rest of the file was read as one cell; close the quote (") or remove it.
    UnclosedQuote,
    /// A message already in the reader's language, from a program built on the core.
    Message {
        /// The text.
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
            FarCellsIgnored { .. } => "problem.far_cells_ignored",
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
            InvalidLawVersion { .. } => "problem.invalid_law_version",
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
            InvalidDateOrder { .. } => "problem.invalid_date_order",
            InvisibleCharacters { .. } => "problem.invisible_characters",
            ExtraCells { .. } => "problem.extra_cells",
            DuplicateEmployee { .. } => "problem.duplicate_employee",
            TableFormatOnly => "problem.table_format_only",
            NoPeople => "problem.no_people",
            NoRows => "problem.no_rows",
            NoTableHeader { .. } => "problem.no_table_header",
            UnclosedQuote => "problem.unclosed_quote",
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
            FarCellsIgnored { column, cell } => vec![("column", column.clone()), ("cell", cell.clone())],
            UnsupportedKind { value } | UnknownKind { value } | InvalidAnswer { value } => {
                vec![("value", value.clone())]
            }
            JudgeAnswer { value } | ChoiceWithJudgeAnswer { value } => vec![("value", value.clone())],
            InvalidDifficulty { value } | InvalidPoints { value } | InvalidLawVersion { value } => {
                vec![("value", value.clone())]
            }
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
            MissingColumns { columns } | NoTableHeader { columns } => vec![("columns", list(columns))],
            InvalidStatus { value } | InvalidDate { value } | InvisibleCharacters { value } => {
                vec![("value", value.clone())]
            }
            InvalidDateOrder { joined, left } => vec![("joined", joined.clone()), ("left", left.clone())],
            ExtraCells { count } => vec![("count", count.to_string())],
            DuplicateEmployee { id, other } => vec![("id", id.clone()), ("other", other.to_string())],
            EmptyFile | NoQuestions | BinaryFile | UnknownFormat | NoHeader | NoAnswerColumn
            | JsonNotArray | JsonNotObject | EmptyStem | MissingAnswer | TooManyOptions | TooFewOptions
            | JudgeWithOptions | EmptyId | TextOptionBeforeStem | TextAnswerBeforeStem | NotCanonical
            | EmptyEmployeeId | EmptyName | EmptyDepartment | TableFormatOnly | NoPeople | NoRows
            | UnclosedQuote => Vec::new(),
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
