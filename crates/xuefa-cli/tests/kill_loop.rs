//! Kill loops (issue 20, item 2): `bank import`, `roster import`, `attendance import`,
//! `exam grade`, `exam take --plain` and `xuefa serve` are killed with SIGKILL at random
//! moments of their run, and after every kill the database must pass `PRAGMA
//! integrity_check`, hold exactly the state before or after the command (never a mix), and
//! keep every answer the program acknowledged.
//!
//! `XUEFA_KILLS` sets the number of kills, split between the six commands (24 by default, so
//! `cargo test --workspace` stays quick); `XUEFA_KILL_SEED` the seed of the kill moments, so a
//! failure can be run again. `scripts/kill-loop` runs the full 200 on a release build. Each
//! test prints its tally on a line starting `kill-loop tally:`.

mod common;

use std::collections::{BTreeSet, HashMap};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use common::db::{Dump, check_integrity, dump};
use common::server::{Client, Server};
use common::{command_in, json, root, run_in};
use serde_json::Value;

const NOW: &str = "2026-11-20T09:00:00+08:00";

/// People on the template's roster; the sheets, the sign-ins and the new roster are as large
/// as that, so that each write takes long enough for kills to land inside it.
const PEOPLE: usize = 3000;
/// Answer sheets in the paper exam's file (each person's paper is drawn to grade it).
const SHEETS: usize = 300;
/// Questions in the generated bank.
const QUESTIONS: usize = 4000;
/// The person who sits the exam line by line, and the one who sits it in a browser.
const SITTER: &str = "E02998";
const BROWSER: &str = "E02999";

const EXAM: &str = common::FIFTY_QUESTIONS;

/// The six commands the loop kills, in the order the kills are shared out.
const COMMANDS: [&str; 6] =
    ["bank import", "roster import", "attendance import", "exam grade", "exam take --plain", "serve"];

/// Returns how many kills this command gets of `XUEFA_KILLS`.
fn kills_for(command: &str) -> usize {
    let total: usize = std::env::var("XUEFA_KILLS").ok().and_then(|v| v.parse().ok()).unwrap_or(24);
    let index = COMMANDS.iter().position(|c| *c == command).expect("a command of the loop");
    total / COMMANDS.len() + usize::from(index < total % COMMANDS.len())
}

/// Returns the kill moments' generator for one command: `XUEFA_KILL_SEED` (20 by default)
/// mixed with the command, so each command's moments reproduce on their own.
fn rng_for(command: &str) -> Rng {
    let seed: u64 = std::env::var("XUEFA_KILL_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or(20);
    let index = COMMANDS.iter().position(|c| *c == command).expect("a command of the loop") as u64;
    Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ (index + 1))
}

/// SplitMix64: enough randomness for kill moments, and no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Returns a number in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Returns heads or tails.
    fn coin(&mut self) -> bool {
        self.next() >> 63 == 1
    }

    /// Returns a moment within `length`, uniformly.
    fn within(&mut self, length: Duration) -> Duration {
        length.mul_f64(self.unit())
    }
}

/// The workspace every kill starts from, prepared once per test process.
struct Template {
    dir: PathBuf,
    /// The access code of [`BROWSER`].
    code: String,
    /// The keys of [`SITTER`]'s paper, in paper order, as typed (letters, T or F).
    keys: Vec<String>,
}

