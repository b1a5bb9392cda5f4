//! The exam day: every employee signs in and starts at a random moment of the sign-in
//! window, then answers each question after a think time, changes one earlier answer now and
//! then, and submits. Think times are divided by the compression factor; the sign-in window
//! is not.

use std::fmt::Write as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::api::{Ctx, Person};
use crate::paper::{Code, NONE, Question, UNSURE, random_answer, text};
use crate::procfs::Sampler;
use crate::report;
use crate::rng::Rng;
use crate::stats::{Endpoint, Rec, latency, seconds};

/// How the day runs.
#[derive(Debug, Clone)]
pub struct Plan {
    pub users: usize,
    pub questions: usize,
    pub compress: f64,
    pub think_min: f64,
    pub think_max: f64,
    pub start_window: f64,
    pub change_percent: f64,
    pub seed: u64,
}

/// What one employee did.
#[derive(Debug, Default)]
pub struct Outcome {
    pub attempt: Option<i64>,
    pub questions: Vec<Question>,
    /// The last acknowledged answer of each question (NONE, or UNSURE after a failed save).
    pub answers: Vec<Code>,
    pub submitted: bool,
    /// When the employee was due to sign in (ms since the run began).
    pub start_ms: u32,
    /// When the last save was due, once every question was answered.
    pub finished_ms: Option<u32>,
    /// Saves whose `answered` was not the number of questions answered so far.
    pub answered_mismatches: u32,
    pub changed: bool,
}

async fn sleep_until(at: Instant) {
    tokio::time::sleep_until(tokio::time::Instant::from_std(at)).await;
}

/// Saves `code` to question `number` and keeps what was acknowledged.
#[allow(clippy::too_many_arguments)] // the sitting's parts, borrowed separately from `out`
async fn save(
    ctx: &Ctx,
    session: &str,
    attempt: i64,
    questions: &[Question],
    number: usize,
    code: Code,
    due: Instant,
    out: &mut Outcome,
) {
    let answer = text(questions[number - 1], code);
    match ctx.save(session, attempt, number, &answer, due).await {
        Ok(acked) => {
            out.answers[number - 1] = code;
            if !out.answers.contains(&UNSURE) {
                let answered = out.answers.iter().filter(|&&a| a != NONE).count();
                if answered != acked.answered as usize {
                    out.answered_mismatches += 1;
                }
            }
        }
        Err(()) => out.answers[number - 1] = UNSURE,
    }
}

async fn employee(
    ctx: Arc<Ctx>,
    plan: Arc<Plan>,
    person: Person,
    index: usize,
    signed: Arc<AtomicU64>,
) -> Outcome {
    let t0 = ctx.rec.start();
    let mut rng = Rng::new(plan.seed, index as u64);
    let due = t0 + seconds(rng.between(0.0, plan.start_window));
    let mut out = Outcome { start_ms: ctx.rec.ms(due), ..Outcome::default() };
    sleep_until(due).await;
    let Ok(session) = ctx.login(&person, due).await else { return out };
    signed.fetch_add(1, Ordering::Relaxed);
    if ctx.exams(&session, Instant::now()).await.is_err() {
        return out;
    }
    let Ok((attempt, questions)) = ctx.start(&session, Instant::now()).await else { return out };
    if questions.len() != plan.questions {
        ctx.errors.fetch_add(1, Ordering::Relaxed);
        ctx.rec.sample_error(|| {
            format!("attempt {attempt}: {} questions, {} expected", questions.len(), plan.questions)
        });
        return out;
    }
    out.attempt = Some(attempt);
    out.answers = vec![NONE; questions.len()];
    let n = questions.len();
    // Some employees go back once and change an earlier answer, after question `change_after`.
    let change_after =
        (n >= 2 && rng.chance(plan.change_percent / 100.0)).then(|| 2 + rng.below(n as u64 - 1) as usize);
    let think = |rng: &mut Rng| seconds(rng.between(plan.think_min, plan.think_max) / plan.compress);
    // The employee reads while the previous answer is being saved: the next save is due a
    // think time after the previous one was sent (or when its answer came, if later).
    let mut last = Instant::now();
    for number in 1..=n {
        let due = (last + think(&mut rng)).max(Instant::now());
        sleep_until(due).await;
        last = due;
        let code = random_answer(questions[number - 1], &mut rng, NONE);
        save(&ctx, &session, attempt, &questions, number, code, due, &mut out).await;
        if change_after == Some(number) {
            let target = 1 + rng.below(number as u64 - 1) as usize;
            let before = out.answers[target - 1];
            if before != NONE && before != UNSURE {
                let due = (last + think(&mut rng)).max(Instant::now());
                sleep_until(due).await;
                last = due;
                let code = random_answer(questions[target - 1], &mut rng, before);
                save(&ctx, &session, attempt, &questions, target, code, due, &mut out).await;
                out.changed = true;
            }
        }
    }
    out.finished_ms = Some(ctx.rec.ms(last));
    out.submitted = ctx.submit(&session, attempt, Instant::now()).await.is_ok();
    out.questions = questions;
    out
}

