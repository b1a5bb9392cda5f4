//! `xuefa practice` and `xuefa practice book`: answers typed line by line (a pipe, and a real
//! pseudo-terminal with `--plain`) and on the full screen (a pseudo-terminal), the feedback
//! after each, the wrong-answer book and its due reviews.

mod common;

use std::path::Path;

use common::pty::Terminal;
use common::run_in;
use serde_json::Value;

/// Two judgements, both false, so that any order of asking can be answered: 对 is wrong.
const BANK: &str = "题号,题型,题干,选项A,选项B,答案,解析,法律,条款\n\
J1,判断,行政复议期间行政行为一律停止执行。,,,错,行政复议期间行政行为原则上不停止执行。,行政复议法,第四十二条\n\
J2,判断,乡、民族乡、镇的人民代表大会每届任期三年。,,,错,地方各级人民代表大会每届任期五年。,宪法,第九十八条\n";

fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("folder");
    let d = dir.path();
    assert_eq!(run_in(d, &["init", "."], &[]).code, 0);
    std::fs::write(d.join("练习.csv"), BANK).expect("bank");
    assert_eq!(run_in(d, &["bank", "import", "练习.csv"], &[]).code, 0);
    std::fs::write(d.join("roster.csv"), "工号,姓名,部门\nA1,王一,局/办公室\n").expect("roster");
    assert_eq!(run_in(d, &["roster", "import", "roster.csv"], &[]).code, 0);
    dir
}

