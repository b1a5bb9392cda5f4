//! Study sessions and sign-in sheets on PostgreSQL: [`StudyStore`](crate::StudyStore).

use jiff::Timestamp;
use xuefa_core::study::{AttendanceMark, StudySession};

use super::PgStore;
use crate::{MarkVisitor, Named, Result};

/// The PostgreSQL side of [`crate::MarkWriter`].
#[derive(Debug)]
pub struct MarkWriter<'a> {
    _tx: std::marker::PhantomData<&'a ()>,
}

impl MarkWriter<'_> {
    pub(crate) fn person(&mut self, _employee: &str) -> Result<Option<Named>> {
        Err(super::pending())
    }

    pub(crate) fn people_named(&self, _name: &str) -> Result<Vec<Named>> {
        Err(super::pending())
    }

    pub(crate) fn everyone(&self) -> Result<Vec<Named>> {
        Err(super::pending())
    }

    pub(crate) fn write(&mut self, _mark: &AttendanceMark) {}
}

impl crate::StudyStore for PgStore {
    #[allow(unused_variables)]
    fn record_study(
        &mut self,
        sessions: &[StudySession],
        marks: &[AttendanceMark],
        now: Timestamp,
    ) -> Result<()> {
        Err(super::pending())
    }

    #[allow(unused_variables)]
    fn write_marks(
        &mut self,
        now: Timestamp,
        fill: &mut dyn FnMut(&mut crate::MarkWriter<'_>) -> bool,
    ) -> Result<u64> {
        Err(super::pending())
    }

    #[allow(unused_variables)]
    fn sessions(&self, from: &str, to: &str) -> Result<Vec<StudySession>> {
        Err(super::pending())
    }

    #[allow(unused_variables)]
    fn all_sessions(&self) -> Result<Vec<StudySession>> {
        Err(super::pending())
    }

    #[allow(unused_variables)]
    fn scan_marks(&self, from: &str, to: &str, each: &mut MarkVisitor<'_>) -> Result<()> {
        Err(super::pending())
    }
}
