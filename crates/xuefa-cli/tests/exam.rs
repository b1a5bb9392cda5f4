//! End-to-end tests of the annual exam: creating it against real banks, papers that can be
//! drawn again, sitting it line by line, from an answers file and through a real
//! pseudo-terminal, surviving SIGKILL, deadlines, results, retakes and paper exams.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::pty::Terminal;
use common::{json, root, run_in};
use serde_json::Value;

const START: &str = "2026-11-20T09:00:00+08:00";

const SPEC: &str = r#"
id = "2026-annual"
title = "2026年度学法考试"
year = 2026
duration_minutes = 60
pass_mark = 60
attempts = 2
closes = "2026-12-31"

[[sections]]
kind = "single"
count = 25
points = 2

[[sections]]
kind = "multiple"
count = 10
points = 2
scoring = "partial"
laws = ["民法典", "行政处罚法"]

[[sections]]
kind = "judge"
count = 15
points = 2
"#;

/// Returns a workspace with the shipped banks, the fixture roster and the exam created.
fn exam_workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary folder");
    let d = dir.path();
    assert_eq!(run_in(d, &["init", "."], &[]).code, 0);
    let banks: Vec<String> = std::fs::read_dir(root().join("question-banks"))
        .expect("banks")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .map(|p| p.display().to_string())
        .collect();
    let mut args = vec!["bank", "import"];
    args.extend(banks.iter().map(String::as_str));
    assert_eq!(run_in(d, &args, &[]).code, 0);
    let roster = root().join("tests/fixtures/rosters/roster.xlsx").display().to_string();
    assert_eq!(run_in(d, &["roster", "import", &roster], &[]).code, 0);
    std::fs::write(d.join("exam.toml"), SPEC).expect("spec");
    let created = at(d, START, &["exam", "create", "exam.toml", "--seed", "20261126"]);
    assert_eq!(created.code, 0, "{}", created.stderr);
    dir
}

fn at(dir: &Path, now: &str, args: &[&str]) -> common::Run {
    run_in(dir, args, &[("XUEFA_NOW", now)])
}

fn paper(dir: &Path, employee: &str, attempt: &str) -> Value {
    json(&at(
        dir,
        START,
        &["exam", "paper", "2026-annual", "--employee", employee, "--attempt", attempt, "--with-key"],
    ))
}

fn status(dir: &Path, now: &str, employee: &str) -> Value {
    json(&at(dir, now, &["exam", "status", "2026-annual", "--employee", employee, "--format", "json"]))
}

/// Returns the answers file that answers every question of a paper with its key.
fn all_right(paper: &Value) -> Value {
    let mut answers = serde_json::Map::new();
    for question in paper["questions"].as_array().expect("questions") {
        answers.insert(question["id"].as_str().expect("id").to_owned(), question["key"].clone());
    }
    Value::Object(answers)
}

#[test]
fn create_checks_the_blueprint_against_the_banks() {
    let dir = exam_workspace();
    let d = dir.path();
    let listed = json(&at(d, START, &["exam", "list", "--format", "json"]));
    assert_eq!(listed[0]["id"], "2026-annual");
    assert_eq!(listed[0]["total_points"], 100.0);
    let shown = json(&at(d, START, &["exam", "show", "2026-annual", "--format", "json"]));
    assert_eq!(shown["sections"][1]["pool"], 34, "多选 on 民法典 (20) and 行政处罚法 (14)");
    assert_eq!(shown["closes"], "2027-01-01T00:00:00+08:00", "the end of 2026-12-31 in the office's time");

    std::fs::write(
        d.join("short.toml"),
        SPEC.replace("2026-annual", "short").replace("count = 10", "count = 40"),
    )
    .expect("write");
    let short = at(d, START, &["exam", "create", "short.toml"]);
    assert_eq!(short.code, 1);
    assert!(
        short.stderr.contains(
            "short.toml: section 2 needs 40 multiple choice questions on 民法典, 行政处罚法; the bank has 34"
        ),
        "{}",
        short.stderr
    );
    let zh = at(d, START, &["exam", "create", "short.toml", "--lang", "zh"]);
    assert!(
        zh.stderr.contains("第 2 部分需要 40 道关于民法典、行政处罚法的多选题；题库只有 34 道"),
        "{}",
        zh.stderr
    );

    std::fs::write(
        d.join("bad.toml"),
        SPEC.replace("pass_mark = 60", "pass_mark = 160").replace("attempts = 2", "attempts = 0"),
    )
    .expect("write");
    let bad = at(d, START, &["exam", "create", "bad.toml"]);
    assert!(
        bad.stderr.contains("`pass_mark`") && bad.stderr.contains("`attempts`"),
        "every mistake: {}",
        bad.stderr
    );
    let again = at(d, START, &["exam", "create", "exam.toml"]);
    assert_eq!(again.code, 1);
    assert!(again.stderr.contains("exists already"), "{}", again.stderr);
    assert_eq!(json(&at(d, START, &["exam", "list", "--format", "json"])).as_array().map(Vec::len), Some(1));
}

