//! Item statistics from a bank and a CSV of answers (`employee,question,answer`), using only
//! xuefa-core: which questions are too easy, too hard, or probably have a wrong key.
//!
//! `cargo run -p xuefa-core --example item_stats -- question-banks/宪法.csv crates/xuefa-core/examples/data/answers.csv`

use std::collections::{BTreeMap, HashMap};

use xuefa_core::exam::Response;
use xuefa_core::read::{Column, read_table};
use xuefa_core::stats::{Attempt, Item, Mark, analyse};
use xuefa_core::{Answer, Bank, ReadOptions};

const COLUMNS: &[Column] = &[
    Column { headers: &["employee", "工号"], required: true },
    Column { headers: &["question", "题号"], required: true },
    Column { headers: &["answer", "答案"], required: true },
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let bank_path = args.next().unwrap_or_else(|| "question-banks/宪法.csv".to_owned());
    let answers_path =
        args.next().unwrap_or_else(|| "crates/xuefa-core/examples/data/answers.csv".to_owned());

    let loaded = Bank::read(&bank_path, &std::fs::read(&bank_path)?, &ReadOptions::new());
    if loaded.has_errors() {
        return Err(format!("{bank_path} has errors").into());
    }
    let questions = loaded.bank.questions();
    let items: Vec<Item> =
        questions.iter().map(|q| Item::new(q.id.clone(), q.kind, q.options.len(), q.answer)).collect();
    let index: HashMap<&str, usize> = questions.iter().enumerate().map(|(i, q)| (q.id.as_str(), i)).collect();

    let table = read_table(&answers_path, &std::fs::read(&answers_path)?, &ReadOptions::new(), COLUMNS);
    for problem in &table.problems {
        eprintln!("{}", problem.render(xuefa_core::Lang::En));
    }
    // One attempt per employee; a question is worth one point, for exactly its key.
    let mut attempts: BTreeMap<String, Vec<Mark>> = BTreeMap::new();
    for row in &table.rows {
        let cell = |i: usize| row.cells[i].clone().unwrap_or_default();
        let Some(&item) = index.get(cell(1).as_str()) else {
            eprintln!("{}: no question `{}` in the bank", row.location, cell(1));
            continue;
        };
        let question = &questions[item];
        let picked = Response::parse(&cell(2), question.kind, question.options.len());
        let right = match (picked, question.answer) {
            (Some(Response::Choice(given)), Answer::Choice(key)) => given == key,
            (Some(Response::Judge(given)), Answer::Judge(key)) => given == key,
            _ => false,
        };
        let points = if right { 1.0 } else { 0.0 };
        attempts.entry(cell(0)).or_default().push(Mark::new(item, points, 1.0, picked));
    }
    let attempts: Vec<Attempt> = attempts.into_values().map(Attempt::new).collect();
    let analysis = analyse(&items, &attempts);

    let show = |value: Option<f64>| value.map_or_else(|| "—".to_owned(), |v| format!("{v:.1}"));
    println!(
        "{} attempts, mean {}, alpha {}",
        analysis.test.attempts,
        show(analysis.test.mean),
        show(analysis.test.cronbach_alpha)
    );
    println!("{:<10} {:>5} {:>8} {:>8} {:>8}  picks  flags", "question", "n", "facility", "discrim", "effic");
    for stats in analysis.items.iter().filter(|s| s.attempts > 0) {
        println!(
            "{:<10} {:>5} {:>8} {:>8} {:>8}  {:?}  {}",
            stats.item,
            stats.attempts,
            show(stats.facility),
            show(stats.discrimination_index),
            show(stats.discriminative_efficiency),
            stats.picks,
            stats.flags.join(", ")
        );
    }
    Ok(())
}
