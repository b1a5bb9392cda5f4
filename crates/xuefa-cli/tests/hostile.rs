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
