//! The reader for text pasted from Word: section headings (`一、单项选择题`) that set the
//! kind, numbered stems (`1.`, `1、`, `（1）`), options one per line or several on a line
//! (`A.` `A、` `A．` `A)` `(A)` `Ａ.`), answer lines (`答案：B`, `【答案】B`, `ANSWER: B`),
//! `解析：` and other labelled lines, and the key written in the stem's brackets
//! (`……（B）`) when there is no answer line. Unnumbered questions separated by blank lines
//! (the Aiken layout) are read too.

use crate::normalize::{Field, KindValue, fold_char, header_field, parse_judge, parse_kind};
use crate::problem::{Location, Problem, ProblemKind};
use crate::record::RawQuestion;

use super::SourceReport;

/// A labelled line (`法律：民法典`) is only taken as a label when the label is this short.
const MAX_LABEL_CHARS: usize = 8;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Stem,
    Option(usize),
    Explanation,
}

struct Block {
    raw: RawQuestion,
    numbered: bool,
    has_answer: bool,
    target: Target,
}

impl Block {
    fn new(location: Location, stem: &str, numbered: bool, kind_hint: Option<&String>) -> Block {
        Block {
            raw: RawQuestion {
                location,
                kind_hint: kind_hint.cloned(),
                stem: stem.trim().to_owned(),
                ..RawQuestion::default()
            },
            numbered,
            has_answer: false,
            target: Target::Stem,
        }
    }
}

struct Parser<'a> {
    file: Location,
    report: &'a mut SourceReport,
    current: Option<Block>,
    kind_hint: Option<String>,
    blank_before: bool,
}

pub(crate) fn read(text: &str, report: &mut SourceReport) {
    let file = Location::file(report.source.as_str());
    let mut parser = Parser { file, report, current: None, kind_hint: None, blank_before: false };
    for (index, line) in text.lines().enumerate() {
        parser.line(index as u64 + 1, line);
    }
    parser.finish();
}

