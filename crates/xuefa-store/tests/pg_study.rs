//! Study sessions, sign-in sheets, the ledger, health and figures: the same scenario on a
//! SQLite file and on a PostgreSQL schema gives the same results.

use jiff::Timestamp;
use xuefa_core::Date;
use xuefa_core::exam::Audience;
use xuefa_core::study::{AttendanceMark, MarkStatus, SessionKind, StudySession};
use xuefa_store::{
    LedgerCheck, LedgerProblem, LedgerRecord, Maintenance, Named, PgStore, SqliteStore, StudyStore,
};

fn at(text: &str) -> Timestamp {
    text.parse().expect("timestamp")
}

fn date(text: &str) -> Date {
    text.parse().expect("date")
}

/// People, departments, an exam and its attempts, as other parts of xuefa would write them.
const FIXTURE: &[&str] = &[
    "INSERT INTO departments (id, path, name, parent_id, depth) VALUES (1, '市局', '市局', NULL, 0)",
    "INSERT INTO departments (id, path, name, parent_id, depth) VALUES (2, '市局/法规科', '法规科', 1, 1)",
    "INSERT INTO people (id, employee_id, name, department_id, role, status, joined, left_on, created_at, updated_at) \
     VALUES (1, 'E1', '张三', 2, '科员', 'active', NULL, NULL, 't', 't')",
    "INSERT INTO people (id, employee_id, name, department_id, role, status, joined, left_on, created_at, updated_at) \
     VALUES (2, 'E2', '李四', 1, '科长', 'active', '2020-01-01', NULL, 't', 't')",
    "INSERT INTO people (id, employee_id, name, department_id, role, status, joined, left_on, created_at, updated_at) \
     VALUES (3, 'E3', '张三', 1, '科员', 'exempt', NULL, NULL, 't', 't')",
    "INSERT INTO people (id, employee_id, name, department_id, role, status, joined, left_on, created_at, updated_at) \
     VALUES (4, 'E10', 'Wang', 2, '科员', 'active', NULL, NULL, 't', 't')",
    "INSERT INTO exams (id, title, year, spec, seed, total_points, created_at) \
     VALUES ('X1', '年度考试', 2026, '{}', 's', 100.0, 't')",
    "INSERT INTO attempts (id, exam_id, employee_id, attempt, mode, paper, started_at, deadline, submitted_at, \
     score, max_score, passed, band, marks) VALUES (1, 'X1', 'E1', 1, 'online', '[]', '2026-05-01T01:00:00Z', \
     '2026-05-01T02:00:00Z', '2026-05-01T01:30:00Z', 88.5, 100.0, 1, '良好', NULL)",
    "INSERT INTO attempts (id, exam_id, employee_id, attempt, mode, paper, started_at, deadline, submitted_at, \
     score, max_score, passed, band, marks) VALUES (2, 'X1', 'E2', 1, 'online', '[]', '2026-05-01T01:00:00Z', \
     '2026-05-01T02:00:00Z', '2026-05-01T01:40:00Z', 40.25, 100.0, 0, NULL, NULL)",
    "INSERT INTO attempts (id, exam_id, employee_id, attempt, mode, paper, started_at, deadline, submitted_at, \
     score, max_score, passed, band, marks) VALUES (3, 'X1', 'GONE', 1, 'online', '[]', '2026-05-01T01:00:00Z', \
     '2026-05-01T02:00:00Z', NULL, NULL, NULL, NULL, NULL, NULL)",
    "INSERT INTO responses (attempt_id, question_index, response, flagged, answered_at) \
     VALUES (1, 0, 'A', 0, '2026-05-01T01:10:00Z')",
    "INSERT INTO responses (attempt_id, question_index, response, flagged, answered_at) \
     VALUES (1, 1, NULL, 1, '2026-05-01T01:11:00Z')",
    "INSERT INTO responses (attempt_id, question_index, response, flagged, answered_at) \
     VALUES (2, 0, 'B', 0, '2026-05-01T01:12:00Z')",
];

