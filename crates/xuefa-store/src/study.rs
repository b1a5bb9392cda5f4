//! Study sessions and attendance in the store.

use jiff::Timestamp;
use rusqlite::params;
use xuefa_core::study::{AttendanceMark, SessionKind, StudySession};

use crate::ledger::{Chain, MARK, mark_digest};
use crate::sqlite::SqliteStore;
use crate::{MarkBackend, MarkWriter, Result, StoreError};

/// Sessions and the marks of their sign-in sheets.
pub trait StudyStore {
    /// Adds or replaces sessions and adds or replaces marks, all in one transaction.
    ///
    /// # Errors
    /// Returns a database error; nothing is changed then.
    fn record_study(
        &mut self,
        sessions: &[StudySession],
        marks: &[AttendanceMark],
        now: Timestamp,
    ) -> Result<()>;

    /// Records marks in one transaction as `fill` gives them to the writer it gets: `fill`
    /// returns whether to keep them (a sign-in sheet with an error further down keeps
    /// nothing). A sheet of millions of marks is written while it is read, never held.
    /// Returns how many marks were written.
    ///
    /// # Errors
    /// Returns a database error; nothing is kept then.
    fn write_marks(
        &mut self,
        now: Timestamp,
        fill: &mut dyn FnMut(&mut MarkWriter<'_>) -> bool,
    ) -> Result<u64>;

    /// Returns the sessions between two dates (inclusive; ISO `YYYY-MM-DD`), by date and id.
    ///
    /// # Errors
    /// Returns a database error.
    fn sessions(&self, from: &str, to: &str) -> Result<Vec<StudySession>>;

    /// Returns every session (for matching sign-in sheets by id or by date and title).
    ///
    /// # Errors
    /// Returns a database error.
    fn all_sessions(&self) -> Result<Vec<StudySession>>;

    /// Streams the marks of the sessions between two dates, session by session (no sort:
    /// each session's marks are read in its index range): (session,
    /// employee, status, hours of its own). The strings are borrowed for the call only:
    /// tens of millions of marks pass without being held.
    ///
    /// # Errors
    /// Returns a database error.
    fn scan_marks(&self, from: &str, to: &str, each: &mut MarkVisitor<'_>) -> Result<()>;
}

/// Gets each mark of [`StudyStore::scan_marks`]: (session, employee, status, hours).
pub type MarkVisitor<'a> = dyn FnMut(&str, &str, &str, Option<f64>) + 'a;

/// The SQLite side of [`MarkWriter`].
#[derive(Debug)]
pub(crate) struct SqliteMarkWriter<'a> {
    conn: &'a rusqlite::Connection,
    insert: rusqlite::Statement<'a>,
    find: rusqlite::Statement<'a>,
    chain: Chain<'a>,
    now: String,
    written: u64,
    failed: Option<StoreError>,
}

/// A person as a sign-in sheet names them: row id, employee id, name, department path.
pub type Named = (i64, String, String, String);

impl SqliteMarkWriter<'_> {
    /// Returns the person with this employee id.
    ///
    /// # Errors
    /// Returns a database error.
    pub(crate) fn person(&mut self, employee: &str) -> Result<Option<Named>> {
        let mut rows = self.find.query([employee])?;
        match rows.next()? {
            Some(row) => Ok(Some((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))),
            None => Ok(None),
        }
    }

    /// Returns the people with this name (two people may share one), by employee id.
    ///
    /// # Errors
    /// Returns a database error.
    pub(crate) fn people_named(&self, name: &str) -> Result<Vec<Named>> {
        self.people("p.name = ?1", name)
    }

    /// Returns everyone on the roster (for suggesting a name).
    ///
    /// # Errors
    /// Returns a database error.
    pub(crate) fn everyone(&self) -> Result<Vec<Named>> {
        self.people("?1 = ?1", "")
    }

