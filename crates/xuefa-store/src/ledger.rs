//! The ledger: every submitted attempt and every attendance mark, chained.
//!
//! Each record's content is digested (SHA-256 over its fields, each tagged and
//! length-prefixed, floats by their bits) and appended as a link whose digest covers the
//! previous link and the record's key and content. Walking the links finds an edited link;
//! comparing each record with its latest link finds an edited record, a record deleted
//! since it was linked, and a record that no link vouches for (written outside xuefa).
//! The chain's length and head, signed and sent to a superior office, pin everything
//! before them: rewriting the ledger to hide an edit changes the head.

use rusqlite::{Connection, OptionalExtension, Statement, params};
use sha2::{Digest, Sha256};

use crate::Result;

/// The kind of a submitted attempt's link.
pub const ATTEMPT: &str = "attempt";
/// The kind of an attendance mark's link.
pub const MARK: &str = "mark";

const INSERT_LINK: &str =
    "INSERT INTO ledger (seq, kind, a, b, n, content, link) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";

pub(crate) const ATTEMPT_COLUMNS: &str = "a.exam_id, a.employee_id, a.attempt, a.mode, a.submitted_at, a.score, a.max_score, a.passed, a.band, a.marks";

/// A digest being made of tagged, length-prefixed fields.
struct Canon(Sha256);

impl Canon {
    fn new(kind: &str) -> Canon {
        let mut canon = Canon(Sha256::new());
        canon.text(kind);
        canon
    }

    fn text(&mut self, text: &str) {
        self.0.update(b"s");
        self.0.update((text.len() as u64).to_le_bytes());
        self.0.update(text.as_bytes());
    }

    fn opt_text(&mut self, text: Option<&str>) {
        match text {
            Some(text) => self.text(text),
            None => self.0.update(b"n"),
        }
    }

    fn int(&mut self, value: i64) {
        self.0.update(b"i");
        self.0.update(value.to_le_bytes());
    }

    fn opt_int(&mut self, value: Option<i64>) {
        match value {
            Some(value) => self.int(value),
            None => self.0.update(b"n"),
        }
    }

    fn real(&mut self, value: Option<f64>) {
        match value {
            Some(value) => {
                self.0.update(b"r");
                self.0.update(value.to_bits().to_le_bytes());
            }
            None => self.0.update(b"n"),
        }
    }

    fn finish(self) -> [u8; 32] {
        self.0.finalize().into()
    }
}

/// A submitted attempt's fields as stored.
#[derive(Debug)]
pub(crate) struct AttemptFields {
    pub exam: String,
    pub employee: String,
    pub attempt: i64,
    pub mode: String,
    pub submitted_at: Option<String>,
    pub score: Option<f64>,
    pub max_score: Option<f64>,
    pub passed: Option<i64>,
    pub band: Option<String>,
    pub marks: Option<String>,
}

impl AttemptFields {
    /// Reads the fields from a row of [`ATTEMPT_COLUMNS`] starting at column `at`.
    fn from_row(row: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<AttemptFields> {
        Ok(AttemptFields {
            exam: row.get(at)?,
            employee: row.get(at + 1)?,
            attempt: row.get(at + 2)?,
            mode: row.get(at + 3)?,
            submitted_at: row.get(at + 4)?,
            score: row.get(at + 5)?,
            max_score: row.get(at + 6)?,
            passed: row.get(at + 7)?,
            band: row.get(at + 8)?,
            marks: row.get(at + 9)?,
        })
    }

    /// The digest of the attempt with its answers `(question index, answer)` in index order.
    pub(crate) fn digest<'r>(&self, responses: impl Iterator<Item = (i64, Option<&'r str>)>) -> [u8; 32] {
        let mut canon = Canon::new(ATTEMPT);
        canon.text(&self.exam);
        canon.text(&self.employee);
        canon.int(self.attempt);
        canon.text(&self.mode);
        canon.opt_text(self.submitted_at.as_deref());
        canon.real(self.score);
        canon.real(self.max_score);
        canon.opt_int(self.passed);
        canon.opt_text(self.band.as_deref());
        canon.opt_text(self.marks.as_deref());
        for (index, response) in responses {
            canon.int(index);
            canon.opt_text(response);
        }
        canon.0.update(b"end");
        canon.finish()
    }
}

/// The digest of an attendance mark.
pub(crate) fn mark_digest(
    session: &str,
    employee: &str,
    status: &str,
    hours: Option<f64>,
    recorded_at: &str,
) -> [u8; 32] {
    let mut canon = Canon::new(MARK);
    canon.text(session);
    canon.text(employee);
    canon.text(status);
    canon.real(hours);
    canon.text(recorded_at);
    canon.finish()
}

