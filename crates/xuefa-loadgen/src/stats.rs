//! What every request took: one small record per request, kept in memory (12 bytes; half a
//! million requests are 6 MB) and summed up at the end.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// The API endpoints the generator calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Endpoint {
    Login = 0,
    Exams = 1,
    Start = 2,
    Save = 3,
    Submit = 4,
}

impl Endpoint {
    pub const ALL: [Endpoint; 5] =
        [Endpoint::Login, Endpoint::Exams, Endpoint::Start, Endpoint::Save, Endpoint::Submit];

    /// The endpoint as the report names it.
    pub fn label(self) -> &'static str {
        match self {
            Endpoint::Login => "`POST /login`",
            Endpoint::Exams => "`GET /exams`",
            Endpoint::Start => "`POST /exams/{exam}/attempts`",
            Endpoint::Save => "`PUT …/answers/{number}` (save)",
            Endpoint::Submit => "`POST …/submit`",
        }
    }
}

/// A status that is not HTTP: the connection failed.
pub const FAILED: u16 = 0;
/// A status that is not HTTP: no answer within the timeout.
pub const TIMED_OUT: u16 = 1;
/// A status that is not HTTP: the generator dropped the request (too many in flight).
pub const DROPPED: u16 = 2;

/// One request.
#[derive(Debug, Clone, Copy)]
pub struct Rec {
    /// When it was due, in milliseconds since the run began.
    pub at_ms: u32,
    /// From when it was due to the last byte of the answer, in microseconds.
    pub micros: u32,
    /// The HTTP status, or FAILED, TIMED_OUT or DROPPED.
    pub status: u16,
    pub endpoint: Endpoint,
}

impl Rec {
    /// Whether it is an error: anything but 200.
    pub fn is_error(&self) -> bool {
        self.status != 200
    }
}

/// The records of a run, shared by every task.
#[derive(Debug, Clone)]
pub struct Recorder {
    start: Instant,
    records: Arc<Mutex<Vec<Rec>>>,
    samples: Arc<Mutex<Vec<String>>>,
}

impl Recorder {
    pub fn new(start: Instant) -> Recorder {
        Recorder {
            start,
            records: Arc::new(Mutex::new(Vec::with_capacity(1 << 16))),
            samples: Arc::new(Mutex::new(Vec::new())),
        }
    }

    /// When the run began.
    pub fn start(&self) -> Instant {
        self.start
    }

    /// Milliseconds since the run began.
    pub fn ms(&self, at: Instant) -> u32 {
        u32::try_from(at.saturating_duration_since(self.start).as_millis()).unwrap_or(u32::MAX)
    }

    fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
        mutex.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Records a request that was due at `due` and ended now.
    pub fn record(&self, endpoint: Endpoint, due: Instant, status: u16) {
        let micros = u32::try_from(due.elapsed().as_micros()).unwrap_or(u32::MAX);
        let rec = Rec { at_ms: self.ms(due), micros, status, endpoint };
        Self::lock(&self.records).push(rec);
    }

    /// Keeps the first few error descriptions for the report.
    pub fn sample_error(&self, what: impl FnOnce() -> String) {
        let mut samples = Self::lock(&self.samples);
        if samples.len() < 12 {
            samples.push(what());
        }
    }

    /// Takes the records so far (the recorder starts empty again).
    pub fn take(&self) -> Vec<Rec> {
        std::mem::take(&mut *Self::lock(&self.records))
    }

    /// The error descriptions kept.
    pub fn error_samples(&self) -> Vec<String> {
        Self::lock(&self.samples).clone()
    }
}

/// Latency figures of a set of requests, in milliseconds.
#[derive(Debug, Clone, Copy, Default)]
pub struct Latency {
    pub count: usize,
    pub errors: usize,
    pub p50: f64,
    pub p95: f64,
    pub p99: f64,
    pub max: f64,
}

/// Nearest-rank percentile of sorted values.
pub fn percentile(sorted: &[u32], p: f64) -> u32 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// The figures of the records that `keep` selects.
pub fn latency<'a>(records: impl IntoIterator<Item = &'a Rec>) -> Latency {
    let mut micros = Vec::new();
    let mut errors = 0;
    for rec in records {
        micros.push(rec.micros);
        errors += usize::from(rec.is_error());
    }
    micros.sort_unstable();
    let ms = |v: u32| f64::from(v) / 1000.0;
    Latency {
        count: micros.len(),
        errors,
        p50: ms(percentile(&micros, 50.0)),
        p95: ms(percentile(&micros, 95.0)),
        p99: ms(percentile(&micros, 99.0)),
        max: ms(micros.last().copied().unwrap_or(0)),
    }
}

/// A status as the report writes it.
pub fn status_label(status: u16) -> String {
    match status {
        FAILED => "connection failed".into(),
        TIMED_OUT => "timed out".into(),
        DROPPED => "dropped by the generator (too many in flight)".into(),
        other => format!("HTTP {other}"),
    }
}

/// Seconds as a Duration, for arguments given in (fractional) seconds.
pub fn seconds(s: f64) -> Duration {
    Duration::from_secs_f64(s.max(0.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank() {
        let v: Vec<u32> = (1..=100).collect();
        assert_eq!(percentile(&v, 50.0), 50);
        assert_eq!(percentile(&v, 99.0), 99);
        assert_eq!(percentile(&v, 100.0), 100);
        assert_eq!(percentile(&[7], 99.0), 7);
        assert_eq!(percentile(&[], 99.0), 0);
    }
}