#[test]
fn papers_differ_per_person_and_can_be_drawn_again() {
    let dir = exam_workspace();
    let d = dir.path();
    let a = paper(d, "A001", "1");
    assert_eq!(a, paper(d, "A001", "1"), "the same paper every time");
    let b = paper(d, "A002", "1");
    assert_ne!(a["questions"], b["questions"], "卷卷不同");
    assert_eq!(a["questions"].as_array().map(Vec::len), Some(50));
    assert_eq!(a["total_points"], 100.0);
    let first = &a["questions"][0];
    for field in ["number", "id", "kind", "stem", "options", "points", "key"] {
        assert!(first.get(field).is_some(), "{field} in {first}");
    }
    let without_key = json(&at(d, START, &["exam", "paper", "2026-annual", "--employee", "A001"]));
    assert!(without_key["questions"][0].get("key").is_none());
    let retake = paper(d, "A001", "2");
    let firsts: std::collections::HashSet<&str> =
        a["questions"].as_array().expect("q").iter().filter_map(|q| q["id"].as_str()).collect();
    let repeated = retake["questions"]
        .as_array()
        .expect("q")
        .iter()
        .filter(|q| firsts.contains(q["id"].as_str().unwrap_or("")))
        .count();
    assert_eq!(repeated, 0, "a retake prefers questions not seen");

    let md = at(
        d,
        START,
        &["exam", "paper", "2026-annual", "--employee", "A001", "--format", "md", "--lang", "zh"],
    );
    assert!(
        md.stdout.contains("# 2026年度学法考试")
            && md.stdout.contains("## 答题卡")
            && md.stdout.contains("一、单选题"),
        "{}",
        md.stdout
    );
    let html = at(
        d,
        START,
        &["exam", "paper", "2026-annual", "--employee", "A001", "--format", "html", "--with-key"],
    );
    assert!(
        html.stdout.starts_with("<!DOCTYPE html>") && html.stdout.contains("class=\"key\""),
        "{}",
        &html.stdout[..200.min(html.stdout.len())]
    );
}

