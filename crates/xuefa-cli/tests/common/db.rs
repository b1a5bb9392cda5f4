//! A workspace database as a test sees it: sound or not, and its whole content in a form two
//! databases can be compared by.

use std::collections::BTreeMap;
use std::path::Path;

/// Every row of every table, each table's rows sorted: two databases holding the same data
/// have the same dump, whatever their pages look like.
pub type Dump = BTreeMap<String, Vec<String>>;

/// Returns the dump of an open database.
pub fn dump(db: &rusqlite::Connection) -> Dump {
    let tables: Vec<String> = db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .and_then(|mut s| s.query_map([], |row| row.get(0))?.collect())
        .expect("the tables");
    let mut dump = Dump::new();
    for table in tables {
        let mut statement = db.prepare(&format!("SELECT * FROM \"{table}\"")).expect("a table");
        let columns = statement.column_count();
        let mut rows: Vec<String> = statement
            .query_map([], |row| {
                (0..columns)
                    .map(|i| row.get::<_, rusqlite::types::Value>(i).map(|v| format!("{v:?}")))
                    .collect::<rusqlite::Result<Vec<_>>>()
                    .map(|cells| cells.join("\u{1f}"))
            })
            .and_then(|rows| rows.collect())
            .expect("the rows");
        rows.sort_unstable();
        dump.insert(table, rows);
    }
    dump
}

/// Opens a database as the next command would (recovering what a killed writer left in the
/// WAL) and returns `PRAGMA integrity_check`'s and `foreign_key_check`'s findings (empty when
/// sound) and the connection.
pub fn check_integrity(path: &Path) -> (Vec<String>, rusqlite::Connection) {
    let db = rusqlite::Connection::open(path).expect("the database opens");
    let mut findings: Vec<String> = db
        .prepare("PRAGMA integrity_check")
        .and_then(|mut s| s.query_map([], |row| row.get(0))?.collect())
        .expect("integrity_check runs");
    findings.retain(|f| f != "ok");
    let broken: Vec<String> = db
        .prepare("PRAGMA foreign_key_check")
        .and_then(|mut s| {
            s.query_map([], |row| {
                Ok(format!(
                    "foreign key: {} row {:?}",
                    row.get::<_, String>(0)?,
                    row.get::<_, Option<i64>>(1)?
                ))
            })?
            .collect()
        })
        .expect("foreign_key_check runs");
    findings.extend(broken);
    (findings, db)
}

/// Returns the dump of the database at `path`, failing the test unless it is sound.
pub fn sound_dump(path: &Path) -> Dump {
    let (findings, db) = check_integrity(path);
    assert!(findings.is_empty(), "{} is damaged: {findings:?}", path.display());
    dump(&db)
}

/// Returns the key, explanation, law and article the workspace in `dir` stores for the
/// version of a question an API response showed (its `bank`, `id` and `version`).
pub fn stored_question(dir: &Path, question: &serde_json::Value) -> (String, String, String, String) {
    let db = rusqlite::Connection::open(dir.join("xuefa.db")).expect("database");
    db.query_row(
        "SELECT v.answer, v.explanation, v.law, v.article FROM question_versions v \
         JOIN questions q ON q.id = v.question_id JOIN banks b ON b.id = q.bank_id \
         WHERE b.name = ?1 AND q.code = ?2 AND v.version = ?3",
        rusqlite::params![
            question["bank"].as_str().expect("bank"),
            question["id"].as_str().expect("id"),
            question["version"].as_i64().expect("version"),
        ],
        |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)),
    )
    .expect("the question shown is stored")
}
