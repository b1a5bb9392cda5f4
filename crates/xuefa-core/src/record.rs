//! One question as a file wrote it (raw cells) and the rules that turn it into a
//! [`Question`] or into every problem it has. All readers end here, so every format
//! accepts the same notations and reports the same mistakes in the same words.

use crate::normalize::{
    KindValue, LettersValue, clean_law, fold_width, parse_difficulty, parse_judge, parse_kind, parse_letters,
    parse_points, split_tags, strip_own_marker,
};
use crate::problem::{Location, Problem, ProblemKind};
use crate::question::{Answer, Kind, LETTERS, Letters, MAX_OPTIONS, Question, content_hash};

/// A question's cells before they are understood.
#[derive(Debug, Clone, Default)]
pub(crate) struct RawQuestion {
    pub location: Location,
    pub id: Option<String>,
    pub kind: Option<String>,
    /// The kind a sheet name or a section heading gives (as its text), used when there is
    /// no kind cell.
    pub kind_hint: Option<String>,
    pub stem: String,
    /// Option texts by position (A first); empty strings for empty cells.
    pub options: Vec<String>,
    pub answer: String,
    pub explanation: Vec<String>,
    pub law: Option<String>,
    pub article: Option<String>,
    /// The date of the law's text the question follows.
    pub law_version: Option<String>,
    pub difficulty: Option<String>,
    pub tags: Vec<String>,
    pub points: Option<String>,
}

/// Returns the question these cells make, or `None`, with every problem found.
pub(crate) fn build(raw: RawQuestion, problems: &mut Vec<Problem>) -> Option<Question> {
    let errors_before = problems.iter().filter(|p| p.is_error()).count();
    let location = raw.location.clone();
    let mut error = |kind: ProblemKind| problems.push(Problem::error(location.clone(), kind));

    let stem = raw.stem.trim().to_owned();
    if stem.is_empty() {
        error(ProblemKind::EmptyStem);
    }

    let options = clean_options(&raw.options, &mut error);

    let kind_cell = (raw.kind.as_deref().map(str::trim).filter(|k| !k.is_empty()))
        .or_else(|| raw.kind_hint.as_deref().map(str::trim).filter(|k| !k.is_empty()));
    let declared = match kind_cell {
        Some(cell) => match parse_kind(cell) {
            KindValue::Known(kind) => Ok(Some(kind)),
            KindValue::Unsupported => Err(ProblemKind::UnsupportedKind { value: cell.to_owned() }),
            KindValue::Unknown => Err(ProblemKind::UnknownKind { value: cell.to_owned() }),
        },
        None => Ok(None),
    };
    let declared = match declared {
        Ok(kind) => kind,
        Err(problem) => {
            error(problem);
            return None;
        }
    };

    let answer_text = fold_width(raw.answer.trim());
    let resolved = if answer_text.is_empty() {
        error(ProblemKind::MissingAnswer);
        None
    } else {
        resolve(declared, &options, &answer_text, &mut error)
    };

    let difficulty = match raw.difficulty.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        None => None,
        Some(text) => match parse_difficulty(text) {
            Some(level) => Some(level),
            None => {
                error(ProblemKind::InvalidDifficulty { value: text.to_owned() });
                None
            }
        },
    };
    let law_version = match raw.law_version.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        None => None,
        Some(text) => match crate::roster::parse_date(text) {
            Some(date) => Some(date.to_string()),
            None => {
                error(ProblemKind::InvalidLawVersion { value: text.to_owned() });
                None
            }
        },
    };
    let points = match raw.points.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
        None => None,
        Some(text) => match parse_points(text) {
            Some(points) => Some(points),
            None => {
                error(ProblemKind::InvalidPoints { value: text.to_owned() });
                None
            }
        },
    };

    let (kind, options, answer) = resolved?;
    if problems.iter().filter(|p| p.is_error()).count() > errors_before {
        return None;
    }

    let mut tags = Vec::new();
    for cell in &raw.tags {
        split_tags(cell, &mut tags);
    }
    let mut explanation = String::new();
    for part in raw.explanation.iter().map(|e| e.trim()).filter(|e| !e.is_empty()) {
        if !explanation.contains(part) {
            if !explanation.is_empty() {
                explanation.push('\n');
            }
            explanation.push_str(part);
        }
    }
    let id = match raw.id.as_deref().map(str::trim).filter(|id| !id.is_empty()) {
        Some(id) => id.to_owned(),
        None => derived_id(kind, &stem, &options, &answer),
    };
    Some(Question {
        id,
        kind,
        stem,
        options,
        answer,
        explanation,
        law: raw.law.as_deref().map(clean_law).unwrap_or_default(),
        article: raw.article.as_deref().map(str::trim).unwrap_or_default().to_owned(),
        law_version,
        difficulty,
        tags,
        points,
    })
}