#[test]
fn an_answers_file_sits_the_exam_and_results_count_the_best_attempt() {
    let dir = exam_workspace();
    let d = dir.path();
    let key = paper(d, "A001", "1");
    std::fs::write(d.join("right.json"), all_right(&key).to_string()).expect("write");
    let sat = at(d, START, &["exam", "take", "2026-annual", "--employee", "A001", "--answers", "right.json"]);
    assert_eq!(sat.code, 0, "{}", sat.stderr);
    assert!(sat.stdout.contains("Score: 100 / 100 — passed (优秀)"), "{}", sat.stdout);

    // A second attempt with nothing right does not lower the counted score.
    std::fs::write(d.join("empty.json"), "{}").expect("write");
    let second = at(
        d,
        "2026-11-21T09:00:00+08:00",
        &["exam", "take", "2026-annual", "--employee", "A001", "--answers", "empty.json"],
    );
    assert_eq!(second.code, 0, "{}", second.stderr);
    assert!(second.stdout.contains("Score: 0 / 100 — not passed (不合格)"), "{}", second.stdout);
    let third = at(
        d,
        "2026-11-22T09:00:00+08:00",
        &["exam", "take", "2026-annual", "--employee", "A001", "--answers", "empty.json"],
    );
    assert_eq!(third.code, 1);
    assert!(third.stderr.contains("has used all 2 attempts"), "{}", third.stderr);

    let results =
        json(&at(d, "2026-11-22T09:00:00+08:00", &["exam", "results", "2026-annual", "--format", "json"]));
    let a001 =
        results.as_array().expect("rows").iter().find(|r| r["employee"] == "A001").cloned().expect("A001");
    assert_eq!(
        (a001["score"].as_f64(), a001["passed"].as_bool(), a001["attempts"].as_u64()),
        (Some(100.0), Some(true), Some(2))
    );
    assert_eq!(a001["band"], "优秀");
    let a002 =
        results.as_array().expect("rows").iter().find(|r| r["employee"] == "A002").cloned().expect("A002");
    assert!(a002["score"].is_null(), "not sat: {a002}");
    assert!(
        results.as_array().expect("rows").iter().all(|r| r["employee"] != "B002"),
        "the exempt are not listed"
    );

    // A broken answers file saves nothing.
    let key = paper(d, "A002", "1");
    let first_id = key["questions"][0]["id"].as_str().expect("id").to_owned();
    std::fs::write(d.join("broken.json"), format!("{{\"{first_id}\": \"Z\", \"NO-SUCH\": \"A\"}}"))
        .expect("write");
    let broken =
        at(d, START, &["exam", "take", "2026-annual", "--employee", "A002", "--answers", "broken.json"]);
    assert_eq!(broken.code, 1);
    assert!(
        broken.stderr.contains("`\"Z\"` is not an answer")
            && broken.stderr.contains("`NO-SUCH` is not on this paper"),
        "{}",
        broken.stderr
    );
    assert_eq!(status(d, START, "A002")["answered"], 0);
}

#[test]
fn who_may_sit_and_when() {
    let dir = exam_workspace();
    let d = dir.path();
    std::fs::write(d.join("none.json"), "{}").expect("write");
    let take = |employee: &str, now: &str| {
        at(d, now, &["exam", "take", "2026-annual", "--employee", employee, "--answers", "none.json"])
    };
    let exempt = take("B002", START);
    assert!(
        exempt.code == 1 && exempt.stderr.contains("B002 is exempt from exam 2026-annual"),
        "{}",
        exempt.stderr
    );
    let unknown = take("Z999", START);
    assert!(unknown.stderr.contains("nobody with employee id `Z999`"), "{}", unknown.stderr);
    let closed = take("A001", "2027-01-01T09:00:00+08:00");
    assert!(closed.code == 1 && closed.stderr.contains("closed at 2027-01-01 00:00:00"), "{}", closed.stderr);
}

/// Reads a child's stdout on a thread, so the test can wait for a line without blocking.
fn lines_of(stdout: impl Read + Send + 'static) -> mpsc::Receiver<String> {
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if sender.send(line).is_err() {
                break;
            }
        }
    });
    receiver
}

fn wait_for(lines: &mpsc::Receiver<String>, needle: &str) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut seen = Vec::new();
    while Instant::now() < deadline {
        if let Ok(line) = lines.recv_timeout(Duration::from_millis(200)) {
            let found = line.contains(needle);
            seen.push(line);
            if found {
                return seen;
            }
        }
    }
    panic!("`{needle}` never came; saw:\n{}", seen.join("\n"));
}

/// The key of a question of `exam paper --with-key` as a person types it: 对/错 or letters.
fn typed_key(question: &Value) -> String {
    match question["kind"].as_str() {
        Some("judge") => if question["key"] == "T" { "对" } else { "错" }.to_owned(),
        _ => question["key"].as_str().unwrap_or("A").to_owned(),
    }
}