/// Returns the template, preparing it on first use.
fn template() -> &'static Template {
    static TEMPLATE: OnceLock<Template> = OnceLock::new();
    TEMPLATE.get_or_init(|| {
        // Kept for the whole process (a static is never dropped), so it lives in cargo's
        // temporary folder for tests, named by the process (a debug and a release run may
        // go on at once); the folders of runs that have ended are removed.
        let base = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
        for entry in std::fs::read_dir(&base).into_iter().flatten().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if let Some(pid) = name.strip_prefix("kill_loop_template-")
                && !Path::new("/proc").join(pid).exists()
            {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
        let dir = base.join(format!("kill_loop_template-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("template folder");
        write_inputs(&dir);
        let run = |args: &[&str]| {
            let out = run_in(&dir, args, &[("XUEFA_NOW", NOW)]);
            assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
            out
        };
        run(&["init", "."]);
        let banks: Vec<String> = std::fs::read_dir(root().join("question-banks"))
            .expect("banks")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "csv"))
            .map(|p| p.display().to_string())
            .collect();
        let mut args = vec!["bank", "import"];
        args.extend(banks.iter().map(String::as_str));
        run(&args);
        run(&["roster", "import", "roster.csv"]);
        run(&["session", "import", "sessions.csv"]);
        run(&["exam", "create", "exam.toml", "--seed", "7"]);
        let issued = run(&["access", "issue", "--employee", BROWSER, "--format", "csv"]);
        let code = issued.stdout.lines().nth(1).and_then(|l| l.split(',').nth(3)).expect("a code").to_owned();
        let paper = json(&run(&["exam", "paper", "main", "--employee", SITTER, "--with-key"]));
        let keys = paper["questions"]
            .as_array()
            .expect("questions")
            .iter()
            .map(|q| q["key"].as_str().expect("key").to_owned())
            .collect();
        assert!(!dir.join("xuefa.db-wal").exists(), "the template's writes are all in its database file");
        Template { dir, code, keys }
    })
}

/// Writes the template's inputs and the files the killed commands read.
fn write_inputs(dir: &Path) {
    let write = |name: &str, text: String| std::fs::write(dir.join(name), text).expect("input file");
    write("exam.toml", EXAM.to_owned());
    let mut roster = String::from("工号,姓名,部门,职务,状态\n");
    for i in 0..PEOPLE {
        let role = if i % 25 == 0 { "领导干部" } else { "" };
        roster.push_str(&format!("E{i:05},员工{i},区政府/科{}/组{},{role},在职\n", i % 40, i % 7));
    }
    write("roster.csv", roster);
    // The new roster moves everyone, adds a sixth more people and marks some as left.
    let mut changed = String::from("工号,姓名,部门,职务,状态\n");
    for i in 0..PEOPLE + PEOPLE / 6 {
        let role = if i % 20 == 0 { "领导干部" } else { "" };
        let status = if i % 50 == 3 { "离职" } else { "在职" };
        changed.push_str(&format!("E{i:05},员工{i},区政府/处{}/组{},{role},{status}\n", i % 30, i % 9));
    }
    write("roster-new.csv", changed);
    let mut sessions = String::from("编号,日期,类型,主题,学时\n");
    for s in 1..=12 {
        sessions.push_str(&format!("S{s},2026-{:02}-10,会前学法,第{s}次学法,2\n", (s - 1) % 11 + 1));
    }
    write("sessions.csv", sessions);
    let mut signin = String::from("编号,工号,状态\n");
    for s in 1..=12 {
        for i in (0..PEOPLE).filter(|i| (i + s) % 5 != 0) {
            signin.push_str(&format!("S{s},E{i:05},出席\n"));
        }
    }
    write("signin.csv", signin);
    let mut bank = String::from("题号,题型,题干,选项A,选项B,选项C,选项D,答案,解析,法律,条款,难度,标签\n");
    for i in 0..QUESTIONS {
        bank.push_str(&format!(
            "G-{i:05},单选,生成的第{i}道题：根据法律规定，下列说法正确的是（　）。,甲{i},乙{i},丙{i},丁{i},B,解析{i},民法典,第{}条,2,生成\n",
            i % 1000 + 1
        ));
    }
    write("generated.csv", bank);
    // A row per answer; the blueprint's sections give every paper the same kinds in order.
    let mut sheet = String::from("工号,题号,答案\n");
    for i in 0..SHEETS {
        for n in 1..=50 {
            let answer = match n {
                1..=25 => ["A", "B", "C", "D"][(i + n) % 4],
                26..=35 => "AB",
                _ => ["√", "×"][(i + n) % 2],
            };
            sheet.push_str(&format!("E{i:05},{n},{answer}\n"));
        }
    }
    write("sheet.csv", sheet);
}

