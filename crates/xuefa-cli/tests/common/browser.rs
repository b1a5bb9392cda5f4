//! Headless Chromium in a test, driven over WebDriver by Debian's chromedriver: the
//! browser's sessions, the elements of a page, its console.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::server::request;

/// Returns Chromium and chromedriver, or `None` (saying so) when they are missing on this
/// machine; in CI, which installs them, a missing one fails the test.
pub fn browser(test: &str) -> Option<(&'static str, &'static str)> {
    if let Some(found) = installed() {
        return Some(found);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "{test}: Chromium or chromedriver not installed, and CI must run the pages (.ci/run installs chromium chromium-driver)"
    );
    println!("skipped: {test} needs Chromium and chromedriver (apt-get install chromium chromium-driver)");
    None
}

/// Debian's Chromium and its chromedriver, when both are installed.
fn installed() -> Option<(&'static str, &'static str)> {
    let chromium =
        ["/usr/bin/chromium", "/usr/bin/chromium-browser"].into_iter().find(|p| Path::new(p).exists())?;
    let driver = ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]
        .into_iter()
        .find(|p| Path::new(p).exists())?;
    Some((chromium, driver))
}

/// A running chromedriver.
pub struct Driver {
    child: Child,
    port: u16,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Driver {
    /// Starts chromedriver on a free port and waits until it listens.
    pub fn start(path: &str) -> Driver {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .expect("a free port")
            .local_addr()
            .expect("addr")
            .port();
        let child = Command::new(path)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let driver = Driver { child, port };
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(30) {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return driver;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("chromedriver did not listen");
    }

    /// Sends a WebDriver command and returns its `value`; panics unless it succeeded.
    pub fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let body = body.map(|b| b.to_string());
        let headers = vec![("Content-Type".to_owned(), "application/json".to_owned())];
        let response = request(self.port, method, path, body.as_deref(), &headers);
        let value: Value = serde_json::from_str(&response.body).unwrap_or(Value::Null);
        assert_eq!(response.status, 200, "WebDriver {method} {path}: {}", response.body);
        value["value"].clone()
    }

    /// A new browser with its own profile (its own cookies): `phone` emulates a 360×740 screen.
    pub fn session(&self, chromium: &str, profile: &Path, phone: bool) -> Browser<'_> {
        let mut args = vec![
            "--headless".to_owned(),
            "--no-sandbox".to_owned(),
            "--disable-gpu".to_owned(),
            "--disable-quic".to_owned(),
            "--no-first-run".to_owned(),
            "--disable-background-networking".to_owned(),
            "--disable-component-update".to_owned(),
            "--disable-sync".to_owned(),
            format!("--user-data-dir={}", profile.display()),
        ];
        let mut options = json!({ "binary": chromium });
        if phone {
            options["mobileEmulation"] =
                json!({ "deviceMetrics": { "width": 360, "height": 740, "pixelRatio": 1.0 } });
        } else {
            args.push("--window-size=1366,768".to_owned());
        }
        options["args"] = json!(args);
        let created = self.call(
            "POST",
            "/session",
            Some(json!({ "capabilities": { "alwaysMatch": {
                "browserName": "chrome",
                "goog:chromeOptions": options,
                "goog:loggingPrefs": { "browser": "ALL" },
            } } })),
        );
        let id = created["sessionId"].as_str().expect("a session").to_owned();
        Browser { driver: self, id }
    }
}

/// One browser (a WebDriver session).
pub struct Browser<'a> {
    driver: &'a Driver,
    id: String,
}

impl Drop for Browser<'_> {
    fn drop(&mut self) {
        let path = format!("/session/{}", self.id);
        let _ = request(self.driver.port, "DELETE", &path, None, &[]);
    }
}

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

impl Browser<'_> {
    /// Sends a WebDriver command of this session.
    pub fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        self.driver.call(method, &format!("/session/{}{path}", self.id), body)
    }

    /// Opens an address.
    pub fn open(&self, url: &str) {
        self.call("POST", "/url", Some(json!({ "url": url })));
    }

    /// Runs a script and returns what it returns.
    pub fn script(&self, script: &str) -> Value {
        self.call("POST", "/execute/sync", Some(json!({ "script": script, "args": [] })))
    }

    /// Waits until a script returns true.
    pub fn wait(&self, what: &str, condition: &str) {
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(20) {
            if self.script(&format!("return !!({condition});")) == json!(true) {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let page = self.script("return location.href + '\\n' + document.body.innerText;");
        panic!("waited for {what} ({condition}); the page: {page}");
    }

    /// Waits for an element and returns its WebDriver id.
    pub fn find(&self, css: &str) -> String {
        self.wait(css, &format!("document.querySelector({})", json!(css)));
        let found = self.call("POST", "/element", Some(json!({ "using": "css selector", "value": css })));
        found[ELEMENT].as_str().unwrap_or_else(|| panic!("an element for {css}: {found}")).to_owned()
    }

    /// Clicks an element, once it is there.
    pub fn click(&self, css: &str) {
        let element = self.find(css);
        self.call("POST", &format!("/element/{element}/click"), Some(json!({})));
    }

    /// Types into an element, once it is there.
    pub fn type_into(&self, css: &str, text: &str) {
        let element = self.find(css);
        self.call("POST", &format!("/element/{element}/value"), Some(json!({ "text": text })));
    }

    /// Returns an element's visible text, once it is there.
    pub fn text(&self, css: &str) -> String {
        let element = self.find(css);
        self.call("GET", &format!("/element/{element}/text"), None).as_str().unwrap_or_default().to_owned()
    }

    /// Returns a PNG of the viewport.
    pub fn screenshot(&self) -> Vec<u8> {
        let encoded = self.call("GET", "/screenshot", None);
        decode_base64(encoded.as_str().expect("base64"))
    }

    /// The browser's console: errors and CSP violations.
    pub fn console_errors(&self) -> Vec<String> {
        let entries = self.call("POST", "/se/log", Some(json!({ "type": "browser" })));
        entries
            .as_array()
            .map(|entries| {
                entries
                    .iter()
                    .filter(|e| {
                        e["level"] == "SEVERE"
                            || e["message"].as_str().is_some_and(|m| m.contains("Content Security Policy"))
                    })
                    .filter_map(|e| e["message"].as_str().map(str::to_owned))
                    // A refused request (401 on the sign-in page's probe) is logged by the browser itself.
                    .filter(|m| !m.contains("Failed to load resource"))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Signs in on the sign-in page and waits for my exams with the exam `main`.
    pub fn sign_in(&self, base: &str, employee: &str, code: &str) {
        self.open(&format!("{base}/"));
        self.type_into("#employee", employee);
        self.type_into("#code", code);
        self.click("#login");
        self.wait(
            "my exams",
            "location.pathname === '/exams' && document.querySelector('li.exam[data-exam=\"main\"]')",
        );
    }
}

fn decode_base64(text: &str) -> Vec<u8> {
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut buffer, mut bits) = (0u32, 0);
    for byte in text.bytes().filter(|b| *b != b'=' && !b.is_ascii_whitespace()) {
        let value = alphabet.iter().position(|a| *a == byte).expect("base64") as u32;
        buffer = (buffer << 6) | value;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
        }
    }
    out
}
