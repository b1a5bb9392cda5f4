//! The store on real databases: each scenario runs on a SQLite file in a temporary folder
//! and on a scratch PostgreSQL schema, and both must give the same results.

use std::fmt::Debug;

use jiff::Timestamp;
use rusqlite::Connection;
use xuefa_core::{
    Answer, Bank, Department, Kind, Letters, Person, Question, ReadOptions, RosterColumns, Status,
};
use xuefa_store::testing::Scratch;
use xuefa_store::{PgStore, SCHEMA_VERSION, SqliteStore, Store, StoreError};

fn at(text: &str) -> Timestamp {
    text.parse().expect("timestamp")
}

fn choice(id: &str, stem: &str, key: usize) -> Question {
    let options = vec!["甲".to_owned(), "乙".to_owned(), "丙".to_owned()];
    Question::new(id, Kind::Single, stem, options, Answer::Choice(Letters::empty().with(key)))
}

fn store() -> (tempfile::TempDir, SqliteStore) {
    let dir = tempfile::tempdir().expect("temporary folder");
    let store = SqliteStore::open(&dir.path().join("xuefa.db")).expect("open");
    (dir, store)
}

fn no_progress() -> impl FnMut(u64, u64) {
    |_, _| {}
}

/// One of the two databases a scenario runs on.
#[allow(clippy::large_enum_variant, reason = "one per test")]
enum Db {
    Sqlite(tempfile::TempDir, SqliteStore),
    Postgres(Scratch, PgStore),
}

impl Db {
    fn store(&mut self) -> &mut dyn Store {
        match self {
            Db::Sqlite(_, store) => store,
            Db::Postgres(_, store) => store,
        }
    }

    /// Runs statements on the database itself, beside the store.
    fn execute(&self, sql: &str) {
        match self {
            Db::Sqlite(dir, _) => {
                Connection::open(dir.path().join("xuefa.db")).expect("open").execute_batch(sql).expect(sql)
            }
            Db::Postgres(scratch, _) => postgres::Client::connect(&scratch.target.url, postgres::NoTls)
                .expect("connect")
                .batch_execute(sql)
                .expect(sql),
        }
    }

    /// Returns the rows of a query of text columns (cast others: `CAST(x AS TEXT)`).
    fn texts(&self, sql: &str) -> Vec<Vec<Option<String>>> {
        match self {
            Db::Sqlite(dir, _) => {
                let db = Connection::open(dir.path().join("xuefa.db")).expect("open");
                let mut statement = db.prepare(sql).expect(sql);
                let columns = statement.column_count();
                statement
                    .query_map([], |row| (0..columns).map(|i| row.get(i)).collect())
                    .expect(sql)
                    .collect::<Result<_, _>>()
                    .expect(sql)
            }
            Db::Postgres(scratch, _) => {
                let mut client =
                    postgres::Client::connect(&scratch.target.url, postgres::NoTls).expect("connect");
                client
                    .query(sql, &[])
                    .expect(sql)
                    .iter()
                    .map(|row| (0..row.len()).map(|i| row.try_get(i).expect("text")).collect())
                    .collect()
            }
        }
    }
}

/// Runs `scenario` on a new SQLite store and, when a PostgreSQL server answers, on a new
/// PostgreSQL store, asserts that both gave the same, and returns it.
fn on_each<T: PartialEq + Debug>(name: &str, scenario: impl Fn(&mut Db) -> T) -> T {
    let (dir, store) = store();
    let expected = scenario(&mut Db::Sqlite(dir, store));
    if let Some(scratch) = xuefa_store::testing::postgres(name) {
        let store = PgStore::open(&scratch.target).expect("open PostgreSQL");
        let got = scenario(&mut Db::Postgres(scratch, store));
        assert_eq!(got, expected, "{name}: PostgreSQL gives what SQLite gives");
    }
    expected
}

