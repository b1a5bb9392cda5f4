//! Readers for bank files: CSV, XLSX, text pasted from Word, and canonical JSON.
//!
//! Every reader takes the bytes of one file and the name to use in messages, and returns
//! the questions it understood together with *every* problem it found, never only the first.

mod json;
mod named;
mod table;
pub(crate) mod tabular;
mod text;
#[cfg(feature = "xlsx")]
pub(crate) mod xlsx;

use std::borrow::Cow;

pub use named::{Column, NamedRow, NamedTable, read_table, read_table_each};

use encoding_rs::{Encoding, GB18030, UTF_8, UTF_16BE, UTF_16LE};

use crate::problem::{Location, Problem, ProblemKind};
use crate::question::Question;
use crate::record::RawQuestion;

/// A bank file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Format {
    /// Comma- or tab-separated values, in UTF-8, UTF-16 or GB18030/GBK.
    Csv,
    /// An Excel workbook (`.xlsx`, `.xlsm`, `.xls`) or OpenDocument spreadsheet (`.ods`).
    Xlsx,
    /// Text pasted from Word: numbered stems, `A.` options, `答案：` lines.
    Text,
    /// The canonical JSON array.
    Json,
}

impl Format {
    /// Returns the format a file name's extension names, if any.
    pub fn from_extension(name: &str) -> Option<Format> {
        let extension = name.rsplit_once('.')?.1.to_ascii_lowercase();
        match extension.as_str() {
            "csv" | "tsv" => Some(Format::Csv),
            "xlsx" | "xlsm" | "xls" | "ods" => Some(Format::Xlsx),
            "txt" | "text" | "md" => Some(Format::Text),
            "json" => Some(Format::Json),
            _ => None,
        }
    }

    /// Returns the format of a file from its name, or when the name does not tell, from its
    /// first bytes.
    pub fn detect(name: &str, bytes: &[u8]) -> Option<Format> {
        if let Some(format) = Format::from_extension(name) {
            return Some(format);
        }
        if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
            return Some(Format::Xlsx);
        }
        let start = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let first = start.iter().find(|b| !b.is_ascii_whitespace())?;
        if *first == b'[' {
            return Some(Format::Json);
        }
        let line_end = start.iter().position(|&b| b == b'\n').unwrap_or(start.len());
        let first_line = &start[..line_end];
        if first_line.contains(&b',') || first_line.contains(&b'\t') {
            Some(Format::Csv)
        } else {
            Some(Format::Text)
        }
    }
}

/// How to read a file.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct ReadOptions {
    /// The format; `None` detects it from the name and the bytes.
    pub format: Option<Format>,
    /// The text encoding (an encoding label such as `gbk` or `utf-8`); `None` detects it:
    /// a byte-order mark decides, else valid UTF-8 is UTF-8, else GB18030 (which covers GBK).
    pub encoding: Option<String>,
}

impl ReadOptions {
    /// Returns options that detect everything.
    pub fn new() -> Self {
        ReadOptions::default()
    }

    /// Returns these options with the format fixed.
    #[must_use]
    pub fn format(mut self, format: Format) -> Self {
        self.format = Some(format);
        self
    }

    /// Returns these options with the text encoding fixed.
    #[must_use]
    pub fn encoding(mut self, label: impl Into<String>) -> Self {
        self.encoding = Some(label.into());
        self
    }
}

/// What reading one file gave.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct SourceReport {
    /// The name the file was read under.
    pub source: String,
    /// The questions understood, each with where it starts.
    pub questions: Vec<(Question, Location)>,
    /// Every problem found, in file order.
    pub problems: Vec<Problem>,
    /// Every id the file gives, valid question or not, so that a bank can name both places
    /// of an id used twice even when one of them has other mistakes.
    pub(crate) given_ids: Vec<(String, Location)>,
}

impl SourceReport {
    /// Understands one raw question now, keeping the question or its problems.
    pub(crate) fn push_raw(&mut self, raw: RawQuestion) {
        let location = raw.location.clone();
        if let Some(id) = raw.id.as_deref().map(str::trim).filter(|id| !id.is_empty()) {
            self.given_ids.push((id.to_owned(), location.clone()));
        }
        if let Some(question) = crate::record::build(raw, &mut self.problems) {
            self.questions.push((question, location));
        }
    }

    /// Returns whether any problem is an error.
    pub fn has_errors(&self) -> bool {
        self.problems.iter().any(Problem::is_error)
    }
}

/// Returns the questions and problems of one bank file.
///
/// `source` is the name used in locations (usually the path); `bytes` is the whole file.
pub fn read(source: &str, bytes: &[u8], options: &ReadOptions) -> SourceReport {
    let mut report = SourceReport { source: source.to_owned(), ..SourceReport::default() };
    let file_error = |kind| Problem::error(Location::file(source), kind);
    if bytes.iter().all(u8::is_ascii_whitespace) || bytes == b"\xEF\xBB\xBF" {
        report.problems.push(file_error(ProblemKind::EmptyFile));
        return report;
    }
    let Some(format) = options.format.or_else(|| Format::detect(source, bytes)) else {
        report.problems.push(file_error(ProblemKind::UnknownFormat));
        return report;
    };
    match format {
        #[cfg(feature = "xlsx")]
        Format::Xlsx => {
            let file = Location::file(report.source.as_str());
            xlsx::read(bytes, &file, &mut table::QuestionSink::new(&mut report));
        }
        #[cfg(not(feature = "xlsx"))]
        Format::Xlsx => report.problems.push(file_error(ProblemKind::UnknownFormat)),
        Format::Csv | Format::Text | Format::Json => {
            let text = match decode(bytes, options.encoding.as_deref()) {
                Ok(text) => text,
                Err(kind) => {
                    report.problems.push(file_error(kind));
                    return report;
                }
            };
            match format {
                Format::Csv => {
                    let file = Location::file(report.source.as_str());
                    tabular::read_csv(&text, &file, &mut table::QuestionSink::new(&mut report));
                }
                Format::Text => text::read(&text, &mut report),
                _ => json::read(&text, &mut report),
            }
        }
    }
    if report.questions.is_empty() && !report.has_errors() {
        report.problems.push(file_error(ProblemKind::NoQuestions));
    }
    report.problems.sort_by_key(|p| (p.location.sheet.clone(), p.location.line.unwrap_or(0)));
    report
}

