//! What sitting an exam over a network needs besides the exam itself: access codes (only
//! their hashes), the sessions of signed-in browsers (only their tokens' hashes), failed
//! sign-ins for the rate limit, an attempt found by its id, answers saved only while their
//! attempt is open, and the times a person left the exam page. All of it is in the
//! database, so a restarted server, or several in front of one database, agree on it.

use jiff::Timestamp;
use rusqlite::{OptionalExtension, params};

use crate::exams::AttemptRecord;
use crate::{Result, SqliteStore, StoreError};

/// A person's access code as stored: the Argon2id hash (PHC string), never the code.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AccessCode {
    /// The person's employee id.
    pub employee: String,
    /// The code's hash as a PHC string (`$argon2id$v=19$m=…`).
    pub hash: String,
    /// When the code was issued.
    pub issued_at: Timestamp,
    /// When the code stops working, if ever.
    pub expires_at: Option<Timestamp>,
}

impl AccessCode {
    /// Returns an access code record.
    pub fn new(employee: String, hash: String, issued_at: Timestamp, expires_at: Option<Timestamp>) -> Self {
        AccessCode { employee, hash, issued_at, expires_at }
    }
}

/// What saving an answer to an attempt found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Saved {
    /// Saved (durable when this returns); the attempt now has this many answered questions.
    Answered(u64),
    /// The attempt was submitted already: nothing was saved.
    Submitted,
}

/// One answer to save.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResponseSave {
    /// The attempt's id.
    pub attempt: i64,
    /// The question's index on the paper (from 0).
    pub index: usize,
    /// The answer; `None` clears it.
    pub response: Option<xuefa_core::exam::Response>,
    /// Whether the question is flagged.
    pub flagged: bool,
    /// When it was given.
    pub at: Timestamp,
}

/// How a sign-in ends, written by [`OnlineStore::settle_login`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginEnd<'a> {
    /// A wrong code: a failure under each key at `at`; failures before `forget` are dropped.
    Failure {
        /// When it failed.
        at: Timestamp,
        /// Failures before this are forgotten.
        forget: Timestamp,
    },
    /// A right code: a session stored by its token's hash.
    Session {
        /// The hash of the session's token.
        token_hash: &'a str,
        /// Who signed in.
        employee: &'a str,
        /// When.
        created: Timestamp,
        /// When the session ends.
        expires: Timestamp,
    },
}

/// The store's part of sitting over a network.
pub trait OnlineStore {
    /// Stores these access codes, each replacing the person's earlier code and ending the
    /// person's signed-in sessions, in one transaction.
    ///
    /// # Errors
    /// Returns a database error; nothing is changed then.
    fn set_access_codes(&mut self, codes: &[AccessCode]) -> Result<()>;

    /// Removes these people's access codes and ends their sessions; returns how many codes
    /// there were.
    ///
    /// # Errors
    /// Returns a database error; nothing is changed then.
    fn revoke_access_codes(&mut self, employees: &[String]) -> Result<u64>;

    /// Returns a person's access code, if one was issued and not revoked.
    ///
    /// # Errors
    /// Returns a database error.
    fn access_code(&self, employee: &str) -> Result<Option<AccessCode>>;

    /// Returns, for each key (`employee:ID`, `address:IP`), how many sign-ins failed at or
    /// after `since`.
    ///
    /// # Errors
    /// Returns a database error.
    fn login_failures(&self, keys: &[&str], since: Timestamp) -> Result<Vec<u64>>;

    /// Records a failed sign-in under each key, and forgets failures older than `forget`.
    ///
    /// # Errors
    /// Returns a database error.
    fn record_login_failure(&mut self, keys: &[&str], at: Timestamp, forget: Timestamp) -> Result<()>;

    /// Ends a sign-in under the rate limit, in one transaction that no other sign-in under
    /// the same keys interleaves with, in this process or another on the same database:
    /// when any key already has `limit` failures at or after `since`, writes nothing and
    /// returns false; otherwise writes `end` (a failure, or the session) and returns true.
    ///
    /// # Errors
    /// Returns a database error.
    fn settle_login(
        &mut self,
        keys: &[&str],
        since: Timestamp,
        limit: u64,
        end: LoginEnd<'_>,
    ) -> Result<bool>;

    /// Stores a signed-in session by its token's hash.
    ///
    /// # Errors
    /// Returns a database error.
    fn create_web_session(
        &mut self,
        token_hash: &str,
        employee: &str,
        created: Timestamp,
        expires: Timestamp,
    ) -> Result<()>;

    /// Returns the employee of a session that has not expired at `now`.
    ///
    /// # Errors
    /// Returns a database error.
    fn web_session(&self, token_hash: &str, now: Timestamp) -> Result<Option<String>>;

    /// Ends a session (signing out), and every session that expired before `now`.
    ///
    /// # Errors
    /// Returns a database error.
    fn end_web_session(&mut self, token_hash: &str, now: Timestamp) -> Result<()>;

