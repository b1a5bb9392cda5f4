//! The notations of real bank files folded into one model: column names, question types,
//! answer keys, difficulty words and tag lists, in Chinese or English, full-width or not.

use crate::question::{Kind, Letters, MAX_OPTIONS};

/// Returns `text` with full-width ASCII forms (`Ａ`, `１`, `：`) and the ideographic space
/// folded to their ASCII equivalents.
pub fn fold_width(text: &str) -> String {
    text.chars().map(fold_char).collect()
}

pub(crate) fn fold_char(c: char) -> char {
    match c {
        '\u{3000}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// A column of a bank file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Field {
    Id,
    Kind,
    Stem,
    Option(usize),
    Answer,
    Explanation,
    Law,
    Article,
    LawVersion,
    Difficulty,
    Tags,
    Points,
}

/// Returns the field a header names, or `None` for a column xuefa does not use.
pub(crate) fn header_field(header: &str) -> Option<Field> {
    let key: String = fold_width(header)
        .trim()
        .trim_matches(|c: char| c == '*' || c == '"')
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '_' && *c != '-' && *c != '(' && *c != ')')
        .flat_map(char::to_lowercase)
        .collect();
    let field = match key.as_str() {
        "id" | "no" | "编号" | "题号" | "试题编号" | "序号" | "试题id" => Field::Id,
        "kind" | "type" | "题型" | "类型" | "试题类型" | "题目类型" => Field::Kind,
        "stem" | "question" | "题干" | "题目" | "题目内容" | "试题内容" | "试题" | "问题" => {
            Field::Stem
        }
        "answer" | "key" | "答案" | "正确答案" | "参考答案" | "标准答案" => Field::Answer,
        "explanation" | "analysis" | "解析" | "答案解析" | "试题解析" | "题目解析" => {
            Field::Explanation
        }
        "law" | "source" | "法律" | "法规" | "所属法律" | "出处" | "法律法规" => Field::Law,
        "article" | "条款" | "法条" | "条文" => Field::Article,
        "lawversion" | "法律版本" | "版本" | "依据版本" | "法规版本" | "法律文本日期" => {
            Field::LawVersion
        }
        "difficulty" | "level" | "难度" | "难易程度" | "难度等级" => Field::Difficulty,
        "tags" | "tag" | "标签" | "知识点" | "所属知识点" => Field::Tags,
        "points" | "score" | "分值" | "分数" => Field::Points,
        other => return option_field(other),
    };
    Some(field)
}

fn option_field(key: &str) -> Option<Field> {
    let rest = key.strip_prefix("选项").or_else(|| key.strip_prefix("option")).unwrap_or(key);
    let mut chars = rest.chars();
    let letter = chars.next()?;
    if chars.next().is_some() {
        return None;
    }
    letter_index(letter).map(Field::Option)
}

/// Returns the index (0 for A) of an option letter in either case, full-width folded.
pub(crate) fn letter_index(c: char) -> Option<usize> {
    let c = fold_char(c).to_ascii_uppercase();
    let index = (c as usize).checked_sub('A' as usize)?;
    (index < MAX_OPTIONS).then_some(index)
}

/// What a question-type cell says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum KindValue {
    Known(Kind),
    Unsupported,
    Unknown,
}

/// Returns the kind a type cell names.
pub(crate) fn parse_kind(value: &str) -> KindValue {
    let key: String = fold_width(value)
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '_' | '-' | '(' | ')' | '[' | ']' | '【' | '】'))
        .flat_map(char::to_lowercase)
        .collect();
    match key.as_str() {
        "single" | "singlechoice" | "单选" | "单选题" | "单项选择" | "单项选择题" | "单项" => {
            KindValue::Known(Kind::Single)
        }
        "multiple" | "multiplechoice" | "multi" | "多选" | "多选题" | "多项选择" | "多项选择题" | "多项" => {
            KindValue::Known(Kind::Multiple)
        }
        "judge" | "truefalse" | "tf" | "判断" | "判断题" | "是非题" | "是非" | "对错题" => {
            KindValue::Known(Kind::Judge)
        }
        "填空" | "填空题" | "简答" | "简答题" | "问答" | "问答题" | "论述题" | "案例分析" | "案例分析题"
        | "不定项" | "不定项选择" | "不定项选择题" | "计算题" | "名词解释" | "match" | "matching"
        | "essay" | "shortanswer" | "numerical" | "fill" | "cloze" | "description" => KindValue::Unsupported,
        _ => KindValue::Unknown,
    }
}

/// Returns true or false for the many ways files write a judge key, or `None`.
pub(crate) fn parse_judge(value: &str) -> Option<bool> {
    let key: String =
        fold_width(value).chars().filter(|c| !c.is_whitespace()).flat_map(char::to_lowercase).collect();
    match key.as_str() {
        "对" | "正确" | "√" | "✓" | "✔" | "t" | "true" | "y" | "yes" | "是" | "v" | "1" | "○" => {
            Some(true)
        }
        "错" | "错误" | "×" | "✗" | "✘" | "f" | "false" | "n" | "no" | "否" | "x" | "0" | "╳" => {
            Some(false)
        }
        _ => None,
    }
}

