//! Reading and writing a 50,000-question bank, the size of a province's bank.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use xuefa_core::{Bank, Lang, ReadOptions, write_csv, write_json, write_xlsx};

const QUESTIONS: usize = 50_000;

/// Returns a realistic bank as CSV: Chinese stems and options of ordinary length, the three
/// kinds in the 5:2:3 mix, explanations, laws, articles and tags.
fn bank_csv(questions: usize) -> Vec<u8> {
    let mut csv =
        String::from("\u{feff}题号,题型,题干,选项A,选项B,选项C,选项D,答案,解析,法律,条款,难度,标签\n");
    let laws = ["民法典", "行政处罚法", "行政许可法", "宪法", "国家安全法"];
    for i in 0..questions {
        let law = laws[i % laws.len()];
        let (kind, options, answer) = match i % 10 {
            0..=4 => ("单选", "甲选项内容,乙选项内容,丙选项内容,丁选项内容", ["A", "B", "C", "D"][i % 4]),
            5 | 6 => ("多选", "甲选项内容,乙选项内容,丙选项内容,丁选项内容", "ACD"),
            _ => ("判断", ",,,", if i % 2 == 0 { "对" } else { "错" }),
        };
        csv.push_str(&format!(
            "Q{i:06},{kind},\"依照《{law}》的规定，下列关于第{i}号情形的说法，正确的是（ ）。\",{options},{answer},\
             \"依据{law}第{n}条的规定，本题答案为{answer}。\",{law},第{n}条,{d},{law};第{t}章\n",
            n = i % 300 + 1,
            d = i % 5 + 1,
            t = i % 9 + 1,
        ));
    }
    csv.into_bytes()
}

fn read_bank(c: &mut Criterion) {
    let csv = bank_csv(QUESTIONS);
    let loaded = Bank::read("bank.csv", &csv, &ReadOptions::new());
    assert!(!loaded.has_errors() && loaded.bank.len() == QUESTIONS);
    let questions = loaded.bank.into_questions();
    let xlsx = write_xlsx(&questions, Lang::Zh).expect("xlsx");
    let json = write_json(&questions);
    let (gbk, _, _) = encoding_rs::GBK.encode(std::str::from_utf8(&csv[3..]).expect("utf-8"));

    let mut group = c.benchmark_group("read 50,000 questions");
    group.sample_size(10);
    group.throughput(Throughput::Elements(QUESTIONS as u64));
    group.bench_function("csv utf-8", |b| {
        b.iter(|| Bank::read("bank.csv", black_box(&csv), &ReadOptions::new()))
    });
    group.bench_function("csv gbk", |b| {
        b.iter(|| Bank::read("bank.csv", black_box(&gbk), &ReadOptions::new()))
    });
    group.bench_function("xlsx", |b| {
        b.iter(|| Bank::read("bank.xlsx", black_box(&xlsx), &ReadOptions::new()))
    });
    group.bench_function("json", |b| {
        b.iter(|| Bank::read("bank.json", black_box(json.as_bytes()), &ReadOptions::new()))
    });
    group.finish();

    let mut group = c.benchmark_group("write 50,000 questions");
    group.sample_size(10);
    group.throughput(Throughput::Elements(QUESTIONS as u64));
    group.bench_function("csv", |b| b.iter(|| write_csv(black_box(&questions), Lang::Zh)));
    group.bench_function("json", |b| b.iter(|| write_json(black_box(&questions))));
    group.bench_function("xlsx", |b| b.iter(|| write_xlsx(black_box(&questions), Lang::Zh)));
    group.finish();
}

criterion_group!(benches, read_bank);
criterion_main!(benches);
