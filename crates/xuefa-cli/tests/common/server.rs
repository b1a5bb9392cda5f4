//! `xuefa serve` in a test: the real binary on a free port of 127.0.0.1, and a small HTTP
//! client that shows every status and header as the server sent them.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

/// A running `xuefa serve`.
pub struct Server {
    child: Child,
    /// The port it listens on.
    pub port: u16,
    /// Its stderr so far.
    pub stderr: Arc<Mutex<Vec<String>>>,
}

impl Server {
    /// Starts `xuefa serve --listen 127.0.0.1:0` in a workspace, its clock starting at `now`.
    pub fn start(dir: &Path, now: &str) -> Server {
        Server::start_with(dir, now, &[])
    }

    /// Starts it with more arguments.
    pub fn start_with(dir: &Path, now: &str, args: &[&str]) -> Server {
        Server::start_in(dir, now, args, &[])
    }

    /// Starts it with more arguments and environment variables.
    pub fn start_in(dir: &Path, now: &str, args: &[&str], env: &[(&str, &str)]) -> Server {
        let mut command = Command::new(env!("CARGO_BIN_EXE_xuefa"));
        command
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(args)
            .current_dir(dir)
            .env_clear()
            .env("LANG", "en_US.UTF-8")
            .env("TZ", "UTC")
            .env("XUEFA_NOW", now)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        if let Some(path) = std::env::var_os("PATH") {
            command.env("PATH", path);
        }
        command.envs(env.iter().copied());
        let mut child = command.spawn().expect("xuefa serve starts");
        let stderr = child.stderr.take().expect("stderr");
        let lines = Arc::new(Mutex::new(Vec::new()));
        let (found, port) = mpsc::channel();
        let kept = Arc::clone(&lines);
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let port = line.split("://127.0.0.1:").nth(1).map(|rest| {
                    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
                    digits.parse::<u16>().unwrap_or(0)
                });
                kept.lock().expect("lines").push(line);
                if let Some(port) = port {
                    let _ = found.send(port);
                }
            }
        });
        let port = port.recv_timeout(Duration::from_secs(60)).unwrap_or_else(|_| {
            let _ = child.kill();
            panic!("xuefa serve did not say where it listens: {:?}", lines.lock().expect("lines"))
        });
        Server { child, port, stderr: lines }
    }

    /// A client of this server, signed in as nobody.
    pub fn client(&self) -> Client {
        Client { port: self.port, cookie: None, lang: None }
    }

    /// Returns the process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Kills the server with SIGKILL, as a power cut or an OOM killer would.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Sends SIGTERM and waits: returns the exit code.
    pub fn terminate(&mut self) -> i32 {
        let status =
            Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status().expect("kill runs");
        assert!(status.success());
        for _ in 0..300 {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.code().unwrap_or(-1);
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("xuefa serve did not stop on SIGTERM");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A response as the server sent it.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Response {
    /// Returns a header's value (the first of that name).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// Returns the body as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("JSON ({e}): {} {}", self.status, self.body))
    }

    /// Returns the `error` message of an error response.
    pub fn error(&self) -> String {
        self.json()["error"].as_str().unwrap_or_else(|| panic!("an error: {}", self.body)).to_owned()
    }
}

/// A browser-like client: keeps the session cookie it was given.
#[derive(Debug, Clone)]
pub struct Client {
    pub port: u16,
    pub cookie: Option<String>,
    pub lang: Option<&'static str>,
}

impl Client {
    /// Sends a request with these extra headers; JSON bodies get `Content-Type: application/json`.
    pub fn send(
        &mut self,
        method: &str,
        path: &str,
        body: Option<&str>,
        headers: &[(&str, &str)],
    ) -> Response {
        self.try_send(method, path, body, headers)
            .unwrap_or_else(|error| panic!("{method} {path} on port {}: {error}", self.port))
    }

    /// Sends a request as [`Client::send`] does, returning the failure to connect or to read
    /// a response (a server killed mid-request) instead of panicking.
    pub fn try_send(
        &mut self,
        method: &str,
        path: &str,
        body: Option<&str>,
        headers: &[(&str, &str)],
    ) -> std::io::Result<Response> {
        let mut all: Vec<(String, String)> =
            headers.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect();
        if body.is_some() && !headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("content-type")) {
            all.push(("Content-Type".into(), "application/json".into()));
        }
        if let Some(cookie) = &self.cookie {
            all.push(("Cookie".into(), format!("xuefa_session={cookie}")));
        }
        if let Some(lang) = self.lang {
            all.push(("Accept-Language".into(), lang.into()));
        }
        let response = try_request(self.port, method, path, body, &all)?;
        if let Some(set) = response.header("set-cookie") {
            let value = set.split(';').next().unwrap_or_default();
            let token = value.strip_prefix("xuefa_session=").unwrap_or_default();
            self.cookie = (!token.is_empty()).then(|| token.to_owned());
        }
        Ok(response)
    }

    pub fn get(&mut self, path: &str) -> Response {
        self.send("GET", path, None, &[])
    }

    pub fn post(&mut self, path: &str, body: &str) -> Response {
        self.send("POST", path, Some(body), &[])
    }

    pub fn put(&mut self, path: &str, body: &str) -> Response {
        self.send("PUT", path, Some(body), &[])
    }

    /// Signs in; panics unless it worked.
    pub fn login(&mut self, employee: &str, code: &str) -> Response {
        let body = serde_json::json!({ "employee": employee, "code": code }).to_string();
        let response = self.post("/api/v1/login", &body);
        assert_eq!(response.status, 200, "sign-in of {employee}: {}", response.body);
        response
    }
}