/// Returns the text of a file's bytes.
///
/// A byte-order mark decides the encoding; without one, bytes that are valid UTF-8 are
/// UTF-8 and anything else is GB18030, the superset of GBK that Chinese Excel writes.
///
/// # Errors
/// Returns the problem when the encoding label is unknown, the bytes are binary, or they
/// are not valid text in the encoding.
pub fn decode<'a>(bytes: &'a [u8], encoding: Option<&str>) -> Result<Cow<'a, str>, ProblemKind> {
    if let Some(label) = encoding {
        let Some(encoding) = Encoding::for_label(label.trim().as_bytes()) else {
            return Err(ProblemKind::UnknownEncoding { label: label.to_owned() });
        };
        return decode_as(bytes, encoding);
    }
    if let Some((encoding, _)) = Encoding::for_bom(bytes) {
        return decode_as(bytes, encoding);
    }
    if bytes.contains(&0) {
        // UTF-16 saved without a byte-order mark: ASCII characters leave every other byte 0.
        return match utf16_without_bom(bytes) {
            Some(encoding) => decode_as(bytes, encoding),
            None => Err(ProblemKind::BinaryFile),
        };
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(Cow::Borrowed(text)),
        Err(_) => decode_as(bytes, GB18030),
    }
}

/// Returns UTF-16LE or UTF-16BE when at least 40 % of the odd (or even) bytes are 0, as in
/// text whose characters are mostly ASCII (commas, digits, line ends); `None` otherwise.
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static Encoding> {
    if bytes.len() < 4 || bytes.len() % 2 == 1 {
        return None;
    }
    let pairs = bytes.len() / 2;
    let zeros = |offset: usize| bytes.iter().skip(offset).step_by(2).filter(|&&b| b == 0).count();
    let (even, odd) = (zeros(0), zeros(1));
    if odd * 10 >= pairs * 4 && even * 10 < pairs {
        Some(UTF_16LE)
    } else if even * 10 >= pairs * 4 && odd * 10 < pairs {
        Some(UTF_16BE)
    } else {
        None
    }
}

fn decode_as<'a>(bytes: &'a [u8], encoding: &'static Encoding) -> Result<Cow<'a, str>, ProblemKind> {
    let (text, had_errors) = if encoding == UTF_8 || encoding == UTF_16LE || encoding == UTF_16BE {
        let (text, _, had_errors) = encoding.decode(bytes);
        (text, had_errors)
    } else {
        encoding.decode_without_bom_handling(bytes)
    };
    if had_errors {
        return Err(ProblemKind::NotText { encoding: encoding.name().to_owned() });
    }
    if text.contains('\0') {
        return Err(ProblemKind::BinaryFile);
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_utf8_bom_gbk_and_utf16() {
        assert_eq!(decode("题干".as_bytes(), None).as_deref(), Ok("题干"));
        assert_eq!(decode(b"\xEF\xBB\xBFabc", None).as_deref(), Ok("abc"));
        let (gbk, _, _) = encoding_rs::GBK.encode("民法典第一条");
        assert_eq!(decode(&gbk, None).as_deref(), Ok("民法典第一条"));
        assert_eq!(decode(&gbk, Some("gbk")).as_deref(), Ok("民法典第一条"));
        let mut utf16 = vec![0xFF, 0xFE];
        for unit in "题,A".encode_utf16() {
            utf16.extend_from_slice(&unit.to_le_bytes());
        }
        assert_eq!(decode(&utf16, None).as_deref(), Ok("题,A"));
        assert_eq!(decode(b"a\0b", None), Err(ProblemKind::BinaryFile));
        let no_bom: Vec<u8> = "题干,答案\n1,A\n".encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert_eq!(decode(&no_bom, None).as_deref(), Ok("题干,答案\n1,A\n"), "UTF-16LE without a BOM");
        let no_bom: Vec<u8> = "题干,答案\n1,A\n".encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert_eq!(decode(&no_bom, None).as_deref(), Ok("题干,答案\n1,A\n"), "UTF-16BE without a BOM");
        assert!(matches!(decode(b"abc", Some("klingon")), Err(ProblemKind::UnknownEncoding { .. })));
        assert!(matches!(decode("题".as_bytes(), Some("ascii")), Ok(_) | Err(ProblemKind::NotText { .. })));
    }

    #[test]
    fn formats_from_names_and_bytes() {
        assert_eq!(Format::detect("a.CSV", b""), Some(Format::Csv));
        assert_eq!(Format::detect("a.xlsx", b""), Some(Format::Xlsx));
        assert_eq!(Format::detect("a", b"PK\x03\x04rest"), Some(Format::Xlsx));
        assert_eq!(Format::detect("a", b"  [ {}"), Some(Format::Json));
        assert_eq!(Format::detect("a", "题干,答案\n".as_bytes()), Some(Format::Csv));
        assert_eq!(Format::detect("a", "1. 题\nA. x".as_bytes()), Some(Format::Text));
    }
}