impl Parser<'_> {
    fn line(&mut self, number: u64, original: &str) {
        let line = original.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
        if line.is_empty() {
            self.blank_before = true;
            return;
        }
        let location = self.file.at_line(number);
        let folded: Vec<char> = line.chars().map(fold_char).collect();
        let chars: Vec<char> = line.chars().collect();

        if let Some(kind) = heading_kind(&folded) {
            self.finish();
            self.kind_hint = Some(kind);
        } else if let Some(start) = numbered_stem(&folded) {
            self.finish();
            let stem: String = chars[start..].iter().collect();
            self.current = Some(Block::new(location, &stem, true, self.kind_hint.as_ref()));
        } else if let Some(options) = option_line(&folded) {
            self.options(location, &chars, &options);
        } else if let Some((field, start)) = labelled(&folded) {
            let value: String = chars[start..].iter().collect();
            self.labelled(location, field, value.trim());
        } else {
            self.plain(location, line);
        }
        self.blank_before = false;
    }

    fn options(&mut self, location: Location, chars: &[char], options: &[(usize, usize, usize)]) {
        if self.current.as_ref().is_some_and(|block| block.has_answer) {
            // Options after a finished question belong to a question whose stem is missing.
            self.finish();
        }
        let Some(block) = self.current.as_mut() else {
            self.report.problems.push(Problem::error(location, ProblemKind::TextOptionBeforeStem));
            return;
        };
        for &(index, start, end) in options {
            let text: String = chars[start..end].iter().collect();
            if block.raw.options.len() <= index {
                block.raw.options.resize(index + 1, String::new());
            }
            block.raw.options[index] = text.trim().to_owned();
            block.target = Target::Option(index);
        }
    }

    fn labelled(&mut self, location: Location, field: Field, value: &str) {
        if field == Field::Stem {
            self.finish();
            self.current = Some(Block::new(location, value, true, self.kind_hint.as_ref()));
            return;
        }
        let Some(block) = self.current.as_mut() else {
            let kind = if field == Field::Answer {
                Problem::error(location, ProblemKind::TextAnswerBeforeStem)
            } else {
                Problem::warning(location, ProblemKind::TextIgnored { text: value.to_owned() })
            };
            self.report.problems.push(kind);
            return;
        };
        let raw = &mut block.raw;
        match field {
            Field::Answer => {
                raw.answer = value.to_owned();
                block.has_answer = true;
            }
            Field::Explanation => {
                raw.explanation.push(value.to_owned());
                block.target = Target::Explanation;
                return;
            }
            Field::Id => raw.id = Some(value.to_owned()),
            Field::Kind => raw.kind = Some(value.to_owned()),
            Field::Law => raw.law = Some(value.to_owned()),
            Field::Article => raw.article = Some(value.to_owned()),
            Field::LawVersion => raw.law_version = Some(value.to_owned()),
            Field::Difficulty => raw.difficulty = Some(value.to_owned()),
            Field::Tags => raw.tags.push(value.to_owned()),
            Field::Points => raw.points = Some(value.to_owned()),
            Field::Stem | Field::Option(_) => {}
        }
        // A line after a label belongs to nothing until another marker says what it is.
        if block.target != Target::Explanation {
            block.target = Target::Stem;
        }
    }

    fn plain(&mut self, location: Location, line: &str) {
        let blank_before = self.blank_before;
        let starts_new = match &self.current {
            None => true,
            Some(block) => {
                blank_before
                    && (block.has_answer
                        || !block.raw.options.is_empty()
                        || block.target == Target::Explanation)
            }
        };
        if starts_new {
            self.finish();
            self.current = Some(Block::new(location, line, false, self.kind_hint.as_ref()));
            return;
        }
        let Some(block) = self.current.as_mut() else { return };
        let raw = &mut block.raw;
        match block.target {
            Target::Explanation => append_line(raw.explanation.last_mut(), line),
            _ if block.has_answer => {
                raw.explanation.push(line.to_owned());
                block.target = Target::Explanation;
            }
            Target::Option(index) => append_line(raw.options.get_mut(index), line),
            Target::Stem => {
                raw.stem.push('\n');
                raw.stem.push_str(line);
            }
        }
    }

    fn finish(&mut self) {
        let Some(mut block) = self.current.take() else { return };
        if !block.has_answer
            && let Some((stem, answer)) = answer_in_stem(&block.raw.stem, !block.raw.options.is_empty())
        {
            block.raw.stem = stem;
            block.raw.answer = answer;
            block.has_answer = true;
        }
        if !block.numbered && !block.has_answer && block.raw.options.is_empty() {
            // A title or a note between questions, not a question.
            let text: String = block.raw.stem.chars().take(40).collect();
            self.report
                .problems
                .push(Problem::warning(block.raw.location, ProblemKind::TextIgnored { text }));
            return;
        }
        self.report.push_raw(block.raw);
    }
}

fn append_line(target: Option<&mut String>, line: &str) {
    if let Some(text) = target {
        text.push(' ');
        text.push_str(line);
    }
}

