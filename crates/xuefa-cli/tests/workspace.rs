//! End-to-end tests of workspaces: `init`, finding the workspace, importing banks and
//! rosters into a real SQLite file, atomically, with history, and two writers at once.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};

use common::{json, root, run_in};

const NOW: &str = "2026-03-01T09:00:00+08:00";

fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary folder");
    let out = run_in(dir.path(), &["init", ".", "--name", "某区司法局"], &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    dir
}

fn xuefa(dir: &Path, args: &[&str]) -> common::Run {
    run_in(dir, args, &[("XUEFA_NOW", NOW)])
}

fn fixture(path: &str) -> String {
    root().join("tests/fixtures").join(path).display().to_string()
}

/// Returns every row of every table, as text, so two states of a database can be compared.
fn dump(db: &Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(db).expect("open");
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .expect("tables")
        .query_map([], |row| row.get(0))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("names");
    let mut rows = Vec::new();
    for table in tables {
        let mut statement = conn.prepare(&format!("SELECT * FROM \"{table}\"")).expect("select");
        let columns = statement.column_count();
        let mut query = statement.query([]).expect("query");
        while let Some(row) = query.next().expect("row") {
            let cells: Vec<String> =
                (0..columns).map(|i| format!("{:?}", row.get_ref(i).expect("cell"))).collect();
            rows.push(format!("{table}: {}", cells.join(" | ")));
        }
    }
    rows
}

/// Writes a bank of `count` questions; the row of question `bad` (when given) has a key
/// that names an option the question lacks.
fn write_bank(path: &Path, prefix: &str, count: usize, bad: Option<usize>) {
    let mut csv = String::from("题号,题型,题干,选项A,选项B,选项C,选项D,答案,法律,条款,难度\n");
    for i in 1..=count {
        let key = if Some(i) == bad { "F" } else { ["A", "B", "C", "D"][i % 4] };
        csv.push_str(&format!(
            "{prefix}{i},单选,第{i}题：依照法律规定，下列说法正确的是？,甲,乙,丙,丁,{key},宪法,第{n}条,{d}\n",
            n = i % 100 + 1,
            d = i % 5 + 1
        ));
    }
    std::fs::write(path, csv).expect("write bank");
}

#[test]
fn commands_find_their_workspace_or_say_how_to_make_one() {
    let dir = workspace();
    let config = std::fs::read_to_string(dir.path().join("xuefa.toml")).expect("xuefa.toml");
    assert!(config.contains("name = \"某区司法局\"") && config.contains("# "), "{config}");
    assert!(dir.path().join("xuefa.db").is_file());

    let below = dir.path().join("2026/材料");
    std::fs::create_dir_all(&below).expect("mkdir");
    assert_eq!(xuefa(&below, &["bank", "list", "--format", "json"]).stdout.trim(), "[]", "found upwards");

    let outside = tempfile::tempdir().expect("another folder");
    let lost = xuefa(outside.path(), &["bank", "list"]);
    assert_eq!(lost.code, 1);
    assert!(
        lost.stderr.contains("no xuefa workspace") && lost.stderr.contains("xuefa init"),
        "{}",
        lost.stderr
    );
    let zh = run_in(outside.path(), &["bank", "list", "--lang", "zh"], &[]);
    assert!(zh.stderr.contains("没有 xuefa 工作区"), "{}", zh.stderr);

    let ws = dir.path().display().to_string();
    assert_eq!(xuefa(outside.path(), &["--workspace", &ws, "bank", "list"]).code, 0);
    let from_env = run_in(outside.path(), &["bank", "list"], &[("XUEFA_WORKSPACE", &ws)]);
    assert_eq!(from_env.code, 0, "{}", from_env.stderr);
    let not_one = xuefa(dir.path(), &["--workspace", &outside.path().display().to_string(), "bank", "list"]);
    assert!(not_one.stderr.contains("is not a xuefa workspace"), "{}", not_one.stderr);
    let again = xuefa(dir.path(), &["init", "."]);
    assert_eq!(again.code, 1);
    assert!(again.stderr.contains("already a xuefa workspace"), "{}", again.stderr);

    std::fs::write(dir.path().join("xuefa.toml"), "[office]\nname = 3\n").expect("break config");
    let broken = xuefa(dir.path(), &["bank", "list"]);
    assert_eq!(broken.code, 1);
    assert!(broken.stderr.contains("xuefa.toml") && broken.stderr.contains("line 2"), "{}", broken.stderr);
}

