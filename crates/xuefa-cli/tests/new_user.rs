//! What a new user tripped on (issue "What a new user trips on"): every `-o` writes its file,
//! the report year defaults to the office's, times are the office's, the workspace's language
//! decides when the locale names none, usage and system errors speak Chinese, the annual
//! report's totals add up and name nobody by default, and spreadsheets print as offices print.

mod common;

use std::path::Path;

use common::{json, root, run_in};
use serde_json::Value;

const NOW: &str = "2026-11-20T09:00:00+08:00";

fn fixture(path: &str) -> String {
    root().join("tests/fixtures").join(path).display().to_string()
}

fn xuefa(dir: &Path, args: &[&str]) -> common::Run {
    run_in(dir, args, &[("XUEFA_NOW", NOW)])
}

const BANK: &str = "题号,题型,题干,答案,法律,条款\n\
J1,判断,宪法是国家的根本法。,对,宪法,序言\n\
J2,判断,行政复议期间行政行为一律停止执行。,错,行政复议法,第四十二条\n";

const SPEC: &str = "id = \"2026-annual\"\ntitle = \"2026年度学法考试\"\nyear = 2026\nduration_minutes = 30\n\
pass_mark = 50\n[[sections]]\nkind = \"judge\"\ncount = 2\npoints = 50\n";

/// A year of study from the attendance fixtures, and an exam nobody has sat yet.
fn office() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary folder");
    let d = dir.path();
    assert_eq!(xuefa(d, &["init", ".", "--name", "示范局"]).code, 0);
    std::fs::write(d.join("判断.csv"), BANK).expect("bank");
    std::fs::write(d.join("exam.toml"), SPEC).expect("spec");
    let roster = fixture("rosters/roster.xlsx");
    let steps: [[&str; 3]; 7] = [
        ["roster", "import", &roster],
        ["session", "import", &fixture("study/sessions.csv")],
        ["attendance", "import", &fixture("study/signin_spring.xlsx")],
        ["attendance", "import", &fixture("study/signin_leaders_gbk.csv")],
        ["attendance", "import", &fixture("study/online.csv")],
        ["bank", "import", "判断.csv"],
        ["exam", "create", "exam.toml"],
    ];
    for args in steps {
        let out = xuefa(d, &args);
        assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
    }
    dir
}

#[test]
fn every_output_flag_writes_its_file_in_every_format_and_nothing_on_stdout() {
    let dir = office();
    let d = dir.path();
    let reports: [(&[&str], &[&str]); 4] = [
        (&["report", "exam", "2026-annual"], &["table", "json", "csv", "md", "xlsx"]),
        (&["report", "items", "2026-annual"], &["table", "json", "csv", "md", "xlsx"]),
        (&["report", "attendance", "--year", "2026"], &["table", "json", "csv", "md", "xlsx"]),
        (&["report", "annual", "--year", "2026"], &["md", "html", "json", "xlsx"]),
    ];
    for (command, formats) in reports {
        for format in formats {
            let file = format!("{}-{format}.out", command[1]);
            let mut args = command.to_vec();
            args.extend(["--format", format, "-o", &file]);
            let out = xuefa(d, &args);
            assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
            assert_eq!(out.stdout, "", "{args:?} writes its data to the file only");
            let written = std::fs::read(d.join(&file)).expect("the file was written");
            assert!(!written.is_empty(), "{args:?}");
            if *format == "json" {
                serde_json::from_slice::<Value>(&written).unwrap_or_else(|e| panic!("{args:?}: {e}"));
            }
        }
    }
    // Written next to its place and renamed: no temporary file is left behind.
    let leftovers: Vec<String> = std::fs::read_dir(d)
        .expect("folder")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|name| name.ends_with(".tmp"))
        .collect();
    assert_eq!(leftovers, Vec::<String>::new());
}

