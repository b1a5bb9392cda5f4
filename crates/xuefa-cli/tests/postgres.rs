//! A workspace on PostgreSQL, through the command: the demo's year copied from SQLite into a
//! scratch schema gives byte-identical output for every report, listing and check; copied
//! back into a SQLite file it is the same year again; and a workspace made on PostgreSQL
//! runs an office's commands from the first import. Each test says it was skipped when no
//! PostgreSQL server answers (see `xuefa_store::testing`).

mod common;

use std::path::Path;

use common::{Run, json, run_in};
use xuefa_store::testing;

const NOW: &str = "2026-03-01T02:00:00Z";

fn run(dir: &Path, args: &[&str], database: Option<&str>) -> Run {
    let mut env = vec![("XUEFA_NOW", NOW)];
    if let Some(url) = database {
        env.push(("XUEFA_DATABASE_URL", url));
    }
    run_in(dir, args, &env)
}

/// Every read-only command whose output an office relies on, in a machine-readable form.
fn reads(exam: &str, employee: &str, session_year: &str) -> Vec<Vec<String>> {
    let lines: Vec<Vec<&str>> = vec![
        vec!["bank", "list", "--format", "json"],
        vec!["bank", "stats", "--format", "json"],
        vec!["roster", "list", "--format", "json"],
        vec!["roster", "list", "--format", "csv"],
        vec!["exam", "list", "--format", "json"],
        vec!["exam", "show", exam, "--format", "json"],
        vec!["exam", "results", exam, "--format", "json"],
        vec!["exam", "results", exam, "--format", "csv"],
        vec!["exam", "status", exam, "--employee", employee, "--format", "json"],
        vec!["session", "list", "--year", session_year, "--format", "json"],
        vec!["report", "exam", exam, "--format", "json"],
        vec!["report", "exam", exam, "--format", "md"],
        vec!["report", "items", exam, "--format", "json"],
        vec!["report", "attendance", "--year", session_year, "--format", "json"],
        vec!["report", "attendance", "--year", session_year, "--by", "department:2", "--format", "csv"],
        vec!["report", "annual", "--year", session_year, "--format", "json"],
        vec!["report", "annual", "--year", session_year, "--format", "md"],
        vec!["report", "annual", "--year", session_year, "--format", "html"],
        vec!["practice", "progress", "--employee", employee, "--format", "json"],
        vec!["practice", "progress", "--by", "department:2", "--days", "366", "--format", "json"],
        vec!["verify", "--format", "json"],
    ];
    lines.into_iter().map(|line| line.into_iter().map(str::to_owned).collect()).collect()
}

#[test]
fn the_demo_year_on_postgresql_gives_byte_identical_output_for_every_report() {
    let Some(scratch) = testing::postgres("the_demo_year_on_postgresql") else { return };
    let url = scratch.target.url.clone();
    let dir = tempfile::tempdir().expect("folder");
    let demo = run(dir.path(), &["demo", "office", "--year", "2025"], None);
    assert_eq!(demo.code, 0, "{}", demo.stderr);
    let office = dir.path().join("office");

    let copy = run(&office, &["db", "copy", "--to", &url, "--format", "json"], None);
    assert_eq!(copy.code, 0, "{}", copy.stderr);
    let copied = json(&copy);
    let people = copied["tables"].as_array().expect("tables").iter().find(|t| t["table"] == "people");
    assert_eq!(people.expect("people")["rows"], 150, "{}", copy.stdout);
    assert!(!copy.stdout.contains("password"), "{}", copy.stdout);

    let status = run(&office, &["db", "status", "--format", "json"], Some(&url));
    assert_eq!(status.code, 0, "{}", status.stderr);
    assert_eq!(json(&status)["backend"], "postgres");

    let exams = json(&run(&office, &["exam", "list", "--format", "json"], None));
    let exam = exams[0]["id"].as_str().expect("the demo's exam").to_owned();
    let roster = json(&run(&office, &["roster", "list", "--format", "json"], None));
    let employee = roster[0]["id"].as_str().expect("someone").to_owned();
    for args in reads(&exam, &employee, "2025") {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let sqlite = run(&office, &args, None);
        let postgres = run(&office, &args, Some(&url));
        assert_eq!(sqlite.code, 0, "{args:?} on SQLite: {}", sqlite.stderr);
        assert_eq!(postgres.code, 0, "{args:?} on PostgreSQL: {}", postgres.stderr);
        assert!(!sqlite.stdout.is_empty(), "{args:?} printed nothing");
        assert!(sqlite.stdout == postgres.stdout, "{args:?} differs between SQLite and PostgreSQL");
    }

    // Back into one SQLite file: the same year again, and its ledger still holds.
    let back = office.join("back.db");
    let copy = run(&office, &["db", "copy", "--to", back.to_str().expect("path")], Some(&url));
    assert_eq!(copy.code, 0, "{}", copy.stderr);
    let copy_again = run(&office, &["db", "copy", "--to", back.to_str().expect("path")], Some(&url));
    assert_eq!(copy_again.code, 1, "a second copy onto the file is refused: {}", copy_again.stderr);
    let into_full = run(&office, &["db", "copy", "--to", &url], None);
    assert_eq!(into_full.code, 1, "{}", into_full.stderr);
    assert!(into_full.stderr.contains("not empty"), "{}", into_full.stderr);
}

