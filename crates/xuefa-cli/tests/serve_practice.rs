//! Practice over `xuefa serve`'s API, over real HTTP against the real binary: only for the
//! signed-in person and only from this site's pages; no key, explanation or article before
//! the answer (checked against the stored explanations); a wrong answer in the book on the
//! office's next day; bodies that are refused with a message, never a crash; practice closed
//! while the person sits an exam.

mod common;

use std::path::Path;

use common::db::stored_question;
use common::server::{
    Client, Server, assert_no_secrets, exam_workspace, issue, spec, stored_secrets, wrong_answer,
};
use serde_json::{Value, json};

/// Half past midnight in the office (+08:00): still the day before in UTC, so a day counted
/// in UTC would show.
const NOW: &str = "2026-11-20T00:30:00+08:00";
const NEXT_DAY: &str = "2026-11-21T00:30:00+08:00";

const ROSTER: &str = "工号,姓名,部门\n\
A001,王一,区司法局/办公室\n\
B001,张三,区司法局/执法科\n";

/// The body of an answer to a question as it was shown.
fn answer_body(question: &Value, answer: &str) -> String {
    json!({
        "bank": question["bank"],
        "id": question["id"],
        "version": question["version"],
        "answer": answer,
    })
    .to_string()
}

fn draw(client: &mut Client, body: Value) -> Value {
    let drawn = client.post("/api/v1/practice/draw", &body.to_string());
    assert_eq!(drawn.status, 200, "{body}: {}", drawn.body);
    drawn.json()
}

fn questions(drawn: &Value) -> Vec<Value> {
    drawn["questions"].as_array().expect("questions").clone()
}

/// The number of practice answers stored for each person.
fn answers_by_person(dir: &Path) -> Vec<(String, i64)> {
    let db = rusqlite::Connection::open(dir.join("xuefa.db")).expect("database");
    let mut statement = db
        .prepare(
            "SELECT p.employee_id, COUNT(*) FROM practice_answers a JOIN people p ON p.id = a.person_id \
             GROUP BY p.employee_id ORDER BY p.employee_id",
        )
        .expect("query");
    statement
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
        .expect("rows")
        .map(|r| r.expect("row"))
        .collect()
}

