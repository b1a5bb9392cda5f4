//! Exams on both backends: the same scenario (an exam created from a small bank and roster,
//! attempts started, answered, submitted and graded from answer sheets, the roll, item
//! marks, expired attempts) run on a SqliteStore and a PgStore must give the same results
//! and store the same rows.

use std::collections::HashSet;

use jiff::Timestamp;
use postgres::types::Type;
use rusqlite::types::Value;
use xuefa_core::exam::{
    DrawError, Drawer, ExamSpec, Outcome, Paper, Pool, PoolQuestion, Response, draw_planned, grade,
};
use xuefa_core::{Answer, Department, Kind, Letters, Person, Question, Status};
use xuefa_store::{AnyStore, ExamStore, Graded, Mode, PgStore, SqliteStore, Store, StoreError};

const EXAM: &str = "2026-test";

const SPEC: &str = r#"
id = "2026-test"
title = "2026年度测试"
year = 2026
duration_minutes = 30
pass_mark = 6
attempts = 2

[[sections]]
kind = "single"
count = 3
points = 2

[[sections]]
kind = "multiple"
count = 2
points = 2
scoring = "partial"

[[sections]]
kind = "judge"
count = 2
points = 1
"#;

const OLDER: &str = r#"
id = "2025-test"
title = "2025年度测试"
year = 2025
duration_minutes = 30
pass_mark = 1

[[sections]]
kind = "judge"
count = 1
points = 1
"#;

fn at(text: &str) -> Timestamp {
    text.parse().expect("timestamp")
}

fn letters(keys: &[usize]) -> Letters {
    keys.iter().fold(Letters::empty(), |letters, &key| letters.with(key))
}

fn question(id: &str, kind: Kind, options: usize, answer: Answer) -> Question {
    let options = (0..options).map(|i| format!("选项{i}")).collect();
    let mut question = Question::new(id, kind, format!("题目{id}"), options, answer);
    question.law = "中华人民共和国宪法".to_owned();
    question.explanation = format!("解析{id}");
    question
}

fn banks() -> Vec<(&'static str, Vec<Question>)> {
    let mut first = Vec::new();
    for i in 0..4 {
        first.push(question(&format!("S{i}"), Kind::Single, 3, Answer::Choice(letters(&[i % 3]))));
    }
    // Option F of a choice question, not 错.
    first.push(question("S-F", Kind::Single, 6, Answer::Choice(letters(&[5]))));
    for i in 0..3 {
        first.push(question(&format!("M{i}"), Kind::Multiple, 4, Answer::Choice(letters(&[0, i + 1]))));
    }
    let mut second = Vec::new();
    for i in 0..4 {
        let mut judge = question(&format!("J{i}"), Kind::Judge, 0, Answer::Judge(i % 2 == 0));
        judge.points = Some(1.5);
        judge.difficulty = Some(2);
        second.push(judge);
    }
    second.push(question("M9", Kind::Multiple, 5, Answer::Choice(letters(&[1, 2, 4]))));
    vec![("宪法", first), ("民法典", second)]
}

fn person(id: &str, name: &str, department: &str, status: Status) -> Person {
    let mut person = Person::new(id, name, Department::parse(department).expect("department"));
    person.role = "干部".to_owned();
    person.status = status;
    person
}

/// The roster: ids that sort differently by bytes than by any locale.
fn roster() -> Vec<Person> {
    vec![
        person("a10", "张三", "区司法局/办公室", Status::Active),
        person("A2", "李四", "区司法局/办公室", Status::Active),
        person("B1", "王五", "区司法局/法制科", Status::Active),
        person("b2", "赵六", "区司法局", Status::Exempt),
        person("Z9", "钱七", "区司法局/法制科", Status::Left),
        person("张", "孙八", "区民政局", Status::Active),
    ]
}

/// A workspace on SQLite with the banks and roster imported.
fn sqlite() -> (tempfile::TempDir, SqliteStore, rusqlite::Connection) {
    let dir = tempfile::tempdir().expect("temporary folder");
    let path = dir.path().join("xuefa.db");
    let mut store = SqliteStore::open(&path).expect("open");
    let banks = banks();
    let refs: Vec<(&str, &[Question])> = banks.iter().map(|(name, qs)| (*name, qs.as_slice())).collect();
    store.import_banks(&refs, at("2026-01-02T03:04:05Z"), &mut |_, _| {}).expect("import banks");
    let people = roster();
    let refs: Vec<&Person> = people.iter().collect();
    store.import_roster(&refs, at("2026-01-02T03:04:06Z"), &mut |_, _| {}).expect("import roster");
    let raw = rusqlite::Connection::open(&path).expect("second connection");
    (dir, store, raw)
}

