//! A paper as the generator sees it (each question's kind and number of options), random
//! valid answers, and answers in the canonical text the store keeps ("AC", "T", "F").

use serde::Deserialize;

use crate::rng::Rng;

/// A question's kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// 单选: one letter.
    Single,
    /// 多选: one or more letters.
    Multiple,
    /// 判断: T or F.
    Judge,
}

/// One question of a paper: its kind and how many options it shows.
#[derive(Debug, Clone, Copy)]
pub struct Question {
    pub kind: Kind,
    pub options: u8,
}

/// An answer: for choice questions a bit per letter (A = bit 0), for judge questions
/// 1 (T) or 2 (F). 0 is no answer.
pub type Code = u32;

/// No acknowledged answer.
pub const NONE: Code = 0;
/// A request for this question failed or timed out: what the store holds is not known,
/// so the question is left out of the check.
pub const UNSURE: Code = u32::MAX;

#[derive(Deserialize)]
struct WireQuestion {
    number: u32,
    kind: String,
    options: Vec<serde::de::IgnoredAny>,
}

/// `POST /attempts`' answer, as far as the generator needs it.
#[derive(Deserialize)]
struct WireAttempt {
    attempt: i64,
    questions: Vec<WireQuestion>,
}

/// Reads an attempt: its id and its questions in number order.
pub fn parse_attempt(body: &[u8]) -> Result<(i64, Vec<Question>), String> {
    let wire: WireAttempt = serde_json::from_slice(body).map_err(|e| format!("attempt: {e}"))?;
    let mut questions = Vec::with_capacity(wire.questions.len());
    for (i, q) in wire.questions.iter().enumerate() {
        if q.number as usize != i + 1 {
            return Err(format!("attempt: question {} at position {}", q.number, i + 1));
        }
        let kind = match q.kind.as_str() {
            "single" => Kind::Single,
            "multiple" => Kind::Multiple,
            "judge" => Kind::Judge,
            other => return Err(format!("attempt: unknown kind {other}")),
        };
        let options = u8::try_from(q.options.len()).map_err(|_| "attempt: too many options".to_owned())?;
        if kind != Kind::Judge && !(1..=26).contains(&options) {
            return Err(format!("attempt: question {} has {options} options", q.number));
        }
        questions.push(Question { kind, options });
    }
    Ok((wire.attempt, questions))
}

/// A random valid answer; different from `not` when `not` is an answer and another exists.
pub fn random_answer(question: Question, rng: &mut Rng, not: Code) -> Code {
    for _ in 0..16 {
        let code = match question.kind {
            Kind::Judge => 1 + rng.below(2) as Code,
            Kind::Single => 1 << rng.below(u64::from(question.options)),
            Kind::Multiple => {
                let all = (1u64 << question.options) - 1;
                // A non-empty subset, uniformly.
                (1 + rng.below(all)) as Code
            }
        };
        if code != not {
            return code;
        }
    }
    not
}

/// The canonical text of an answer: letters in order, or T/F.
pub fn text(question: Question, code: Code) -> String {
    match question.kind {
        Kind::Judge => if code == 1 { "T" } else { "F" }.to_owned(),
        Kind::Single | Kind::Multiple => {
            (0..26u8).filter(|bit| code & (1 << bit) != 0).map(|bit| char::from(b'A' + bit)).collect()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_valid_and_canonical() {
        let mut rng = Rng::new(1, 1);
        let single = Question { kind: Kind::Single, options: 4 };
        let multiple = Question { kind: Kind::Multiple, options: 5 };
        let judge = Question { kind: Kind::Judge, options: 0 };
        for _ in 0..200 {
            let s = text(single, random_answer(single, &mut rng, NONE));
            assert!(s.len() == 1 && ("A"..="D").contains(&s.as_str()));
            let m = text(multiple, random_answer(multiple, &mut rng, NONE));
            assert!(!m.is_empty() && m.chars().all(|c| ('A'..='E').contains(&c)));
            let mut sorted: Vec<char> = m.chars().collect();
            sorted.sort_unstable();
            assert_eq!(m, sorted.into_iter().collect::<String>());
            let j = text(judge, random_answer(judge, &mut rng, NONE));
            assert!(j == "T" || j == "F");
        }
        assert_eq!(text(multiple, 0b10101), "ACE");
        assert_ne!(random_answer(judge, &mut rng, 1), 1);
    }

    #[test]
    fn reads_an_attempt() {
        let body = br#"{"attempt":17,"remaining_seconds":60,"questions":[
            {"number":1,"id":"x","kind":"single","options":["a","b","c"],"answer":null},
            {"number":2,"id":"y","kind":"judge","options":[],"answer":null}]}"#;
        let (attempt, questions) = parse_attempt(body).expect("a valid attempt");
        assert_eq!(attempt, 17);
        assert_eq!(questions.len(), 2);
        assert_eq!(questions[0].options, 3);
        assert_eq!(questions[1].kind, Kind::Judge);
    }
}