#[test]
fn a_killed_sitting_loses_no_saved_answer_and_the_deadline_submits_it() {
    let dir = exam_workspace();
    let d = dir.path();
    let key = paper(d, "A003", "1");
    let answer = |i: usize| typed_key(&key["questions"][i]);
    let mut child = Command::new(env!("CARGO_BIN_EXE_xuefa"))
        .args(["exam", "take", "2026-annual", "--employee", "A003", "--plain"])
        .current_dir(d)
        .env("LANG", "en_US.UTF-8")
        .env("XUEFA_NOW", START)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let lines = lines_of(child.stdout.take().expect("stdout"));
    let mut stdin = child.stdin.take().expect("stdin");
    wait_for(&lines, "Question 1/50");
    for i in 0..3 {
        writeln!(stdin, "{}", answer(i)).expect("type");
        wait_for(&lines, &format!("Saved: question {}", i + 1));
    }
    writeln!(stdin, "flag").expect("type");
    wait_for(&lines, "Question 4 flagged");
    // SIGKILL: no chance to clean up.
    child.kill().expect("kill");
    child.wait().expect("reaped");

    let now = "2026-11-20T09:30:00+08:00";
    let state = status(d, now, "A003");
    assert_eq!((state["state"].as_str(), state["answered"].as_u64()), (Some("in_progress"), Some(3)));
    assert_eq!(state["remaining_seconds"], 1800, "the time kept running");

    let resumed = Command::new(env!("CARGO_BIN_EXE_xuefa"))
        .args(["exam", "take", "2026-annual", "--employee", "A003", "--plain"])
        .current_dir(d)
        .env("LANG", "en_US.UTF-8")
        .env("XUEFA_NOW", now)
        .stdin(Stdio::null())
        .output()
        .expect("resume");
    let out = String::from_utf8_lossy(&resumed.stdout);
    let err = String::from_utf8_lossy(&resumed.stderr);
    assert!(err.contains("resuming attempt 1: 3 of 50 answered, 30:00 left"), "{err}");
    assert!(
        out.contains("Question 4/50") && out.contains("(flagged for review)"),
        "resumes at the first unanswered: {out}"
    );

    // Nobody comes back; past the deadline the next look at the exam submits it.
    let late = status(d, "2026-11-20T10:00:01+08:00", "A003");
    assert_eq!(late["state"], "submitted");
    assert_eq!(late["score"], 6.0, "three right answers of two points");
    let results =
        json(&at(d, "2026-11-20T10:00:01+08:00", &["exam", "results", "2026-annual", "--format", "json"]));
    let a003 =
        results.as_array().expect("rows").iter().find(|r| r["employee"] == "A003").cloned().expect("A003");
    assert_eq!(a003["score"], 6.0);
}