/// A workspace on PostgreSQL with the same banks and roster, row for row: the SQLite
/// workspace at `path` copied as `xuefa db copy` copies it.
fn postgres(
    test: &str,
    path: &std::path::Path,
) -> Option<(xuefa_store::testing::Scratch, PgStore, postgres::Client)> {
    let scratch = xuefa_store::testing::postgres(test)?;
    let from = AnyStore::Sqlite(SqliteStore::open(path).expect("open SQLite"));
    let mut to = AnyStore::Postgres(PgStore::open(&scratch.target).expect("open"));
    xuefa_store::copy_database(&from, &mut to, &mut |_| {}).expect("copy");
    let AnyStore::Postgres(store) = to else { unreachable!("copied into PostgreSQL") };
    let raw = postgres::Client::connect(&scratch.target.url, postgres::NoTls).expect("connect");
    Some((scratch, store, raw))
}

/// What a test reads or changes behind the store's back.
trait Raw {
    /// Runs a statement.
    fn run(&mut self, sql: &str);
    /// Returns rows, each value as SQLite would give it.
    fn rows(&mut self, sql: &str) -> Vec<Vec<Value>>;
}

impl Raw for rusqlite::Connection {
    fn run(&mut self, sql: &str) {
        self.execute_batch(sql).expect("statement");
    }

    fn rows(&mut self, sql: &str) -> Vec<Vec<Value>> {
        let mut statement = self.prepare(sql).expect("select");
        let count = statement.column_count();
        statement
            .query_map([], |row| (0..count).map(|i| row.get::<_, Value>(i)).collect())
            .expect("rows")
            .collect::<rusqlite::Result<_>>()
            .expect("rows")
    }
}

impl Raw for postgres::Client {
    fn run(&mut self, sql: &str) {
        self.batch_execute(sql).expect("statement");
    }

    fn rows(&mut self, sql: &str) -> Vec<Vec<Value>> {
        self.query(sql, &[])
            .expect("rows")
            .iter()
            .map(|row| {
                row.columns()
                    .iter()
                    .enumerate()
                    .map(|(i, column)| {
                        let value = match column.type_().clone() {
                            Type::INT8 => row.get::<_, Option<i64>>(i).map(Value::Integer),
                            Type::FLOAT8 => row.get::<_, Option<f64>>(i).map(Value::Real),
                            Type::TEXT => row.get::<_, Option<String>>(i).map(Value::Text),
                            Type::BYTEA => row.get::<_, Option<Vec<u8>>>(i).map(Value::Blob),
                            other => panic!("a column of {other}"),
                        };
                        value.unwrap_or(Value::Null)
                    })
                    .collect()
            })
            .collect()
    }
}

/// What the scenario saw, step by step.
#[derive(Default)]
struct Log(Vec<(String, String)>);

impl Log {
    fn add(&mut self, step: &str, value: impl std::fmt::Debug) {
        self.0.push((step.to_owned(), format!("{value:#?}")));
    }
}

/// The paper of a person's next attempt, drawn from the stored plan as a sitting draws it.
fn next_paper(store: &dyn ExamStore, employee: &str) -> Paper {
    let record = store.exam(EXAM).expect("exam");
    let attempts = store.attempts(EXAM, employee).expect("attempts");
    let keys: Vec<String> = attempts.iter().flat_map(|a| a.paper.question_keys()).collect();
    let seen: HashSet<usize> = store.pool_positions(EXAM, &keys).expect("positions").into_iter().collect();
    let plan = store.exam_plan(EXAM).expect("plan").expect("a plan");
    let number = attempts.len() as u32 + 1;
    draw_planned::<Drawn>(&record.spec, &plan, (record.seed, employee, number), &seen, &mut |positions| {
        store.pool_at(EXAM, positions).map_err(Drawn::Store)
    })
    .expect("paper")
}

