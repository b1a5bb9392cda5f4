//! The ledger, health and figures on PostgreSQL: [`Maintenance`](crate::Maintenance).
//!
//! What differs from SQLite, where SQLite reports things of its file:
//! - the size is that of the workspace's tables with their indexes and TOAST
//!   (`pg_total_relation_size`), not of a file;
//! - the integrity check is the server's own business (`amcheck` is not assumed to be
//!   installed): it passes when the catalog of the workspace's tables reads;
//! - references are checked against every foreign key of the schema (which the server
//!   enforces, so only a load that bypassed them leaves any), by table and key, naming a
//!   row by its integer primary key (SQLite's row id) and 0 where the key is another;
//! - a backup is one SQLite file of the whole workspace, made and verified as `xuefa db copy`
//!   makes it (a server's own backups, `pg_dump` and its kind, go on beside it).

use std::path::Path;

use jiff::Timestamp;
use postgres::fallible_iterator::FallibleIterator;
use postgres::{IsolationLevel, Transaction};

use super::PgStore;
use super::ledger::attempt_fields;
use crate::ledger::{ATTEMPT, ATTEMPT_COLUMNS, AttemptFields, MARK, hex, link_digest, mark_digest};
use crate::{
    ExamFigures, Figures, Health, LedgerCheck, LedgerProblem, LedgerRecord, Orphans, Result, SCHEMA_VERSION,
};

/// SQLite's `ORPHANS`, in PostgreSQL's words (`IS DISTINCT FROM` for `IS NOT`; the
/// examples made of several columns compare byte by byte, as SQLite's do).
const ORPHANS: &[(&str, &str)] = &[
    (
        "attempts_off_roster",
        "SELECT COUNT(*), MIN(a.employee_id) FROM attempts a \
         WHERE NOT EXISTS (SELECT 1 FROM people p WHERE p.employee_id = a.employee_id)",
    ),
    (
        "marks_off_roster",
        "SELECT COUNT(*), MIN(t.employee_id) FROM attendance t \
         WHERE NOT EXISTS (SELECT 1 FROM people p WHERE p.employee_id = t.employee_id)",
    ),
    (
        "codes_off_roster",
        "SELECT COUNT(*), MIN(c.employee_id) FROM access_codes c \
         WHERE NOT EXISTS (SELECT 1 FROM people p WHERE p.employee_id = c.employee_id)",
    ),
    (
        "results_without_item_marks",
        "SELECT COUNT(*), MIN((a.exam_id || ' ' || a.employee_id || ' #' || a.attempt) COLLATE \"C\") FROM attempts a \
         WHERE a.submitted_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM item_marks i WHERE i.attempt_id = a.id)",
    ),
    (
        "item_marks_other_score",
        "SELECT COUNT(*), MIN((a.exam_id || ' ' || a.employee_id || ' #' || a.attempt) COLLATE \"C\") FROM item_marks i \
         JOIN attempts a ON a.id = i.attempt_id WHERE a.score IS DISTINCT FROM i.score",
    ),
];

/// Every single-column foreign key of the workspace's schema: (table, column, the table
/// referred to, its column, the table's integer primary key if it has one), by table and
/// constraint name.
const FOREIGN_KEYS: &str = "SELECT t.relname::text, ta.attname::text, f.relname::text, fa.attname::text, \
     pa.attname::text \
     FROM pg_catalog.pg_constraint c \
     JOIN pg_catalog.pg_class t ON t.oid = c.conrelid \
     JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace \
     JOIN pg_catalog.pg_class f ON f.oid = c.confrelid \
     JOIN pg_catalog.pg_attribute ta ON ta.attrelid = c.conrelid AND ta.attnum = c.conkey[1] \
     JOIN pg_catalog.pg_attribute fa ON fa.attrelid = c.confrelid AND fa.attnum = c.confkey[1] \
     LEFT JOIN pg_catalog.pg_constraint pk ON pk.conrelid = t.oid AND pk.contype = 'p' \
         AND array_length(pk.conkey, 1) = 1 \
     LEFT JOIN pg_catalog.pg_attribute pa ON pa.attrelid = t.oid AND pa.attnum = pk.conkey[1] \
         AND pa.atttypid = 'pg_catalog.int8'::pg_catalog.regtype \
     WHERE c.contype = 'f' AND n.nspname = current_schema() AND array_length(c.conkey, 1) = 1 \
     ORDER BY t.relname, c.conname";