#[test]
fn a_paper_exam_is_graded_from_its_answer_sheet() {
    let dir = exam_workspace();
    let d = dir.path();
    let key = paper(d, "A002", "1");
    let mut sheet = String::from("工号,题号,答案\n");
    for question in key["questions"].as_array().expect("q").iter().take(40) {
        let answer = match question["key"].as_str() {
            Some("T") => "√",
            Some("F") => "×",
            Some(letters) => letters,
            None => "",
        };
        sheet.push_str(&format!("A002,{},{answer}\n", question["number"]));
    }
    std::fs::write(d.join("sheet.csv"), &sheet).expect("write");
    let broken = format!("{sheet}A002,51,A\nA002,1,B\nZ999,1,A\nA002,2,\n");
    std::fs::write(d.join("broken.csv"), broken).expect("write");
    let refused = at(d, START, &["exam", "grade", "2026-annual", "broken.csv"]);
    assert_eq!(refused.code, 1);
    assert!(
        refused.stderr.contains("broken.csv:42: error: question number `51` must be from 1 to 50"),
        "{}",
        refused.stderr
    );
    assert!(
        refused.stderr.contains(
            "broken.csv:43: error: question 1 is answered twice; the other answer is at broken.csv:2"
        ),
        "{}",
        refused.stderr
    );
    assert!(
        refused.stderr.contains("broken.csv:44: error: nobody with employee id `Z999`"),
        "{}",
        refused.stderr
    );
    assert_eq!(status(d, START, "A002")["state"], "not_started");

    let graded = at(d, START, &["exam", "grade", "2026-annual", "sheet.csv"]);
    assert_eq!(graded.code, 0, "{}", graded.stderr);
    assert!(graded.stderr.contains("A002, attempt 1: 80 points (良好)"), "{}", graded.stderr);
    let again = at(d, START, &["exam", "grade", "2026-annual", "sheet.csv", "--lang", "zh"]);
    assert_eq!(again.code, 1, "a sheet without an attempt column is attempt 1, graded already");
    assert!(again.stderr.contains("A002 已参加过第 1 次考试"), "{}", again.stderr);
    let retake = format!(
        "工号,题号,答案,次数\nA002,1,{},2\n",
        paper(d, "A002", "2")["questions"][0]["key"].as_str().unwrap_or("A")
    );
    std::fs::write(d.join("retake.csv"), retake).expect("write");
    let second = at(d, START, &["exam", "grade", "2026-annual", "retake.csv"]);
    assert_eq!(second.code, 0, "{}", second.stderr);
    assert!(second.stderr.contains("A002, attempt 2: 2 points"), "{}", second.stderr);
}

#[test]
fn scanner_sheets_with_a_column_per_question_are_graded_in_one_go() {
    let dir = exam_workspace();
    let d = dir.path();
    let mut sheet = String::from("考试答题卡导出\n工号,姓名,次数");
    for n in 1..=50 {
        sheet.push_str(&format!(",{n}"));
    }
    sheet.push('\n');
    let mut expected = Vec::new();
    for (employee, right) in [("A002", 50), ("B001", 20)] {
        let key = paper(d, employee, "1");
        sheet.push_str(&format!("{employee},某人,1"));
        for (i, question) in key["questions"].as_array().expect("q").iter().enumerate() {
            let key = question["key"].as_str().unwrap_or("");
            let answer = match (i < right, key) {
                (true, "T") => "对".to_owned(),
                (true, "F") => "错".to_owned(),
                (true, letters) => letters.to_owned(),
                (false, _) => String::new(),
            };
            sheet.push_str(&format!(",{answer}"));
        }
        sheet.push('\n');
        expected.push((employee, right));
    }
    std::fs::write(d.join("scan.csv"), &sheet).expect("write");
    // A cell that answers a 单选 with two letters is refused with its line.
    let key = paper(d, "A002", "1");
    let single =
        key["questions"].as_array().expect("q").iter().position(|q| q["kind"] == "single").expect("a single");
    let mut lines: Vec<String> = sheet.lines().map(str::to_owned).collect();
    let mut cells: Vec<String> = lines[2].split(',').map(str::to_owned).collect();
    cells[3 + single] = "AB".to_owned();
    lines[2] = cells.join(",");
    std::fs::write(d.join("bad.csv"), lines.join("\n")).expect("write");
    let refused = at(d, START, &["exam", "grade", "2026-annual", "bad.csv"]);
    assert_eq!(refused.code, 1);
    assert!(
        refused
            .stderr
            .contains(&format!("bad.csv:3: error: `AB` is not an answer to question {}", single + 1)),
        "{}",
        refused.stderr
    );
    assert_eq!(status(d, START, "A002")["state"], "not_started", "nothing graded");

    let graded = at(d, START, &["exam", "grade", "2026-annual", "scan.csv"]);
    assert_eq!(graded.code, 0, "{}", graded.stderr);
    assert!(graded.stderr.contains("graded 2 answer sheets; 1 passed"), "{}", graded.stderr);
    let results = at(d, START, &["exam", "results", "2026-annual", "--format", "json"]);
    let results: Value = serde_json::from_str(&results.stdout).expect("json");
    for (employee, right) in expected {
        let row = results.as_array().expect("rows").iter().find(|r| r["employee"] == employee).expect("row");
        assert_eq!(row["score"].as_f64(), Some(2.0 * right as f64), "{employee}");
    }
    // The items report reads the marks the grading stored.
    let items = at(d, START, &["report", "items", "2026-annual", "--format", "json"]);
    assert_eq!(items.code, 0, "{}", items.stderr);
    let items: Value = serde_json::from_str(&items.stdout).expect("json");
    assert_eq!(items["test"]["attempts"], 2);
    let answered: u64 =
        items["items"].as_array().expect("items").iter().map(|i| i["attempts"].as_u64().unwrap_or(0)).sum();
    assert_eq!(answered, 100, "50 questions on each of two papers");
}

