//! Banks that follow amendments: each question names the version of its law (法律版本, the
//! date of the text it was written against), the readers and writers keep it, and
//! `bank stale` lists what to review after a law is amended.

mod common;

use common::{json, root, run_in};

const NOW: &str = "2026-11-20T09:00:00+08:00";

fn shipped(name: &str) -> String {
    root().join("question-banks").join(name).display().to_string()
}

#[test]
fn bank_stale_lists_the_questions_written_before_an_amendment() {
    let dir = tempfile::tempdir().expect("folder");
    let d = dir.path();
    let at = |args: &[&str]| run_in(d, args, &[("XUEFA_NOW", NOW)]);
    assert_eq!(at(&["init", "."]).code, 0);
    let imported = at(&["bank", "import", &shipped("治安管理处罚法.csv"), &shipped("宪法.csv")]);
    assert_eq!(imported.code, 0, "{}", imported.stderr);

    // The bank follows the 2025 revision: nothing is stale for it, everything for a later one.
    let current =
        json(&at(&["bank", "stale", "--law", "治安管理处罚法", "--since", "2025-06-27", "--format", "json"]));
    assert_eq!(current.as_array().map(Vec::len), Some(0), "{current}");
    let later =
        json(&at(&["bank", "stale", "--law", "治安管理处罚法", "--since", "2027-01-01", "--format", "json"]));
    let later = later.as_array().expect("array");
    assert_eq!(later.len(), 66);
    assert!(later.iter().all(|q| q["law_version"] == "2025-06-27" && q["bank"] == "治安管理处罚法"));
    // The law is matched under any form of its name; other laws are not listed.
    let full_name = json(&at(&[
        "bank",
        "stale",
        "--law",
        "《中华人民共和国宪法》",
        "--since",
        "2026-01-01",
        "--format",
        "json",
    ]));
    assert_eq!(full_name.as_array().map(Vec::len), Some(63), "{full_name}");
    let bad = at(&["bank", "stale", "--law", "宪法", "--since", "去年"]);
    assert_eq!(bad.code, 1);
    assert!(bad.stderr.contains("`去年` is not a date"), "{}", bad.stderr);

    // A bank that names no version: a question counts as written when it was imported.
    std::fs::write(
        d.join("old.csv"),
        "题号,题型,题干,答案,法律,条款\nO1,判断,宪法是根本法。,对,民法典,第一条\n",
    )
    .expect("bank");
    assert_eq!(at(&["bank", "import", "old.csv"]).code, 0);
    let before =
        json(&at(&["bank", "stale", "--law", "民法典", "--since", "2026-11-01", "--format", "json"]));
    assert_eq!(before.as_array().map(Vec::len), Some(0), "imported on 2026-11-20, after the date");
    let after = json(&at(&["bank", "stale", "--law", "民法典", "--since", "2026-12-01", "--format", "json"]));
    assert_eq!(after.as_array().map(Vec::len), Some(1));
}

#[test]
fn the_version_of_a_law_survives_every_format_and_a_bad_one_is_named() {
    let dir = tempfile::tempdir().expect("folder");
    let d = dir.path();
    let run = |args: &[&str]| run_in(d, args, &[]);
    std::fs::write(
        d.join("v.csv"),
        "题号,题型,题干,答案,法律,条款,法律版本\nV1,判断,甲。,对,立法法,第一条,2023年3月13日\nV2,判断,乙。,错,立法法,第二条,\n",
    )
    .expect("bank");
    for target in ["v.json", "v.xlsx", "v2.csv"] {
        assert_eq!(run(&["bank", "convert", "v.csv", "-o", target]).code, 0, "{target}");
    }
    for file in ["v.json", "v.xlsx", "v2.csv"] {
        let questions = json(&run(&["bank", "convert", file, "--to", "json"]));
        assert_eq!(questions[0]["law_version"], "2023-03-13", "{file}: written as a date");
        assert!(questions[1].get("law_version").is_none(), "{file}: none stays none");
    }
    std::fs::write(d.join("bad.csv"), "题号,题型,题干,答案,法律版本\nB1,判断,丙。,对,最新版\n")
        .expect("bank");
    let bad = run(&["bank", "check", "bad.csv"]);
    assert_eq!(bad.code, 1);
    assert!(bad.stderr.contains("bad.csv:2: error: the law's version `最新版`"), "{}", bad.stderr);
}
