//! The exam kernels at province scale: drawing papers from a 50,000-question pool, and
//! scoring answer sets.

use std::collections::HashSet;
use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use xuefa_core::exam::{Drawer, ExamSpec, Pool, PoolQuestion, Response, draw_paper, grade};
use xuefa_core::stats::{Attempt, Item, Mark, analyse};
use xuefa_core::{Answer, Kind, Letters, Question};

fn pool(count: usize) -> Pool {
    let laws = ["民法典", "行政处罚法", "行政许可法", "宪法", "国家安全法"];
    let questions = (0..count)
        .map(|i| {
            let (kind, options, answer) = match i % 10 {
                0..=4 => (Kind::Single, 4, Answer::Choice(Letters::empty().with(i % 4))),
                5 | 6 => (Kind::Multiple, 4, Answer::Choice(Letters::empty().with(0).with(2).with(3))),
                _ => (Kind::Judge, 0, Answer::Judge(i % 2 == 0)),
            };
            let options = (0..options).map(|o| format!("选项{o}")).collect();
            let mut question =
                Question::new(format!("Q{i:06}"), kind, format!("第{i}题的题干"), options, answer);
            question.law = laws[i % laws.len()].to_owned();
            question.difficulty = Some((i % 5 + 1) as u8);
            PoolQuestion::new("bank", 1, question)
        })
        .collect();
    Pool::new(questions)
}

const SPEC: &str = r#"
id = "bench"
title = "bench"
year = 2026
duration_minutes = 60
pass_mark = 60
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
difficulty = [1, 3]
"#;

fn kernels(c: &mut Criterion) {
    let spec = ExamSpec::from_toml(SPEC).expect("spec");
    let pool = pool(50_000);
    let none = HashSet::new();
    let mut group = c.benchmark_group("exam");
    group.sample_size(10);
    group.throughput(Throughput::Elements(100_000));
    group.bench_function("draw 100,000 papers of 50 from 50,000 questions", |b| {
        b.iter(|| {
            let drawer = Drawer::new(&spec, &pool);
            for employee in 0..100_000u32 {
                black_box(drawer.draw(7, &employee.to_string(), 1, &none).expect("paper"));
            }
        });
    });
    group.throughput(Throughput::Elements(1));
    group.bench_function("draw one paper, matching the pool first", |b| {
        b.iter(|| black_box(draw_paper(&spec, &pool, 7, "A001", 1, &none).expect("paper")));
    });
    let papers: Vec<_> = (0..1_000u32)
        .map(|e| draw_paper(&spec, &pool, 7, &e.to_string(), 1, &none).expect("paper"))
        .collect();
    let answers: Vec<Vec<Option<Response>>> = papers
        .iter()
        .enumerate()
        .map(|(p, paper)| {
            paper
                .questions
                .iter()
                .enumerate()
                .map(|(i, q)| match q.key {
                    Answer::Judge(truth) => Some(Response::Judge(truth ^ ((p + i) % 3 == 0))),
                    Answer::Choice(letters) => Some(Response::Choice(if (p + i) % 4 == 0 {
                        Letters::empty().with(0)
                    } else {
                        letters
                    })),
                    _ => None,
                })
                .collect()
        })
        .collect();
    let grading = spec.grading();
    group.throughput(Throughput::Elements(1_000_000));
    group.bench_function("score 1,000,000 answer sets of 50", |b| {
        b.iter(|| {
            for round in 0..1_000 {
                for (paper, responses) in papers.iter().zip(&answers) {
                    black_box(grade(paper, responses, &grading));
                }
                black_box(round);
            }
        });
    });
    // Item analysis of 100,000 attempts over the 50,000-question pool.
    let items: Vec<Item> = pool
        .questions()
        .iter()
        .map(|entry| {
            Item::new(entry.key(), entry.question.kind, entry.question.options.len(), entry.question.answer)
        })
        .collect();
    let index: std::collections::HashMap<String, usize> =
        pool.questions().iter().enumerate().map(|(i, entry)| (entry.key(), i)).collect();
    let attempts: Vec<Attempt> = (0..100_000usize)
        .map(|n| {
            let paper = &papers[n % papers.len()];
            let responses = &answers[(n / papers.len() + n) % answers.len()];
            let outcome = grade(paper, responses, &grading);
            Attempt::new(
                paper
                    .questions
                    .iter()
                    .enumerate()
                    .map(|(i, q)| {
                        Mark::new(
                            index[&format!("{}:{}", q.bank, q.id)],
                            outcome.score.marks[i],
                            q.points,
                            responses[i],
                        )
                    })
                    .collect(),
            )
        })
        .collect();
    group.throughput(Throughput::Elements(100_000));
    group.bench_function("analyse 100,000 attempts of 50 over 50,000 items", |b| {
        b.iter(|| black_box(analyse(&items, &attempts)));
    });
    group.finish();
}

criterion_group!(benches, kernels);
criterion_main!(benches);