/// `xuefa exam take` of `employee` in a real pseudo-terminal, in Chinese.
fn full_screen(dir: &Path, employee: &str) -> Terminal {
    Terminal::start(
        dir,
        &["exam", "take", "2026-annual", "--employee", employee, "--lang", "zh"],
        &[("XUEFA_NOW", START)],
    )
}

/// Returns the key to press for a question's key on the full screen: its letters, or t/x.
fn keys_for(question: &Value) -> String {
    match question["key"].as_str().expect("key") {
        "T" => "t".to_owned(),
        "F" => "x".to_owned(),
        letters => letters.to_lowercase(),
    }
}

#[test]
fn the_full_screen_exam_in_a_real_pseudo_terminal() {
    let dir = exam_workspace();
    let d = dir.path();
    let key = paper(d, "B001", "1");
    let mut screen = full_screen(d, "B001");
    let first = screen.wait("第 1/50 题");
    let stem: String = key["questions"][0]["stem"].as_str().expect("stem").chars().take(8).collect();
    assert!(first.contains(&stem), "the first question is shown:\n{first}");
    assert!(first.contains("答题卡") && first.contains("剩余 1:00:00"), "navigator and countdown:\n{first}");

    // Answer question 1 with its key, move on, flag question 2, jump to 10 and back.
    screen.press(keys_for(&key["questions"][0]).as_bytes());
    screen.wait("已答 1");
    screen.press(b"\x1b[C");
    screen.wait("第 2/50 题");
    screen.press(b"m");
    screen.wait("已标记");
    screen.press(b"10\r");
    screen.wait("第 10/50 题");
    screen.press(b"s");
    // The dialog's last line: the whole dialog is drawn once it shows.
    let confirm = screen.wait("y：仍然交卷");
    assert!(confirm.contains("仍要交卷"), "the confirmation:\n{confirm}");
    assert!(confirm.contains("有 49 道题未作答"), "the unanswered are listed:\n{confirm}");

    // Enter out of habit does not submit a paper with unanswered questions; y does.
    screen.press(b"\r");
    let refused = screen.wait("按回车不会交卷");
    assert!(refused.contains("仍要交卷"), "the confirmation stays:\n{refused}");
    let state = status(d, START, "B001");
    assert_eq!((state["state"].as_str(), state["answered"].as_u64()), (Some("in_progress"), Some(1)));
    screen.press(b"y");
    let result = screen.wait("成绩：");
    assert!(result.contains("2 / 100") && result.contains("不合格"), "{result}");
    screen.press(b"q");
    let exit = screen.child.wait().expect("exit");
    assert!(exit.success());
    let state = status(d, START, "B001");
    assert_eq!((state["state"].as_str(), state["score"].as_f64()), (Some("submitted"), Some(2.0)));
}

