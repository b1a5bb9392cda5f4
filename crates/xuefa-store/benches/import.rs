//! Importing a province-sized bank (50,000 questions) and a 100,000-person roster into a
//! new SQLite workspace database, and re-importing the bank unchanged.

use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use jiff::Timestamp;
use xuefa_core::{Answer, Department, Kind, Letters, Person, Question, Status};
use xuefa_store::{SqliteStore, Store};

fn bank(count: usize) -> Vec<Question> {
    let laws = ["民法典", "行政处罚法", "行政许可法", "宪法", "国家安全法"];
    (0..count)
        .map(|i| {
            let law = laws[i % laws.len()];
            let (kind, options, answer) = match i % 10 {
                0..=4 => (Kind::Single, 4, Answer::Choice(Letters::empty().with(i % 4))),
                5 | 6 => (Kind::Multiple, 4, Answer::Choice(Letters::empty().with(0).with(2).with(3))),
                _ => (Kind::Judge, 0, Answer::Judge(i % 2 == 0)),
            };
            let options = (0..options).map(|o| format!("第{o}个选项的内容")).collect();
            let mut question = Question::new(
                format!("Q{i:06}"),
                kind,
                format!("依照《{law}》的规定，下列关于第{i}号情形的说法，正确的是（ ）。"),
                options,
                answer,
            );
            question.explanation = format!("依据{law}第{}条的规定。", i % 300 + 1);
            question.law = law.to_owned();
            question.article = format!("第{}条", i % 300 + 1);
            question.difficulty = Some((i % 5 + 1) as u8);
            question.tags = vec![law.to_owned()];
            question
        })
        .collect()
}

fn roster(count: usize) -> Vec<Person> {
    (0..count)
        .map(|i| {
            let department = format!("第{}区/第{}局/第{}科", i % 20, i % 250, i % 5000);
            let mut person = Person::new(
                format!("E{i:07}"),
                format!("职工{i}"),
                Department::parse(&department).unwrap_or_default(),
            );
            person.role = if i % 20 == 0 { "领导干部".to_owned() } else { "科员".to_owned() };
            person.status = if i % 97 == 0 { Status::Exempt } else { Status::Active };
            person
        })
        .collect()
}

fn fresh() -> (tempfile::TempDir, SqliteStore) {
    let dir = tempfile::tempdir().expect("temporary folder");
    let store = SqliteStore::open(&dir.path().join("xuefa.db")).expect("open");
    (dir, store)
}

fn import(c: &mut Criterion) {
    let now: Timestamp = "2026-03-01T00:00:00Z".parse().expect("time");
    let questions = bank(50_000);
    let people = roster(100_000);
    let mut group = c.benchmark_group("import");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(30));
    group.bench_function("bank 50,000 questions into a new workspace", |b| {
        b.iter_custom(|iterations| {
            let mut total = Duration::ZERO;
            for _ in 0..iterations {
                let (_dir, mut store) = fresh();
                let start = Instant::now();
                store.import_banks(&[("bank", &questions)], now, &mut |_, _| {}).expect("import");
                total += start.elapsed();
            }
            total
        });
    });
    group.bench_function("bank 50,000 questions again, unchanged", |b| {
        let (_dir, mut store) = fresh();
        store.import_banks(&[("bank", &questions)], now, &mut |_, _| {}).expect("import");
        b.iter(|| store.import_banks(&[("bank", &questions)], now, &mut |_, _| {}).expect("import"));
    });
    group.bench_function("roster 100,000 people into a new workspace", |b| {
        b.iter_custom(|iterations| {
            let mut total = Duration::ZERO;
            for _ in 0..iterations {
                let (_dir, mut store) = fresh();
                let start = Instant::now();
                store.import_roster(&people.iter().collect::<Vec<_>>(), now, &mut |_, _| {}).expect("import");
                total += start.elapsed();
            }
            total
        });
    });
    group.finish();
}

criterion_group!(benches, import);
criterion_main!(benches);