/// Returns a fresh copy of the template's workspace (its settings and database).
fn copy_of_template() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary folder");
    for name in ["xuefa.toml", "xuefa.db"] {
        std::fs::copy(template().dir.join(name), dir.path().join(name)).expect("copy of the template");
    }
    dir
}

/// Where a killed command left the database.
#[derive(Debug, PartialEq)]
enum Landing {
    Before,
    After,
    /// Neither: the tables that differ from both.
    Half(Vec<String>),
}

/// Returns where `state` stands between the states before and after a command.
fn landing(state: &Dump, before: &Dump, after: &Dump) -> Landing {
    if state == before {
        Landing::Before
    } else if state == after {
        Landing::After
    } else {
        let tables: BTreeSet<&String> = state.keys().chain(before.keys()).chain(after.keys()).collect();
        let mut differing: Vec<String> = tables
            .into_iter()
            .filter(|t| state.get(*t) != before.get(*t) && state.get(*t) != after.get(*t))
            .cloned()
            .collect();
        if differing.is_empty() {
            // Each table is as before or as after, but not all of them the same way.
            differing = state.keys().filter(|t| state.get(*t) != before.get(*t)).cloned().collect();
            differing.push("(some tables as before, others as after)".to_owned());
        }
        Landing::Half(differing)
    }
}

/// Returns the size of the WAL a killed process left (frames written, committed or not).
fn wal_size(dir: &Path) -> u64 {
    std::fs::metadata(dir.join("xuefa.db-wal")).map(|m| m.len()).unwrap_or(0)
}

/// Starts `xuefa ARGS` in `dir` at [`NOW`], its output thrown away.
fn spawn(dir: &Path, args: &[&str]) -> Child {
    command_in(dir, args, &[("XUEFA_NOW", NOW)])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("xuefa starts")
}

/// A command's kill tally.
#[derive(Default)]
struct Tally {
    /// Whether the command is a sitting (its answers are counted, not its states).
    sitting: bool,
    kills: usize,
    before: usize,
    /// Of those before: killed with frames in the WAL but no commit, mid-write.
    mid_write: usize,
    /// Sittings killed with some of the answers stored.
    partway: usize,
    after: usize,
    /// Of those after: the command had already ended when the kill came.
    finished: usize,
    corrupt: usize,
    half: usize,
    acknowledged: usize,
    lost: usize,
    /// Answers stored that are not the ones sent.
    wrong: usize,
    failures: Vec<String>,
}

impl Tally {
    fn report(&self, command: &str, took: Duration) {
        let landed = if self.sitting {
            format!(
                "{} before any answer, {} part-way, {} after the last; {} corrupt, {} answers acknowledged, \
                 {} lost, {} stored that were not typed",
                self.before, self.partway, self.after, self.corrupt, self.acknowledged, self.lost, self.wrong
            )
        } else {
            format!(
                "{} before ({} mid-write), {} after ({} had ended); {} corrupt, {} half",
                self.before, self.mid_write, self.after, self.finished, self.corrupt, self.half
            )
        };
        println!("kill-loop tally: {command}: {} kills: {landed}; {:.1} s", self.kills, took.as_secs_f64());
        assert!(
            self.failures.is_empty(),
            "{command}: {} of {} kills went wrong:\n{}",
            self.failures.len(),
            self.kills,
            self.failures.join("\n")
        );
    }
}

/// When a run of a command began to write: the first frames in the WAL (the command reads
/// and checks its whole file first, then writes it in one transaction).
fn wait_for_writing(dir: &Path, child: &mut Child) -> Instant {
    while wal_size(dir) == 0 && matches!(child.try_wait(), Ok(None)) {
        std::thread::sleep(Duration::from_micros(200));
    }
    Instant::now()
}

