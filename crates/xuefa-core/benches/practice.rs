//! The daily quiz of issue 18's target: one person who has answered 5,000 questions (500 of
//! them in the wrong-answer book, 200 due) in a 50,000-question workspace.

use std::collections::HashMap;
use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use xuefa_core::Date;
use xuefa_core::practice::{BookEntry, LawRecord, QuizCandidate, daily_quiz, quiz};

fn bench(c: &mut Criterion) {
    let laws = ["民法典", "行政处罚法", "行政许可法", "宪法", "国家安全法"];
    let today = Date::constant(2026, 12, 4);
    let ids: Vec<String> = (0..50_000).map(|i| format!("Q{i:06}")).collect();
    let candidates: Vec<QuizCandidate<'_>> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| QuizCandidate {
            bank: "bank",
            id,
            law: laws[i % laws.len()],
            book: (i % 100 == 0).then(|| BookEntry {
                box_number: (i % 5 + 1) as u8,
                due: today.saturating_add(jiff::Span::new().days((i % 5) as i64 - 2)),
                wrong: 1,
            }),
            seen: i % 10 == 0,
        })
        .collect();
    let records: HashMap<&str, LawRecord> = laws
        .iter()
        .enumerate()
        .map(|(i, law)| (*law, LawRecord { answered: 1000, right: 500 + 100 * i as u32 }))
        .collect();
    c.bench_function("daily quiz of 5 from 50,000 questions", |b| {
        b.iter(|| black_box(daily_quiz("A000001", today, 5, black_box(&candidates), &records)))
    });
    // What the store hands over: the 5,000 questions met, and the 45,000 never met by number.
    let met: Vec<QuizCandidate<'_>> =
        candidates.iter().filter(|c| c.seen || c.book.is_some()).cloned().collect();
    c.bench_function("daily quiz of 5: 5,000 met, 45,000 unseen by number", |b| {
        b.iter(|| black_box(quiz("A000001", today, 5, black_box(&met), &records, 45_000)))
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = bench
}
criterion_main!(benches);