    /// Returns an attempt by its id, with its paper and saved answers.
    ///
    /// # Errors
    /// Returns a database error.
    fn attempt_by_id(&self, attempt: i64) -> Result<Option<AttemptRecord>>;

    /// Saves answers (each with its flag), each only while its attempt is not submitted,
    /// checked in the statement that writes it, so an answer can never land on a submitted
    /// attempt, whichever device or process submitted it. All of them are one transaction
    /// and one flush to disk: answers given at the same moment by many people are made
    /// durable together (group commit). Returns what each save found, in order.
    ///
    /// # Errors
    /// Returns a database error; nothing is saved then.
    fn save_open_responses(&mut self, saves: &[ResponseSave]) -> Result<Vec<Saved>>;

    /// Saves one answer as [`OnlineStore::save_open_responses`] does.
    ///
    /// # Errors
    /// Returns a database error.
    fn save_open_response(
        &mut self,
        attempt: i64,
        index: usize,
        response: Option<&xuefa_core::exam::Response>,
        flagged: bool,
        at: Timestamp,
    ) -> Result<Saved> {
        let save = ResponseSave { attempt, index, response: response.copied(), flagged, at };
        let mut saved = self.save_open_responses(std::slice::from_ref(&save))?;
        saved.pop().ok_or_else(|| StoreError::Corrupt("no result of a save".into()))
    }

    /// Records an event of an attempt (`leave`: the person left the exam page) and returns
    /// how many events of that kind the attempt has.
    ///
    /// # Errors
    /// Returns a database error.
    fn record_attempt_event(&mut self, attempt: i64, kind: &str, at: Timestamp) -> Result<u64>;

    /// Returns how many events of a kind an attempt has.
    ///
    /// # Errors
    /// Returns a database error.
    fn attempt_events(&self, attempt: i64, kind: &str) -> Result<u64>;
}

pub(crate) fn time(text: &str) -> Result<Timestamp> {
    text.parse().map_err(|e| StoreError::Corrupt(format!("time `{text}`: {e}")))
}

