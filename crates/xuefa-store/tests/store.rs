//! The SQLite store on real database files in temporary folders.

use jiff::Timestamp;
use rusqlite::Connection;
use xuefa_core::{Answer, Bank, Department, Kind, Letters, Person, Question, ReadOptions, Status};
use xuefa_store::{SCHEMA_VERSION, SqliteStore, Store, StoreError};

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

#[test]
fn reimport_reports_added_changed_unchanged_and_retired() {
    let (_dir, mut store) = store();
    let first = vec![choice("1", "第一题", 0), choice("2", "第二题", 1), choice("3", "第三题", 2)];
    let report = &store
        .import_banks(&[("宪法", &first)], at("2026-01-01T00:00:00Z"), &mut no_progress())
        .expect("import")[0];
    assert!(report.created);
    assert_eq!(report.added, ["1", "2", "3"]);

    let mut second = vec![choice("1", "第一题", 0), choice("2", "第二题（改）", 1), choice("4", "第四题", 0)];
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

    let banks = store.banks().expect("banks");
    assert_eq!((banks[0].questions, banks[0].retired, banks[0].single), (3, 1, 3));
    let in_use: Vec<String> =
        store.questions(Some("宪法")).expect("questions").into_iter().map(|q| q.question.id).collect();
    assert_eq!(in_use, ["1", "2", "4"], "retired questions are not in use");

    // A retired question that comes back is in use again, with its history.
    let third = vec![choice("3", "第三题", 2)];
    let report = &store
        .import_banks(&[("宪法", &third)], at("2026-03-01T00:00:00Z"), &mut no_progress())
        .expect("import")[0];
    assert_eq!(report.unchanged, 1);
    assert_eq!(report.retired, ["1", "2", "4"]);
    assert_eq!(store.questions(None).expect("questions").len(), 1);
}

#[test]
fn a_changed_question_keeps_its_old_version_readable() {
    let (_dir, mut store) = store();
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
    assert_eq!(store.question_versions("民法典:MFD-1").expect("by bank").len(), 2);
    assert!(store.question_versions("宪法:MFD-1").expect("other bank").is_empty());
}

#[test]
fn the_same_id_in_two_banks_is_two_questions() {
    let (_dir, mut store) = store();
    let a = [choice("1", "甲题", 0)];
    let b = [choice("1", "乙题", 1)];
    store
        .import_banks(&[("甲", &a), ("乙", &b)], at("2026-01-01T00:00:00Z"), &mut no_progress())
        .expect("import");
    let versions = store.question_versions("1").expect("versions");
    assert_eq!(versions.iter().map(|v| v.bank.as_str()).collect::<Vec<_>>(), ["乙", "甲"]);
    assert_eq!(store.question_versions("甲:1").expect("one")[0].question.stem, "甲题");
}

#[test]
fn every_stored_field_comes_back() {
    let (_dir, mut store) = store();
    let csv = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../../question-banks/行政处罚法.csv"))
        .expect("bank");
    let loaded = Bank::read("行政处罚法.csv", &csv, &ReadOptions::new());
    assert!(!loaded.has_errors());
    let questions = loaded.bank.questions();
    store
        .import_banks(&[("行政处罚法", questions)], at("2026-01-01T00:00:00Z"), &mut no_progress())
        .expect("import");
    let back: Vec<Question> =
        store.questions(Some("行政处罚法")).expect("questions").into_iter().map(|q| q.question).collect();
    assert_eq!(back, questions);
    let stats = store.bank_stats().expect("stats");
    assert_eq!(stats.by_law, [("行政处罚法".to_owned(), questions.len() as u64)]);
    assert_eq!(stats.by_kind.iter().map(|(_, n)| n).sum::<u64>(), questions.len() as u64);
}

#[test]
fn removing_a_bank_removes_its_questions() {
    let (_dir, mut store) = store();
    store
        .import_banks(&[("甲", &[choice("1", "题", 0)])], at("2026-01-01T00:00:00Z"), &mut no_progress())
        .expect("import");
    assert!(matches!(store.remove_bank("乙", false), Err(StoreError::NoBank(_))));
    assert_eq!(store.remove_bank("甲", false).expect("removed"), 1);
    assert!(store.banks().expect("banks").is_empty());
    assert!(store.question_versions("1").expect("versions").is_empty());
}

fn person(id: &str, name: &str, department: &str, role: &str, status: Status) -> Person {
    let mut person = Person::new(id, name, Department::parse(department).expect("department"));
    person.role = role.to_owned();
    person.status = status;
    person
}

#[test]
fn roster_reimport_updates_keeps_history_and_reports_the_missing() {
    let (dir, mut store) = store();
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

    let db = Connection::open(dir.path().join("xuefa.db")).expect("open");
    let history: Vec<(String, String)> = db
        .prepare("SELECT h.changed_at, h.status FROM person_history h JOIN people p ON p.id = h.person_id WHERE p.employee_id = '002' ORDER BY h.changed_at")
        .expect("query")
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("history");
    assert_eq!(
        history,
        [
            ("2026-01-01T00:00:00Z".to_owned(), "active".to_owned()),
            ("2026-06-01T00:00:00Z".to_owned(), "exempt".to_owned())
        ]
    );
    let departments: i64 =
        db.query_row("SELECT COUNT(*) FROM departments", [], |row| row.get(0)).expect("count");
    assert_eq!(departments, 5, "区政府办公室, its two 科, 区司法局 and 普法科");
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
    let (_dir, mut store) = store();
    let six: Vec<String> = ["甲", "乙", "丙", "丁", "戊", "己"].iter().map(|s| (*s).to_owned()).collect();
    let single =
        Question::new("F1", Kind::Single, "选F", six.clone(), Answer::Choice(Letters::empty().with(5)));
    let multiple =
        Question::new("F2", Kind::Multiple, "选AF", six, Answer::Choice(Letters::empty().with(0).with(5)));
    let judge = Question::new("F3", Kind::Judge, "错", vec![], Answer::Judge(false));
    let questions = vec![single, multiple, judge];
    store
        .import_banks(&[("六选项", &questions)], at("2026-01-01T00:00:00Z"), &mut no_progress())
        .expect("import");
    let back: Vec<Question> =
        store.questions(Some("六选项")).expect("questions").into_iter().map(|q| q.question).collect();
    assert_eq!(back, questions);
}