/// Why a paper could not be drawn.
#[derive(Debug)]
enum Drawn {
    Short(#[allow(dead_code, reason = "shown by Debug")] DrawError),
    Store(#[allow(dead_code, reason = "shown by Debug")] StoreError),
}

impl From<DrawError> for Drawn {
    fn from(error: DrawError) -> Self {
        Drawn::Short(error)
    }
}

/// Answers every question: choice questions with their key's letters as shown, or with
/// the first option shown when `wrong`; judgements true.
fn answers(paper: &Paper, wrong: bool) -> Vec<(usize, Response)> {
    paper
        .questions
        .iter()
        .enumerate()
        .map(|(i, q)| {
            let response = match q.key {
                Answer::Judge(_) => Response::Judge(true),
                Answer::Choice(key) if !wrong => Response::Choice(key),
                _ => Response::Choice(letters(&[0])),
            };
            (i, response)
        })
        .collect()
}

fn outcome(spec: &ExamSpec, paper: &Paper, given: &[(usize, Response)]) -> Outcome {
    let mut responses = vec![None; paper.questions.len()];
    for (i, response) in given {
        responses[*i] = Some(*response);
    }
    grade(paper, &responses, &spec.grading())
}

/// An error as a test compares it: a database error by its kind (the backends word their
/// own), any other by its message.
fn error(error: StoreError) -> String {
    match error {
        StoreError::Database(_) | StoreError::Postgres(_) => "database error".to_owned(),
        other => other.to_string(),
    }
}

fn item_marks(store: &mut dyn ExamStore) -> (Vec<f64>, Vec<String>) {
    let mut all = Vec::new();
    let mut marks = Vec::new();
    store
        .item_marks(EXAM, &mut |totals| all = totals, &mut |items| marks.push(format!("{items:?}")))
        .expect("item marks");
    (all, marks)
}

/// Every row the exams wrote, as stored.
fn stored(raw: &mut dyn Raw) -> Vec<Vec<Vec<Value>>> {
    [
        "SELECT id, title, year, spec, seed, total_points, created_at FROM exams ORDER BY id",
        "SELECT exam_id, question_id, version, position FROM exam_pool ORDER BY exam_id, question_id",
        "SELECT exam_id, section, eligible FROM exam_sections ORDER BY exam_id, section",
        "SELECT id, exam_id, employee_id, attempt, mode, paper, started_at, deadline, submitted_at, score, \
         max_score, passed, band, marks FROM attempts ORDER BY id",
        "SELECT attempt_id, question_index, response, flagged, answered_at FROM responses \
         ORDER BY attempt_id, question_index",
        "SELECT attempt_id, exam_id, score, marks FROM item_marks ORDER BY attempt_id",
        "SELECT seq, kind, a, b, n, content, link FROM ledger ORDER BY seq",
    ]
    .iter()
    .map(|sql| raw.rows(sql))
    .collect()
}

/// The scenario, on one backend.
fn scenario(store: &mut dyn ExamStore, raw: &mut dyn Raw, pool: &Pool) -> Log {
    let mut log = Log::default();
    let spec = ExamSpec::from_toml(SPEC).expect("spec");
    let older = ExamSpec::from_toml(OLDER).expect("spec");

    // Exams.
    store
        .create_exam(&spec, SPEC, 20_260_601, &pool.for_spec(&spec), at("2026-05-01T08:00:00Z"))
        .expect("create");
    store
        .create_exam(&older, OLDER, u64::MAX, &pool.for_spec(&older), at("2025-05-01T08:00:00.5Z"))
        .expect("create the older");
    log.add("again", store.create_exam(&spec, SPEC, 1, pool, at("2026-05-02T08:00:00Z")).map_err(error));
    log.add("exam_ids", store.exam_ids());
    log.add("exam", store.exam(EXAM));
    log.add("older", store.exam("2025-test"));
    log.add("no exam", store.exam("nothing").map_err(error));
    log.add("pool", store.exam_pool(EXAM).expect("pool").questions());
    log.add("plan", store.exam_plan(EXAM));
    log.add("no plan", store.exam_plan("nothing"));
    log.add("pool_at", store.pool_at(EXAM, &[3, 0, 2]));
    log.add("pool_at outside", store.pool_at(EXAM, &[0, 99]).map_err(error));
    let keys = ["民法典:J1".to_owned(), "宪法:S-F".to_owned(), "宪法:nothing".to_owned(), "bad".to_owned()];
    log.add("pool_positions", store.pool_positions(EXAM, &keys));
    let mut pool_keys = store.pool_keys(EXAM).expect("keys");
    pool_keys.sort();
    log.add("pool_keys", pool_keys);
    log.add("person", store.person("A2"));
    log.add("person who left", store.person("Z9"));
    log.add("no person", store.person("nobody"));

    // Sittings at terminals and in browsers.
    let start = at("2026-06-01T01:00:00Z");
    let deadline = at("2026-06-01T01:30:00Z");
    let mut ids = Vec::new();
    for (employee, mode) in
        [("a10", Mode::Terminal), ("A2", Mode::Browser), ("张", Mode::Browser), ("B1", Mode::Terminal)]
    {
        let paper = next_paper(store, employee);
        log.add(&format!("paper {employee}"), &paper);
        let id = store.start_attempt(&paper, mode, start, deadline).expect("start");
        ids.push((id, paper));
    }
    log.add("ids", ids.iter().map(|(id, _)| *id).collect::<Vec<_>>());
    let (first, paper) = &ids[0];
    log.add("started elsewhere", store.start_attempt(paper, Mode::Browser, start, deadline).map_err(error));
    let given = answers(paper, false);
    for (index, response) in &given {
        store
            .save_response(*first, *index, Some(response), index % 2 == 1, at("2026-06-01T01:01:00Z"))
            .expect("save");
    }
    // Changed, cleared and flagged answers.
    store
        .save_response(*first, 0, Some(&Response::Choice(letters(&[1]))), false, at("2026-06-01T01:02:00Z"))
        .expect("save");
    store.save_response(*first, 1, None, true, at("2026-06-01T01:02:30Z")).expect("clear");
    store.save_response(*first, 0, Some(&given[0].1), false, at("2026-06-01T01:03:00Z")).expect("save");
    let (second, second_paper) = &ids[1];
    store
        .save_response(*second, 2, Some(&Response::Judge(false)), false, at("2026-06-01T01:04:00Z"))
        .expect("save");
    store
        .save_response(*second, 5, Some(&Response::Judge(false)), true, at("2026-06-01T01:04:00Z"))
        .expect("save");
    log.add("attempts a10", store.attempts(EXAM, "a10"));
    log.add("open", store.open_attempts(EXAM));
    log.add("expired before", store.expired_attempts(EXAM, at("2026-06-01T01:29:59Z")));
    log.add("expired at", store.expired_attempts(EXAM, deadline).map(|r| r.len()));
    log.add("summaries open", store.attempt_summaries(EXAM));

    // Submitting.
    let record = store.attempts(EXAM, "a10").expect("attempts").remove(0);
    let responses: Vec<Option<Response>> = (0..paper.questions.len())
        .map(|i| record.responses.iter().find(|r| r.0 == i).and_then(|r| r.1))
        .collect();
    let scored = grade(paper, &responses, &spec.grading());
    store
        .submit_attempt(*first, paper, &responses, &scored, at("2026-06-01T01:10:00.123456789Z"))
        .expect("submit");
    log.add(
        "submitted twice",
        store.submit_attempt(*first, paper, &responses, &scored, at("2026-06-01T01:11:00Z")).map_err(error),
    );
    let wrong = answers(second_paper, true);
    let scored = outcome(&spec, second_paper, &wrong);
    store
        .save_and_submit(*second, second_paper, &wrong, &scored, at("2026-06-01T01:20:00Z"))
        .expect("save and submit");
    log.add(
        "saved and submitted twice",
        store
            .save_and_submit(*second, second_paper, &wrong, &scored, at("2026-06-01T01:21:00Z"))
            .map_err(error),
    );
    // A retake draws questions not seen first.
    let retake = next_paper(store, "a10");
    log.add("retake", &retake);
    let retake_id = store
        .start_attempt(&retake, Mode::Terminal, at("2026-06-02T01:00:00Z"), at("2026-06-02T01:30:00Z"))
        .expect("retake");
    let half = &answers(&retake, false)[..3];
    store
        .save_and_submit(retake_id, &retake, half, &outcome(&spec, &retake, half), at("2026-06-02T01:05:00Z"))
        .expect("submit");
    log.add("expired after", store.expired_attempts(EXAM, at("2026-06-01T02:00:00Z")));

    // Answer sheets graded in one go.
    let exam_pool = store.exam_pool(EXAM).expect("pool");
    let drawer = Drawer::new(&spec, &exam_pool);
    let record = store.exam(EXAM).expect("exam");
    let sheets: Vec<Graded> = ["b2", "Z9", "gone"]
        .iter()
        .enumerate()
        .map(|(n, employee)| {
            let paper = drawer.draw(record.seed, employee, 1, &HashSet::new()).expect("draw");
            let given: Vec<(usize, Response)> = answers(&paper, n == 1).into_iter().rev().skip(n).collect();
            let outcome = outcome(&spec, &paper, &given);
            Graded::new(paper, given, outcome, at("2026-06-03T09:00:00Z"))
        })
        .collect();
    log.add("graded", store.record_graded(&mut sheets.clone().into_iter()));
    log.add("graded again", store.record_graded(&mut sheets.into_iter()).map_err(error));

    // Results.
    log.add("exams", store.exams().map(|exams| serde_json::to_string(&exams).expect("json")));
    log.add("summaries", store.attempt_summaries(EXAM));
    log.add("attempts A2", store.attempts(EXAM, "A2"));
    log.add("attempts gone", store.attempts(EXAM, "gone"));
    log.add("open after", store.open_attempts(EXAM));
    let mut roll = Vec::new();
    store.roll(EXAM, &mut |person, attempts| roll.push(format!("{person:?} {attempts:?}"))).expect("roll");
    log.add("roll", roll);
    let mut older_roll = Vec::new();
    store
        .roll("2025-test", &mut |person, attempts| {
            older_roll.push(format!("{} {}", person.id, attempts.len()))
        })
        .expect("roll");
    log.add("roll of an exam nobody sat", older_roll);
    let marks = item_marks(store);
    log.add("item marks", &marks);

    // Attempts submitted before item marks were stored get them first.
    raw.run(&format!("DELETE FROM item_marks WHERE attempt_id IN ({first}, {second})"));
    assert_eq!(item_marks(store), marks, "item marks filled in again");
    log.add("stored", stored(raw));
    log
}

#[test]
fn an_exam_gives_the_same_results_on_both_backends() {
    let (dir, mut lite, mut lite_raw) = sqlite();
    let pool = Pool::new(
        lite.questions(None)
            .expect("questions")
            .into_iter()
            .map(|s| PoolQuestion::new(s.bank, s.version, s.question))
            .collect(),
    );
    let Some((_scratch, mut pg, mut pg_raw)) = postgres("pg_exams::scenario", &dir.path().join("xuefa.db"))
    else {
        return;
    };
    let expected = scenario(&mut lite, &mut lite_raw, &pool);
    let found = scenario(&mut pg, &mut pg_raw, &pool);
    assert_eq!(expected.0.len(), found.0.len());
    for ((step, lite), (_, pg)) in expected.0.iter().zip(&found.0) {
        assert_eq!(lite, pg, "{step}");
    }
}

#[test]
fn two_sittings_starting_one_attempt_at_once_let_one_in() {
    let (dir, lite, _raw) = sqlite();
    let spec = ExamSpec::from_toml(SPEC).expect("spec");
    let pool = Pool::new(
        lite.questions(None)
            .expect("questions")
            .into_iter()
            .map(|s| PoolQuestion::new(s.bank, s.version, s.question))
            .collect(),
    );
    let Some((scratch, mut pg, _raw)) = postgres("pg_exams::race", &dir.path().join("xuefa.db")) else {
        return;
    };
    let now = at("2026-06-01T01:00:00Z");
    pg.create_exam(&spec, SPEC, 7, &pool.for_spec(&spec), now).expect("create");
    let paper = next_paper(&pg, "A2");
    // The other sitting has inserted the attempt and not yet committed when this one
    // checks: this one's insert waits on the unique key, then finds it taken.
    let mut other = postgres::Client::connect(&scratch.target.url, postgres::NoTls).expect("connect");
    let mut tx = other.transaction().expect("transaction");
    tx.execute(
        "INSERT INTO attempts (exam_id, employee_id, attempt, mode, paper, started_at, deadline) \
         VALUES ($1, 'A2', 1, 'browser', '{}', 'then', 'later')",
        &[&EXAM],
    )
    .expect("the other sitting");
    let other_pid: i32 = tx.query_one("SELECT pg_backend_pid()", &[]).expect("pid").get(0);
    let started = std::thread::scope(|scope| {
        let racing = scope.spawn(|| pg.start_attempt(&paper, Mode::Browser, now, now));
        // Wait until this sitting's insert waits on the other's row.
        let mut watch = postgres::Client::connect(&scratch.target.url, postgres::NoTls).expect("connect");
        let waiting = (0..200).any(|_| {
            std::thread::sleep(std::time::Duration::from_millis(50));
            watch
                .query_one(
                    "SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE $1 = ANY (pg_blocking_pids(pid)))",
                    &[&other_pid],
                )
                .expect("activity")
                .get::<_, bool>(0)
        });
        assert!(waiting, "the second sitting never waited on the first");
        tx.commit().expect("the other commits");
        racing.join().expect("thread")
    });
    match started {
        Err(StoreError::StartedElsewhere { exam, employee, attempt }) => {
            assert_eq!((exam.as_str(), employee.as_str(), attempt), (EXAM, "A2", 1));
        }
        other => panic!("expected StartedElsewhere, got {other:?}"),
    }
    // The next attempt is free.
    let mut second = paper.clone();
    second.attempt = 2;
    assert!(pg.start_attempt(&second, Mode::Browser, now, now).is_ok());
}