/// The size in bytes of the workspace's tables, with their indexes and TOAST.
const SIZE: &str = "SELECT COALESCE(SUM(pg_catalog.pg_total_relation_size(c.oid)), 0)::BIGINT \
     FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
     WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'm')";

fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn count(tx: &mut Transaction<'_>, sql: &str) -> Result<u64> {
    let n: i64 = tx.query_one(sql, &[])?.try_get(0)?;
    Ok(n as u64)
}

impl crate::Maintenance for PgStore {
    /// Walks the ledger in one snapshot (a REPEATABLE READ transaction that writes only a
    /// temporary table of latest links, dropped with it).
    fn verify_ledger(&mut self) -> Result<LedgerCheck> {
        let mut client = self.client()?;
        let mut tx = client.build_transaction().isolation_level(IsolationLevel::RepeatableRead).start()?;
        let check = verify(&mut tx)?;
        tx.rollback()?;
        Ok(check)
    }

    fn ledger_head(&mut self) -> Result<(u64, String)> {
        self.read(|tx| {
            let last = tx.query_opt("SELECT seq, link FROM ledger ORDER BY seq DESC LIMIT 1", &[])?;
            let length = count(tx, "SELECT COUNT(*) FROM ledger")?;
            let head = match last {
                Some(row) => hex(row.try_get::<_, &[u8]>(1)?),
                None => hex(&[0; 32]),
            };
            Ok((length, head))
        })
    }

    fn health(&mut self, now: Timestamp) -> Result<Health> {
        self.read(|tx| {
            let schema_version: i64 =
                tx.query_one("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", &[])?.try_get(0)?;
            // The catalog of the workspace's tables reads: the check passes.
            let size_bytes = count(tx, SIZE)?;
            let integrity = Vec::new();
            let references = references(tx)?;
            let mut orphans = Vec::new();
            for (kind, sql) in ORPHANS {
                let row = tx.query_one(*sql, &[])?;
                let (count, example): (i64, Option<String>) = (row.try_get(0)?, row.try_get(1)?);
                if count > 0 {
                    orphans.push(Orphans { kind, count: count as u64, example: example.unwrap_or_default() });
                }
            }
            let mut overdue = Vec::new();
            let mut rows = tx.query_raw(
                "SELECT exam_id, employee_id, attempt, deadline FROM attempts WHERE submitted_at IS NULL \
                 ORDER BY deadline, exam_id, employee_id",
                std::iter::empty::<i64>(),
            )?;
            while let Some(row) = rows.next()? {
                let deadline: String = row.try_get(3)?;
                let past = deadline.parse::<Timestamp>().map_or(true, |d| d <= now);
                if past {
                    overdue.push((row.try_get(0)?, row.try_get(1)?, row.try_get(2)?, deadline));
                }
            }
            Ok(Health {
                schema_version,
                schema_known: SCHEMA_VERSION,
                size_bytes,
                integrity,
                references,
                orphans,
                overdue,
            })
        })
    }

