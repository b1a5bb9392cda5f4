//! `xuefa-gen SCALE OUT_DIR [--seed N]`: writes the files of a synthetic data set for the
//! benchmarks, as an office would have them — a question bank, a roster, a year of study
//! sessions with monthly sign-in sheets, the annual exam's blueprint and the answer sheets of
//! its paper exam — plus `dataset.json` with what was generated. The same seed gives the same
//! bytes, whatever the number of threads.

mod bank;
mod day;
mod exam;
mod par;
mod people;
mod rng;
mod study;
mod text;

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::{Parser, ValueEnum};
use serde_json::json;
use xuefa_core::exam::{ExamSpec, Pool, PoolQuestion};
use xuefa_core::{Bank, ReadOptions};

const YEAR: i32 = 2026;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Scale {
    /// 1,000 people, 10 departments, 300 questions (tests).
    Tiny,
    /// 10,000 people, 50 departments, 500 questions.
    Small,
    /// 100,000 people, 500 departments, 5,000 questions.
    Medium,
    /// 1,000,000 people, 5,000 departments, 50,000 questions.
    Province,
}

impl Scale {
    /// People, leaf departments, questions.
    fn size(self) -> (u32, u32, u32) {
        match self {
            Scale::Tiny => (1_000, 10, 300),
            Scale::Small => (10_000, 50, 500),
            Scale::Medium => (100_000, 500, 5_000),
            Scale::Province => (1_000_000, 5_000, 50_000),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Scale::Tiny => "tiny",
            Scale::Small => "small",
            Scale::Medium => "medium",
            Scale::Province => "province",
        }
    }
}

#[derive(Debug, Parser)]
#[command(name = "xuefa-gen", version, about = "Writes a synthetic xuefa data set for the benchmarks")]
struct Args {
    /// The size of the data set.
    #[arg(value_enum)]
    scale: Scale,
    /// The folder to write into (created when missing).
    out_dir: PathBuf,
    /// The seed of the data (people, questions, sessions, answers).
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// The seed given to `xuefa exam create --seed`, which decides every paper.
    #[arg(long, default_value_t = 42)]
    exam_seed: u64,
    /// Worker threads (default: every core).
    #[arg(long)]
    threads: Option<usize>,
}

type Error = Box<dyn std::error::Error>;

