//! The state of one sitting as a plain state machine: the paper, the answers and flags so
//! far, the question in view and the deadline. The terminal UI, the line-by-line mode and any
//! web service drive the same engine; it never reads a clock (the caller passes `now`).

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::paper::Paper;
use super::score::{Outcome, Response, grade};
use super::spec::Grading;

/// Why the engine refused a step.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SittingError {
    /// The sitting was submitted already.
    #[error("the attempt has been submitted")]
    Submitted,
    /// The time is up; the sitting must be submitted with what it has.
    #[error("the time is up")]
    TimeUp,
    /// There is no question with this number.
    #[error("there is no question {0}")]
    NoSuchQuestion(usize),
    /// The response does not fit the question (a letter it lacks, two letters for a single
    /// choice, true/false for a choice question …).
    #[error("that is not an answer to question {0}")]
    WrongAnswer(usize),
}

/// One sitting of one attempt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sitting {
    paper: Paper,
    grading: Grading,
    deadline: Timestamp,
    responses: Vec<Option<Response>>,
    flags: Vec<bool>,
    current: usize,
    outcome: Option<Outcome>,
}

impl Sitting {
    /// Returns a new sitting of a paper that must be submitted by `deadline`.
    pub fn new(paper: Paper, grading: Grading, deadline: Timestamp) -> Sitting {
        let count = paper.questions.len();
        Sitting {
            paper,
            grading,
            deadline,
            responses: vec![None; count],
            flags: vec![false; count],
            current: 0,
            outcome: None,
        }
    }

    /// Returns a sitting resumed with the responses and flags saved so far (by question
    /// index, from 0). Entries past the paper's end are ignored.
    pub fn resume(
        paper: Paper,
        grading: Grading,
        deadline: Timestamp,
        saved: impl IntoIterator<Item = (usize, Option<Response>, bool)>,
    ) -> Sitting {
        let mut sitting = Sitting::new(paper, grading, deadline);
        for (index, response, flagged) in saved {
            if index < sitting.responses.len() {
                sitting.responses[index] = response;
                sitting.flags[index] = flagged;
            }
        }
        sitting.current = sitting.responses.iter().position(Option::is_none).unwrap_or(0);
        sitting
    }

    /// Returns the paper.
    pub fn paper(&self) -> &Paper {
        &self.paper
    }

    /// Returns the number of questions.
    pub fn len(&self) -> usize {
        self.paper.questions.len()
    }

    /// Returns whether the paper has no question.
    pub fn is_empty(&self) -> bool {
        self.paper.questions.is_empty()
    }

    /// Returns the index (from 0) of the question in view.
    pub fn current(&self) -> usize {
        self.current
    }

    /// Returns the response to a question, if any.
    pub fn response(&self, index: usize) -> Option<&Response> {
        self.responses.get(index).and_then(Option::as_ref)
    }

    /// Returns the responses by question index.
    pub fn responses(&self) -> &[Option<Response>] {
        &self.responses
    }

    /// Returns whether a question is flagged for review.
    pub fn is_flagged(&self, index: usize) -> bool {
        self.flags.get(index).copied().unwrap_or(false)
    }

    /// Returns the deadline.
    pub fn deadline(&self) -> Timestamp {
        self.deadline
    }

    /// Returns the whole seconds left at `now` (0 once the time is up).
    pub fn remaining_seconds(&self, now: Timestamp) -> i64 {
        (self.deadline.as_second() - now.as_second()).max(0)
    }

    /// Returns whether the time is up at `now`.
    pub fn is_expired(&self, now: Timestamp) -> bool {
        now >= self.deadline
    }

    /// Returns the outcome once submitted.
    pub fn outcome(&self) -> Option<&Outcome> {
        self.outcome.as_ref()
    }

    /// Returns how many questions have an answer.
    pub fn answered(&self) -> usize {
        self.responses.iter().filter(|r| r.is_some()).count()
    }

    /// Returns the indexes of the questions without an answer.
    pub fn unanswered(&self) -> Vec<usize> {
        (0..self.len()).filter(|&i| self.responses[i].is_none()).collect()
    }

    /// Returns the indexes of the flagged questions.
    pub fn flagged(&self) -> Vec<usize> {
        (0..self.len()).filter(|&i| self.flags[i]).collect()
    }

    fn open(&self, now: Timestamp) -> Result<(), SittingError> {
        if self.outcome.is_some() {
            Err(SittingError::Submitted)
        } else if self.is_expired(now) {
            Err(SittingError::TimeUp)
        } else {
            Ok(())
        }
    }

    fn check_index(&self, index: usize) -> Result<(), SittingError> {
        if index < self.len() { Ok(()) } else { Err(SittingError::NoSuchQuestion(index + 1)) }
    }

    /// Answers a question (replacing an earlier answer) at `now`.
    ///
    /// # Errors
    /// Refuses after submission or the deadline, an unknown question, and a response that
    /// does not fit the question.
    pub fn answer(&mut self, index: usize, response: Response, now: Timestamp) -> Result<(), SittingError> {
        self.open(now)?;
        self.check_index(index)?;
        let question = &self.paper.questions[index];
        let fits = match response {
            Response::Judge(_) => question.kind == crate::Kind::Judge,
            Response::Choice(letters) => {
                question.kind != crate::Kind::Judge
                    && letters.last().is_some_and(|last| last < question.options.len())
                    && (question.kind != crate::Kind::Single || letters.len() == 1)
            }
        };
        if !fits {
            return Err(SittingError::WrongAnswer(index + 1));
        }
        self.responses[index] = Some(response);
        Ok(())
    }

    /// Removes the answer to a question.
    ///
    /// # Errors
    /// As [`Sitting::answer`].
    pub fn clear(&mut self, index: usize, now: Timestamp) -> Result<(), SittingError> {
        self.open(now)?;
        self.check_index(index)?;
        self.responses[index] = None;
        Ok(())
    }

    /// Flags or unflags a question for review; returns whether it is flagged now.
    ///
    /// # Errors
    /// As [`Sitting::answer`].
    pub fn toggle_flag(&mut self, index: usize, now: Timestamp) -> Result<bool, SittingError> {
        self.open(now)?;
        self.check_index(index)?;
        self.flags[index] = !self.flags[index];
        Ok(self.flags[index])
    }

    /// Moves to a question.
    ///
    /// # Errors
    /// Refuses an unknown question.
    pub fn go(&mut self, index: usize) -> Result<(), SittingError> {
        self.check_index(index)?;
        self.current = index;
        Ok(())
    }

    /// Moves to the next question, staying on the last.
    pub fn next(&mut self) {
        self.current = (self.current + 1).min(self.len().saturating_sub(1));
    }

    /// Moves to the previous question, staying on the first.
    pub fn previous(&mut self) {
        self.current = self.current.saturating_sub(1);
    }

    /// Submits the sitting and returns its outcome. Submitting again returns the same
    /// outcome; after the deadline it scores what was answered before it.
    pub fn submit(&mut self) -> &Outcome {
        self.outcome.get_or_insert_with(|| grade(&self.paper, &self.responses, &self.grading))
    }
}
