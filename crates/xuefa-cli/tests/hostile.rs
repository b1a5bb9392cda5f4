//! What a hostile or careless run found, each fixed: inputs that used to be accepted without a
//! word, or that turned a workspace into something else.

mod common;

use common::run_in;

#[test]
fn an_empty_or_foreign_database_file_is_refused_and_left_as_it_is() {
    let dir = tempfile::tempdir().expect("folder");
    let d = dir.path();
    assert_eq!(run_in(d, &["init", "."], &[]).code, 0);
    std::fs::write(d.join("xuefa.db"), b"").expect("empty");
    let empty = run_in(d, &["bank", "list"], &[]);
    assert_eq!(empty.code, 1);
    assert!(empty.stderr.contains("xuefa.db is an empty file"), "{}", empty.stderr);
    assert_eq!(std::fs::metadata(d.join("xuefa.db")).expect("file").len(), 0, "not re-created");

    let foreign = rusqlite::Connection::open(d.join("other.db")).expect("db");
    foreign.execute_batch("CREATE TABLE invoices (id INTEGER PRIMARY KEY);").expect("table");
    drop(foreign);
    std::fs::rename(d.join("other.db"), d.join("xuefa.db")).expect("replace");
    let before = std::fs::read(d.join("xuefa.db")).expect("bytes");
    let out = run_in(d, &["bank", "list"], &[("LANG", "zh_CN.UTF-8")]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("是其他程序的数据库"), "{}", out.stderr);
    assert_eq!(std::fs::read(d.join("xuefa.db")).expect("bytes"), before, "no xuefa table was added");
}

