//! Study sessions and sign-in sheets on PostgreSQL: [`StudyStore`](crate::StudyStore).

use std::cell::RefCell;

use jiff::Timestamp;
use postgres::fallible_iterator::FallibleIterator;
use postgres::{Statement, Transaction};
use xuefa_core::study::{AttendanceMark, StudySession};

use super::ledger::Chain;
use super::{Lock, PgStore};
use crate::ledger::{MARK, mark_digest};
use crate::study::session_from;
use crate::{MarkBackend, MarkVisitor, Named, Result, StoreError};

const INSERT_MARK: &str = "INSERT INTO attendance (session_id, employee_id, status, hours, recorded_at) \
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (session_id, employee_id) DO UPDATE SET status = excluded.status, \
     hours = excluded.hours, recorded_at = excluded.recorded_at";

const PEOPLE: &str = "SELECT p.id, p.employee_id, p.name, d.path FROM people p \
     JOIN departments d ON d.id = p.department_id";

/// The PostgreSQL side of [`crate::MarkWriter`].
///
/// It works in a savepoint of the write's transaction, which it holds (and so borrows the
/// transaction) while `fill` runs: the marks and the people looked up go through it, and a
/// sheet that keeps nothing rolls back to it. A mark refused by the database leaves the
/// transaction aborted, as PostgreSQL does: the marks after it are not written (as on
/// SQLite) and the lookups after it fail too (on SQLite they still answer); the write
/// returns the refusal either way.
pub struct MarkWriter<'a> {
    tx: RefCell<Transaction<'a>>,
    insert: Statement,
    find: Statement,
    named: Statement,
    chain: Chain,
    now: String,
    written: u64,
    failed: Option<StoreError>,
}

impl std::fmt::Debug for MarkWriter<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MarkWriter")
            .field("chain", &self.chain)
            .field("now", &self.now)
            .field("written", &self.written)
            .field("failed", &self.failed)
            .finish_non_exhaustive()
    }
}

fn named(row: &postgres::Row) -> Result<Named> {
    Ok((row.try_get(0)?, row.try_get(1)?, row.try_get(2)?, row.try_get(3)?))
}

impl<'a> MarkWriter<'a> {
    /// Returns the person with this employee id.
    ///
    /// # Errors
    /// Returns a database error.
    pub(crate) fn person(&mut self, employee: &str) -> Result<Option<Named>> {
        let tx = self.tx.get_mut();
        match tx.query_opt(&self.find, &[&employee])? {
            Some(row) => Ok(Some(named(&row)?)),
            None => Ok(None),
        }
    }

    /// Returns the people with this name (two people may share one), by employee id.
    ///
    /// # Errors
    /// Returns a database error.
    pub(crate) fn people_named(&self, name: &str) -> Result<Vec<Named>> {
        let rows = self.transaction()?.query(&self.named, &[&name])?;
        rows.iter().map(named).collect()
    }

    /// Returns everyone on the roster (for suggesting a name).
    ///
    /// # Errors
    /// Returns a database error.
    pub(crate) fn everyone(&self) -> Result<Vec<Named>> {
        let rows = self.transaction()?.query(&format!("{PEOPLE} ORDER BY p.employee_id"), &[])?;
        rows.iter().map(named).collect()
    }

    fn transaction(&self) -> Result<std::cell::RefMut<'_, Transaction<'a>>> {
        // Each call takes the transaction for itself only; nothing here calls back into
        // the writer while it holds it.
        self.tx.try_borrow_mut().map_err(|_| StoreError::Corrupt("the mark writer is in use".into()))
    }

    /// Writes one mark (replacing an earlier mark of the person at the session). After a
    /// database error nothing more is written and the transaction is rolled back.
    pub(crate) fn write(&mut self, mark: &AttendanceMark) {
        if self.failed.is_some() {
            return;
        }
        let tx = self.tx.get_mut();
        let status = mark.status.as_str();
        let result = tx
            .execute(&self.insert, &[&mark.session, &mark.employee, &status, &mark.hours, &self.now])
            .map_err(StoreError::from)
            .and_then(|_| {
                let content = mark_digest(&mark.session, &mark.employee, status, mark.hours, &self.now);
                self.chain.append(tx, MARK, &mark.session, &mark.employee, 0, &content)
            });
        match result {
            Ok(()) => self.written += 1,
            Err(error) => self.failed = Some(error),
        }
    }
}

const SESSIONS: &str = "SELECT id, date, kind, title, hours, organiser, place, expected, headcount, materials \
     FROM study_sessions";

fn sessions_of(rows: &[postgres::Row]) -> Result<Vec<StudySession>> {
    rows.iter()
        .map(|row| {
            session_from((
                row.try_get(0)?,
                row.try_get(1)?,
                row.try_get(2)?,
                row.try_get(3)?,
                row.try_get(4)?,
                row.try_get(5)?,
                row.try_get(6)?,
                row.try_get(7)?,
                row.try_get(8)?,
                row.try_get(9)?,
            ))
        })
        .collect()
}