/// A workspace on both backends, and a way to change both behind xuefa's back.
struct Both {
    _dir: tempfile::TempDir,
    _scratch: xuefa_store::testing::Scratch,
    sqlite: SqliteStore,
    pg: PgStore,
    sqlite_sql: rusqlite::Connection,
    pg_sql: postgres::Client,
}

impl Both {
    fn new(test: &str) -> Option<Both> {
        let scratch = xuefa_store::testing::postgres(test)?;
        let dir = tempfile::tempdir().expect("temporary folder");
        let path = dir.path().join("xuefa.db");
        let sqlite = SqliteStore::open(&path).expect("open SQLite");
        let pg = PgStore::open(&scratch.target).expect("open PostgreSQL");
        let sqlite_sql = rusqlite::Connection::open(&path).expect("a second SQLite connection");
        let pg_sql = postgres::Client::connect(&scratch.target.url, postgres::NoTls).expect("connect");
        let mut both = Both { _dir: dir, _scratch: scratch, sqlite, pg, sqlite_sql, pg_sql };
        for sql in FIXTURE {
            both.sql(sql);
        }
        Some(both)
    }

    /// Runs a statement on both databases, as someone with a database client would.
    fn sql(&mut self, sql: &str) {
        self.sqlite_sql.execute_batch(sql).expect("SQLite statement");
        self.pg_sql.batch_execute(sql).expect("PostgreSQL statement");
    }

    /// The same call on both stores, with the same result.
    fn same<T: PartialEq + std::fmt::Debug>(&mut self, mut call: impl FnMut(&mut dyn Backend) -> T) -> T {
        let sqlite = call(&mut self.sqlite);
        let pg = call(&mut self.pg);
        assert_eq!(sqlite, pg, "SQLite (left) and PostgreSQL (right) differ");
        pg
    }
}

trait Backend: StudyStore + Maintenance {}
impl<T: StudyStore + Maintenance> Backend for T {}

fn session(id: &str, day: &str, kind: SessionKind, title: &str, hours: f64) -> StudySession {
    StudySession::new(id, date(day), kind, title, hours)
}

fn sessions() -> Vec<StudySession> {
    let mut lecture = session("S2", "2026-03-01", SessionKind::Lecture, "民法典讲座", 2.5);
    lecture.organiser = "法规科".into();
    lecture.place = "三楼会议室".into();
    lecture.expected = Audience::new(vec!["市局/法规科".into()], vec![], vec!["E2".into()]);
    let mut outreach = session("S4", "2026-04-10", SessionKind::Outreach, "宪法宣传周", 0.0);
    outreach.headcount = Some(1200);
    outreach.materials = Some(u64::MAX);
    vec![
        session("S1", "2026-03-01", SessionKind::GroupStudy, "会前学法", 0.5),
        lecture,
        session("S3", "2026-03-20", SessionKind::Custom("读书会".into()), "读书会", 1.0 / 3.0),
        outreach,
        session("S9", "2026-02-28", SessionKind::Online, "网络自学", 4.0),
    ]
}

fn mark(session: &str, employee: &str, status: MarkStatus, hours: Option<f64>) -> AttendanceMark {
    AttendanceMark::new(session, employee, status, hours)
}

type Scanned = Vec<(String, String, String, Option<f64>)>;

fn scan(store: &dyn Backend, from: &str, to: &str) -> Scanned {
    let mut seen = Vec::new();
    store
        .scan_marks(from, to, &mut |session, employee, status, hours| {
            seen.push((session.to_owned(), employee.to_owned(), status.to_owned(), hours));
        })
        .expect("scan marks");
    seen
}

/// The check with the marks no link vouches for in key order: SQLite gives them in the
/// order their rows were first written, PostgreSQL by session and employee.
fn unlinked_marks_by_key(mut check: LedgerCheck) -> LedgerCheck {
    let first = check
        .problems
        .iter()
        .position(|p| matches!(p, LedgerProblem::Unlinked { record: LedgerRecord::Mark { .. } }))
        .unwrap_or(check.problems.len());
    check.problems[first..].sort_by_key(|p| format!("{p:?}"));
    check
}