#[test]
fn reimport_reports_added_changed_unchanged_and_retired() {
    on_each("reimport", |db| {
        let store = db.store();
        let mut seen = Vec::new();
        let first = vec![choice("1", "第一题", 0), choice("2", "第二题", 1), choice("3", "第三题", 2)];
        let report = &store
            .import_banks(&[("宪法", &first)], at("2026-01-01T00:00:00Z"), &mut no_progress())
            .expect("import")[0];
        assert!(report.created);
        assert_eq!(report.added, ["1", "2", "3"]);
        seen.push(format!("{report:?}"));

        let mut second =
            vec![choice("1", "第一题", 0), choice("2", "第二题（改）", 1), choice("4", "第四题", 0)];
        second[0].explanation = String::new();
        let report = &store
            .import_banks(&[("宪法", &second)], at("2026-02-01T00:00:00Z"), &mut no_progress())
            .expect("import")[0];
        assert!(!report.created);
        assert_eq!(
            (report.added.clone(), report.changed.clone(), report.unchanged),
            (vec!["4".to_owned()], vec!["2".to_owned()], 1)
        );
        assert_eq!(report.retired, ["3"]);
        seen.push(format!("{report:?}"));

        let banks = store.banks().expect("banks");
        assert_eq!((banks[0].questions, banks[0].retired, banks[0].single), (3, 1, 3));
        seen.push(format!("{banks:?}"));
        let questions = store.questions(Some("宪法")).expect("questions");
        let in_use: Vec<&str> = questions.iter().map(|q| q.question.id.as_str()).collect();
        assert_eq!(in_use, ["1", "2", "4"], "retired questions are not in use");
        seen.push(format!("{questions:?}"));

        // A retired question that comes back is in use again, with its history.
        let third = vec![choice("3", "第三题", 2)];
        let report = &store
            .import_banks(&[("宪法", &third)], at("2026-03-01T00:00:00Z"), &mut no_progress())
            .expect("import")[0];
        assert_eq!(report.unchanged, 1);
        assert_eq!(report.retired, ["1", "2", "4"]);
        seen.push(format!("{report:?}"));
        let questions = store.questions(None).expect("questions");
        assert_eq!(questions.len(), 1);
        seen.push(format!("{questions:?} {:?} {:?}", store.banks(), store.bank_stats()));
        assert!(matches!(store.questions(Some("刑法")), Err(StoreError::NoBank(bank)) if bank == "刑法"));
        (seen, db.texts("SELECT kind, at, sources, summary FROM imports ORDER BY id"))
    });
}

#[test]
fn a_changed_question_keeps_its_old_version_readable() {
    on_each("versions", |db| {
        let store = db.store();
        store
            .import_banks(
                &[("民法典", &[choice("MFD-1", "时效为几年？", 1)])],
                at("2022-05-01T08:00:00Z"),
                &mut no_progress(),
            )
            .expect("import");
        store
            .import_banks(
                &[("民法典", &[choice("MFD-1", "诉讼时效为几年？", 2)])],
                at("2024-05-01T08:00:00Z"),
                &mut no_progress(),
            )
            .expect("import");
        let versions = store.question_versions("MFD-1").expect("versions");
        assert_eq!(versions.len(), 2);
        assert_eq!((versions[0].version, versions[0].current), (1, false));
        assert_eq!(versions[0].question.stem, "时效为几年？");
        assert_eq!(
            versions[0].question.answer,
            Answer::Choice(Letters::empty().with(1)),
            "the key she was scored on"
        );
        assert_eq!(versions[0].stored_at, "2022-05-01T08:00:00Z");
        assert_eq!((versions[1].version, versions[1].current), (2, true));
        assert_eq!(versions[1].question.answer, Answer::Choice(Letters::empty().with(2)));
        let by_bank = store.question_versions("民法典:MFD-1").expect("by bank");
        assert_eq!(by_bank.len(), 2);
        assert!(store.question_versions("宪法:MFD-1").expect("other bank").is_empty());
        (versions, by_bank)
    });
}

#[test]
fn the_same_id_in_two_banks_is_two_questions() {
    on_each("two banks", |db| {
        let store = db.store();
        let a = [choice("1", "甲题", 0)];
        let b = [choice("1", "乙题", 1)];
        store
            .import_banks(&[("甲", &a), ("乙", &b)], at("2026-01-01T00:00:00Z"), &mut no_progress())
            .expect("import");
        let versions = store.question_versions("1").expect("versions");
        assert_eq!(versions.iter().map(|v| v.bank.as_str()).collect::<Vec<_>>(), ["乙", "甲"]);
        let one = store.question_versions("甲:1").expect("one");
        assert_eq!(one[0].question.stem, "甲题");
        (versions, one, store.banks().expect("banks"))
    });
}

