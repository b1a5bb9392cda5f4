//! The canonical JSON reader: an array of question objects. Problems name the line where
//! each object starts, which serde_json alone does not give, so the array is first split
//! into its objects by a small scanner.

use serde_json::Value;

use crate::normalize::Field;
use crate::problem::{Location, Problem, ProblemKind};
use crate::record::RawQuestion;

use super::SourceReport;

pub(crate) fn read(text: &str, report: &mut SourceReport) {
    let file = Location::file(report.source.as_str());
    let text = text.trim_start_matches('\u{feff}');
    // Check the syntax of the whole document first: its error names line and column.
    if let Err(error) = serde_json::from_str::<serde::de::IgnoredAny>(text) {
        let location = file.at_line(error.line() as u64);
        report.problems.push(Problem::error(location, ProblemKind::JsonSyntax { detail: error.to_string() }));
        return;
    }
    let Some(elements) = split_array(text) else {
        report.problems.push(Problem::error(file.clone(), ProblemKind::JsonNotArray));
        return;
    };
    let mut unknown: Vec<String> = Vec::new();
    let mut first_unknown = None;
    for (line, element) in elements {
        let location = file.at_line(line);
        let value: Value = match serde_json::from_str(element) {
            Ok(value) => value,
            Err(error) => {
                report
                    .problems
                    .push(Problem::error(location, ProblemKind::JsonSyntax { detail: error.to_string() }));
                continue;
            }
        };
        let Value::Object(object) = value else {
            report.problems.push(Problem::error(location, ProblemKind::JsonNotObject));
            continue;
        };
        let mut raw = RawQuestion { location: location.clone(), ..RawQuestion::default() };
        let mut type_error = |field: &str, expected: &'static str| {
            report.problems.push(Problem::error(
                location.clone(),
                ProblemKind::JsonFieldType { field: field.to_owned(), expected },
            ));
        };
        for (key, value) in object {
            let field = match key.as_str() {
                "id" => Field::Id,
                "kind" => Field::Kind,
                "stem" => Field::Stem,
                "options" => {
                    match string_list(&value) {
                        Some(options) => raw.options = options,
                        None => type_error("options", "an array of strings"),
                    }
                    continue;
                }
                "answer" => Field::Answer,
                "explanation" => Field::Explanation,
                "law" => Field::Law,
                "article" => Field::Article,
                "law_version" => Field::LawVersion,
                "difficulty" => Field::Difficulty,
                "tags" => {
                    match string_list(&value) {
                        Some(tags) => raw.tags = tags,
                        None => match value {
                            Value::String(text) => raw.tags.push(text),
                            _ => type_error("tags", "an array of strings"),
                        },
                    }
                    continue;
                }
                "points" => Field::Points,
                _ => {
                    if !unknown.contains(&key) {
                        unknown.push(key);
                        first_unknown.get_or_insert(location.clone());
                    }
                    continue;
                }
            };
            let text = match value {
                Value::Null => continue,
                Value::String(text) => text,
                Value::Number(number) if matches!(field, Field::Id | Field::Difficulty | Field::Points) => {
                    number.to_string()
                }
                _ => {
                    let expected = match field {
                        Field::Difficulty => "a number from 1 to 5",
                        Field::Points => "a number",
                        _ => "a string",
                    };
                    type_error(&key, expected);
                    continue;
                }
            };
            match field {
                Field::Id => raw.id = Some(text),
                Field::Kind => raw.kind = Some(text),
                Field::Stem => raw.stem = text,
                Field::Answer => raw.answer = text,
                Field::Explanation => raw.explanation.push(text),
                Field::Law => raw.law = Some(text),
                Field::Article => raw.article = Some(text),
                Field::LawVersion => raw.law_version = Some(text),
                Field::Difficulty => raw.difficulty = Some(text),
                Field::Points => raw.points = Some(text),
                Field::Tags | Field::Option(_) => {}
            }
        }
        report.push_raw(raw);
    }
    if let Some(location) = first_unknown {
        report.problems.push(Problem::warning(location, ProblemKind::JsonUnknownFields { fields: unknown }));
    }
}

fn string_list(value: &Value) -> Option<Vec<String>> {
    match value {
        Value::Null => Some(Vec::new()),
        Value::Array(items) => items
            .iter()
            .map(|item| match item {
                Value::String(text) => Some(text.clone()),
                Value::Null => Some(String::new()),
                _ => None,
            })
            .collect(),
        _ => None,
    }
}

/// Returns the elements of a top-level JSON array with the line each starts on, or `None`
/// when the document is not an array. The document must already be valid JSON.
fn split_array(text: &str) -> Option<Vec<(u64, &str)>> {
    let bytes = text.as_bytes();
    let open = bytes.iter().position(|b| !b.is_ascii_whitespace())?;
    if bytes[open] != b'[' {
        return None;
    }
    let mut elements = Vec::new();
    let mut line = 1 + bytes[..open].iter().filter(|&&b| b == b'\n').count() as u64;
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    let mut start: Option<(usize, u64)> = None;
    for (i, &byte) in bytes.iter().enumerate().skip(open) {
        if byte == b'\n' {
            line += 1;
        }
        if in_string {
            if escaped {
                escaped = false;
            } else if byte == b'\\' {
                escaped = true;
            } else if byte == b'"' {
                in_string = false;
            }
            continue;
        }
        match byte {
            b'"' => {
                in_string = true;
                if depth == 1 && start.is_none() {
                    start = Some((i, line));
                }
            }
            b'[' | b'{' => {
                if depth == 1 && start.is_none() {
                    start = Some((i, line));
                }
                depth += 1;
            }
            b']' | b'}' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    if let Some((from, at)) = start.take() {
                        elements.push((at, text[from..i].trim()));
                    }
                    break;
                }
            }
            b',' if depth == 1 => {
                if let Some((from, at)) = start.take() {
                    elements.push((at, text[from..i].trim()));
                }
            }
            _ if depth == 1 && !byte.is_ascii_whitespace() && start.is_none() => start = Some((i, line)),
            _ => {}
        }
    }
    Some(elements)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_objects_with_their_lines() {
        let text = "[\n  {\"a\": \"x,]}\"},\n  {\"b\": [1, {\"c\": 2}]},\n 3\n]";
        let elements = split_array(text).expect("an array");
        assert_eq!(elements, vec![(2, "{\"a\": \"x,]}\"}"), (3, "{\"b\": [1, {\"c\": 2}]}"), (4, "3")]);
        assert_eq!(split_array("{}"), None);
        assert_eq!(split_array("[]"), Some(vec![]));
    }
}