/// Runs `xuefa practice ARGS` at `now` with `input` typed on stdin.
fn practise(d: &Path, args: &[&str], input: &str, now: &str) -> common::Run {
    use std::io::Write as _;
    let mut all = vec!["practice"];
    all.extend_from_slice(args);
    let mut child = common::command_in(d, &all, &[("XUEFA_NOW", now)])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("xuefa runs");
    child.stdin.take().expect("stdin").write_all(input.as_bytes()).expect("typed");
    let out = child.wait_with_output().expect("exit");
    common::Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn book(d: &Path) -> Vec<Value> {
    let out = run_in(d, &["practice", "book", "--employee", "A1", "--format", "json"], &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    serde_json::from_str::<Value>(&out.stdout).expect("json").as_array().expect("a list").clone()
}

#[test]
fn wrong_answers_enter_the_book_and_come_back_the_next_day() {
    let dir = workspace();
    let d = dir.path();
    // Something that is no answer is asked again; 对 is wrong for both.
    let out = practise(d, &["--employee", "A1", "--count", "2"], "B\n对\n对\n", "2026-03-01T09:00:00+08:00");
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("`B` is not an answer to this question"), "{}", out.stdout);
    assert_eq!(out.stdout.matches("Wrong. The answer is false.").count(), 2, "{}", out.stdout);
    assert!(out.stdout.contains("Explanation: 行政复议期间行政行为原则上不停止执行。"), "{}", out.stdout);
    assert!(out.stdout.contains("Basis: 行政复议法 第四十二条"), "{}", out.stdout);
    assert!(out.stdout.contains("box 1, due again on 2026-03-02"), "{}", out.stdout);
    assert!(out.stdout.contains("0 of 2 answered right."), "{}", out.stdout);
    let entries = book(d);
    assert_eq!(entries.len(), 2);
    assert!(entries.iter().all(|e| e["box"] == 1 && e["due"] == "2026-03-02" && e["wrong"] == 1));

    // Nothing is due the same day; the next day both are, and 错 is right.
    let same_day = practise(d, &["--employee", "A1", "--review"], "", "2026-03-01T18:00:00+08:00");
    assert_eq!(same_day.code, 0);
    assert!(
        same_day.stderr.contains("Nothing in the wrong-answer book is due today."),
        "{}",
        same_day.stderr
    );
    let next = practise(d, &["--employee", "A1", "--review"], "错\nF\n", "2026-03-02T09:00:00+08:00");
    assert_eq!(next.code, 0, "{}", next.stderr);
    assert!(next.stdout.contains("2 of 2 answered right."), "{}", next.stdout);
    assert!(book(d).iter().all(|e| e["box"] == 2 && e["due"] == "2026-03-04"));

    // Progress by law: one question each, two answers (one right), in the book, due on the 4th.
    let progress = |now: &str| {
        let out = common::command_in(
            d,
            &["practice", "progress", "--employee", "A1", "--format", "json"],
            &[("XUEFA_NOW", now)],
        )
        .output()
        .expect("runs");
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice::<Value>(&out.stdout).expect("json")
    };
    let laws = progress("2026-03-02T10:00:00+08:00");
    assert_eq!(
        laws,
        serde_json::json!([
            {"law": "宪法", "seen": 1, "answered": 2, "right": 1, "accuracy": 0.5, "in_book": 1, "due": 0},
            {"law": "行政复议法", "seen": 1, "answered": 2, "right": 1, "accuracy": 0.5, "in_book": 1, "due": 0},
        ])
    );
    let later = progress("2026-03-04T10:00:00+08:00");
    assert!(later.as_array().expect("list").iter().all(|l| l["due"] == 1), "{later}");
    let table = run_in(d, &["--lang", "zh", "practice", "progress", "--employee", "A1"], &[]);
    assert!(table.stdout.contains("正确率") && table.stdout.contains("50.0 %"), "{}", table.stdout);
}

#[test]
fn practice_speaks_chinese_and_refuses_people_not_on_the_roster() {
    let dir = workspace();
    let d = dir.path();
    let out = practise(
        d,
        &["--employee", "A1", "--law", "《中华人民共和国宪法》", "--lang", "zh"],
        "对\n",
        "2026-03-01T09:00:00+08:00",
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("练习：共 1 题"), "only the question citing 宪法: {}", out.stdout);
    assert!(
        out.stdout.contains("回答错误。正确答案是 错。") && out.stdout.contains("依据：宪法第九十八条"),
        "{}",
        out.stdout
    );
    let nobody = practise(d, &["--employee", "NOBODY"], "", "2026-03-01T09:00:00+08:00");
    assert_eq!(nobody.code, 1);
    assert!(nobody.stderr.contains("no one on the roster has employee id `NOBODY`"), "{}", nobody.stderr);
    let no_employee = run_in(d, &["practice"], &[]);
    assert_eq!(no_employee.code, 2, "a usage error: {}", no_employee.stderr);
    let zero = run_in(d, &["practice", "--employee", "A1", "--count", "0"], &[]);
    assert_eq!(zero.code, 2, "{}", zero.stderr);
}

#[test]
fn plain_practice_in_a_real_pseudo_terminal_is_line_by_line() {
    let dir = workspace();
    let d = dir.path();
    let mut terminal = Terminal::start(
        d,
        &["practice", "--employee", "A1", "--count", "1", "--lang", "en", "--plain"],
        &[("XUEFA_NOW", "2026-03-01T09:00:00+08:00")],
    );
    let first = terminal.wait("Answer>");
    assert!(first.contains("Question 1/1 · true/false"), "{first}");
    assert!(!first.contains("0 of 0 answered right"), "not the full screen: {first}");
    terminal.press("错\r".as_bytes());
    let done = terminal.wait("1 of 1 answered right.");
    assert!(done.contains("Right. The answer is false."), "{done}");
    assert!(terminal.child.wait().expect("exit").success());
}

/// Returns the id of the bank's question whose stem the screen shows.
fn shown_question(screen: &str) -> &'static str {
    match (screen.contains("行政复议期间行政行为一律停止执行"), screen.contains("每届任期三年"))
    {
        (true, false) => "J1",
        (false, true) => "J2",
        _ => panic!("one of the two questions is shown:\n{screen}"),
    }
}

