//! The Markdown report: tables per endpoint, the server's CPU and memory, a timeline.

use std::fmt::Write as _;

use crate::procfs::{Sample, Sampler};
use crate::stats::{Endpoint, Latency, Rec, latency, status_label};

/// A table row's milliseconds.
pub fn ms(v: f64) -> String {
    if v >= 100.0 { format!("{v:.0}") } else { format!("{v:.1}") }
}

/// The per-endpoint table of these records.
pub fn endpoint_table(out: &mut String, records: &[Rec], seconds: f64) {
    let _ = writeln!(out, "| endpoint | requests | req/s | errors | p50 ms | p95 ms | p99 ms | max ms |");
    let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|---:|---:|");
    for endpoint in Endpoint::ALL {
        let l = latency(records.iter().filter(|r| r.endpoint == endpoint));
        if l.count == 0 {
            continue;
        }
        row(out, endpoint.label(), &l, seconds);
    }
    let all = latency(records.iter());
    row(out, "**all**", &all, seconds);
}

fn row(out: &mut String, label: &str, l: &Latency, seconds: f64) {
    let rate = if seconds > 0.0 { l.count as f64 / seconds } else { 0.0 };
    let _ = writeln!(
        out,
        "| {label} | {} | {rate:.1} | {} | {} | {} | {} | {} |",
        l.count,
        l.errors,
        ms(l.p50),
        ms(l.p95),
        ms(l.p99),
        ms(l.max)
    );
}

/// Errors by endpoint and status, and the first few described.
pub fn errors(out: &mut String, records: &[Rec], samples: &[String]) {
    let mut counts: std::collections::BTreeMap<(Endpoint, u16), usize> = Default::default();
    for rec in records.iter().filter(|r| r.is_error()) {
        *counts.entry((rec.endpoint, rec.status)).or_default() += 1;
    }
    if counts.is_empty() && samples.is_empty() {
        let _ = writeln!(out, "Errors: none.\n");
        return;
    }
    let _ = writeln!(out, "Errors:\n");
    for ((endpoint, status), count) in counts {
        let _ = writeln!(out, "- {}: {count} × {}", endpoint.label(), status_label(status));
    }
    if !samples.is_empty() {
        let _ = writeln!(out, "\nThe first errors (seconds since the start):\n\n```");
        for sample in samples {
            let _ = writeln!(out, "{sample}");
        }
        let _ = writeln!(out, "```");
    }
    let _ = writeln!(out);
}

/// The sample nearest to `at_ms`.
pub fn sample_at(samples: &[Sample], at_ms: u32) -> Option<&Sample> {
    samples.iter().min_by_key(|s| s.at_ms.abs_diff(at_ms))
}

/// Server and generator CPU over the run, and the server's peak memory.
pub fn resources(out: &mut String, sampler: &Sampler, first: &Sample, last: &Sample) {
    let (server, own) = sampler.cpu_between(first, last);
    let seconds = f64::from(last.at_ms.saturating_sub(first.at_ms)) / 1000.0;
    let cores = std::thread::available_parallelism().map_or(2, usize::from) as f64;
    if sampler.has_server() {
        let server_seconds =
            last.server_ticks.saturating_sub(first.server_ticks) as f64 / sampler.ticks_per_second;
        let _ = writeln!(
            out,
            "- Server CPU: {server_seconds:.1} s in {seconds:.1} s = {server:.0} % of one core ({:.0} % of the \
             machine's {cores:.0} cores)",
            server / cores
        );
        match sampler.server_peak_kb() {
            Some(kb) => {
                let _ = writeln!(out, "- Server peak RSS (VmHWM): {:.1} MB", kb as f64 / 1024.0);
            }
            None => {
                let _ = writeln!(out, "- Server peak RSS: not readable");
            }
        }
    } else {
        let _ = writeln!(out, "- Server CPU and memory: not measured (no --server-pid)");
    }
    let own_seconds = last.own_ticks.saturating_sub(first.own_ticks) as f64 / sampler.ticks_per_second;
    let _ = writeln!(out, "- Generator CPU: {own_seconds:.1} s = {own:.0} % of one core");
    if let Some(kb) = crate::procfs::status_kb("self", "VmHWM") {
        let _ = writeln!(out, "- Generator peak RSS: {:.1} MB", kb as f64 / 1024.0);
    }
}

/// A timeline in buckets of `bucket_s` seconds: requests, saves, p99s, errors, CPU.
pub fn timeline(out: &mut String, records: &[Rec], samples: &[Sample], sampler: &Sampler, bucket_s: u32) {
    let bucket_ms = bucket_s * 1000;
    let last = records.iter().map(|r| r.at_ms).max().unwrap_or(0);
    let buckets = last / bucket_ms + 1;
    let mut by_bucket: Vec<Vec<Rec>> = vec![Vec::new(); buckets as usize];
    for rec in records {
        by_bucket[(rec.at_ms / bucket_ms) as usize].push(*rec);
    }
    let _ = writeln!(
        out,
        "| from s | logins | login p99 ms | saves/s | save p50 ms | save p99 ms | save max ms | other req | errors | server CPU % | generator CPU % | server RSS MB |"
    );
    let _ = writeln!(out, "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (i, recs) in by_bucket.iter().enumerate() {
        let from = i as u32 * bucket_ms;
        let login = latency(recs.iter().filter(|r| r.endpoint == Endpoint::Login));
        let save = latency(recs.iter().filter(|r| r.endpoint == Endpoint::Save));
        let other = recs.iter().filter(|r| !matches!(r.endpoint, Endpoint::Login | Endpoint::Save)).count();
        let errors = recs.iter().filter(|r| r.is_error()).count();
        let (cpu, own, rss) = match (sample_at(samples, from), sample_at(samples, from + bucket_ms)) {
            (Some(a), Some(b)) if b.at_ms > a.at_ms => {
                let (server, own) = sampler.cpu_between(a, b);
                (
                    format!("{server:.0}"),
                    format!("{own:.0}"),
                    format!("{:.0}", b.server_rss_kb as f64 / 1024.0),
                )
            }
            _ => ("–".into(), "–".into(), "–".into()),
        };
        let p = |l: &Latency, v: f64| if l.count == 0 { "–".to_owned() } else { ms(v) };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {:.0} | {} | {} | {} | {other} | {errors} | {cpu} | {own} | {rss} |",
            from / 1000,
            login.count,
            p(&login, login.p99),
            save.count as f64 / f64::from(bucket_s),
            p(&save, save.p50),
            p(&save, save.p99),
            p(&save, save.max),
        );
    }
    let _ = writeln!(out);
}
