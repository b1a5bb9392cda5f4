//! Nothing lost, nothing forged: the ledger names records edited, deleted or inserted with
//! SQL behind xuefa's back; signed summaries check and fail when a figure changes; a backup
//! taken while people sit the exam in `xuefa serve` restores to a database `doctor` passes;
//! restore refuses what is not a sound backup and changes nothing; a database from before
//! the ledger has its records linked when it is opened.

mod common;

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use common::server::{Server, exam_workspace, spec};
use common::{json, run_in};
use serde_json::{Value, json};

const NOW: &str = "2026-11-20T09:00:00+08:00";

fn demo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary folder");
    let made = run_in(dir.path(), &["demo", "office", "--year", "2025"], &[("XUEFA_NOW", NOW)]);
    assert_eq!(made.code, 0, "{}", made.stderr);
    dir
}

fn sql(db: &Path, statements: &str) {
    let conn = rusqlite::Connection::open(db).expect("open");
    conn.execute_batch(statements).expect("sql");
}

fn bytes_of(path: &Path) -> Vec<u8> {
    std::fs::read(path).expect("read")
}

#[test]
fn verify_names_an_edited_score_a_deleted_attempt_an_inserted_mark_and_an_edited_link() {
    let dir = demo();
    let office = dir.path().join("office");
    let db = office.join("xuefa.db");
    let sound = run_in(&office, &["verify", "--format", "json"], &[]);
    assert_eq!(sound.code, 0, "{}", sound.stderr);
    let walk = json(&sound);
    assert_eq!(walk["ok"], true);
    let (attempts, marks) =
        (walk["attempts"].as_u64().expect("a number"), walk["marks"].as_u64().expect("a number"));
    assert!(attempts > 100 && marks > 1000, "{walk}");
    assert_eq!(walk["length"].as_u64().expect("a number"), attempts + marks, "one link each");

    // Whom each edit touches.
    let conn = rusqlite::Connection::open(&db).expect("the database opens");
    let (edited, edited_employee): (i64, String) = conn
        .query_row(
            "SELECT id, employee_id FROM attempts WHERE submitted_at IS NOT NULL ORDER BY id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("the row");
    let (deleted, deleted_employee): (i64, String) = conn
        .query_row(
            "SELECT id, employee_id FROM attempts WHERE submitted_at IS NOT NULL ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("the row");
    let (session, stranger): (String, String) = conn
        .query_row(
            "SELECT s.id, p.employee_id FROM study_sessions s, people p WHERE NOT EXISTS \
             (SELECT 1 FROM attendance a WHERE a.session_id = s.id AND a.employee_id = p.employee_id) \
             ORDER BY s.id, p.employee_id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("the row");
    drop(conn);
    sql(
        &db,
        &format!(
            "UPDATE attempts SET score = score + 10, passed = 1 WHERE id = {edited};
             UPDATE item_marks SET score = score + 10 WHERE attempt_id = {edited};
             DELETE FROM attempts WHERE id = {deleted};
             INSERT INTO attendance (session_id, employee_id, status, hours, recorded_at)
                 VALUES ('{session}', '{stranger}', 'present', NULL, '2025-06-01T00:00:00Z');"
        ),
    );
    let tampered = run_in(&office, &["verify", "--format", "json"], &[]);
    assert_eq!(tampered.code, 1, "{}", tampered.stdout);
    let walk = json(&tampered);
    let problems = walk["problems"].as_array().expect("a list");
    let found = |what: &str, employee: &str| {
        problems.iter().any(|p| p["problem"] == what && p["record"]["employee"] == employee)
    };
    assert!(found("changed", &edited_employee), "{walk}");
    assert!(found("missing", &deleted_employee), "{walk}");
    assert!(found("unlinked", &stranger), "{walk}");
    assert_eq!(problems.len(), 3, "exactly the three edits: {walk}");
    assert_eq!(problems[0]["problem"], "changed", "the first record that no longer matches comes first");

    // The same in words, and no summary is signed over it.
    let said = run_in(&office, &["verify", "--export", "summary.json"], &[]);
    assert_eq!(said.code, 1);
    assert!(said.stdout.contains(&format!("attempt 1 of {edited_employee}")), "{}", said.stdout);
    assert!(said.stdout.contains("changed after it was submitted"), "{}", said.stdout);
    assert!(
        said.stdout.contains(&format!("mark of {stranger} at session {session} is in no link")),
        "{}",
        said.stdout
    );
    assert!(said.stderr.contains("no summary was signed"), "{}", said.stderr);
    assert!(!office.join("summary.json").exists());

    // Editing a link of the ledger itself breaks the chain there.
    sql(&db, "UPDATE ledger SET content = zeroblob(32) WHERE seq = 5;");
    let broken = json(&run_in(&office, &["verify", "--format", "json"], &[]));
    let first = &broken["problems"][0];
    assert_eq!((first["problem"].as_str(), first["seq"].as_i64()), (Some("broken"), Some(5)), "{broken}");

    // doctor sees it too (the deletion cascaded to the answers, so no reference dangles).
    let doctor = run_in(&office, &["doctor", "--format", "json"], &[]);
    assert_eq!(doctor.code, 1);
    let checks = json(&doctor);
    let failed: Vec<&str> = checks["checks"]
        .as_array()
        .expect("a list")
        .iter()
        .filter(|c| c["ok"] == false)
        .map(|c| c["check"].as_str().expect("text"))
        .collect();
    assert_eq!(failed, ["ledger"], "{checks}");
}

#[test]
fn a_signed_summary_checks_anywhere_and_fails_when_a_figure_or_the_key_differs() {
    let dir = demo();
    let office = dir.path().join("office");
    let exported = run_in(&office, &["verify", "--export", "../summary.json"], &[]);
    assert_eq!(exported.code, 0, "{}", exported.stderr);
    assert!(exported.stderr.contains("signing key"), "the key is made the first time: {}", exported.stderr);
    let key = exported.stderr.rsplit("Public key: ").next().expect("the key is printed").trim().to_owned();
    assert_eq!(key.len(), 64);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(office.join("signing.key")).expect("metadata").permissions().mode();
        assert_eq!(mode & 0o077, 0, "the key is its owner's only");
    }
    let summary: Value = serde_json::from_slice(&bytes_of(&dir.path().join("summary.json"))).expect("JSON");
    let figures = json(&run_in(&office, &["report", "exam", "2025-annual", "--format", "json"], &[]));
    assert_eq!(summary["summary"]["exams"][0]["passed"], figures["total"]["passed"], "{summary}\n{figures}");
    assert_eq!(summary["summary"]["office"], "示范区司法局");

    // The office above has no workspace: a folder of its own.
    let above = tempfile::tempdir().expect("temporary folder");
    let path = dir.path().join("summary.json").display().to_string();
    let checked = run_in(above.path(), &["verify", "--check", &path, "--public-key", &key], &[]);
    assert_eq!(checked.code, 0, "{}", checked.stderr);
    assert!(checked.stdout.contains("示范区司法局"), "{}", checked.stdout);

    // A figure raised after signing, reformatted on the way.
    let mut raised = summary.clone();
    let passed = raised["summary"]["exams"][0]["passed"].as_u64().expect("a number");
    raised["summary"]["exams"][0]["passed"] = json!(passed + 1);
    std::fs::write(above.path().join("raised.json"), serde_json::to_string(&raised).expect("JSON"))
        .expect("file written");
    let refused = run_in(above.path(), &["verify", "--check", "raised.json"], &[]);
    assert_eq!(refused.code, 1);
    assert!(refused.stderr.contains("changed after signing"), "{}", refused.stderr);

    // The same file, only re-laid out, still checks.
    std::fs::write(above.path().join("compact.json"), serde_json::to_string(&summary).expect("JSON"))
        .expect("file written");
    assert_eq!(run_in(above.path(), &["verify", "--check", "compact.json"], &[]).code, 0);

    // Signed by another workspace's key.
    let other = demo();
    let other_office = other.path().join("office");
    assert_eq!(run_in(&other_office, &["verify", "--export", "s.json"], &[]).code, 0);
    let theirs = other_office.join("s.json").display().to_string();
    let wrong = run_in(above.path(), &["verify", "--check", &theirs, "--public-key", &key], &[]);
    assert_eq!(wrong.code, 1);
    assert!(wrong.stderr.contains("another key"), "{}", wrong.stderr);
    let not = run_in(
        above.path(),
        &["verify", "--check", &common::root().join("Cargo.toml").display().to_string()],
        &[],
    );
    assert_eq!(not.code, 1);
    assert!(not.stderr.contains("not a signed xuefa summary"), "{}", not.stderr);
}

const ROSTER: &str = "工号,姓名,部门,状态\n\
A001,王一,区司法局/办公室,在职\n\
A002,李二,区司法局/办公室,在职\n\
B001,张三,区司法局/执法科,在职\n";

fn issue(dir: &Path) -> HashMap<String, String> {
    let issued = run_in(dir, &["access", "issue", "--format", "csv"], &[("XUEFA_NOW", NOW)]);
    assert_eq!(issued.code, 0, "{}", issued.stderr);
    issued
        .stdout
        .lines()
        .skip(1)
        .map(|line| {
            let cells: Vec<&str> = line.split(',').collect();
            (cells[0].to_owned(), cells[3].to_owned())
        })
        .collect()
}

fn some_answer(question: &Value) -> &'static str {
    match question["kind"].as_str() {
        Some("judge") => "T",
        Some("multiple") => "AB",
        _ => "A",
    }
}

#[test]
fn a_backup_taken_while_people_sit_restores_to_a_database_doctor_passes() {
    let dir = exam_workspace(ROSTER, &[("main", spec("main", ""))], NOW);
    let d = dir.path();
    let codes = issue(d);
    let mut server = Server::start(d, NOW);
    let port = server.port;

    // Three people answer over and over while the backup is taken.
    let stop = Arc::new(AtomicBool::new(false));
    let acknowledged: Arc<Mutex<Vec<(i64, u64, String)>>> = Arc::default();
    let mut sitters = Vec::new();
    for (employee, code) in codes.clone() {
        let mut client = server.client();
        client.login(&employee, &code);
        let paper = client.post("/api/v1/exams/main/attempts", "{}").json();
        let attempt = paper["attempt"].as_i64().expect("a number");
        let questions = paper["questions"].as_array().expect("a list").clone();
        let (stop, acknowledged) = (Arc::clone(&stop), Arc::clone(&acknowledged));
        sitters.push(std::thread::spawn(move || {
            let mut round = 0usize;
            while !stop.load(Ordering::Relaxed) {
                let q = &questions[round % questions.len()];
                let answer = if round.is_multiple_of(2) { some_answer(q) } else { "" };
                let number = q["number"].as_u64().expect("a number");
                let put = client.put(
                    &format!("/api/v1/exams/main/attempts/{attempt}/answers/{number}"),
                    &json!({ "answer": answer, "flagged": false }).to_string(),
                );
                assert_eq!(put.status, 200, "{}", put.body);
                acknowledged.lock().expect("lock").push((attempt, number, answer.to_owned()));
                round += 1;
            }
        }));
    }
    std::thread::sleep(std::time::Duration::from_millis(300));
    let before = acknowledged.lock().expect("lock").len();
    let backup = run_in(d, &["backup", "backup.db"], &[("XUEFA_NOW", NOW)]);
    assert_eq!(backup.code, 0, "{}", backup.stderr);
    std::thread::sleep(std::time::Duration::from_millis(200));
    stop.store(true, Ordering::Relaxed);
    for sitter in sitters {
        sitter.join().expect("the sitter ends");
    }
    let saves = acknowledged.lock().expect("lock").clone();
    assert!(
        saves.len() > before && before > 0,
        "answers went on during the backup: {before} then {}",
        saves.len()
    );

    // Restoring under a running server is refused and changes nothing.
    let db = d.join("xuefa.db");
    let under = run_in(d, &["restore", "backup.db"], &[("XUEFA_NOW", NOW)]);
    assert_eq!(under.code, 1);
    assert!(under.stderr.contains("in use by another process"), "{}", under.stderr);
    assert_eq!(server.terminate(), 0);
    let live: i64 = rusqlite::Connection::open(&db)
        .expect("the database opens")
        .query_row("SELECT COUNT(*) FROM responses", [], |r| r.get(0))
        .expect("the row");

    // The backup holds one moment: for each answer, the value of some acknowledged save at
    // or after the ones acknowledged before the backup began.
    let copy = rusqlite::Connection::open(d.join("backup.db")).expect("the backup opens");
    let stored: HashMap<(i64, u64), Option<String>> = copy
        .prepare("SELECT attempt_id, question_index, response FROM responses")
        .expect("the query")
        .query_map([], |r| Ok(((r.get(0)?, r.get::<_, i64>(1)? as u64 + 1), r.get(2)?)))
        .expect("the rows")
        .map(|row| row.expect("a row"))
        .collect();
    for (attempt, number, _) in &saves[..before] {
        assert!(
            stored.contains_key(&(*attempt, *number)),
            "answer {number} of attempt {attempt} acknowledged before the backup"
        );
    }
    drop(copy);

    let restored = run_in(d, &["restore", "backup.db"], &[("XUEFA_NOW", NOW)]);
    assert_eq!(restored.code, 0, "{}", restored.stderr);
    assert!(restored.stderr.contains("kept as"), "{}", restored.stderr);
    let aside: Vec<_> = std::fs::read_dir(d)
        .expect("folder listed")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("xuefa.db.before-restore-"))
        .collect();
    assert_eq!(aside.len(), 1, "{aside:?}");
    let kept: i64 = rusqlite::Connection::open(d.join(&aside[0]))
        .expect("the database opens")
        .query_row("SELECT COUNT(*) FROM responses", [], |r| r.get(0))
        .expect("the row");
    assert_eq!(kept, live, "the database put aside is the whole live one");
    let doctor = run_in(d, &["doctor"], &[("XUEFA_NOW", NOW)]);
    assert_eq!(doctor.code, 0, "{}{}", doctor.stdout, doctor.stderr);
    assert_eq!(run_in(d, &["verify"], &[]).code, 0);
    // The restored workspace serves again and resumes the same attempts.
    let server = Server::start(d, NOW);
    let mut again = server.client();
    again.login("A001", &codes["A001"]);
    assert_eq!(again.post("/api/v1/exams/main/attempts", "{}").status, 200);
    let _ = port;
}

