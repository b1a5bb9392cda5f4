//! Exams, attempts and answers on PostgreSQL: [`ExamStore`](crate::ExamStore).

use jiff::Timestamp;
use xuefa_core::Person;
use xuefa_core::exam::{ExamSpec, Outcome, Paper, Pool, PoolQuestion, Response};

use super::PgStore;
use crate::{AttemptRecord, AttemptSummary, ExamRecord, ExamSummary, Graded, ItemMark, Mode, Result};

impl crate::ExamStore for PgStore {
    #[allow(unused_variables)]
    fn create_exam(
        &mut self,
        spec: &ExamSpec,
        spec_text: &str,
        seed: u64,
        pool: &Pool,
        now: Timestamp,
    ) -> Result<()> {
        Err(super::pending())
    }

    #[allow(unused_variables)]
    fn exams(&self) -> Result<Vec<ExamSummary>> {
        Err(super::pending())
    }

    #[allow(unused_variables)]
    fn exam_ids(&self) -> Result<Vec<String>> {
        Err(super::pending())
    }

    #[allow(unused_variables)]
    fn exam(&self, id: &str) -> Result<ExamRecord> {
        Err(super::pending())
    }

    #[allow(unused_variables)]
    fn exam_pool(&self, id: &str) -> Result<Pool> {
        Err(super::pending())
    }

    #[allow(unused_variables)]
    fn person(&self, employee: &str) -> Result<Option<Person>> {
        Err(super::pending())
    }

    #[allow(unused_variables)]
    fn attempts(&self, exam: &str, employee: &str) -> Result<Vec<AttemptRecord>> {
        Err(super::pending())
    }

    #[allow(unused_variables)]
    fn open_attempts(&self, exam: &str) -> Result<Vec<AttemptRecord>> {
        Err(super::pending())
    }

    #[allow(unused_variables)]
    fn expired_attempts(&self, exam: &str, now: Timestamp) -> Result<Vec<AttemptRecord>> {
        Err(super::pending())
    }

    #[allow(unused_variables)]
    fn roll(&self, exam: &str, each: &mut dyn FnMut(&Person, &[AttemptSummary])) -> Result<()> {
        Err(super::pending())
    }

    #[allow(unused_variables)]
    fn attempt_summaries(&self, exam: &str) -> Result<Vec<AttemptSummary>> {
        Err(super::pending())
    }

    #[allow(unused_variables)]
    fn start_attempt(
        &mut self,
        paper: &Paper,
        mode: Mode,
        started_at: Timestamp,
        deadline: Timestamp,
    ) -> Result<i64> {
        Err(super::pending())
    }

    #[allow(unused_variables)]
    fn save_response(
        &mut self,
        attempt: i64,
        index: usize,
        response: Option<&Response>,
        flagged: bool,
        at: Timestamp,
    ) -> Result<()> {
        Err(super::pending())
    }

    #[allow(unused_variables)]
    fn save_and_submit(
        &mut self,
        attempt: i64,
        paper: &Paper,
        responses: &[(usize, Response)],
        outcome: &Outcome,
        at: Timestamp,
    ) -> Result<()> {
        Err(super::pending())
    }

    #[allow(unused_variables)]
    fn submit_attempt(
        &mut self,
        attempt: i64,
        paper: &Paper,
        responses: &[Option<Response>],
        outcome: &Outcome,
        at: Timestamp,
    ) -> Result<()> {
        Err(super::pending())
    }

    #[allow(unused_variables)]
    fn record_graded(&mut self, attempts: &mut dyn Iterator<Item = Graded>) -> Result<u64> {
        Err(super::pending())
    }

    #[allow(unused_variables)]
    fn exam_plan(&self, exam: &str) -> Result<Option<Vec<Vec<usize>>>> {
        Err(super::pending())
    }

    #[allow(unused_variables)]
    fn pool_at(&self, exam: &str, positions: &[usize]) -> Result<Vec<PoolQuestion>> {
        Err(super::pending())
    }

    #[allow(unused_variables)]
    fn pool_positions(&self, exam: &str, keys: &[String]) -> Result<Vec<usize>> {
        Err(super::pending())
    }

    #[allow(unused_variables)]
    fn pool_keys(&self, exam: &str) -> Result<Vec<(i64, String)>> {
        Err(super::pending())
    }

    #[allow(unused_variables)]
    fn item_marks(
        &mut self,
        exam: &str,
        totals: &mut dyn FnMut(Vec<f64>),
        marks: &mut dyn FnMut(&[ItemMark]),
    ) -> Result<()> {
        Err(super::pending())
    }
}
