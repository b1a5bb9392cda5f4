//! The calls a browser makes during the exam, each timed and recorded.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use bytes::Bytes;
use hyper::Method;
use serde::Deserialize;

use crate::http::{Http, Outcome};
use crate::paper::{Question, parse_attempt};
use crate::stats::{Endpoint, FAILED, Recorder, TIMED_OUT};

/// An employee and their access code, from `xuefa access issue --format csv`.
#[derive(Debug, Clone)]
pub struct Person {
    pub employee: String,
    pub code: String,
}

/// Reads the first `n` people of a codes file (columns employee,name,department,code).
pub fn read_codes(path: &std::path::Path, n: usize) -> Result<Vec<Person>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut lines = text.lines();
    let header = lines.next().unwrap_or_default();
    let columns: Vec<&str> = header.trim_start_matches('\u{feff}').split(',').collect();
    let code_at = columns.iter().position(|c| *c == "code");
    if columns.first() != Some(&"employee") || code_at.is_none() {
        return Err(format!("{}: expected the columns employee,…,code, found {header}", path.display()));
    }
    let code_at = code_at.unwrap_or_default();
    let mut people = Vec::with_capacity(n);
    for line in lines.filter(|l| !l.trim().is_empty()).take(n) {
        let fields: Vec<&str> = line.split(',').collect();
        // Names and departments hold no commas in bench/serve's roster; the code is counted
        // from the end so that a quoted comma before it would not shift it.
        let code = (fields.len() + code_at)
            .checked_sub(columns.len())
            .and_then(|at| fields.get(at))
            .copied()
            .unwrap_or_default();
        let employee = fields.first().copied().unwrap_or_default();
        if employee.is_empty() || code.is_empty() {
            return Err(format!("{}: a line without employee or code: {line}", path.display()));
        }
        people.push(Person { employee: employee.to_owned(), code: code.to_owned() });
    }
    if people.len() < n {
        return Err(format!("{}: {} people, {n} wanted", path.display(), people.len()));
    }
    Ok(people)
}

/// What every simulated employee shares.
#[derive(Debug)]
pub struct Ctx {
    pub http: Http,
    pub exam: String,
    pub rec: Recorder,
    pub saves_acked: AtomicU64,
    pub errors: AtomicU64,
}

/// An acknowledged save: `answered` as the server counted it.
#[derive(Debug, Clone, Copy)]
pub struct Acked {
    pub answered: u32,
}

#[derive(Deserialize)]
struct SavedBody {
    saved: bool,
    answered: u32,
}

impl Ctx {
    pub fn new(http: Http, exam: String, rec: Recorder) -> Arc<Ctx> {
        Arc::new(Ctx { http, exam, rec, saves_acked: AtomicU64::new(0), errors: AtomicU64::new(0) })
    }

    /// Sends a request due at `due`, records it, and returns the body of a 200.
    async fn exchange(
        &self,
        endpoint: Endpoint,
        due: Instant,
        method: Method,
        path: &str,
        session: Option<&str>,
        body: Option<Bytes>,
    ) -> Result<(Bytes, Option<String>), ()> {
        let outcome = self.http.call(method, path, session, body).await;
        let status = match &outcome {
            Outcome::Answered { status, .. } => *status,
            Outcome::Failed(_) => FAILED,
            Outcome::TimedOut => TIMED_OUT,
        };
        self.rec.record(endpoint, due, status);
        match outcome {
            Outcome::Answered { status: 200, body, session } => Ok((body, session)),
            other => {
                self.errors.fetch_add(1, Ordering::Relaxed);
                let at = self.rec.ms(due);
                self.rec.sample_error(|| {
                    let what = match other {
                        Outcome::Answered { status, body, .. } => {
                            let text = String::from_utf8_lossy(&body);
                            format!("HTTP {status} {}", text.chars().take(160).collect::<String>())
                        }
                        Outcome::Failed(e) => format!("failed: {}", e.chars().take(200).collect::<String>()),
                        Outcome::TimedOut => "timed out".to_owned(),
                    };
                    format!("{:.1} s {} {path}: {what}", f64::from(at) / 1000.0, endpoint.label())
                });
                Err(())
            }
        }
    }

    /// Signs in; returns the session token.
    pub async fn login(&self, person: &Person, due: Instant) -> Result<String, ()> {
        let body = serde_json::json!({ "employee": person.employee, "code": person.code }).to_string();
        let (_, session) = self
            .exchange(Endpoint::Login, due, Method::POST, "/api/v1/login", None, Some(Bytes::from(body)))
            .await?;
        session.ok_or_else(|| {
            self.errors.fetch_add(1, Ordering::Relaxed);
            self.rec.sample_error(|| format!("login of {}: 200 without a session cookie", person.employee));
        })
    }

    /// Lists my exams and checks that the benchmark's exam is among them.
    pub async fn exams(&self, session: &str, due: Instant) -> Result<(), ()> {
        let (body, _) =
            self.exchange(Endpoint::Exams, due, Method::GET, "/api/v1/exams", Some(session), None).await?;
        let listed: Vec<serde_json::Value> = serde_json::from_slice(&body).unwrap_or_default();
        if listed.iter().any(|exam| exam.get("id").and_then(|id| id.as_str()) == Some(self.exam.as_str())) {
            Ok(())
        } else {
            self.errors.fetch_add(1, Ordering::Relaxed);
            self.rec.sample_error(|| format!("GET /exams does not list {}", self.exam));
            Err(())
        }
    }

    /// Starts (or resumes) the attempt.
    pub async fn start(&self, session: &str, due: Instant) -> Result<(i64, Vec<Question>), ()> {
        let path = format!("/api/v1/exams/{}/attempts", self.exam);
        let (body, _) = self
            .exchange(
                Endpoint::Start,
                due,
                Method::POST,
                &path,
                Some(session),
                Some(Bytes::from_static(b"{}")),
            )
            .await?;
        parse_attempt(&body).map_err(|e| {
            self.errors.fetch_add(1, Ordering::Relaxed);
            self.rec.sample_error(|| e);
        })
    }

    /// Saves an answer (canonical text) to question `number`, with its flag, as
    /// the pages do: a save that carries the whole state of the answer.
    pub async fn save(
        &self,
        session: &str,
        attempt: i64,
        number: usize,
        answer: &str,
        due: Instant,
    ) -> Result<Acked, ()> {
        let path = format!("/api/v1/exams/{}/attempts/{attempt}/answers/{number}", self.exam);
        let body = Bytes::from(serde_json::json!({ "answer": answer, "flagged": false }).to_string());
        let (body, _) =
            self.exchange(Endpoint::Save, due, Method::PUT, &path, Some(session), Some(body)).await?;
        match serde_json::from_slice::<SavedBody>(&body) {
            Ok(SavedBody { saved: true, answered }) => {
                self.saves_acked.fetch_add(1, Ordering::Relaxed);
                Ok(Acked { answered })
            }
            _ => {
                self.errors.fetch_add(1, Ordering::Relaxed);
                self.rec.sample_error(|| format!("save {path}: 200 without saved=true"));
                Err(())
            }
        }
    }

    /// Submits the attempt.
    pub async fn submit(&self, session: &str, attempt: i64, due: Instant) -> Result<(), ()> {
        let path = format!("/api/v1/exams/{}/attempts/{attempt}/submit", self.exam);
        self.exchange(
            Endpoint::Submit,
            due,
            Method::POST,
            &path,
            Some(session),
            Some(Bytes::from_static(b"{}")),
        )
        .await
        .map(|_| ())
    }
}
