//! End-to-end tests of study sessions and attendance: a realistic year imported from a
//! sessions file and sign-in sheets (XLSX, GBK CSV, an online-study export), and the report's
//! figures checked against numbers worked out by hand.

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

fn year_of_study() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary folder");
    let d = dir.path();
    assert_eq!(xuefa(d, &["init", "."]).code, 0);
    assert_eq!(xuefa(d, &["roster", "import", &fixture("rosters/roster.xlsx")]).code, 0);
    for (command, file) in [
        ("session", "study/sessions.csv"),
        ("attendance", "study/signin_spring.xlsx"),
        ("attendance", "study/signin_leaders_gbk.csv"),
        ("attendance", "study/online.csv"),
    ] {
        let out = xuefa(d, &[command, "import", &fixture(file)]);
        assert_eq!(out.code, 0, "{file}: {}", out.stderr);
    }
    dir
}

fn person<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["people"].as_array().expect("people").iter().find(|p| p["employee"] == id).expect("person")
}

fn requirement<'a>(person: &'a Value, name: &str) -> &'a Value {
    person["requirements"]
        .as_array()
        .expect("requirements")
        .iter()
        .find(|r| r["name"] == name)
        .expect("requirement")
}

#[test]
fn a_year_of_study_adds_up() {
    let dir = year_of_study();
    let d = dir.path();
    let report = json(&xuefa(d, &["report", "attendance", "--year", "2026", "--format", "json"]));

    // Sessions: expected are the active people in the audience (B002 is exempt).
    let sessions = report["sessions"].as_array().expect("sessions");
    let figures: Vec<(&str, u64, u64)> = sessions
        .iter()
        .map(|s| {
            (
                s["id"].as_str().unwrap_or(""),
                s["expected"].as_u64().unwrap_or(99),
                s["attended"].as_u64().unwrap_or(99),
            )
        })
        .collect();
    assert_eq!(figures, [("S1", 5, 4), ("S2", 5, 3), ("S6", 0, 0), ("S3", 2, 2), ("S4", 2, 2), ("S5", 5, 5)]);
    assert_eq!(sessions[0]["attendance_rate"], 0.8);
    assert_eq!(sessions[1]["attendance_rate"], 0.6);
    assert!(sessions[2]["attendance_rate"].is_null(), "outreach expects nobody: no rate, not NaN");
    assert_eq!(
        (sessions[2]["headcount"].as_u64(), sessions[2]["materials"].as_u64()),
        (Some(300), Some(500))
    );
    assert_eq!(sessions[3]["kind"], "court_hearing");
    assert_eq!(sessions[4]["kind"], "central_group");

    // People, worked out by hand (late and left early earn the full hours, excused and
    // absent none, online records carry their own hours).
    let a001 = person(&report, "A001");
    assert_eq!(a001["hours"], 43.0, "4 + 3 + 4 + 2 + 30");
    assert_eq!(a001["hours_by_kind"]["online"], 30.0);
    assert_eq!(requirement(a001, "年度学时")["met"], true);
    assert_eq!(requirement(a001, "领导干部旁听庭审")["met"], true);
    let central = requirement(a001, "中心组集体学法");
    assert_eq!((central["met"].as_bool(), central["shortfall"].as_f64()), (Some(false), Some(3.0)));
    assert_eq!(person(&report, "A002")["hours"], 43.0, "4 + 3 (left early) + 36");
    assert_eq!(person(&report, "A002")["requirements"].as_array().map(Vec::len), Some(1), "not a leader");
    let a003 = person(&report, "A003");
    assert_eq!(a003["hours"], 14.0, "4 (late) + 10");
    assert_eq!(requirement(a003, "年度学时")["shortfall"], 26.0);
    assert_eq!(
        person(&report, "B003")["hours"],
        40.0,
        "excused 0 + absent 0 + 40 online: exactly the minimum"
    );
    assert_eq!(requirement(person(&report, "B003"), "年度学时")["met"], true);
    let b002 = person(&report, "B002");
    assert_eq!(
        (b002["evaluated"].as_bool(), b002["requirements"].as_array().map(Vec::len)),
        (Some(false), Some(0)),
        "exempt"
    );

    // Departments: who met every requirement (the exempt are not counted).
    let departments: Vec<(&str, u64, u64)> = report["departments"]
        .as_array()
        .expect("departments")
        .iter()
        .map(|d| {
            (
                d["department"].as_str().unwrap_or(""),
                d["people"].as_u64().unwrap_or(0),
                d["met_all"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(
        departments,
        [
            ("区司法局/普法科", 1, 0),
            ("区司法局/行政复议科", 1, 1),
            ("区政府办公室/秘书科", 2, 1),
            ("区政府办公室/综合科", 1, 0)
        ]
    );
    let rolled = json(&xuefa(
        d,
        &["report", "attendance", "--year", "2026", "--by", "department:1", "--format", "json"],
    ));
    let rolled: Vec<(&str, u64, u64)> = rolled["departments"]
        .as_array()
        .expect("departments")
        .iter()
        .map(|d| {
            (
                d["department"].as_str().unwrap_or(""),
                d["people"].as_u64().unwrap_or(0),
                d["met_all"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(rolled, [("区司法局", 2, 1), ("区政府办公室", 3, 1)]);

    let owing = json(&xuefa(d, &["report", "attendance", "--year", "2026", "--owing", "--format", "json"]));
    let owed: Vec<(&str, &str, f64)> = owing
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| {
            (
                r["employee"].as_str().unwrap_or(""),
                r["requirement"].as_str().unwrap_or(""),
                r["shortfall"].as_f64().unwrap_or(0.0),
            )
        })
        .collect();
    assert_eq!(
        owed,
        [("B001", "中心组集体学法", 3.0), ("A001", "中心组集体学法", 3.0), ("A003", "年度学时", 26.0)]
    );

    let table = xuefa(d, &["report", "attendance", "--year", "2026", "--lang", "zh"]);
    assert!(
        table.stdout.contains("旁听庭审") && table.stdout.contains("80.0%") && table.stdout.contains("免考"),
        "{}",
        table.stdout
    );
    let list =
        json(&xuefa(d, &["session", "list", "--year", "2026", "--kind", "旁听庭审", "--format", "json"]));
    assert_eq!(list.as_array().map(Vec::len), Some(1));
}

#[test]
fn names_that_are_shared_or_unknown_are_refused_and_nothing_is_recorded() {
    let dir = year_of_study();
    let d = dir.path();
    let before = json(&xuefa(d, &["report", "attendance", "--year", "2026", "--format", "json"]));
    let path = fixture("study/signin_names.csv");
    let out = xuefa(d, &["attendance", "import", &path]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains(&format!("{path}:2: error: 张伟 is the name of several people (A001 区政府办公室/秘书科; B003 区司法局/行政复议科)")),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains(&format!(
            "{path}:3: error: nobody named 张玮 is on the roster; did you mean 张伟 (A001), 张伟 (B003)"
        )),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains(&format!(
            "{path}:4: error: no session on 2026-02-10 titled “宪法学习课”; that day has: “宪法学习”"
        )),
        "{}",
        out.stderr
    );
    assert_eq!(json(&xuefa(d, &["report", "attendance", "--year", "2026", "--format", "json"])), before);

    let marked = xuefa(d, &["attendance", "mark", "S2", "A003", "--status", "迟到"]);
    assert_eq!(marked.code, 0, "{}", marked.stderr);
    let after = json(&xuefa(d, &["report", "attendance", "--year", "2026", "--format", "json"]));
    assert_eq!(person(&after, "A003")["hours"], 17.0, "the lecture's 3 hours added");
    let unknown = xuefa(d, &["attendance", "mark", "S2", "Z999"]);
    assert!(unknown.code == 1 && unknown.stderr.contains("not on the roster: Z999"), "{}", unknown.stderr);
    let added = xuefa(
        d,
        &[
            "session",
            "add",
            "--date",
            "2026-12-01",
            "--kind",
            "lecture",
            "--title",
            "宪法日讲座",
            "--hours",
            "2",
        ],
    );
    assert_eq!((added.code, added.stdout.trim()), (0, "2026-12-01-1"), "{}", added.stderr);
}