#[test]
fn a_workspace_made_on_postgresql_runs_an_office_from_the_first_import() {
    let Some(scratch) = testing::postgres("a_workspace_made_on_postgresql") else { return };
    let url = scratch.target.url.clone();
    let dir = tempfile::tempdir().expect("folder");
    let init = run_in(dir.path(), &["init", "office", "--name", "某局", "--database", &url], &[]);
    assert_eq!(init.code, 0, "{}", init.stderr);
    let office = dir.path().join("office");
    assert!(!office.join("xuefa.db").exists(), "no SQLite file beside a PostgreSQL workspace");
    let config = std::fs::read_to_string(office.join("xuefa.toml")).expect("settings");
    assert!(config.contains("[database]"), "{config}");

    let bank = common::root().join("question-banks/宪法.csv");
    let import = run(&office, &["bank", "import", bank.to_str().expect("path")], None);
    assert_eq!(import.code, 0, "{}", import.stderr);
    std::fs::write(office.join("roster.csv"), "工号,姓名,部门\nA1,甲一,局/甲科\nA2,甲二,局/乙科\n")
        .expect("roster");
    let roster = run(&office, &["roster", "import", "roster.csv"], None);
    assert_eq!(roster.code, 0, "{}", roster.stderr);
    let listed = json(&run(&office, &["roster", "list", "--format", "json"], None));
    assert_eq!(listed.as_array().map(Vec::len), Some(2), "{listed}");
    let status = json(&run(&office, &["db", "status", "--format", "json"], None));
    assert_eq!(status["backend"], "postgres");

    // A roster with a bad line changes nothing there either.
    std::fs::write(office.join("bad.csv"), "工号,姓名,部门\nA3,丙,局/甲科\n,无工号,局/甲科\n")
        .expect("roster");
    let bad = run(&office, &["roster", "import", "bad.csv"], None);
    assert_eq!(bad.code, 1, "{}", bad.stderr);
    let listed = json(&run(&office, &["roster", "list", "--format", "json"], None));
    assert_eq!(listed.as_array().map(Vec::len), Some(2), "{listed}");
}

#[test]
fn an_unreachable_database_is_named_without_its_password() {
    let dir = tempfile::tempdir().expect("folder");
    let init = run_in(dir.path(), &["init", "office"], &[]);
    assert_eq!(init.code, 0, "{}", init.stderr);
    let office = dir.path().join("office");
    let url = "postgres://xuefa:s3cret@127.0.0.1:1/office?connect_timeout=2";
    let listed = run(&office, &["bank", "list"], Some(url));
    assert_eq!(listed.code, 1, "{}", listed.stderr);
    assert!(listed.stderr.contains("127.0.0.1:1"), "{}", listed.stderr);
    assert!(!listed.stderr.contains("s3cret"), "{}", listed.stderr);
}
