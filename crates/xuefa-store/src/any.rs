//! [`AnyStore`]: the store a workspace's settings choose, SQLite or PostgreSQL, as one type
//! the front ends hold. Every trait method goes to the backend's own.

use std::collections::HashSet;
use std::path::Path;

use jiff::Timestamp;
use xuefa_core::exam::{ExamSpec, Outcome, Paper, Pool, PoolQuestion, Response};
use xuefa_core::practice::{BookEntry, Pick};
use xuefa_core::study::{AttendanceMark, StudySession};
use xuefa_core::{Date, Department, Person, Question};

use crate::{
    AccessCode, AttemptRecord, AttemptSummary, BankImport, BankStats, BankSummary, ExamAnswer, ExamRecord,
    ExamSummary, Figures, Graded, Health, ItemMark, LawProgress, LedgerCheck, LoginEnd, MarkVisitor,
    MarkWriter, Mode, PgStore, PracticeCandidate, PracticeFilter, PracticeVisitor, Progress, ResponseSave,
    Result, RosterImport, RosterWriter, Saved, SqliteStore, StoredQuestion,
};

/// A workspace's store: the embedded SQLite file, or a PostgreSQL database.
#[derive(Debug)]
#[allow(clippy::large_enum_variant)]
pub enum AnyStore {
    /// The workspace's `xuefa.db`.
    Sqlite(SqliteStore),
    /// The database `[database] url` names.
    Postgres(PgStore),
}

impl AnyStore {
    /// The backend's name: `sqlite` or `postgres`.
    pub fn backend(&self) -> &'static str {
        match self {
            AnyStore::Sqlite(_) => "sqlite",
            AnyStore::Postgres(_) => "postgres",
        }
    }

    /// Returns the schema version of the database.
    ///
    /// # Errors
    /// Returns a database error.
    pub fn schema_version(&self) -> Result<i64> {
        match self {
            AnyStore::Sqlite(store) => store.schema_version(),
            AnyStore::Postgres(store) => store.schema_version(),
        }
    }
}

impl crate::Store for AnyStore {
    fn import_banks(
        &mut self,
        banks: &[(&str, &[Question])],
        now: Timestamp,
        progress: Progress<'_>,
    ) -> Result<Vec<BankImport>> {
        match self {
            AnyStore::Sqlite(store) => store.import_banks(banks, now, progress),
            AnyStore::Postgres(store) => store.import_banks(banks, now, progress),
        }
    }

    fn banks(&self) -> Result<Vec<BankSummary>> {
        match self {
            AnyStore::Sqlite(store) => store.banks(),
            AnyStore::Postgres(store) => store.banks(),
        }
    }

    fn questions(&self, bank: Option<&str>) -> Result<Vec<StoredQuestion>> {
        match self {
            AnyStore::Sqlite(store) => store.questions(bank),
            AnyStore::Postgres(store) => store.questions(bank),
        }
    }

    fn question_versions(&self, reference: &str) -> Result<Vec<StoredQuestion>> {
        match self {
            AnyStore::Sqlite(store) => store.question_versions(reference),
            AnyStore::Postgres(store) => store.question_versions(reference),
        }
    }

    fn stale_questions(&self, law: &str, since: &str) -> Result<Vec<StoredQuestion>> {
        match self {
            AnyStore::Sqlite(store) => store.stale_questions(law, since),
            AnyStore::Postgres(store) => store.stale_questions(law, since),
        }
    }

    fn bank_stats(&self) -> Result<BankStats> {
        match self {
            AnyStore::Sqlite(store) => store.bank_stats(),
            AnyStore::Postgres(store) => store.bank_stats(),
        }
    }

    fn exams_using_bank(&self, bank: &str) -> Result<Vec<String>> {
        match self {
            AnyStore::Sqlite(store) => store.exams_using_bank(bank),
            AnyStore::Postgres(store) => store.exams_using_bank(bank),
        }
    }

    fn remove_bank(&mut self, bank: &str, force: bool) -> Result<u64> {
        match self {
            AnyStore::Sqlite(store) => store.remove_bank(bank, force),
            AnyStore::Postgres(store) => store.remove_bank(bank, force),
        }
    }