#[test]
fn full_screen_practice_in_a_real_pseudo_terminal() {
    let dir = workspace();
    let d = dir.path();
    let mut terminal = Terminal::start(
        d,
        &["practice", "--employee", "A1", "--count", "2", "--lang", "en"],
        &[("XUEFA_NOW", "2026-03-01T09:00:00+08:00")],
    );
    let first = terminal.wait("Question 1 of 2 · 0 of 0 answered right");
    let wrong = shown_question(&first);
    assert!(first.contains("( ) A. true") && first.contains("( ) B. false"), "{first}");

    // The first answered wrongly: the feedback says so in words, with the key.
    terminal.press(b"t");
    terminal.wait("(\u{2022}) A. true");
    terminal.press(b" ");
    let feedback = terminal.wait("In the wrong-answer book: box 1, due again on 2026-03-02.");
    assert!(feedback.contains("✗ Wrong") && feedback.contains("Wrong. The answer is false."), "{feedback}");
    assert!(feedback.contains("Explanation: ") && feedback.contains("Basis: "), "{feedback}");
    assert!(feedback.contains("0 of 1 answered right"), "{feedback}");

    // The second: Enter without a choice asks for one; then it is answered rightly.
    terminal.press(b"\r");
    let second = terminal.wait("Question 2 of 2 · 0 of 1 answered right");
    assert_ne!(shown_question(&second), wrong, "another question");
    terminal.press(b"\r");
    terminal.wait("Choose an answer first");
    terminal.press(b"f\r");
    let right = terminal.wait("Right. The answer is false.");
    assert!(right.contains("1 of 2 answered right"), "{right}");

    // q leaves; the summary is on the normal screen and the wrong answer is in the book.
    terminal.press(b"q");
    let after = terminal.wait("1 of 2 answered right.");
    assert!(!after.contains("Question 2 of 2"), "the full screen is gone: {after}");
    assert!(terminal.child.wait().expect("exit").success());
    let entries = book(d);
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_eq!((entries[0]["id"].as_str(), entries[0]["box"].as_u64()), (Some(wrong), Some(1)));
    assert_eq!(entries[0]["due"], "2026-03-02");
}

