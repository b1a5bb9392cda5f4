//! Practice at the engine layer, on every backend (SQLite, then PostgreSQL in a scratch
//! schema of its own, said to be skipped when no PostgreSQL server answers): a wrong answer
//! enters the book, the next day's review asks it, right answers move it up a box; the daily
//! quiz is the same all day and asks due reviews first; a retired question leaves the book, a
//! changed one comes back in its new version; an unknown person is refused.

use jiff::Timestamp;
use xuefa_app::practice::{self, PracticeMode, PracticeRequest};
use xuefa_app::{AppError, import};
use xuefa_core::exam::Response;
use xuefa_core::{Date, Kind, ReadOptions};
use xuefa_store::{AnyStore, PgStore, SqliteStore, StoreError};

const HEADER: &str = "题号,题型,题干,选项A,选项B,选项C,选项D,答案,解析,法律,条款\n";

const QUESTIONS: &str = "S1,单选,宪法是国家的（　）。,根本法,基本法,普通法,特别法,A,宪法序言：本宪法是国家的根本法。,宪法,序言\n\
S2,单选,中华人民共和国的一切权力属于（　）。,人民,国家机关,全国人民代表大会,中国共产党,A,宪法第二条第一款。,宪法,第二条\n\
J1,判断,宪法是国家的根本法。,,,,,对,宪法序言。,宪法,序言\n\
J2,判断,行政复议期间行政行为一律停止执行。,,,,,错,行政复议期间行政行为原则上不停止执行。,行政复议法,第四十二条\n";

fn at(text: &str) -> Timestamp {
    text.parse().expect("time")
}

fn day(text: &str) -> Date {
    text.parse().expect("date")
}

fn import_bank(store: &mut AnyStore, rows: &str, when: Timestamp) {
    let text = format!("{HEADER}{rows}");
    let loaded = import::load_banks(
        &[("法律".into(), vec![("法律.csv".into(), text.into_bytes())])],
        &ReadOptions::new(),
    );
    import::import_banks(store, &loaded, when, &mut |_, _| {}).expect("bank");
}

/// An office's store on one backend, with a way to open another connection to it (a sitting
/// owns its connection, as a server's request would). Dropped in order: the stores, then
/// their folder or scratch schema.
struct Office {
    store: AnyStore,
    connect: Box<dyn Fn() -> AnyStore>,
    _dir: tempfile::TempDir,
    _scratch: Option<xuefa_store::testing::Scratch>,
}

/// The office of `office_on` on every backend: SQLite, then PostgreSQL when a server answers.
fn offices(test: &str) -> Vec<(&'static str, Office)> {
    let dir = tempfile::tempdir().expect("folder");
    let path = dir.path().join("xuefa.db");
    let store = AnyStore::Sqlite(SqliteStore::open(&path).expect("SQLite store"));
    let connect = Box::new(move || AnyStore::Sqlite(SqliteStore::open(&path).expect("another connection")));
    let mut all = vec![("sqlite", Office { store, connect, _dir: dir, _scratch: None })];
    if let Some(scratch) = xuefa_store::testing::postgres(test) {
        let target = scratch.target.clone();
        let store = AnyStore::Postgres(PgStore::open(&target).expect("PostgreSQL store"));
        let connect =
            Box::new(move || AnyStore::Postgres(PgStore::open(&target).expect("another connection")));
        let dir = tempfile::tempdir().expect("folder");
        all.push(("postgres", Office { store, connect, _dir: dir, _scratch: Some(scratch) }));
    }
    for (backend, office) in &mut all {
        eprintln!("{test}: on {backend}");
        office_on(&mut office.store);
    }
    all
}

/// The bank and a roster of two.
fn office_on(store: &mut AnyStore) {
    import_bank(store, QUESTIONS, at("2026-01-01T00:00:00Z"));
    let roster = "工号,姓名,部门\nA1,甲一,局/甲科\nB1,乙一,局/乙科\n";
    import::import_roster(
        store,
        "roster.csv",
        roster.as_bytes(),
        &ReadOptions::new(),
        at("2026-01-01T00:00:00Z"),
        &mut |_| {},
    )
    .expect("roster");
}

