//! `xuefa serve` end to end, over real HTTP against the real binary: access codes, every
//! status code of the API, no key before submission (checked against the stored keys),
//! deadlines, 切屏 limits, review settings, the cross-site defence, security headers, a
//! SIGKILL mid-sitting and a graceful stop.

mod common;

use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

use common::server::{Server, assert_no_secrets, exam_workspace, spec, stored_secrets};
use common::{json, run_in};
use serde_json::{Value, json};

const NOW: &str = "2026-11-20T09:00:00+08:00";

const ROSTER: &str = "工号,姓名,部门,状态\n\
A001,王一,区司法局/办公室,在职\n\
A002,李二,区司法局/办公室,在职\n\
B001,张三,区司法局/执法科,在职\n\
B002,赵四,区司法局/执法科,在职\n\
X001,钱五,区司法局/执法科,离职\n";

/// A workspace with three shipped banks, five people and the exam `main` (and `more`).
fn workspace(more: &[(&str, &str)]) -> tempfile::TempDir {
    let mut exams = vec![("main", spec("main", ""))];
    exams.extend(more.iter().map(|(id, extra)| (*id, spec(id, extra))));
    exam_workspace(ROSTER, &exams, NOW)
}

/// Issues codes as CSV at `NOW` and returns them by employee.
fn issue(dir: &Path, args: &[&str]) -> HashMap<String, String> {
    common::server::issue(dir, args, NOW)
}

/// An answer the question takes, in the paper's letters.
fn some_answer(question: &Value) -> &'static str {
    match question["kind"].as_str() {
        Some("judge") => "T",
        Some("multiple") => "AB",
        _ => "A",
    }
}