impl crate::StudyStore for PgStore {
    fn record_study(
        &mut self,
        sessions: &[StudySession],
        marks: &[AttendanceMark],
        now: Timestamp,
    ) -> Result<()> {
        let now = now.to_string();
        self.write(Lock::Writer, |tx| {
            let insert = tx.prepare(
                "INSERT INTO study_sessions (id, date, kind, title, hours, organiser, place, expected, headcount, \
                 materials, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
                 ON CONFLICT (id) DO UPDATE SET date = excluded.date, kind = excluded.kind, title = excluded.title, \
                 hours = excluded.hours, organiser = excluded.organiser, place = excluded.place, \
                 expected = excluded.expected, headcount = excluded.headcount, materials = excluded.materials",
            )?;
            for session in sessions {
                let expected = serde_json::to_string(&session.expected)
                    .map_err(|e| StoreError::Corrupt(e.to_string()))?;
                // As SQLite stores them: a count past i64's range wraps and reads back whole.
                let headcount = session.headcount.map(|n| n as i64);
                let materials = session.materials.map(|n| n as i64);
                tx.execute(
                    &insert,
                    &[
                        &session.id,
                        &session.date.to_string(),
                        &session.kind.as_str(),
                        &session.title,
                        &session.hours,
                        &session.organiser,
                        &session.place,
                        &expected,
                        &headcount,
                        &materials,
                        &now,
                    ],
                )?;
            }
            let mark = tx.prepare(INSERT_MARK)?;
            let mut chain = Chain::load(tx)?;
            for m in marks {
                let status = m.status.as_str();
                tx.execute(&mark, &[&m.session, &m.employee, &status, &m.hours, &now])?;
                let content = mark_digest(&m.session, &m.employee, status, m.hours, &now);
                chain.append(tx, MARK, &m.session, &m.employee, 0, &content)?;
            }
            Ok(())
        })
    }

    fn write_marks(
        &mut self,
        now: Timestamp,
        fill: &mut dyn FnMut(&mut crate::MarkWriter<'_>) -> bool,
    ) -> Result<u64> {
        self.write_once(Lock::Writer, |outer| {
            // The sheet's marks go into a savepoint: a sheet that keeps nothing rolls back to
            // it, and the (empty) transaction around it commits.
            let mut tx = outer.transaction()?;
            let insert = tx.prepare(INSERT_MARK)?;
            let find = tx.prepare(&format!("{PEOPLE} WHERE p.employee_id = $1"))?;
            let named = tx.prepare(&format!("{PEOPLE} WHERE p.name = $1 ORDER BY p.employee_id"))?;
            let chain = Chain::load(&mut tx)?;
            let mut writer = crate::MarkWriter(MarkBackend::Postgres(MarkWriter {
                tx: RefCell::new(tx),
                insert,
                find,
                named,
                chain,
                now: now.to_string(),
                written: 0,
                failed: None,
            }));
            let keep = fill(&mut writer);
            let crate::MarkWriter(MarkBackend::Postgres(writer)) = writer else {
                return Err(StoreError::Corrupt("the writer changed backend".into()));
            };
            if let Some(error) = writer.failed {
                return Err(error);
            }
            if keep {
                writer.tx.into_inner().commit()?;
                Ok(writer.written)
            } else {
                // Dropping the savepoint rolls it back.
                Ok(0)
            }
        })
    }

    fn sessions(&self, from: &str, to: &str) -> Result<Vec<StudySession>> {
        self.read(|tx| {
            let rows = tx.query(
                &format!("{SESSIONS} WHERE date >= $1 AND date <= $2 ORDER BY date, id"),
                &[&from, &to],
            )?;
            sessions_of(&rows)
        })
    }

    fn all_sessions(&self) -> Result<Vec<StudySession>> {
        self.read(|tx| {
            let rows = tx.query(&format!("{SESSIONS} ORDER BY date, id"), &[])?;
            sessions_of(&rows)
        })
    }

    /// Reads the sessions by date and id, then each session's marks in its index range (by
    /// employee id), streamed. SQLite reads the sessions of one day in the order they were
    /// first recorded rather than by id; the marks of a session come in the same order.
    fn scan_marks(&self, from: &str, to: &str, each: &mut MarkVisitor<'_>) -> Result<()> {
        self.read(|tx| {
            let ids: Vec<String> = tx
                .query(
                    "SELECT id FROM study_sessions WHERE date >= $1 AND date <= $2 ORDER BY date, id",
                    &[&from, &to],
                )?
                .iter()
                .map(|row| row.try_get(0))
                .collect::<std::result::Result<_, _>>()?;
            let marks = tx.prepare(
                "SELECT session_id, employee_id, status, hours FROM attendance WHERE session_id = $1 \
                 ORDER BY employee_id",
            )?;
            for id in &ids {
                let mut rows = tx.query_raw(&marks, [id])?;
                while let Some(row) = rows.next()? {
                    each(row.try_get(0)?, row.try_get(1)?, row.try_get(2)?, row.try_get(3)?);
                }
            }
            Ok(())
        })
    }
}