fn request(mode: PracticeMode, count: usize) -> PracticeRequest {
    PracticeRequest { count, mode, ..PracticeRequest::default() }
}

fn wrong_for(kind: Kind) -> Response {
    match kind {
        Kind::Judge => Response::parse("对", kind, 0).expect("a response"),
        _ => Response::parse("D", kind, 4).expect("a response"),
    }
}

#[test]
fn a_wrong_answer_enters_the_book_and_comes_back_when_due() {
    for (backend, Office { _scratch, _dir, connect: _, mut store }) in
        offices("a_wrong_answer_enters_the_book_and_comes_back_when_due")
    {
        eprintln!("on {backend}");
        // J2's key is 错: answering 对 is wrong.
        let drawn = practice::draw(
            &store,
            "A1",
            &PracticeRequest {
                laws: vec!["《中华人民共和国行政复议法》".into()],
                ..request(PracticeMode::Free, 5)
            },
            day("2026-03-01"),
            at("2026-03-01T01:00:00Z"),
        )
        .expect("draw");
        assert_eq!(drawn.len(), 1, "one question cites 行政复议法, named in another form");
        let j2 = &drawn[0];
        assert_eq!(j2.question.id, "J2");
        let feedback = practice::answer(
            &mut store,
            "A1",
            j2,
            &wrong_for(Kind::Judge),
            at("2026-03-01T01:01:00Z"),
            day("2026-03-01"),
        )
        .expect("answer");
        assert!(!feedback.correct);
        assert_eq!(feedback.key, "F");
        assert_eq!((feedback.law.as_str(), feedback.article.as_str()), ("行政复议法", "第四十二条"));
        assert!(feedback.explanation.contains("不停止执行"));
        let entry = feedback.book.expect("in the book");
        assert_eq!((entry.box_number, entry.due), (1, day("2026-03-02")));

        // Not due on the same day; due the next, and only for A1.
        let review = |store: &AnyStore, who: &str, on: &str| {
            practice::draw(
                store,
                who,
                &request(PracticeMode::Review, 10),
                day(on),
                at("2026-03-02T01:00:00Z"),
            )
            .expect("review")
            .into_iter()
            .map(|q| q.question.id)
            .collect::<Vec<_>>()
        };
        assert!(review(&store, "A1", "2026-03-01").is_empty());
        assert_eq!(review(&store, "A1", "2026-03-02"), ["J2"]);
        assert!(review(&store, "B1", "2026-03-02").is_empty());

        // Right on 2 March: box 2, due 4 March.
        let right = Response::parse("错", Kind::Judge, 0).expect("a response");
        let feedback =
            practice::answer(&mut store, "A1", j2, &right, at("2026-03-02T01:00:00Z"), day("2026-03-02"))
                .expect("answer");
        assert!(feedback.correct);
        assert_eq!(feedback.book.map(|b| (b.box_number, b.due)), Some((2, day("2026-03-04"))));
        let book = practice::book(&store, "A1").expect("book");
        assert_eq!(book.len(), 1);
        assert_eq!((book[0].0.question.id.as_str(), book[0].1.box_number), ("J2", 2));

        // Right on every due day after: out of the book after box 5.
        let mut today = day("2026-03-04");
        let mut left = false;
        for _ in 0..4 {
            let feedback = practice::answer(&mut store, "A1", j2, &right, at("2026-04-01T00:00:00Z"), today)
                .expect("answer");
            left = feedback.left_book;
            if let Some(entry) = feedback.book {
                today = entry.due;
            }
        }
        assert!(left, "right in box 5 leaves the book");
        assert!(practice::book(&store, "A1").expect("book").is_empty());
    }
}