#[test]
fn practice_in_the_api_is_the_signed_in_persons_and_shows_no_key_before_the_answer() {
    let dir = exam_workspace(ROSTER, &[], NOW);
    let d = dir.path();
    let codes = issue(d, &[], NOW);
    let server = Server::start(d, NOW);

    // Signed out: 401 for every practice request.
    let mut anyone = server.client();
    assert_eq!(anyone.post("/api/v1/practice/draw", "{}").status, 401);
    let nobody = json!({"bank": "宪法", "id": "XF-001", "version": 1, "answer": "B"}).to_string();
    assert_eq!(anyone.post("/api/v1/practice/answers", &nobody).status, 401);
    assert_eq!(anyone.get("/api/v1/practice/book").status, 401);

    let mut a = server.client();
    a.lang = Some("en");
    a.login("A001", &codes["A001"]);

    // The cross-site defence: JSON only, from this origin only.
    for (content_type, extra) in [
        ("text/plain", None),
        ("application/x-www-form-urlencoded", None),
        ("application/json", Some(("Origin", "http://evil.example"))),
        ("application/json", Some(("Sec-Fetch-Site", "cross-site"))),
    ] {
        let mut headers = vec![("Content-Type", content_type)];
        headers.extend(extra);
        for (path, body) in [("/api/v1/practice/draw", "{}"), ("/api/v1/practice/answers", nobody.as_str())] {
            let refused = a.send("POST", path, Some(body), &headers);
            assert_eq!(refused.status, 403, "{path} with {headers:?}: {}", refused.body);
        }
    }
    assert!(answers_by_person(d).is_empty(), "nothing refused was stored");

    // A draw: the questions' wording, never a key, an explanation or an article.
    let secrets = stored_secrets(d);
    assert!(secrets.len() > 100, "the explanations to look for");
    let drawn = a.post("/api/v1/practice/draw", r#"{"count": 100}"#);
    assert_eq!(drawn.status, 200, "{}", drawn.body);
    assert_no_secrets(&drawn.body, &secrets);
    let all = drawn.json();
    assert_eq!((all["mode"].as_str(), all["today"].as_str()), (Some("free"), Some("2026-11-20")));
    let all = questions(&all);
    assert_eq!(all.len(), 100);
    for q in &all {
        let fields: Vec<&str> = q.as_object().expect("a question").keys().map(String::as_str).collect();
        assert_eq!(fields, ["bank", "id", "version", "kind", "stem", "options", "law"], "{q}");
    }
    // Daily: five, the same all day; review: nothing is due yet; filters hold.
    let daily = draw(&mut a, json!({"mode": "daily"}));
    assert_no_secrets(&daily.to_string(), &secrets);
    assert_eq!(questions(&daily).len(), 5);
    assert_eq!(draw(&mut a, json!({"mode": "daily"}))["questions"], daily["questions"]);
    assert_eq!(questions(&draw(&mut a, json!({"mode": "review"}))), Vec::<Value>::new());
    let judged = draw(&mut a, json!({"laws": ["《中华人民共和国宪法》"], "kind": "judge", "count": 50}));
    let judged = questions(&judged);
    assert_eq!(judged.len(), 19, "every true/false question of the constitution's bank");
    assert!(judged.iter().all(|q| q["kind"] == "judge" && q["law"] == "宪法"), "{judged:?}");

    // A wrong answer: the feedback with the key, and the question in the book on the
    // office's next day.
    let question = &judged[0];
    let (key, explanation, law, article) = stored_question(d, question);
    let wrong = wrong_answer("judge", &key);
    let answered = a.post("/api/v1/practice/answers", &answer_body(question, &wrong));
    assert_eq!(answered.status, 200, "{}", answered.body);
    assert_eq!(
        answered.json(),
        json!({
            "correct": false,
            "answer": wrong,
            "key": key,
            "explanation": explanation,
            "law": law,
            "article": article,
            "book": {"box": 1, "due": "2026-11-21", "wrong": 1},
            "left_book": false,
        })
    );
    let book = a.get("/api/v1/practice/book");
    assert_eq!(book.status, 200, "{}", book.body);
    let book = book.json();
    assert_eq!((book["today"].as_str(), book["due"].as_u64()), (Some("2026-11-20"), Some(0)));
    let entries = book["questions"].as_array().expect("entries");
    assert_eq!(entries.len(), 1);
    for (field, value) in [
        ("bank", question["bank"].clone()),
        ("id", question["id"].clone()),
        ("stem", question["stem"].clone()),
        ("key", json!(key)),
        ("box", json!(1)),
        ("due", json!("2026-11-21")),
        ("wrong", json!(1)),
        ("due_today", json!(false)),
    ] {
        assert_eq!(entries[0][field], value, "{field} in {}", entries[0]);
    }

    // Answers that are refused with words, never a crash; nothing of them is stored.
    let single = questions(&draw(&mut a, json!({"kind": "single", "count": 1})))[0].clone();
    let options = single["options"].as_array().expect("options").len();
    let beyond = char::from(b'A' + u8::try_from(options).expect("a few options")).to_string();
    for (body, status, says) in [
        ("{not json".to_owned(), 400, "the request is not valid"),
        ("".to_owned(), 400, "the request is not valid"),
        (json!({"bank": "宪法", "id": "XF-001", "version": 1}).to_string(), 400, "missing field `answer`"),
        (answer_body(&single, &beyond), 400, "is not an answer to this question"),
        (answer_body(&single, "AB"), 400, "is not an answer to this question"),
        (answer_body(&single, ""), 400, "is not an answer to this question"),
        (answer_body(&single, "对"), 400, "is not an answer to this question"),
        (answer_body(&single, &"A".repeat(65)), 400, "`answer` is too long"),
        (
            json!({"bank": single["bank"], "id": single["id"], "version": -1, "answer": "A"}).to_string(),
            400,
            "the request is not valid",
        ),
        (
            json!({"bank": single["bank"], "id": single["id"], "version": 1, "answer": 1}).to_string(),
            400,
            "the request is not valid",
        ),
        (
            json!({"bank": "宪法", "id": "NO-SUCH", "version": 1, "answer": "A"}).to_string(),
            404,
            "no question",
        ),
        (
            json!({"bank": "无此题库", "id": "XF-001", "version": 1, "answer": "A"}).to_string(),
            404,
            "no question",
        ),
    ] {
        let refused = a.post("/api/v1/practice/answers", &body);
        assert_eq!(refused.status, status, "{body}: {}", refused.body);
        assert!(refused.error().contains(says), "{body}: {}", refused.body);
    }
    for (body, says) in [
        (r#"{"count": 0}"#, "from 1 to 100"),
        (r#"{"count": 101}"#, "from 1 to 100"),
        (r#"{"count": "ten"}"#, "the request is not valid"),
        (r#"{"mode": "exam"}"#, "unknown variant"),
        (r#"{"kind": "essay"}"#, "unknown variant"),
        (r#"{"laws": "宪法"}"#, "the request is not valid"),
    ] {
        let refused = a.post("/api/v1/practice/draw", body);
        assert_eq!(refused.status, 400, "{body}: {}", refused.body);
        assert!(refused.error().contains(says), "{body}: {}", refused.body);
    }
    // A version other than the one in use: nothing stored, the question as it reads now.
    let stale = json!({"bank": single["bank"], "id": single["id"], "version": 7, "answer": "A"}).to_string();
    let changed = a.post("/api/v1/practice/answers", &stale);
    assert_eq!(changed.status, 409, "{}", changed.body);
    assert_eq!(changed.json()["question"], single);
    assert_no_secrets(&changed.body, &secrets);
    // Chinese by default.
    let mut chinese = a.clone();
    chinese.lang = None;
    let refused = chinese.post("/api/v1/practice/answers", &answer_body(&single, "AB"));
    assert_eq!(refused.error(), "“AB”不是本题的有效答案");
    assert_eq!(answers_by_person(d), [("A001".to_owned(), 1)], "only the one answer given");

    // One person cannot answer as another: a body naming an employee is refused, and an
    // answer counts for the session's person only.
    let mut b = server.client();
    b.lang = Some("en");
    b.login("B001", &codes["B001"]);
    assert_eq!(b.get("/api/v1/practice/book").json()["questions"], json!([]));
    let mut as_a: Value = serde_json::from_str(&answer_body(question, &wrong)).expect("json");
    as_a["employee"] = json!("A001");
    let refused = b.post("/api/v1/practice/answers", &as_a.to_string());
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert!(refused.error().contains("unknown field `employee`"), "{}", refused.body);
    let refused = b.post("/api/v1/practice/draw", r#"{"employee": "A001"}"#);
    assert_eq!(refused.status, 400, "{}", refused.body);
    let by_b = b.post("/api/v1/practice/answers", &answer_body(question, &wrong));
    assert_eq!(by_b.json()["book"], json!({"box": 1, "due": "2026-11-21", "wrong": 1}), "B's own book");
    assert_eq!(answers_by_person(d), [("A001".to_owned(), 1), ("B001".to_owned(), 1)]);
    let a_book = a.get("/api/v1/practice/book").json();
    assert_eq!(a_book["questions"][0]["wrong"], 1, "A's book is A's: {a_book}");

    // The server is whole after all of it.
    assert_eq!(a.get("/api/v1/me").status, 200);
    let said = server.stderr.lock().expect("stderr").join("\n");
    assert!(!said.contains("panicked"), "{said}");
    drop(server);

    // The office's next day: the question is due; a right answer moves it to box 2.
    let next = Server::start(d, NEXT_DAY);
    let mut a = next.client();
    a.login("A001", &codes["A001"]);
    let review = draw(&mut a, json!({"mode": "review"}));
    assert_no_secrets(&review.to_string(), &secrets);
    let due = questions(&review);
    assert_eq!(due.len(), 1, "{review}");
    assert_eq!((&due[0]["bank"], &due[0]["id"]), (&question["bank"], &question["id"]));
    assert_eq!(a.get("/api/v1/practice/book").json()["due"], 1);
    let right = a.post("/api/v1/practice/answers", &answer_body(&due[0], &key)).json();
    assert_eq!(right["correct"], true);
    assert_eq!(right["book"], json!({"box": 2, "due": "2026-11-23", "wrong": 1}));
}

#[test]
fn practice_is_closed_while_the_person_sits_an_exam() {
    let dir = exam_workspace(ROSTER, &[("main", spec("main", ""))], NOW);
    let d = dir.path();
    let codes = issue(d, &[], NOW);
    let server = Server::start(d, NOW);
    let mut a = server.client();
    a.login("A001", &codes["A001"]);
    let question = questions(&draw(&mut a, json!({"count": 1})))[0].clone();

    let started = a.post("/api/v1/exams/main/attempts", "{}");
    assert_eq!(started.status, 200, "{}", started.body);
    let attempt = started.json()["attempt"].as_i64().expect("attempt");
    // Every question answered A (or 对), blind: some right, some wrong.
    for q in started.json()["questions"].as_array().expect("questions") {
        let given = if q["kind"] == "judge" { "T" } else { "A" };
        let path = format!("/api/v1/exams/main/attempts/{attempt}/answers/{}", q["number"]);
        assert_eq!(a.put(&path, &json!({ "answer": given }).to_string()).status, 200);
    }
    let refusals = [
        a.post("/api/v1/practice/draw", "{}"),
        a.post("/api/v1/practice/answers", &answer_body(&question, "A")),
        a.get("/api/v1/practice/book"),
    ];
    for refused in refusals {
        assert_eq!(refused.status, 403, "{}", refused.body);
        assert_eq!(
            refused.error(),
            "您正在参加考试“2026年度学法考试 main”，考试期间不能练习；该考试交卷后即可继续练习"
        );
    }
    assert!(answers_by_person(d).is_empty());
    // Someone else practises meanwhile.
    let mut b = server.client();
    b.login("B001", &codes["B001"]);
    assert_eq!(questions(&draw(&mut b, json!({"count": 1}))).len(), 1);

    let submitted = a.post(&format!("/api/v1/exams/main/attempts/{attempt}/submit"), "{}");
    assert_eq!(submitted.status, 200, "{}", submitted.body);
    assert_eq!(questions(&draw(&mut a, json!({"count": 1}))).len(), 1, "open again once submitted");
    // The review is allowed once submitted: the exam's wrong answers are in the book, in box 1.
    let review = a.get(&format!("/api/v1/exams/main/attempts/{attempt}/review"));
    assert_eq!(review.status, 200, "{}", review.body);
    let mut wrong: Vec<String> = review.json()["questions"]
        .as_array()
        .expect("questions")
        .iter()
        .filter(|q| q["mark"].as_f64() < q["points"].as_f64())
        .map(|q| q["id"].as_str().expect("id").to_owned())
        .collect();
    wrong.sort();
    assert!(!wrong.is_empty(), "answering A to everything gets some wrong");
    let book = a.get("/api/v1/practice/book");
    assert_eq!(book.status, 200, "{}", book.body);
    let book = book.json();
    let mut held: Vec<String> = book["questions"]
        .as_array()
        .expect("questions")
        .iter()
        .map(|q| q["id"].as_str().expect("id").to_owned())
        .collect();
    held.sort();
    assert_eq!(held, wrong, "{book}");
    assert!(book["questions"].as_array().expect("questions").iter().all(|q| q["box"] == 1));
}
