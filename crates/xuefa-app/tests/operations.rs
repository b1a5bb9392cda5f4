//! The office's operations at the engine layer, without a front end: each scenario is a
//! function generic over the store ([`xuefa_app::Backend`]) and runs against every backend
//! `on_every_backend!` gives it: SQLite, then PostgreSQL in a scratch schema of its own (said
//! to be skipped when no PostgreSQL server answers).

use std::collections::HashMap;

use jiff::Timestamp;
use xuefa_app::i18n::Tr;
use xuefa_app::report::annual::{self, AnnualOptions};
use xuefa_app::{AppError, Backend, create, exam, import, report, sitting, study};
use xuefa_core::exam::Response;
use xuefa_core::{Lang, ReadOptions};
use xuefa_store::{Config, Mode, PgStore, SqliteStore};

const NOW: &str = "2026-11-20T01:00:00Z";

const BANK: &str = "题号,题型,题干,选项A,选项B,选项C,选项D,答案,法律,条款\n\
S1,单选,宪法是国家的（　）。,根本法,基本法,普通法,特别法,A,宪法,序言\n\
S2,单选,国家实行（　）。,依法治国,以德治国,以文化人,以人为本,A,宪法,第五条\n\
J1,判断,宪法是国家的根本法。,,,,,对,宪法,序言\n\
J2,判断,行政复议期间行政行为一律停止执行。,,,,,错,行政复议法,第四十二条\n";

const ROSTER: &str = "工号,姓名,部门\nA1,甲一,局/甲科\nA2,甲二,局/甲科\nB1,乙一,局/乙科\n";

const SPEC: &str = "id = \"t\"\ntitle = \"测试\"\nyear = 2026\nduration_minutes = 30\npass_mark = 50\n\
attempts = 2\n[[sections]]\nkind = \"single\"\ncount = 2\npoints = 25\n[[sections]]\nkind = \"judge\"\n\
count = 2\npoints = 25\n";

fn now() -> Timestamp {
    NOW.parse().expect("time")
}

fn tr() -> Tr {
    Tr::new(Lang::En)
}

/// Runs a scenario against every backend the engine runs on, each a fresh, empty store,
/// with a way to open another connection to it (a sitting owns its connection, as a
/// server's request would). A second backend is one more call here.
macro_rules! on_every_backend {
    ($scenario:ident) => {{
        let dir = tempfile::tempdir().expect("folder");
        let path = dir.path().join("xuefa.db");
        let mut store = SqliteStore::open(&path).expect("SQLite store");
        let connect = || SqliteStore::open(&path).expect("another connection");
        $scenario("sqlite", &connect, &mut store);
        if let Some(scratch) = xuefa_store::testing::postgres(stringify!($scenario)) {
            let mut store = PgStore::open(&scratch.target).expect("PostgreSQL store");
            let connect = || PgStore::open(&scratch.target).expect("another connection");
            $scenario("postgres", &connect, &mut store);
        }
    }};
}

fn office<S: Backend>(store: &mut S) {
    let options = ReadOptions::new();
    let loaded =
        import::load_banks(&[("宪法".into(), vec![("宪法.csv".into(), BANK.as_bytes().to_vec())])], &options);
    import::import_banks(store, &loaded, now(), &mut |_, _| {}).expect("bank");
    import::import_roster(store, "roster.csv", ROSTER.as_bytes(), &options, now(), &mut |_| {})
        .expect("roster");
    create::create_exam(store, SPEC, 7, now(), &tr()).expect("exam");
}

#[test]
fn a_bank_with_a_problem_is_refused_whole_and_nothing_is_stored() {
    on_every_backend!(a_bank_with_a_problem_is_refused_whole_and_nothing_is_stored_on);
}

