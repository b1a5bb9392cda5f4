//! The annual exam: `exam.toml`, and `answers.csv`, the answer sheets as a paper-exam scanner
//! writes them (one row per person and attempt, the answers by question number on that
//! person's paper). Each paper is the one xuefa draws: the same pool (the bank as xuefa reads
//! it, sorted), the same blueprint and the exam seed given to `xuefa exam create --seed`.

use std::collections::{HashMap, HashSet};
use std::io::Write;

use xuefa_core::exam::{Drawer, ExamSpec, Grading, Paper, Response, grade};
use xuefa_core::{Answer, Kind, Letters, Question};

use crate::par;
use crate::people::{Person, Status};
use crate::rng::{Rng, Stream};

pub const EXAM_ID: &str = "2026-annual";
pub const QUESTIONS: usize = 50;

/// The blueprint: 25 single, 10 multiple and 15 true/false questions of 2 points, pass at 60;
/// two attempts (补考 draws questions not seen before); always open.
pub fn spec_text(year: i32) -> String {
    format!(
        r#"# The annual law exam of the benchmark data set (xuefa-gen).
id = "{EXAM_ID}"
title = "{year}年度学法考试"
year = {year}
duration_minutes = 90
pass_mark = 60
attempts = 2
counts = "highest"

[[sections]]
kind = "single"
count = 25
points = 2
banks = ["bank"]

[[sections]]
kind = "multiple"
count = 10
points = 2
banks = ["bank"]

[[sections]]
kind = "judge"
count = 15
points = 2
banks = ["bank"]
"#
    )
}

/// What the answer sheets hold.
#[derive(Debug, Default, Clone)]
pub struct Totals {
    pub expected: u64,
    pub sat: u64,
    pub first_attempts: u64,
    pub retakes: u64,
    pub passed_first: u64,
    pub passed_retake: u64,
    pub passed_people: u64,
    /// The sum of every attempt's score, and of each person's best.
    pub score_sum: f64,
    pub best_sum: f64,
    pub blank_answers: u64,
    /// Active people who did not sit, by index (the first few of each chunk).
    pub not_sat: Vec<usize>,
}

impl Totals {
    fn add(&mut self, other: Totals) {
        self.expected += other.expected;
        self.sat += other.sat;
        self.first_attempts += other.first_attempts;
        self.retakes += other.retakes;
        self.passed_first += other.passed_first;
        self.passed_retake += other.passed_retake;
        self.passed_people += other.passed_people;
        self.score_sum += other.score_sum;
        self.best_sum += other.best_sum;
        self.blank_answers += other.blank_answers;
        self.not_sat.extend(other.not_sat);
    }
}

/// What an answer sheet needs to know about the pool: each question's difficulty by id.
#[derive(Debug)]
pub struct Sheets<'a> {
    pub drawer: Drawer<'a>,
    pub grading: Grading,
    pub difficulty: HashMap<&'a str, u8>,
    pub seed: u64,
    pub exam_seed: u64,
}

impl<'a> Sheets<'a> {
    pub fn new(
        spec: &'a ExamSpec,
        pool: &'a xuefa_core::exam::Pool,
        questions: &'a [Question],
        seed: u64,
        exam_seed: u64,
    ) -> Self {
        let difficulty = questions.iter().map(|q| (q.id.as_str(), q.difficulty.unwrap_or(3))).collect();
        Sheets { drawer: Drawer::new(spec, pool), grading: spec.grading(), difficulty, seed, exam_seed }
    }

    /// Returns the paper of an attempt.
    pub fn paper(&self, employee: &str, attempt: u32, seen: &HashSet<String>) -> Paper {
        match self.drawer.draw(self.exam_seed, employee, attempt, seen) {
            Ok(paper) => paper,
            Err(error) => panic!("the bank cannot fill the exam: {error}"),
        }
    }

    /// Returns a person's answers: right with a probability that grows with ability and
    /// falls with difficulty; a wrong answer picks a distractor; a few are left blank.
    pub fn answer(&self, paper: &Paper, ability: f64, rng: &mut Rng) -> Vec<Option<Response>> {
        paper
            .questions
            .iter()
            .map(|q| {
                if rng.chance(0.004) {
                    return None;
                }
                let difficulty = f64::from(*self.difficulty.get(q.id.as_str()).unwrap_or(&3));
                let easiness = match q.kind {
                    Kind::Multiple => -0.6,
                    Kind::Judge => 0.4,
                    _ => 0.0,
                };
                let p = 1.0 / (1.0 + (-(ability + easiness - 0.5 * (difficulty - 3.0))).exp());
                let right = rng.chance(p);
                Some(match q.key {
                    Answer::Judge(truth) => Response::Judge(truth == right),
                    Answer::Choice(key) if right => Response::Choice(key),
                    Answer::Choice(key) => Response::Choice(distractor(key, q.options.len(), rng)),
                    _ => return None,
                })
            })
            .collect()
    }
}