#[test]
fn the_daily_quiz_is_the_same_all_day_and_asks_due_reviews_first() {
    for (backend, Office { _scratch, _dir, connect: _, mut store }) in
        offices("the_daily_quiz_is_the_same_all_day_and_asks_due_reviews_first")
    {
        eprintln!("on {backend}");
        let first = practice::draw(
            &store,
            "A1",
            &request(PracticeMode::Free, 1),
            day("2026-05-01"),
            at("2026-05-01T00:00:00Z"),
        )
        .expect("draw");
        let wrong = wrong_for(first[0].question.kind);
        practice::answer(&mut store, "A1", &first[0], &wrong, at("2026-05-01T00:00:00Z"), day("2026-05-01"))
            .expect("answer");
        let quiz = |hour: &str| {
            practice::draw(&store, "A1", &request(PracticeMode::Daily, 3), day("2026-05-02"), at(hour))
                .expect("quiz")
                .into_iter()
                .map(|q| q.question.id)
                .collect::<Vec<_>>()
        };
        let morning = quiz("2026-05-02T01:00:00Z");
        assert_eq!(morning, quiz("2026-05-02T09:00:00Z"), "the same quiz all day");
        assert_eq!(morning.len(), 3);
        assert_eq!(morning[0], first[0].question.id, "the due review first");
    }
}

#[test]
fn a_retired_question_leaves_the_book_and_a_changed_one_comes_back_changed() {
    for (backend, Office { _scratch, _dir, connect: _, mut store }) in
        offices("a_retired_question_leaves_the_book_and_a_changed_one_comes_back_changed")
    {
        eprintln!("on {backend}");
        for id in ["S1", "S2"] {
            let drawn = store_question(&store, id);
            practice::answer(
                &mut store,
                "A1",
                &drawn,
                &wrong_for(Kind::Single),
                at("2026-06-01T00:00:00Z"),
                day("2026-06-01"),
            )
            .expect("answer");
        }
        assert_eq!(practice::book(&store, "A1").expect("book").len(), 2);
        // The bank again: S1 gone, S2's explanation corrected.
        let rows: String = QUESTIONS
            .lines()
            .filter(|l| !l.starts_with("S1,"))
            .map(|l| {
                if l.starts_with("S2,") {
                    l.replace("宪法第二条第一款。", "宪法第二条第一款：中华人民共和国的一切权力属于人民。")
                } else {
                    l.to_owned()
                }
            })
            .map(|l| l + "\n")
            .collect();
        import_bank(&mut store, &rows, at("2026-06-02T00:00:00Z"));
        let book = practice::book(&store, "A1").expect("book");
        assert_eq!(book.len(), 1, "S1 left with its retirement");
        assert_eq!(book[0].0.question.id, "S2");
        assert_eq!(book[0].0.version, 2, "the new version");
        assert!(book[0].0.question.explanation.contains("属于人民"));
        let due = practice::draw(
            &store,
            "A1",
            &request(PracticeMode::Review, 10),
            day("2026-06-02"),
            at("2026-06-02T00:00:00Z"),
        )
        .expect("review");
        assert_eq!(due.iter().map(|q| q.question.id.as_str()).collect::<Vec<_>>(), ["S2"]);
    }
}

#[test]
fn someone_not_on_the_roster_is_refused() {
    for (backend, Office { _scratch, _dir, connect: _, store }) in
        offices("someone_not_on_the_roster_is_refused")
    {
        eprintln!("on {backend}");
        let refused = practice::draw(
            &store,
            "NOBODY",
            &request(PracticeMode::Daily, 5),
            day("2026-01-02"),
            at("2026-01-02T00:00:00Z"),
        );
        assert!(matches!(refused, Err(AppError::Store(StoreError::NoPerson(who))) if who == "NOBODY"));
        assert!(matches!(practice::book(&store, "NOBODY"), Err(AppError::Store(StoreError::NoPerson(_)))));
    }
}

fn store_question(store: &AnyStore, id: &str) -> xuefa_store::StoredQuestion {
    use xuefa_store::PracticeStore as _;
    store.practice_questions(&[("法律".to_owned(), id.to_owned())]).expect("question").remove(0)
}

