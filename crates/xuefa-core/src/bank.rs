//! A bank: the questions of one or more files, checked together (the same id twice is an
//! error naming both places; the same question twice a warning), with lookup by id.

use std::collections::HashMap;

use crate::problem::{Location, Problem, ProblemKind};
use crate::question::{ContentHash, Kind, Question};
use crate::read::{ReadOptions, SourceReport, read};

/// Checked questions, in the order their files gave them.
#[derive(Debug, Clone, Default)]
pub struct Bank {
    questions: Vec<Question>,
    locations: Vec<Location>,
    by_id: HashMap<String, usize>,
}

impl Bank {
    /// Returns the bank of these reports, with the problems found across them: every
    /// problem of each report, then ids used twice and questions given twice.
    ///
    /// The bank holds every question that could be read; when any problem is an error the
    /// caller should not use it (see [`Loaded::has_errors`]).
    pub fn from_reports(reports: impl IntoIterator<Item = SourceReport>) -> Loaded {
        let mut bank = Bank::default();
        let mut problems = Vec::new();
        let mut sources: Vec<String> = Vec::new();
        let mut given: HashMap<String, Location> = HashMap::new();
        let mut by_hash: HashMap<ContentHash, usize> = HashMap::new();
        for report in reports {
            sources.push(report.source.clone());
            problems.extend(report.problems);
            for (id, location) in report.given_ids {
                match given.get(&id) {
                    Some(first) => problems.push(Problem::error(
                        location,
                        ProblemKind::DuplicateId { id, other: first.clone() },
                    )),
                    None => {
                        given.insert(id, location);
                    }
                }
            }
            for (question, location) in report.questions {
                let hash = question.content_hash();
                let first_same = by_hash.get(&hash).map(|&index| bank.locations[index].clone());
                if bank.by_id.contains_key(&question.id) {
                    // A given id used twice is reported above; a derived id used twice means
                    // the same content twice.
                    if !given.contains_key(&question.id)
                        && let Some(other) = first_same
                    {
                        problems.push(Problem::warning(location, ProblemKind::DuplicateContent { other }));
                    }
                    continue;
                }
                match first_same {
                    Some(other) => problems
                        .push(Problem::warning(location.clone(), ProblemKind::DuplicateContent { other })),
                    None => {
                        by_hash.insert(hash, bank.questions.len());
                    }
                }
                bank.by_id.insert(question.id.clone(), bank.questions.len());
                bank.questions.push(question);
                bank.locations.push(location);
            }
        }
        // File order, then sheet and line within each file.
        let source_index = |source: &str| sources.iter().position(|s| s == source).unwrap_or(usize::MAX);
        problems.sort_by_cached_key(|p| {
            (source_index(&p.location.source), p.location.sheet.clone(), p.location.line.unwrap_or(0))
        });
        Loaded { bank, problems }
    }

    /// Returns the bank of one file's bytes, as [`Bank::from_reports`] does for many.
    pub fn read(source: &str, bytes: &[u8], options: &ReadOptions) -> Loaded {
        Bank::from_reports([read(source, bytes, options)])
    }

    /// Returns the questions in order.
    pub fn questions(&self) -> &[Question] {
        &self.questions
    }

    /// Returns the question with this id.
    pub fn get(&self, id: &str) -> Option<&Question> {
        self.by_id.get(id).map(|&index| &self.questions[index])
    }

    /// Returns where the question with this id was read from.
    pub fn location(&self, id: &str) -> Option<&Location> {
        self.by_id.get(id).map(|&index| &self.locations[index])
    }

    /// Returns how many questions the bank holds.
    pub fn len(&self) -> usize {
        self.questions.len()
    }

    /// Returns whether the bank holds no question.
    pub fn is_empty(&self) -> bool {
        self.questions.is_empty()
    }

    /// Returns how many questions there are of each kind, in [`Kind::ALL`] order.
    pub fn count_by_kind(&self) -> [(Kind, usize); 3] {
        Kind::ALL.map(|kind| (kind, self.questions.iter().filter(|q| q.kind == kind).count()))
    }

    /// Returns the bank's questions, consuming it.
    pub fn into_questions(self) -> Vec<Question> {
        self.questions
    }
}

/// A bank with the problems found while reading it.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct Loaded {
    /// The questions that could be read.
    pub bank: Bank,
    /// Every problem, errors and warnings, by file and line.
    pub problems: Vec<Problem>,
}

impl Loaded {
    /// Returns whether any problem is an error, in which case the bank must not be used.
    pub fn has_errors(&self) -> bool {
        self.problems.iter().any(Problem::is_error)
    }

    /// Returns the errors.
    pub fn errors(&self) -> impl Iterator<Item = &Problem> {
        self.problems.iter().filter(|p| p.is_error())
    }

    /// Returns the warnings.
    pub fn warnings(&self) -> impl Iterator<Item = &Problem> {
        self.problems.iter().filter(|p| !p.is_error())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicate_ids_and_content_across_files() {
        let first = read(
            "a.csv",
            "编号,题干,选项A,选项B,答案\n1,甲,a,b,A\n2,乙,a,b,B\n".as_bytes(),
            &ReadOptions::new(),
        );
        let second = read(
            "b.csv",
            "编号,题干,选项A,选项B,答案\n1,丙,a,b,A\n3,乙,a,b,B\n".as_bytes(),
            &ReadOptions::new(),
        );
        let loaded = Bank::from_reports([first, second]);
        let rendered: Vec<String> = loaded.problems.iter().map(|p| p.render(crate::Lang::En)).collect();
        assert_eq!(
            rendered,
            [
                "b.csv:2: error: id `1` is also used at a.csv:2; every question needs its own id",
                "b.csv:3: warning: the same question (stem, options and answer) is also at a.csv:3",
            ]
        );
        assert_eq!(loaded.bank.len(), 3);
        assert_eq!(loaded.bank.get("3").map(|q| q.stem.as_str()), Some("乙"));
    }
}