#[test]
fn a_failed_write_fails_the_command_and_leaves_no_file() {
    let dir = office();
    let d = dir.path();
    let missing = xuefa(d, &["report", "annual", "--format", "md", "-o", "no/such/folder/report.md"]);
    assert_eq!(missing.code, 1, "{}", missing.stderr);
    assert!(missing.stderr.contains("could not write no/such/folder/report.md"), "{}", missing.stderr);
    if !Path::new("/dev/full").exists() {
        eprintln!("skipped: this machine has no /dev/full");
        return;
    }
    // A full disk: the data cannot be written, and every command must say so.
    let commands: [&[&str]; 6] = [
        &["report", "annual", "--format", "html"],
        &["report", "exam", "2026-annual", "--format", "csv"],
        &["bank", "list"],
        &["session", "list", "--format", "json"],
        &["exam", "status", "2026-annual", "--employee", "A001"],
        &["exam", "paper", "2026-annual", "--employee", "A001", "--format", "md"],
    ];
    for args in commands {
        let full = std::process::Command::new(env!("CARGO_BIN_EXE_xuefa"))
            .args(args)
            .current_dir(d)
            .env("LANG", "en_US.UTF-8")
            .env("XUEFA_NOW", NOW)
            .stdout(std::fs::File::create("/dev/full").expect("/dev/full"))
            .output()
            .expect("runs");
        let stderr = String::from_utf8_lossy(&full.stderr);
        assert_eq!(full.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(
            stderr.contains("could not write to standard output: the disk is full"),
            "{args:?}: {stderr}"
        );
    }
}

#[test]
fn the_report_year_defaults_to_the_offices_year() {
    let dir = office();
    let d = dir.path();
    // 2026-12-31 20:00 UTC is already 2027 in China.
    let at = |now: &str, args: &[&str]| run_in(d, args, &[("XUEFA_NOW", now)]);
    let annual = json(&at("2026-11-20T01:00:00Z", &["report", "annual", "--format", "json"]));
    assert_eq!(annual["year"], 2026);
    let next = json(&at("2026-12-31T20:00:00Z", &["report", "annual", "--format", "json"]));
    assert_eq!(next["year"], 2027, "the office's new year, not UTC's");
    let attendance = json(&at("2026-11-20T01:00:00Z", &["report", "attendance", "--format", "json"]));
    assert_eq!(attendance["year"], 2026);
    // Another office offset moves the year with it.
    let toml = std::fs::read_to_string(d.join("xuefa.toml")).expect("settings");
    std::fs::write(d.join("xuefa.toml"), toml.replace("utc_offset = \"+08:00\"", "utc_offset = \"-05:00\""))
        .expect("settings");
    let west = json(&at("2027-01-01T02:00:00Z", &["report", "annual", "--format", "json"]));
    assert_eq!(west["year"], 2026);
    let shown = json(&at("2027-01-01T02:00:00Z", &["bank", "list", "--format", "json"]));
    assert!(shown[0]["updated_at"].as_str().is_some_and(|t| t.ends_with("-05:00")), "{shown}");
}

#[test]
fn a_bad_offset_in_the_settings_is_refused_with_its_file() {
    let dir = office();
    let d = dir.path();
    let toml = std::fs::read_to_string(d.join("xuefa.toml")).expect("settings");
    std::fs::write(d.join("xuefa.toml"), toml.replace("\"+08:00\"", "\"+25:00\"")).expect("settings");
    let out = xuefa(d, &["bank", "list"]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("xuefa.toml") && out.stderr.contains("utc_offset"), "{}", out.stderr);
}

#[test]
fn the_workspace_language_decides_when_the_locale_names_none() {
    let dir = office();
    let d = dir.path();
    assert!(std::fs::read_to_string(d.join("xuefa.toml")).expect("settings").contains("language = \"zh\""));
    for locale in [&[("LANG", "C")][..], &[("LANG", "POSIX")], &[("LC_ALL", "C.UTF-8")], &[]] {
        let mut env = vec![("XUEFA_NOW", NOW)];
        env.extend(locale);
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_xuefa"));
        command.args(["session", "list"]).current_dir(d).env_clear();
        for (key, value) in &env {
            command.env(key, value);
        }
        let out = command.output().expect("runs");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.contains("形式") && stdout.contains("主题"), "{locale:?}: {stdout}");
    }
    // A locale that names a language, and --lang, still win.
    let english = run_in(d, &["session", "list"], &[("LANG", "en_US.UTF-8")]);
    assert!(english.stdout.contains("Kind") && english.stdout.contains("Title"), "{}", english.stdout);
    let flag = run_in(d, &["session", "list", "--lang", "en"], &[("LANG", "C")]);
    assert!(flag.stdout.contains("Kind"), "{}", flag.stdout);
}

