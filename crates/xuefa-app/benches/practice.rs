//! Issue 18's target: a daily quiz drawn in under 20 ms for a person who has answered 5,000
//! questions in a 50,000-question workspace (SQLite, the whole `practice::draw`: the
//! person's candidates read, the quiz ordered, the five questions read).

use criterion::{Criterion, criterion_group, criterion_main};
use jiff::Timestamp;
use xuefa_app::practice::{self, PracticeMode, PracticeRequest};
use xuefa_core::exam::Response;
use xuefa_core::{Answer, Date, Department, Kind, Letters, Person, Question};
use xuefa_store::{PracticeStore, SqliteStore, Store};

fn bench(c: &mut Criterion) {
    let laws = ["民法典", "行政处罚法", "行政许可法", "宪法", "国家安全法"];
    let questions: Vec<Question> = (0..50_000)
        .map(|i| {
            let options = (0..4).map(|o| format!("选项{o}")).collect();
            let mut q = Question::new(
                format!("P{i:06}"),
                Kind::Single,
                format!("第{i}题"),
                options,
                Answer::Choice(Letters::empty().with(i % 4)),
            );
            q.law = laws[i % laws.len()].to_owned();
            q
        })
        .collect();
    // In memory-backed /dev/shm where there is one: the setup's 5,000 commits are not timed.
    let base = std::path::Path::new("/dev/shm");
    let dir = if base.is_dir() { tempfile::tempdir_in(base) } else { tempfile::tempdir() }.expect("folder");
    let mut store = SqliteStore::open(&dir.path().join("xuefa.db")).expect("store");
    let now: Timestamp = "2026-12-01T00:00:00Z".parse().expect("time");
    store.import_banks(&[("bank", &questions)], now, &mut |_, _| {}).expect("bank");
    let department = Department::parse("局/科").expect("department");
    let person = Person::new("A000001", "甲", department);
    store.import_roster(&[&person], now, &mut |_, _| {}).expect("roster");
    let today: Date = "2026-12-04".parse().expect("date");
    let answered = store
        .practice_questions(
            &(0..5_000).map(|i| ("bank".to_owned(), format!("P{:06}", i * 10))).collect::<Vec<_>>(),
        )
        .expect("questions");
    for (i, question) in answered.iter().enumerate() {
        // One in ten wrong: 500 questions in the book.
        let response = Response::Choice(Letters::empty().with(if i % 10 == 0 { 3 } else { 0 }));
        practice::answer(
            &mut store,
            "A000001",
            question,
            &response,
            now,
            "2026-12-01".parse().expect("date"),
        )
        .expect("answer");
    }
    let request = PracticeRequest { count: 5, mode: PracticeMode::Daily, ..PracticeRequest::default() };
    c.bench_function("daily quiz of 5, 50,000 questions, 5,000 answered (SQLite)", |b| {
        b.iter(|| practice::draw(&store, "A000001", &request, today, now).expect("draw"))
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = bench
}
criterion_main!(benches);