/// Kills an all-or-nothing command at random moments: every kill must leave a sound
/// database holding the state before the command or the state after it.
///
/// Half the kills come at a moment drawn over the whole run; the other half at a moment
/// drawn over its writing, counted from the first frames in the WAL, so that kills land
/// mid-write however loaded the machine is.
fn kill_loop(command: &str, args: &[&str]) {
    let started = Instant::now();
    // The files a command reads are the template's.
    let args: Vec<String> =
        args.iter()
            .map(|a| {
                if a.ends_with(".csv") {
                    template().dir.join(a).display().to_string()
                } else {
                    (*a).to_owned()
                }
            })
            .collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let before = dump(&check_integrity(&template().dir.join("xuefa.db")).1);

    // The state after, and how long an uninterrupted run takes and writes.
    let reference = copy_of_template();
    let timer = Instant::now();
    let mut child = spawn(reference.path(), &args);
    let writing = wait_for_writing(reference.path(), &mut child);
    let status = child.wait().expect("the command ends");
    let length = timer.elapsed();
    let write_length = writing.elapsed();
    assert!(status.success(), "{command} succeeds uninterrupted");
    let after = dump(&check_integrity(&reference.path().join("xuefa.db")).1);
    assert_ne!(before, after, "{command} changes the database");

    let mut rng = rng_for(command);
    let mut tally = Tally::default();
    for kill in 0..kills_for(command) {
        let dir = copy_of_template();
        let d = dir.path();
        let mut child = spawn(d, &args);
        let at = if rng.coin() {
            let moment = rng.within(length);
            std::thread::sleep(moment);
            format!("kill {kill}, {moment:?} into a run of {length:?}")
        } else {
            wait_for_writing(d, &mut child);
            let moment = rng.within(write_length);
            std::thread::sleep(moment);
            format!("kill {kill}, {moment:?} into writing that takes {write_length:?}")
        };
        let ended = matches!(child.try_wait(), Ok(Some(_)));
        child.kill().expect("SIGKILL");
        child.wait().expect("reaped");
        tally.kills += 1;
        let wal = wal_size(d);
        let (findings, db) = check_integrity(&d.join("xuefa.db"));
        if !findings.is_empty() {
            tally.corrupt += 1;
            tally.failures.push(format!("{at}: the database is damaged: {findings:?}"));
            continue;
        }
        match landing(&dump(&db), &before, &after) {
            Landing::Before => {
                tally.before += 1;
                tally.mid_write += usize::from(wal > 0);
            }
            Landing::After => {
                tally.after += 1;
                tally.finished += usize::from(ended);
            }
            Landing::Half(tables) => {
                tally.half += 1;
                tally.failures.push(format!("{at}: neither before nor after in {tables:?}"));
            }
        }
    }
    tally.report(command, started.elapsed());
}

#[test]
fn killed_bank_imports_leave_the_bank_as_before_or_after() {
    kill_loop("bank import", &["bank", "import", "generated.csv"]);
}

#[test]
fn killed_roster_imports_leave_the_roster_as_before_or_after() {
    kill_loop("roster import", &["roster", "import", "roster-new.csv"]);
}

#[test]
fn killed_attendance_imports_leave_the_attendance_as_before_or_after() {
    kill_loop("attendance import", &["attendance", "import", "signin.csv"]);
}

#[test]
fn killed_gradings_leave_the_attempts_as_before_or_after() {
    kill_loop("exam grade", &["exam", "grade", "main", "sheet.csv"]);
}

/// The comparison the loops rely on catches a half import: a database with one table of
/// the import's and the rest as before is neither.
#[test]
fn a_database_half_imported_is_caught() {
    let dir = copy_of_template();
    let d = dir.path();
    let before = dump(&check_integrity(&d.join("xuefa.db")).1);
    let reference = copy_of_template();
    let roster = template().dir.join("roster-new.csv").display().to_string();
    assert_eq!(run_in(reference.path(), &["roster", "import", &roster], &[("XUEFA_NOW", NOW)]).code, 0);
    let after = dump(&check_integrity(&reference.path().join("xuefa.db")).1);

    let db = rusqlite::Connection::open(d.join("xuefa.db")).expect("database");
    db.execute("ATTACH DATABASE ?1 AS done", [reference.path().join("xuefa.db").display().to_string()])
        .expect("attach");
    db.execute_batch("DELETE FROM main.imports; INSERT INTO main.imports SELECT * FROM done.imports;")
        .expect("one table of the import");
    assert_eq!(
        landing(&dump(&db), &before, &after),
        Landing::Half(vec!["imports".to_owned(), "(some tables as before, others as after)".to_owned()])
    );
    db.execute_batch(
        "UPDATE main.people SET name = name || '二' WHERE id = (SELECT MIN(id) FROM main.people)",
    )
    .expect("a row changed");
    let Landing::Half(tables) = landing(&dump(&db), &before, &after) else { panic!("a mix is not a state") };
    assert!(tables.contains(&"people".to_owned()), "{tables:?}");
    assert_eq!(landing(&before, &before, &after), Landing::Before);
    assert_eq!(landing(&after, &before, &after), Landing::After);
}