pub(crate) fn link_digest(
    previous: &[u8; 32],
    kind: &str,
    a: &str,
    b: &str,
    n: i64,
    content: &[u8; 32],
) -> [u8; 32] {
    let mut canon = Canon(Sha256::new());
    canon.0.update(previous);
    canon.text(kind);
    canon.text(a);
    canon.text(b);
    canon.int(n);
    canon.0.update(content);
    canon.finish()
}

/// The end of the chain, to append to inside one write transaction.
#[derive(Debug)]
pub(crate) struct Chain<'c> {
    seq: i64,
    head: [u8; 32],
    insert: Statement<'c>,
}

impl<'c> Chain<'c> {
    /// Reads the chain's last link (the chain of an empty ledger starts from zeros).
    pub(crate) fn load(conn: &'c Connection) -> Result<Chain<'c>> {
        let last: Option<(i64, Vec<u8>)> = conn
            .query_row("SELECT seq, link FROM ledger ORDER BY seq DESC LIMIT 1", [], |row| {
                Ok((row.get(0)?, row.get(1)?))
            })
            .optional()?;
        let (seq, head) = match last {
            Some((seq, link)) => (seq, link.try_into().unwrap_or([0; 32])),
            None => (0, [0; 32]),
        };
        Ok(Chain { seq, head, insert: conn.prepare(INSERT_LINK)? })
    }

    /// Appends a link for the record `(kind, a, b, n)` with this content digest.
    pub(crate) fn append(&mut self, kind: &str, a: &str, b: &str, n: i64, content: &[u8; 32]) -> Result<()> {
        let link = link_digest(&self.head, kind, a, b, n, content);
        self.seq += 1;
        self.insert.execute(params![self.seq, kind, a, b, n, &content[..], &link[..]])?;
        self.head = link;
        Ok(())
    }

    /// Links the attempt with this row id as it is stored now (submitted, with its answers).
    pub(crate) fn link_attempt(&mut self, conn: &Connection, attempt: i64) -> Result<()> {
        let fields = conn
            .prepare_cached(&format!("SELECT {ATTEMPT_COLUMNS} FROM attempts a WHERE a.id = ?1"))?
            .query_row([attempt], |row| AttemptFields::from_row(row, 0))?;
        let content = attempt_content(conn, attempt, &fields)?;
        self.append(ATTEMPT, &fields.exam, &fields.employee, fields.attempt, &content)
    }
}

/// The digest of a stored attempt: its fields and its answers as stored.
fn attempt_content(conn: &Connection, attempt: i64, fields: &AttemptFields) -> Result<[u8; 32]> {
    let mut answers = conn.prepare_cached(
        "SELECT question_index, response FROM responses WHERE attempt_id = ?1 ORDER BY question_index",
    )?;
    let rows: Vec<(i64, Option<String>)> = answers
        .query_map([attempt], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(fields.digest(rows.iter().map(|(i, r)| (*i, r.as_deref()))))
}

/// Links every submitted attempt and every mark a database held before it had a ledger
/// (the upgrade to schema 8): they are vouched for from the upgrade on.
pub(crate) fn link_existing(conn: &Connection) -> Result<()> {
    let mut chain = Chain::load(conn)?;
    let ids: Vec<i64> = conn
        .prepare("SELECT id FROM attempts WHERE submitted_at IS NOT NULL ORDER BY id")?
        .query_map([], |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for id in ids {
        chain.link_attempt(conn, id)?;
    }
    let mut marks = conn.prepare(
        "SELECT session_id, employee_id, status, hours, recorded_at FROM attendance ORDER BY session_id, employee_id",
    )?;
    let mut rows = marks.query([])?;
    while let Some(row) = rows.next()? {
        let (session, employee, status): (String, String, String) = (row.get(0)?, row.get(1)?, row.get(2)?);
        let hours: Option<f64> = row.get(3)?;
        let recorded_at: String = row.get(4)?;
        let content = mark_digest(&session, &employee, &status, hours, &recorded_at);
        chain.append(MARK, &session, &employee, 0, &content)?;
    }
    Ok(())
}

/// What walking the ledger found.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct LedgerCheck {
    /// The number of links.
    pub length: u64,
    /// The last link's digest, hex (64 zeros for an empty ledger).
    pub head: String,
    /// Submitted attempts compared with their links.
    pub attempts: u64,
    /// Attendance marks compared with their links.
    pub marks: u64,
    /// Every problem, the ledger's own first, then records by the link that vouched for
    /// them, then records no link vouches for.
    pub problems: Vec<LedgerProblem>,
}

/// A record, as its link names it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Record {
    /// A submitted attempt.
    Attempt {
        /// The exam.
        exam: String,
        /// The person.
        employee: String,
        /// The attempt's number.
        attempt: i64,
    },
    /// An attendance mark.
    Mark {
        /// The session.
        session: String,
        /// The person.
        employee: String,
    },
}

impl Record {
    pub(crate) fn new(kind: &str, a: String, b: String, n: i64) -> Record {
        if kind == MARK {
            Record::Mark { session: a, employee: b }
        } else {
            Record::Attempt { exam: a, employee: b, attempt: n }
        }
    }
}

/// One thing that no longer matches.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum LedgerProblem {
    /// The link with this number does not follow from the one before: the ledger itself
    /// was edited, or links were deleted before it.
    Broken {
        /// The link's number.
        seq: i64,
    },
    /// The record's stored content is not what its latest link vouches for (an edited
    /// score, answer, status or hours).
    Changed {
        /// The record.
        record: Record,
        /// Its latest link.
        seq: i64,
    },
    /// The record its latest link vouches for is gone (deleted, or an attempt made open
    /// again).
    Missing {
        /// The record.
        record: Record,
        /// Its latest link.
        seq: i64,
    },
    /// No link vouches for the record: it was written outside xuefa.
    Unlinked {
        /// The record.
        record: Record,
    },
}

