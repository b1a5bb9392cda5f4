//! Scoring: the points each answer earns under its kind and the section's rule, a paper's
//! total, and pass/fail with the band.

use serde::{Deserialize, Serialize};

use super::paper::{Paper, PaperQuestion};
use super::spec::{Grading, Scoring};
use crate::normalize::{LettersValue, parse_judge, parse_letters};
use crate::question::{Answer, Kind, Letters};

/// What a person answered to one question, in the letters shown on their paper.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Response {
    /// The options picked.
    Choice(Letters),
    /// True or false.
    Judge(bool),
}

impl Response {
    /// Returns the response a person typed for a question of this kind: letters in any case
    /// or width with or without separators (`ac`, `A,C`, `Ａ、Ｃ`) for choice questions, and
    /// 对/错, √/×, T/F, Y/N … for judge questions. `None` when it is not an answer to a
    /// question of this kind with this many options.
    pub fn parse(text: &str, kind: Kind, options: usize) -> Option<Response> {
        match kind {
            Kind::Judge => parse_judge(text).map(Response::Judge),
            _ => match parse_letters(text) {
                LettersValue::Letters(letters) if letters.last().is_some_and(|last| last < options) => {
                    (kind != Kind::Single || letters.len() == 1).then_some(Response::Choice(letters))
                }
                _ => None,
            },
        }
    }

    /// Returns the response whose canonical text ([`Response::canonical`]) is `text`, for a
    /// question of this kind: `F` is option F of a choice question but 错 of a judge question,
    /// which the text alone cannot tell (serde's reading of it takes `F` as 错). `None` when
    /// `text` is not the canonical text of an answer of this kind.
    pub fn from_canonical(text: &str, kind: Kind) -> Option<Response> {
        match Answer::from_canonical(text, kind)? {
            Answer::Choice(letters) => Some(Response::Choice(letters)),
            Answer::Judge(truth) => Some(Response::Judge(truth)),
        }
    }

    /// Returns the canonical text: letters in order, or `T`/`F`.
    pub fn canonical(&self) -> String {
        match self {
            Response::Choice(letters) => letters.to_string(),
            Response::Judge(true) => "T".to_owned(),
            Response::Judge(false) => "F".to_owned(),
        }
    }
}

impl Serialize for Response {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.canonical())
    }
}

impl<'de> Deserialize<'de> for Response {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        match text.parse::<Answer>() {
            Ok(Answer::Choice(letters)) => Ok(Response::Choice(letters)),
            Ok(Answer::Judge(truth)) => Ok(Response::Judge(truth)),
            Err(error) => Err(serde::de::Error::custom(error)),
            #[allow(unreachable_patterns)]
            Ok(_) => Err(serde::de::Error::custom("unknown answer")),
        }
    }
}

/// Returns the points an answer to one paper question earns (0 for no answer).
pub fn mark(question: &PaperQuestion, response: Option<&Response>) -> f64 {
    let Some(response) = response else { return 0.0 };
    match (question.key, *response) {
        (Answer::Judge(key), Response::Judge(given)) if key == given => question.points,
        (Answer::Choice(key), Response::Choice(given)) => {
            if given == key {
                return question.points;
            }
            let no_wrong_pick = given.bits() & !key.bits() == 0 && !given.is_empty();
            match (question.kind, question.scoring) {
                (Kind::Multiple, Scoring::Partial) if no_wrong_pick => {
                    question.points * given.len() as f64 / key.len() as f64
                }
                (Kind::Multiple, Scoring::Half) if no_wrong_pick => question.points / 2.0,
                _ => 0.0,
            }
        }
        _ => 0.0,
    }
}

/// The marks of a paper.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Score {
    /// Points earned by each question, in paper order.
    pub marks: Vec<f64>,
    /// The sum of the marks.
    pub total: f64,
    /// The most a paper could earn.
    pub max: f64,
}

/// A scored attempt: the score, whether it passed, and its band.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Outcome {
    /// The marks.
    pub score: Score,
    /// Whether the score reaches the pass mark.
    pub passed: bool,
    /// The band, such as 优秀 or 不合格.
    pub band: String,
}

