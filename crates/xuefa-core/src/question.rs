//! The question model: kinds, answer keys, options and the content hash that names the
//! exact wording a person saw.

use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The most options a choice question may have (A–H).
pub const MAX_OPTIONS: usize = 8;

/// The option letters in order, `A` to `H`.
pub const LETTERS: [char; MAX_OPTIONS] = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'];

/// The kind of a question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Kind {
    /// 单选: exactly one correct option.
    Single,
    /// 多选: two or more correct options.
    Multiple,
    /// 判断: a statement that is true or false.
    Judge,
}

impl Kind {
    /// Returns every kind, in the order exams list them.
    pub const ALL: [Kind; 3] = [Kind::Single, Kind::Multiple, Kind::Judge];

    /// Returns the English identifier used in files and JSON (`single`, `multiple`, `judge`).
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Single => "single",
            Kind::Multiple => "multiple",
            Kind::Judge => "judge",
        }
    }

    /// Returns the short Chinese name (`单选`, `多选`, `判断`).
    pub fn chinese(self) -> &'static str {
        match self {
            Kind::Single => "单选",
            Kind::Multiple => "多选",
            Kind::Judge => "判断",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A set of option letters, stored as a bit set over A–H (bit 0 is A).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Letters(u8);

impl Letters {
    /// Returns the empty set.
    pub const fn empty() -> Self {
        Letters(0)
    }

    /// Returns the set holding the option with this index (0 is A); `None` past H.
    pub fn from_index(index: usize) -> Option<Self> {
        (index < MAX_OPTIONS).then(|| Letters(1 << index))
    }

    /// Returns the set from raw bits (bit 0 is A).
    pub const fn from_bits(bits: u8) -> Self {
        Letters(bits)
    }

    /// Returns the raw bits (bit 0 is A).
    pub const fn bits(self) -> u8 {
        self.0
    }

    /// Returns whether the option with this index (0 is A) is in the set.
    pub fn contains(self, index: usize) -> bool {
        index < MAX_OPTIONS && self.0 & (1 << index) != 0
    }

    /// Returns the set with the option of this index added; indexes past H are ignored.
    #[must_use]
    pub fn with(self, index: usize) -> Self {
        match Letters::from_index(index) {
            Some(one) => Letters(self.0 | one.0),
            None => self,
        }
    }

    /// Returns how many letters are in the set.
    pub fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    /// Returns whether the set is empty.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Returns the indexes in the set, in order (0 is A).
    pub fn indexes(self) -> impl Iterator<Item = usize> {
        (0..MAX_OPTIONS).filter(move |&i| self.contains(i))
    }

    /// Returns the highest index in the set, if any.
    pub fn last(self) -> Option<usize> {
        self.indexes().last()
    }
}

impl fmt::Display for Letters {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for i in self.indexes() {
            write!(f, "{}", LETTERS[i])?;
        }
        Ok(())
    }
}

/// The answer key of a question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Answer {
    /// The correct options of a choice question.
    Choice(Letters),
    /// Whether a judge question's statement is true.
    Judge(bool),
}

impl Answer {
    /// Returns the key whose canonical text ([`Answer::canonical`]) is `text`, for a question
    /// of this kind: `F` is option F of a choice question but false of a judge question,
    /// which `FromStr` (taking `F` as false) cannot tell. `None` when `text` is not the
    /// canonical text of a key of this kind.
    pub fn from_canonical(text: &str, kind: Kind) -> Option<Answer> {
        match (kind, text) {
            (Kind::Judge, "T") => Some(Answer::Judge(true)),
            (Kind::Judge, "F") => Some(Answer::Judge(false)),
            (Kind::Judge, _) => None,
            _ => {
                let mut letters = Letters::empty();
                for c in text.chars() {
                    letters = letters.with(LETTERS.iter().position(|&l| l == c)?);
                }
                (!letters.is_empty()).then_some(Answer::Choice(letters))
            }
        }
    }

