//! How a web service keeps a sitting between requests: the whole state of a sitting is a
//! plain value that serialises to JSON and back, so any session store (Redis, a database
//! row, a signed cookie) can hold it. Uses only xuefa-core.
//!
//! `cargo run -p xuefa-core --example web_session`

use std::collections::HashSet;

use xuefa_core::exam::{ExamSpec, Pool, PoolQuestion, Response, Sitting, draw_paper};
use xuefa_core::{Answer, Bank, ReadOptions, Timestamp};

const BANK: &str = "题号,题型,题干,选项A,选项B,选项C,选项D,答案,法律,条款
1,单选,向人民法院请求保护民事权利的诉讼时效期间为几年？,一,二,三,四,C,民法典,第一百八十八条
2,单选,八周岁以上的未成年人为？,无民事行为能力人,限制民事行为能力人,完全民事行为能力人,法人,B,民法典,第十九条
3,判断,宪法是国家的根本法。,,,,,对,宪法,序言
4,判断,行政复议申请期限为三十日。,,,,,错,行政复议法,第二十条
";

const SPEC: &str = r#"
id = "web"
title = "在线学法考试"
year = 2026
duration_minutes = 30
pass_mark = 3
[[sections]]
kind = "single"
count = 2
points = 1
[[sections]]
kind = "judge"
count = 2
points = 1
"#;

fn right(answer: Answer) -> Response {
    match answer {
        Answer::Choice(letters) => Response::Choice(letters),
        Answer::Judge(truth) => Response::Judge(truth),
        _ => Response::Judge(true),
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let bank = Bank::read("bank.csv", BANK.as_bytes(), &ReadOptions::new());
    let pool =
        Pool::new(bank.bank.into_questions().into_iter().map(|q| PoolQuestion::new("bank", 1, q)).collect());
    let spec = ExamSpec::from_toml(SPEC).map_err(|problems| format!("{problems:?}"))?;

    // Request 1: the employee starts; the service stores the sitting and sends question 1.
    let start: Timestamp = "2026-11-20T01:00:00Z".parse()?;
    let paper = draw_paper(&spec, &pool, 7, "A001", 1, &HashSet::new())?;
    let deadline =
        start.checked_add(std::time::Duration::from_secs(60 * u64::from(spec.duration_minutes)))?;
    let sitting = Sitting::new(paper, spec.grading(), deadline);
    let mut stored = serde_json::to_string(&sitting)?;
    println!("stored a new sitting: {} bytes of JSON", stored.len());

    // Requests 2–4: each restores the sitting, applies one answer and stores it again.
    for (index, minute) in [(0, 2), (1, 5), (2, 7)] {
        let mut sitting: Sitting = serde_json::from_str(&stored)?;
        let now = start.checked_add(std::time::Duration::from_secs(60 * minute))?;
        let key = sitting.paper().questions[index].key;
        sitting.answer(index, right(key), now)?;
        println!(
            "answered question {} at minute {minute}; {} s left",
            index + 1,
            sitting.remaining_seconds(now)
        );
        stored = serde_json::to_string(&sitting)?;
    }

    // Request 5: submit. The result is the same whichever server restored the sitting.
    let mut sitting: Sitting = serde_json::from_str(&stored)?;
    let outcome = sitting.submit().clone();
    println!("unanswered: {:?}", sitting.unanswered().iter().map(|i| i + 1).collect::<Vec<_>>());
    println!(
        "score {} of {}: {} ({})",
        outcome.score.total,
        outcome.score.max,
        if outcome.passed { "passed" } else { "not passed" },
        outcome.band
    );
    assert_eq!(outcome.score.total, 3.0);
    Ok(())
}
