//! # xuefa-loadgen
//!
//! `bench/serve`'s load generator: simulated employees sit the exam against `xuefa serve` on
//! this machine (loopback only), on one tokio runtime with one worker thread by default — a
//! task per employee, no thread per employee — so that it leaves the CPU to the server.
//!
//! - `day`: the exam day. Every employee signs in and starts within the sign-in window, then
//!   answers each question after a think time (divided by `--compress`), and submits.
//! - `ramp`: the highest sustained save rate, in open-loop steps of rising rate.
//!
//! Both print a Markdown report and write the acknowledged answers (`attempt_id`,
//! `question_index`, `response`, tab-separated, the last acknowledged value of each question)
//! for bench/serve to check against the database. Exit status 1 when a request failed (in
//! `ramp`, while signing in) or the run could not start.

mod api;
mod day;
mod http;
mod paper;
mod procfs;
mod ramp;
mod report;
mod rng;
mod stats;

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::{Args, Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "xuefa-loadgen",
    about = "Simulated employees sitting the exam against xuefa serve on 127.0.0.1"
)]
struct Cli {
    #[command(subcommand)]
    mode: Mode,
}

#[derive(Subcommand)]
enum Mode {
    /// The exam day: everyone signs in within the window, answers every question, submits.
    Day {
        #[command(flatten)]
        common: Common,
        /// Think times are divided by this (the sign-in window is not).
        #[arg(long, default_value_t = 10.0)]
        compress: f64,
        /// Shortest think time per question, in real seconds.
        #[arg(long, default_value_t = 30.0)]
        think_min: f64,
        /// Longest think time per question, in real seconds.
        #[arg(long, default_value_t = 90.0)]
        think_max: f64,
        /// Everyone signs in and starts within this many seconds.
        #[arg(long, default_value_t = 60.0)]
        start_window: f64,
        /// Percentage of employees who change one earlier answer once.
        #[arg(long, default_value_t = 5.0)]
        change_percent: f64,
    },
    /// The highest sustained save rate: open-loop steps of rising rate.
    Ramp {
        #[command(flatten)]
        common: Common,
        /// The first step's rate (saves per second); each next step doubles it.
        #[arg(long, default_value_t = 200.0)]
        start_rate: f64,
        /// No step above this rate.
        #[arg(long, default_value_t = 25600.0)]
        max_rate: f64,
        /// Run exactly these rates instead (comma-separated).
        #[arg(long, value_delimiter = ',')]
        rates: Vec<f64>,
        /// How long each step offers its rate.
        #[arg(long, default_value_t = 30.0)]
        step_seconds: f64,
        /// Quiet time between steps.
        #[arg(long, default_value_t = 5.0)]
        pause_seconds: f64,
        /// Steps that halve the gap between the highest rate that held and the lowest that did not.
        #[arg(long, default_value_t = 2)]
        refine: u32,
        /// A step holds while the save endpoint's p99 stays under this.
        #[arg(long, default_value_t = 300.0)]
        p99_limit_ms: f64,
        /// Employees signing in at a time before the steps.
        #[arg(long, default_value_t = 16)]
        sign_in_concurrency: usize,
        /// Saves in flight beyond which new arrivals are dropped (and counted as errors).
        #[arg(long, default_value_t = 20000)]
        max_in_flight: usize,
    },
}

#[derive(Args)]
struct Common {
    /// The server's address (loopback only).
    #[arg(long, default_value = "http://127.0.0.1:18400")]
    base: String,
    /// The codes file of `xuefa access issue --format csv`.
    #[arg(long)]
    codes: PathBuf,
    /// The exam's id.
    #[arg(long, default_value = "bench-serve")]
    exam: String,
    /// Simulated employees (the first N of the codes file).
    #[arg(long, default_value_t = 10000)]
    users: usize,
    /// Questions on each paper.
    #[arg(long, default_value_t = 50)]
    questions: usize,
    /// The server's process id, to read its CPU time and peak memory from /proc.
    #[arg(long)]
    server_pid: Option<u32>,
    /// Clock ticks per second of /proc's CPU times (`getconf CLK_TCK`).
    #[arg(long, default_value_t = 100.0)]
    clk_tck: f64,
    /// Write the acknowledged answers here (TSV: attempt_id, question_index, response).
    #[arg(long)]
    acks: PathBuf,
    /// Write the ids of the attempts acknowledged as submitted here, one a line.
    #[arg(long)]
    submitted: Option<PathBuf>,
    /// Write the report here too (it is always printed).
    #[arg(long)]
    report: Option<PathBuf>,
    /// Seed of the random think times, answers and arrivals.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Worker threads of the generator's runtime.
    #[arg(long, default_value_t = 1)]
    threads: usize,
    /// A request without an answer after this many seconds is an error.
    #[arg(long, default_value_t = 30.0)]
    timeout: f64,
}