    /// Returns the canonical text of the key: letters in order such as `AC`, or `T`/`F`.
    pub fn canonical(&self) -> String {
        match self {
            Answer::Choice(letters) => letters.to_string(),
            Answer::Judge(true) => "T".to_owned(),
            Answer::Judge(false) => "F".to_owned(),
        }
    }
}

impl Serialize for Answer {
    /// Serialises as the canonical text: `AC`, `T`, `F`.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.canonical())
    }
}

impl<'de> Deserialize<'de> for Answer {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer)?.parse().map_err(serde::de::Error::custom)
    }
}

impl std::str::FromStr for Answer {
    type Err = String;

    /// Parses the canonical text of a key: `T`, `F`, or option letters in order (`AC`).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "T" => return Ok(Answer::Judge(true)),
            "F" => return Ok(Answer::Judge(false)),
            _ => {}
        }
        let mut letters = Letters::empty();
        for c in text.chars() {
            let index =
                LETTERS.iter().position(|&l| l == c).ok_or_else(|| format!("not an answer key: `{text}`"))?;
            letters = letters.with(index);
        }
        if letters.is_empty() {
            return Err(format!("not an answer key: `{text}`"));
        }
        Ok(Answer::Choice(letters))
    }
}

impl fmt::Display for Answer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.canonical())
    }
}

/// One question of a bank, valid by construction when it comes from a reader.
///
/// It serialises as the canonical JSON object ([`crate::CanonicalQuestion`]), and
/// deserialising checks it as every reader does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(into = "crate::CanonicalQuestion", try_from = "crate::CanonicalQuestion")]
#[non_exhaustive]
pub struct Question {
    /// The stable id; ids derived from content start with `q-`.
    pub id: String,
    /// Single, multiple or judge.
    pub kind: Kind,
    /// The question text.
    pub stem: String,
    /// The options in order, A first; empty for judge questions.
    pub options: Vec<String>,
    /// The answer key.
    pub answer: Answer,
    /// The explanation 解析 shown after answering; may be empty.
    pub explanation: String,
    /// The law 法律 the question rests on; may be empty.
    pub law: String,
    /// The article 条款 of that law, such as `第一百八十八条`; may be empty.
    pub article: String,
    /// The version of the law the question follows: the date (`YYYY-MM-DD`) of the text it
    /// was written against, normally the law's last amendment. A question whose law was
    /// amended after this date needs review (`xuefa bank stale`).
    pub law_version: Option<String>,
    /// Difficulty from 1 (easy) to 5 (hard), when the bank gives one.
    pub difficulty: Option<u8>,
    /// Topic tags, in the order the bank lists them, without duplicates.
    pub tags: Vec<String>,
    /// Points the bank suggests for this question; exams may override them.
    pub points: Option<f64>,
}

impl Question {
    /// Returns a question with the given id, kind, stem, options and key, and nothing else
    /// set. It is not checked: build banks through the readers, or call [`Question::check`].
    pub fn new(
        id: impl Into<String>,
        kind: Kind,
        stem: impl Into<String>,
        options: Vec<String>,
        answer: Answer,
    ) -> Self {
        Question {
            id: id.into(),
            kind,
            stem: stem.into(),
            options,
            answer,
            explanation: String::new(),
            law: String::new(),
            article: String::new(),
            law_version: None,
            difficulty: None,
            tags: Vec::new(),
            points: None,
        }
    }

    /// Returns the hash of the wording and the key: kind, stem, options and answer.
    ///
    /// Two questions with the same hash show a person the same thing and score the same
    /// way; the explanation, law, tags and points do not take part.
    pub fn content_hash(&self) -> ContentHash {
        content_hash(self.kind, &self.stem, &self.options, &self.answer)
    }