fn create(dir: &Path, name: &str) -> Result<BufWriter<File>, Error> {
    let path = dir.join(name);
    let file = File::create(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(BufWriter::with_capacity(1 << 20, file))
}

fn step(started: Instant, what: &str) {
    eprintln!("xuefa-gen: {what} ({:.1} s)", started.elapsed().as_secs_f64());
}

fn main() {
    let args = Args::parse();
    if let Err(error) = run(&args) {
        eprintln!("xuefa-gen: {error}");
        std::process::exit(1);
    }
}

fn run(args: &Args) -> Result<(), Error> {
    let started = Instant::now();
    let threads = args.threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()));
    let (people_count, leaf_count, question_count) = args.scale.size();
    let dir = &args.out_dir;
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;

    // The bank, then read back as xuefa reads it: the papers are drawn from exactly that.
    let mut out = create(dir, "bank.csv")?;
    let kinds = bank::write(&mut out, args.seed, question_count)?;
    out.flush()?;
    drop(out);
    let bytes = std::fs::read(dir.join("bank.csv"))?;
    let loaded = Bank::read("bank.csv", &bytes, &ReadOptions::new());
    if let Some(problem) = loaded.problems.first() {
        return Err(format!(
            "the generated bank has problems, first: {}",
            problem.render(xuefa_core::Lang::En)
        )
        .into());
    }
    let questions = loaded.bank.into_questions();
    step(started, &format!("bank.csv: {} questions", questions.len()));

    let units = people::Units::new(leaf_count);
    let people = people::people(args.seed, people_count, &units, YEAR);
    let mut out = create(dir, "roster.csv")?;
    people::write(&mut out, &people, &units)?;
    out.flush()?;
    drop(out);
    step(started, &format!("roster.csv: {} people", people.len()));

    let sessions = study::sessions(args.seed, &units, YEAR);
    let mut out = create(dir, "sessions.csv")?;
    study::write_sessions(&mut out, &sessions, &units)?;
    out.flush()?;
    drop(out);
    let audiences = study::Audiences::new(&people, &units);
    let mut months = Vec::new();
    let mut marks = study::Marks::default();
    for month in 1..=12u32 {
        let of_month: Vec<usize> =
            (0..sessions.len()).filter(|&s| day::civil(sessions[s].day).1 == month).collect();
        let name = format!("attendance-{month:02}.csv");
        let mut out = create(dir, &name)?;
        let month_marks =
            study::write_month(&mut out, args.seed, &sessions, &of_month, &people, &audiences, threads)?;
        out.flush()?;
        for (a, b) in marks.by_status.iter_mut().zip(month_marks.by_status) {
            *a += b;
        }
        marks.with_hours += month_marks.with_hours;
        months.push(json!({"file": name, "sessions": of_month.len(), "marks": month_marks.total()}));
    }
    step(
        started,
        &format!("sessions.csv: {} sessions; attendance-*.csv: {} marks", sessions.len(), marks.total()),
    );

    let spec_text = exam::spec_text(YEAR);
    std::fs::write(dir.join("exam.toml"), &spec_text)?;
    let spec = ExamSpec::from_toml(&spec_text).map_err(|problems| format!("exam.toml: {problems:?}"))?;
    let pool = Pool::new(questions.iter().map(|q| PoolQuestion::new("bank", 1, q.clone())).collect())
        .for_spec(&spec);
    let sheets = exam::Sheets::new(&spec, &pool, &questions, args.seed, args.exam_seed);
    let mut out = create(dir, "answers.csv")?;
    let totals = exam::write_answers(&mut out, &sheets, &people, threads)?;
    out.flush()?;
    drop(out);
    step(started, &format!("answers.csv: {} attempts", totals.first_attempts + totals.retakes));

    // People who have not sat, for the benchmarks of `exam take`: the first ones start an
    // attempt (first question), the others submit an answers file.
    let mut not_sat = totals.not_sat.clone();
    not_sat.sort_unstable();
    let (first, submit) = not_sat.split_at(not_sat.len() / 2);
    let take_dir = dir.join("take");
    std::fs::create_dir_all(&take_dir)?;
    let mut submits = Vec::new();
    for &index in submit.iter().take(20) {
        let employee = people::Person::id(index);
        let answers = exam::take_answers(&sheets, &employee, f64::from(people[index].ability), index);
        let file = format!("take/{employee}.json");
        std::fs::write(dir.join(&file), serde_json::to_string_pretty(&answers)?)?;
        submits.push(json!({"employee": employee, "answers": file}));
    }

    let count = |status: people::Status| people.iter().filter(|p| p.status == status).count();
    let mut session_kinds = serde_json::Map::new();
    for kind in study::Kind::ALL {
        session_kinds
            .insert(kind.as_str().to_owned(), json!(sessions.iter().filter(|s| s.kind == kind).count()));
    }
    let attempts = totals.first_attempts + totals.retakes;
    let dataset = json!({
        "scale": args.scale.name(),
        "seed": args.seed,
        "exam_seed": args.exam_seed,
        "year": YEAR,
        "generator": concat!("xuefa-gen ", env!("CARGO_PKG_VERSION")),
        "questions": {
            "total": questions.len(),
            "single": kinds.single,
            "multiple": kinds.multiple,
            "judge": kinds.judge,
        },
        "departments": {
            "leaves": units.leaves.len(),
            "bureaus": units.bureaus.len(),
            "top_units": units.tops.len(),
            "paths": units.path_count(),
        },
        "people": {
            "total": people.len(),
            "active": count(people::Status::Active),
            "exempt": count(people::Status::Exempt),
            "left": count(people::Status::Left),
            "leaders": people.iter().filter(|p| p.is_leader()).count(),
            "joined_in_year": people.iter().filter(|p| p.joined_in(YEAR)).count(),
        },
        "sessions": {
            "total": sessions.len(),
            "by_kind": session_kinds,
        },
        "marks": {
            "total": marks.total(),
            "present": marks.by_status[0],
            "late": marks.by_status[1],
            "left_early": marks.by_status[2],
            "excused": marks.by_status[3],
            "absent": marks.by_status[4],
            "with_own_hours": marks.with_hours,
            "files": months,
        },
        "exam": {
            "id": exam::EXAM_ID,
            "questions_per_paper": exam::QUESTIONS,
            "expected": totals.expected,
            "sat": totals.sat,
            "attempts": attempts,
            "first_attempts": totals.first_attempts,
            "retakes": totals.retakes,
            "passed_first": totals.passed_first,
            "passed_retake": totals.passed_retake,
            "passed_people": totals.passed_people,
            "passed_attempts": totals.passed_first + totals.passed_retake,
            "score_sum": (totals.score_sum * 1000.0).round() / 1000.0,
            "best_score_sum": (totals.best_sum * 1000.0).round() / 1000.0,
            "blank_answers": totals.blank_answers,
        },
        "take": {
            "first_question": first.iter().map(|&i| people::Person::id(i)).collect::<Vec<_>>(),
            "submit": submits,
        },
        "seconds": (started.elapsed().as_secs_f64() * 10.0).round() / 10.0,
    });
    std::fs::write(dir.join("dataset.json"), serde_json::to_string_pretty(&dataset)? + "\n")?;
    step(started, &format!("done: {}", dir.display()));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn generate(dir: &Path, threads: usize) -> Result<(), Error> {
        let _ = std::fs::remove_dir_all(dir);
        run(&Args {
            scale: Scale::Tiny,
            out_dir: dir.to_owned(),
            seed: 7,
            exam_seed: 42,
            threads: Some(threads),
        })
    }

    #[test]
    fn a_data_set_depends_on_its_seed_only() -> Result<(), Error> {
        let base = std::env::temp_dir().join(format!("xuefa-gen-test-{}", std::process::id()));
        let (one, three) = (base.join("one"), base.join("three"));
        generate(&one, 1)?;
        generate(&three, 3)?;
        let mut names: Vec<String> = std::fs::read_dir(&one)?
            .filter_map(|e| e.ok())
            .filter(|e| e.path().is_file())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|name| name != "dataset.json")
            .collect();
        names.sort();
        assert_eq!(names.len(), 17, "{names:?}");
        for name in &names {
            assert!(std::fs::read(one.join(name))? == std::fs::read(three.join(name))?, "{name} differs");
        }

        // Stems are distinct, and the kinds come in about the proportions asked for.
        let bank = std::fs::read(one.join("bank.csv"))?;
        let loaded = Bank::read("bank.csv", &bank, &ReadOptions::new());
        assert!(loaded.problems.is_empty());
        let questions = loaded.bank.questions();
        let stems: std::collections::HashSet<&str> = questions.iter().map(|q| q.stem.as_str()).collect();
        assert_eq!(stems.len(), questions.len());
        let singles = questions.iter().filter(|q| q.kind == xuefa_core::Kind::Single).count();
        assert!((120..=180).contains(&singles), "{singles} single of 300");

        // Answer rows: a header, then one row per attempt with 50 answers.
        let dataset: serde_json::Value = serde_json::from_slice(&std::fs::read(one.join("dataset.json"))?)?;
        let answers = std::fs::read_to_string(one.join("answers.csv"))?;
        assert_eq!(answers.lines().count() as u64 - 1, dataset["exam"]["attempts"].as_u64().unwrap_or(0));
        assert!(answers.lines().all(|line| line.split(',').count() == 52));
        let marks: u64 = (1..=12)
            .map(|m| {
                std::fs::read_to_string(one.join(format!("attendance-{m:02}.csv")))
                    .map(|t| t.lines().count() as u64 - 1)
            })
            .sum::<std::io::Result<u64>>()?;
        assert_eq!(marks, dataset["marks"]["total"].as_u64().unwrap_or(0));
        std::fs::remove_dir_all(&base)?;
        Ok(())
    }
}
