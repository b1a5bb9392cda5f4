//! The highest sustained save rate: employees are signed in and their attempts started
//! first; then saves arrive open-loop (Poisson arrivals at the offered rate, whether or not
//! earlier ones were answered) in steps of rising rate, each held for a while, until the
//! save endpoint's p99 reaches the limit or errors appear; then the rate is refined between
//! the last step that held and the first that did not.

use std::fmt::Write as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::api::{Ctx, Person};
use crate::paper::{NONE, Question, UNSURE, random_answer, text};
use crate::procfs::Sampler;
use crate::report;
use crate::rng::Rng;
use crate::stats::{DROPPED, Endpoint, latency, seconds};

/// How the ramp runs.
#[derive(Debug, Clone)]
pub struct Plan {
    pub users: usize,
    pub questions: usize,
    pub start_rate: f64,
    pub max_rate: f64,
    pub rates: Vec<f64>,
    pub step_seconds: f64,
    pub pause_seconds: f64,
    pub refine: u32,
    pub p99_limit_ms: f64,
    pub sign_in_concurrency: usize,
    pub max_in_flight: usize,
    pub seed: u64,
}

/// A signed-in employee with an open attempt.
#[derive(Debug)]
struct Sitter {
    session: String,
    attempt: i64,
    questions: Vec<Question>,
}

/// The (employee, question) pairs saves go to, each with at most one save in flight.
#[derive(Debug)]
struct Slots {
    sitters: Vec<Sitter>,
    questions: usize,
    busy: Vec<AtomicBool>,
    acked: Vec<AtomicU32>,
    cursor: AtomicUsize,
}

impl Slots {
    fn len(&self) -> usize {
        self.busy.len()
    }

    /// Consecutive saves go to different employees: slot = question × employees + employee.
    fn place(&self, slot: usize) -> (usize, usize) {
        (slot % self.sitters.len(), (slot / self.sitters.len()) % self.questions)
    }

    /// The next slot without a save in flight (and not retired after a failure).
    fn take(&self) -> Option<usize> {
        for _ in 0..self.len() {
            let slot = self.cursor.fetch_add(1, Ordering::Relaxed) % self.len();
            if !self.busy[slot].swap(true, Ordering::AcqRel) {
                return Some(slot);
            }
        }
        None
    }
}

/// One step's figures.
#[derive(Debug, Clone)]
struct Step {
    offered: f64,
    requests: usize,
    acked_rate: f64,
    errors: usize,
    p50: f64,
    p95: f64,
    p99: f64,
    max: f64,
    server_cpu: f64,
    own_cpu: f64,
    held: bool,
}

/// The result of the ramp.
#[derive(Debug)]
pub struct Ramp {
    pub report: String,
    /// Errors while signing in and starting (errors in the steps are the measurement).
    pub setup_errors: u64,
    pub acks: Vec<(i64, usize, String)>,
}

async fn sign_in_all(ctx: &Arc<Ctx>, plan: &Plan, people: Vec<Person>) -> Vec<Sitter> {
    let people = Arc::new(people);
    let next = Arc::new(AtomicUsize::new(0));
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..plan.sign_in_concurrency.max(1) {
        let (ctx, people, next) = (Arc::clone(ctx), Arc::clone(&people), Arc::clone(&next));
        let questions = plan.questions;
        workers.spawn(async move {
            let mut sitters = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(person) = people.get(i) else { break };
                let Ok(session) = ctx.login(person, Instant::now()).await else { continue };
                let Ok((attempt, qs)) = ctx.start(&session, Instant::now()).await else { continue };
                if qs.len() == questions {
                    sitters.push((i, Sitter { session, attempt, questions: qs }));
                }
                if i % 1000 == 999 {
                    eprintln!("signed in and started {} of {}", i + 1, people.len());
                }
            }
            sitters
        });
    }
    let mut all = Vec::new();
    while let Some(done) = workers.join_next().await {
        if let Ok(sitters) = done {
            all.extend(sitters);
        }
    }
    all.sort_by_key(|(i, _)| *i);
    all.into_iter().map(|(_, sitter)| sitter).collect()
}