#[test]
fn every_stored_field_comes_back() {
    let csv = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../../question-banks/行政处罚法.csv"))
        .expect("bank");
    let loaded = Bank::read("行政处罚法.csv", &csv, &ReadOptions::new());
    assert!(!loaded.has_errors());
    let questions = loaded.bank.questions();
    on_each("every field", |db| {
        let store = db.store();
        store
            .import_banks(&[("行政处罚法", questions)], at("2026-01-01T00:00:00Z"), &mut no_progress())
            .expect("import");
        let stored = store.questions(Some("行政处罚法")).expect("questions");
        let back: Vec<Question> = stored.iter().map(|q| q.question.clone()).collect();
        assert_eq!(back, questions);
        let stats = store.bank_stats().expect("stats");
        assert_eq!(stats.by_law, [("行政处罚法".to_owned(), questions.len() as u64)]);
        assert_eq!(stats.by_kind.iter().map(|(_, n)| n).sum::<u64>(), questions.len() as u64);
        (stored, stats)
    });
}

#[test]
fn removing_a_bank_removes_its_questions() {
    on_each("remove bank", |db| {
        let store = db.store();
        store
            .import_banks(&[("甲", &[choice("1", "题", 0)])], at("2026-01-01T00:00:00Z"), &mut no_progress())
            .expect("import");
        assert!(matches!(store.remove_bank("乙", false), Err(StoreError::NoBank(_))));
        assert_eq!(store.remove_bank("甲", false).expect("removed"), 1);
        assert!(store.banks().expect("banks").is_empty());
        assert!(store.question_versions("1").expect("versions").is_empty());
    });
}

fn person(id: &str, name: &str, department: &str, role: &str, status: Status) -> Person {
    let mut person = Person::new(id, name, Department::parse(department).expect("department"));
    person.role = role.to_owned();
    person.status = status;
    person
}

#[test]
fn roster_reimport_updates_keeps_history_and_reports_the_missing() {
    on_each("roster reimport", |db| {
        let store = db.store();
        let first = [
            person("001", "张三", "区政府办公室/秘书科", "领导干部", Status::Active),
            person("002", "李四", "区政府办公室/综合科", "科员", Status::Active),
            person("003", "王五", "区司法局", "科员", Status::Active),
        ];
        let report = store
            .import_roster(&first.iter().collect::<Vec<_>>(), at("2026-01-01T00:00:00Z"), &mut no_progress())
            .expect("import");
        assert_eq!(report.added, ["001", "002", "003"]);

        let second = [
            person("001", "张三", "区政府办公室/秘书科", "领导干部", Status::Active),
            person("002", "李四", "区司法局/普法科", "科员", Status::Exempt),
        ];
        let report = store
            .import_roster(&second.iter().collect::<Vec<_>>(), at("2026-06-01T00:00:00Z"), &mut no_progress())
            .expect("import");
        assert_eq!((report.updated.clone(), report.unchanged), (vec!["002".to_owned()], 1));
        assert_eq!(report.missing, [("003".to_owned(), "王五".to_owned())], "reported, not deleted");

        let everyone = store.people(None).expect("people");
        assert_eq!(everyone.len(), 3);
        let judicial = store.people(Department::parse("区司法局").as_ref()).expect("people");
        assert_eq!(
            judicial.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(),
            ["003", "002"],
            "department and those under it"
        );
        assert_eq!(judicial[1].status, Status::Exempt);
        let office = store.people(Department::parse("区政府办公室").as_ref()).expect("people");
        assert_eq!(office.len(), 1);
        assert!(office[0].has_role("leader"));

        let history = db.texts(
            "SELECT h.changed_at, h.status FROM person_history h JOIN people p ON p.id = h.person_id \
             WHERE p.employee_id = '002' ORDER BY h.changed_at",
        );
        let text = |a: &str, b: &str| vec![Some(a.to_owned()), Some(b.to_owned())];
        assert_eq!(history, [text("2026-01-01T00:00:00Z", "active"), text("2026-06-01T00:00:00Z", "exempt")]);
        let departments = db.texts("SELECT CAST(COUNT(*) AS TEXT) FROM departments");
        assert_eq!(departments, [[Some("5".to_owned())]], "区政府办公室, its two 科, 区司法局 and 普法科");
        (format!("{report:?}"), everyone, judicial, office)
    });
}

#[test]
fn a_database_from_a_newer_xuefa_is_refused() {
    let (dir, store) = store();
    assert_eq!(store.schema_version().expect("version"), SCHEMA_VERSION);
    drop(store);
    let db = Connection::open(dir.path().join("xuefa.db")).expect("open");
    db.execute("INSERT INTO schema_migrations (version, applied_at) VALUES (99, 'later')", [])
        .expect("insert");
    drop(db);
    match SqliteStore::open(&dir.path().join("xuefa.db")) {
        Err(StoreError::TooNew { found: 99, known }) => assert_eq!(known, SCHEMA_VERSION),
        other => panic!("expected TooNew, got {other:?}"),
    }
}