#[test]
fn progress_by_department_counts_who_practised_in_the_last_days_and_credit_reaches_the_hours() {
    let dir = workspace();
    let d = dir.path();
    let roster = "工号,姓名,部门,状态,离职日期\nA1,王一,局/办公室,,\nB1,李二,局/办公室,,\nC1,张三,局/法制科,,\nD1,赵四,局/法制科,离职,2026-02-20\n";
    std::fs::write(d.join("roster.csv"), roster).expect("roster");
    assert_eq!(run_in(d, &["roster", "import", "roster.csv"], &[]).code, 0);
    // A1 on 1 March (both questions, one twice), C1 on 15 January, D1 before leaving.
    assert_eq!(
        practise(d, &["--employee", "A1", "--count", "2"], "对\n错\n", "2026-03-01T09:00:00+08:00").code,
        0
    );
    assert_eq!(
        practise(d, &["--employee", "A1", "--count", "1"], "错\n", "2026-03-01T10:00:00+08:00").code,
        0
    );
    assert_eq!(
        practise(d, &["--employee", "C1", "--count", "1"], "错\n", "2026-01-15T09:00:00+08:00").code,
        0
    );
    assert_eq!(
        practise(d, &["--employee", "D1", "--count", "1"], "错\n", "2026-02-10T09:00:00+08:00").code,
        0
    );
    let by = |extra: &[&str]| {
        let mut args = vec!["practice", "progress", "--format", "json"];
        args.extend_from_slice(extra);
        let out = common::command_in(d, &args, &[("XUEFA_NOW", "2026-03-02T10:00:00+08:00")])
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice::<Value>(&out.stdout).expect("json")
    };
    let last_30 = by(&["--by", "department"]);
    assert_eq!((last_30["from"].as_str(), last_30["to"].as_str()), (Some("2026-02-01"), Some("2026-03-02")));
    assert_eq!(
        last_30["departments"],
        serde_json::json!([
            {"department": "局/办公室", "people": 2, "practised": 1, "share": 0.5, "answered": 3, "right": 2, "accuracy": 2.0 / 3.0},
            {"department": "局/法制科", "people": 1, "practised": 0, "share": 0.0, "answered": 0, "right": 0, "accuracy": null},
        ]),
        "D1 has left and is not counted"
    );
    assert_eq!(
        (last_30["total"]["people"].as_u64(), last_30["total"]["practised"].as_u64()),
        (Some(3), Some(1))
    );
    let last_60 = by(&["--days", "60", "--by", "department:1"]);
    assert_eq!(
        (last_60["departments"][0]["department"].as_str(), last_60["departments"][0]["practised"].as_u64()),
        (Some("局"), Some(2))
    );
    let table = common::command_in(
        d,
        &["--lang", "zh", "practice", "progress", "--by", "department"],
        &[("XUEFA_NOW", "2026-03-02T10:00:00+08:00")],
    )
    .output()
    .expect("runs");
    let table = String::from_utf8_lossy(&table.stdout);
    assert!(table.contains("参与率") && table.contains("50.0 %") && table.contains("合计"), "{table}");
    for usage in [
        &["practice", "progress"][..],
        &["practice", "progress", "--employee", "A1", "--by", "department"],
        &["practice", "progress", "--employee", "A1", "--days", "7"],
        &["practice", "progress", "--by", "department", "--days", "0"],
    ] {
        assert_eq!(run_in(d, usage, &[]).code, 2, "{usage:?}");
    }
    assert_eq!(run_in(d, &["practice", "progress", "--by", "floor"], &[]).code, 1);

    // A database from before the day table gets it from the answers when opened.
    let conn = rusqlite::Connection::open(d.join("xuefa.db")).expect("open");
    conn.execute_batch("DROP TABLE practice_days; DELETE FROM schema_migrations WHERE version = 11;")
        .expect("sql");
    drop(conn);
    assert_eq!(by(&["--by", "department"]), last_30);

    // 15 minutes a question, at most 30 a day: A1 answered two questions on 1 March (one
    // twice): 30 minutes; C1 one on 15 January: 15 minutes. Online self-study has them.
    let config = std::fs::read_to_string(d.join("xuefa.toml")).expect("config");
    std::fs::write(d.join("xuefa.toml"), format!("{config}\n[practice]\ncredit_minutes_per_question = 15\n"))
        .expect("config");
    let report = run_in(d, &["report", "attendance", "--year", "2026", "--format", "json"], &[]);
    assert_eq!(report.code, 0, "{}", report.stderr);
    let report: Value = serde_json::from_str(&report.stdout).expect("json");
    let online = |who: &str| {
        let person = report["people"]
            .as_array()
            .expect("people")
            .iter()
            .find(|p| p["employee"] == who)
            .expect("a person");
        person["hours_by_kind"]["online"].as_f64()
    };
    assert_eq!((online("A1"), online("C1")), (Some(0.5), Some(0.25)));
    std::fs::write(d.join("xuefa.toml"), format!("{config}\n[practice]\ncredit_minutes_per_question = -1\n"))
        .expect("config");
    let bad = run_in(d, &["report", "attendance", "--year", "2026"], &[]);
    assert_eq!(bad.code, 1);
    assert!(
        bad.stderr.contains("xuefa.toml") && bad.stderr.contains("credit_minutes_per_question"),
        "{}",
        bad.stderr
    );
}

#[test]
fn a_line_that_is_not_utf8_is_asked_again_in_plain_practice() {
    let dir = workspace();
    let d = dir.path();
    let out = common::command_in(
        d,
        &["practice", "--employee", "A1", "--count", "1", "--plain"],
        &[("XUEFA_NOW", "2026-03-01T09:00:00+08:00")],
    )
    .stdin(std::process::Stdio::piped())
    .stdout(std::process::Stdio::piped())
    .stderr(std::process::Stdio::piped())
    .spawn()
    .and_then(|mut child| {
        use std::io::Write as _;
        child.stdin.take().expect("stdin").write_all(b"\xb6\xd4\n\xe9\x94\x99\n")?;
        child.wait_with_output()
    })
    .expect("runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("is not an answer to this question"), "{stdout}");
    assert!(stdout.contains("1 of 1 answered right."), "错 in UTF-8 is right: {stdout}");
}