/// The result of the day.
#[derive(Debug)]
pub struct Day {
    pub report: String,
    pub errors: u64,
    pub acks: Vec<(i64, usize, String)>,
    pub submitted: Vec<i64>,
}

/// Runs the day for these people and writes its report.
pub async fn run(ctx: Arc<Ctx>, plan: Plan, people: Vec<Person>, sampler: &Sampler) -> Day {
    let plan = Arc::new(plan);
    let start = ctx.rec.start();
    let first = sampler.now(start);
    let signed = Arc::new(AtomicU64::new(0));
    let mut tasks = tokio::task::JoinSet::new();
    for (index, person) in people.into_iter().enumerate() {
        tasks.spawn(employee(Arc::clone(&ctx), Arc::clone(&plan), person, index, Arc::clone(&signed)));
    }
    let progress = {
        let ctx = Arc::clone(&ctx);
        let signed = Arc::clone(&signed);
        let users = plan.users;
        tokio::spawn(async move {
            let mut tick = tokio::time::interval_at(
                tokio::time::Instant::from_std(start + Duration::from_secs(10)),
                Duration::from_secs(10),
            );
            let mut before = 0;
            loop {
                tick.tick().await;
                let saves = ctx.saves_acked.load(Ordering::Relaxed);
                eprintln!(
                    "[{:>4.0} s] signed in {}/{users}, saves {saves} ({:.0}/s), errors {}",
                    start.elapsed().as_secs_f64(),
                    signed.load(Ordering::Relaxed),
                    (saves - before) as f64 / 10.0,
                    ctx.errors.load(Ordering::Relaxed),
                );
                before = saves;
            }
        })
    };
    let mut outcomes = Vec::with_capacity(plan.users);
    while let Some(done) = tasks.join_next().await {
        match done {
            Ok(outcome) => outcomes.push(outcome),
            Err(e) => {
                ctx.errors.fetch_add(1, Ordering::Relaxed);
                ctx.rec.sample_error(|| format!("an employee's task failed: {e}"));
            }
        }
    }
    progress.abort();
    let last = sampler.now(start);
    let records = ctx.rec.take();
    let samples = sampler.samples();
    let report = write_report(&ctx, &plan, &outcomes, &records, sampler, &samples, &first, &last);
    let mut acks = Vec::new();
    let mut submitted = Vec::new();
    for outcome in &outcomes {
        let Some(attempt) = outcome.attempt else { continue };
        for (i, &code) in outcome.answers.iter().enumerate() {
            if code != NONE && code != UNSURE {
                acks.push((attempt, i, text(outcome.questions[i], code)));
            }
        }
        if outcome.submitted {
            submitted.push(attempt);
        }
    }
    Day { report, errors: ctx.errors.load(Ordering::Relaxed), acks, submitted }
}