    fn import_roster_each(
        &mut self,
        now: Timestamp,
        fill: &mut dyn FnMut(&mut RosterWriter<'_>) -> bool,
    ) -> Result<Option<RosterImport>> {
        match self {
            AnyStore::Sqlite(store) => store.import_roster_each(now, fill),
            AnyStore::Postgres(store) => store.import_roster_each(now, fill),
        }
    }

    fn people(&self, department: Option<&Department>) -> Result<Vec<Person>> {
        match self {
            AnyStore::Sqlite(store) => store.people(department),
            AnyStore::Postgres(store) => store.people(department),
        }
    }
}

impl crate::ExamStore for AnyStore {
    fn create_exam(
        &mut self,
        spec: &ExamSpec,
        spec_text: &str,
        seed: u64,
        pool: &Pool,
        now: Timestamp,
    ) -> Result<()> {
        match self {
            AnyStore::Sqlite(store) => store.create_exam(spec, spec_text, seed, pool, now),
            AnyStore::Postgres(store) => store.create_exam(spec, spec_text, seed, pool, now),
        }
    }

    fn exams(&self) -> Result<Vec<ExamSummary>> {
        match self {
            AnyStore::Sqlite(store) => store.exams(),
            AnyStore::Postgres(store) => store.exams(),
        }
    }

    fn exam_ids(&self) -> Result<Vec<String>> {
        match self {
            AnyStore::Sqlite(store) => store.exam_ids(),
            AnyStore::Postgres(store) => store.exam_ids(),
        }
    }

    fn exam(&self, id: &str) -> Result<ExamRecord> {
        match self {
            AnyStore::Sqlite(store) => store.exam(id),
            AnyStore::Postgres(store) => store.exam(id),
        }
    }

    fn exam_pool(&self, id: &str) -> Result<Pool> {
        match self {
            AnyStore::Sqlite(store) => store.exam_pool(id),
            AnyStore::Postgres(store) => store.exam_pool(id),
        }
    }

    fn person(&self, employee: &str) -> Result<Option<Person>> {
        match self {
            AnyStore::Sqlite(store) => store.person(employee),
            AnyStore::Postgres(store) => store.person(employee),
        }
    }

    fn attempts(&self, exam: &str, employee: &str) -> Result<Vec<AttemptRecord>> {
        match self {
            AnyStore::Sqlite(store) => store.attempts(exam, employee),
            AnyStore::Postgres(store) => store.attempts(exam, employee),
        }
    }

    fn open_attempts(&self, exam: &str) -> Result<Vec<AttemptRecord>> {
        match self {
            AnyStore::Sqlite(store) => store.open_attempts(exam),
            AnyStore::Postgres(store) => store.open_attempts(exam),
        }
    }

    fn expired_attempts(&self, exam: &str, now: Timestamp) -> Result<Vec<AttemptRecord>> {
        match self {
            AnyStore::Sqlite(store) => store.expired_attempts(exam, now),
            AnyStore::Postgres(store) => store.expired_attempts(exam, now),
        }
    }

    fn roll(&self, exam: &str, each: &mut dyn FnMut(&Person, &[AttemptSummary])) -> Result<()> {
        match self {
            AnyStore::Sqlite(store) => store.roll(exam, each),
            AnyStore::Postgres(store) => store.roll(exam, each),
        }
    }

    fn attempt_summaries(&self, exam: &str) -> Result<Vec<AttemptSummary>> {
        match self {
            AnyStore::Sqlite(store) => store.attempt_summaries(exam),
            AnyStore::Postgres(store) => store.attempt_summaries(exam),
        }
    }

    fn start_attempt(
        &mut self,
        paper: &Paper,
        mode: Mode,
        started_at: Timestamp,
        deadline: Timestamp,
    ) -> Result<i64> {
        match self {
            AnyStore::Sqlite(store) => store.start_attempt(paper, mode, started_at, deadline),
            AnyStore::Postgres(store) => store.start_attempt(paper, mode, started_at, deadline),
        }
    }

