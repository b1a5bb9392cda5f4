//! Signing in over the network on PostgreSQL: [`OnlineStore`](crate::OnlineStore).
//!
//! Several servers share the database, so every rule is kept by the database: the access
//! codes, the sessions and the failed sign-ins are rows every process reads; an answer is
//! saved only while its attempt's row, locked, says it is open; and the events of an
//! attempt are counted with its row locked, so two at once count one after the other.

use std::collections::{HashMap, HashSet};

use jiff::Timestamp;

use super::{Lock, PgStore};
use crate::online::time;
use crate::{AccessCode, AttemptRecord, LoginEnd, ResponseSave, Result, Saved};

/// How many access codes one statement stores.
const CODES_AT_ONCE: usize = 1000;

/// Counts an attempt's events of one kind.
const COUNT_EVENTS: &str = "SELECT COUNT(*) FROM attempt_events WHERE attempt_id = $1 AND kind = $2";

/// A count as the store returns it.
fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

impl crate::OnlineStore for PgStore {
    fn set_access_codes(&mut self, codes: &[AccessCode]) -> Result<()> {
        self.write(Lock::Writer, |tx| {
            let upsert = tx.prepare(
                "INSERT INTO access_codes (employee_id, hash, issued_at, expires_at) \
                 SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) \
                 ON CONFLICT (employee_id) DO UPDATE SET hash = excluded.hash, issued_at = excluded.issued_at, \
                 expires_at = excluded.expires_at",
            )?;
            let end = tx.prepare("DELETE FROM web_sessions WHERE employee_id = ANY($1)")?;
            for chunk in codes.chunks(CODES_AT_ONCE) {
                // One row a person, the last code given for them (as one statement a code
                // would leave it).
                let mut last: HashMap<&str, &AccessCode> = HashMap::with_capacity(chunk.len());
                let mut order = Vec::with_capacity(chunk.len());
                for code in chunk {
                    if last.insert(code.employee.as_str(), code).is_none() {
                        order.push(code.employee.as_str());
                    }
                }
                let kept: Vec<&AccessCode> = order.iter().filter_map(|e| last.get(e).copied()).collect();
                let employees: Vec<&str> = kept.iter().map(|c| c.employee.as_str()).collect();
                let hashes: Vec<&str> = kept.iter().map(|c| c.hash.as_str()).collect();
                let issued: Vec<String> = kept.iter().map(|c| c.issued_at.to_string()).collect();
                let expires: Vec<Option<String>> =
                    kept.iter().map(|c| c.expires_at.map(|t| t.to_string())).collect();
                tx.execute(&upsert, &[&employees, &hashes, &issued, &expires])?;
                tx.execute(&end, &[&employees])?;
            }
            Ok(())
        })
    }

    fn revoke_access_codes(&mut self, employees: &[String]) -> Result<u64> {
        self.write(Lock::Writer, |tx| {
            let delete = tx.prepare("DELETE FROM access_codes WHERE employee_id = ANY($1)")?;
            let end = tx.prepare("DELETE FROM web_sessions WHERE employee_id = ANY($1)")?;
            let mut removed = 0;
            for chunk in employees.chunks(CODES_AT_ONCE) {
                // A person named twice in one chunk is one row deleted, as SQLite's second
                // delete finds nothing.
                let chunk: Vec<&str> = chunk.iter().map(String::as_str).collect();
                removed += tx.execute(&delete, &[&chunk])?;
                tx.execute(&end, &[&chunk])?;
            }
            Ok(removed)
        })
    }

    fn access_code(&self, employee: &str) -> Result<Option<AccessCode>> {
        self.read(|tx| {
            let Some(row) = tx.query_opt(
                "SELECT hash, issued_at, expires_at FROM access_codes WHERE employee_id = $1",
                &[&employee],
            )?
            else {
                return Ok(None);
            };
            let expires: Option<String> = row.try_get(2)?;
            Ok(Some(AccessCode {
                employee: employee.to_owned(),
                hash: row.try_get(0)?,
                issued_at: time(row.try_get(1)?)?,
                expires_at: expires.as_deref().map(time).transpose()?,
            }))
        })
    }