impl Outcome {
    /// Returns an outcome from its parts (as a store reads it back).
    pub fn new(marks: Vec<f64>, total: f64, max: f64, passed: bool, band: String) -> Outcome {
        Outcome { score: Score { marks, total, max }, passed, band }
    }
}

/// Returns the score of a paper for these responses (by question, in paper order; a
/// missing response earns nothing).
pub fn score(paper: &Paper, responses: &[Option<Response>]) -> Score {
    let marks: Vec<f64> = paper
        .questions
        .iter()
        .enumerate()
        .map(|(i, q)| mark(q, responses.get(i).and_then(Option::as_ref)))
        .collect();
    let total = super::spec::round3(marks.iter().sum());
    Score { marks, total, max: paper.total_points }
}

/// Returns the outcome of a paper for these responses under these grading rules.
pub fn grade(paper: &Paper, responses: &[Option<Response>], grading: &Grading) -> Outcome {
    let score = score(paper, responses);
    Outcome { passed: grading.passed(score.total), band: grading.band(score.total).to_owned(), score }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn question(kind: Kind, key: Answer, scoring: Scoring) -> PaperQuestion {
        PaperQuestion {
            number: 1,
            bank: "b".into(),
            id: "1".into(),
            version: 1,
            content_hash: String::new(),
            kind,
            stem: "s".into(),
            options: vec!["a".into(), "b".into(), "c".into(), "d".into()],
            order: vec![0, 1, 2, 3],
            key,
            points: 2.0,
            scoring,
            explanation: String::new(),
            law: String::new(),
            article: String::new(),
        }
    }

    fn letters(text: &str) -> Response {
        Response::parse(text, Kind::Multiple, 4).expect("letters")
    }

    #[test]
    fn multiple_choice_under_each_rule() {
        let key = Answer::Choice(Letters::empty().with(0).with(1).with(2));
        let cases = [
            ("ABC", [2.0, 2.0, 2.0]),
            ("AB", [0.0, 2.0 * 2.0 / 3.0, 1.0]),
            ("A", [0.0, 2.0 / 3.0, 1.0]),
            ("ABD", [0.0, 0.0, 0.0]),
            ("ABCD", [0.0, 0.0, 0.0]),
            ("D", [0.0, 0.0, 0.0]),
        ];
        for (given, expected) in cases {
            for (rule, want) in
                [Scoring::AllOrNothing, Scoring::Partial, Scoring::Half].into_iter().zip(expected)
            {
                let got = mark(&question(Kind::Multiple, key, rule), Some(&letters(given)));
                assert!((got - want).abs() < 1e-9, "{given} under {rule:?}: {got} ≠ {want}");
            }
        }
        assert_eq!(mark(&question(Kind::Multiple, key, Scoring::Partial), None), 0.0);
    }

    #[test]
    fn single_and_judge() {
        let single = question(Kind::Single, Answer::Choice(Letters::empty().with(2)), Scoring::AllOrNothing);
        assert_eq!(mark(&single, Response::parse("c", Kind::Single, 4).as_ref()), 2.0);
        assert_eq!(mark(&single, Response::parse("B", Kind::Single, 4).as_ref()), 0.0);
        assert_eq!(Response::parse("BC", Kind::Single, 4), None, "one letter for a single choice");
        assert_eq!(Response::parse("E", Kind::Single, 4), None, "no option E");
        let judge = question(Kind::Judge, Answer::Judge(false), Scoring::AllOrNothing);
        assert_eq!(mark(&judge, Response::parse("×", Kind::Judge, 0).as_ref()), 2.0);
        assert_eq!(mark(&judge, Response::parse("对", Kind::Judge, 0).as_ref()), 0.0);
        assert_eq!(Response::parse("A", Kind::Judge, 0), None);
    }

    #[test]
    fn responses_serialise_as_their_canonical_text() {
        let response = letters("a、c");
        assert_eq!(serde_json::to_string(&response).ok().as_deref(), Some("\"AC\""));
        assert_eq!(serde_json::from_str::<Response>("\"T\"").ok(), Some(Response::Judge(true)));
    }
}