    fn save_response(
        &mut self,
        attempt: i64,
        index: usize,
        response: Option<&Response>,
        flagged: bool,
        at: Timestamp,
    ) -> Result<()> {
        match self {
            AnyStore::Sqlite(store) => store.save_response(attempt, index, response, flagged, at),
            AnyStore::Postgres(store) => store.save_response(attempt, index, response, flagged, at),
        }
    }

    fn save_and_submit(
        &mut self,
        attempt: i64,
        paper: &Paper,
        responses: &[(usize, Response)],
        outcome: &Outcome,
        at: Timestamp,
    ) -> Result<()> {
        match self {
            AnyStore::Sqlite(store) => store.save_and_submit(attempt, paper, responses, outcome, at),
            AnyStore::Postgres(store) => store.save_and_submit(attempt, paper, responses, outcome, at),
        }
    }

    fn submit_attempt(
        &mut self,
        attempt: i64,
        paper: &Paper,
        responses: &[Option<Response>],
        outcome: &Outcome,
        at: Timestamp,
    ) -> Result<()> {
        match self {
            AnyStore::Sqlite(store) => store.submit_attempt(attempt, paper, responses, outcome, at),
            AnyStore::Postgres(store) => store.submit_attempt(attempt, paper, responses, outcome, at),
        }
    }

    fn record_graded(&mut self, attempts: &mut dyn Iterator<Item = Graded>) -> Result<u64> {
        match self {
            AnyStore::Sqlite(store) => store.record_graded(attempts),
            AnyStore::Postgres(store) => store.record_graded(attempts),
        }
    }

    fn exam_plan(&self, exam: &str) -> Result<Option<Vec<Vec<usize>>>> {
        match self {
            AnyStore::Sqlite(store) => store.exam_plan(exam),
            AnyStore::Postgres(store) => store.exam_plan(exam),
        }
    }

    fn pool_at(&self, exam: &str, positions: &[usize]) -> Result<Vec<PoolQuestion>> {
        match self {
            AnyStore::Sqlite(store) => store.pool_at(exam, positions),
            AnyStore::Postgres(store) => store.pool_at(exam, positions),
        }
    }

    fn pool_positions(&self, exam: &str, keys: &[String]) -> Result<Vec<usize>> {
        match self {
            AnyStore::Sqlite(store) => store.pool_positions(exam, keys),
            AnyStore::Postgres(store) => store.pool_positions(exam, keys),
        }
    }

    fn pool_keys(&self, exam: &str) -> Result<Vec<(i64, String)>> {
        match self {
            AnyStore::Sqlite(store) => store.pool_keys(exam),
            AnyStore::Postgres(store) => store.pool_keys(exam),
        }
    }

    fn item_marks(
        &mut self,
        exam: &str,
        totals: &mut dyn FnMut(Vec<f64>),
        marks: &mut dyn FnMut(&[ItemMark]),
    ) -> Result<()> {
        match self {
            AnyStore::Sqlite(store) => store.item_marks(exam, totals, marks),
            AnyStore::Postgres(store) => store.item_marks(exam, totals, marks),
        }
    }
}

impl crate::StudyStore for AnyStore {
    fn record_study(
        &mut self,
        sessions: &[StudySession],
        marks: &[AttendanceMark],
        now: Timestamp,
    ) -> Result<()> {
        match self {
            AnyStore::Sqlite(store) => store.record_study(sessions, marks, now),
            AnyStore::Postgres(store) => store.record_study(sessions, marks, now),
        }
    }

    fn write_marks(
        &mut self,
        now: Timestamp,
        fill: &mut dyn FnMut(&mut MarkWriter<'_>) -> bool,
    ) -> Result<u64> {
        match self {
            AnyStore::Sqlite(store) => store.write_marks(now, fill),
            AnyStore::Postgres(store) => store.write_marks(now, fill),
        }
    }

    fn sessions(&self, from: &str, to: &str) -> Result<Vec<StudySession>> {
        match self {
            AnyStore::Sqlite(store) => store.sessions(from, to),
            AnyStore::Postgres(store) => store.sessions(from, to),
        }
    }

    fn all_sessions(&self) -> Result<Vec<StudySession>> {
        match self {
            AnyStore::Sqlite(store) => store.all_sessions(),
            AnyStore::Postgres(store) => store.all_sessions(),
        }
    }

    fn scan_marks(&self, from: &str, to: &str, each: &mut MarkVisitor<'_>) -> Result<()> {
        match self {
            AnyStore::Sqlite(store) => store.scan_marks(from, to, each),
            AnyStore::Postgres(store) => store.scan_marks(from, to, each),
        }
    }
}

impl crate::OnlineStore for AnyStore {
    fn set_access_codes(&mut self, codes: &[AccessCode]) -> Result<()> {
        match self {
            AnyStore::Sqlite(store) => store.set_access_codes(codes),
            AnyStore::Postgres(store) => store.set_access_codes(codes),
        }
    }