    fn login_failures(&self, keys: &[&str], since: Timestamp) -> Result<Vec<u64>> {
        let since = since.as_second();
        self.read(|tx| {
            let statement = tx.prepare("SELECT COUNT(*) FROM login_failures WHERE key = $1 AND at >= $2")?;
            keys.iter().map(|key| Ok(count(tx.query_one(&statement, &[key, &since])?.try_get(0)?))).collect()
        })
    }

    fn record_login_failure(&mut self, keys: &[&str], at: Timestamp, forget: Timestamp) -> Result<()> {
        self.write(Lock::Rows, |tx| insert_failures(tx, keys, at, forget))
    }

    fn settle_login(
        &mut self,
        keys: &[&str],
        since: Timestamp,
        limit: u64,
        end: LoginEnd<'_>,
    ) -> Result<bool> {
        let since = since.as_second();
        let mut sorted = keys.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        self.write(Lock::Rows, |tx| {
            // Each key's lock, in one order, until the transaction ends: a sign-in under the
            // same person or address on any server waits here, then counts this one's write.
            for key in &sorted {
                tx.execute("SELECT pg_advisory_xact_lock(30838, hashtext($1))", &[key])?;
            }
            let statement = tx.prepare("SELECT COUNT(*) FROM login_failures WHERE key = $1 AND at >= $2")?;
            for key in keys {
                if count(tx.query_one(&statement, &[key, &since])?.try_get(0)?) >= limit {
                    return Ok(false);
                }
            }
            match end {
                LoginEnd::Failure { at, forget } => insert_failures(tx, keys, at, forget)?,
                LoginEnd::Session { token_hash, employee, created, expires } => {
                    tx.execute(
                        INSERT_SESSION,
                        &[&token_hash, &employee, &created.to_string(), &expires.as_second()],
                    )?;
                }
            }
            Ok(true)
        })
    }

    fn create_web_session(
        &mut self,
        token_hash: &str,
        employee: &str,
        created: Timestamp,
        expires: Timestamp,
    ) -> Result<()> {
        let (created, expires) = (created.to_string(), expires.as_second());
        self.write(Lock::Rows, |tx| {
            tx.execute(INSERT_SESSION, &[&token_hash, &employee, &created, &expires])?;
            Ok(())
        })
    }

    fn web_session(&self, token_hash: &str, now: Timestamp) -> Result<Option<String>> {
        let now = now.as_second();
        self.read(|tx| {
            let row = tx.query_opt(
                "SELECT employee_id FROM web_sessions WHERE token_hash = $1 AND expires_at > $2",
                &[&token_hash, &now],
            )?;
            Ok(row.map(|row| row.try_get(0)).transpose()?)
        })
    }

    fn end_web_session(&mut self, token_hash: &str, now: Timestamp) -> Result<()> {
        let now = now.as_second();
        self.write(Lock::Rows, |tx| {
            tx.execute(
                "DELETE FROM web_sessions WHERE token_hash = $1 OR expires_at <= $2",
                &[&token_hash, &now],
            )?;
            Ok(())
        })
    }

    fn attempt_by_id(&self, attempt: i64) -> Result<Option<AttemptRecord>> {
        self.read(|tx| Ok(super::exams::attempt_records(tx, "id = $1", &[&attempt])?.into_iter().next()))
    }