#[test]
fn usage_and_system_errors_speak_chinese() {
    let dir = tempfile::tempdir().expect("folder");
    let d = dir.path();
    let unknown = run_in(d, &["--lang", "zh", "bank", "chek"], &[]);
    assert_eq!(unknown.code, 2);
    assert!(unknown.stderr.contains("无法识别的命令 `chek`"), "{}", unknown.stderr);
    assert!(unknown.stderr.contains("`check`"), "a suggestion: {}", unknown.stderr);
    let missing = run_in(d, &["--lang", "zh", "report", "exam"], &[]);
    assert_eq!(missing.code, 2);
    assert!(
        missing.stderr.contains("缺少必需的参数") && missing.stderr.contains("用法："),
        "{}",
        missing.stderr
    );
    let value = run_in(d, &["bank", "check", "--format", "xml", "x.csv"], &[("LANG", "zh_CN.UTF-8")]);
    assert_eq!(value.code, 2);
    assert!(
        value.stderr.contains("不是 --format") && value.stderr.contains("text、json"),
        "{}",
        value.stderr
    );
    for out in [&unknown, &missing, &value] {
        assert!(!out.stderr.contains("error:") && !out.stderr.contains("Usage:"), "{}", out.stderr);
    }
    let english = run_in(d, &["bank", "chek"], &[]);
    assert!(english.stderr.contains("unrecognized subcommand"), "clap's own words in English");
    let no_file = run_in(d, &["--lang", "zh", "exam", "create", "nope.toml"], &[]);
    assert!(no_file.stderr.contains("没有那个文件或文件夹"), "{}", no_file.stderr);
}

#[test]
fn the_annual_report_adds_up_and_names_nobody_unless_asked() {
    let dir = office();
    let d = dir.path();
    let annual = json(&xuefa(d, &["report", "annual", "--year", "2026", "--format", "json"]));
    let kinds = annual["sessions_by_kind"].as_array().expect("kinds");
    assert!(kinds.iter().all(|k| k["kind"] != "outreach"), "outreach has its own section");
    let sum = |field: &str| kinds.iter().map(|k| k[field].as_f64().unwrap_or(0.0)).sum::<f64>();
    let total = &annual["sessions_total"];
    assert_eq!(total["sessions"].as_f64(), Some(sum("sessions")));
    assert_eq!(total["hours"].as_f64(), Some(sum("hours")));
    assert!((total["person_hours"].as_f64().unwrap_or(-1.0) - sum("person_hours")).abs() < 1e-9);
    let online = kinds.iter().find(|k| k["kind"] == "online").expect("online study");
    assert_eq!(online["hours"], Value::Null, "online study has no hours of its own");
    assert!(online["person_hours"].as_f64().is_some_and(|h| h > 0.0));
    assert_eq!(annual["outreach_total"]["events"], 1);
    assert_eq!(annual["outreach_total"]["headcount"], 300);
    assert!(annual.get("owing").is_none() && annual["exams"][0].get("missing").is_none(), "no names");
    let by_department = annual["owing_by_department"].as_array().expect("counts");
    assert!(!by_department.is_empty());

    // The summary's figures are the table's total row.
    let md = xuefa(d, &["report", "annual", "--year", "2026", "--lang", "zh"]);
    assert_eq!(md.code, 0, "{}", md.stderr);
    let sessions = total["sessions"].as_u64().expect("count");
    assert!(md.stdout.contains(&format!("全年共组织学法活动{sessions}次")), "{}", md.stdout);
    let total_row = md
        .stdout
        .lines()
        .find(|l| l.starts_with("| 合计 |") && l.contains(&format!("| {sessions} |")))
        .expect("a total row of the sessions table");
    assert!(total_row.contains(&format!("| {} |", total["hours"].as_f64().unwrap_or(0.0))), "{total_row}");
    assert!(md.stdout.contains("网络自学不设统一学时"), "says what the hours leave out");
    assert!(md.stdout.contains("学法活动（按形式）") && md.stdout.contains("| 形式 |"));
    assert!(md.stdout.contains("出勤率") && md.stdout.contains("达标率") && !md.stdout.contains("| 比率 |"));
    assert!(!md.stdout.contains("2026-annual"), "internal ids stay out of headings");
    let names = ["A001", "B001"];
    assert!(names.iter().all(|id| !md.stdout.contains(id)), "names nobody: {}", md.stdout);

    let internal = xuefa(d, &["report", "annual", "--year", "2026", "--with-names", "--format", "json"]);
    let internal = json(&internal);
    assert!(internal["owing"].as_array().is_some_and(|o| !o.is_empty()));
    assert!(internal["exams"][0]["missing"].as_array().is_some_and(|m| !m.is_empty()));
}

#[test]
fn english_reads_as_english() {
    let dir = office();
    let d = dir.path();
    let md = xuefa(d, &["report", "annual", "--year", "2026"]);
    assert!(!md.stdout.contains('；') && !md.stdout.contains('、'), "half-width separators: {}", md.stdout);
    for wrong in [" 1 hours", " 1 sessions", " 1 points", " 1 events", "(s)"] {
        assert!(!md.stdout.contains(wrong), "`{wrong}` in {}", md.stdout);
    }
    assert!(md.stdout.contains("1 event reaching 300 people"), "{}", md.stdout);
}

