//! Study sessions and attendance in the store.

use jiff::Timestamp;
use rusqlite::params;
use xuefa_core::study::{AttendanceMark, MarkStatus, SessionKind, StudySession};

use crate::sqlite::SqliteStore;
use crate::{Result, StoreError};

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

    /// Returns the marks of sessions between two dates.
    ///
    /// # Errors
    /// Returns a database error.
    fn marks(&self, from: &str, to: &str) -> Result<Vec<AttendanceMark>>;
}

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
            let mut mark = tx.prepare(
                "INSERT INTO attendance (session_id, employee_id, status, hours, recorded_at) VALUES (?1, ?2, ?3, ?4, ?5) \
                 ON CONFLICT (session_id, employee_id) DO UPDATE SET status = excluded.status, hours = excluded.hours, \
                 recorded_at = excluded.recorded_at",
            )?;
            for m in marks {
                mark.execute(params![m.session, m.employee, m.status.as_str(), m.hours, now.to_string()])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    fn sessions(&self, from: &str, to: &str) -> Result<Vec<StudySession>> {
        self.sessions_where("date >= ?1 AND date <= ?2", &[&from, &to])
    }

    fn all_sessions(&self) -> Result<Vec<StudySession>> {
        self.sessions_where("1 = 1", &[])
    }

    fn marks(&self, from: &str, to: &str) -> Result<Vec<AttendanceMark>> {
        let mut statement = self.conn.prepare(
            "SELECT a.session_id, a.employee_id, a.status, a.hours FROM attendance a \
             JOIN study_sessions s ON s.id = a.session_id WHERE s.date >= ?1 AND s.date <= ?2 \
             ORDER BY a.employee_id, s.date",
        )?;
        let rows = statement.query_map([from, to], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, Option<f64>>(3)?,
            ))
        })?;
        let mut marks = Vec::new();
        for row in rows {
            let (session, employee, status, hours) = row?;
            let status = MarkStatus::parse(&status).ok_or_else(|| corrupt("mark")(status.clone()))?;
            marks.push(AttendanceMark::new(session, employee, status, hours));
        }
        Ok(marks)
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
            let (id, date, kind, title, hours, organiser, place, expected, headcount, materials) = row?;
            let date = date.parse().map_err(|e: jiff::Error| corrupt("session date")(e.to_string()))?;
            let kind = SessionKind::parse(&kind, &[]).unwrap_or(SessionKind::Custom(kind));
            let mut session = StudySession::new(id, date, kind, title, hours);
            session.organiser = organiser;
            session.place = place;
            session.expected =
                serde_json::from_str(&expected).map_err(|e| corrupt("session audience")(e.to_string()))?;
            session.headcount = headcount.map(|n| n as u64);
            session.materials = materials.map(|n| n as u64);
            sessions.push(session);
        }
        Ok(sessions)
    }
}