impl LedgerProblem {
    pub(crate) fn order(&self) -> (u8, i64) {
        match self {
            LedgerProblem::Broken { seq } => (0, *seq),
            LedgerProblem::Changed { seq, .. } | LedgerProblem::Missing { seq, .. } => (1, *seq),
            LedgerProblem::Unlinked { .. } => (2, 0),
        }
    }
}

/// Returns a digest as lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut out, b| {
        let _ = write!(out, "{b:02x}");
        out
    })
}

/// Walks the ledger and compares every submitted attempt and every mark with it.
pub(crate) fn verify(conn: &Connection) -> Result<LedgerCheck> {
    let mut problems = Vec::new();
    // The chain itself.
    let mut previous = [0u8; 32];
    let mut length = 0u64;
    {
        let mut links = conn.prepare("SELECT seq, kind, a, b, n, content, link FROM ledger ORDER BY seq")?;
        let mut rows = links.query([])?;
        while let Some(row) = rows.next()? {
            length += 1;
            let seq: i64 = row.get(0)?;
            let kind: String = row.get(1)?;
            let (a, b, n): (String, String, i64) = (row.get(2)?, row.get(3)?, row.get(4)?);
            let content: Vec<u8> = row.get(5)?;
            let link: Vec<u8> = row.get(6)?;
            let content: [u8; 32] = content.try_into().unwrap_or([0; 32]);
            let link: [u8; 32] = link.try_into().unwrap_or([0; 32]);
            if link_digest(&previous, &kind, &a, &b, n, &content) != link {
                problems.push(LedgerProblem::Broken { seq });
            }
            previous = link;
        }
    }
    // The latest link of each record, keyed (a temporary table: the database is only read).
    conn.execute_batch(
        "DROP TABLE IF EXISTS temp.latest_links;
         CREATE TEMP TABLE latest_links AS
             SELECT kind, a, b, n, MAX(seq) AS seq, content FROM ledger GROUP BY kind, a, b, n;
         CREATE UNIQUE INDEX temp.latest_links_record ON latest_links (kind, a, b, n);",
    )?;
    // Attempts against their latest links.
    let mut attempts = 0u64;
    {
        let mut rows_of = conn.prepare(&format!(
            "SELECT a.id, {ATTEMPT_COLUMNS}, l.seq, l.content FROM attempts a \
             LEFT JOIN temp.latest_links l ON l.kind = 'attempt' AND l.a = a.exam_id \
             AND l.b = a.employee_id AND l.n = a.attempt \
             WHERE a.submitted_at IS NOT NULL ORDER BY a.id"
        ))?;
        let mut rows = rows_of.query([])?;
        while let Some(row) = rows.next()? {
            attempts += 1;
            let id: i64 = row.get(0)?;
            let fields = AttemptFields::from_row(row, 1)?;
            let seq: Option<i64> = row.get(11)?;
            let linked: Option<Vec<u8>> = row.get(12)?;
            let record = Record::new(ATTEMPT, fields.exam.clone(), fields.employee.clone(), fields.attempt);
            match (seq, linked) {
                (Some(seq), Some(linked)) => {
                    if attempt_content(conn, id, &fields)?[..] != linked[..] {
                        problems.push(LedgerProblem::Changed { record, seq });
                    }
                }
                _ => problems.push(LedgerProblem::Unlinked { record }),
            }
        }
    }
    // Marks against their latest links.
    let mut marks = 0u64;
    {
        let mut rows_of = conn.prepare(
            "SELECT t.session_id, t.employee_id, t.status, t.hours, t.recorded_at, l.seq, l.content FROM attendance t \
             LEFT JOIN temp.latest_links l ON l.kind = 'mark' AND l.a = t.session_id \
             AND l.b = t.employee_id AND l.n = 0",
        )?;
        let mut rows = rows_of.query([])?;
        while let Some(row) = rows.next()? {
            marks += 1;
            let (session, employee, status): (String, String, String) =
                (row.get(0)?, row.get(1)?, row.get(2)?);
            let hours: Option<f64> = row.get(3)?;
            let recorded_at: String = row.get(4)?;
            let seq: Option<i64> = row.get(5)?;
            let linked: Option<Vec<u8>> = row.get(6)?;
            match (seq, linked) {
                (Some(seq), Some(linked)) => {
                    if mark_digest(&session, &employee, &status, hours, &recorded_at)[..] != linked[..] {
                        let record = Record::new(MARK, session, employee, 0);
                        problems.push(LedgerProblem::Changed { record, seq });
                    }
                }
                _ => {
                    problems.push(LedgerProblem::Unlinked { record: Record::new(MARK, session, employee, 0) })
                }
            }
        }
    }
    // Links whose record is gone.
    {
        let mut gone = conn.prepare(
            "SELECT l.kind, l.a, l.b, l.n, l.seq FROM temp.latest_links l \
             WHERE (l.kind = 'attempt' AND NOT EXISTS (SELECT 1 FROM attempts x WHERE x.exam_id = l.a \
                    AND x.employee_id = l.b AND x.attempt = l.n AND x.submitted_at IS NOT NULL)) \
                OR (l.kind = 'mark' AND NOT EXISTS (SELECT 1 FROM attendance x WHERE x.session_id = l.a \
                    AND x.employee_id = l.b))",
        )?;
        let mut rows = gone.query([])?;
        while let Some(row) = rows.next()? {
            let kind: String = row.get(0)?;
            let record = Record::new(&kind, row.get(1)?, row.get(2)?, row.get(3)?);
            problems.push(LedgerProblem::Missing { record, seq: row.get(4)? });
        }
    }
    conn.execute_batch("DROP TABLE temp.latest_links;")?;
    problems.sort_by_key(LedgerProblem::order);
    Ok(LedgerCheck { length, head: hex(&previous), attempts, marks, problems })
}

