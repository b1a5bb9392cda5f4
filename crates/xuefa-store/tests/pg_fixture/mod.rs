//! One workspace on both backends: built on SQLite through the store, then copied (ids and
//! all, by `xuefa_store::copy_database`) into a scratch PostgreSQL schema, so a scenario run on each must give
//! the same results.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashSet;
use std::path::PathBuf;

use jiff::Timestamp;
use xuefa_core::exam::{ExamSpec, Paper, Pool, PoolQuestion, Response, draw_paper};
use xuefa_core::{Answer, Department, Kind, Letters, Person, Question};
use xuefa_store::testing::Scratch;
use xuefa_store::{AnyStore, ExamStore, Mode, PgStore, SqliteStore, Store};

pub fn at(text: &str) -> Timestamp {
    text.parse().expect("timestamp")
}

const SPEC: &str = r#"
id = "2026-online"
title = "2026年度学法考试"
year = 2026
duration_minutes = 30
pass_mark = 60

[[sections]]
kind = "single"
count = 3
points = 20

[[sections]]
kind = "judge"
count = 2
points = 20
"#;

/// The people of the fixture.
pub const PEOPLE: [&str; 4] = ["E001", "E002", "E003", "E004"];

/// A workspace on SQLite and the same on PostgreSQL.
pub struct Both {
    pub sqlite: SqliteStore,
    /// A second connection to the SQLite file, for rows set by hand.
    pub lite: rusqlite::Connection,
    pub pg: PgStore,
    /// A second connection to the PostgreSQL schema, for rows set by hand.
    pub client: postgres::Client,
    /// Each fixture attempt's id and paper (E001 to E003; E003's is submitted).
    pub attempts: Vec<(i64, Paper)>,
    _scratch: Scratch,
    _dir: tempfile::TempDir,
    pub path: PathBuf,
}

impl Both {
    /// Runs a statement written alike for both on both.
    pub fn execute(&mut self, sql: &str) {
        self.lite.execute_batch(sql).unwrap_or_else(|e| panic!("SQLite: {sql}: {e}"));
        self.client.batch_execute(sql).unwrap_or_else(|e| panic!("PostgreSQL: {sql}: {e}"));
    }
}

fn question(id: &str, kind: Kind, law: &str, tags: &[&str]) -> Question {
    let (options, answer) = match kind {
        Kind::Judge => (Vec::new(), Answer::Judge(true)),
        _ => (
            vec!["甲".to_owned(), "乙".to_owned(), "丙".to_owned(), "丁".to_owned()],
            Answer::Choice(Letters::empty().with(1)),
        ),
    };
    let mut question = Question::new(id, kind, format!("第{id}题"), options, answer);
    question.law = law.to_owned();
    question.article = "第一条".to_owned();
    question.tags = tags.iter().map(|t| (*t).to_owned()).collect();
    question.explanation = "因为".to_owned();
    question
}

/// A response of the right kind for a paper's question.
pub fn response_for(paper: &Paper, index: usize, pick: usize) -> Response {
    match paper.questions[index].kind {
        Kind::Judge => Response::Judge(pick.is_multiple_of(2)),
        _ => Response::Choice(Letters::empty().with(pick % 4)),
    }
}

/// Builds the fixture, or `None` when there is no PostgreSQL server.
pub fn both(test: &str) -> Option<Both> {
    let scratch = xuefa_store::testing::postgres(test)?;
    let dir = tempfile::tempdir().expect("temporary folder");
    let path = dir.path().join("xuefa.db");
    let mut sqlite = SqliteStore::open(&path).expect("open SQLite");
    let now = at("2026-03-01T08:00:00Z");

    let civil = [
        question("MF-1", Kind::Single, "中华人民共和国民法典", &["合同", "重点"]),
        question("MF-2", Kind::Single, "民法典", &["合同"]),
        question("MF-3", Kind::Multiple, "《民法典》", &["物权"]),
        question("MF-4", Kind::Judge, "中华人民共和国民法典", &["重点"]),
        question("MF-5", Kind::Single, "中华人民共和国民法典", &["\"引号\""]),
    ];
    let constitution = [
        question("XF-1", Kind::Single, "宪法", &["基本权利"]),
        question("XF-2", Kind::Judge, "宪法", &[]),
        question("XF-3", Kind::Judge, "中华人民共和国宪法", &["重点"]),
        question("XF-4", Kind::Single, "宪法", &["国家机构"]),
    ];
    sqlite.import_banks(&[("民法典", &civil), ("宪法", &constitution)], now, &mut |_, _| {}).expect("banks");
    let people: Vec<Person> = PEOPLE
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let department = if i % 2 == 0 { "区司法局/办公室" } else { "区司法局/法治科" };
            Person::new(*id, format!("人{i}"), Department::parse(department).expect("department"))
        })
        .collect();
    let refs: Vec<&Person> = people.iter().collect();
    sqlite.import_roster(&refs, now, &mut |_, _| {}).expect("roster");

    let spec = ExamSpec::from_toml(SPEC).expect("spec");
    let everything = Pool::new(
        sqlite
            .questions(None)
            .expect("questions")
            .into_iter()
            .map(|s| PoolQuestion::new(s.bank, s.version, s.question))
            .collect(),
    );
    let pool = everything.for_spec(&spec);
    sqlite.create_exam(&spec, SPEC, 7, &pool, now).expect("exam");
    let mut attempts = Vec::new();
    for employee in &PEOPLE[..3] {
        let paper = draw_paper(&spec, &pool, 7, employee, 1, &HashSet::new()).expect("paper");
        let started = at("2026-03-02T09:00:00Z");
        let id = sqlite
            .start_attempt(&paper, Mode::Browser, started, at("2026-03-02T09:30:00Z"))
            .expect("attempt");
        attempts.push((id, paper));
    }
    let lite = rusqlite::Connection::open(&path).expect("second SQLite connection");
    // E003's attempt is submitted.
    lite.execute("UPDATE attempts SET submitted_at = '2026-03-02T09:20:00Z' WHERE employee_id = 'E003'", [])
        .expect("submit");

    // Into PostgreSQL as `xuefa db copy` copies a workspace.
    let from = AnyStore::Sqlite(SqliteStore::open(&path).expect("open SQLite"));
    let mut to = AnyStore::Postgres(PgStore::open(&scratch.target).expect("open PostgreSQL"));
    xuefa_store::copy_database(&from, &mut to, &mut |_| {}).expect("copy");
    let AnyStore::Postgres(pg) = to else { unreachable!("copied into PostgreSQL") };
    let client = postgres::Client::connect(&scratch.target.url, postgres::NoTls).expect("connect");
    Some(Both { sqlite, lite, pg, client, attempts, _scratch: scratch, _dir: dir, path })
}