fn a_bank_with_a_problem_is_refused_whole_and_nothing_is_stored_on<S: Backend>(
    name: &str,
    connect: &dyn Fn() -> S,
    store: &mut S,
) {
    let _ = connect; // this scenario needs one connection
    let broken = format!("{BANK}S3,单选,缺答案,甲,乙,丙,丁,,宪法,第一条\n");
    let loaded = import::load_banks(
        &[("宪法".into(), vec![("宪法.csv".into(), broken.into_bytes())])],
        &ReadOptions::new(),
    );
    match import::import_banks(store, &loaded, now(), &mut |_, _| {}) {
        Err(AppError::Problems(problems)) => {
            assert_eq!(problems.len(), 1, "{name}");
            assert_eq!(problems[0].location.line, Some(6), "{name}: the file's line");
        }
        other => panic!("{name}: {other:?}"),
    }
    assert!(xuefa_store::Store::banks(&*store).expect("banks").is_empty(), "{name}");
}

#[test]
fn a_blueprint_the_banks_cannot_fill_is_refused_with_what_it_needs() {
    on_every_backend!(a_blueprint_the_banks_cannot_fill_is_refused_with_what_it_needs_on);
}

fn a_blueprint_the_banks_cannot_fill_is_refused_with_what_it_needs_on<S: Backend>(
    name: &str,
    connect: &dyn Fn() -> S,
    store: &mut S,
) {
    let _ = connect; // this scenario needs one connection
    office(store);
    let greedy = SPEC.replace("count = 2\npoints = 25\n[[sections]]", "count = 5\npoints = 10\n[[sections]]");
    let greedy = greedy.replace("id = \"t\"", "id = \"g\"");
    match create::create_exam(store, &greedy, 7, now(), &tr()) {
        Err(AppError::Refused(messages)) => {
            let text = messages[0].text(Lang::En);
            assert!(text.contains("needs 5") && text.contains("has 2"), "{name}: {text}");
        }
        other => panic!("{name}: {other:?}"),
    }
}

#[test]
fn a_sitting_saves_every_answer_and_the_figures_follow() {
    on_every_backend!(a_sitting_saves_every_answer_and_the_figures_follow_on);
}

fn a_sitting_saves_every_answer_and_the_figures_follow_on<S: Backend>(
    name: &str,
    connect: &dyn Fn() -> S,
    store: &mut S,
) {
    office(store);
    let offset = jiff::tz::offset(8);
    let opening = sitting::open(store, "t", "A1", now(), offset).expect("may sit");
    let paper = opening.paper().expect("a paper").clone();
    assert_eq!(paper.questions.len(), 4, "{name}");
    let mut session =
        sitting::begin(connect(), opening, now(), Mode::Terminal).expect("begins").expect("a session");
    // Every answer right: the key of each question on this paper.
    for (index, question) in paper.questions.iter().enumerate() {
        let response = match &question.key {
            xuefa_core::Answer::Judge(truth) => Response::Judge(*truth),
            xuefa_core::Answer::Choice(letters) => Response::Choice(*letters),
            other => panic!("an answer of another kind: {other:?}"),
        };
        session.answer(index, response).expect("saved");
    }
    // A second device resumes the same attempt with every answer.
    let resumed = sitting::open(store, "t", "A1", now(), offset).expect("resumes");
    match &resumed {
        sitting::Opening::Resume { attempt, .. } => {
            assert_eq!(attempt.responses.iter().filter(|(_, r, _)| r.is_some()).count(), 4, "{name}");
        }
        other => panic!("{name}: {other:?}"),
    }
    let outcome = session.submit().expect("submitted");
    assert!(outcome.passed && (outcome.score.total - 100.0).abs() < 1e-9, "{name}");

    let standing = exam::standing(store, "t", "A1", now()).expect("standing");
    assert_eq!((standing.state, standing.score), ("submitted", Some(100.0)), "{name}");
    let unknown = exam::standing(store, "t", "NOBODY", now());
    assert!(matches!(unknown, Err(AppError::Message { key: "exam.unknown_employee", .. })), "{name}");

    let results = exam::results(store, "t", now()).expect("results");
    assert_eq!(results.iter().map(|r| r.employee.as_str()).collect::<Vec<_>>(), ["A1", "A2", "B1"]);
    let record = xuefa_store::ExamStore::exam(&*store, "t").expect("exam");
    let (figures, missing) = report::exam::exam_report(store, &record, Some(2), now()).expect("report");
    assert_eq!((figures.total.expected, figures.total.took, figures.total.passed), (3, 1, 1), "{name}");
    assert_eq!(missing.len(), 2, "{name}: A2 and B1 have not sat");
}