    fn revoke_access_codes(&mut self, employees: &[String]) -> Result<u64> {
        match self {
            AnyStore::Sqlite(store) => store.revoke_access_codes(employees),
            AnyStore::Postgres(store) => store.revoke_access_codes(employees),
        }
    }

    fn access_code(&self, employee: &str) -> Result<Option<AccessCode>> {
        match self {
            AnyStore::Sqlite(store) => store.access_code(employee),
            AnyStore::Postgres(store) => store.access_code(employee),
        }
    }

    fn login_failures(&self, keys: &[&str], since: Timestamp) -> Result<Vec<u64>> {
        match self {
            AnyStore::Sqlite(store) => store.login_failures(keys, since),
            AnyStore::Postgres(store) => store.login_failures(keys, since),
        }
    }

    fn record_login_failure(&mut self, keys: &[&str], at: Timestamp, forget: Timestamp) -> Result<()> {
        match self {
            AnyStore::Sqlite(store) => store.record_login_failure(keys, at, forget),
            AnyStore::Postgres(store) => store.record_login_failure(keys, at, forget),
        }
    }

    fn settle_login(
        &mut self,
        keys: &[&str],
        since: Timestamp,
        limit: u64,
        end: LoginEnd<'_>,
    ) -> Result<bool> {
        match self {
            AnyStore::Sqlite(store) => store.settle_login(keys, since, limit, end),
            AnyStore::Postgres(store) => store.settle_login(keys, since, limit, end),
        }
    }

    fn create_web_session(
        &mut self,
        token_hash: &str,
        employee: &str,
        created: Timestamp,
        expires: Timestamp,
    ) -> Result<()> {
        match self {
            AnyStore::Sqlite(store) => store.create_web_session(token_hash, employee, created, expires),
            AnyStore::Postgres(store) => store.create_web_session(token_hash, employee, created, expires),
        }
    }

    fn web_session(&self, token_hash: &str, now: Timestamp) -> Result<Option<String>> {
        match self {
            AnyStore::Sqlite(store) => store.web_session(token_hash, now),
            AnyStore::Postgres(store) => store.web_session(token_hash, now),
        }
    }

    fn end_web_session(&mut self, token_hash: &str, now: Timestamp) -> Result<()> {
        match self {
            AnyStore::Sqlite(store) => store.end_web_session(token_hash, now),
            AnyStore::Postgres(store) => store.end_web_session(token_hash, now),
        }
    }

    fn attempt_by_id(&self, attempt: i64) -> Result<Option<AttemptRecord>> {
        match self {
            AnyStore::Sqlite(store) => store.attempt_by_id(attempt),
            AnyStore::Postgres(store) => store.attempt_by_id(attempt),
        }
    }

    fn save_open_responses(&mut self, saves: &[ResponseSave]) -> Result<Vec<Saved>> {
        match self {
            AnyStore::Sqlite(store) => store.save_open_responses(saves),
            AnyStore::Postgres(store) => store.save_open_responses(saves),
        }
    }

    fn record_attempt_event(&mut self, attempt: i64, kind: &str, at: Timestamp) -> Result<u64> {
        match self {
            AnyStore::Sqlite(store) => store.record_attempt_event(attempt, kind, at),
            AnyStore::Postgres(store) => store.record_attempt_event(attempt, kind, at),
        }
    }