/// What a sign-in sheet's import looks up and writes, and what it saw.
type Lookups = (Option<Named>, Option<Named>, Vec<Named>, Vec<Named>, Vec<Named>);

#[test]
fn study_marks_and_the_ledger_are_the_same_on_both_backends() {
    let Some(mut both) = Both::new("pg_study::scenario") else { return };

    // Sessions and marks recorded together.
    both.same(|store| {
        store
            .record_study(
                &sessions(),
                &[
                    mark("S1", "E1", MarkStatus::Present, None),
                    mark("S1", "E2", MarkStatus::Late, None),
                    mark("S9", "E1", MarkStatus::Present, Some(0.1)),
                ],
                at("2026-03-02T08:00:00Z"),
            )
            .expect("record study")
    });
    // A session recorded again replaces it.
    let mut again = sessions();
    again.truncate(1);
    again[0].title = "会前学法（改）".into();
    both.same(|store| store.record_study(&again, &[], at("2026-03-03T08:00:00Z")).expect("record study"));

    // A sign-in sheet through the writer, looking people up on the way.
    let written = both.same(|store| {
        let mut seen: Option<Lookups> = None;
        let written = store
            .write_marks(at("2026-03-21T09:30:00.5Z"), &mut |writer| {
                let found = writer.person("E1").expect("person");
                let nobody = writer.person("E404").expect("person");
                let shared = writer.people_named("张三").expect("people named");
                let none = writer.people_named("无名").expect("people named");
                writer.write(&mark("S2", "E1", MarkStatus::Present, None));
                writer.write(&mark("S2", "E3", MarkStatus::Excused, None));
                writer.write(&mark("S3", "E10", MarkStatus::LeftEarly, Some(0.2)));
                writer.write(&mark("S3", "E2", MarkStatus::Absent, None));
                // A mark given again replaces the first.
                writer.write(&mark("S1", "E2", MarkStatus::Present, Some(0.7)));
                writer.write(&mark("S4", "OUTSIDER", MarkStatus::Present, None));
                // Lookups see the marks' transaction, and everyone is there.
                let everyone = writer.everyone().expect("everyone");
                seen = Some((found, nobody, shared, none, everyone));
                true
            })
            .expect("write marks");
        (written, seen)
    });
    assert_eq!(written.0, 6);
    let lookups = written.1.expect("looked up");
    assert_eq!(lookups.0, Some((1, "E1".to_owned(), "张三".to_owned(), "市局/法规科".to_owned())));
    assert_eq!(lookups.2.iter().map(|p| p.1.as_str()).collect::<Vec<_>>(), ["E1", "E3"]);
    assert_eq!(lookups.4.iter().map(|p| p.1.as_str()).collect::<Vec<_>>(), ["E1", "E10", "E2", "E3"]);

    // A sheet that keeps nothing writes nothing.
    both.same(|store| {
        store
            .write_marks(at("2026-03-22T00:00:00Z"), &mut |writer| {
                writer.write(&mark("S3", "E1", MarkStatus::Present, None));
                assert!(writer.person("E2").expect("person").is_some());
                false
            })
            .expect("a sheet kept")
    });
    // A mark the database refuses (no such session) keeps nothing either.
    let refused: Vec<bool> = [&mut both.sqlite as &mut dyn Backend, &mut both.pg]
        .into_iter()
        .map(|store| {
            store
                .write_marks(at("2026-03-23T00:00:00Z"), &mut |writer| {
                    writer.write(&mark("S3", "E3", MarkStatus::Present, None));
                    writer.write(&mark("NO-SUCH", "E1", MarkStatus::Present, None));
                    writer.write(&mark("S3", "E1", MarkStatus::Present, None));
                    true
                })
                .is_err()
        })
        .collect();
    assert_eq!(refused, [true, true]);

    // Sessions by date range, and all of them.
    let march = both.same(|store| store.sessions("2026-03-01", "2026-03-31").expect("sessions"));
    assert_eq!(march.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(), ["S1", "S2", "S3"]);
    assert_eq!(march[0].title, "会前学法（改）");
    let all = both.same(|store| store.all_sessions().expect("all sessions"));
    assert_eq!(all.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(), ["S9", "S1", "S2", "S3", "S4"]);
    assert_eq!(all, {
        let mut expected = sessions();
        expected[0].title = "会前学法（改）".into();
        let s9 = expected.remove(4);
        expected.insert(0, s9);
        expected
    });
    both.same(|store| store.sessions("2027-01-01", "2027-12-31").expect("no sessions"));

    // The marks, streamed.
    let scanned = both.same(|store| scan(store, "2026-01-01", "2026-12-31"));
    assert_eq!(scanned.len(), 8);
    assert_eq!(scanned[0], ("S9".to_owned(), "E1".to_owned(), "present".to_owned(), Some(0.1)));
    assert_eq!(both.same(|store| scan(store, "2026-03-01", "2026-03-01")).len(), 4);
    both.same(|store| scan(store, "2030-01-01", "2030-12-31"));

    // The ledger: the marks linked; the attempts written by SQL here are not.
    let check = both.same(|store| store.verify_ledger().expect("verify"));
    assert_eq!((check.length, check.attempts, check.marks), (9, 2, 8));
    assert_eq!(check.problems.len(), 2, "{check:?}");
    let head = both.same(|store| store.ledger_head().expect("ledger head"));
    assert_eq!(head, (check.length, check.head.clone()));

    // Health and figures.
    both.same(|store| store.figures().expect("figures"));
    both.same(|store| {
        let mut health = store.health(at("2026-06-01T00:00:00Z")).expect("health");
        assert!(health.size_bytes > 0);
        health.size_bytes = 0;
        health
    });

    // Marks changed behind xuefa's back: an edited mark, a deleted one, one written by SQL,
    // and an edited link.
    both.sql("UPDATE attendance SET hours = 9.0 WHERE session_id = 'S2' AND employee_id = 'E1'");
    both.sql("DELETE FROM attendance WHERE session_id = 'S1' AND employee_id = 'E1'");
    // (SQLite lists the marks no link vouches for in the order they were written,
    // PostgreSQL by session and employee: these are written in that order.)
    both.sql(
        "INSERT INTO attendance (session_id, employee_id, status, hours, recorded_at) \
         VALUES ('S2', 'E10', 'present', NULL, '2026-03-21T00:00:00Z')",
    );
    both.sql(
        "INSERT INTO attendance (session_id, employee_id, status, hours, recorded_at) \
         VALUES ('S3', 'E1', 'present', NULL, '2026-03-21T00:00:00Z')",
    );
    let check = both.same(|store| store.verify_ledger().expect("verify"));
    assert!(check.problems.contains(&LedgerProblem::Changed {
        record: LedgerRecord::Mark { session: "S2".into(), employee: "E1".into() },
        seq: 4,
    }));
    assert!(check.problems.iter().any(|p| matches!(
        p,
        LedgerProblem::Missing { record: LedgerRecord::Mark { session, employee }, seq: 1 }
            if session == "S1" && employee == "E1"
    )));
    assert_eq!(
        check.problems.iter().filter(|p| matches!(p, LedgerProblem::Unlinked { .. })).count(),
        4,
        "{check:?}"
    );
    both.sql("UPDATE ledger SET n = 1 WHERE seq = 6");
    // The link edited leaves its mark unlinked, written before the other two: the one
    // place the backends order differently.
    let check: LedgerCheck = both.same(|store| unlinked_marks_by_key(store.verify_ledger().expect("verify")));
    assert_eq!(check.problems[0], LedgerProblem::Broken { seq: 6 });
    let unlinked: Vec<&LedgerProblem> =
        check.problems.iter().filter(|p| matches!(p, LedgerProblem::Unlinked { .. })).collect();
    assert_eq!(unlinked.len(), 5, "{check:?}");
    both.same(|store| {
        store.health(at("2026-06-01T00:00:00Z")).map(|h| (h.orphans, h.overdue)).expect("health")
    });
}