#[allow(clippy::too_many_arguments)]
fn write_report(
    ctx: &Ctx,
    plan: &Plan,
    outcomes: &[Outcome],
    records: &[Rec],
    sampler: &Sampler,
    samples: &[crate::procfs::Sample],
    first: &crate::procfs::Sample,
    last: &crate::procfs::Sample,
) -> String {
    let mut out = String::new();
    let seconds = f64::from(last.at_ms.saturating_sub(first.at_ms)) / 1000.0;
    let mean_think = (plan.think_min + plan.think_max) / 2.0;
    let real_rate = plan.users as f64 / mean_think;
    let offered = real_rate * plan.compress;
    let saves: Vec<&Rec> = records.iter().filter(|r| r.endpoint == Endpoint::Save).collect();
    let acked = saves.iter().filter(|r| !r.is_error()).count();
    let _ = writeln!(
        out,
        "## Exam day: {} employees, {} questions each, time compressed {}×\n",
        plan.users, plan.questions, plan.compress
    );
    let _ = writeln!(
        out,
        "- Sign-in and start: uniformly over the first {:.0} s (not compressed). Think time per question: \
         {:.0}–{:.0} s, divided by {} = {:.2}–{:.2} s. {:.0} % of employees change one earlier answer once.",
        plan.start_window,
        plan.think_min,
        plan.think_max,
        plan.compress,
        plan.think_min / plan.compress,
        plan.think_max / plan.compress,
        plan.change_percent
    );
    let _ = writeln!(
        out,
        "- The real exam day's save rate for {} employees (one save per {mean_think:.0} s each): {real_rate:.1} saves/s. \
         Compressed {}×, the offered rate is {offered:.0} saves/s — a real exam day of {:.0} employees.",
        plan.users,
        plan.compress,
        plan.users as f64 * plan.compress
    );
    // The plateau: every employee has started and none has finished yet.
    let all_started = outcomes.iter().map(|o| o.start_ms).max().unwrap_or(0);
    let first_finished = outcomes.iter().filter_map(|o| o.finished_ms).min().unwrap_or(0);
    let plateau_saves: Vec<&&Rec> =
        saves.iter().filter(|r| r.at_ms >= all_started && r.at_ms < first_finished).collect();
    if first_finished > all_started + 10_000 {
        let window = f64::from(first_finished - all_started) / 1000.0;
        let l = latency(plateau_saves.iter().copied().copied());
        let _ = writeln!(
            out,
            "- **Save rate achieved** while all were answering ({:.0}–{:.0} s): **{:.0} saves/s** (offered {offered:.0}), \
             save p99 {} ms then.",
            f64::from(all_started) / 1000.0,
            f64::from(first_finished) / 1000.0,
            plateau_saves.iter().filter(|r| !r.is_error()).count() as f64 / window,
            report::ms(l.p99)
        );
    } else {
        let _ = writeln!(
            out,
            "- No plateau: the first employees finished ({:.0} s) before the last had started ({:.0} s).",
            f64::from(first_finished) / 1000.0,
            f64::from(all_started) / 1000.0
        );
    }
    let span = |rs: &[&Rec]| {
        let lo = rs.iter().map(|r| r.at_ms).min().unwrap_or(0);
        let hi = rs.iter().map(|r| r.at_ms).max().unwrap_or(0);
        f64::from(hi.saturating_sub(lo)) / 1000.0
    };
    let save_span = span(&saves);
    let _ = writeln!(
        out,
        "- Saves acknowledged: {acked} of {} ({:.0}/s from the first to the last); requests: {} in {seconds:.1} s = {:.0}/s overall.",
        saves.len(),
        if save_span > 0.0 { acked as f64 / save_span } else { 0.0 },
        records.len(),
        records.len() as f64 / seconds.max(0.001)
    );
    let started = outcomes.iter().filter(|o| o.attempt.is_some()).count();
    let submitted = outcomes.iter().filter(|o| o.submitted).count();
    let changed = outcomes.iter().filter(|o| o.changed).count();
    let mismatches: u32 = outcomes.iter().map(|o| o.answered_mismatches).sum();
    let unsure: usize = outcomes.iter().map(|o| o.answers.iter().filter(|&&a| a == UNSURE).count()).sum();
    let _ = writeln!(
        out,
        "- Employees: {} started an attempt, {submitted} submitted, {changed} changed an earlier answer; \
         `answered` in a save's answer differed from the generator's count {mismatches} times; \
         {unsure} questions left unchecked after a failed save.",
        started
    );
    let _ = writeln!(out, "- Errors: {}\n", ctx.errors.load(Ordering::Relaxed));
    let _ =
        writeln!(out, "Latency is measured from when a request was due to the last byte of its answer.\n");
    report::endpoint_table(&mut out, records, seconds);
    let _ = writeln!(out);
    report::resources(&mut out, sampler, first, last);
    let _ = writeln!(out);
    report::errors(&mut out, records, &ctx.rec.error_samples());
    let bucket = if seconds > 240.0 { 10 } else { 5 };
    let _ = writeln!(out, "Timeline ({bucket} s buckets, by when requests were due):\n");
    report::timeline(&mut out, records, samples, sampler, bucket);
    out
}