/// Returns the id a question without one gets: `q-` and the start of its content hash, so
/// reading the same file again gives the same ids.
pub(crate) fn derived_id(kind: Kind, stem: &str, options: &[String], answer: &Answer) -> String {
    let hex = content_hash(kind, stem, options, answer).to_hex();
    format!("q-{}", &hex[..12])
}

/// Returns the options up to the last filled one, reporting gaps and excess.
fn clean_options(raw: &[String], error: &mut impl FnMut(ProblemKind)) -> Vec<String> {
    let options: Vec<String> =
        raw.iter().enumerate().map(|(i, text)| strip_own_marker(text, i).to_owned()).collect();
    let Some(last) = options.iter().rposition(|o| !o.is_empty()) else {
        return Vec::new();
    };
    if last >= MAX_OPTIONS {
        error(ProblemKind::TooManyOptions);
    }
    if let Some(missing) = options[..last].iter().position(String::is_empty) {
        let later = options[missing..].iter().position(|o| !o.is_empty()).map_or(last, |p| p + missing);
        error(ProblemKind::OptionGap {
            missing: LETTERS.get(missing).copied().unwrap_or('?'),
            later: LETTERS.get(later).copied().unwrap_or('?'),
        });
    }
    options.into_iter().take(last + 1).collect()
}

/// Returns whether two options are a true/false pair (正确/错误, 对/错, 是/否 …), and the
/// truth of option A.
fn judge_pair(options: &[String]) -> Option<bool> {
    match options {
        [a, b] => {
            let first = parse_judge(a)?;
            (parse_judge(b)? != first).then_some(first)
        }
        _ => None,
    }
}