#[test]
fn restore_refuses_what_is_not_a_sound_backup_and_changes_nothing() {
    let dir = exam_workspace(ROSTER, &[], NOW);
    let d = dir.path();
    let db = d.join("xuefa.db");
    assert_eq!(run_in(d, &["backup", "good.db"], &[]).code, 0);
    assert_eq!(run_in(d, &["backup", "xuefa.db"], &[]).code, 1, "never over the database itself");
    let original = bytes_of(&db);

    std::fs::write(d.join("empty.db"), b"").expect("file written");
    std::fs::write(d.join("text.db"), "工号,姓名\n").expect("file written");
    sql(&d.join("foreign.db"), "CREATE TABLE things (x);");
    std::fs::copy(d.join("good.db"), d.join("newer.db")).expect("copied");
    sql(&d.join("newer.db"), "INSERT INTO schema_migrations VALUES (99, '2030-01-01');");
    let mut damaged = bytes_of(&d.join("good.db"));
    let page = 4096;
    for byte in &mut damaged[page * 2..page * 4] {
        *byte = 0x5a;
    }
    std::fs::write(d.join("damaged.db"), &damaged).expect("file written");

    for (file, words) in [
        ("empty.db", "an empty file"),
        ("text.db", "not a database"),
        ("foreign.db", "another program's database"),
        ("newer.db", "newer xuefa"),
        ("damaged.db", "damaged"),
        ("missing.db", "No such file"),
    ] {
        let refused = run_in(d, &["restore", file], &[]);
        assert_eq!(refused.code, 1, "{file}: {}", refused.stderr);
        assert!(refused.stderr.contains(words), "{file}: {}", refused.stderr);
        assert_eq!(bytes_of(&db), original, "{file} changed the database");
        let names: Vec<String> = std::fs::read_dir(d)
            .expect("folder listed")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        assert!(
            !names.iter().any(|n| n.contains("before-restore") || n.ends_with(".partial")),
            "{file}: {names:?}"
        );
    }
    let zh = run_in(d, &["--lang", "zh", "restore", "empty.db"], &[]);
    assert!(zh.stderr.contains("不是 xuefa 备份"), "{}", zh.stderr);
    assert_eq!(run_in(d, &["restore", "good.db"], &[]).code, 0);
}