#[test]
fn a_rejected_answers_file_starts_no_attempt() {
    on_every_backend!(a_rejected_answers_file_starts_no_attempt_on);
}

fn a_rejected_answers_file_starts_no_attempt_on<S: Backend>(
    name: &str,
    connect: &dyn Fn() -> S,
    store: &mut S,
) {
    let _ = connect; // this scenario needs one connection
    office(store);
    let opening = sitting::open(store, "t", "A2", now(), jiff::tz::offset(8)).expect("may sit");
    let paper = opening.paper().expect("paper").clone();
    let answers: HashMap<String, serde_json::Value> =
        [("NOT-ON-PAPER".to_owned(), serde_json::json!("A"))].into_iter().collect();
    let problems = sitting::parse_answers(&paper, &answers).expect_err("refused");
    assert_eq!(problems[0].key, "take.answers_unknown_id", "{name}");
    // Nothing was begun: the person has used no attempt.
    let standing = exam::standing(store, "t", "A2", now()).expect("standing");
    assert_eq!((standing.state, standing.attempts_used), ("not_started", 0), "{name}");
}

#[test]
fn a_year_of_study_and_the_annual_report_add_up() {
    on_every_backend!(a_year_of_study_and_the_annual_report_add_up_on);
}

fn a_year_of_study_and_the_annual_report_add_up_on<S: Backend>(
    name: &str,
    connect: &dyn Fn() -> S,
    store: &mut S,
) {
    let _ = connect; // this scenario needs one connection
    office(store);
    let sessions = "编号,日期,类型,主题,学时,受众人数\nS1,2026-03-01,专题讲座,民法典讲座,3,\n\
                    S2,2026-04-01,网络自学,平台学习,0,\nS3,2026-05-01,普法宣传,进社区,2,300\n";
    let options = ReadOptions::new();
    let custom: Vec<(String, String)> = Vec::new();
    study::import_sessions(store, "s.csv", sessions.as_bytes(), &options, &custom, now(), &tr())
        .expect("sessions");
    let again = study::import_sessions(store, "s.csv", sessions.as_bytes(), &options, &custom, now(), &tr());
    assert!(matches!(again, Err(AppError::Problems(_))), "{name}: ids the workspace has are refused");
    let marks = "场次,工号,状态,学时\nS1,A1,出席,\nS1,A2,缺席,\nS2,A1,出席,5.5\n";
    let imported =
        study::import_attendance(store, "m.csv", marks.as_bytes(), &options, now(), &tr()).expect("marks");
    assert_eq!(imported.marks, 3, "{name}");

    let config = Config::default();
    let today = jiff::civil::date(2026, 11, 20);
    let year =
        report::attendance::study_year(&*store, &config, 2026, None, today, &mut |_, _| {}).expect("year");
    assert_eq!(year.hours_by_kind.get("lecture"), Some(&3.0), "{name}");
    assert_eq!(year.hours_by_kind.get("online"), Some(&5.5), "{name}");

    let options = AnnualOptions { year: 2026, depth: None, with_names: false };
    let annual = annual::gather(store, &config, options, today, now(), &tr()).expect("annual");
    let json = annual::to_json(&annual);
    let kinds = json["sessions_by_kind"].as_array().expect("kinds");
    let sum: f64 = kinds.iter().map(|k| k["person_hours"].as_f64().unwrap_or(0.0)).sum();
    assert_eq!(json["sessions_total"]["person_hours"].as_f64(), Some(sum), "{name}");
    assert_eq!(json["sessions_total"]["sessions"], 2, "{name}: outreach is counted apart");
    assert_eq!(json["outreach_total"]["headcount"], 300, "{name}");
    assert!(json.get("owing").is_none(), "{name}: no names unless asked");
    let markdown = annual::markdown(&annual, &tr());
    assert!(!markdown.contains("甲一"), "{name}: {markdown}");
}