impl OnlineStore for SqliteStore {
    fn set_access_codes(&mut self, codes: &[AccessCode]) -> Result<()> {
        let tx = self.write()?;
        {
            let mut upsert = tx.prepare(
                "INSERT INTO access_codes (employee_id, hash, issued_at, expires_at) VALUES (?1, ?2, ?3, ?4) \
                 ON CONFLICT (employee_id) DO UPDATE SET hash = excluded.hash, issued_at = excluded.issued_at, \
                 expires_at = excluded.expires_at",
            )?;
            let mut end = tx.prepare("DELETE FROM web_sessions WHERE employee_id = ?1")?;
            for code in codes {
                upsert.execute(params![
                    code.employee,
                    code.hash,
                    code.issued_at.to_string(),
                    code.expires_at.map(|t| t.to_string())
                ])?;
                end.execute([&code.employee])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    fn revoke_access_codes(&mut self, employees: &[String]) -> Result<u64> {
        let tx = self.write()?;
        let mut count = 0;
        {
            let mut delete = tx.prepare("DELETE FROM access_codes WHERE employee_id = ?1")?;
            let mut end = tx.prepare("DELETE FROM web_sessions WHERE employee_id = ?1")?;
            for employee in employees {
                count += delete.execute([employee])? as u64;
                end.execute([employee])?;
            }
        }
        tx.commit()?;
        Ok(count)
    }

    fn access_code(&self, employee: &str) -> Result<Option<AccessCode>> {
        let row: Option<(String, String, Option<String>)> = self
            .conn
            .prepare_cached("SELECT hash, issued_at, expires_at FROM access_codes WHERE employee_id = ?1")?
            .query_row([employee], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
            .optional()?;
        row.map(|(hash, issued, expires)| {
            Ok(AccessCode {
                employee: employee.to_owned(),
                hash,
                issued_at: time(&issued)?,
                expires_at: expires.as_deref().map(time).transpose()?,
            })
        })
        .transpose()
    }

    fn login_failures(&self, keys: &[&str], since: Timestamp) -> Result<Vec<u64>> {
        let mut count =
            self.conn.prepare_cached("SELECT COUNT(*) FROM login_failures WHERE key = ?1 AND at >= ?2")?;
        keys.iter()
            .map(|key| {
                Ok(count.query_row(params![key, since.as_second()], |row| row.get::<_, i64>(0))? as u64)
            })
            .collect()
    }

    fn record_login_failure(&mut self, keys: &[&str], at: Timestamp, forget: Timestamp) -> Result<()> {
        let tx = self.write()?;
        insert_failures(&tx, keys, at, forget)?;
        tx.commit()?;
        Ok(())
    }

    fn settle_login(
        &mut self,
        keys: &[&str],
        since: Timestamp,
        limit: u64,
        end: LoginEnd<'_>,
    ) -> Result<bool> {
        // The write lock first: the count and the write are one step for every process.
        let tx = self.write()?;
        for key in keys {
            let failures: i64 = tx
                .prepare_cached("SELECT COUNT(*) FROM login_failures WHERE key = ?1 AND at >= ?2")?
                .query_row(params![key, since.as_second()], |row| row.get(0))?;
            if failures as u64 >= limit {
                return Ok(false);
            }
        }
        match end {
            LoginEnd::Failure { at, forget } => insert_failures(&tx, keys, at, forget)?,
            LoginEnd::Session { token_hash, employee, created, expires } => {
                tx.prepare_cached(INSERT_SESSION)?.execute(params![
                    token_hash,
                    employee,
                    created.to_string(),
                    expires.as_second()
                ])?;
            }
        }
        tx.commit()?;
        Ok(true)
    }

    fn create_web_session(
        &mut self,
        token_hash: &str,
        employee: &str,
        created: Timestamp,
        expires: Timestamp,
    ) -> Result<()> {
        self.conn.prepare_cached(INSERT_SESSION)?.execute(params![
            token_hash,
            employee,
            created.to_string(),
            expires.as_second()
        ])?;
        Ok(())
    }

    fn web_session(&self, token_hash: &str, now: Timestamp) -> Result<Option<String>> {
        Ok(self
            .conn
            .prepare_cached("SELECT employee_id FROM web_sessions WHERE token_hash = ?1 AND expires_at > ?2")?
            .query_row(params![token_hash, now.as_second()], |row| row.get(0))
            .optional()?)
    }

    fn end_web_session(&mut self, token_hash: &str, now: Timestamp) -> Result<()> {
        self.conn.execute(
            "DELETE FROM web_sessions WHERE token_hash = ?1 OR expires_at <= ?2",
            params![token_hash, now.as_second()],
        )?;
        Ok(())
    }

    fn attempt_by_id(&self, attempt: i64) -> Result<Option<AttemptRecord>> {
        Ok(self.attempt_records("id = ?1", &[&attempt])?.into_iter().next())
    }

    fn save_open_responses(&mut self, saves: &[ResponseSave]) -> Result<Vec<Saved>> {
        // One transaction, one flush at commit (synchronous = FULL): the guarded writes,
        // then each attempt's count.
        let tx = self.write()?;
        let mut results = Vec::with_capacity(saves.len());
        {
            let mut insert = tx.prepare_cached(
                "INSERT INTO responses (attempt_id, question_index, response, flagged, answered_at) \
                 SELECT ?1, ?2, ?3, ?4, ?5 WHERE EXISTS \
                 (SELECT 1 FROM attempts WHERE id = ?1 AND submitted_at IS NULL) \
                 ON CONFLICT (attempt_id, question_index) DO UPDATE SET response = excluded.response, \
                 flagged = excluded.flagged, answered_at = excluded.answered_at",
            )?;
            let mut count = tx.prepare_cached(
                "SELECT COUNT(*) FROM responses WHERE attempt_id = ?1 AND response IS NOT NULL",
            )?;
            for save in saves {
                let written = insert.execute(params![
                    save.attempt,
                    save.index as i64,
                    save.response.as_ref().map(xuefa_core::exam::Response::canonical),
                    save.flagged,
                    save.at.to_string()
                ])?;
                results.push(if written == 0 {
                    Saved::Submitted
                } else {
                    Saved::Answered(count.query_row([save.attempt], |row| row.get::<_, i64>(0))? as u64)
                });
            }
        }
        tx.commit()?;
        Ok(results)
    }

    fn record_attempt_event(&mut self, attempt: i64, kind: &str, at: Timestamp) -> Result<u64> {
        let tx = self.write()?;
        tx.prepare_cached("INSERT INTO attempt_events (attempt_id, kind, at) VALUES (?1, ?2, ?3)")?
            .execute(params![attempt, kind, at.to_string()])?;
        let count: u64 = tx
            .prepare_cached("SELECT COUNT(*) FROM attempt_events WHERE attempt_id = ?1 AND kind = ?2")?
            .query_row(params![attempt, kind], |row| row.get::<_, i64>(0))? as u64;
        tx.commit()?;
        Ok(count)
    }

    fn attempt_events(&self, attempt: i64, kind: &str) -> Result<u64> {
        Ok(self
            .conn
            .prepare_cached("SELECT COUNT(*) FROM attempt_events WHERE attempt_id = ?1 AND kind = ?2")?
            .query_row(params![attempt, kind], |row| row.get::<_, i64>(0))? as u64)
    }
}

/// Stores a session.
const INSERT_SESSION: &str =
    "INSERT INTO web_sessions (token_hash, employee_id, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)";

/// Records a failed sign-in under each key, forgetting failures older than `forget`.
fn insert_failures(
    tx: &rusqlite::Transaction<'_>,
    keys: &[&str],
    at: Timestamp,
    forget: Timestamp,
) -> Result<()> {
    tx.execute("DELETE FROM login_failures WHERE at < ?1", [forget.as_second()])?;
    let mut insert = tx.prepare_cached("INSERT INTO login_failures (key, at) VALUES (?1, ?2)")?;
    for key in keys {
        insert.execute(params![key, at.as_second()])?;
    }
    Ok(())
}