fn resolve(
    declared: Option<Kind>,
    options: &[String],
    answer: &str,
    error: &mut impl FnMut(ProblemKind),
) -> Option<(Kind, Vec<String>, Answer)> {
    // A choice question whose only options are 正确/错误 with key A or B is a judge question.
    if matches!(declared, None | Some(Kind::Single | Kind::Judge))
        && let Some(a_is_true) = judge_pair(options)
    {
        let truth = match parse_letters(answer) {
            LettersValue::Letters(letters) if letters == Letters::empty().with(0) => Some(a_is_true),
            LettersValue::Letters(letters) if letters == Letters::empty().with(1) => Some(!a_is_true),
            _ => parse_judge(answer),
        };
        return match truth {
            Some(truth) => Some((Kind::Judge, Vec::new(), Answer::Judge(truth))),
            None => {
                error(ProblemKind::JudgeAnswer { value: answer.to_owned() });
                None
            }
        };
    }
    match declared {
        Some(Kind::Judge) => {
            if !options.is_empty() {
                error(ProblemKind::JudgeWithOptions);
                return None;
            }
            match parse_judge(answer) {
                Some(truth) => Some((Kind::Judge, Vec::new(), Answer::Judge(truth))),
                None => {
                    error(ProblemKind::JudgeAnswer { value: answer.to_owned() });
                    None
                }
            }
        }
        None if options.is_empty() => match parse_judge(answer) {
            Some(truth) => Some((Kind::Judge, Vec::new(), Answer::Judge(truth))),
            None => {
                match parse_letters(answer) {
                    LettersValue::Letters(_) => error(ProblemKind::TooFewOptions),
                    _ => error(ProblemKind::InvalidAnswer { value: answer.to_owned() }),
                }
                None
            }
        },
        declared => {
            if options.len() < 2 {
                error(ProblemKind::TooFewOptions);
                return None;
            }
            let letters = match parse_letters(answer) {
                LettersValue::Letters(letters) => letters,
                LettersValue::Repeated(letter) => {
                    error(ProblemKind::RepeatedLetter { letter });
                    return None;
                }
                LettersValue::NotLetters => {
                    if parse_judge(answer).is_some() {
                        error(ProblemKind::ChoiceWithJudgeAnswer { value: answer.to_owned() });
                    } else {
                        error(ProblemKind::InvalidAnswer { value: answer.to_owned() });
                    }
                    return None;
                }
            };
            if let Some(past) = letters.indexes().find(|&i| i >= options.len()) {
                error(ProblemKind::AnswerNotInOptions {
                    letter: LETTERS[past],
                    last: LETTERS[options.len().min(MAX_OPTIONS) - 1],
                });
                return None;
            }
            let kind = declared.unwrap_or(if letters.len() > 1 { Kind::Multiple } else { Kind::Single });
            match kind {
                Kind::Single if letters.len() != 1 => {
                    error(ProblemKind::SingleNeedsOneAnswer { answer: letters.to_string() });
                    None
                }
                Kind::Multiple if letters.len() < 2 => {
                    error(ProblemKind::MultipleNeedsTwoAnswers { answer: letters.to_string() });
                    None
                }
                kind => Some((kind, options.to_vec(), Answer::Choice(letters))),
            }
        }
    }
}