#[test]
fn ledger_heads_are_equal_for_the_same_marks_at_the_same_times() {
    let Some(mut both) = Both::new("pg_study::heads") else { return };
    let empty = both.same(|store| store.ledger_head().expect("head"));
    assert_eq!(empty, (0, "0".repeat(64)));
    both.same(|store| {
        let marks = [mark("S1", "E1", MarkStatus::Late, Some(1.25))];
        store.record_study(&sessions(), &marks, at("2026-03-01T00:00:00Z")).expect("record study")
    });
    both.same(|store| {
        store
            .write_marks(at("2026-03-02T00:00:00.123456789Z"), &mut |writer| {
                for employee in ["E1", "E2", "E3", "E10"] {
                    writer.write(&mark("S2", employee, MarkStatus::Present, None));
                }
                true
            })
            .expect("marks")
    });
    let (length, head) = both.same(|store| store.ledger_head().expect("head"));
    assert_eq!(length, 5);
    assert_ne!(head, "0".repeat(64));
    let check = both.same(|store| store.verify_ledger().expect("verify"));
    assert_eq!((check.length, check.head, check.marks), (length, head, 5));
}

#[test]
fn a_postgresql_workspace_backs_up_to_one_sqlite_file() {
    let Some(mut both) = Both::new("pg_study::backup") else { return };
    let marks: Vec<AttendanceMark> =
        ["E1", "E2", "E3"].iter().map(|e| mark("S1", e, MarkStatus::Present, None)).collect();
    both.pg.record_study(&sessions(), &marks, at("2026-03-01T00:00:00Z")).expect("record study");
    let dir = tempfile::tempdir().expect("temporary folder");
    let path = dir.path().join("copy.db");
    both.pg.backup_to(&path).expect("backup");
    // Nothing is left beside it.
    let names: Vec<_> =
        std::fs::read_dir(dir.path()).expect("folder").map(|e| e.expect("entry").file_name()).collect();
    assert_eq!(names, ["copy.db"]);
    let info = SqliteStore::inspect(&path).expect("a xuefa database");
    assert_eq!((info.people, info.marks), (4, 3));
}