/// Returns the chain's length and head (hex) without walking it.
pub(crate) fn head(conn: &Connection) -> Result<(u64, String)> {
    let last: Option<(i64, Vec<u8>)> = conn
        .query_row("SELECT seq, link FROM ledger ORDER BY seq DESC LIMIT 1", [], |row| {
            Ok((row.get(0)?, row.get(1)?))
        })
        .optional()?;
    let length: i64 = conn.query_row("SELECT COUNT(*) FROM ledger", [], |row| row.get(0))?;
    Ok((length as u64, last.map_or_else(|| hex(&[0; 32]), |(_, link)| hex(&link))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_digest_changes_with_any_field_and_fields_cannot_run_into_each_other() {
        let base = mark_digest("S01", "E1", "present", Some(2.0), "2026-03-01T00:00:00Z");
        assert_ne!(base, mark_digest("S01", "E1", "present", Some(2.5), "2026-03-01T00:00:00Z"));
        assert_ne!(base, mark_digest("S01", "E1", "absent", Some(2.0), "2026-03-01T00:00:00Z"));
        assert_ne!(base, mark_digest("S01", "E1", "present", None, "2026-03-01T00:00:00Z"));
        // Moving a character from one field to the next is a different record.
        assert_ne!(mark_digest("S0", "1E1", "x", None, "t"), mark_digest("S01", "E1", "x", None, "t"));
        assert_eq!(base, mark_digest("S01", "E1", "present", Some(2.0), "2026-03-01T00:00:00Z"));
    }

    #[test]
    fn a_link_follows_from_the_one_before() {
        let content = mark_digest("S01", "E1", "present", None, "t");
        let first = link_digest(&[0; 32], MARK, "S01", "E1", 0, &content);
        let second = link_digest(&first, MARK, "S01", "E2", 0, &content);
        assert_ne!(first, second);
        assert_ne!(second, link_digest(&[0; 32], MARK, "S01", "E2", 0, &content));
        assert_eq!(hex(&[0, 15, 255]), "000fff");
    }
}
