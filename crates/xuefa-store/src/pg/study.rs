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
    find: Statement,
    named: Statement,
    chain: Chain,
    now: String,
    written: u64,
    failed: Option<StoreError>,
    /// Marks written but not yet sent, with their ledger links: a sheet of thousands goes
    /// to the server [`BATCH`] at a time, two statements each, not two per mark.
    batch: Batch,
    /// People looked up one by one so far.
    lookups: usize,
    /// The roster, read whole once a sheet has looked up more than
    /// [`LOOKUPS_BEFORE_ROSTER`] people: a long sheet then costs one read, not a round trip
    /// a line. (Marks change no person, so it stays true while the sheet is written.)
    roster: Option<Roster>,
}

/// People looked up one at a time before a sheet reads the whole roster.
const LOOKUPS_BEFORE_ROSTER: usize = 2000;

/// The roster as a sign-in sheet looks people up, compactly (a province's million people in
/// about 50 MB): every employee id and name in one text, the people sorted by employee id
/// (byte order, as the column sorts) for a binary search, each department's path once.
#[derive(Debug, Default)]
struct Roster {
    text: String,
    people: Vec<Entry>,
    paths: Vec<String>,
}

/// A person of a [`Roster`]: row id, where the employee id and the name are in its text,
/// and the department's index.
#[derive(Debug)]
struct Entry {
    id: i64,
    employee: (u32, u32),
    name: (u32, u32),
    department: u32,
}

impl Roster {
    fn read(tx: &mut Transaction<'_>) -> Result<Roster> {
        use postgres::fallible_iterator::FallibleIterator as _;
        let mut roster = Roster::default();
        let mut index_of = std::collections::HashMap::new();
        for row in tx.query("SELECT id, path FROM departments", &[])? {
            index_of.insert(row.try_get::<_, i64>(0)?, u32::try_from(roster.paths.len()).unwrap_or(u32::MAX));
            roster.paths.push(row.try_get(1)?);
        }
        let mut rows = tx.query_raw(
            "SELECT id, employee_id, name, department_id FROM people ORDER BY employee_id",
            std::iter::empty::<i64>(),
        )?;
        while let Some(row) = rows.next()? {
            let department = index_of.get(&row.try_get::<_, i64>(3)?).copied().unwrap_or(u32::MAX);
            let employee = roster.keep(row.try_get(1)?);
            let name = roster.keep(row.try_get(2)?);
            roster.people.push(Entry { id: row.try_get(0)?, employee, name, department });
        }
        Ok(roster)
    }

    /// Adds text to the roster's text; where it is.
    fn keep(&mut self, text: &str) -> (u32, u32) {
        let start = u32::try_from(self.text.len()).unwrap_or(u32::MAX);
        self.text.push_str(text);
        (start, u32::try_from(self.text.len()).unwrap_or(u32::MAX))
    }

    fn text(&self, (start, end): (u32, u32)) -> &str {
        self.text.get(start as usize..end as usize).unwrap_or_default()
    }

    fn person(&self, employee: &str) -> Option<Named> {
        let at = self.people.binary_search_by(|entry| self.text(entry.employee).cmp(employee)).ok()?;
        let entry = self.people.get(at)?;
        let path = self.paths.get(entry.department as usize).cloned().unwrap_or_default();
        Some((entry.id, employee.to_owned(), self.text(entry.name).to_owned(), path))
    }
}

/// Marks and their links on their way to the server.
#[derive(Debug, Default)]
struct Batch {
    sessions: Vec<String>,
    employees: Vec<String>,
    statuses: Vec<&'static str>,
    hours: Vec<Option<f64>>,
    /// The (session, employee) of each mark: a second mark of one person at one session
    /// sends the first before it (one statement may change a row only once).
    keys: std::collections::HashSet<(String, String)>,
    seqs: Vec<i64>,
    contents: Vec<Vec<u8>>,
    links: Vec<Vec<u8>>,
}

/// Marks sent to the server at a time.
const BATCH: usize = 2000;

/// Writes a batch of marks, replacing earlier marks of the same people at the same sessions.
const INSERT_MARKS: &str = "INSERT INTO attendance (session_id, employee_id, status, hours, recorded_at) \
     SELECT s, e, st, h, $5 FROM UNNEST($1::text[], $2::text[], $3::text[], $4::float8[]) AS t (s, e, st, h) \
     ON CONFLICT (session_id, employee_id) DO UPDATE SET status = excluded.status, hours = excluded.hours, \
     recorded_at = excluded.recorded_at";