#[test]
fn one_attempt_has_one_result_when_two_sittings_race() {
    on_every_backend!(one_attempt_has_one_result_when_two_sittings_race_on);
}

fn one_attempt_has_one_result_when_two_sittings_race_on<S: Backend>(
    name: &str,
    connect: &dyn Fn() -> S,
    store: &mut S,
) {
    office(store);
    let offset = jiff::tz::offset(8);
    // Two windows open the same new attempt at once: the first to begin stands.
    let first = sitting::open(store, "t", "B1", now(), offset).expect("opens");
    let second = sitting::open(store, "t", "B1", now(), offset).expect("opens too");
    let mut winner =
        sitting::begin(connect(), first, now(), Mode::Terminal).expect("begins").expect("session");
    let late = sitting::begin(connect(), second, now(), Mode::Terminal);
    assert!(
        matches!(late, Err(AppError::Store(xuefa_store::StoreError::StartedElsewhere { attempt: 1, .. }))),
        "{name}: {:?}",
        late.err()
    );
    // Both resume the one attempt; each answers differently and submits.
    let resumed = sitting::open(store, "t", "B1", now(), offset).expect("resumes");
    let mut loser =
        sitting::begin(connect(), resumed, now(), Mode::Terminal).expect("begins").expect("session");
    let paper = winner.sitting.paper().clone();
    let right: Vec<(usize, Response)> = paper
        .questions
        .iter()
        .enumerate()
        .map(|(i, q)| match &q.key {
            xuefa_core::Answer::Judge(truth) => (i, Response::Judge(*truth)),
            xuefa_core::Answer::Choice(letters) => (i, Response::Choice(*letters)),
            other => panic!("{other:?}"),
        })
        .collect();
    let outcome = sitting::sit_answers(&mut winner, &right).expect("the first submits");
    assert!((outcome.score.total - 100.0).abs() < 1e-9, "{name}");
    // The loser's answers: the same but the last (a judge question) turned round.
    let mut wrong = right.clone();
    if let Some((_, Response::Judge(truth))) = wrong.last_mut() {
        *truth = !*truth;
    }
    let refused = sitting::sit_answers(&mut loser, &wrong);
    assert!(
        matches!(refused, Err(AppError::Store(xuefa_store::StoreError::AlreadySubmitted { attempt: 1, .. }))),
        "{name}: {refused:?}"
    );
    assert!(matches!(
        loser.submit(),
        Err(sitting::SessionError::Sitting(_) | sitting::SessionError::Store(_))
    ));
    // The stored result and answers are the first sitting's.
    let standing = exam::standing(store, "t", "B1", now()).expect("standing");
    assert_eq!((standing.attempts_used, standing.score), (1, Some(100.0)), "{name}");
    let attempts = xuefa_store::ExamStore::attempts(&*store, "t", "B1").expect("attempts");
    let stored: Vec<_> = attempts[0].responses.iter().filter_map(|(i, r, _)| r.map(|r| (*i, r))).collect();
    assert_eq!(stored, right, "{name}: the answers it was scored on");
}

#[test]
fn two_devices_sit_one_attempt_over_the_network() {
    on_every_backend!(two_devices_sit_one_attempt_over_the_network_on);
}