#[test]
fn access_codes_sign_in_and_every_status_of_the_api() {
    let dir = workspace(&[]);
    let d = dir.path();
    let codes = issue(d, &[]);
    assert_eq!(codes.len(), 4, "everyone but the person who left: {codes:?}");
    assert!(!codes.contains_key("X001"));
    for code in codes.values() {
        assert_eq!(code.len(), 11, "two groups of five: {code}");
        assert!(code.chars().all(|c| c == '-' || "23456789ABCDEFGHJKMNPQRSTUVWXYZ".contains(c)), "{code}");
    }
    // Only hashes are stored.
    let db = rusqlite::Connection::open(d.join("xuefa.db")).expect("database");
    let hash: String = db
        .query_row("SELECT hash FROM access_codes WHERE employee_id = 'A001'", [], |r| r.get(0))
        .expect("hash");
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    assert!(!hash.contains(&codes["A001"].replace('-', "")));

    let server = Server::start(d, NOW);
    let mut anyone = server.client();

    // Pages carry the security headers; nothing of an exam is cached.
    let page = anyone.get("/");
    assert_eq!(page.status, 200);
    let csp = page.header("content-security-policy").expect("CSP");
    assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), "{csp}");
    assert_eq!(page.header("x-frame-options"), Some("DENY"));
    assert_eq!(page.header("cache-control"), Some("no-store"));
    assert!(page.body.contains("/static/xuefa.js") && !page.body.contains("<script>"));
    assert_eq!(anyone.get("/sit/main").status, 200);
    assert_eq!(anyone.get("/static/xuefa.css").status, 200);
    let openapi = anyone.get("/api/v1/openapi.json");
    assert_eq!(openapi.status, 200);
    assert_eq!(openapi.json()["openapi"], "3.1.0");

    // 401 without a session; one message whether the id or the code is wrong.
    assert_eq!(anyone.get("/api/v1/exams").status, 401);
    let wrong_code =
        anyone.post("/api/v1/login", &json!({"employee": "A001", "code": "22222-22222"}).to_string());
    let unknown_id =
        anyone.post("/api/v1/login", &json!({"employee": "Z999", "code": codes["A001"]}).to_string());
    let left = anyone.post("/api/v1/login", &json!({"employee": "X001", "code": codes["A001"]}).to_string());
    assert_eq!((wrong_code.status, unknown_id.status, left.status), (401, 401, 401));
    assert_eq!(wrong_code.error(), unknown_id.error());
    assert_eq!(wrong_code.error(), "工号或访问码不正确", "Chinese by default");
    let mut english = server.client();
    english.lang = Some("en-US,en;q=0.9");
    let wrong = english.post("/api/v1/login", &json!({"employee": "A001", "code": "x"}).to_string());
    assert_eq!(wrong.error(), "the employee id or the access code is wrong");
    assert_eq!(anyone.post("/api/v1/login", "{not json").status, 400);

    // The code as a person types it: lower case, spaces, full-width forms.
    let mut a = server.client();
    let typed: String = codes["A001"].to_lowercase().replace('-', " ");
    let signed = a.login("A001", &typed);
    assert_eq!(signed.json(), json!({"employee": "A001", "name": "王一"}));
    let cookie = signed.header("set-cookie").expect("cookie");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && !cookie.contains("Secure"),
        "{cookie}"
    );
    assert_eq!(a.get("/api/v1/me").json()["department"], "区司法局/办公室");

    let exams = a.get("/api/v1/exams").json();
    let main = exams.as_array().expect("list").iter().find(|e| e["id"] == "main").expect("main").clone();
    for field in ["id", "title", "state", "attempts_used", "attempts_allowed", "opens", "closes"] {
        assert!(main.get(field).is_some(), "{field} in {main}");
    }
    assert_eq!(main["state"], "not_started");
    assert_eq!((main["attempts_used"].as_u64(), main["attempts_allowed"].as_u64()), (Some(0), Some(2)));

    // Start: the paper without keys; a second start resumes the same attempt.
    assert_eq!(a.post("/api/v1/exams/nope/attempts", "{}").status, 404);
    let started = a.post("/api/v1/exams/main/attempts", "{}");
    assert_eq!(started.status, 200, "{}", started.body);
    let paper = started.json();
    let attempt = paper["attempt"].as_i64().expect("attempt");
    let questions = paper["questions"].as_array().expect("questions").clone();
    assert_eq!(questions.len(), 10);
    assert_eq!(paper["remaining_seconds"], 3600);
    for q in &questions {
        for field in ["number", "id", "kind", "stem", "options", "points", "answer"] {
            assert!(q.get(field).is_some(), "{field} in {q}");
        }
        assert!(q["answer"].is_null());
    }
    let secrets = stored_secrets(d);
    assert!(secrets.len() > 100, "the explanations to look for");
    assert_no_secrets(&started.body, &secrets);
    assert_eq!(a.post("/api/v1/exams/main/attempts", "{}").json()["attempt"], attempt);

    // Answers: saved, refused letters, someone else's attempt, no such question.
    let base = format!("/api/v1/exams/main/attempts/{attempt}");
    let single = questions.iter().find(|q| q["kind"] == "single").expect("a single-choice question");
    let judge = questions.iter().find(|q| q["kind"] == "judge").expect("a judge question");
    let n = |q: &Value| q["number"].as_u64().expect("number");
    let saved = a.put(&format!("{base}/answers/{}", n(single)), r#"{"answer":"B"}"#);
    assert_eq!(saved.status, 200, "{}", saved.body);
    assert_eq!(saved.json()["saved"], true);
    assert_eq!(saved.json()["answered"], 1);
    assert_no_secrets(&saved.body, &secrets);
    for bad in ["E", "AB", "Z", "对"] {
        let refused = a.put(&format!("{base}/answers/{}", n(single)), &json!({ "answer": bad }).to_string());
        assert_eq!(refused.status, 400, "{bad}: {}", refused.body);
    }
    assert_eq!(a.put(&format!("{base}/answers/{}", n(judge)), r#"{"answer":"Q"}"#).status, 400);
    assert_eq!(a.put(&format!("{base}/answers/{}", n(judge)), r#"{"answer":"AB"}"#).status, 400);
    assert_eq!(a.put(&format!("{base}/answers/{}", n(judge)), r#"{"answer":"F"}"#).status, 200);
    assert_eq!(a.put(&format!("{base}/answers/0"), r#"{"answer":"A"}"#).status, 404);
    assert_eq!(a.put(&format!("{base}/answers/11"), r#"{"answer":"A"}"#).status, 404);
    assert_eq!(a.put(&format!("{base}/answers/x"), r#"{"answer":"A"}"#).status, 404);
    // Flag without changing the answer; clear an answer with "".
    let flagged = a.put(&format!("{base}/answers/{}", n(judge)), r#"{"flagged":true}"#);
    assert_eq!(flagged.json()["answered"], 2, "a flag keeps the answer: {}", flagged.body);

    let mut b = server.client();
    b.login("B001", &codes["B001"]);
    assert_eq!(
        b.put(&format!("{base}/answers/1"), r#"{"answer":"A"}"#).status,
        404,
        "someone else's attempt"
    );
    assert_eq!(b.get(&base).status, 404);
    assert_eq!(b.post(&format!("{base}/submit"), "{}").status, 404);
    assert_eq!(b.get(&format!("{base}/review")).status, 404);
    assert_eq!(a.get("/api/v1/exams/main/attempts/999999").status, 404);
    // The same with the whole state of the question, as the pages send it (checked against
    // the attempt's shape kept in memory).
    let whole = |answer: &str| json!({ "answer": answer, "flagged": false }).to_string();
    assert_eq!(b.put(&format!("{base}/answers/1"), &whole("A")).status, 404, "someone else's attempt");
    assert_eq!(a.put(&format!("{base}/answers/{}", n(single)), &whole("E")).status, 400);
    assert_eq!(a.put(&format!("{base}/answers/11"), &whole("A")).status, 404);
    assert_eq!(
        b.put(&format!("{base}/answers/1"), &whole("A")).status,
        404,
        "still someone else's, once kept"
    );
    let mut c = b.clone();
    c.lang = Some("en");
    let elsewhere = c.put(&format!("/api/v1/exams/other/attempts/{attempt}/answers/1"), &whole("A"));
    assert!(elsewhere.error().contains("no attempt"), "{}", elsewhere.body);

    // Resuming shows the saved answers and flags.
    let resumed = a.post("/api/v1/exams/main/attempts", "{}").json();
    let by_number = |v: &Value, number: u64| {
        v["questions"]
            .as_array()
            .expect("questions")
            .iter()
            .find(|q| q["number"] == number)
            .expect("q")
            .clone()
    };
    assert_eq!(by_number(&resumed, n(single))["answer"], "B");
    assert_eq!(by_number(&resumed, n(judge))["answer"], "F");
    assert_eq!(by_number(&resumed, n(judge))["flagged"], true);

    // Review before submission: 403; the attempt's state has no result yet.
    assert_eq!(a.get(&format!("{base}/review")).status, 403);
    let state = a.get(&base);
    assert_eq!(state.json()["submitted"], false);
    assert!(state.json()["score"].is_null());
    assert_no_secrets(&state.body, &secrets);
    let listed = a.get("/api/v1/exams");
    assert_no_secrets(&listed.body, &secrets);
    assert_eq!(listed.json()[0]["state"], "in_progress");

    // The cross-site defence: JSON only, from this origin only.
    let plain = a.send(
        "PUT",
        &format!("{base}/answers/1"),
        Some(r#"{"answer":"A"}"#),
        &[("Content-Type", "text/plain")],
    );
    assert_eq!(plain.status, 403);
    let form = a.send(
        "POST",
        &format!("{base}/submit"),
        Some("x=1"),
        &[("Content-Type", "application/x-www-form-urlencoded")],
    );
    assert_eq!(form.status, 403);
    let foreign = a.send("POST", &format!("{base}/submit"), Some("{}"), &[("Origin", "http://evil.example")]);
    assert_eq!(foreign.status, 403);
    let cross = a.send("POST", &format!("{base}/submit"), Some("{}"), &[("Sec-Fetch-Site", "cross-site")]);
    assert_eq!(cross.status, 403);
    let same = a.send("GET", &base, None, &[("Origin", &format!("http://127.0.0.1:{}", server.port))]);
    assert_eq!(same.status, 200);

    // Submit: the result; again: 409; answers after: 409; the review with keys.
    for q in &questions {
        if q["answer"].is_null() && q["number"] != n(single) && q["number"] != n(judge) {
            let put =
                a.put(&format!("{base}/answers/{}", n(q)), &json!({ "answer": some_answer(q) }).to_string());
            assert_eq!(put.status, 200, "{}", put.body);
        }
    }
    let submitted = a.post(&format!("{base}/submit"), "{}");
    assert_eq!(submitted.status, 200, "{}", submitted.body);
    let result = submitted.json();
    for field in ["score", "total_points", "passed", "band"] {
        assert!(result.get(field).is_some(), "{field} in {result}");
    }
    assert_eq!(result["total_points"], 20.0);
    let again = a.post(&format!("{base}/submit"), "{}");
    assert_eq!(again.status, 409);
    assert_eq!(again.json()["attempt"], attempt);
    assert_eq!(a.put(&format!("{base}/answers/1"), r#"{"answer":"A"}"#).status, 409);
    assert_eq!(
        a.put(&format!("{base}/answers/1"), &whole("A")).status,
        409,
        "the shape is kept, the write refuses"
    );
    assert_eq!(a.post(&format!("{base}/leave"), "{}").status, 409);
    let review = a.get(&format!("{base}/review"));
    assert_eq!(review.status, 200, "{}", review.body);
    let review = review.json();
    assert_eq!(review["score"], result["score"]);
    let reviewed = by_number(&review, n(single));
    assert_eq!(reviewed["answer"], "B");
    assert!(reviewed["key"].as_str().is_some_and(|k| !k.is_empty()));
    assert!(reviewed.get("explanation").is_some() && reviewed.get("mark").is_some());

    // The result is in every report at once.
    let report = run_in(d, &["report", "exam", "main", "--format", "json"], &[("XUEFA_NOW", NOW)]);
    assert_eq!(report.code, 0, "{}", report.stderr);
    assert!(
        report.stdout.contains("\"took\": 1") || json(&report).to_string().contains("\"took\":1"),
        "{}",
        report.stdout
    );
    let listed = a.get("/api/v1/exams").json();
    assert_eq!(listed[0]["state"], "submitted");
    assert_eq!(listed[0]["can_start"], true, "a second attempt (补考) is allowed");
    assert_eq!(listed[0]["last_attempt"], attempt);
    assert_eq!(listed[0]["result"]["score"], result["score"]);

    // Sign out ends the session.
    assert_eq!(a.post("/api/v1/logout", "{}").status, 200);
    assert_eq!(a.get("/api/v1/me").status, 401);
}

#[test]
fn five_failures_for_a_person_or_an_address_are_refused_for_fifteen_minutes() {
    let dir = workspace(&[]);
    let d = dir.path();
    let codes = issue(d, &[]);
    let server = Server::start(d, NOW);
    let mut c = server.client();
    for _ in 0..5 {
        let wrong = c.post("/api/v1/login", &json!({"employee": "A001", "code": "22222-22222"}).to_string());
        assert_eq!(wrong.status, 401);
    }
    // The person is locked out, even with the right code.
    let locked = c.post("/api/v1/login", &json!({"employee": "A001", "code": codes["A001"]}).to_string());
    assert_eq!(locked.status, 429, "{}", locked.body);
    assert!(locked.header("retry-after").is_some());
    // The address too: every request here comes from 127.0.0.1.
    let other = c.post("/api/v1/login", &json!({"employee": "B001", "code": codes["B001"]}).to_string());
    assert_eq!(other.status, 429);
    drop(server);

    // Fifteen minutes later both may try again (the limit lives in the database).
    let later = Server::start(d, "2026-11-20T09:16:00+08:00");
    let mut c = later.client();
    c.login("A001", &codes["A001"]);
}

#[test]
fn reissued_codes_replace_old_ones_and_revoked_codes_sign_out() {
    let dir = workspace(&[]);
    let d = dir.path();
    let first = issue(d, &["--employee", "A001", "--employee", "A002"]);
    assert_eq!(first.len(), 2);
    let server = Server::start(d, NOW);
    let mut a = server.client();
    a.login("A001", &first["A001"]);
    let second = issue(d, &["--employee", "A001"]);
    assert_ne!(first["A001"], second["A001"]);
    assert_eq!(a.get("/api/v1/me").status, 401, "re-issuing signs the old session out");
    let mut again = server.client();
    let old = again.post("/api/v1/login", &json!({"employee": "A001", "code": first["A001"]}).to_string());
    assert_eq!(old.status, 401);
    again.login("A001", &second["A001"]);

    let mut b = server.client();
    b.login("A002", &first["A002"]);
    let revoked = run_in(d, &["access", "revoke", "--employee", "A002"], &[]);
    assert_eq!(revoked.code, 0, "{}", revoked.stderr);
    assert_eq!(b.get("/api/v1/me").status, 401);
    let refused = b.post("/api/v1/login", &json!({"employee": "A002", "code": first["A002"]}).to_string());
    assert_eq!(refused.status, 401);
    // Revoking names whom; nobody is a usage error.
    assert_eq!(run_in(d, &["access", "revoke"], &[]).code, 2);
    // Unknown people and departments are refused with nothing issued.
    let unknown = run_in(d, &["access", "issue", "--employee", "Q1", "--department", "无此部门"], &[]);
    assert_eq!(unknown.code, 1);
    assert!(unknown.stderr.contains("Q1") && unknown.stderr.contains("无此部门"), "{}", unknown.stderr);
    // Expired codes do not sign in.
    let expiring = issue(d, &["--employee", "B002", "--expires", "2026-11-20"]);
    drop(server);
    let next_day = Server::start(d, "2026-11-21T08:00:00+08:00");
    let mut c = next_day.client();
    let expired = c.post("/api/v1/login", &json!({"employee": "B002", "code": expiring["B002"]}).to_string());
    assert_eq!(expired.status, 401);
}

#[test]
fn slips_as_html_and_xlsx_escape_and_open() {
    let dir = workspace(&[]);
    let d = dir.path();
    let html = run_in(
        d,
        &[
            "access",
            "issue",
            "--department",
            "区司法局/执法科",
            "--format",
            "html",
            "--url",
            "http://10.0.0.5:8080/?a=<b>",
            "-o",
            "slips.html",
        ],
        &[],
    );
    assert_eq!(html.code, 0, "{}", html.stderr);
    assert!(html.stdout.is_empty());
    let page = std::fs::read_to_string(d.join("slips.html")).expect("slips");
    assert_eq!(page.matches("class=\"slip\"").count(), 2, "B001 and B002");
    assert!(page.contains("http://10.0.0.5:8080/?a=&lt;b&gt;") && !page.contains("<b>"));
    assert!(!page.contains("<script"));
    let xlsx =
        run_in(d, &["access", "issue", "--employee", "A001", "--format", "xlsx", "-o", "slips.xlsx"], &[]);
    assert_eq!(xlsx.code, 0, "{}", xlsx.stderr);
    use calamine::Reader as _;
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(d.join("slips.xlsx")).expect("xlsx");
    let sheet = book.worksheet_range_at(0).expect("a sheet").expect("readable");
    assert_eq!(sheet.rows().count(), 2);
}

#[test]
fn deadlines_leaving_the_page_and_review_settings() {
    // `soon` closes three seconds after the server starts: its attempts end then.
    let dir = workspace(&[
        ("soon", "closes = \"2026-11-20T09:00:03+08:00\""),
        ("strict", "max_leaves = 1"),
        ("secret", "review = \"never\""),
        ("later", "review = \"after_close\"\ncloses = \"2026-11-30\""),
    ]);
    let d = dir.path();
    let codes = issue(d, &[]);
    let server = Server::start(d, NOW);
    let mut a = server.client();
    a.login("A001", &codes["A001"]);

    let soon = a.post("/api/v1/exams/soon/attempts", "{}").json();
    let attempt = soon["attempt"].as_i64().expect("attempt");
    assert!(soon["remaining_seconds"].as_i64().is_some_and(|s| s <= 3));
    let saved = a
        .put(&format!("/api/v1/exams/soon/attempts/{attempt}/answers/1"), r#"{"answer":"A","flagged":true}"#);
    assert_eq!(saved.status, 200, "{}", saved.body);
    std::thread::sleep(Duration::from_millis(4500));
    let late = a.put(
        &format!("/api/v1/exams/soon/attempts/{attempt}/answers/2"),
        r#"{"answer":"A","flagged":false}"#,
    );
    assert_eq!(late.status, 409, "past the deadline: {}", late.body);
    let state = a.get(&format!("/api/v1/exams/soon/attempts/{attempt}")).json();
    assert_eq!(state["submitted"], true, "submitted with what was saved");
    assert_eq!(state["answered"], 1);
    assert_eq!(a.post("/api/v1/exams/soon/attempts", "{}").status, 403, "closed");

    // 切屏: the second leave of a max_leaves = 1 exam submits.
    let strict = a.post("/api/v1/exams/strict/attempts", "{}").json();
    let attempt = strict["attempt"].as_i64().expect("attempt");
    assert_eq!(strict["max_leaves"], 1);
    let first = a.post(&format!("/api/v1/exams/strict/attempts/{attempt}/leave"), "{}").json();
    assert_eq!(first, json!({"leaves": 1, "max_leaves": 1, "submitted": false}));
    let second = a.post(&format!("/api/v1/exams/strict/attempts/{attempt}/leave"), "{}").json();
    assert_eq!(second["submitted"], true);
    let db = rusqlite::Connection::open(d.join("xuefa.db")).expect("database");
    let leaves: i64 = db
        .query_row(
            "SELECT COUNT(*) FROM attempt_events WHERE attempt_id = ?1 AND kind = 'leave'",
            [attempt],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(leaves, 2, "each leave is recorded with its time");
    let status = run_in(
        d,
        &["exam", "status", "strict", "--employee", "A001", "--format", "json"],
        &[("XUEFA_NOW", NOW)],
    );
    assert_eq!(json(&status)["leaves"], 2, "administrators see it: {}", status.stdout);
    let shown =
        run_in(d, &["exam", "status", "strict", "--employee", "A001", "--lang", "zh"], &[("XUEFA_NOW", NOW)]);
    assert!(shown.stdout.contains("切屏") && shown.stdout.contains('2'), "{}", shown.stdout);

    // Review settings.
    for (exam, allowed) in [("secret", false), ("later", false), ("main", true)] {
        let started = a.post(&format!("/api/v1/exams/{exam}/attempts"), "{}").json();
        let attempt = started["attempt"].as_i64().expect("attempt");
        assert_eq!(a.post(&format!("/api/v1/exams/{exam}/attempts/{attempt}/submit"), "{}").status, 200);
        let review = a.get(&format!("/api/v1/exams/{exam}/attempts/{attempt}/review"));
        assert_eq!(review.status == 200, allowed, "{exam}: {}", review.body);
        if !allowed {
            assert_eq!(review.status, 403);
        }
        let state = a.get(&format!("/api/v1/exams/{exam}/attempts/{attempt}")).json();
        assert_eq!(state["review_available"], allowed);
    }
}

#[test]
fn a_killed_server_loses_no_acknowledged_answer_and_resumes_the_same_paper() {
    let dir = workspace(&[]);
    let d = dir.path();
    let codes = issue(d, &["--employee", "A001"]);
    let mut server = Server::start(d, NOW);
    let mut a = server.client();
    a.login("A001", &codes["A001"]);
    let paper = a.post("/api/v1/exams/main/attempts", "{}").json();
    let attempt = paper["attempt"].as_i64().expect("attempt");
    let mut acknowledged = HashMap::new();
    for q in paper["questions"].as_array().expect("questions").iter().take(7) {
        let answer = some_answer(q);
        let put = a.put(
            &format!("/api/v1/exams/main/attempts/{attempt}/answers/{}", q["number"]),
            &json!({ "answer": answer }).to_string(),
        );
        assert_eq!(put.status, 200);
        acknowledged.insert(q["number"].as_u64().expect("number"), answer);
    }
    server.kill();

    let restarted = Server::start(d, "2026-11-20T09:10:00+08:00");
    let mut again = restarted.client();
    again.cookie = a.cookie.clone();
    assert_eq!(again.get("/api/v1/me").status, 200, "the session lives in the database");
    let resumed = again.post("/api/v1/exams/main/attempts", "{}").json();
    assert_eq!(resumed["attempt"], attempt, "the same attempt");
    assert_eq!(resumed["questions"], {
        let mut expected = paper["questions"].clone();
        for q in expected.as_array_mut().expect("questions") {
            if let Some(answer) = acknowledged.get(&q["number"].as_u64().expect("number")) {
                q["answer"] = json!(answer);
            }
        }
        expected
    });
    let remaining = resumed["remaining_seconds"].as_i64().expect("remaining");
    assert!((3000..=3001).contains(&remaining), "the server's time, ten minutes on: {remaining}");
}

#[test]
fn sigterm_stops_gracefully() {
    let dir = workspace(&[]);
    let mut server = Server::start(dir.path(), NOW);
    assert_eq!(server.client().get("/").status, 200);
    assert_eq!(server.terminate(), 0);
    let said = server.stderr.lock().expect("stderr").join("\n");
    assert!(said.contains("stopped"), "{said}");
}

#[test]
fn https_with_the_office_certificate_marks_the_cookie_secure() {
    let (Ok(openssl), Ok(curl)) = (which("openssl"), which("curl")) else {
        println!("skipped: openssl and curl are needed to make a certificate and speak TLS");
        return;
    };
    let dir = workspace(&[]);
    let d = dir.path();
    let made = std::process::Command::new(openssl)
        .args(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1"])
        .args(["-keyout", "key.pem", "-out", "cert.pem"])
        .current_dir(d)
        .output()
        .expect("openssl runs");
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    let codes = issue(d, &["--employee", "A001"]);
    let server = Server::start_with(d, NOW, &["--tls-cert", "cert.pem", "--tls-key", "key.pem"]);
    let said = server.stderr.lock().expect("stderr").join("\n");
    assert!(said.contains("https://127.0.0.1:"), "{said}");
    let body = json!({"employee": "A001", "code": codes["A001"]}).to_string();
    let url = format!("https://127.0.0.1:{}/api/v1/login", server.port);
    let out = std::process::Command::new(curl)
        .args(["-s", "-i", "--cacert", "cert.pem", "-H", "Content-Type: application/json", "-d", &body, &url])
        .current_dir(d)
        .output()
        .expect("curl runs");
    let response = String::from_utf8_lossy(&out.stdout).to_lowercase();
    assert!(response.starts_with("http/") && response.contains(" 200"), "{response}");
    let cookie = response.lines().find(|l| l.starts_with("set-cookie:")).expect("a cookie");
    assert!(
        cookie.contains("secure") && cookie.contains("httponly") && cookie.contains("samesite=strict"),
        "{cookie}"
    );
    assert!(response.contains("strict-transport-security: max-age="), "{response}");
    // Plain HTTP to the TLS port gets no page.
    let plain = std::process::Command::new("curl")
        .args(["-s", "-o", "/dev/null", "-w", "%{http_code}", &format!("http://127.0.0.1:{}/", server.port)])
        .output()
        .expect("curl runs");
    assert_ne!(String::from_utf8_lossy(&plain.stdout), "200");
}

fn which(program: &str) -> Result<std::path::PathBuf, ()> {
    std::env::var_os("PATH")
        .and_then(|paths| std::env::split_paths(&paths).map(|p| p.join(program)).find(|p| p.is_file()))
        .ok_or(())
}

#[test]
fn answers_given_at_the_same_moment_are_all_kept() {
    let dir = workspace(&[]);
    let d = dir.path();
    let codes = issue(d, &[]);
    let server = Server::start(d, NOW);
    let people = ["A001", "A002", "B001", "B002"];
    // Each person on two devices, every answer sent from both at once, many times over:
    // the last acknowledged answer of each question is the stored one.
    let handles: Vec<_> = people
        .iter()
        .map(|employee| {
            let mut client = server.client();
            client.login(employee, &codes[*employee]);
            let paper = client.post("/api/v1/exams/main/attempts", "{}").json();
            let attempt = paper["attempt"].as_i64().expect("attempt");
            let questions = paper["questions"].as_array().expect("questions").clone();
            std::thread::spawn(move || {
                let mut last = HashMap::new();
                for round in 0..3 {
                    let devices: Vec<_> = (0..2)
                        .map(|device| {
                            let mut client = client.clone();
                            let questions = questions.clone();
                            std::thread::spawn(move || {
                                let mut acknowledged = Vec::new();
                                for q in &questions {
                                    // Earlier rounds differ between the devices; the last
                                    // round sends the same answer from both.
                                    let answer = match (q["kind"].as_str(), round, device) {
                                        (Some("judge"), 2, _) => "F",
                                        (Some("judge"), _, _) => "T",
                                        (_, 2, _) => "C",
                                        (_, _, 0) => "A",
                                        _ => "B",
                                    };
                                    let number = q["number"].as_i64().expect("number");
                                    let path =
                                        format!("/api/v1/exams/main/attempts/{attempt}/answers/{number}");
                                    let put = client.put(&path, &json!({ "answer": answer }).to_string());
                                    assert_eq!(put.status, 200, "{}", put.body);
                                    acknowledged.push((number, answer));
                                }
                                acknowledged
                            })
                        })
                        .collect();
                    for device in devices {
                        for (number, answer) in device.join().expect("a device") {
                            last.entry(number).or_insert_with(Vec::new).push(answer);
                        }
                    }
                }
                (attempt, last)
            })
        })
        .collect();
    let results: Vec<_> = handles.into_iter().map(|h| h.join().expect("a person")).collect();
    let db = rusqlite::Connection::open(d.join("xuefa.db")).expect("database");
    for (attempt, given) in results {
        let stored: Vec<(i64, String)> = db
            .prepare("SELECT question_index, response FROM responses WHERE attempt_id = ?1")
            .expect("query")
            .query_map([attempt], |r| Ok((r.get(0)?, r.get(1)?)))
            .expect("rows")
            .map(|r| r.expect("row"))
            .collect();
        assert_eq!(stored.len(), 10, "every question of attempt {attempt}");
        for (index, response) in stored {
            let answers = &given[&(index + 1)];
            assert_eq!(answers.len(), 6);
            assert_eq!(
                Some(&response.as_str()),
                answers.last(),
                "{attempt}/{index}: the last acknowledged answer"
            );
        }
    }
}