/// Sends one HTTP/1.1 request and reads the whole response.
pub fn request(
    port: u16,
    method: &str,
    path: &str,
    body: Option<&str>,
    headers: &[(String, String)],
) -> Response {
    try_request(port, method, path, body, headers)
        .unwrap_or_else(|error| panic!("{method} {path} on port {port}: {error}"))
}

/// Sends one HTTP/1.1 request and reads the whole response, or returns why it could not.
pub fn try_request(
    port: u16,
    method: &str,
    path: &str,
    body: Option<&str>,
    headers: &[(String, String)],
) -> std::io::Result<Response> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(60)))?;
    let body = body.unwrap_or_default();
    let mut text = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n");
    for (name, value) in headers {
        text.push_str(&format!("{name}: {value}\r\n"));
    }
    text.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    stream.write_all(text.as_bytes())?;
    // Read the head, then the body by its length (some peers keep the connection open),
    // else to the end.
    let mut bytes = Vec::new();
    let mut chunk = [0u8; 8192];
    let split = loop {
        if let Some(split) = bytes.windows(4).position(|w| w == b"\r\n\r\n") {
            break split;
        }
        let n = stream.read(&mut chunk)?;
        if n == 0 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "the connection closed before a response head",
            ));
        }
        bytes.extend_from_slice(&chunk[..n]);
    };
    let length = String::from_utf8_lossy(&bytes[..split])
        .lines()
        .find_map(|l| l.split_once(':').filter(|(n, _)| n.trim().eq_ignore_ascii_case("content-length")))
        .and_then(|(_, v)| v.trim().parse::<usize>().ok());
    match length {
        Some(length) => {
            while bytes.len() < split + 4 + length {
                let n = stream.read(&mut chunk)?;
                if n == 0 {
                    break;
                }
                bytes.extend_from_slice(&chunk[..n]);
            }
        }
        None => {
            stream.read_to_end(&mut bytes)?;
        }
    }
    let head = String::from_utf8_lossy(&bytes[..split]).into_owned();
    let mut raw = bytes[split + 4..].to_vec();
    let mut lines = head.lines();
    let status =
        lines.next().and_then(|l| l.split(' ').nth(1)).and_then(|s| s.parse().ok()).ok_or_else(|| {
            std::io::Error::new(std::io::ErrorKind::InvalidData, format!("no status line in `{head}`"))
        })?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':').map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned())))
        .collect();
    if headers.iter().any(|(n, v)| n.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked")) {
        let mut decoded = Vec::new();
        let mut rest = &raw[..];
        while let Some(end) = rest.windows(2).position(|w| w == b"\r\n") {
            let size = usize::from_str_radix(String::from_utf8_lossy(&rest[..end]).trim(), 16).unwrap_or(0);
            if size == 0 {
                break;
            }
            decoded.extend_from_slice(&rest[end + 2..end + 2 + size]);
            rest = &rest[end + 2 + size + 2..];
        }
        raw = decoded;
    }
    Ok(Response { status, headers, body: String::from_utf8_lossy(&raw).into_owned() })
}

/// A blueprint of ten questions from the shipped banks (5 single, 3 multiple, 2 judge).
pub fn spec(id: &str, extra: &str) -> String {
    format!(
        r#"
id = "{id}"
title = "2026年度学法考试 {id}"
year = 2026
duration_minutes = 60
pass_mark = 12
attempts = 2
{extra}

[[sections]]
kind = "single"
count = 5
points = 2

[[sections]]
kind = "multiple"
count = 3
points = 2
laws = ["民法典", "行政处罚法"]

[[sections]]
kind = "judge"
count = 2
points = 2
"#
    )
}

