//! The ledger's chain on PostgreSQL: the same links as SQLite's (`crate::ledger` makes the
//! digests), appended by one writer at a time ([`super::Lock::Writer`]).

use postgres::Transaction;

use crate::Result;
use crate::ledger::{ATTEMPT, ATTEMPT_COLUMNS, AttemptFields, link_digest};

/// The end of the chain, to append to inside one write transaction that holds the writer
/// lock.
#[derive(Debug)]
pub(crate) struct Chain {
    seq: i64,
    head: [u8; 32],
    insert: postgres::Statement,
}

impl Chain {
    /// Reads the chain's last link (the chain of an empty ledger starts from zeros).
    pub(crate) fn load(tx: &mut Transaction<'_>) -> Result<Chain> {
        let last = tx.query_opt("SELECT seq, link FROM ledger ORDER BY seq DESC LIMIT 1", &[])?;
        let (seq, head) = match last {
            Some(row) => {
                (row.try_get::<_, i64>(0)?, row.try_get::<_, Vec<u8>>(1)?.try_into().unwrap_or([0; 32]))
            }
            None => (0, [0; 32]),
        };
        let insert = tx.prepare(
            "INSERT INTO ledger (seq, kind, a, b, n, content, link) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )?;
        Ok(Chain { seq, head, insert })
    }

    /// Makes the next link for the record `(kind, a, b, n)` with this content digest, for
    /// the caller to insert (with others, in one statement): its sequence number and digest.
    pub(crate) fn next(
        &mut self,
        kind: &str,
        a: &str,
        b: &str,
        n: i64,
        content: &[u8; 32],
    ) -> (i64, [u8; 32]) {
        let link = link_digest(&self.head, kind, a, b, n, content);
        self.seq += 1;
        self.head = link;
        (self.seq, link)
    }

    /// Appends a link for the record `(kind, a, b, n)` with this content digest.
    pub(crate) fn append(
        &mut self,
        tx: &mut Transaction<'_>,
        kind: &str,
        a: &str,
        b: &str,
        n: i64,
        content: &[u8; 32],
    ) -> Result<()> {
        let (seq, link) = self.next(kind, a, b, n, content);
        tx.execute(&self.insert, &[&seq, &kind, &a, &b, &n, &&content[..], &&link[..]])?;
        Ok(())
    }

    /// Links the attempt with this row id as it is stored now (submitted, with its answers).
    pub(crate) fn link_attempt(&mut self, tx: &mut Transaction<'_>, attempt: i64) -> Result<()> {
        let row =
            tx.query_one(&format!("SELECT {ATTEMPT_COLUMNS} FROM attempts a WHERE a.id = $1"), &[&attempt])?;
        let fields = attempt_fields(&row, 0)?;
        let content = attempt_content(tx, attempt, &fields)?;
        self.append(tx, ATTEMPT, &fields.exam, &fields.employee, fields.attempt, &content)
    }
}

/// Reads the fields of [`ATTEMPT_COLUMNS`] from a row, starting at column `at`.
pub(crate) fn attempt_fields(row: &postgres::Row, at: usize) -> Result<AttemptFields> {
    Ok(AttemptFields {
        exam: row.try_get(at)?,
        employee: row.try_get(at + 1)?,
        attempt: row.try_get(at + 2)?,
        mode: row.try_get(at + 3)?,
        submitted_at: row.try_get(at + 4)?,
        score: row.try_get(at + 5)?,
        max_score: row.try_get(at + 6)?,
        passed: row.try_get(at + 7)?,
        band: row.try_get(at + 8)?,
        marks: row.try_get(at + 9)?,
    })
}

/// The digest of a stored attempt: its fields and its answers as stored.
pub(crate) fn attempt_content(
    tx: &mut Transaction<'_>,
    attempt: i64,
    fields: &AttemptFields,
) -> Result<[u8; 32]> {
    let rows = tx.query(
        "SELECT question_index, response FROM responses WHERE attempt_id = $1 ORDER BY question_index",
        &[&attempt],
    )?;
    let answers: Vec<(i64, Option<String>)> =
        rows.iter().map(|row| Ok((row.try_get(0)?, row.try_get(1)?))).collect::<Result<_>>()?;
    Ok(fields.digest(answers.iter().map(|(i, r)| (*i, r.as_deref()))))
}
