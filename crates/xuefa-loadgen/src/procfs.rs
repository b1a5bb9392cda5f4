//! The server's and the generator's CPU time and the server's memory, read from /proc once a
//! second while the load runs.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// CPU time (user + system) of a process in clock ticks.
pub fn cpu_ticks(pid: &str) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name may hold spaces; the fields after it are plain.
    let after = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = after.split_whitespace().collect();
    // Field 14 (utime) and 15 (stime) of proc(5); `after` starts at field 3.
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some(utime + stime)
}

/// A `Vm…` line of /proc/PID/status in kB (VmRSS now, VmHWM the peak).
pub fn status_kb(pid: &str, key: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status.lines().find_map(|line| {
        let value = line.strip_prefix(key)?.strip_prefix(':')?;
        value.trim().trim_end_matches("kB").trim().parse().ok()
    })
}

/// One sample.
#[derive(Debug, Clone, Copy)]
pub struct Sample {
    /// Milliseconds since the run began.
    pub at_ms: u32,
    /// The server's CPU ticks (0 when no server PID is known).
    pub server_ticks: u64,
    /// The generator's CPU ticks.
    pub own_ticks: u64,
    /// The server's resident memory in kB.
    pub server_rss_kb: u64,
}

/// Samples once a second until dropped.
#[derive(Debug)]
pub struct Sampler {
    samples: Arc<Mutex<Vec<Sample>>>,
    task: tokio::task::JoinHandle<()>,
    server: Option<String>,
    pub ticks_per_second: f64,
}

impl Sampler {
    pub fn start(server: Option<u32>, start: Instant, ticks_per_second: f64) -> Sampler {
        let server = server.map(|pid| pid.to_string());
        let samples = Arc::new(Mutex::new(Vec::new()));
        let task = {
            let samples = Arc::clone(&samples);
            let server = server.clone();
            tokio::spawn(async move {
                let mut tick = tokio::time::interval(Duration::from_secs(1));
                tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                loop {
                    tick.tick().await;
                    let sample = take(server.as_deref(), start);
                    if let Ok(mut samples) = samples.lock() {
                        samples.push(sample);
                    }
                }
            })
        };
        Sampler { samples, task, server, ticks_per_second }
    }

    /// A sample now.
    pub fn now(&self, start: Instant) -> Sample {
        take(self.server.as_deref(), start)
    }

    /// The samples so far.
    pub fn samples(&self) -> Vec<Sample> {
        self.samples.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// The server's peak resident memory (VmHWM) in kB.
    pub fn server_peak_kb(&self) -> Option<u64> {
        status_kb(self.server.as_deref()?, "VmHWM")
    }

    /// Whether a server PID was given.
    pub fn has_server(&self) -> bool {
        self.server.is_some()
    }

    /// CPU use between two samples as a percentage of one core: (server, generator).
    pub fn cpu_between(&self, from: &Sample, to: &Sample) -> (f64, f64) {
        let seconds = f64::from(to.at_ms.saturating_sub(from.at_ms)) / 1000.0;
        if seconds <= 0.0 {
            return (0.0, 0.0);
        }
        let percent = |ticks: u64| ticks as f64 / self.ticks_per_second / seconds * 100.0;
        (
            percent(to.server_ticks.saturating_sub(from.server_ticks)),
            percent(to.own_ticks.saturating_sub(from.own_ticks)),
        )
    }
}

impl Drop for Sampler {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn take(server: Option<&str>, start: Instant) -> Sample {
    Sample {
        at_ms: u32::try_from(start.elapsed().as_millis()).unwrap_or(u32::MAX),
        server_ticks: server.and_then(cpu_ticks).unwrap_or(0),
        own_ticks: cpu_ticks("self").unwrap_or(0),
        server_rss_kb: server.and_then(|pid| status_kb(pid, "VmRSS")).unwrap_or(0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_its_own_process() {
        assert!(cpu_ticks("self").is_some());
        assert!(status_kb("self", "VmHWM").is_some_and(|kb| kb > 0));
    }
}