fn write_acks(path: &std::path::Path, acks: &[(i64, usize, String)]) -> std::io::Result<()> {
    let mut file = std::io::BufWriter::new(std::fs::File::create(path)?);
    writeln!(file, "attempt_id\tquestion_index\tresponse")?;
    for (attempt, index, answer) in acks {
        writeln!(file, "{attempt}\t{index}\t{answer}")?;
    }
    file.flush()
}

fn write_list(path: &std::path::Path, ids: &[i64]) -> std::io::Result<()> {
    let mut file = std::io::BufWriter::new(std::fs::File::create(path)?);
    for id in ids {
        writeln!(file, "{id}")?;
    }
    file.flush()
}

async fn run(mode: Mode) -> Result<bool, String> {
    let common = match &mode {
        Mode::Day { common, .. } | Mode::Ramp { common, .. } => common,
    };
    http::check_loopback(&common.base)?;
    let people = api::read_codes(&common.codes, common.users)?;
    let (acks_path, submitted_path, report_path) =
        (common.acks.clone(), common.submitted.clone(), common.report.clone());
    let http = http::Http::new(&common.base, stats::seconds(common.timeout));
    let start = Instant::now() + Duration::from_millis(500);
    let recorder = stats::Recorder::new(start);
    let ctx = api::Ctx::new(http, common.exam.clone(), recorder);
    let sampler = procfs::Sampler::start(common.server_pid, start, common.clk_tck);
    let mut header = String::new();
    let _ = writeln!(
        header,
        "# xuefa serve under load\n\n- Generator: xuefa-loadgen, {} worker thread(s), seed {}, timeout {} s, against {}; \
         one shared pool of keep-alive HTTP/1.1 connections.\n- Machine: {} cores.\n",
        common.threads,
        common.seed,
        common.timeout,
        common.base,
        std::thread::available_parallelism().map_or(0, usize::from)
    );
    let (body, ok, acks, submitted) = match mode {
        Mode::Day { common, compress, think_min, think_max, start_window, change_percent } => {
            if compress <= 0.0 || think_min < 0.0 || think_max < think_min || start_window < 0.0 {
                return Err("--compress must be positive and --think-min ≤ --think-max".into());
            }
            let plan = day::Plan {
                users: common.users,
                questions: common.questions,
                compress,
                think_min,
                think_max,
                start_window,
                change_percent,
                seed: common.seed,
            };
            let day = day::run(ctx, plan, people, &sampler).await;
            (day.report, day.errors == 0, day.acks, Some(day.submitted))
        }
        Mode::Ramp {
            common,
            start_rate,
            max_rate,
            rates,
            step_seconds,
            pause_seconds,
            refine,
            p99_limit_ms,
            sign_in_concurrency,
            max_in_flight,
        } => {
            if start_rate <= 0.0 || rates.iter().any(|&r| r <= 0.0) || step_seconds <= 0.0 {
                return Err("rates and --step-seconds must be positive".into());
            }
            let plan = ramp::Plan {
                users: common.users,
                questions: common.questions,
                start_rate,
                max_rate,
                rates,
                step_seconds,
                pause_seconds,
                refine,
                p99_limit_ms,
                sign_in_concurrency,
                max_in_flight,
                seed: common.seed,
            };
            let ramp = ramp::run(ctx, plan, people, &sampler).await;
            (ramp.report, ramp.setup_errors == 0, ramp.acks, None)
        }
    };
    let report = format!("{header}{body}");
    println!("{report}");
    if let Some(path) = report_path {
        std::fs::write(&path, &report).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    write_acks(&acks_path, &acks).map_err(|e| format!("{}: {e}", acks_path.display()))?;
    if let (Some(path), Some(ids)) = (submitted_path, submitted) {
        write_list(&path, &ids).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(ok)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let threads = match &cli.mode {
        Mode::Day { common, .. } | Mode::Ramp { common, .. } => common.threads.max(1),
    };
    let runtime =
        match tokio::runtime::Builder::new_multi_thread().worker_threads(threads).enable_all().build() {
            Ok(runtime) => runtime,
            Err(e) => {
                eprintln!("xuefa-loadgen: {e}");
                return ExitCode::from(2);
            }
        };
    match runtime.block_on(run(cli.mode)) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("xuefa-loadgen: {e}");
            ExitCode::from(2)
        }
    }
}