#[test]
fn a_rejected_import_leaves_the_database_exactly_as_it_was() {
    let dir = workspace();
    let good = dir.path().join("宪法.csv");
    write_bank(&good, "XF", 50, None);
    assert_eq!(xuefa(dir.path(), &["bank", "import", "宪法.csv"]).code, 0);
    let before = dump(&dir.path().join("xuefa.db"));
    assert!(before.len() > 100);

    let bad = dir.path().join("big.csv");
    write_bank(&bad, "Q", 10_000, Some(9_000));
    let out = xuefa(dir.path(), &["bank", "import", "big.csv", "宪法.csv", "--bank", "全部"]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("big.csv:9001: error: the answer names option F"), "{}", out.stderr);
    assert!(out.stderr.contains("nothing was imported"), "{}", out.stderr);
    assert_eq!(dump(&dir.path().join("xuefa.db")), before);
}

#[test]
fn two_processes_importing_at_once_both_succeed() {
    let dir = workspace();
    write_bank(&dir.path().join("甲.csv"), "J", 20_000, None);
    write_bank(&dir.path().join("乙.csv"), "Y", 20_000, None);
    let spawn = |file: &str| {
        Command::new(env!("CARGO_BIN_EXE_xuefa"))
            .args(["bank", "import", file])
            .current_dir(dir.path())
            .env("LANG", "en_US.UTF-8")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn")
    };
    let first = spawn("甲.csv");
    let second = spawn("乙.csv");
    for child in [first, second] {
        let output = child.wait_with_output().expect("wait");
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    }
    let banks = json(&xuefa(dir.path(), &["bank", "list", "--format", "json"]));
    let sizes: Vec<(String, u64)> = banks
        .as_array()
        .expect("array")
        .iter()
        .map(|b| (b["name"].as_str().unwrap_or_default().to_owned(), b["questions"].as_u64().unwrap_or(0)))
        .collect();
    assert_eq!(sizes, [("乙".to_owned(), 20_000), ("甲".to_owned(), 20_000)]);
}

#[test]
fn reimporting_keeps_ids_and_the_old_version_of_a_changed_question() {
    let dir = workspace();
    let file = dir.path().join("宪法.csv");
    write_bank(&file, "XF", 5, None);
    let first = xuefa(dir.path(), &["bank", "import", "宪法.csv"]);
    assert!(
        first.stderr.contains("bank 宪法: 5 added, 0 changed, 0 unchanged, 0 retired"),
        "{}",
        first.stderr
    );

    let text =
        std::fs::read_to_string(&file).expect("read").replace("XF2,单选,第2题", "XF2,单选,第2题（修订）");
    let text: String =
        text.lines().filter(|line| !line.starts_with("XF5,")).map(|l| format!("{l}\n")).collect();
    std::fs::write(&file, text + "XF6,判断,宪法是根本法。,,,,,对,宪法,序言,1\n").expect("write");
    let second =
        run_in(dir.path(), &["bank", "import", "宪法.csv"], &[("XUEFA_NOW", "2027-03-01T09:00:00+08:00")]);
    assert!(
        second.stderr.contains("bank 宪法: 1 added, 1 changed, 3 unchanged, 1 retired"),
        "{}",
        second.stderr
    );
    assert!(second.stderr.contains("XF5"), "retired ids are named: {}", second.stderr);

    let versions = json(&xuefa(dir.path(), &["bank", "show", "XF2", "--format", "json"]));
    let versions = versions.as_array().expect("array");
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[0]["question"]["stem"], "第2题：依照法律规定，下列说法正确的是？");
    assert_eq!(versions[0]["stored_at"], "2026-03-01T09:00:00+08:00", "in the office's offset");
    assert_eq!(versions[0]["current"], false);
    assert_eq!(versions[1]["question"]["stem"], "第2题（修订）：依照法律规定，下列说法正确的是？");
    let shown = xuefa(dir.path(), &["bank", "show", "XF2", "--lang", "zh"]);
    assert!(shown.stdout.contains("（旧版本）") && shown.stdout.contains("（当前版本）"), "{}", shown.stdout);

    let list = json(&xuefa(dir.path(), &["bank", "list", "--format", "json"]));
    assert_eq!(
        (list[0]["questions"].as_u64(), list[0]["retired"].as_u64(), list[0]["judge"].as_u64()),
        (Some(5), Some(1), Some(1))
    );
}