/// A workspace with three shipped banks, this roster (CSV) and these exams (id, blueprint),
/// created at `now`.
pub fn exam_workspace(roster: &str, exams: &[(&str, String)], now: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary folder");
    let d = dir.path();
    assert_eq!(super::run_in(d, &["init", "."], &[]).code, 0);
    let banks: Vec<String> = ["宪法.csv", "民法典.csv", "行政处罚法.csv"]
        .iter()
        .map(|b| super::root().join("question-banks").join(b).display().to_string())
        .collect();
    let mut args = vec!["bank", "import"];
    args.extend(banks.iter().map(String::as_str));
    assert_eq!(super::run_in(d, &args, &[]).code, 0);
    std::fs::write(d.join("roster.csv"), roster).expect("roster");
    let imported = super::run_in(d, &["roster", "import", "roster.csv"], &[]);
    assert_eq!(imported.code, 0, "{}", imported.stderr);
    for (id, text) in exams {
        std::fs::write(d.join(format!("{id}.toml")), text).expect("spec");
        let created = super::run_in(
            d,
            &["exam", "create", &format!("{id}.toml"), "--seed", "7"],
            &[("XUEFA_NOW", now)],
        );
        assert_eq!(created.code, 0, "{}", created.stderr);
    }
    dir
}

/// Issues codes as CSV at `now` and returns them by employee.
pub fn issue(dir: &Path, args: &[&str], now: &str) -> HashMap<String, String> {
    let mut all = vec!["access", "issue", "--format", "csv"];
    all.extend(args);
    let issued = super::run_in(dir, &all, &[("XUEFA_NOW", now)]);
    assert_eq!(issued.code, 0, "{}", issued.stderr);
    let mut lines = issued.stdout.lines();
    assert_eq!(lines.next(), Some("employee,name,department,code"));
    lines
        .map(|line| {
            let cells: Vec<&str> = line.split(',').collect();
            (cells[0].to_owned(), cells[3].to_owned())
        })
        .collect()
}

/// The explanations stored with every paper and every question version of the workspace:
/// text no response may show before the answer it explains.
pub fn stored_secrets(dir: &Path) -> Vec<String> {
    let db = rusqlite::Connection::open(dir.join("xuefa.db")).expect("database");
    let mut secrets = Vec::new();
    let mut statement = db.prepare("SELECT paper FROM attempts").expect("query");
    let papers: Vec<String> =
        statement.query_map([], |row| row.get(0)).expect("rows").map(|r| r.expect("paper")).collect();
    for paper in papers {
        let paper: serde_json::Value = serde_json::from_str(&paper).expect("paper JSON");
        for question in paper["questions"].as_array().expect("questions") {
            if let Some(explanation) = question["explanation"].as_str().filter(|e| e.chars().count() > 6) {
                secrets.push(explanation.to_owned());
            }
        }
    }
    let mut statement = db.prepare("SELECT explanation FROM question_versions").expect("query");
    let explanations: Vec<Option<String>> =
        statement.query_map([], |row| row.get(0)).expect("rows").map(|r| r.expect("text")).collect();
    secrets.extend(explanations.into_iter().flatten().filter(|e| e.chars().count() > 6));
    secrets
}

/// Fails when a response body carries a key, an explanation, an article or a mark (by its
/// field names) or any of `secrets`: for every response before an exam is submitted, or
/// before a practice question is answered.
pub fn assert_no_secrets(body: &str, secrets: &[String]) {
    let value: serde_json::Value = serde_json::from_str(body).unwrap_or(serde_json::Value::Null);
    fn walk(value: &serde_json::Value, body: &str) {
        match value {
            serde_json::Value::Object(map) => {
                for (key, inner) in map {
                    assert!(
                        !["key", "keys", "explanation", "article", "mark", "marks", "correct", "answer_key"]
                            .contains(&key.as_str()),
                        "a response before the answer has `{key}`: {body}"
                    );
                    walk(inner, body);
                }
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| walk(v, body)),
            _ => {}
        }
    }
    walk(&value, body);
    for secret in secrets {
        assert!(
            !body.contains(secret.as_str()),
            "a response before the answer holds an explanation: {secret}"
        );
    }
}

/// Returns an answer that `key` makes wrong, in the bank's letters.
pub fn wrong_answer(kind: &str, key: &str) -> String {
    match kind {
        "judge" if key == "T" => "F".to_owned(),
        "judge" => "T".to_owned(),
        // A multiple-choice key has two letters or more: one of them alone is wrong.
        "multiple" => key[..1].to_owned(),
        _ if key == "A" => "B".to_owned(),
        _ => "A".to_owned(),
    }
}
