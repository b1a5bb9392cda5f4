//! Writers: CSV (UTF-8 with a byte-order mark, so Chinese Excel opens it), XLSX and the
//! canonical JSON. Reading what they write gives back the same questions.

mod canonical;
#[cfg(feature = "xlsx")]
mod xlsx;

pub use canonical::CanonicalQuestion;
#[cfg(feature = "xlsx")]
pub use xlsx::write_xlsx;

use crate::i18n::Lang;
use crate::question::{Answer, Kind, LETTERS, Question};

/// An error while writing a file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WriteError {
    /// The workbook could not be built.
    #[error("cannot write the workbook: {0}")]
    Workbook(String),
    /// The CSV could not be built.
    #[error("cannot write the CSV: {0}")]
    Csv(String),
}

/// Returns the canonical JSON of these questions: a pretty-printed array, one object per
/// question with the keys `id`, `kind`, `stem`, `options`, `answer`, `explanation`, `law`,
/// `article`, `difficulty`, `tags` and `points`.
pub fn write_json(questions: &[Question]) -> String {
    let canonical: Vec<CanonicalQuestion> = questions.iter().map(CanonicalQuestion::from).collect();
    // Serialising plain strings, numbers and arrays cannot fail.
    let mut json = serde_json::to_string_pretty(&canonical).unwrap_or_else(|_| String::from("[]"));
    json.push('\n');
    json
}

/// The columns a table writer puts out, with the headers in a language.
pub(crate) struct Columns {
    pub headers: Vec<&'static str>,
    pub option_count: usize,
    pub with_version: bool,
}

pub(crate) fn columns(questions: &[Question], lang: Lang) -> Columns {
    let with_version = questions.iter().any(|q| q.law_version.is_some());
    let option_count = questions.iter().map(|q| q.options.len()).max().unwrap_or(0).max(4);
    let zh = lang == Lang::Zh;
    const OPTIONS_ZH: [&str; 8] = ["选项A", "选项B", "选项C", "选项D", "选项E", "选项F", "选项G", "选项H"];
    const OPTIONS_EN: [&str; 8] = ["A", "B", "C", "D", "E", "F", "G", "H"];
    let mut headers = if zh { vec!["题号", "题型", "题干"] } else { vec!["id", "kind", "stem"] };
    headers.extend_from_slice(&(if zh { OPTIONS_ZH } else { OPTIONS_EN })[..option_count]);
    headers.extend_from_slice(if zh {
        &["答案", "解析", "法律", "条款", "难度", "标签", "分值"]
    } else {
        &["answer", "explanation", "law", "article", "difficulty", "tags", "points"]
    });
    // A bank that names the versions of its laws keeps them; one that does not is written
    // as before.
    if with_version {
        headers.push(if zh { "法律版本" } else { "law_version" });
    }
    Columns { headers, option_count, with_version }
}

/// Returns a question's kind as a table writes it in a language.
pub(crate) fn kind_cell(kind: Kind, lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => kind.chinese(),
        _ => kind.as_str(),
    }
}

/// Returns a question's key as a table writes it: letters, or 对/错 (T/F in English).
pub(crate) fn answer_cell(answer: &Answer, lang: Lang) -> String {
    match (answer, lang) {
        (Answer::Judge(true), Lang::Zh) => "对".to_owned(),
        (Answer::Judge(false), Lang::Zh) => "错".to_owned(),
        (answer, _) => answer.canonical(),
    }
}

/// Returns points as a person writes them: `2`, `1.5`.
pub(crate) fn number_cell(number: f64) -> String {
    if number.fract() == 0.0 && number.abs() < 1e15 { format!("{number:.0}") } else { number.to_string() }
}

/// Returns the cells of one question in [`columns`] order.
pub(crate) fn row_cells(question: &Question, columns: &Columns, lang: Lang) -> Vec<String> {
    let option_count = columns.option_count;
    let mut cells =
        vec![question.id.clone(), kind_cell(question.kind, lang).to_owned(), question.stem.clone()];
    for index in 0..option_count {
        cells.push(question.options.get(index).cloned().unwrap_or_default());
    }
    cells.push(answer_cell(&question.answer, lang));
    cells.push(question.explanation.clone());
    cells.push(question.law.clone());
    cells.push(question.article.clone());
    cells.push(question.difficulty.map(|d| d.to_string()).unwrap_or_default());
    cells.push(question.tags.join(";"));
    cells.push(question.points.map(number_cell).unwrap_or_default());
    if columns.with_version {
        cells.push(question.law_version.clone().unwrap_or_default());
    }
    cells
}

/// Returns the CSV of these questions: UTF-8 with a byte-order mark, CRLF line ends and
/// headers in the given language.
///
/// # Errors
/// Returns an error only if the CSV writer fails, which writing to memory does not.
pub fn write_csv(questions: &[Question], lang: Lang) -> Result<Vec<u8>, WriteError> {
    let columns = columns(questions, lang);
    let mut writer =
        ::csv::WriterBuilder::new().terminator(::csv::Terminator::CRLF).from_writer(b"\xEF\xBB\xBF".to_vec());
    let csv_error = |error: ::csv::Error| WriteError::Csv(error.to_string());
    writer.write_record(&columns.headers).map_err(csv_error)?;
    for question in questions {
        writer.write_record(row_cells(question, &columns, lang)).map_err(csv_error)?;
    }
    writer.into_inner().map_err(|error| WriteError::Csv(error.to_string()))
}

/// Returns the letter of an option index, for writers that label options.
pub fn letter(index: usize) -> char {
    LETTERS.get(index).copied().unwrap_or('?')
}