/// Returns a wrong pick: another option for one correct answer; for several, one correct
/// option dropped or a wrong one added.
fn distractor(key: Letters, options: usize, rng: &mut Rng) -> Letters {
    let wrong: Vec<usize> = (0..options).filter(|&i| !key.contains(i)).collect();
    if key.len() == 1 {
        return wrong.get(rng.index(wrong.len().max(1))).map_or(key, |&i| Letters::empty().with(i));
    }
    let right: Vec<usize> = key.indexes().collect();
    if wrong.is_empty() || rng.chance(0.5) {
        let drop = right[rng.index(right.len())];
        right.iter().filter(|&&i| i != drop).fold(Letters::empty(), |l, &i| l.with(i))
    } else {
        key.with(wrong[rng.index(wrong.len())])
    }
}

/// Returns a response as a scanner writes it: letters as shown, 对/错.
pub fn cell(response: Option<&Response>) -> String {
    match response {
        None => String::new(),
        Some(Response::Choice(letters)) => letters.to_string(),
        Some(Response::Judge(true)) => "对".to_owned(),
        Some(Response::Judge(false)) => "错".to_owned(),
        Some(other) => other.canonical(),
    }
}

const CHUNK: usize = 2_000;

/// Writes `answers.csv`: 97 % of the active people sit; who fails sits the 补考 with
/// probability 0.8.
pub fn write_answers(
    out: &mut impl Write,
    sheets: &Sheets<'_>,
    people: &[Person],
    threads: usize,
) -> std::io::Result<Totals> {
    let mut header = vec!["工号".to_owned(), "次数".to_owned()];
    header.extend((1..=QUESTIONS).map(|n| n.to_string()));
    out.write_all(&csv_line(&header)?)?;
    let mut totals = Totals::default();
    par::ordered(
        people.len().div_ceil(CHUNK),
        threads,
        |chunk| {
            let mut totals = Totals::default();
            let mut writer = csv::Writer::from_writer(Vec::with_capacity(CHUNK * 200));
            let first = chunk * CHUNK;
            for (index, person) in people.iter().enumerate().skip(first).take(CHUNK) {
                if person.status != Status::Active {
                    continue;
                }
                totals.expected += 1;
                let mut rng = Rng::derive(sheets.seed, Stream::Exam, index as u64);
                if !rng.chance(0.97) {
                    if totals.not_sat.len() < 8 {
                        totals.not_sat.push(index);
                    }
                    continue;
                }
                totals.sat += 1;
                let employee = Person::id(index);
                let mut seen = HashSet::new();
                let mut best: f64 = 0.0;
                let mut passed = false;
                for attempt in 1..=2 {
                    let paper = sheets.paper(&employee, attempt, &seen);
                    // A 补考 comes after some study: a little more able.
                    let ability = f64::from(person.ability) + if attempt == 2 { 0.3 } else { 0.0 };
                    let responses = sheets.answer(&paper, ability, &mut rng);
                    let outcome = grade(&paper, &responses, &sheets.grading);
                    totals.blank_answers += responses.iter().filter(|r| r.is_none()).count() as u64;
                    totals.score_sum += outcome.score.total;
                    best = best.max(outcome.score.total);
                    passed |= outcome.passed;
                    if attempt == 1 {
                        totals.first_attempts += 1;
                        totals.passed_first += u64::from(outcome.passed);
                    } else {
                        totals.retakes += 1;
                        totals.passed_retake += u64::from(outcome.passed);
                    }
                    let mut row = vec![employee.clone(), attempt.to_string()];
                    row.extend(responses.iter().map(|r| cell(r.as_ref())));
                    if writer.write_record(&row).is_err() {
                        break;
                    }
                    if outcome.passed || !rng.chance(0.8) {
                        break;
                    }
                    seen.extend(paper.question_keys());
                }
                totals.best_sum += best;
                totals.passed_people += u64::from(passed);
            }
            (writer.into_inner().unwrap_or_default(), totals)
        },
        |_, (bytes, chunk_totals): (Vec<u8>, Totals)| {
            totals.add(chunk_totals);
            out.write_all(&bytes)
        },
    )?;
    Ok(totals)
}

fn csv_line(fields: &[String]) -> std::io::Result<Vec<u8>> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(fields).map_err(std::io::Error::other)?;
    writer.into_inner().map_err(|e| std::io::Error::other(e.to_string()))
}

/// Returns the answers file `xuefa exam take --answers` reads for a person's first paper:
/// `{"question id": "AC" | "T" | "F"}`, letters as shown on that paper.
pub fn take_answers(sheets: &Sheets<'_>, employee: &str, ability: f64, index: usize) -> serde_json::Value {
    let paper = sheets.paper(employee, 1, &HashSet::new());
    let mut rng = Rng::derive(sheets.seed, Stream::Take, index as u64);
    let responses = sheets.answer(&paper, ability, &mut rng);
    let answers: serde_json::Map<String, serde_json::Value> = paper
        .questions
        .iter()
        .zip(&responses)
        .filter_map(|(q, r)| r.map(|r| (q.id.clone(), serde_json::Value::String(r.canonical()))))
        .collect();
    serde_json::Value::Object(answers)
}