    fn people(&self, condition: &str, value: &str) -> Result<Vec<Named>> {
        let sql = format!(
            "SELECT p.id, p.employee_id, p.name, d.path FROM people p JOIN departments d ON d.id = p.department_id \
             WHERE {condition} ORDER BY p.employee_id"
        );
        let mut statement = self.conn.prepare_cached(&sql)?;
        let rows =
            statement.query_map([value], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Writes one mark (replacing an earlier mark of the person at the session). After a
    /// database error nothing more is written and the transaction is rolled back.
    pub(crate) fn write(&mut self, mark: &AttendanceMark) {
        if self.failed.is_some() {
            return;
        }
        let result = self.insert.execute(params![
            mark.session,
            mark.employee,
            mark.status.as_str(),
            mark.hours,
            self.now
        ]);
        let result = result.map_err(StoreError::from).and_then(|_| {
            let content =
                mark_digest(&mark.session, &mark.employee, mark.status.as_str(), mark.hours, &self.now);
            self.chain.append(MARK, &mark.session, &mark.employee, 0, &content)
        });
        match result {
            Ok(()) => self.written += 1,
            Err(error) => self.failed = Some(error),
        }
    }
}

const INSERT_MARK: &str = "INSERT INTO attendance (session_id, employee_id, status, hours, recorded_at) \
     VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (session_id, employee_id) DO UPDATE SET status = excluded.status, \
     hours = excluded.hours, recorded_at = excluded.recorded_at";

fn corrupt(what: &str) -> impl Fn(String) -> StoreError + '_ {
    move |detail| StoreError::Corrupt(format!("{what}: {detail}"))
}

impl StudyStore for SqliteStore {
    fn record_study(
        &mut self,
        sessions: &[StudySession],
        marks: &[AttendanceMark],
        now: Timestamp,
    ) -> Result<()> {
        let tx = self.write()?;
        {
            let mut insert = tx.prepare(
                "INSERT INTO study_sessions (id, date, kind, title, hours, organiser, place, expected, headcount, \
                 materials, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) \
                 ON CONFLICT (id) DO UPDATE SET date = excluded.date, kind = excluded.kind, title = excluded.title, \
                 hours = excluded.hours, organiser = excluded.organiser, place = excluded.place, \
                 expected = excluded.expected, headcount = excluded.headcount, materials = excluded.materials",
            )?;
            for session in sessions {
                let expected = serde_json::to_string(&session.expected)
                    .map_err(|e| StoreError::Corrupt(e.to_string()))?;
                insert.execute(params![
                    session.id,
                    session.date.to_string(),
                    session.kind.as_str(),
                    session.title,
                    session.hours,
                    session.organiser,
                    session.place,
                    expected,
                    session.headcount.map(|n| n as i64),
                    session.materials.map(|n| n as i64),
                    now.to_string()
                ])?;
            }
            let mut mark = tx.prepare(INSERT_MARK)?;
            let mut chain = Chain::load(&tx)?;
            let now = now.to_string();
            for m in marks {
                mark.execute(params![m.session, m.employee, m.status.as_str(), m.hours, now])?;
                let content = mark_digest(&m.session, &m.employee, m.status.as_str(), m.hours, &now);
                chain.append(MARK, &m.session, &m.employee, 0, &content)?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    fn write_marks(
        &mut self,
        now: Timestamp,
        fill: &mut dyn FnMut(&mut MarkWriter<'_>) -> bool,
    ) -> Result<u64> {
        let tx = self.write()?;
        let (keep, written) = {
            let mut writer = MarkWriter(MarkBackend::Sqlite(SqliteMarkWriter {
                conn: &tx,
                insert: tx.prepare(INSERT_MARK)?,
                find: tx.prepare(
                    "SELECT p.id, p.employee_id, p.name, d.path FROM people p \
                     JOIN departments d ON d.id = p.department_id WHERE p.employee_id = ?1",
                )?,
                chain: Chain::load(&tx)?,
                now: now.to_string(),
                written: 0,
                failed: None,
            }));
            let keep = fill(&mut writer);
            let MarkWriter(MarkBackend::Sqlite(writer)) = writer else {
                return Err(StoreError::Corrupt("the writer changed backend".into()));
            };
            if let Some(error) = writer.failed {
                return Err(error);
            }
            (keep, writer.written)
        };
        if keep {
            tx.commit()?;
            Ok(written)
        } else {
            Ok(0)
        }
    }

    fn sessions(&self, from: &str, to: &str) -> Result<Vec<StudySession>> {
        self.sessions_where("date >= ?1 AND date <= ?2", &[&from, &to])
    }

    fn all_sessions(&self) -> Result<Vec<StudySession>> {
        self.sessions_where("1 = 1", &[])
    }

    fn scan_marks(&self, from: &str, to: &str, each: &mut MarkVisitor<'_>) -> Result<()> {
        let mut statement = self.conn.prepare(
            "SELECT a.session_id, a.employee_id, a.status, a.hours FROM study_sessions s \
             JOIN attendance a ON a.session_id = s.id WHERE s.date >= ?1 AND s.date <= ?2",
        )?;
        let mut rows = statement.query([from, to])?;
        while let Some(row) = rows.next()? {
            let text = |i: usize| -> Result<&str> {
                row.get_ref(i)?.as_str().map_err(|e| StoreError::Corrupt(format!("attendance: {e}")))
            };
            let hours = row
                .get_ref(3)?
                .as_f64_or_null()
                .map_err(|e| StoreError::Corrupt(format!("attendance: {e}")))?;
            each(text(0)?, text(1)?, text(2)?, hours);
        }
        Ok(())
    }
}

impl SqliteStore {
    fn sessions_where(&self, condition: &str, args: &[&dyn rusqlite::ToSql]) -> Result<Vec<StudySession>> {
        let mut statement = self.conn.prepare(&format!(
            "SELECT id, date, kind, title, hours, organiser, place, expected, headcount, materials \
             FROM study_sessions WHERE {condition} ORDER BY date, id"
        ))?;
        let rows = statement.query_map(args, |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, String>(3)?,
                row.get::<_, f64>(4)?,
                row.get::<_, String>(5)?,
                row.get::<_, String>(6)?,
                row.get::<_, String>(7)?,
                row.get::<_, Option<i64>>(8)?,
                row.get::<_, Option<i64>>(9)?,
            ))
        })?;
        let mut sessions = Vec::new();
        for row in rows {
            sessions.push(session_from(row?)?);
        }
        Ok(sessions)
    }
}

/// A stored session's columns: id, date, kind, title, hours, organiser, place, expected
/// (JSON), headcount, materials.
pub(crate) type SessionRow =
    (String, String, String, String, f64, String, String, String, Option<i64>, Option<i64>);

/// The session a stored row holds.
///
/// # Errors
/// Returns [`StoreError::Corrupt`] for a date or an audience that does not read back.
pub(crate) fn session_from(row: SessionRow) -> Result<StudySession> {
    let (id, date, kind, title, hours, organiser, place, expected, headcount, materials) = row;
    let date = date.parse().map_err(|e: jiff::Error| corrupt("session date")(e.to_string()))?;
    let kind = SessionKind::parse(&kind, &[]).unwrap_or(SessionKind::Custom(kind));
    let mut session = StudySession::new(id, date, kind, title, hours);
    session.organiser = organiser;
    session.place = place;
    session.expected =
        serde_json::from_str(&expected).map_err(|e| corrupt("session audience")(e.to_string()))?;
    session.headcount = headcount.map(|n| n as u64);
    session.materials = materials.map(|n| n as u64);
    Ok(session)
}