/// `exam take --plain` answered as a person would, the next answer typed when the last one
/// is acknowledged ("Saved: question N"); returns the process and the numbers of the
/// questions acknowledged so far. After the last answer, stdin is closed and the sitting ends.
fn sit(dir: &Path) -> (Child, Arc<Mutex<Vec<usize>>>, std::thread::JoinHandle<()>) {
    let mut child =
        command_in(dir, &["exam", "take", "main", "--employee", SITTER, "--plain"], &[("XUEFA_NOW", NOW)])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the sitting starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut stdin = Some(child.stdin.take().expect("stdin"));
    let acknowledged = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&acknowledged);
    let reader = std::thread::spawn(move || {
        let keys = &template().keys;
        let type_answer = |stdin: &mut Option<std::process::ChildStdin>, index: usize| match keys.get(index) {
            // A killed sitting cannot read it: that is no failure here.
            Some(key) => {
                let _ = stdin.as_mut().map(|s| writeln!(s, "{key}"));
            }
            None => *stdin = None,
        };
        type_answer(&mut stdin, 0);
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(rest) = line.split("Saved: question ").nth(1) {
                let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
                let number: usize = digits.parse().expect("a question number");
                seen.lock().expect("acknowledged").push(number);
                type_answer(&mut stdin, number);
            }
        }
    });
    (child, acknowledged, reader)
}

/// Returns when the sitting acknowledged its first answer (or ended).
fn wait_for_answers(acknowledged: &Mutex<Vec<usize>>, child: &mut Child) -> Instant {
    while acknowledged.lock().expect("acknowledged").is_empty() && matches!(child.try_wait(), Ok(None)) {
        std::thread::sleep(Duration::from_micros(200));
    }
    Instant::now()
}

/// Returns the stored answers of one person's first attempt, by question index.
fn stored_answers(db: &rusqlite::Connection, employee: &str) -> HashMap<usize, Option<String>> {
    db.prepare(
        "SELECT r.question_index, r.response FROM responses r JOIN attempts a ON a.id = r.attempt_id \
         WHERE a.employee_id = ?1 AND a.attempt = 1",
    )
    .and_then(|mut s| {
        s.query_map([employee], |row| Ok((row.get::<_, i64>(0)? as usize, row.get(1)?)))?.collect()
    })
    .expect("the answers")
}