#[test]
fn a_database_from_before_the_ledger_has_its_records_linked_when_opened() {
    let dir = demo();
    let office = dir.path().join("office");
    let db = office.join("xuefa.db");
    // The database as schema 7 left it (migrations 8, the ledger, and 9 to 11, practice, undone).
    sql(
        &db,
        "DROP TABLE ledger; DROP TABLE practice_answers; DROP TABLE practice_book; DROP TABLE practice_exam_attempts; DROP TABLE practice_days; \
         ALTER TABLE questions DROP COLUMN kind; ALTER TABLE questions DROP COLUMN law_key; \
         DELETE FROM schema_migrations WHERE version >= 8;",
    );
    let walk = json(&run_in(&office, &["verify", "--format", "json"], &[]));
    assert_eq!(walk["ok"], true, "{walk}");
    assert_eq!(
        walk["length"].as_u64(),
        Some(walk["attempts"].as_u64().expect("a number") + walk["marks"].as_u64().expect("a number"))
    );
    assert!(walk["attempts"].as_u64().expect("a number") > 0);
}

#[test]
fn doctor_names_orphans_and_overdue_attempts_and_overdue_alone_is_no_fault() {
    let dir = exam_workspace(ROSTER, &[("main", spec("main", ""))], NOW);
    let d = dir.path();
    let codes = issue(d);
    let mut server = Server::start(d, NOW);
    let mut a = server.client();
    a.login("A001", &codes["A001"]);
    assert_eq!(a.post("/api/v1/exams/main/attempts", "{}").status, 200);
    assert_eq!(server.terminate(), 0);
    // Two hours later the 60-minute attempt is past its deadline, and no server swept it.
    let later = "2026-11-20T11:00:00+08:00";
    let doctor = run_in(d, &["doctor", "--format", "json"], &[("XUEFA_NOW", later)]);
    let found = json(&doctor);
    let overdue = found["checks"]
        .as_array()
        .expect("a list")
        .iter()
        .find(|c| c["check"] == "overdue")
        .expect("the overdue check")
        .clone();
    assert!(overdue["lines"][1].as_str().expect("text").contains("main A001 attempt 1"), "{found}");
    assert_eq!(doctor.code, 0, "overdue attempts are listed, not a fault: {found}");

    sql(
        &d.join("xuefa.db"),
        "INSERT INTO access_codes (employee_id, hash, issued_at, expires_at) VALUES ('GONE1', 'x', '2026-01-01', NULL);",
    );
    let doctor = run_in(d, &["doctor"], &[("XUEFA_NOW", later)]);
    assert_eq!(doctor.code, 1, "{}", doctor.stdout);
    assert!(
        doctor.stdout.contains("1 access codes of people not on the roster (such as GONE1)"),
        "{}",
        doctor.stdout
    );
    assert!(doctor.stdout.contains("[FAIL] orphaned rows"), "{}", doctor.stdout);
}

#[test]
fn a_device_given_as_the_output_is_written_in_place_never_replaced() {
    use std::os::unix::fs::FileTypeExt as _;
    let dir = exam_workspace(ROSTER, &[], NOW);
    let d = dir.path();
    let backup = run_in(d, &["backup", "/dev/null"], &[]);
    assert_eq!(backup.code, 1, "{}", backup.stderr);
    assert!(backup.stderr.contains("not a regular file"), "{}", backup.stderr);
    if Path::new("/dev/full").exists() {
        let full =
            run_in(d, &["report", "annual", "--year", "2026", "--format", "md", "-o", "/dev/full"], &[]);
        assert_eq!(full.code, 1, "{}", full.stderr);
        assert!(full.stderr.contains("/dev/full"), "{}", full.stderr);
    }
    let written =
        run_in(d, &["report", "annual", "--year", "2026", "--format", "md", "-o", "/dev/null"], &[]);
    assert_eq!(written.code, 0, "{}", written.stderr);
    for device in ["/dev/null", "/dev/full"] {
        if let Ok(meta) = std::fs::metadata(device) {
            assert!(meta.file_type().is_char_device(), "{device} is still a device");
        }
    }
}