/// An exam's answers enter the book once its review is allowed (here: after the exam
/// closes), once only: the wrong ones in box 1, due the day after the office's day of the submission;
/// a right answer and a question left unanswered do not.
#[test]
fn wrong_exam_answers_enter_the_book_once_the_review_is_allowed() {
    use xuefa_app::{create, sitting};
    for (backend, Office { _scratch, _dir, connect, mut store }) in
        offices("wrong_exam_answers_enter_the_book_once_the_review_is_allowed")
    {
        eprintln!("on {backend}");
        let spec = "id = \"t\"\ntitle = \"测试\"\nyear = 2026\nduration_minutes = 30\npass_mark = 50\n\
        closes = \"2026-11-30\"\nreview = \"after_close\"\n[[sections]]\nkind = \"single\"\ncount = 2\n\
        points = 25\n[[sections]]\nkind = \"judge\"\ncount = 2\npoints = 25\n";
        // 01:30 in Beijing on 21 November is 17:30 UTC on the 20th: the office's day is the 21st.
        let sat = at("2026-11-20T17:30:00Z");
        create::create_exam(&mut store, spec, 7, sat, &xuefa_app::i18n::Tr::new(xuefa_core::Lang::En))
            .expect("exam");
        let offset = jiff::tz::offset(8);
        let opening = sitting::open(&mut store, "t", "A1", sat, offset).expect("may sit");
        let paper = opening.paper().expect("a paper").clone();
        let mut session = sitting::begin(connect(), opening, sat, xuefa_store::Mode::Terminal)
            .expect("begins")
            .expect("a session");
        for (index, question) in paper.questions.iter().enumerate() {
            let response = match (question.id.as_str(), &question.key) {
                // Both singles wrong (every option but the key), J1 right, J2 left unanswered.
                ("J2", _) => continue,
                (_, xuefa_core::Answer::Judge(truth)) => Response::Judge(*truth),
                (_, xuefa_core::Answer::Choice(letters)) => {
                    let wrong = (0..4).find(|&o| !letters.contains(o)).expect("a wrong option");
                    Response::Choice(xuefa_core::Letters::empty().with(wrong))
                }
                (_, other) => panic!("an answer of another kind: {other:?}"),
            };
            session.answer(index, response).expect("saved");
        }
        session.submit().expect("submitted");

        // Before the exam closes the review is not allowed: nothing enters the book.
        let open = at("2026-11-25T00:00:00Z");
        assert_eq!(practice::take_exam_answers(&mut store, "A1", open, offset).expect("taken"), 0);
        assert!(practice::book(&store, "A1").expect("book").is_empty());

        let closed = at("2026-12-02T00:00:00Z");
        assert_eq!(practice::take_exam_answers(&mut store, "A1", closed, offset).expect("taken"), 2);
        let book = practice::book(&store, "A1").expect("book");
        let mut ids: Vec<&str> = book.iter().map(|(q, _)| q.question.id.as_str()).collect();
        ids.sort_unstable();
        assert_eq!(ids, ["S1", "S2"], "the two wrong singles; not J1 (right) nor J2 (unanswered)");
        for (_, entry) in &book {
            assert_eq!((entry.box_number, entry.due, entry.wrong), (1, day("2026-11-22"), 1));
        }
        // Once: again later, nothing more moves.
        assert_eq!(practice::take_exam_answers(&mut store, "A1", closed, offset).expect("taken"), 0);
        assert_eq!(practice::book(&store, "A1").expect("book").len(), 2);
        // Another person's book is their own.
        assert_eq!(practice::take_exam_answers(&mut store, "B1", closed, offset).expect("taken"), 0);
        assert!(practice::book(&store, "B1").expect("book").is_empty());
    }
}

/// Answers one question of the bank in practice, by its id, with the response typed.
fn answer_by_id(store: &mut AnyStore, who: &str, id: &str, typed: &str, when: &str) {
    let drawn = practice::draw(store, who, &request(PracticeMode::Free, 10), day(&when[..10]), at(when))
        .expect("draw");
    let question = drawn.iter().find(|q| q.question.id == id).expect("the question is drawn");
    let response =
        Response::parse(typed, question.question.kind, question.question.options.len()).expect("a response");
    practice::answer(store, who, question, &response, at(when), day(&when[..10])).expect("answer");
}

