//! Two `xuefa serve` processes on one PostgreSQL database take an exam day, as two servers
//! behind a load balancer would: each person signs in on one, and when it is gone the
//! person goes on on the other with the same session. Half-way through, one server is
//! killed with SIGKILL and started again. Afterwards the database holds every answer a
//! server acknowledged, every submission it acknowledged, and one attempt per person.
//!
//! `XUEFA_TEST_SITTINGS` sets how many people sit (200 by default; the issue's run is 2,000).
//! Skipped, saying so, when no PostgreSQL server answers (see `xuefa_store::testing`).

mod common;

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::server::{Client, Server};
use common::{root, run_in};
use serde_json::{Value, json};

const NOW: &str = "2026-06-01T01:00:00Z";

const SPEC: &str = r#"id = "day"
title = "考试日"
year = 2026
duration_minutes = 60
pass_mark = 60
attempts = 1
shuffle_options = false

[[sections]]
kind = "single"
count = 6
points = 10

[[sections]]
kind = "judge"
count = 4
points = 10
"#;

/// What the servers acknowledged.
#[derive(Default)]
struct Acknowledged {
    /// (employee, attempt, question number, answer) answered with 200.
    answers: Vec<(String, i64, u64, String)>,
    /// Employees whose submission was answered with 200.
    submitted: HashSet<String>,
    /// Every attempt id a start gave each employee.
    attempts: HashMap<String, HashSet<i64>>,
    /// Requests the servers refused (not a lost connection).
    refused: Vec<String>,
    /// Requests that went over to the other server because theirs was gone.
    switched: usize,
}

/// The two servers' ports, as a load balancer knows them.
type Ports = Arc<Mutex<[u16; 2]>>;

/// Sends a request to server `side`, going over to the other while one is gone (the
/// session is in the database, so it holds there too). `None` when neither answers.
fn send(
    client: &mut Client,
    ports: &Ports,
    side: &mut usize,
    seen: &Mutex<Acknowledged>,
    (method, path, body): (&str, &str, Option<&str>),
) -> Option<common::server::Response> {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        client.port = ports.lock().expect("ports")[*side];
        match client.try_send(method, path, body, &[]) {
            Ok(response) => return Some(response),
            Err(_) => {
                seen.lock().expect("seen").switched += 1;
                *side = 1 - *side;
                std::thread::sleep(Duration::from_millis(20));
            }
        }
    }
    None
}

fn answer_for(question: &Value) -> String {
    let number = question["number"].as_u64().expect("number") as usize;
    match question["kind"].as_str() {
        Some("judge") => ["T", "F"][number % 2].to_owned(),
        _ => ["A", "B", "C", "D"][number % 4].to_owned(),
    }
}

/// One person's sitting from sign-in to submission.
fn sit(employee: &str, code: &str, ports: &Ports, mut side: usize, seen: &Mutex<Acknowledged>) {
    let mut client = Client { port: 0, cookie: None, lang: None };
    let login = json!({ "employee": employee, "code": code }).to_string();
    let refuse = |what: String| seen.lock().expect("seen").refused.push(format!("{employee}: {what}"));
    match send(&mut client, ports, &mut side, seen, ("POST", "/api/v1/login", Some(&login))) {
        Some(r) if r.status == 200 => {}
        other => return refuse(format!("sign-in {:?}", other.map(|r| (r.status, r.body)))),
    }
    let mut paper = Value::Null;
    for _ in 0..3 {
        match send(&mut client, ports, &mut side, seen, ("POST", "/api/v1/exams/day/attempts", Some("{}"))) {
            Some(r) if r.status == 200 || r.status == 201 => {
                paper = r.json();
                break;
            }
            Some(r) => return refuse(format!("start {} {}", r.status, r.body)),
            None => {}
        }
    }
    let Some(attempt) = paper["attempt"].as_i64() else { return refuse("no paper".into()) };
    seen.lock().expect("seen").attempts.entry(employee.to_owned()).or_default().insert(attempt);
    for question in paper["questions"].as_array().expect("questions") {
        let number = question["number"].as_u64().expect("number");
        let answer = answer_for(question);
        let body = json!({ "answer": answer }).to_string();
        let path = format!("/api/v1/exams/day/attempts/{attempt}/answers/{number}");
        match send(&mut client, ports, &mut side, seen, ("PUT", &path, Some(&body))) {
            Some(r) if r.status == 200 => {
                seen.lock().expect("seen").answers.push((employee.to_owned(), attempt, number, answer))
            }
            Some(r) => refuse(format!("answer {number}: {} {}", r.status, r.body)),
            None => refuse(format!("answer {number}: no server answered")),
        }
    }
    let path = format!("/api/v1/exams/day/attempts/{attempt}/submit");
    match send(&mut client, ports, &mut side, seen, ("POST", &path, Some("{}"))) {
        Some(r) if r.status == 200 => {
            seen.lock().expect("seen").submitted.insert(employee.to_owned());
        }
        // Sent again after the server that took it died before answering: already taken.
        Some(r) if r.status == 409 => {}
        Some(r) => refuse(format!("submit {} {}", r.status, r.body)),
        None => refuse("submit: no server answered".into()),
    }
}