#[test]
fn settings_and_blueprints_that_cannot_be_meant_are_refused() {
    let dir = tempfile::tempdir().expect("folder");
    let d = dir.path();
    assert_eq!(run_in(d, &["init", "."], &[]).code, 0);
    let settings = std::fs::read_to_string(d.join("xuefa.toml")).expect("settings");
    std::fs::write(d.join("xuefa.toml"), settings.replace("min_hours = 40", "min_hours = -40"))
        .expect("settings");
    let hours = run_in(d, &["bank", "list"], &[]);
    assert_eq!(hours.code, 1);
    assert!(hours.stderr.contains("min_hours"), "{}", hours.stderr);
    std::fs::write(d.join("xuefa.toml"), settings).expect("settings");

    let spec = "id = \"x\"\ntitle = \"考试\"\nyear = -5\nduration_minutes = 30\npass_mark = 50\n\
                [[bands]]\nname = \"超优秀\"\nmin_percent = 150\n[[sections]]\nkind = \"judge\"\ncount = 2\npoints = 50\n";
    std::fs::write(d.join("x.toml"), spec).expect("spec");
    let out = run_in(d, &["exam", "create", "x.toml"], &[]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("year") && out.stderr.contains("min_percent must be from 0 to 100"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_roster_without_some_columns_changes_nothing_they_would_say() {
    let dir = tempfile::tempdir().expect("folder");
    let d = dir.path();
    let run = |args: &[&str]| run_in(d, args, &[]);
    assert_eq!(run(&["init", "."]).code, 0);
    std::fs::write(
        d.join("full.csv"),
        "工号,姓名,部门,职务,状态,入职日期,离职日期\nA1,甲一,局/甲科,领导干部,免考,2020-01-01,\nA2,甲二,局/甲科,,离职,2019-01-01,2025-06-30\nA3,甲三,局/乙科,,在职,,\n",
    )
    .expect("roster");
    assert_eq!(run(&["roster", "import", "full.csv"]).code, 0);
    // The next roster has names and departments only; 甲三 moved department.
    std::fs::write(
        d.join("short.csv"),
        "工号,姓名,部门\nA1,甲一,局/甲科\nA2,甲二,局/甲科\nA3,甲三,局/甲科\n",
    )
    .expect("roster");
    let again = run(&["roster", "import", "short.csv"]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert!(again.stderr.contains("1 updated, 2 unchanged"), "only the move is a change: {}", again.stderr);
    let people = common::json(&run(&["roster", "list", "--format", "json"]));
    let person =
        |id: &str| people.as_array().expect("people").iter().find(|p| p["id"] == id).expect("person").clone();
    assert_eq!(
        (person("A1")["status"].as_str(), person("A1")["role"].as_str()),
        (Some("exempt"), Some("领导干部"))
    );
    assert_eq!(person("A1")["joined"], "2020-01-01");
    assert_eq!(
        (person("A2")["status"].as_str(), person("A2")["left"].as_str()),
        (Some("left"), Some("2025-06-30"))
    );
    assert_eq!(person("A3")["department"], "局/甲科");
}

#[test]
fn one_file_twice_and_two_files_of_one_name_are_told_apart() {
    let dir = tempfile::tempdir().expect("folder");
    let d = dir.path();
    let run = |args: &[&str]| run_in(d, args, &[]);
    assert_eq!(run(&["init", "."]).code, 0);
    let bank = "题号,题型,题干,答案\nJ1,判断,甲。,对\n";
    std::fs::create_dir_all(d.join("a")).expect("folder");
    std::fs::create_dir_all(d.join("b")).expect("folder");
    std::fs::write(d.join("a/宪法.csv"), bank).expect("bank");
    std::fs::write(d.join("b/宪法.csv"), "题号,题型,题干,答案\nJ2,判断,乙。,错\n").expect("bank");
    let twice = run(&["bank", "import", "a/宪法.csv", "a/宪法.csv"]);
    assert_eq!(twice.code, 0, "{}", twice.stderr);
    assert!(twice.stderr.contains("is named twice; it is read once"), "{}", twice.stderr);
    assert!(!twice.stderr.contains("error"), "no question is a duplicate of itself: {}", twice.stderr);
    let same_name = run(&["bank", "import", "a/宪法.csv", "b/宪法.csv"]);
    assert_eq!(same_name.code, 1);
    assert!(same_name.stderr.contains("would both be bank 宪法"), "{}", same_name.stderr);
}

#[test]
fn an_audience_of_nobody_is_said_and_answers_given_twice_are_refused() {
    let dir = tempfile::tempdir().expect("folder");
    let d = dir.path();
    let now = [("XUEFA_NOW", "2026-11-20T09:00:00+08:00")];
    let run = |args: &[&str]| run_in(d, args, &now);
    assert_eq!(run(&["init", "."]).code, 0);
    std::fs::write(d.join("b.csv"), "题号,题型,题干,答案\nJ1,判断,甲。,对\nJ2,判断,乙。,错\n").expect("bank");
    std::fs::write(d.join("r.csv"), "工号,姓名,部门\nA1,甲一,局/甲科\n").expect("roster");
    assert_eq!(run(&["bank", "import", "b.csv"]).code, 0);
    assert_eq!(run(&["roster", "import", "r.csv"]).code, 0);
    let spec = "id = \"x\"\ntitle = \"考试\"\nyear = 2026\nduration_minutes = 30\npass_mark = 50\n\
                [audience]\ndepartments = [\"局/丁科\"]\npeople = [\"A1\", \"Z9\"]\n\
                [[sections]]\nkind = \"judge\"\ncount = 2\npoints = 50\n";
    std::fs::write(d.join("x.toml"), spec).expect("spec");
    let created = run(&["exam", "create", "x.toml", "--seed", "1"]);
    assert_eq!(created.code, 0, "{}", created.stderr);
    assert!(created.stderr.contains("department `局/丁科`, which has nobody"), "{}", created.stderr);
    assert!(created.stderr.contains("names `Z9`, who is not on the roster"), "{}", created.stderr);

    std::fs::write(d.join("twice.json"), r#"{"J1": "T", "J1": "F", "J2": "F"}"#).expect("answers");
    let twice = run(&["exam", "take", "x", "--employee", "A1", "--answers", "twice.json"]);
    assert_eq!(twice.code, 1);
    assert!(twice.stderr.contains("question `J1` is answered twice"), "{}", twice.stderr);
    let status = common::json(&run(&["exam", "status", "x", "--employee", "A1", "--format", "json"]));
    assert_eq!(status["state"], "not_started", "a refused file starts nothing");
}

#[test]
fn a_clock_set_back_gives_no_extra_time() {
    let dir = tempfile::tempdir().expect("folder");
    let d = dir.path();
    let at = |now: &str, args: &[&str]| run_in(d, args, &[("XUEFA_NOW", now)]);
    let start = "2026-11-20T09:00:00+08:00";
    assert_eq!(at(start, &["init", "."]).code, 0);
    std::fs::write(d.join("b.csv"), "题号,题型,题干,答案\nJ1,判断,甲。,对\nJ2,判断,乙。,错\n").expect("bank");
    std::fs::write(d.join("r.csv"), "工号,姓名,部门\nA1,甲一,局/甲科\n").expect("roster");
    std::fs::write(
        d.join("x.toml"),
        "id = \"x\"\ntitle = \"考试\"\nyear = 2026\nduration_minutes = 30\npass_mark = 50\n\
         [[sections]]\nkind = \"judge\"\ncount = 2\npoints = 50\n",
    )
    .expect("spec");
    for args in
        [&["bank", "import", "b.csv"][..], &["roster", "import", "r.csv"], &["exam", "create", "x.toml"]]
    {
        assert_eq!(at(start, args).code, 0);
    }
    // Start a sitting, leave it open, then look at it with the clock set back years.
    let mut plain = std::process::Command::new(env!("CARGO_BIN_EXE_xuefa"));
    plain
        .args(["exam", "take", "x", "--employee", "A1", "--plain"])
        .current_dir(d)
        .env("LANG", "en_US.UTF-8")
        .env("XUEFA_NOW", start)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    let mut child = plain.spawn().expect("sitting");
    drop(child.stdin.take());
    let _ = child.wait();
    let status = common::json(&at(
        "2020-01-01T00:00:00Z",
        &["exam", "status", "x", "--employee", "A1", "--format", "json"],
    ));
    assert_eq!(status["state"], "in_progress", "{status}");
    assert_eq!(status["remaining_seconds"], 30 * 60, "{status}");
}

#[test]
fn invisible_ids_dates_in_the_wrong_order_and_cells_past_the_header_are_named() {
    let dir = tempfile::tempdir().expect("folder");
    let d = dir.path();
    let run = |args: &[&str]| run_in(d, args, &[]);
    assert_eq!(run(&["init", "."]).code, 0);
    std::fs::write(
        d.join("r.csv"),
        "工号,姓名,部门,入职日期,离职日期\nA\u{200b}1,甲,局/科,2024-01-01,\nA2,乙,局/科,2024-05-01,2024-03-01\nA3,丙,局/科,,,多余\n",
    )
    .expect("roster");
    let out = run(&["roster", "import", "r.csv"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr.contains("r.csv:2: error: employee id `A\\u{200b}1` holds characters that cannot be seen")
    );
    assert!(
        out.stderr
            .contains("r.csv:3: error: the leaving date 2024-03-01 is before the joining date 2024-05-01")
    );
    assert!(
        out.stderr.contains(
            "r.csv:4: warning: the row has 1 cell past the last column of the header; it is ignored"
        )
    );
    let people = common::json(&run(&["roster", "list", "--format", "json"]));
    assert_eq!(people.as_array().map(Vec::len), Some(0), "nothing was imported");
}

#[test]
fn a_damaged_database_is_named_with_what_to_do_not_with_sqlites_words() {
    let dir = tempfile::tempdir().expect("folder");
    let d = dir.path();
    assert_eq!(run_in(d, &["init", "."], &[]).code, 0);
    // The record of which migrations were applied is lost: applying them again would fail
    // half-way through SQL that SQLite quotes in full.
    let db = rusqlite::Connection::open(d.join("xuefa.db")).expect("db");
    db.execute("DELETE FROM schema_migrations", []).expect("damage");
    drop(db);
    let out = run_in(d, &["bank", "list"], &[]);
    assert_eq!(out.code, 1);
    let path = d.join("xuefa.db").display().to_string();
    assert!(
        out.stderr.contains(&format!("the workspace's database {path} holds damaged data")),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("Restore it from a backup"), "{}", out.stderr);
    assert!(!out.stderr.contains("CREATE TABLE"), "no SQL: {}", out.stderr);
    assert!(out.stderr.lines().count() <= 2, "{}", out.stderr);
}
