//! The ledger, health and figures on PostgreSQL: [`Maintenance`](crate::Maintenance).

use std::path::Path;

use jiff::Timestamp;

use super::PgStore;
use crate::{Figures, Health, LedgerCheck, Result};

impl crate::Maintenance for PgStore {
    #[allow(unused_variables)]
    fn verify_ledger(&mut self) -> Result<LedgerCheck> {
        Err(super::pending())
    }

    #[allow(unused_variables)]
    fn ledger_head(&mut self) -> Result<(u64, String)> {
        Err(super::pending())
    }

    #[allow(unused_variables)]
    fn health(&mut self, now: Timestamp) -> Result<Health> {
        Err(super::pending())
    }

    #[allow(unused_variables)]
    fn figures(&mut self) -> Result<Figures> {
        Err(super::pending())
    }

    #[allow(unused_variables)]
    fn backup_to(&mut self, path: &Path) -> Result<()> {
        Err(super::pending())
    }
}