/// Enter on the submit confirmation used to submit whatever was unanswered; now only `y`
/// submits an incomplete paper, on the full screen and line by line alike, while Enter still
/// submits a complete one on the full screen.
#[test]
fn enter_never_submits_a_paper_with_unanswered_questions() {
    let dir = exam_workspace();
    let d = dir.path();
    let key = paper(d, "A001", "1");
    let questions = key["questions"].as_array().expect("questions");

    // Line by line: answer all but the last question, ask to submit, press Enter, leave.
    let mut input: String =
        questions[..49].iter().map(|q| format!("{}\n", q["key"].as_str().expect("key"))).collect();
    input.push_str("submit\n\n");
    let mut child = Command::new(env!("CARGO_BIN_EXE_xuefa"))
        .args(["exam", "take", "2026-annual", "--employee", "A001", "--plain"])
        .current_dir(d)
        .env("LANG", "en_US.UTF-8")
        .env("XUEFA_NOW", START)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child.stdin.take().expect("stdin").write_all(input.as_bytes()).expect("type");
    let plain = child.wait_with_output().expect("ends");
    let out = String::from_utf8_lossy(&plain.stdout);
    assert!(out.contains("1 question has no answer: 50. Submit anyway?"), "{out}");
    assert!(out.contains("Submit? (y/n)>"), "{out}");
    assert!(!out.contains("Score:"), "an empty line is not yes: {out}");
    let state = status(d, START, "A001");
    assert_eq!((state["state"].as_str(), state["answered"].as_u64()), (Some("in_progress"), Some(49)));

    // Full screen: the sitting resumes at question 50; Enter is refused while it is open.
    let mut screen = full_screen(d, "A001");
    screen.wait("第 50/50 题");
    screen.press(b"s");
    let confirm = screen.wait("有 1 道题未作答：50");
    assert!(confirm.contains("y：仍然交卷"), "{confirm}");
    screen.press(b"\r");
    screen.wait("按回车不会交卷");
    assert_eq!(status(d, START, "A001")["state"], "in_progress", "Enter submitted an incomplete paper");
    // Any other key goes back; once every question is answered Enter submits.
    screen.press(b"n");
    screen.press(keys_for(&questions[49]).as_bytes());
    screen.wait("已答 50");
    screen.press(b"s");
    let complete = screen.wait("所有题目均已作答");
    assert!(complete.contains("y 或回车：交卷"), "{complete}");
    screen.press(b"\r");
    let result = screen.wait("成绩：");
    assert!(result.contains("100 / 100"), "{result}");
    screen.press(b"q");
    assert!(screen.child.wait().expect("exit").success());
    assert_eq!(status(d, START, "A001")["state"], "submitted");
}

/// Returns the key an explanation states last: the letters of "故选X" or "故X正确".
fn stated_key(explanation: &str) -> Option<String> {
    let mut found = None;
    for (at, _) in explanation.match_indices('故') {
        let rest = &explanation[at + '故'.len_utf8()..];
        let rest = rest.strip_prefix('选').unwrap_or(rest);
        let letters: String = rest.chars().take_while(char::is_ascii_uppercase).collect();
        if !letters.is_empty() {
            found = Some(letters);
        }
    }
    found
}