#[test]
fn the_annual_report_counts_practice_by_department_and_credits_its_hours_when_told() {
    use xuefa_app::i18n::Tr;
    use xuefa_app::report::annual::{self, AnnualOptions};
    for (backend, Office { _scratch, _dir, connect: _, mut store }) in
        offices("the_annual_report_counts_practice_by_department_and_credits_its_hours_when_told")
    {
        eprintln!("on {backend}");
        // A1 on 1 March: S1 right twice (one question), S2 wrong, J1 right; on 2 March: J2 right.
        for (id, typed, when) in [
            ("S1", "A", "2026-03-01T01:00:00Z"),
            ("S1", "A", "2026-03-01T01:01:00Z"),
            ("S2", "B", "2026-03-01T01:02:00Z"),
            ("J1", "对", "2026-03-01T01:03:00Z"),
            ("J2", "错", "2026-03-02T01:00:00Z"),
        ] {
            answer_by_id(&mut store, "A1", id, typed, when);
        }
        // Practice in another year is not this year's.
        answer_by_id(&mut store, "B1", "S1", "A", "2025-12-31T01:00:00Z");
        let options = AnnualOptions { year: 2026, depth: None, with_names: false };
        let gather = |store: &mut AnyStore, config: &str| {
            let config = xuefa_store::Config::parse(config).expect("config");
            let a = annual::gather(
                store,
                &config,
                options,
                day("2026-12-01"),
                at("2026-12-01T00:00:00Z"),
                &Tr::new(xuefa_core::Lang::En),
            )
            .expect("annual");
            (annual::to_json(&a), annual::markdown(&a, &Tr::new(xuefa_core::Lang::Zh)))
        };
        let requirement = "[[study.requirements]]\nname = \"年度学时\"\nmin_hours = 0.5\n";

        // Off by default: the figures, no hours.
        let (json, _) = gather(&mut store, requirement);
        let practice = &json["practice"];
        assert_eq!(practice["credit"], serde_json::Value::Null);
        let total = &practice["total"];
        assert_eq!((total["people"].as_u64(), total["practised"].as_u64()), (Some(2), Some(1)));
        assert_eq!((total["answered"].as_u64(), total["right"].as_u64()), (Some(5), Some(4)));
        assert_eq!(total["hours"].as_f64(), Some(0.0));
        let departments = practice["departments"].as_array().expect("departments");
        let row =
            |name: &str| departments.iter().find(|d| d["department"] == name).expect("a department").clone();
        assert_eq!(
            (row("局/甲科")["practised"].as_u64(), row("局/乙科")["practised"].as_u64()),
            (Some(1), Some(0))
        );
        assert_eq!(row("局/甲科")["participation_rate"].as_f64(), Some(1.0));
        assert_eq!(json["study"]["met_all"].as_u64(), Some(0));

        // 10 minutes a distinct question a day, at most 25: 1 March 3 questions, 25 minutes
        // (capped); 2 March one, 10 minutes. 35 minutes: A1 meets half an hour, B1 does not.
        let (json, markdown) = gather(
            &mut store,
            &format!(
                "[practice]\ncredit_minutes_per_question = 10\ncredit_minutes_per_day = 25\n{requirement}"
            ),
        );
        let hours = json["practice"]["total"]["hours"].as_f64().expect("hours");
        assert!((hours - 35.0 / 60.0).abs() < 1e-9, "{hours}");
        // The store sums in SQL what the core's rule gives day by day.
        let rule = xuefa_core::practice::credit_hours(3, 10.0, 25.0)
            + xuefa_core::practice::credit_hours(1, 10.0, 25.0);
        assert!((hours - rule).abs() < 1e-9, "{hours} {rule}");
        assert_eq!(json["study"]["met_all"].as_u64(), Some(1));
        let online = json["sessions_by_kind"]
            .as_array()
            .expect("kinds")
            .iter()
            .find(|k| k["kind"] == "online")
            .expect("online self-study has the hours practice earned")
            .clone();
        assert_eq!(online["sessions"].as_u64(), Some(0));
        assert!((online["person_hours"].as_f64().expect("hours") - hours).abs() < 1e-9);
        assert!((json["sessions_total"]["person_hours"].as_f64().expect("hours") - hours).abs() < 1e-9);
        assert!(markdown.contains("## 各部门日常练习情况"), "{markdown}");
        assert!(markdown.contains("每天至多25分钟"), "{markdown}");
        assert!(
            markdown.contains("有学法要求的2人中1人参加练习（参与率50.0%），全年作答5次，正确率80.0%"),
            "{markdown}"
        );
    }
}