#[test]
fn killed_sittings_keep_every_acknowledged_answer() {
    let command = "exam take --plain";
    let started = Instant::now();
    let questions = template().keys.len();

    // The answers as stored by a sitting that runs to the end, and how long it takes: the
    // shortest of three runs, as a sitting takes only milliseconds and one slow start would
    // put most kills after its end.
    let mut expected = HashMap::new();
    let (mut length, mut answer_length) = (Duration::MAX, Duration::MAX);
    for _ in 0..3 {
        let reference = copy_of_template();
        let timer = Instant::now();
        let (mut child, acknowledged, reader) = sit(reference.path());
        let answering = wait_for_answers(&acknowledged, &mut child);
        assert!(child.wait().expect("the sitting ends").success());
        length = length.min(timer.elapsed());
        answer_length = answer_length.min(answering.elapsed());
        reader.join().expect("reader");
        assert_eq!(acknowledged.lock().expect("acknowledged").len(), questions, "every answer acknowledged");
        let (findings, db) = check_integrity(&reference.path().join("xuefa.db"));
        assert!(findings.is_empty(), "{findings:?}");
        expected = stored_answers(&db, SITTER);
        assert_eq!(expected.len(), questions);
    }

    let mut rng = rng_for(command);
    let mut tally = Tally { sitting: true, ..Tally::default() };
    for kill in 0..kills_for(command) {
        let dir = copy_of_template();
        let d = dir.path();
        let (mut child, acknowledged, reader) = sit(d);
        // As for the imports: half the kills over the whole run, half over the answering.
        let at = if rng.coin() {
            let moment = rng.within(length);
            std::thread::sleep(moment);
            format!("kill {kill}, {moment:?} into a sitting of {length:?}")
        } else {
            wait_for_answers(&acknowledged, &mut child);
            let moment = rng.within(answer_length);
            std::thread::sleep(moment);
            format!("kill {kill}, {moment:?} into answering that takes {answer_length:?}")
        };
        child.kill().expect("SIGKILL");
        child.wait().expect("reaped");
        reader.join().expect("reader");
        tally.kills += 1;
        let (findings, db) = check_integrity(&d.join("xuefa.db"));
        if !findings.is_empty() {
            tally.corrupt += 1;
            tally.failures.push(format!("{at}: the database is damaged: {findings:?}"));
            continue;
        }
        let stored = stored_answers(&db, SITTER);
        let acknowledged = acknowledged.lock().expect("acknowledged").clone();
        tally.acknowledged += acknowledged.len();
        for number in &acknowledged {
            if stored.get(&(number - 1)) != expected.get(&(number - 1)) {
                tally.lost += 1;
                tally.failures.push(format!(
                    "{at}: question {number} was acknowledged, stored {:?}",
                    stored.get(&(number - 1))
                ));
            }
        }
        // What was stored and not yet acknowledged is still what was typed.
        for (index, answer) in &stored {
            if expected.get(index) != Some(answer) {
                tally.wrong += 1;
                tally.failures.push(format!("{at}: question {} holds {answer:?}", index + 1));
            }
        }
        match stored.len() {
            0 => tally.before += 1,
            n if n == questions => tally.after += 1,
            _ => tally.partway += 1,
        }
    }
    tally.report(command, started.elapsed());
}

/// An answer for a question of the browser's paper, in its letters.
fn browser_answer(question: &Value) -> &'static str {
    let number = question["number"].as_u64().expect("number") as usize;
    match question["kind"].as_str() {
        Some("judge") => ["T", "F"][number % 2],
        Some("multiple") => ["AB", "BC", "ACD"][number % 3],
        _ => ["A", "B", "C", "D"][number % 4],
    }
}