    fn figures(&mut self) -> Result<Figures> {
        self.read(|tx| {
            let exams = tx
                .query(
                    "SELECT e.id, e.title, COUNT(a.id), COUNT(DISTINCT a.employee_id), \
                     COUNT(DISTINCT CASE WHEN a.passed <> 0 THEN a.employee_id END) \
                     FROM exams e JOIN attempts a ON a.exam_id = e.id AND a.submitted_at IS NOT NULL \
                     GROUP BY e.id ORDER BY e.id",
                    &[],
                )?
                .iter()
                .map(|row| {
                    Ok(ExamFigures {
                        id: row.try_get(0)?,
                        title: row.try_get(1)?,
                        attempts: row.try_get::<_, i64>(2)? as u64,
                        sat: row.try_get::<_, i64>(3)? as u64,
                        passed: row.try_get::<_, i64>(4)? as u64,
                    })
                })
                .collect::<Result<_>>()?;
            Ok(Figures {
                exams,
                sessions: count(tx, "SELECT COUNT(*) FROM study_sessions")?,
                marks: count(tx, "SELECT COUNT(*) FROM attendance")?,
                people: count(tx, "SELECT COUNT(*) FROM people")?,
            })
        })
    }

    /// Writes the whole workspace into a new SQLite file, verified table by table as
    /// `xuefa db copy` verifies (see [`crate::copy_database`]).
    fn backup_to(&mut self, path: &Path) -> Result<()> {
        crate::copy::backup_into_sqlite(self, path)
    }
}

/// Rows whose foreign key refers to no row: (table, row id, the table referred to).
fn references(tx: &mut Transaction<'_>) -> Result<Vec<(String, i64, String)>> {
    let keys = tx.query(FOREIGN_KEYS, &[])?;
    let mut found = Vec::new();
    for key in &keys {
        let table: String = key.try_get(0)?;
        let column: String = key.try_get(1)?;
        let parent: String = key.try_get(2)?;
        let parent_column: String = key.try_get(3)?;
        let id: Option<String> = key.try_get(4)?;
        let id = id.map_or_else(|| "0::BIGINT".to_owned(), |id| format!("x.{}", quoted(&id)));
        let (column, parent_column) = (quoted(&column), quoted(&parent_column));
        let sql = format!(
            "SELECT {id} FROM {} x WHERE x.{column} IS NOT NULL AND NOT EXISTS \
             (SELECT 1 FROM {} y WHERE y.{parent_column} = x.{column}) ORDER BY 1",
            quoted(&table),
            quoted(&parent),
        );
        let mut rows = tx.query_raw(&sql, std::iter::empty::<i64>())?;
        while let Some(row) = rows.next()? {
            found.push((table.clone(), row.try_get(0)?, parent.clone()));
        }
    }
    Ok(found)
}

