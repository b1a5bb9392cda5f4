//! A sitting over stdin and stdout with nothing but xuefa-core: read a bank, draw a paper,
//! ask each question, score, print the result.
//!
//! `cargo run -p xuefa-core --example sitting -- question-banks/宪法.csv A001`

use std::collections::HashSet;
use std::io::{BufRead, Write};

use xuefa_core::exam::{ExamSpec, Pool, PoolQuestion, Response, Sitting, draw_paper};
use xuefa_core::{Bank, Kind, ReadOptions, Timestamp, letter};

const SPEC: &str = r#"
id = "practice"
title = "学法练习"
year = 2026
duration_minutes = 20
pass_mark = 6
[[sections]]
kind = "single"
count = 5
points = 1
[[sections]]
kind = "judge"
count = 5
points = 1
"#;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args.next().unwrap_or_else(|| "question-banks/宪法.csv".to_owned());
    let employee = args.next().unwrap_or_else(|| "A001".to_owned());

    let loaded = Bank::read(&path, &std::fs::read(&path)?, &ReadOptions::new());
    for problem in &loaded.problems {
        eprintln!("{}", problem.render(xuefa_core::Lang::Zh));
    }
    if loaded.has_errors() {
        return Err("the bank has errors".into());
    }
    let pool = Pool::new(
        loaded.bank.into_questions().into_iter().map(|q| PoolQuestion::new("bank", 1, q)).collect(),
    );
    let spec = ExamSpec::from_toml(SPEC).map_err(|problems| format!("{problems:?}"))?;
    let paper = draw_paper(&spec, &pool, 2026, &employee, 1, &HashSet::new())?;

    let start = Timestamp::now();
    let deadline =
        start.checked_add(std::time::Duration::from_secs(60 * u64::from(spec.duration_minutes)))?;
    let mut sitting = Sitting::new(paper, spec.grading(), deadline);
    let stdin = std::io::stdin();
    let mut lines = stdin.lock().lines();
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}：共 {} 题，{} 分钟", spec.title, sitting.len(), spec.duration_minutes)?;
    for index in 0..sitting.len() {
        let question = sitting.paper().questions[index].clone();
        writeln!(out, "\n{}. {}", question.number, question.stem)?;
        for (i, option) in question.options.iter().enumerate() {
            writeln!(out, "   {}. {option}", letter(i))?;
        }
        if question.kind == Kind::Judge {
            writeln!(out, "   （答 对 或 错）")?;
        }
        loop {
            write!(out, "答案> ")?;
            out.flush()?;
            let Some(line) = lines.next() else { break };
            let line = line?;
            match Response::parse(&line, question.kind, question.options.len()) {
                Some(response) => {
                    sitting.answer(index, response, Timestamp::now())?;
                    break;
                }
                None if line.trim().is_empty() => break,
                None => writeln!(out, "“{}”不是有效答案", line.trim())?,
            }
        }
    }
    let outcome = sitting.submit().clone();
    writeln!(
        out,
        "\n成绩：{} / {}，{}（{}）",
        outcome.score.total,
        outcome.score.max,
        if outcome.passed { "合格" } else { "不合格" },
        outcome.band
    )?;
    for (question, mark) in sitting.paper().questions.iter().zip(&outcome.score.marks) {
        if *mark < question.points {
            // The explanation names the bank's letters; the paper shows its own order.
            let bank_letters: String = match question.key {
                xuefa_core::Answer::Choice(shown) => question.bank_letters(shown).to_string(),
                key => key.to_string(),
            };
            writeln!(
                out,
                "第 {} 题答案：{}（题库原顺序 {bank_letters}）  {}",
                question.number, question.key, question.explanation
            )?;
        }
    }
    Ok(())
}