/// Signs in as [`BROWSER`], starts the attempt and sends every answer from two connections
/// at once; returns the signed-in client, the attempt, the paper and the answers the server
/// acknowledged with 200 (each sender stops at its first failure: the server is gone).
type Sent = Arc<Mutex<Vec<(u64, &'static str)>>>;

fn answer_in_browser(
    server: &Server,
) -> (Client, i64, Value, Sent, Vec<std::thread::JoinHandle<Vec<String>>>) {
    let mut client = server.client();
    client.login(BROWSER, &template().code);
    let paper = client.post("/api/v1/exams/main/attempts", "{}").json();
    let attempt = paper["attempt"].as_i64().expect("attempt");
    let acknowledged: Sent = Arc::new(Mutex::new(Vec::new()));
    let questions = paper["questions"].as_array().expect("questions").clone();
    let senders = (0..2)
        .map(|lane| {
            let mut client = client.clone();
            let acknowledged = Arc::clone(&acknowledged);
            let mine: Vec<Value> = questions.iter().skip(lane).step_by(2).cloned().collect();
            std::thread::spawn(move || {
                let mut refused = Vec::new();
                for question in mine {
                    let number = question["number"].as_u64().expect("number");
                    let answer = browser_answer(&question);
                    let body = serde_json::json!({ "answer": answer }).to_string();
                    let path = format!("/api/v1/exams/main/attempts/{attempt}/answers/{number}");
                    match client.try_send("PUT", &path, Some(&body), &[]) {
                        Ok(response) if response.status == 200 => {
                            acknowledged.lock().expect("acknowledged").push((number, answer));
                        }
                        Ok(response) => {
                            refused.push(format!("{number}: {} {}", response.status, response.body))
                        }
                        Err(_) => break,
                    }
                }
                refused
            })
        })
        .collect();
    (client, attempt, paper, acknowledged, senders)
}

#[test]
fn a_killed_server_keeps_every_acknowledged_answer() {
    let command = "serve";
    let started = Instant::now();

    // How long the answers take when nothing stops them.
    let reference = copy_of_template();
    let server = Server::start(reference.path(), NOW);
    let timer = Instant::now();
    let (_, _, paper, acknowledged, senders) = answer_in_browser(&server);
    for sender in senders {
        assert_eq!(sender.join().expect("sender"), Vec::<String>::new(), "every answer is taken");
    }
    let length = timer.elapsed();
    let questions = paper["questions"].as_array().expect("questions").len();
    assert_eq!(acknowledged.lock().expect("acknowledged").len(), questions);
    drop(server);

    let mut rng = rng_for(command);
    let mut tally = Tally { sitting: true, ..Tally::default() };
    for kill in 0..kills_for(command) {
        let dir = copy_of_template();
        let d = dir.path();
        let mut server = Server::start(d, NOW);
        let moment = rng.within(length);
        let (client, attempt, _, acknowledged, senders) = answer_in_browser(&server);
        std::thread::sleep(moment);
        // SIGKILL from this thread while the senders' requests are in flight.
        server.kill();
        let mut refused = Vec::new();
        for sender in senders {
            refused.extend(sender.join().expect("sender"));
        }
        tally.kills += 1;
        let at = format!("kill {kill}, {moment:?} into answering that takes {length:?}");
        for problem in refused {
            tally.failures.push(format!("{at}: an answer was refused: {problem}"));
        }
        let (findings, db) = check_integrity(&d.join("xuefa.db"));
        drop(db);
        if !findings.is_empty() {
            tally.corrupt += 1;
            tally.failures.push(format!("{at}: the database is damaged: {findings:?}"));
            continue;
        }
        // Started again, the server gives the person back every answer it acknowledged, and
        // no answer that was not sent.
        let restarted = Server::start(d, NOW);
        let mut again = restarted.client();
        again.cookie = client.cookie.clone();
        let resumed = again.post("/api/v1/exams/main/attempts", "{}").json();
        assert_eq!(resumed["attempt"], attempt, "{at}: the same attempt");
        let acknowledged = acknowledged.lock().expect("acknowledged").clone();
        tally.acknowledged += acknowledged.len();
        let shown: HashMap<u64, Value> = resumed["questions"]
            .as_array()
            .expect("questions")
            .iter()
            .map(|q| (q["number"].as_u64().expect("number"), q["answer"].clone()))
            .collect();
        for (number, answer) in &acknowledged {
            if shown.get(number) != Some(&Value::from(*answer)) {
                tally.lost += 1;
                tally
                    .failures
                    .push(format!("{at}: question {number} was acknowledged, shows {:?}", shown.get(number)));
            }
        }
        let sent: HashMap<u64, &str> = resumed["questions"]
            .as_array()
            .expect("questions")
            .iter()
            .map(|q| (q["number"].as_u64().expect("number"), browser_answer(q)))
            .collect();
        for (number, answer) in &shown {
            if !answer.is_null() && answer != &Value::from(sent[number]) {
                tally.wrong += 1;
                tally.failures.push(format!("{at}: question {number} shows {answer}, never sent"));
            }
        }
        match shown.values().filter(|a| !a.is_null()).count() {
            0 => tally.before += 1,
            n if n == questions => tally.after += 1,
            _ => tally.partway += 1,
        }
    }
    tally.report(command, started.elapsed());
}
