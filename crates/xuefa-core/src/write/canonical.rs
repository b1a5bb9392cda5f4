//! The canonical, lossless JSON form of a question, and serde for [`Question`] through it.

use serde::{Deserialize, Serialize};

use crate::problem::Location;
use crate::question::{Kind, Question};
use crate::record::{RawQuestion, build};

/// A question as canonical JSON holds it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CanonicalQuestion {
    /// The stable id.
    pub id: String,
    /// `single`, `multiple` or `judge`.
    pub kind: Kind,
    /// The question text.
    pub stem: String,
    /// The options in order; empty for judge questions.
    pub options: Vec<String>,
    /// Letters in order such as `AC`, or `T`/`F` for judge questions.
    pub answer: String,
    /// The explanation; empty when there is none.
    pub explanation: String,
    /// The law; empty when there is none.
    pub law: String,
    /// The article; empty when there is none.
    pub article: String,
    /// The date of the law's text the question follows; absent when the bank gives none
    /// (so banks without it hash and serialise as before).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub law_version: Option<String>,
    /// 1 to 5, or null.
    pub difficulty: Option<u8>,
    /// Topic tags.
    pub tags: Vec<String>,
    /// Points, or null.
    pub points: Option<f64>,
}

impl From<&Question> for CanonicalQuestion {
    fn from(question: &Question) -> Self {
        CanonicalQuestion {
            id: question.id.clone(),
            kind: question.kind,
            stem: question.stem.clone(),
            options: question.options.clone(),
            answer: question.answer.canonical(),
            explanation: question.explanation.clone(),
            law: question.law.clone(),
            article: question.article.clone(),
            law_version: question.law_version.clone(),
            difficulty: question.difficulty,
            tags: question.tags.clone(),
            points: question.points,
        }
    }
}

impl From<Question> for CanonicalQuestion {
    fn from(question: Question) -> Self {
        CanonicalQuestion::from(&question)
    }
}

impl TryFrom<CanonicalQuestion> for Question {
    type Error = String;

    /// Returns the question after the same checks every reader applies; the error lists
    /// every problem in English.
    fn try_from(canonical: CanonicalQuestion) -> Result<Self, Self::Error> {
        let raw = RawQuestion {
            location: Location::file("json"),
            id: Some(canonical.id),
            kind: Some(canonical.kind.as_str().to_owned()),
            stem: canonical.stem,
            options: canonical.options,
            answer: canonical.answer,
            explanation: vec![canonical.explanation],
            law: Some(canonical.law),
            article: Some(canonical.article),
            law_version: canonical.law_version,
            difficulty: canonical.difficulty.map(|d| d.to_string()),
            tags: canonical.tags,
            points: canonical.points.map(|p| p.to_string()),
            kind_hint: None,
        };
        let mut problems = Vec::new();
        build(raw, &mut problems)
            .ok_or_else(|| problems.iter().map(|p| p.message(crate::Lang::En)).collect::<Vec<_>>().join("; "))
    }
}
