//! Practice and the wrong-answer book on PostgreSQL: [`PracticeStore`](crate::PracticeStore).

use std::collections::HashSet;

use jiff::Timestamp;
use xuefa_core::Date;
use xuefa_core::practice::{BookEntry, Pick};

use super::PgStore;
use crate::{
    ExamAnswer, LawProgress, PracticeCandidate, PracticeFilter, PracticeVisitor, Result, StoredQuestion,
};

impl crate::PracticeStore for PgStore {
    #[allow(unused_variables)]
    fn practice_draw(
        &self,
        employee: &str,
        filter: &PracticeFilter,
        choose: &mut dyn FnMut(&[PracticeCandidate], usize) -> Vec<Pick>,
    ) -> Result<Vec<StoredQuestion>> {
        Err(super::pending())
    }

    #[allow(unused_variables)]
    fn practice_questions(&self, questions: &[(String, String)]) -> Result<Vec<StoredQuestion>> {
        Err(super::pending())
    }

    #[allow(unused_variables)]
    fn record_practice(
        &mut self,
        employee: &str,
        question: &StoredQuestion,
        response: &str,
        correct: bool,
        at: Timestamp,
        day: Date,
        schedule: &dyn Fn(Option<BookEntry>) -> Option<BookEntry>,
    ) -> Result<(Option<BookEntry>, Option<BookEntry>)> {
        Err(super::pending())
    }

    #[allow(unused_variables)]
    fn practice_progress(&self, employee: &str, day: Date) -> Result<Vec<LawProgress>> {
        Err(super::pending())
    }

    #[allow(unused_variables)]
    fn practice_taken_attempts(&self, employee: &str) -> Result<HashSet<i64>> {
        Err(super::pending())
    }

    #[allow(unused_variables)]
    fn take_exam_answers(
        &mut self,
        employee: &str,
        attempt: i64,
        answers: &[ExamAnswer],
        at: Timestamp,
        schedule: &dyn Fn(Option<BookEntry>, bool, Date) -> Option<BookEntry>,
    ) -> Result<Option<usize>> {
        Err(super::pending())
    }

    #[allow(unused_variables)]
    fn practice_book(&self, employee: &str) -> Result<Vec<(StoredQuestion, BookEntry)>> {
        Err(super::pending())
    }

    #[allow(unused_variables)]
    fn practice_totals(
        &self,
        from: Date,
        to: Date,
        credit: Option<(f64, f64)>,
        each: &mut PracticeVisitor<'_>,
    ) -> Result<()> {
        Err(super::pending())
    }
}