    fn save_open_responses(&mut self, saves: &[ResponseSave]) -> Result<Vec<Saved>> {
        if saves.is_empty() {
            return Ok(Vec::new());
        }
        let mut attempts: Vec<i64> = saves.iter().map(|save| save.attempt).collect();
        attempts.sort_unstable();
        attempts.dedup();
        let responses: Vec<Option<String>> = saves
            .iter()
            .map(|save| save.response.as_ref().map(xuefa_core::exam::Response::canonical))
            .collect();
        // One transaction, one flush at commit, in three statements however many answers:
        // the open attempts locked, their answered questions read, the answers written.
        self.write(Lock::Rows, |tx| {
            // Each open attempt's row, locked in the order of the ids (two batches never
            // wait for each other in a circle): a submit, which updates the row, waits for
            // these answers, or they for the submit, which then leaves the attempt out. An
            // attempt submitted, or not there, is not locked and gets nothing.
            let open: Vec<i64> = tx
                .query(
                    "SELECT id FROM attempts WHERE id = ANY($1) AND submitted_at IS NULL ORDER BY id FOR UPDATE",
                    &[&attempts],
                )?
                .iter()
                .map(|row| row.try_get(0))
                .collect::<std::result::Result<_, _>>()?;
            // The questions each holds an answer to, which the locks keep as they are:
            // the count after each save follows from them.
            let mut answered: HashMap<i64, HashSet<i64>> = open.iter().map(|&id| (id, HashSet::new())).collect();
            for row in tx.query(
                "SELECT attempt_id, question_index FROM responses WHERE attempt_id = ANY($1) AND response IS NOT NULL",
                &[&open],
            )? {
                if let Some(indexes) = answered.get_mut(&row.try_get::<_, i64>(0)?) {
                    indexes.insert(row.try_get(1)?);
                }
            }
            let mut results = Vec::with_capacity(saves.len());
            // The last save of each (attempt, question): the row the saves one by one
            // would leave.
            let mut last: HashMap<(i64, i64), usize> = HashMap::new();
            for (i, save) in saves.iter().enumerate() {
                let Some(indexes) = answered.get_mut(&save.attempt) else {
                    results.push(Saved::Submitted);
                    continue;
                };
                let index = super::int(save.index);
                if save.response.is_some() {
                    indexes.insert(index);
                } else {
                    indexes.remove(&index);
                }
                results.push(Saved::Answered(u64::try_from(indexes.len()).unwrap_or(u64::MAX)));
                last.insert((save.attempt, index), i);
            }
            let mut rows: Vec<((i64, i64), usize)> = last.into_iter().collect();
            rows.sort_unstable();
            if !rows.is_empty() {
                let mut ids = Vec::with_capacity(rows.len());
                let mut indexes = Vec::with_capacity(rows.len());
                let mut given: Vec<Option<&str>> = Vec::with_capacity(rows.len());
                let mut flagged = Vec::with_capacity(rows.len());
                let mut at = Vec::with_capacity(rows.len());
                for &((attempt, index), i) in &rows {
                    let (Some(save), Some(response)) = (saves.get(i), responses.get(i)) else { continue };
                    ids.push(attempt);
                    indexes.push(index);
                    given.push(response.as_deref());
                    flagged.push(i64::from(save.flagged));
                    at.push(save.at.to_string());
                }
                tx.execute(
                    "INSERT INTO responses (attempt_id, question_index, response, flagged, answered_at) \
                     SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::bigint[], $5::text[]) \
                     ON CONFLICT (attempt_id, question_index) DO UPDATE SET response = excluded.response, \
                     flagged = excluded.flagged, answered_at = excluded.answered_at",
                    &[&ids, &indexes, &given, &flagged, &at],
                )?;
            }
            Ok(results)
        })
    }

    fn record_attempt_event(&mut self, attempt: i64, kind: &str, at: Timestamp) -> Result<u64> {
        let at = at.to_string();
        self.write(Lock::Rows, |tx| {
            // The attempt's row, locked: two events at once are counted one after the other.
            tx.execute("SELECT 1 FROM attempts WHERE id = $1 FOR UPDATE", &[&attempt])?;
            tx.execute(
                "INSERT INTO attempt_events (attempt_id, kind, at) VALUES ($1, $2, $3)",
                &[&attempt, &kind, &at],
            )?;
            Ok(count(tx.query_one(COUNT_EVENTS, &[&attempt, &kind])?.try_get(0)?))
        })
    }

    fn attempt_events(&self, attempt: i64, kind: &str) -> Result<u64> {
        self.read(|tx| Ok(count(tx.query_one(COUNT_EVENTS, &[&attempt, &kind])?.try_get(0)?)))
    }
}

/// Stores a session.
const INSERT_SESSION: &str =
    "INSERT INTO web_sessions (token_hash, employee_id, created_at, expires_at) VALUES ($1, $2, $3, $4)";

/// Records a failed sign-in under each key, forgetting failures older than `forget`.
fn insert_failures(
    tx: &mut postgres::Transaction<'_>,
    keys: &[&str],
    at: Timestamp,
    forget: Timestamp,
) -> Result<()> {
    let (at, forget) = (at.as_second(), forget.as_second());
    tx.execute("DELETE FROM login_failures WHERE at < $1", &[&forget])?;
    let insert = tx.prepare("INSERT INTO login_failures (key, at) VALUES ($1, $2)")?;
    for key in keys {
        tx.execute(&insert, &[key, &at])?;
    }
    Ok(())
}