#[test]
fn reopening_applies_no_migration_twice() {
    let (dir, store) = store();
    drop(store);
    let again = SqliteStore::open(&dir.path().join("xuefa.db")).expect("reopen");
    assert_eq!(again.schema_version().expect("version"), SCHEMA_VERSION);
    let db = Connection::open(dir.path().join("xuefa.db")).expect("open");
    let mode: String = db.query_row("PRAGMA journal_mode", [], |row| row.get(0)).expect("mode");
    assert_eq!(mode, "wal");
}

#[test]
fn option_f_comes_back_as_option_f_not_as_false() {
    on_each("option F", |db| {
        let store = db.store();
        let six: Vec<String> = ["甲", "乙", "丙", "丁", "戊", "己"].iter().map(|s| (*s).to_owned()).collect();
        let single =
            Question::new("F1", Kind::Single, "选F", six.clone(), Answer::Choice(Letters::empty().with(5)));
        let multiple = Question::new(
            "F2",
            Kind::Multiple,
            "选AF",
            six,
            Answer::Choice(Letters::empty().with(0).with(5)),
        );
        let judge = Question::new("F3", Kind::Judge, "错", vec![], Answer::Judge(false));
        let questions = vec![single, multiple, judge];
        store
            .import_banks(&[("六选项", &questions)], at("2026-01-01T00:00:00Z"), &mut no_progress())
            .expect("import");
        let stored = store.questions(Some("六选项")).expect("questions");
        let back: Vec<Question> = stored.iter().map(|q| q.question.clone()).collect();
        assert_eq!(back, questions);
        stored
    });
}

/// Every row a roster import leaves beside the people: history, departments and the log.
fn roster_rows(db: &Db) -> Vec<Vec<Vec<Option<String>>>> {
    vec![
        db.texts(
            "SELECT p.employee_id, h.changed_at, h.name, d.path, h.role, h.status, h.joined, h.left_on \
             FROM person_history h JOIN people p ON p.id = h.person_id JOIN departments d ON d.id = h.department_id \
             ORDER BY p.employee_id, h.changed_at",
        ),
        db.texts(
            "SELECT d.path, d.name, u.path, CAST(d.depth AS TEXT) FROM departments d \
             LEFT JOIN departments u ON u.id = d.parent_id ORDER BY d.path",
        ),
        db.texts(
            "SELECT p.employee_id, p.created_at, p.updated_at FROM people p ORDER BY p.employee_id",
        ),
        db.texts("SELECT kind, at, sources, summary FROM imports ORDER BY id"),
    ]
}

fn on(day: &str) -> Option<xuefa_core::Date> {
    Some(day.parse().expect("date"))
}