#[test]
fn shipped_banks_import_list_stats_export_and_remove() {
    let dir = workspace();
    let banks: Vec<String> = std::fs::read_dir(root().join("question-banks"))
        .expect("banks")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .map(|p| p.display().to_string())
        .collect();
    let mut args = vec!["bank", "import"];
    args.extend(banks.iter().map(String::as_str));
    let out = xuefa(dir.path(), &args);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, "", "summaries go to stderr");

    let stats = json(&xuefa(dir.path(), &["bank", "stats", "--format", "json"]));
    let total: u64 =
        stats["by_kind"].as_array().expect("kinds").iter().filter_map(|k| k["questions"].as_u64()).sum();
    assert!(total >= 600);
    assert_eq!(stats["by_bank"].as_array().map(Vec::len), Some(banks.len()));
    let csv = xuefa(dir.path(), &["bank", "stats", "--format", "csv"]);
    assert!(csv.stdout.starts_with("dimension,value,questions\nbank,"), "{}", csv.stdout);
    let table = xuefa(dir.path(), &["bank", "list", "--lang", "zh"]);
    assert!(table.stdout.contains("题库") && table.stdout.contains("民法典"), "{}", table.stdout);

    // Ids are unique per bank, so one bank exports to a file that reads back the same.
    let exported = xuefa(dir.path(), &["bank", "export", "--bank", "民法典", "-o", "民法典.json"]);
    assert_eq!(exported.code, 0, "{}", exported.stderr);
    let source = root().join("question-banks/民法典.csv").display().to_string();
    let converted = xuefa(dir.path(), &["bank", "convert", &source, "--to", "json"]);
    assert_eq!(std::fs::read_to_string(dir.path().join("民法典.json")).expect("export"), converted.stdout);

    let removed = xuefa(dir.path(), &["bank", "remove", "民法典"]);
    assert_eq!(removed.code, 0, "{}", removed.stderr);
    let unknown = xuefa(dir.path(), &["bank", "remove", "民法典"]);
    assert_eq!(unknown.code, 1);
    assert!(unknown.stderr.contains("no bank named `民法典`"), "{}", unknown.stderr);
}

#[test]
fn rosters_from_excel_and_gbk_csv_with_history_and_missing_people() {
    let dir = workspace();
    let first = xuefa(dir.path(), &["roster", "import", &fixture("rosters/roster.xlsx")]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert!(first.stderr.contains("roster: 6 added, 0 updated, 0 unchanged"), "{}", first.stderr);
    let same = xuefa(dir.path(), &["roster", "import", &fixture("rosters/roster_gbk.csv")]);
    assert!(
        same.stderr.contains("roster: 0 added, 0 updated, 6 unchanged"),
        "the GBK copy is the same roster: {}",
        same.stderr
    );

    let later = xuefa(dir.path(), &["roster", "import", &fixture("rosters/roster_later.csv")]);
    assert_eq!(later.code, 0, "{}", later.stderr);
    assert!(later.stderr.contains("roster: 1 added, 2 updated, 3 unchanged"), "{}", later.stderr);
    assert!(
        later.stderr.contains("1 person in the workspace is not in this roster and was left unchanged")
            && later.stderr.contains("B003 张伟"),
        "{}",
        later.stderr
    );

    let people =
        json(&xuefa(dir.path(), &["roster", "list", "--department", "区司法局", "--format", "json"]));
    let ids: Vec<&str> = people.as_array().expect("array").iter().filter_map(|p| p["id"].as_str()).collect();
    assert_eq!(
        ids,
        ["A003", "B001", "B002", "B003"],
        "by department path (普法科 before 行政复议科), then id"
    );
    assert_eq!(people[2]["status"], "active", "B002 is no longer exempt");
    let everyone = json(&xuefa(dir.path(), &["roster", "list", "--format", "json"]));
    assert_eq!(everyone.as_array().map(Vec::len), Some(7), "nobody is deleted");
    let leader =
        everyone.as_array().expect("array").iter().find(|p| p["id"] == "A001").cloned().expect("A001");
    assert_eq!(leader["role"], "领导干部");
    assert_eq!(leader["joined"], "2015-03-01");
    let table = xuefa(dir.path(), &["roster", "list", "--lang", "zh"]);
    assert!(
        table.stdout.contains("区政府办公室/秘书科") && table.stdout.contains("在职"),
        "{}",
        table.stdout
    );
}

#[test]
fn a_broken_roster_is_reported_row_by_row_and_changes_nothing() {
    let dir = workspace();
    let before = dump(&dir.path().join("xuefa.db"));
    let path = fixture("rosters/roster_broken.csv");
    let out = xuefa(dir.path(), &["roster", "import", &path]);
    assert_eq!(out.code, 1);
    for (line, message) in [
        (3, "the row has no name"),
        (4, "the row has no department"),
        (5, "status `休假` must be active/在职, exempt/免考 or left/离职"),
        (5, "employee id `A001` is also used at"),
    ] {
        assert!(out.stderr.contains(&format!("{path}:{line}: error: {message}")), "{line}: {}", out.stderr);
    }
    assert!(out.stderr.contains("nothing was imported"), "{}", out.stderr);
    assert_eq!(dump(&dir.path().join("xuefa.db")), before);
}