#[test]
fn a_long_sheet_with_a_person_twice_is_stored_and_linked_alike() {
    // More marks than PostgreSQL's writer sends at once, and one person marked twice at one
    // session (the later mark wins, both are linked), on both backends.
    let Some(mut both) = Both::new("pg_study::long_sheet") else { return };
    both.same(|store| store.record_study(&sessions(), &[], at("2026-03-01T00:00:00Z")).expect("sessions"));
    // A long sheet looks up more people than PostgreSQL's writer asks for one at a time (it
    // then reads the roster whole): the answers are the same.
    let found = both.same(|store| {
        let mut found = Vec::new();
        store
            .write_marks(at("2026-03-01T12:00:00Z"), &mut |writer| {
                for i in 0..2100 {
                    found.push(writer.person(&format!("X{i:04}")).expect("lookup"));
                }
                for employee in ["E1", "E2", "E10", "E3"] {
                    found.push(writer.person(employee).expect("lookup"));
                }
                false
            })
            .expect("lookups");
        found
    });
    assert_eq!(found.iter().filter(|f| f.is_some()).count(), 4, "{:?}", &found[2100..]);
    both.same(|store| {
        store
            .write_marks(at("2026-03-02T00:00:00Z"), &mut |writer| {
                for i in 0..4500 {
                    writer.write(&mark("S1", &format!("X{i:04}"), MarkStatus::Present, None));
                    if i == 2100 {
                        writer.write(&mark("S1", "X0001", MarkStatus::Late, Some(0.5)));
                        writer.write(&mark("S1", "X2050", MarkStatus::Late, Some(0.5)));
                    }
                }
                writer.write(&mark("S1", "X0002", MarkStatus::Absent, None));
                true
            })
            .expect("marks")
    });
    let check = both.same(|store| store.verify_ledger().expect("verify"));
    // (The fixture's attempts were written by SQL and are unlinked; every mark is linked.)
    assert_eq!((check.length, check.marks), (4503, 4500));
    assert!(!format!("{:?}", check.problems).contains("Mark"), "{:?}", check.problems);
    let scanned = both.same(|store| scan(store, "2026-01-01", "2026-12-31"));
    assert!(format!("{scanned:?}").contains("late"), "{scanned:?}");
}