    fn attempt_events(&self, attempt: i64, kind: &str) -> Result<u64> {
        match self {
            AnyStore::Sqlite(store) => store.attempt_events(attempt, kind),
            AnyStore::Postgres(store) => store.attempt_events(attempt, kind),
        }
    }
}

impl crate::Maintenance for AnyStore {
    fn verify_ledger(&mut self) -> Result<LedgerCheck> {
        match self {
            AnyStore::Sqlite(store) => store.verify_ledger(),
            AnyStore::Postgres(store) => store.verify_ledger(),
        }
    }

    fn ledger_head(&mut self) -> Result<(u64, String)> {
        match self {
            AnyStore::Sqlite(store) => store.ledger_head(),
            AnyStore::Postgres(store) => store.ledger_head(),
        }
    }

    fn health(&mut self, now: Timestamp) -> Result<Health> {
        match self {
            AnyStore::Sqlite(store) => store.health(now),
            AnyStore::Postgres(store) => store.health(now),
        }
    }

    fn figures(&mut self) -> Result<Figures> {
        match self {
            AnyStore::Sqlite(store) => store.figures(),
            AnyStore::Postgres(store) => store.figures(),
        }
    }

    fn backup_to(&mut self, path: &Path) -> Result<()> {
        match self {
            AnyStore::Sqlite(store) => store.backup_to(path),
            AnyStore::Postgres(store) => store.backup_to(path),
        }
    }
}

impl crate::PracticeStore for AnyStore {
    fn practice_draw(
        &self,
        employee: &str,
        filter: &PracticeFilter,
        choose: &mut dyn FnMut(&[PracticeCandidate], usize) -> Vec<Pick>,
    ) -> Result<Vec<StoredQuestion>> {
        match self {
            AnyStore::Sqlite(store) => store.practice_draw(employee, filter, choose),
            AnyStore::Postgres(store) => store.practice_draw(employee, filter, choose),
        }
    }

    fn practice_questions(&self, questions: &[(String, String)]) -> Result<Vec<StoredQuestion>> {
        match self {
            AnyStore::Sqlite(store) => store.practice_questions(questions),
            AnyStore::Postgres(store) => store.practice_questions(questions),
        }
    }

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
        match self {
            AnyStore::Sqlite(store) => {
                store.record_practice(employee, question, response, correct, at, day, schedule)
            }
            AnyStore::Postgres(store) => {
                store.record_practice(employee, question, response, correct, at, day, schedule)
            }
        }
    }

    fn practice_progress(&self, employee: &str, day: Date) -> Result<Vec<LawProgress>> {
        match self {
            AnyStore::Sqlite(store) => store.practice_progress(employee, day),
            AnyStore::Postgres(store) => store.practice_progress(employee, day),
        }
    }

    fn practice_taken_attempts(&self, employee: &str) -> Result<HashSet<i64>> {
        match self {
            AnyStore::Sqlite(store) => store.practice_taken_attempts(employee),
            AnyStore::Postgres(store) => store.practice_taken_attempts(employee),
        }
    }

    fn take_exam_answers(
        &mut self,
        employee: &str,
        attempt: i64,
        answers: &[ExamAnswer],
        at: Timestamp,
        schedule: &dyn Fn(Option<BookEntry>, bool, Date) -> Option<BookEntry>,
    ) -> Result<Option<usize>> {
        match self {
            AnyStore::Sqlite(store) => store.take_exam_answers(employee, attempt, answers, at, schedule),
            AnyStore::Postgres(store) => store.take_exam_answers(employee, attempt, answers, at, schedule),
        }
    }

    fn practice_book(&self, employee: &str) -> Result<Vec<(StoredQuestion, BookEntry)>> {
        match self {
            AnyStore::Sqlite(store) => store.practice_book(employee),
            AnyStore::Postgres(store) => store.practice_book(employee),
        }
    }

    fn practice_totals(
        &self,
        from: Date,
        to: Date,
        credit: Option<(f64, f64)>,
        each: &mut PracticeVisitor<'_>,
    ) -> Result<()> {
        match self {
            AnyStore::Sqlite(store) => store.practice_totals(from, to, credit, each),
            AnyStore::Postgres(store) => store.practice_totals(from, to, credit, each),
        }
    }
}