/// Returns the kind word of a section heading such as `一、单项选择题（每题1分）`,
/// `（二）多选题`, `第三部分 判断题` or a bare `判断题`.
fn heading_kind(folded: &[char]) -> Option<String> {
    let text: String = folded.iter().collect();
    let mut rest = text.trim();
    const NUMERALS: &[char] = &['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];
    if let Some(after) = rest.strip_prefix('(')
        && let Some(close) = after.find(')')
        && after[..close].chars().all(|c| NUMERALS.contains(&c))
        && close > 0
    {
        rest = &after[close + 1..];
    } else if let Some(after) = rest.strip_prefix('第') {
        let end = after.find(['部', '大', '章'])?;
        rest = after[end..].trim_start_matches(['部', '分', '大', '题', '章']);
    } else {
        let numeral_end = rest.find(|c: char| !NUMERALS.contains(&c)).unwrap_or(rest.len());
        if numeral_end > 0 {
            let after = &rest[numeral_end..];
            rest = after.strip_prefix(['、', '.', ' ', ':']).unwrap_or(after);
        }
    }
    let rest = rest.trim().trim_start_matches(['、', '.', ':']).trim();
    // Drop a trailing note in brackets: (共20题,每题2分)
    let core = match rest.find('(') {
        Some(open) if rest.ends_with(')') => rest[..open].trim(),
        _ => rest,
    };
    let core = core.trim_end_matches([':', '。']).trim();
    if core.is_empty() || core.chars().count() > 12 {
        return None;
    }
    match parse_kind(core) {
        KindValue::Unknown => None,
        _ => Some(core.to_owned()),
    }
}

/// Returns where the stem starts when the line begins with a question number:
/// `12.`, `12、`, `12)`, `(12)`, `（12）`, `第12题`.
fn numbered_stem(folded: &[char]) -> Option<usize> {
    let digits_at = |start: usize| folded[start..].iter().take_while(|c| c.is_ascii_digit()).count();
    let skip_spaces = |mut i: usize| {
        while i < folded.len() && folded[i].is_whitespace() {
            i += 1;
        }
        i
    };
    if folded.first() == Some(&'(') {
        let digits = digits_at(1);
        if (1..=4).contains(&digits) && folded.get(1 + digits) == Some(&')') {
            return Some(skip_spaces(digits + 2));
        }
        return None;
    }
    if folded.first() == Some(&'第') {
        let digits = digits_at(1);
        if (1..=4).contains(&digits) && folded.get(1 + digits) == Some(&'题') {
            let mut i = digits + 2;
            if matches!(folded.get(i), Some('.' | '、' | ':')) {
                i += 1;
            }
            return Some(skip_spaces(i));
        }
        return None;
    }
    let digits = digits_at(0);
    if !(1..=4).contains(&digits) {
        return None;
    }
    let after = skip_spaces(digits);
    match folded.get(after) {
        Some('.') if folded.get(after + 1).is_some_and(char::is_ascii_digit) => None,
        Some('.' | '、' | ')' | ':') => Some(skip_spaces(after + 1)),
        _ => None,
    }
}

/// Returns the option marker at `at`: its letter index and length.
fn option_marker(folded: &[char], at: usize) -> Option<(usize, usize)> {
    let letter_index = |c: char| {
        let index = (c as u32).checked_sub('A' as u32)? as usize;
        (index < 8).then_some(index)
    };
    match folded.get(at)? {
        '(' => {
            let index = letter_index(*folded.get(at + 1)?)?;
            (folded.get(at + 2) == Some(&')')).then_some((index, 3))
        }
        &c => {
            let index = letter_index(c)?;
            matches!(folded.get(at + 1), Some('.' | '、' | ')' | ':')).then_some((index, 2))
        }
    }
}

/// Returns the options on a line that starts with an option marker, as (letter index,
/// text start, text end) in chars; later options on the line must follow a space and come
/// in order (`A.甲  B.乙`).
fn option_line(folded: &[char]) -> Option<Vec<(usize, usize, usize)>> {
    let (first, length) = option_marker(folded, 0)?;
    let mut options = Vec::new();
    let mut current = (first, length);
    let mut i = length;
    let mut expected = first + 1;
    while i < folded.len() {
        if folded[i].is_whitespace()
            && let Some((index, marker)) = option_marker(folded, i + 1)
            && index == expected
        {
            options.push((current.0, current.1, i));
            current = (index, i + 1 + marker);
            expected += 1;
            i += 1 + marker;
            continue;
        }
        i += 1;
    }
    options.push((current.0, current.1, folded.len()));
    Some(options)
}

/// Returns the field and value start of a labelled line: `答案：B`, `【答案】B`, `ANSWER: B`,
/// `解析：…`, `法律：…`, `难度：3`.
fn labelled(folded: &[char]) -> Option<(Field, usize)> {
    let (label, start) = if folded.first() == Some(&'【') {
        let close = folded.iter().position(|&c| c == '】')?;
        (folded[1..close].iter().collect::<String>(), close + 1)
    } else {
        let colon = folded.iter().take(MAX_LABEL_CHARS + 1).position(|&c| c == ':')?;
        (folded[..colon].iter().collect::<String>(), colon + 1)
    };
    if label.chars().count() > MAX_LABEL_CHARS {
        return None;
    }
    let field = header_field(&label)?;
    if matches!(field, Field::Option(_)) {
        return None;
    }
    let mut start = start;
    while folded.get(start).is_some_and(|c| c.is_whitespace() || *c == ':') {
        start += 1;
    }
    Some((field, start))
}

/// Returns the stem with its bracketed key emptied and the key, for Word banks that write
/// `下列……的是（B）。` or `……（√）`.
fn answer_in_stem(stem: &str, has_options: bool) -> Option<(String, String)> {
    let chars: Vec<char> = stem.chars().collect();
    let close = chars.iter().rposition(|&c| c == ')' || c == '）')?;
    let open = chars[..close].iter().rposition(|&c| c == '(' || c == '（')?;
    let inner: String = chars[open + 1..close].iter().collect();
    let inner = inner.trim();
    if inner.is_empty() || inner.chars().count() > 8 {
        return None;
    }
    let is_key = if has_options {
        inner
            .chars()
            .map(fold_char)
            .all(|c| c.is_ascii_uppercase() && c <= 'H' || matches!(c, ',' | '、' | ' '))
    } else {
        parse_judge(inner).is_some()
    };
    if !is_key {
        return None;
    }
    let mut emptied: String = chars[..=open].iter().collect();
    emptied.push_str("  ");
    emptied.extend(&chars[close..]);
    Some((emptied, inner.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fold(text: &str) -> Vec<char> {
        text.chars().map(fold_char).collect()
    }

    #[test]
    fn headings() {
        assert_eq!(heading_kind(&fold("一、单项选择题")).as_deref(), Some("单项选择题"));
        assert_eq!(heading_kind(&fold("二、多项选择题（每题2分，共20分）")).as_deref(), Some("多项选择题"));
        assert_eq!(heading_kind(&fold("（三）判断题")).as_deref(), Some("判断题"));
        assert_eq!(heading_kind(&fold("第四部分 填空题")).as_deref(), Some("填空题"));
        assert_eq!(heading_kind(&fold("判断题：")).as_deref(), Some("判断题"));
        assert_eq!(heading_kind(&fold("一、总则")), None);
        assert_eq!(heading_kind(&fold("1. 单选题")), None);
    }

    #[test]
    fn numbers() {
        assert_eq!(numbered_stem(&fold("1. 题")), Some(3));
        assert_eq!(numbered_stem(&fold("12、题")), Some(3));
        assert_eq!(numbered_stem(&fold("（3）题")), Some(3));
        assert_eq!(numbered_stem(&fold("(3) 题")), Some(4));
        assert_eq!(numbered_stem(&fold("第5题：题")), Some(4));
        assert_eq!(numbered_stem(&fold("1.5万元以下")), None);
        assert_eq!(numbered_stem(&fold("2024年")), None);
    }

    #[test]
    fn options_inline_and_alone() {
        let line = fold("A.甲  B、乙\tC．丙 (D)丁");
        let options = option_line(&line).expect("an option line");
        let texts: Vec<String> = options
            .iter()
            .map(|&(_, s, e)| line[s..e].iter().collect::<String>().trim().to_owned())
            .collect();
        assert_eq!(texts, ["甲", "乙", "丙", "丁"]);
        assert_eq!(options.iter().map(|o| o.0).collect::<Vec<_>>(), [0, 1, 2, 3]);
        assert!(option_line(&fold("Ａ．全角")).is_some());
        assert!(option_line(&fold("A)Aiken")).is_some());
        assert!(option_line(&fold("APP 是")).is_none());
        // A later letter out of order stays inside the text.
        let line = fold("A. 见 C. 条");
        assert_eq!(option_line(&line).map(|o| o.len()), Some(1));
    }

    #[test]
    fn labels() {
        assert_eq!(labelled(&fold("答案：B")), Some((Field::Answer, 3)));
        assert_eq!(labelled(&fold("答案:B")), Some((Field::Answer, 3)));
        assert_eq!(labelled(&fold("【答案】B")), Some((Field::Answer, 4)));
        assert_eq!(labelled(&fold("ANSWER: B")), Some((Field::Answer, 8)));
        assert_eq!(labelled(&fold("解析：依据")), Some((Field::Explanation, 3)));
        assert_eq!(labelled(&fold("关于诉讼时效：下列")), None);
    }

    #[test]
    fn keys_in_stem_brackets() {
        assert_eq!(
            answer_in_stem("诉讼时效期间为（ B ）。", true),
            Some(("诉讼时效期间为（  ）。".to_owned(), "B".to_owned()))
        );
        assert_eq!(answer_in_stem("公民有选举权。(√)", false).map(|a| a.1), Some("√".to_owned()));
        assert_eq!(answer_in_stem("依照（民法典）规定", true), None);
    }
}