/// The result of reading an answer cell as option letters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum LettersValue {
    Letters(Letters),
    Repeated(char),
    NotLetters,
}

/// Returns the option letters of an answer written with or without separators
/// (`AC`, `a,c`, `A、C`, `Ａ；Ｃ`, `A|C`).
pub(crate) fn parse_letters(value: &str) -> LettersValue {
    let mut letters = Letters::empty();
    let mut any = false;
    for c in value.chars().map(fold_char) {
        if c.is_whitespace() || matches!(c, ',' | '，' | '、' | ';' | '；' | '|' | '/' | '.' | '。') {
            continue;
        }
        let Some(index) = letter_index(c) else {
            return LettersValue::NotLetters;
        };
        if letters.contains(index) {
            return LettersValue::Repeated(c.to_ascii_uppercase());
        }
        letters = letters.with(index);
        any = true;
    }
    if any { LettersValue::Letters(letters) } else { LettersValue::NotLetters }
}

/// Returns the difficulty 1–5 a cell gives, or `None` when it is not one.
pub(crate) fn parse_difficulty(value: &str) -> Option<u8> {
    let key: String = fold_width(value).chars().filter(|c| !c.is_whitespace()).collect();
    let level = match key.to_lowercase().as_str() {
        "易" | "容易" | "简单" | "很容易" | "easy" | "veryeasy" => 1,
        "较易" | "较容易" | "较简单" | "偏易" => 2,
        "中" | "中等" | "一般" | "适中" | "medium" | "moderate" => 3,
        "较难" | "偏难" | "较困难" => 4,
        "难" | "困难" | "很难" | "hard" | "difficult" => 5,
        other => {
            // Spreadsheets store 3 as 3.0; accept whole numbers written either way.
            let number: f64 = other.parse().ok()?;
            if number.fract() != 0.0 || !(1.0..=5.0).contains(&number) {
                return None;
            }
            number as u8
        }
    };
    Some(level)
}

/// Returns the tags in a cell, split on `;`, `,`, `、`, `|` (either width), trimmed, without
/// duplicates, in order.
pub(crate) fn split_tags(value: &str, into: &mut Vec<String>) {
    for tag in value.split(|c: char| matches!(fold_char(c), ';' | ',' | '、' | '|' | '，' | '；')) {
        let tag = tag.trim();
        if !tag.is_empty() && !into.iter().any(|existing| existing == tag) {
            into.push(tag.to_owned());
        }
    }
}

/// Returns points as a positive finite number, or `None`.
pub(crate) fn parse_points(value: &str) -> Option<f64> {
    let number: f64 = fold_width(value).trim().parse().ok()?;
    (number.is_finite() && number > 0.0 && number <= 10_000.0).then_some(number)
}

/// Returns an option's text without a leading marker of its own letter (`A.`, `A、`, `A)`,
/// `(A)`), which some files repeat inside the option column.
pub(crate) fn strip_own_marker(text: &str, index: usize) -> &str {
    let trimmed = text.trim();
    let chars: Vec<(usize, char)> = trimmed.char_indices().take(4).collect();
    let folded: Vec<char> = chars.iter().take(3).map(|&(_, c)| fold_char(c)).collect();
    let (letter, marker_chars) = match folded.as_slice() {
        ['(', letter, ')', ..] => (*letter, 3),
        [letter, '.' | '、' | ')' | ':', ..] => (*letter, 2),
        _ => return trimmed,
    };
    if !letter.is_ascii_uppercase() || letter_index(letter) != Some(index) {
        return trimmed;
    }
    let end = chars.get(marker_chars).map_or(trimmed.len(), |&(at, _)| at);
    trimmed[end..].trim_start()
}

/// Returns the law's name as exams compare it: without 《》 and the 中华人民共和国 prefix.
pub fn law_key(law: &str) -> String {
    let trimmed = law.trim().trim_start_matches('《').trim_end_matches('》').trim();
    trimmed.strip_prefix("中华人民共和国").unwrap_or(trimmed).to_owned()
}