async fn one_save(
    ctx: Arc<Ctx>,
    slots: Arc<Slots>,
    in_flight: Arc<AtomicUsize>,
    slot: usize,
    due: Instant,
    seed: u64,
) {
    let (who, index) = slots.place(slot);
    let sitter = &slots.sitters[who];
    let question = sitter.questions[index];
    let before = slots.acked[slot].load(Ordering::Acquire);
    let mut rng = Rng::new(seed, (slot as u64) ^ (u64::from(ctx.rec.ms(due)) << 32));
    let code = random_answer(question, &mut rng, before);
    match ctx.save(&sitter.session, sitter.attempt, index + 1, &text(question, code), due).await {
        Ok(_) => {
            slots.acked[slot].store(code, Ordering::Release);
            slots.busy[slot].store(false, Ordering::Release);
        }
        // What the store holds is not known now; the slot is retired and left out of the check.
        Err(()) => slots.acked[slot].store(UNSURE, Ordering::Release),
    }
    in_flight.fetch_sub(1, Ordering::AcqRel);
}

async fn step(ctx: &Arc<Ctx>, plan: &Plan, slots: &Arc<Slots>, sampler: &Sampler, rate: f64, n: u64) -> Step {
    let start = ctx.rec.start();
    let in_flight = Arc::new(AtomicUsize::new(0));
    let mut rng = Rng::new(plan.seed ^ 0x5EED, n);
    let before = sampler.now(start);
    let begin = Instant::now();
    let end = begin + seconds(plan.step_seconds);
    let mut next = begin;
    let mut dropped = 0usize;
    while next < end {
        tokio::time::sleep_until(tokio::time::Instant::from_std(next)).await;
        let now = Instant::now();
        while next <= now && next < end {
            let slot =
                if in_flight.load(Ordering::Acquire) >= plan.max_in_flight { None } else { slots.take() };
            match slot {
                Some(slot) => {
                    in_flight.fetch_add(1, Ordering::AcqRel);
                    tokio::spawn(one_save(
                        Arc::clone(ctx),
                        Arc::clone(slots),
                        Arc::clone(&in_flight),
                        slot,
                        next,
                        plan.seed,
                    ));
                }
                None => {
                    dropped += 1;
                    ctx.rec.record(Endpoint::Save, next, DROPPED);
                }
            }
            next += seconds(rng.exponential(1.0 / rate));
        }
    }
    let after = sampler.now(start);
    let end_ms = ctx.rec.ms(end);
    while in_flight.load(Ordering::Acquire) > 0 {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    if dropped > 0 {
        ctx.rec.sample_error(|| {
            format!("{rate:.0}/s: {dropped} saves dropped, {} in flight", plan.max_in_flight)
        });
    }
    let records = ctx.rec.take();
    let l = latency(records.iter());
    // Throughput: saves acknowledged while the step ran (not those answered in the drain).
    let acked = records
        .iter()
        .filter(|r| !r.is_error() && u64::from(r.at_ms) + u64::from(r.micros / 1000) <= u64::from(end_ms))
        .count();
    let (server_cpu, own_cpu) = sampler.cpu_between(&before, &after);
    Step {
        offered: rate,
        requests: l.count,
        acked_rate: acked as f64 / plan.step_seconds,
        errors: l.errors,
        p50: l.p50,
        p95: l.p95,
        p99: l.p99,
        max: l.max,
        server_cpu,
        own_cpu,
        held: l.errors == 0 && l.p99 < plan.p99_limit_ms,
    }
}

/// Signs everyone in, then runs the steps.
pub async fn run(ctx: Arc<Ctx>, plan: Plan, people: Vec<Person>, sampler: &Sampler) -> Ramp {
    let start = ctx.rec.start();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "## Highest sustained save rate (open-loop steps of {:.0} s, limit: save p99 < {:.0} ms and no errors)\n",
        plan.step_seconds, plan.p99_limit_ms
    );
    eprintln!("signing in {} employees and starting their attempts", people.len());
    let setup_first = sampler.now(start);
    let sitters = sign_in_all(&ctx, &plan, people).await;
    let setup_last = sampler.now(start);
    let setup_records = ctx.rec.take();
    let setup_errors = ctx.errors.load(Ordering::Relaxed);
    let setup_seconds = f64::from(setup_last.at_ms.saturating_sub(setup_first.at_ms)) / 1000.0;
    let _ = writeln!(
        out,
        "Setup: {} of {} employees signed in and started their attempt in {setup_seconds:.1} s \
         ({} at a time), {setup_errors} errors:\n",
        sitters.len(),
        plan.users,
        plan.sign_in_concurrency
    );
    report::endpoint_table(&mut out, &setup_records, setup_seconds);
    let _ = writeln!(out);
    let (setup_server, _) = sampler.cpu_between(&setup_first, &setup_last);
    let _ = writeln!(out, "Server CPU while signing in: {setup_server:.0} % of one core.\n");
    if sitters.is_empty() {
        let _ = writeln!(out, "Nobody could sign in; no steps were run.");
        return Ramp { report: out, setup_errors: setup_errors.max(1), acks: Vec::new() };
    }
    let total = sitters.len() * plan.questions;
    let slots = Arc::new(Slots {
        sitters,
        questions: plan.questions,
        busy: (0..total).map(|_| AtomicBool::new(false)).collect(),
        acked: (0..total).map(|_| AtomicU32::new(NONE)).collect(),
        cursor: AtomicUsize::new(0),
    });
    let steps_first = sampler.now(start);
    let mut steps: Vec<Step> = Vec::new();
    let mut held_best: f64 = 0.0;
    let mut failed_low: Option<f64> = None;
    let mut refinements = 0;
    let mut listed = plan.rates.iter().copied();
    let mut rate = listed.next().unwrap_or(plan.start_rate);
    loop {
        eprintln!("step {}: {rate:.0} saves/s for {:.0} s", steps.len() + 1, plan.step_seconds);
        let s = step(&ctx, &plan, &slots, sampler, rate, steps.len() as u64).await;
        eprintln!(
            "  {:.0}/s acknowledged during the step, p50 {} p99 {} max {} ms, {} errors, server CPU {:.0} % → {}",
            s.acked_rate,
            report::ms(s.p50),
            report::ms(s.p99),
            report::ms(s.max),
            s.errors,
            s.server_cpu,
            if s.held { "held" } else { "did not hold" }
        );
        if s.held {
            held_best = held_best.max(rate);
        } else {
            failed_low = Some(failed_low.map_or(rate, |f: f64| f.min(rate)));
        }
        steps.push(s);
        let next = if !plan.rates.is_empty() {
            listed.next()
        } else {
            match failed_low {
                None => Some(rate * 2.0).filter(|&r| r <= plan.max_rate),
                Some(failed) if refinements < plan.refine => {
                    refinements += 1;
                    let mid = ((held_best + failed) / 2.0 / 50.0).round() * 50.0;
                    Some(mid).filter(|&m| m > held_best && m < failed)
                }
                Some(_) => None,
            }
        };
        let Some(next) = next else { break };
        rate = next;
        tokio::time::sleep(seconds(plan.pause_seconds)).await;
    }
    let steps_last = sampler.now(start);
    let _ = writeln!(
        out,
        "| step | offered saves/s | saves | acknowledged/s during the step | errors | p50 ms | p95 ms | p99 ms | max ms | server CPU % | generator CPU % | held |"
    );
    let _ = writeln!(out, "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
    for (i, s) in steps.iter().enumerate() {
        let _ = writeln!(
            out,
            "| {} | {:.0} | {} | {:.0} | {} | {} | {} | {} | {} | {:.0} | {:.0} | {} |",
            i + 1,
            s.offered,
            s.requests,
            s.acked_rate,
            s.errors,
            report::ms(s.p50),
            report::ms(s.p95),
            report::ms(s.p99),
            report::ms(s.max),
            s.server_cpu,
            s.own_cpu,
            if s.held { "yes" } else { "no" }
        );
    }
    let _ = writeln!(out);
    if held_best > 0.0 {
        let _ = writeln!(
            out,
            "**Highest sustained save rate with save p99 < {:.0} ms and no errors: {held_best:.0} saves/s** \
             (each step held {:.0} s) — the save rate of a real exam day of {:.0} employees thinking 30–90 s \
             (one save per 60 s each).\n",
            plan.p99_limit_ms,
            plan.step_seconds,
            held_best * 60.0
        );
    } else {
        let _ = writeln!(out, "**No step held.**\n");
    }
    match failed_low {
        Some(f) => {
            let _ = writeln!(out, "The lowest rate that did not hold: {f:.0} saves/s.\n");
        }
        None => {
            let _ =
                writeln!(out, "Every step held (up to {:.0} saves/s); the limit is higher.\n", plan.max_rate);
        }
    }
    report::resources(&mut out, sampler, &steps_first, &steps_last);
    let _ = writeln!(out);
    report::errors(&mut out, &[], &ctx.rec.error_samples());
    let mut acks = Vec::new();
    let mut unsure = 0usize;
    for slot in 0..slots.len() {
        let code = slots.acked[slot].load(Ordering::Acquire);
        let (who, index) = slots.place(slot);
        let sitter = &slots.sitters[who];
        match code {
            NONE => {}
            UNSURE => unsure += 1,
            code => acks.push((sitter.attempt, index, text(sitter.questions[index], code))),
        }
    }
    let _ = writeln!(
        out,
        "Acknowledged answers to check: {} ({unsure} questions left unchecked after a failed save).\n",
        acks.len()
    );
    Ramp { report: out, setup_errors, acks }
}