/// Returns the problems of a question built by hand, as the readers would report them.
pub(crate) fn check_question(question: &Question) -> Vec<ProblemKind> {
    let mut kinds = Vec::new();
    if question.id.trim().is_empty() {
        kinds.push(ProblemKind::EmptyId);
    }
    let raw = RawQuestion {
        id: Some(question.id.clone()),
        kind: Some(question.kind.as_str().to_owned()),
        stem: question.stem.clone(),
        options: question.options.clone(),
        answer: question.answer.canonical(),
        difficulty: question.difficulty.map(|d| d.to_string()),
        points: question.points.map(|p| p.to_string()),
        ..RawQuestion::default()
    };
    let mut problems = Vec::new();
    let built = build(raw, &mut problems);
    kinds.extend(problems.into_iter().filter(|p| p.is_error()).map(|p| p.kind));
    if let Some(built) = built
        && (built.kind != question.kind || built.options != question.options || built.stem != question.stem)
    {
        // The question only becomes valid after normalising (for example a 正确/错误 pair
        // that is really a judge question, or options with surrounding spaces).
        kinds.push(ProblemKind::NotCanonical);
    }
    kinds
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(kind: &str, options: &[&str], answer: &str) -> RawQuestion {
        RawQuestion {
            location: Location::line("t.csv", 2),
            kind: (!kind.is_empty()).then(|| kind.to_owned()),
            stem: "题干".into(),
            options: options.iter().map(|o| (*o).to_owned()).collect(),
            answer: answer.into(),
            ..RawQuestion::default()
        }
    }

    fn ok(raw: RawQuestion) -> Question {
        let mut problems = Vec::new();
        let question = build(raw, &mut problems);
        assert!(problems.is_empty(), "{problems:?}");
        question.expect("question builds")
    }

    fn fails(raw: RawQuestion) -> Vec<ProblemKind> {
        let mut problems = Vec::new();
        assert!(build(raw, &mut problems).is_none());
        problems.into_iter().map(|p| p.kind).collect()
    }

    #[test]
    fn kind_is_inferred_from_the_key() {
        assert_eq!(ok(raw("", &["a", "b", "c"], "B")).kind, Kind::Single);
        assert_eq!(ok(raw("", &["a", "b", "c"], "a,c")).kind, Kind::Multiple);
        assert_eq!(ok(raw("", &[], "√")).answer, Answer::Judge(true));
        assert_eq!(ok(raw("", &[], "F")).answer, Answer::Judge(false));
        // F is a letter when there are options to name.
        let question = ok(raw("", &["1", "2", "3", "4", "5", "6"], "F"));
        assert_eq!(question.answer, Answer::Choice(Letters::empty().with(5)));
    }

    #[test]
    fn a_true_false_pair_of_options_is_a_judge_question() {
        let question = ok(raw("单选", &["正确", "错误"], "B"));
        assert_eq!((question.kind, question.answer), (Kind::Judge, Answer::Judge(false)));
        assert!(question.options.is_empty());
        let question = ok(raw("", &["错", "对"], "B"));
        assert_eq!(question.answer, Answer::Judge(true));
        let question = ok(raw("判断", &["是", "否"], "A"));
        assert_eq!(question.answer, Answer::Judge(true));
    }

    #[test]
    fn choice_rules() {
        assert_eq!(
            fails(raw("单选", &["a", "b"], "AB")),
            [ProblemKind::SingleNeedsOneAnswer { answer: "AB".into() }]
        );
        assert_eq!(
            fails(raw("多选", &["a", "b"], "A")),
            [ProblemKind::MultipleNeedsTwoAnswers { answer: "A".into() }]
        );
        assert_eq!(fails(raw("单选", &["a"], "A")), [ProblemKind::TooFewOptions]);
        assert_eq!(
            fails(raw("单选", &["a", "b", "", "d"], "A")),
            [ProblemKind::OptionGap { missing: 'C', later: 'D' }]
        );
        assert_eq!(
            fails(raw("单选", &["a", "b"], "D")),
            [ProblemKind::AnswerNotInOptions { letter: 'D', last: 'B' }]
        );
        assert_eq!(
            fails(raw("单选", &["a", "b"], "对")),
            [ProblemKind::ChoiceWithJudgeAnswer { value: "对".into() }]
        );
        assert_eq!(fails(raw("多选", &["a", "b"], "ABA")), [ProblemKind::RepeatedLetter { letter: 'A' }]);
        assert_eq!(fails(raw("判断", &["a", "b"], "对")), [ProblemKind::JudgeWithOptions]);
        assert_eq!(fails(raw("判断", &[], "A")), [ProblemKind::JudgeAnswer { value: "A".into() }]);
        assert_eq!(fails(raw("", &[], "")), [ProblemKind::MissingAnswer]);
        assert_eq!(fails(raw("填空题", &[], "x")), [ProblemKind::UnsupportedKind { value: "填空题".into() }]);
    }

    #[test]
    fn every_problem_of_a_row_is_reported() {
        let mut row = raw("单选", &["a", "", "c"], "");
        row.stem = " ".into();
        row.difficulty = Some("很简单吗".into());
        row.points = Some("-1".into());
        let kinds = fails(row);
        assert_eq!(kinds.len(), 5, "{kinds:?}");
    }

    #[test]
    fn derived_ids_are_stable_and_depend_on_content() {
        let a = ok(raw("", &["a", "b"], "A"));
        let b = ok(raw("", &["a", "b"], "A"));
        let c = ok(raw("", &["a", "b"], "B"));
        assert_eq!(a.id, b.id);
        assert_ne!(a.id, c.id);
        assert!(a.id.starts_with("q-"));
    }

    #[test]
    fn explanations_from_two_columns_are_joined_once() {
        let mut row = raw("", &["a", "b"], "A");
        row.explanation = vec!["依据第一条。".into(), "依据第一条。".into(), "另见第二条。".into()];
        assert_eq!(ok(row).explanation, "依据第一条。\n另见第二条。");
    }

    #[test]
    fn hand_built_questions_are_checked() {
        let good = Question::new("1", Kind::Judge, "s", Vec::new(), Answer::Judge(true));
        assert!(good.check().is_empty());
        let bad = Question::new(
            "",
            Kind::Multiple,
            "s",
            vec!["a".into(), "b".into()],
            Answer::Choice(Letters::empty().with(0)),
        );
        assert_eq!(bad.check().len(), 2);
    }
}