#[test]
fn spreadsheets_print_as_offices_print_them() {
    use calamine::{Data, Reader, Xlsx, open_workbook};
    let dir = office();
    let d = dir.path();
    let out = xuefa(
        d,
        &["report", "attendance", "--year", "2026", "--format", "xlsx", "-o", "a.xlsx", "--lang", "zh"],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let mut book: Xlsx<_> = open_workbook(d.join("a.xlsx")).expect("xlsx");
    let sessions = book.worksheet_range("学法活动").expect("sessions sheet");
    let header: Vec<String> = sessions.rows().next().expect("header").iter().map(|c| c.to_string()).collect();
    assert_eq!(&header[..4], ["编号", "日期", "形式", "主题"]);
    let first = sessions.rows().nth(1).expect("a session");
    assert!(matches!(first[1], Data::DateTime(_)), "dates are date cells: {:?}", first[1]);
    assert!(matches!(first[5], Data::Float(_)), "counts are numbers: {:?}", first[5]);

    // The sheet's XML: A4 landscape, one page wide, the header repeated and frozen, number
    // formats Excel and WPS show without a trailing point, widths counting Chinese as two.
    let zip = std::fs::File::open(d.join("a.xlsx")).expect("file");
    let mut archive = zip_entries(zip);
    let sheet = archive.remove("xl/worksheets/sheet1.xml").expect("sheet1");
    assert!(sheet.contains("paperSize=\"9\"") && sheet.contains("orientation=\"landscape\""), "{sheet}");
    assert!(sheet.contains("fitToWidth=\"1\"") || sheet.contains("fitToPage=\"1\""), "{sheet}");
    assert!(sheet.contains("fitToHeight=\"0\""), "{sheet}");
    assert!(sheet.contains("state=\"frozen\""), "{sheet}");
    let workbook = archive.remove("xl/workbook.xml").expect("workbook");
    assert!(workbook.contains("_xlnm.Print_Titles"), "{workbook}");
    let styles = archive.remove("xl/styles.xml").expect("styles");
    assert!(!styles.contains("0.##"), "{styles}");
    // The topic column holds sessions' Chinese titles: it is at least twice their length.
    let widths = column_widths(&sheet);
    let longest_topic = sessions.rows().skip(1).map(|r| r[3].to_string().chars().count()).max().unwrap_or(0);
    assert!(widths.get(3).is_some_and(|w| *w >= 2.0 * longest_topic as f64), "{widths:?} vs {longest_topic}");
}

/// Returns the text files of an XLSX (a ZIP) by name.
fn zip_entries(file: std::fs::File) -> std::collections::HashMap<String, String> {
    use std::io::Read as _;
    let mut archive = zip::ZipArchive::new(file).expect("a ZIP");
    let mut entries = std::collections::HashMap::new();
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).expect("entry");
        let name = entry.name().map(|n| n.to_string()).unwrap_or_default();
        let mut text = String::new();
        if entry.read_to_string(&mut text).is_ok() {
            entries.insert(name, text);
        }
    }
    entries
}

/// Returns the width of each column of a sheet (its `<col min max width>` elements).
fn column_widths(sheet: &str) -> Vec<f64> {
    let attribute = |col: &str, name: &str| -> Option<f64> {
        col.split(&format!(" {name}=\"")).nth(1)?.split('"').next()?.parse().ok()
    };
    let mut widths = Vec::new();
    for col in sheet.split("<col").skip(1) {
        let (Some(min), Some(max), Some(width)) =
            (attribute(col, "min"), attribute(col, "max"), attribute(col, "width"))
        else {
            continue;
        };
        widths.resize((max as usize).max(widths.len()), 0.0);
        for c in min as usize..=max as usize {
            widths[c - 1] = width;
        }
    }
    widths
}

#[test]
fn the_demo_speaks_its_workspaces_language_when_the_locale_names_none() {
    let dir = tempfile::tempdir().expect("folder");
    let demo =
        run_in(dir.path(), &["demo", "office", "--year", "2025"], &[("LANG", "C"), ("XUEFA_NOW", NOW)]);
    assert_eq!(demo.code, 0, "{}", demo.stderr);
    assert!(demo.stdout.starts_with("# 示范区司法局2025年度学法工作报告"), "{}", demo.stdout);
    assert!(demo.stdout.contains("学法活动（按形式）"), "{}", demo.stdout);
    let english = run_in(dir.path(), &["demo", "again", "--year", "2025", "--lang", "en"], &[("LANG", "C")]);
    assert!(
        english.stdout.contains("rule-of-law study report 2025"),
        "--lang still wins: {}",
        english.stdout
    );
}