/// Walks the ledger and compares every submitted attempt and every mark with it, as
/// `crate::ledger::verify` does on SQLite, in the caller's transaction (which must be
/// allowed to create a temporary table). The records no link vouches for come attempts
/// first, by row id, then marks by session and employee id (SQLite gives those marks in the
/// order their rows were first written).
fn verify(tx: &mut Transaction<'_>) -> Result<LedgerCheck> {
    let mut problems = Vec::new();
    // The chain itself.
    let mut previous = [0u8; 32];
    let mut length = 0u64;
    {
        let mut rows = tx.query_raw(
            "SELECT seq, kind, a, b, n, content, link FROM ledger ORDER BY seq",
            std::iter::empty::<i64>(),
        )?;
        while let Some(row) = rows.next()? {
            length += 1;
            let seq: i64 = row.try_get(0)?;
            let kind: &str = row.try_get(1)?;
            let (a, b, n): (&str, &str, i64) = (row.try_get(2)?, row.try_get(3)?, row.try_get(4)?);
            let content: [u8; 32] = row.try_get::<_, &[u8]>(5)?.try_into().unwrap_or([0; 32]);
            let link: [u8; 32] = row.try_get::<_, &[u8]>(6)?.try_into().unwrap_or([0; 32]);
            if link_digest(&previous, kind, a, b, n, &content) != link {
                problems.push(LedgerProblem::Broken { seq });
            }
            previous = link;
        }
    }
    // The latest link of each record, keyed (a temporary table, gone with the transaction:
    // the workspace's tables are only read).
    tx.batch_execute(
        "CREATE TEMP TABLE latest_links ON COMMIT DROP AS \
             SELECT DISTINCT ON (kind, a, b, n) kind, a, b, n, seq, content FROM ledger \
             ORDER BY kind, a, b, n, seq DESC;
         CREATE UNIQUE INDEX latest_links_record ON pg_temp.latest_links (kind, a, b, n);
         ANALYZE pg_temp.latest_links;",
    )?;
    // Attempts against their latest links, each with its answers (in one stream, by row id
    // and question).
    let mut attempts = 0u64;
    {
        let mut rows = tx.query_raw(
            &format!(
                "SELECT a.id, {ATTEMPT_COLUMNS}, l.seq, l.content, r.question_index, r.response FROM attempts a \
                 LEFT JOIN pg_temp.latest_links l ON l.kind = 'attempt' AND l.a = a.exam_id \
                 AND l.b = a.employee_id AND l.n = a.attempt \
                 LEFT JOIN responses r ON r.attempt_id = a.id \
                 WHERE a.submitted_at IS NOT NULL ORDER BY a.id, r.question_index"
            ),
            std::iter::empty::<i64>(),
        )?;
        let mut current: Option<Stored> = None;
        while let Some(row) = rows.next()? {
            let id: i64 = row.try_get(0)?;
            if current.as_ref().is_none_or(|stored| stored.id != id) {
                if let Some(stored) = current.take() {
                    stored.compare(&mut problems);
                }
                attempts += 1;
                current = Some(Stored {
                    id,
                    fields: attempt_fields(&row, 1)?,
                    seq: row.try_get(11)?,
                    linked: row.try_get(12)?,
                    answers: Vec::new(),
                });
            }
            let index: Option<i64> = row.try_get(13)?;
            if let (Some(index), Some(stored)) = (index, current.as_mut()) {
                stored.answers.push((index, row.try_get(14)?));
            }
        }
        if let Some(stored) = current {
            stored.compare(&mut problems);
        }
    }
    // Marks against their latest links.
    let mut marks = 0u64;
    let mut unlinked = Vec::new();
    {
        let mut rows = tx.query_raw(
            "SELECT t.session_id, t.employee_id, t.status, t.hours, t.recorded_at, l.seq, l.content FROM attendance t \
             LEFT JOIN pg_temp.latest_links l ON l.kind = 'mark' AND l.a = t.session_id \
             AND l.b = t.employee_id AND l.n = 0",
            std::iter::empty::<i64>(),
        )?;
        while let Some(row) = rows.next()? {
            marks += 1;
            let (session, employee, status): (&str, &str, &str) =
                (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?);
            let hours: Option<f64> = row.try_get(3)?;
            let recorded_at: &str = row.try_get(4)?;
            let seq: Option<i64> = row.try_get(5)?;
            let linked: Option<&[u8]> = row.try_get(6)?;
            match (seq, linked) {
                (Some(seq), Some(linked)) => {
                    if mark_digest(session, employee, status, hours, recorded_at)[..] != linked[..] {
                        let record = LedgerRecord::new(MARK, session.to_owned(), employee.to_owned(), 0);
                        problems.push(LedgerProblem::Changed { record, seq });
                    }
                }
                _ => unlinked.push((session.to_owned(), employee.to_owned())),
            }
        }
    }
    unlinked.sort();
    problems.extend(unlinked.into_iter().map(|(session, employee)| LedgerProblem::Unlinked {
        record: LedgerRecord::new(MARK, session, employee, 0),
    }));
    // Links whose record is gone.
    {
        let gone = tx.query(
            "SELECT l.kind, l.a, l.b, l.n, l.seq FROM pg_temp.latest_links l \
             WHERE (l.kind = 'attempt' AND NOT EXISTS (SELECT 1 FROM attempts x WHERE x.exam_id = l.a \
                    AND x.employee_id = l.b AND x.attempt = l.n AND x.submitted_at IS NOT NULL)) \
                OR (l.kind = 'mark' AND NOT EXISTS (SELECT 1 FROM attendance x WHERE x.session_id = l.a \
                    AND x.employee_id = l.b))",
            &[],
        )?;
        for row in &gone {
            let kind: String = row.try_get(0)?;
            let record = LedgerRecord::new(&kind, row.try_get(1)?, row.try_get(2)?, row.try_get(3)?);
            problems.push(LedgerProblem::Missing { record, seq: row.try_get(4)? });
        }
    }
    problems.sort_by_key(LedgerProblem::order);
    Ok(LedgerCheck { length, head: hex(&previous), attempts, marks, problems })
}