#[test]
fn roster_imports_and_people_are_the_same_on_both_backends() {
    on_each("roster on both", |db| {
        let mut seen: Vec<String> = Vec::new();
        let store = db.store();
        // Departments whose names begin alike: 市局 is not above 市局二.
        let departments = ["市局/一科", "市局/二科/综合组", "市局二", "市局", "区局/办公室"];
        let roles = ["科员", "领导干部", ""];
        let first: Vec<Person> = (0..2500)
            .map(|i| {
                let mut p = person(
                    &format!("E{:05}", (i * 7919) % 10007),
                    &format!("人{}", i % 40),
                    departments[i % departments.len()],
                    roles[i % roles.len()],
                    if i % 11 == 0 { Status::Exempt } else { Status::Active },
                );
                if i % 5 == 0 {
                    p.joined = on("2019-03-01");
                }
                p
            })
            .collect();
        let mut progress = Vec::new();
        let report = store
            .import_roster(
                &first.iter().collect::<Vec<_>>(),
                at("2026-01-01T00:00:00Z"),
                &mut |done, total| progress.push((done, total)),
            )
            .expect("import");
        assert_eq!(report.added.len(), 2500);
        seen.push(format!("{report:?} {progress:?}"));

        // The second roster: some moved, renamed, gone, left, new; one listed twice.
        let mut second: Vec<Person> = first.iter().skip(100).cloned().collect();
        for (i, p) in second.iter_mut().enumerate() {
            match i % 13 {
                0 => p.department = Department::parse("区局/办公室/档案室").expect("department"),
                1 => p.name.push('甲'),
                2 => {
                    p.status = Status::Left;
                    p.left = on("2026-03-31");
                }
                3 => p.role = "领导干部".to_owned(),
                _ => {}
            }
        }
        second.push(person("N00001", "新人", "新局", "科员", Status::Active));
        second.push(second[5].clone());
        let report = store
            .import_roster(&second.iter().collect::<Vec<_>>(), at("2026-06-01T00:00:00Z"), &mut no_progress())
            .expect("import");
        assert_eq!(report.added, ["N00001"]);
        assert_eq!(report.missing.len(), 100);
        seen.push(format!("{report:?}"));

        // A roster without status or dates: the exempt stay exempt, the departed departed.
        let mut columns = RosterColumns::default();
        columns.role = true;
        let third: Vec<Person> = second
            .iter()
            .take(300)
            .map(|p| {
                let mut p = p.clone();
                p.status = Status::Active;
                p.joined = None;
                p.left = None;
                p
            })
            .collect();
        let report = store
            .import_roster_each(at("2026-09-01T00:00:00Z"), &mut |writer| {
                for p in &third {
                    writer.write_columns(p, columns);
                }
                true
            })
            .expect("import")
            .expect("kept");
        seen.push(format!("{report:?}"));

        // A roster with an error further down keeps nothing.
        let dropped = store
            .import_roster_each(at("2026-10-01T00:00:00Z"), &mut |writer| {
                writer.write(&person("X1", "未存", "未存局/科", "", Status::Active));
                false
            })
            .expect("import");
        assert!(dropped.is_none());

        let everyone = store.people(None).expect("people");
        assert_eq!(everyone.len(), 2501);
        assert!(everyone.iter().all(|p| p.id != "X1"));
        let city = store.people(Department::parse("市局").as_ref()).expect("people");
        assert!(
            city.iter().all(|p| p.department.path() == "市局" || p.department.path().starts_with("市局/"))
        );
        let office = store.people(Department::parse("区局/办公室").as_ref()).expect("people");
        let nobody = store.people(Department::parse("无此局").as_ref()).expect("people");
        assert!(nobody.is_empty());
        (seen, everyone, city, office, roster_rows(db))
    });
}

#[test]
fn stale_questions_and_stats_are_the_same_on_both_backends() {
    on_each("stale and stats", |db| {
        let store = db.store();
        let mut questions = Vec::new();
        for i in 0..30usize {
            let mut q = choice(&format!("Q{i:02}"), &format!("第{i}题"), i % 3);
            q.law = ["民法典", "《中华人民共和国民法典》", "宪法", ""][i % 4].to_owned();
            q.difficulty = [None, Some(1), Some(3), Some(5)][i % 4];
            q.points = if i % 6 == 0 { Some(1.5) } else { None };
            q.tags = if i % 2 == 0 { vec!["重点".to_owned()] } else { vec![] };
            q.law_version = match i % 5 {
                0 => Some("2020-05-28".to_owned()),
                1 => Some("2024-01-01".to_owned()),
                _ => None,
            };
            if i % 7 == 0 {
                q = Question::new(
                    q.id.clone(),
                    Kind::Judge,
                    q.stem.clone(),
                    vec![],
                    Answer::Judge(i % 2 == 0),
                );
                q.law = "宪法".to_owned();
            }
            questions.push(q);
        }
        store
            .import_banks(
                &[("乙库", &questions[..15]), ("甲库", &questions[15..])],
                at("2023-06-01T00:00:00Z"),
                &mut no_progress(),
            )
            .expect("import");
        let stale = store.stale_questions("民法典", "2023-01-01").expect("stale");
        let later = store.stale_questions("中华人民共和国民法典", "2025-01-01").expect("stale");
        assert!(later.len() > stale.len());
        (
            stale,
            later,
            store.bank_stats().expect("stats"),
            store.banks().expect("banks"),
            store.questions(None).expect("all"),
        )
    });
}