    /// Returns the hash of everything the bank says about the question: the content hash's
    /// fields and the explanation, law, article, difficulty, tags and points. A store keeps a
    /// new version of a question whenever this changes.
    pub fn record_hash(&self) -> ContentHash {
        let canonical = crate::CanonicalQuestion::from(self);
        // Serialising plain strings, numbers and arrays cannot fail.
        let json = serde_json::to_vec(&canonical).unwrap_or_default();
        ContentHash(Sha256::digest(&json).into())
    }

    /// Returns the problems that make this question invalid, as catalog-free kinds; empty
    /// when it is valid.
    pub fn check(&self) -> Vec<crate::ProblemKind> {
        crate::record::check_question(self)
    }
}

/// A SHA-256 of a question's kind, wording and key.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ContentHash([u8; 32]);

impl ContentHash {
    /// Returns the 32 bytes of the hash.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// Returns the hash as 64 lowercase hexadecimal digits.
    pub fn to_hex(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for ContentHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Imports hash every question; one formatting call per byte showed in profiles.
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut hex = [0u8; 64];
        for (i, byte) in self.0.iter().enumerate() {
            hex[2 * i] = DIGITS[usize::from(byte >> 4)];
            hex[2 * i + 1] = DIGITS[usize::from(byte & 0x0f)];
        }
        f.write_str(std::str::from_utf8(&hex).map_err(|_| fmt::Error)?)
    }
}

impl fmt::Debug for ContentHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ContentHash({self})")
    }
}

pub(crate) fn content_hash(kind: Kind, stem: &str, options: &[String], answer: &Answer) -> ContentHash {
    // Fields are separated by a unit separator and counted, so that moving text from one
    // field to the next always changes the hash.
    let mut hasher = Sha256::new();
    hasher.update(b"xuefa-question-v1\x1f");
    hasher.update(kind.as_str().as_bytes());
    hasher.update(b"\x1f");
    hasher.update(stem.as_bytes());
    hasher.update(b"\x1f");
    hasher.update(options.len().to_string().as_bytes());
    for option in options {
        hasher.update(b"\x1f");
        hasher.update(option.as_bytes());
    }
    hasher.update(b"\x1f");
    hasher.update(answer.canonical().as_bytes());
    ContentHash(hasher.finalize().into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_display_in_order() {
        let letters = Letters::empty().with(2).with(0).with(3);
        assert_eq!(letters.to_string(), "ACD");
        assert_eq!(letters.len(), 3);
        assert_eq!(letters.last(), Some(3));
        assert!(Letters::from_index(8).is_none());
    }

    #[test]
    fn content_hash_ignores_explanation_but_not_key() {
        let mut question = Question::new(
            "1",
            Kind::Single,
            "问",
            vec!["甲".into(), "乙".into()],
            Answer::Choice(Letters::empty().with(0)),
        );
        let before = question.content_hash();
        question.explanation = "解析".into();
        assert_eq!(before, question.content_hash());
        question.answer = Answer::Choice(Letters::empty().with(1));
        assert_ne!(before, question.content_hash());
        assert_eq!(before.to_hex().len(), 64);
    }

    #[test]
    fn content_hash_is_sha256_of_the_documented_fields() {
        // Worked out independently with Python's hashlib over the same bytes; stored hashes and
        // derived ids depend on it never changing.
        let question = Question::new(
            "1",
            Kind::Single,
            "问",
            vec!["甲".into(), "乙".into()],
            Answer::Choice(Letters::empty().with(0)),
        );
        assert_eq!(
            question.content_hash().to_hex(),
            "b46fec83b5a5928d396aba4b2185f709e9238f88fb921922cb43559d527d647a"
        );
    }

    #[test]
    fn content_hash_separates_fields() {
        let a = content_hash(Kind::Single, "ab", &["c".into(), "d".into()], &Answer::Judge(true));
        let b = content_hash(Kind::Single, "a", &["bc".into(), "d".into()], &Answer::Judge(true));
        assert_ne!(a, b);
    }
}
