//! Banks and rosters on PostgreSQL: [`Store`](crate::Store).

use jiff::Timestamp;
use xuefa_core::{Department, Person, Question};

use super::PgStore;
use crate::{BankImport, BankStats, BankSummary, Progress, Result, RosterImport, StoredQuestion};

/// The PostgreSQL side of [`crate::RosterWriter`].
#[derive(Debug)]
pub struct RosterWriter<'a> {
    _tx: std::marker::PhantomData<&'a ()>,
}

impl RosterWriter<'_> {
    pub(crate) fn write_columns(&mut self, _person: &Person, _columns: xuefa_core::RosterColumns) {}
}

impl crate::Store for PgStore {
    #[allow(unused_variables)]
    fn import_banks(
        &mut self,
        banks: &[(&str, &[Question])],
        now: Timestamp,
        progress: Progress<'_>,
    ) -> Result<Vec<BankImport>> {
        Err(super::pending())
    }

    #[allow(unused_variables)]
    fn banks(&self) -> Result<Vec<BankSummary>> {
        Err(super::pending())
    }

    #[allow(unused_variables)]
    fn questions(&self, bank: Option<&str>) -> Result<Vec<StoredQuestion>> {
        Err(super::pending())
    }

    #[allow(unused_variables)]
    fn question_versions(&self, reference: &str) -> Result<Vec<StoredQuestion>> {
        Err(super::pending())
    }

    #[allow(unused_variables)]
    fn stale_questions(&self, law: &str, since: &str) -> Result<Vec<StoredQuestion>> {
        Err(super::pending())
    }

    #[allow(unused_variables)]
    fn bank_stats(&self) -> Result<BankStats> {
        Err(super::pending())
    }

    #[allow(unused_variables)]
    fn exams_using_bank(&self, bank: &str) -> Result<Vec<String>> {
        Err(super::pending())
    }

    #[allow(unused_variables)]
    fn remove_bank(&mut self, bank: &str, force: bool) -> Result<u64> {
        Err(super::pending())
    }

    #[allow(unused_variables)]
    fn import_roster(
        &mut self,
        people: &[&Person],
        now: Timestamp,
        progress: Progress<'_>,
    ) -> Result<RosterImport> {
        Err(super::pending())
    }

    #[allow(unused_variables)]
    fn import_roster_each(
        &mut self,
        now: Timestamp,
        fill: &mut dyn FnMut(&mut crate::RosterWriter<'_>) -> bool,
    ) -> Result<Option<RosterImport>> {
        Err(super::pending())
    }

    #[allow(unused_variables)]
    fn people(&self, department: Option<&Department>) -> Result<Vec<Person>> {
        Err(super::pending())
    }
}