#[test]
fn two_servers_on_one_database_keep_every_acknowledged_answer_when_one_is_killed() {
    let Some(scratch) = xuefa_store::testing::postgres("two_servers_on_one_database") else { return };
    let url = scratch.target.url.clone();
    let people: usize = std::env::var("XUEFA_TEST_SITTINGS").ok().and_then(|n| n.parse().ok()).unwrap_or(200);
    let dir = tempfile::tempdir().expect("folder");
    let office = dir.path().join("office");
    let env = [("XUEFA_NOW", NOW), ("XUEFA_DATABASE_URL", url.as_str())];
    let run = |args: &[&str]| {
        let out = run_in(if args[0] == "init" { dir.path() } else { &office }, args, &env);
        assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
        out
    };
    run(&["init", "office", "--database", &url]);
    let bank = root().join("question-banks/宪法.csv");
    run(&["bank", "import", bank.to_str().expect("path")]);
    let mut roster = String::from("工号,姓名,部门\n");
    for i in 0..people {
        roster.push_str(&format!("P{i:05},人{i},局/科{}\n", i % 10));
    }
    std::fs::write(office.join("roster.csv"), roster).expect("roster");
    run(&["roster", "import", "roster.csv"]);
    std::fs::write(office.join("day.toml"), SPEC).expect("exam");
    run(&["exam", "create", "day.toml", "--seed", "7"]);
    let issued = run(&["access", "issue", "--format", "csv"]);
    let codes: Vec<(String, String)> = issued
        .stdout
        .lines()
        .skip(1)
        .map(|line| {
            let fields: Vec<&str> = line.split(',').collect();
            (fields[0].to_owned(), fields[3].to_owned())
        })
        .collect();
    assert_eq!(codes.len(), people, "{}", issued.stdout);

    let servers = [Server::start_in(&office, NOW, &[], &env), Server::start_in(&office, NOW, &[], &env)];
    let ports: Ports = Arc::new(Mutex::new([servers[0].port, servers[1].port]));
    let [mut first, second] = servers;
    let seen = Arc::new(Mutex::new(Acknowledged::default()));
    let next = Arc::new(AtomicUsize::new(0));
    let done = Arc::new(AtomicUsize::new(0));
    let codes = Arc::new(codes);
    let sitters: Vec<_> = (0..8)
        .map(|_| {
            let (ports, seen, next, done, codes) = (
                Arc::clone(&ports),
                Arc::clone(&seen),
                Arc::clone(&next),
                Arc::clone(&done),
                Arc::clone(&codes),
            );
            std::thread::spawn(move || {
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some((employee, code)) = codes.get(i) else { break };
                    sit(employee, code, &ports, i % 2, &seen);
                    done.fetch_add(1, Ordering::SeqCst);
                }
            })
        })
        .collect();
    // Half-way through the day, the first server dies and is started again.
    while done.load(Ordering::SeqCst) < people / 2 {
        std::thread::sleep(Duration::from_millis(10));
    }
    first.kill();
    std::thread::sleep(Duration::from_millis(300));
    let restarted = Server::start_in(&office, NOW, &[], &env);
    ports.lock().expect("ports")[0] = restarted.port;
    for sitter in sitters {
        sitter.join().expect("a sitter");
    }
    drop((restarted, second));

    let seen = seen.lock().expect("seen");
    assert!(seen.switched > 0, "the kill reached no sitting: nothing was tested");
    eprintln!("{people} sittings, {} requests went over to the other server", seen.switched);
    assert!(seen.refused.is_empty(), "refused: {:?}", &seen.refused[..seen.refused.len().min(10)]);
    let mut db = postgres::Client::connect(&url, postgres::NoTls).expect("connect");
    // One attempt per person, whichever server started it, however often it was asked.
    let twice = db
        .query("SELECT employee_id FROM attempts GROUP BY exam_id, employee_id HAVING COUNT(*) > 1", &[])
        .expect("attempts");
    assert!(twice.is_empty(), "{} people have two attempts", twice.len());
    for (employee, attempts) in &seen.attempts {
        assert_eq!(attempts.len(), 1, "{employee} was given {attempts:?}");
    }
    // Every acknowledged answer is stored as it was given.
    let stored: HashMap<(i64, i64), Option<String>> = db
        .query("SELECT attempt_id, question_index, response FROM responses", &[])
        .expect("responses")
        .iter()
        .map(|row| ((row.get(0), row.get(1)), row.get(2)))
        .collect();
    let mut lost = Vec::new();
    for (employee, attempt, number, answer) in &seen.answers {
        let index = *number as i64 - 1;
        if stored.get(&(*attempt, index)) != Some(&Some(answer.clone())) {
            lost.push(format!(
                "{employee} {number}: sent {answer}, stored {:?}",
                stored.get(&(*attempt, index))
            ));
        }
    }
    assert!(lost.is_empty(), "{} acknowledged answers lost: {:?}", lost.len(), &lost[..lost.len().min(10)]);
    assert_eq!(seen.answers.len(), people * 10, "every answer was acknowledged");
    // Every person submitted once, and every acknowledged submission is stored.
    let submitted: HashSet<String> = db
        .query("SELECT employee_id FROM attempts WHERE submitted_at IS NOT NULL", &[])
        .expect("submitted")
        .iter()
        .map(|row| row.get(0))
        .collect();
    assert!(seen.submitted.is_subset(&submitted), "an acknowledged submission is not stored");
    assert_eq!(submitted.len(), people, "everyone's attempt is submitted");
    let ledger: i64 = db.query_one("SELECT COUNT(*) FROM ledger", &[]).expect("ledger").get(0);
    assert_eq!(ledger as usize, people, "one ledger link per submission");
}
