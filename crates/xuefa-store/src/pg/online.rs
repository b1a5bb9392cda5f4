//! Signing in over the network on PostgreSQL: [`OnlineStore`](crate::OnlineStore).

use jiff::Timestamp;

use super::PgStore;
use crate::{AccessCode, AttemptRecord, ResponseSave, Result, Saved};

impl crate::OnlineStore for PgStore {
    #[allow(unused_variables)]
    fn set_access_codes(&mut self, codes: &[AccessCode]) -> Result<()> {
        Err(super::pending())
    }

    #[allow(unused_variables)]
    fn revoke_access_codes(&mut self, employees: &[String]) -> Result<u64> {
        Err(super::pending())
    }

    #[allow(unused_variables)]
    fn access_code(&self, employee: &str) -> Result<Option<AccessCode>> {
        Err(super::pending())
    }

    #[allow(unused_variables)]
    fn login_failures(&self, keys: &[&str], since: Timestamp) -> Result<Vec<u64>> {
        Err(super::pending())
    }

    #[allow(unused_variables)]
    fn record_login_failure(&mut self, keys: &[&str], at: Timestamp, forget: Timestamp) -> Result<()> {
        Err(super::pending())
    }

    #[allow(unused_variables)]
    fn create_web_session(
        &mut self,
        token_hash: &str,
        employee: &str,
        created: Timestamp,
        expires: Timestamp,
    ) -> Result<()> {
        Err(super::pending())
    }

    #[allow(unused_variables)]
    fn web_session(&self, token_hash: &str, now: Timestamp) -> Result<Option<String>> {
        Err(super::pending())
    }

    #[allow(unused_variables)]
    fn end_web_session(&mut self, token_hash: &str, now: Timestamp) -> Result<()> {
        Err(super::pending())
    }

    #[allow(unused_variables)]
    fn attempt_by_id(&self, attempt: i64) -> Result<Option<AttemptRecord>> {
        Err(super::pending())
    }

    #[allow(unused_variables)]
    fn save_open_responses(&mut self, saves: &[ResponseSave]) -> Result<Vec<Saved>> {
        Err(super::pending())
    }

    #[allow(unused_variables)]
    fn record_attempt_event(&mut self, attempt: i64, kind: &str, at: Timestamp) -> Result<u64> {
        Err(super::pending())
    }

    #[allow(unused_variables)]
    fn attempt_events(&self, attempt: i64, kind: &str) -> Result<u64> {
        Err(super::pending())
    }
}