/// Explanations name the bank's letters ("故选B"), which on a shuffled paper are other
/// options; the review, `exam paper --with-key` and its JSON named the wrong ones.
#[test]
fn explanations_name_the_letters_of_the_paper_they_are_shown_with() {
    let dir = exam_workspace();
    let d = dir.path();
    let key = paper(d, "A002", "1");
    let questions = key["questions"].as_array().expect("questions");
    let mut stated = 0;
    for question in questions {
        let explanation = question["explanation"].as_str().expect("the explanation with the key");
        if let Some(letters) = stated_key(explanation) {
            assert_eq!(letters, question["key"].as_str().expect("key"), "the key shown: {question}");
            stated += 1;
        }
    }
    assert!(stated >= 20, "the shipped explanations state their keys: {stated}");

    // A question whose explanation reads differently in the bank, because its options are
    // shuffled on this paper.
    let (bank_text, shown) = questions
        .iter()
        .filter(|q| q["kind"] != "judge")
        .find_map(|q| {
            let id = q["id"].as_str().expect("id");
            let bank = at(d, START, &["bank", "show", id]);
            let bank_text = bank.stdout.lines().find_map(|l| l.strip_prefix("Explanation: "))?.to_owned();
            let shown = q["explanation"].as_str().expect("explanation").to_owned();
            (bank_text != shown).then_some((bank_text, shown))
        })
        .expect("a shuffled question whose explanation names letters");
    let with_key = |format: &str| {
        at(
            d,
            START,
            &["exam", "paper", "2026-annual", "--employee", "A002", "--format", format, "--with-key"],
        )
    };
    let md = with_key("md").stdout;
    assert!(md.contains(&format!("Explanation: {shown}")), "{md}");
    assert!(!md.contains(&bank_text), "the bank's letters: {bank_text}");
    let html = with_key("html").stdout;
    let escaped = |text: &str| {
        text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
    };
    assert!(
        html.contains(&format!("<p class=\"explanation\">Explanation: {}</p>", escaped(&shown))),
        "{html}"
    );
    assert!(!html.contains(&escaped(&bank_text)), "the bank's letters: {bank_text}");
    let without_key = at(d, START, &["exam", "paper", "2026-annual", "--employee", "A002", "--format", "md"]);
    assert!(!without_key.stdout.contains(&shown), "the key sheet only");

    // The review after submitting nothing lists every question with the paper's letters.
    std::fs::write(d.join("none.json"), "{}").expect("write");
    let review =
        at(d, START, &["exam", "take", "2026-annual", "--employee", "A002", "--answers", "none.json"]);
    assert_eq!(review.code, 0, "{}", review.stderr);
    assert!(review.stdout.contains(&format!("Explanation: {shown}")), "{}", review.stdout);
    assert!(!review.stdout.contains(&bank_text), "the bank's letters: {bank_text}");
    assert!(!review.stdout.contains("bank's order"), "no note on the bank's letters is needed");
}

#[test]
fn a_bank_an_exam_draws_from_is_removed_only_with_force_and_results_survive() {
    let dir = exam_workspace();
    let d = dir.path();
    let key = paper(d, "A001", "1");
    std::fs::write(d.join("right.json"), all_right(&key).to_string()).expect("write");
    assert_eq!(
        at(d, START, &["exam", "take", "2026-annual", "--employee", "A001", "--answers", "right.json"]).code,
        0
    );
    let refused = at(d, START, &["bank", "remove", "民法典"]);
    assert_eq!(refused.code, 1);
    assert!(
        refused
            .stderr
            .contains("bank `民法典` is used by exams (2026-annual); remove it anyway with --force"),
        "{}",
        refused.stderr
    );
    let forced = at(d, START, &["bank", "remove", "民法典", "--force"]);
    assert_eq!(forced.code, 0, "{}", forced.stderr);
    // The attempt keeps its own copy of every question it showed.
    let results = json(&at(d, START, &["exam", "results", "2026-annual", "--format", "json"]));
    let a001 =
        results.as_array().expect("rows").iter().find(|r| r["employee"] == "A001").cloned().expect("A001");
    assert_eq!(a001["score"], 100.0);
    assert_eq!(paper(d, "A001", "1"), key, "the recorded paper is unchanged");
}

#[test]
fn a_line_that_is_not_utf8_is_refused_and_the_sitting_goes_on() {
    let dir = exam_workspace();
    let d = dir.path();
    let key = paper(d, "A003", "1");
    let answer = typed_key(&key["questions"][0]);
    let mut child = Command::new(env!("CARGO_BIN_EXE_xuefa"))
        .args(["exam", "take", "2026-annual", "--employee", "A003", "--plain"])
        .current_dir(d)
        .env("LANG", "en_US.UTF-8")
        .env("XUEFA_NOW", START)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    // 对 as a GBK terminal sends it, then the answer in UTF-8, then the end of input.
    let mut typed = b"\xb6\xd4\n".to_vec();
    typed.extend_from_slice(format!("{answer}\n").as_bytes());
    child.stdin.take().expect("stdin").write_all(&typed).expect("typed");
    let out = child.wait_with_output().expect("exit");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("Saved: question 1"), "{stdout}");
    let state = status(d, START, "A003");
    assert_eq!((state["state"].as_str(), state["answered"].as_u64()), (Some("in_progress"), Some(1)));
}