/// Appends a batch of mark links to the ledger.
const INSERT_MARK_LINKS: &str = "INSERT INTO ledger (seq, kind, a, b, n, content, link) \
     SELECT q, 'mark', s, e, 0, c, l FROM UNNEST($1::bigint[], $2::text[], $3::text[], $4::bytea[], $5::bytea[]) \
     AS t (q, s, e, c, l)";

impl Batch {
    /// Sends the batch: the marks, then their links, in one round trip each.
    fn send(&mut self, tx: &mut Transaction<'_>, now: &str) -> Result<()> {
        if self.sessions.is_empty() {
            return Ok(());
        }
        tx.execute(INSERT_MARKS, &[&self.sessions, &self.employees, &self.statuses, &self.hours, &now])?;
        tx.execute(
            INSERT_MARK_LINKS,
            &[&self.seqs, &self.sessions, &self.employees, &self.contents, &self.links],
        )?;
        *self = Batch::default();
        Ok(())
    }
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
        if let Some(roster) = &self.roster {
            return Ok(roster.person(employee));
        }
        self.lookups += 1;
        if self.lookups > LOOKUPS_BEFORE_ROSTER {
            let roster = Roster::read(tx)?;
            let found = roster.person(employee);
            self.roster = Some(roster);
            return Ok(found);
        }
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
        let key = (mark.session.clone(), mark.employee.clone());
        if (self.batch.keys.contains(&key) || self.batch.sessions.len() >= BATCH)
            && let Err(error) = self.batch.send(tx, &self.now)
        {
            self.failed = Some(error);
            return;
        }
        let status = mark.status.as_str();
        let content = mark_digest(&mark.session, &mark.employee, status, mark.hours, &self.now);
        let (seq, link) = self.chain.next(MARK, &mark.session, &mark.employee, 0, &content);
        let batch = &mut self.batch;
        batch.keys.insert(key);
        batch.sessions.push(mark.session.clone());
        batch.employees.push(mark.employee.clone());
        batch.statuses.push(status);
        batch.hours.push(mark.hours);
        batch.seqs.push(seq);
        batch.contents.push(content.to_vec());
        batch.links.push(link.to_vec());
        self.written += 1;
    }

    /// Sends what is still in the batch; the first error of the sheet, if any.
    fn finish(mut self) -> Result<(Transaction<'a>, u64)> {
        if let Some(error) = self.failed {
            return Err(error);
        }
        let mut tx = self.tx.into_inner();
        self.batch.send(&mut tx, &self.now)?;
        Ok((tx, self.written))
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
        let written = self.write_once(Lock::Writer, |outer| {
            // The sheet's marks go into a savepoint: a sheet that keeps nothing rolls back to
            // it, and the (empty) transaction around it commits.
            let mut tx = outer.transaction()?;
            let find = tx.prepare(&format!("{PEOPLE} WHERE p.employee_id = $1"))?;
            let named = tx.prepare(&format!("{PEOPLE} WHERE p.name = $1 ORDER BY p.employee_id"))?;
            let chain = Chain::load(&mut tx)?;
            let mut writer = crate::MarkWriter(MarkBackend::Postgres(MarkWriter {
                tx: RefCell::new(tx),
                find,
                named,
                chain,
                now: now.to_string(),
                written: 0,
                failed: None,
                batch: Batch::default(),
                lookups: 0,
                roster: None,
            }));
            let keep = fill(&mut writer);
            let crate::MarkWriter(MarkBackend::Postgres(writer)) = writer else {
                return Err(StoreError::Corrupt("the writer changed backend".into()));
            };
            // A sheet with a mark the database refused fails even when it keeps nothing, as
            // on SQLite.
            if keep || writer.failed.is_some() {
                let (tx, written) = writer.finish()?;
                tx.commit()?;
                Ok(written)
            } else {
                // Dropping the savepoint rolls it back.
                Ok(0)
            }
        });
        // Fresh figures for the planner after a bulk write (see `PgStore::analyze`).
        self.analyze(&["attendance", "ledger"]);
        written
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