fn two_devices_sit_one_attempt_over_the_network_on<S: Backend>(
    name: &str,
    connect: &dyn Fn() -> S,
    store: &mut S,
) {
    use xuefa_app::online::{self, OnlineError, StartPlan};
    office(store);
    let offset = jiff::tz::offset(8);
    let mut phone = connect();
    // Both devices plan a new attempt at once; the second to store it resumes the first's.
    let desk_plan = online::plan_start(store, "t", "A1", now(), offset).expect("plans");
    let phone_plan = online::plan_start(&phone, "t", "A1", now(), offset).expect("plans too");
    assert!(matches!(desk_plan, StartPlan::Begin { .. }) && matches!(phone_plan, StartPlan::Begin { .. }));
    let desk = online::finish_start(store, desk_plan, "A1", now(), offset).expect("starts");
    let other = online::finish_start(&mut phone, phone_plan, "A1", now(), offset).expect("resumes");
    assert_eq!(desk.attempt, other.attempt, "{name}: one attempt");
    let id = desk.attempt;
    // An answer from one device is on the other; a flag alone keeps it.
    online::save_answer(store, "t", id, "A1", 1, Some("A"), None, now()).expect("saved");
    online::save_answer(&mut phone, "t", id, "A1", 1, None, Some(true), now()).expect("flagged");
    let seen = online::start(&mut phone, "t", "A1", now(), offset).expect("resumes");
    assert_eq!(seen.questions[0].answer.as_deref(), Some("A"), "{name}");
    assert!(seen.questions[0].flagged);
    // Not someone else's, not a letter the question lacks.
    assert!(matches!(
        online::save_answer(store, "t", id, "B1", 1, Some("A"), None, now()),
        Err(OnlineError::NotFound(_))
    ));
    assert!(matches!(
        online::save_answer(store, "t", id, "A1", 1, Some("E"), None, now()),
        Err(OnlineError::BadAnswer(_))
    ));
    // Submitted from the phone: the desk's next answer is refused and lands nowhere.
    let result = online::submit(&mut phone, "t", id, "A1", now()).expect("submits");
    assert!(matches!(
        online::save_answer(store, "t", id, "A1", 2, Some("A"), None, now()),
        Err(OnlineError::Conflict(_, attempt)) if attempt == id
    ));
    assert!(matches!(online::submit(store, "t", id, "A1", now()), Err(OnlineError::Conflict(..))));
    let review = online::review(store, "t", id, "A1", now()).expect("review after submission");
    assert_eq!(review.result, result, "{name}");
    assert_eq!(review.questions[1].answer, None, "the refused answer was not stored");
    // The figures follow at once.
    let standing = exam::standing(store, "t", "A1", now()).expect("standing");
    assert_eq!(standing.score, Some(result.score), "{name}");
}

#[test]
fn a_burst_of_guesses_sent_at_once_is_cut_off_after_five() {
    on_every_backend!(a_burst_of_guesses_sent_at_once_is_cut_off_after_five_on);
}

fn a_burst_of_guesses_sent_at_once_is_cut_off_after_five_on<S: Backend>(
    name: &str,
    _: &dyn Fn() -> S,
    store: &mut S,
) {
    use xuefa_app::access::{self, LoginError};
    office(store);
    let people = access::select_people(store, &[], &["A1".to_owned()]).expect("A1");
    let slips = access::issue_codes(store, &people, None, now()).expect("a code");
    // Eight requests pass the first check together; the right code comes last.
    let prepared: Vec<_> = (0..8)
        .map(|_| access::login_prepare(store, "A1", "10.0.0.9", now()).expect("not limited yet"))
        .collect();
    let mut results = Vec::new();
    for (i, attempt) in prepared.into_iter().enumerate() {
        let verified = attempt.verify(if i == 7 { &slips[0].code } else { "22222-22222" });
        results.push(access::login_finish(store, attempt, verified, now()));
    }
    assert!(results[..5].iter().all(|r| matches!(r, Err(LoginError::Wrong))), "{name}");
    assert!(results[5..].iter().all(|r| matches!(r, Err(LoginError::TooMany))), "{name}: the right code too");
    // Another address is limited by the person's failures as well; the code works 15 minutes on.
    let later = now().checked_add(jiff::SignedDuration::from_mins(16)).expect("later");
    assert!(matches!(
        access::login(store, "A1", &slips[0].code, "10.0.0.10", now()),
        Err(LoginError::TooMany)
    ));
    assert!(access::login(store, "A1", &slips[0].code, "10.0.0.10", later).is_ok(), "{name}");
}