#[test]
fn removing_a_bank_that_exams_use_keeps_their_papers_on_both_backends() {
    on_each("remove used bank", |db| {
        let store = db.store();
        let a = [choice("1", "甲一", 0), choice("2", "甲二", 1)];
        store.import_banks(&[("甲", &a)], at("2026-01-01T00:00:00Z"), &mut no_progress()).expect("import");
        let changed = [choice("1", "甲一", 0), choice("2", "甲二（改）", 2)];
        store
            .import_banks(&[("甲", &changed)], at("2026-02-01T00:00:00Z"), &mut no_progress())
            .expect("import");
        store
            .import_banks(
                &[("乙", &[choice("1", "乙一", 2)])],
                at("2026-02-01T00:00:00Z"),
                &mut no_progress(),
            )
            .expect("import");
        db.execute(
            r#"INSERT INTO exams (id, title, year, spec, seed, total_points, created_at) VALUES
                 ('E1', '一', 2026, '', '1', 2.0, '2026-03-01T00:00:00Z'),
                 ('E2', '二', 2026, '', '2', 1.0, '2026-03-01T00:00:00Z');
               INSERT INTO exam_pool (exam_id, question_id, version, position) VALUES
                 ('E1', 1, 1, 0), ('E1', 2, 2, 1), ('E2', 3, 1, 0);
               INSERT INTO attempts (exam_id, employee_id, attempt, mode, paper, started_at, deadline) VALUES
                 ('E1', '001', 1, 'online', '{"format":"refs","exam":"E1","employee":"001","attempt":1,"total_points":2.0,"questions":[{"question":2,"version":1,"order":[2,0,1],"points":1.5,"scoring":"all_or_nothing"},{"question":1,"version":1,"order":[0,1,2],"points":0.5,"scoring":"partial"}]}', '2026-03-02T00:00:00Z', '2026-03-02T01:00:00Z'),
                 ('E1', '002', 1, 'online', '{"format":"refs","exam":"E1","employee":"002","attempt":1,"total_points":2.0,"questions":[{"question":2,"version":2,"order":[1,2,0],"points":1.0,"scoring":"half"}]}', '2026-03-02T00:00:00Z', '2026-03-02T01:00:00Z'),
                 ('E2', '001', 1, 'online', '{"format":"refs","exam":"E2","employee":"001","attempt":1,"total_points":1.0,"questions":[{"question":3,"version":1,"order":[0,1,2],"points":1.0,"scoring":"all_or_nothing"}]}', '2026-03-02T00:00:00Z', '2026-03-02T01:00:00Z');"#,
        );
        let store = db.store();
        assert_eq!(store.exams_using_bank("甲").expect("exams"), ["E1"]);
        let refused = match store.remove_bank("甲", false) {
            Err(StoreError::BankInUse { bank, exams }) => (bank, exams),
            other => panic!("expected BankInUse, got {other:?}"),
        };
        assert_eq!(refused, ("甲".to_owned(), vec!["E1".to_owned()]));
        assert!(matches!(store.remove_bank("丙", true), Err(StoreError::NoBank(_))));
        assert_eq!(store.remove_bank("甲", true).expect("removed"), 2);
        assert!(store.exams_using_bank("甲").expect("exams").is_empty());
        let papers = db.texts("SELECT exam_id, employee_id, paper FROM attempts ORDER BY id");
        let full = |i: usize| papers[i][2].clone().expect("paper");
        assert!(full(0).contains("甲二") && full(1).contains("甲二（改）"), "written out in full");
        assert!(full(2).starts_with("{\"format\":\"refs\""), "another bank's exam is left alone");
        let pools = db.texts("SELECT exam_id, CAST(question_id AS TEXT) FROM exam_pool ORDER BY exam_id");
        (refused, papers, pools, db.store().banks().expect("banks"))
    });
}

#[test]
fn a_damaged_question_is_reported_alike_on_both_backends() {
    on_each("damaged question", |db| {
        let mut progress = Vec::new();
        let questions: Vec<Question> = (0..2500).map(|i| choice(&format!("{i}"), "题", i % 3)).collect();
        db.store()
            .import_banks(
                &[("甲", &questions[..1200]), ("乙", &questions[1200..])],
                at("2026-01-01T00:00:00Z"),
                &mut |done, total| progress.push((done, total)),
            )
            .expect("import");
        db.execute("UPDATE question_versions SET kind = 'essay' WHERE question_id = 7");
        let damaged = match db.store().questions(None) {
            Err(StoreError::Corrupt(detail)) => detail,
            other => panic!("expected Corrupt, got {other:?}"),
        };
        assert_eq!(damaged, "question 6: unknown kind `essay`");
        db.execute(
            "UPDATE question_versions SET kind = 'single', options = 'nonsense' WHERE question_id = 7",
        );
        let damaged_options = db.store().question_versions("6").map_err(|e| e.to_string());
        assert!(damaged_options.is_err());
        (progress, damaged, damaged_options.err())
    });
}