/// A submitted attempt as stored, with its latest link, while its answers are read.
struct Stored {
    id: i64,
    fields: AttemptFields,
    seq: Option<i64>,
    linked: Option<Vec<u8>>,
    answers: Vec<(i64, Option<String>)>,
}

impl Stored {
    /// Compares the attempt with its latest link.
    fn compare(self, problems: &mut Vec<LedgerProblem>) {
        let Stored { fields, seq, linked, answers, .. } = self;
        let digest = fields.digest(answers.iter().map(|(i, r)| (*i, r.as_deref())));
        let record = LedgerRecord::new(ATTEMPT, fields.exam, fields.employee, fields.attempt);
        match (seq, linked) {
            (Some(seq), Some(linked)) => {
                if digest[..] != linked[..] {
                    problems.push(LedgerProblem::Changed { record, seq });
                }
            }
            _ => problems.push(LedgerProblem::Unlinked { record }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::Lock;
    use super::super::ledger::Chain;
    use super::*;
    use crate::{Maintenance, SqliteStore};

    /// An exam with attempts as submitting writes them: answers, an answer left empty,
    /// none at all, a score without a band, an open attempt.
    const ATTEMPTS: &str = "
        INSERT INTO exams (id, title, year, spec, seed, total_points, created_at)
            VALUES ('X1', '年度考试', 2026, '{}', 's', 100.0, 't');
        INSERT INTO attempts (id, exam_id, employee_id, attempt, mode, paper, started_at, deadline,
            submitted_at, score, max_score, passed, band, marks)
            VALUES (1, 'X1', 'E1', 1, 'online', '[]', 'a', 'b', '2026-05-01T01:30:00Z', 88.5, 100.0, 1, '良好', NULL),
                   (2, 'X1', 'E2', 1, 'paper', '[]', 'a', 'b', '2026-05-01T01:40:00Z', 0.1, 100.0, 0, NULL, '[1,0]'),
                   (3, 'X1', 'E2', 2, 'online', '[]', 'a', 'b', '2026-05-01T01:50:00Z', NULL, NULL, NULL, NULL, NULL),
                   (4, 'X1', 'E3', 1, 'online', '[]', 'a', 'b', NULL, NULL, NULL, NULL, NULL, NULL);
        INSERT INTO responses (attempt_id, question_index, response, flagged, answered_at)
            VALUES (1, 0, 'A', 0, 't'), (1, 1, NULL, 1, 't'), (1, 2, '对', 0, 't'), (2, 0, 'B', 0, 't'),
                   (4, 0, 'C', 0, 't');
    ";

    #[test]
    fn attempts_are_linked_and_checked_alike_on_both_backends() {
        let Some(scratch) = crate::testing::postgres("pg::maintenance::attempts") else { return };
        let dir = tempfile::tempdir().expect("temporary folder");
        let mut sqlite = SqliteStore::open(&dir.path().join("xuefa.db")).expect("open SQLite");
        let mut pg = PgStore::open(&scratch.target).expect("open PostgreSQL");
        sqlite.conn.execute_batch(ATTEMPTS).expect("SQLite fixture");
        pg.client().expect("connection").batch_execute(ATTEMPTS).expect("PostgreSQL fixture");
        crate::ledger::link_existing(&sqlite.conn).expect("link on SQLite");
        pg.write(Lock::Writer, |tx| {
            let mut chain = Chain::load(tx)?;
            for id in [1, 2, 3] {
                chain.link_attempt(tx, id)?;
            }
            Ok(())
        })
        .expect("link on PostgreSQL");

        let check = pg.verify_ledger().expect("verify");
        assert_eq!(sqlite.verify_ledger().expect("verify"), check);
        assert_eq!((check.length, check.attempts, check.problems.len()), (3, 3, 0));
        assert_eq!(sqlite.ledger_head().expect("head"), pg.ledger_head().expect("head"));

        // An answer edited, an attempt made open again, one scored by hand.
        let edit = "UPDATE responses SET response = 'D' WHERE attempt_id = 1 AND question_index = 0;
                    UPDATE attempts SET submitted_at = NULL WHERE id = 2;
                    UPDATE attempts SET score = 60.0 WHERE id = 3;";
        sqlite.conn.execute_batch(edit).expect("SQLite edit");
        pg.client().expect("connection").batch_execute(edit).expect("PostgreSQL edit");
        let check = pg.verify_ledger().expect("verify");
        assert_eq!(sqlite.verify_ledger().expect("verify"), check);
        let record = |employee: &str, attempt| LedgerRecord::Attempt {
            exam: "X1".into(),
            employee: employee.into(),
            attempt,
        };
        assert_eq!(
            check.problems,
            [
                LedgerProblem::Changed { record: record("E1", 1), seq: 1 },
                LedgerProblem::Missing { record: record("E2", 1), seq: 2 },
                LedgerProblem::Changed { record: record("E2", 2), seq: 3 },
            ]
        );
        let overdue_at: Timestamp = "2026-06-01T00:00:00Z".parse().expect("timestamp");
        let (mut left, mut right) =
            (sqlite.health(overdue_at).expect("health"), pg.health(overdue_at).expect("health"));
        (left.size_bytes, right.size_bytes) = (0, 0);
        assert_eq!(left, right);
        assert_eq!(right.overdue.len(), 2);
        assert_eq!(sqlite.figures().expect("figures"), pg.figures().expect("figures"));
    }

    #[test]
    fn references_to_nothing_are_found_when_a_load_bypassed_the_keys() {
        let Some(scratch) = crate::testing::postgres("pg::maintenance::references") else { return };
        let mut pg = PgStore::open(&scratch.target).expect("open PostgreSQL");
        let now: Timestamp = "2026-06-01T00:00:00Z".parse().expect("timestamp");
        assert!(pg.health(now).expect("health").references.is_empty());
        // The owner of the tables may switch the keys' triggers off for a load.
        pg.client()
            .expect("connection")
            .batch_execute(
                "ALTER TABLE attendance DISABLE TRIGGER ALL;
                 INSERT INTO attendance (session_id, employee_id, status, hours, recorded_at)
                     VALUES ('S404', 'E1', 'present', NULL, 't');
                 ALTER TABLE attendance ENABLE TRIGGER ALL;
                 ALTER TABLE attempts DISABLE TRIGGER ALL;
                 INSERT INTO attempts (id, exam_id, employee_id, attempt, mode, paper, started_at, deadline)
                     VALUES (7, 'X404', 'E1', 1, 'online', '[]', 'a', 'b');
                 ALTER TABLE attempts ENABLE TRIGGER ALL;",
            )
            .expect("a load without keys");
        assert_eq!(
            pg.health(now).expect("health").references,
            [
                ("attempts".to_owned(), 7, "exams".to_owned()),
                ("attendance".to_owned(), 0, "study_sessions".to_owned())
            ]
        );
    }
}