/// Returns a text with the law's `《》` stripped, as banks store it.
pub(crate) fn clean_law(law: &str) -> String {
    let trimmed = law.trim();
    if trimmed.starts_with('《') && trimmed.ends_with('》') && trimmed.matches('《').count() == 1 {
        trimmed.trim_start_matches('《').trim_end_matches('》').trim().to_owned()
    } else {
        trimmed.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_in_every_notation() {
        for (header, field) in [
            ("id", Field::Id),
            ("编号", Field::Id),
            ("题号", Field::Id),
            ("试题编号", Field::Id),
            ("TYPE", Field::Kind),
            ("题型", Field::Kind),
            ("类型", Field::Kind),
            ("试题类型", Field::Kind),
            ("Stem", Field::Stem),
            ("Question", Field::Stem),
            ("题干", Field::Stem),
            ("题目", Field::Stem),
            ("题目内容", Field::Stem),
            ("试题内容", Field::Stem),
            ("A", Field::Option(0)),
            ("h", Field::Option(7)),
            ("选项A", Field::Option(0)),
            ("选项Ｃ", Field::Option(2)),
            ("option_a", Field::Option(0)),
            ("Option D", Field::Option(3)),
            ("ａｎｓｗｅｒ", Field::Answer),
            ("答案", Field::Answer),
            ("正确答案", Field::Answer),
            ("参考答案", Field::Answer),
            ("解析", Field::Explanation),
            ("答案解析", Field::Explanation),
            ("试题解析", Field::Explanation),
            ("法律", Field::Law),
            ("法规", Field::Law),
            ("所属法律", Field::Law),
            ("出处", Field::Law),
            ("条款", Field::Article),
            ("法条", Field::Article),
            ("难度", Field::Difficulty),
            ("标签", Field::Tags),
            ("知识点", Field::Tags),
            ("points", Field::Points),
            ("分值", Field::Points),
            ("分数", Field::Points),
            (" *题干 ", Field::Stem),
        ] {
            assert_eq!(header_field(header), Some(field), "{header}");
        }
        assert_eq!(header_field("选项I"), None);
        assert_eq!(header_field("备注"), None);
    }

    #[test]
    fn kinds_in_every_notation() {
        for value in ["single", "单选", "单选题", "单项选择题", "SINGLE", "（单选题）"] {
            assert_eq!(parse_kind(value), KindValue::Known(Kind::Single), "{value}");
        }
        for value in ["multiple", "多选", "多选题", "多项选择题"] {
            assert_eq!(parse_kind(value), KindValue::Known(Kind::Multiple), "{value}");
        }
        for value in ["judge", "判断", "判断题", "是非题"] {
            assert_eq!(parse_kind(value), KindValue::Known(Kind::Judge), "{value}");
        }
        for value in ["填空题", "简答题", "match"] {
            assert_eq!(parse_kind(value), KindValue::Unsupported, "{value}");
        }
        assert_eq!(parse_kind("选择"), KindValue::Unknown);
    }

    #[test]
    fn judge_keys_in_every_notation() {
        for value in ["对", "正确", "√", "✓", "T", "true", "Y", "是", "V", "ｔｒｕｅ"] {
            assert_eq!(parse_judge(value), Some(true), "{value}");
        }
        for value in ["错", "错误", "×", "✗", "F", "FALSE", "N", "否", "X"] {
            assert_eq!(parse_judge(value), Some(false), "{value}");
        }
        assert_eq!(parse_judge("A"), None);
    }

    #[test]
    fn letter_keys_with_every_separator() {
        let ac = LettersValue::Letters(Letters::empty().with(0).with(2));
        for value in ["AC", "ac", "A,C", "A，C", "A、C", "A;C", "A；C", "A C", "A|C", "ＡＣ", "Ａ、Ｃ"]
        {
            assert_eq!(parse_letters(value), ac, "{value}");
        }
        assert_eq!(parse_letters("ACA"), LettersValue::Repeated('A'));
        assert_eq!(parse_letters("AZ"), LettersValue::NotLetters);
        assert_eq!(parse_letters(""), LettersValue::NotLetters);
    }

    #[test]
    fn difficulty_numbers_and_words() {
        assert_eq!(parse_difficulty("3"), Some(3));
        assert_eq!(parse_difficulty("3.0"), Some(3));
        assert_eq!(parse_difficulty("易"), Some(1));
        assert_eq!(parse_difficulty("较易"), Some(2));
        assert_eq!(parse_difficulty("中"), Some(3));
        assert_eq!(parse_difficulty("较难"), Some(4));
        assert_eq!(parse_difficulty("难"), Some(5));
        assert_eq!(parse_difficulty("６"), None);
        assert_eq!(parse_difficulty("2.5"), None);
    }

    #[test]
    fn tags_split_and_dedupe() {
        let mut tags = Vec::new();
        split_tags("总则; 时效，总则、物权|合同；", &mut tags);
        assert_eq!(tags, ["总则", "时效", "物权", "合同"]);
    }

    #[test]
    fn own_markers_are_stripped_from_options() {
        assert_eq!(strip_own_marker("A. 甲", 0), "甲");
        assert_eq!(strip_own_marker("B、乙", 1), "乙");
        assert_eq!(strip_own_marker("（C）丙", 2), "丙");
        assert_eq!(strip_own_marker("A. 甲", 1), "A. 甲");
        assert_eq!(strip_own_marker("About", 0), "About");
    }

    #[test]
    fn law_keys_ignore_brackets_and_country_prefix() {
        assert_eq!(law_key("《中华人民共和国民法典》"), "民法典");
        assert_eq!(clean_law("《民法典》"), "民法典");
    }
}
