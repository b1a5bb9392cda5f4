//! Practice in the browser: the API under `/api/v1/practice` — a draw of questions without
//! their keys, one answer at a time with its feedback, and the person's wrong-answer book —
//! always for the signed-in person, never for an employee named in a body. The rules (what
//! a draw holds, where a question moves in the book) are `xuefa_app::practice`'s; this module
//! authenticates, parses, and words the answer.
//!
//! Practice is closed while the person sits an exam: it shows keys and explanations, and
//! the questions come from the same banks as the exam's.

#![allow(clippy::result_large_err)] // a refusal is the response itself, made once per request

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use xuefa_app::practice::{self, DAILY_COUNT, PracticeMode, PracticeRequest};
use xuefa_app::{AppError, Backend};
use xuefa_core::exam::Response as Given;
use xuefa_core::practice::BookEntry;
use xuefa_core::{Date, Kind, Lang};
use xuefa_store::{StoreError, StoredQuestion};

use crate::Shared;
use crate::api::{blocked, body, error, failed, ok, signed_in, text};
use crate::http::language;

/// Free practice and a review draw this many questions unless asked for another count.
const FREE_COUNT: usize = 10;

/// The most questions one draw holds: a page asks them one at a time, and another draw is a
/// click away.
const MAX_COUNT: u64 = 100;

/// The longest bank name, question id, law or tag a body may carry, in characters.
const MAX_NAME: usize = 200;

/// The most laws or tags one draw may filter by.
const MAX_FILTERS: usize = 50;

/// The longest answer a body may carry, in characters (as the exam's).
const MAX_ANSWER: usize = 64;

/// Which questions a draw holds, as the body names it.
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
enum Mode {
    #[default]
    Free,
    Daily,
    Review,
}

/// `POST /practice/draw`'s body. Unknown fields are refused: an `employee` in a body is a
/// mistake to say, not a wish to follow.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DrawBody {
    #[serde(default)]
    mode: Mode,
    #[serde(default)]
    laws: Vec<String>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    kind: Option<Kind>,
    #[serde(default)]
    count: Option<u64>,
}

/// `POST /practice/answers`'s body: the question as it was shown, and the answer.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AnswerBody {
    bank: String,
    id: String,
    version: u32,
    answer: String,
}

/// Why a practice request was refused.
enum Refusal {
    /// The person is sitting this exam (its title).
    Sitting(String),
    /// No question in use has this bank and id.
    NoQuestion { bank: String, id: String },
    /// The question was changed after it was shown; this is how it reads now.
    Changed(Box<StoredQuestion>),
    /// The answer is no answer to this question.
    NotAnAnswer(String),
    /// The store failed.
    App(AppError),
}

impl From<AppError> for Refusal {
    fn from(error: AppError) -> Self {
        Refusal::App(error)
    }
}

impl From<StoreError> for Refusal {
    fn from(error: StoreError) -> Self {
        Refusal::App(error.into())
    }
}

fn refused(lang: Lang, refusal: Refusal) -> Response {
    match refusal {
        Refusal::Sitting(exam) => {
            error(StatusCode::FORBIDDEN, text(lang, "server.practice_sitting", &[("exam", exam)]))
        }
        Refusal::NoQuestion { bank, id } => error(
            StatusCode::NOT_FOUND,
            text(lang, "server.practice_no_question", &[("bank", bank), ("id", id)]),
        ),
        Refusal::Changed(question) => (
            StatusCode::CONFLICT,
            axum::Json(json!({
                "error": text(lang, "server.practice_changed", &[]),
                "question": shown(&question),
            })),
        )
            .into_response(),
        Refusal::NotAnAnswer(answer) => {
            error(StatusCode::BAD_REQUEST, text(lang, "server.practice_not_an_answer", &[("answer", answer)]))
        }
        // Signed in, then taken off the roster.
        Refusal::App(AppError::Store(StoreError::NoPerson(_))) => {
            error(StatusCode::UNAUTHORIZED, text(lang, "server.not_signed_in", &[]))
        }
        Refusal::App(error) => failed(lang, error.message(Lang::En)),
    }
}

/// The office's date at `now`: the day a practice answer counts on and the book's due days
/// are compared with.
fn office_date(offset: jiff::tz::Offset, now: Timestamp) -> Date {
    offset.to_datetime(now).date()
}

/// Refuses practice while the person sits an exam: an attempt not submitted and before its
/// deadline. Practice shows keys, and its questions are the exam's banks'.
fn not_sitting<S: Backend + ?Sized>(store: &S, employee: &str, now: Timestamp) -> Result<(), Refusal> {
    for exam in store.exam_ids()? {
        let open = store.attempts(&exam, employee)?;
        if open.iter().any(|a| a.submitted_at.is_none() && a.deadline > now) {
            return Err(Refusal::Sitting(store.exam(&exam)?.spec.title));
        }
    }
    Ok(())
}

/// A question as practice shows it before the answer: its wording and where it is from,
/// never its key, explanation or article.
fn shown(question: &StoredQuestion) -> Value {
    let q = &question.question;
    json!({
        "bank": question.bank,
        "id": q.id,
        "version": question.version,
        "kind": q.kind.as_str(),
        "stem": q.stem,
        "options": q.options,
        "law": q.law,
    })
}

/// A place in the book as JSON (`null`: not in it).
fn place(entry: Option<BookEntry>) -> Value {
    match entry {
        Some(entry) => json!({ "box": entry.box_number, "due": entry.due.to_string(), "wrong": entry.wrong }),
        None => Value::Null,
    }
}

/// Returns a list's items trimmed, the empty ones left out, or the 400 response.
fn names(lang: Lang, field: &str, items: Vec<String>) -> Result<Vec<String>, Response> {
    if items.len() > MAX_FILTERS {
        let args = [("field", field.to_owned()), ("max", MAX_FILTERS.to_string())];
        return Err(error(StatusCode::BAD_REQUEST, text(lang, "server.practice_too_many", &args)));
    }
    let mut kept = Vec::with_capacity(items.len());
    for item in items {
        let item = item.trim();
        if item.chars().count() > MAX_NAME {
            return Err(too_long(lang, field, MAX_NAME));
        }
        if !item.is_empty() {
            kept.push(item.to_owned());
        }
    }
    Ok(kept)
}

fn too_long(lang: Lang, field: &str, max: usize) -> Response {
    let args = [("field", field.to_owned()), ("max", max.to_string())];
    error(StatusCode::BAD_REQUEST, text(lang, "server.practice_too_long", &args))
}

/// Returns what a draw's body asks for, or the 400 response.
fn request(lang: Lang, bytes: &Bytes) -> Result<(Mode, PracticeRequest), Response> {
    let DrawBody { mode: asked, laws, tags, kind, count } = body(lang, bytes)?;
    let mode = match asked {
        Mode::Free => PracticeMode::Free,
        Mode::Daily => PracticeMode::Daily,
        Mode::Review => PracticeMode::Review,
    };
    let count = match count {
        None if mode == PracticeMode::Daily => DAILY_COUNT,
        None => FREE_COUNT,
        Some(n @ 1..=MAX_COUNT) => usize::try_from(n).unwrap_or(FREE_COUNT),
        Some(_) => {
            let max = MAX_COUNT.to_string();
            return Err(error(StatusCode::BAD_REQUEST, text(lang, "server.practice_count", &[("max", max)])));
        }
    };
    let request = PracticeRequest {
        laws: names(lang, "laws", laws)?,
        tags: names(lang, "tags", tags)?,
        kind,
        count,
        mode,
    };
    Ok((asked, request))
}

/// Takes the person's exam answers whose review is now allowed into their book (a read
/// first; the writer only when there is something to take in).
async fn take_in_exam_answers<S: Backend + Send + 'static>(
    shared: &Arc<Shared<S>>,
    lang: Lang,
    employee: &str,
    now: Timestamp,
) -> Result<(), Response> {
    let asked = employee.to_owned();
    match shared.read(move |store| practice::exam_answers_waiting(store, &asked, now)).await {
        Ok(Ok(false)) => return Ok(()),
        Ok(Ok(true)) => {}
        Ok(Err(e)) => return Err(refused(lang, e.into())),
        Err(e) => return Err(blocked(lang, e)),
    }
    let (asked, offset) = (employee.to_owned(), shared.offset);
    match shared.write(move |store| practice::take_exam_answers(store, &asked, now, offset)).await {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(e)) => Err(refused(lang, e.into())),
        Err(e) => Err(blocked(lang, e)),
    }
}

/// `POST /api/v1/practice/draw`: the questions to ask, in order, without their keys.
pub(crate) async fn draw<S: Backend + Send + 'static>(
    State(shared): State<Arc<Shared<S>>>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response {
    let lang = language(&headers);
    let (mode, request) = match request(lang, &bytes) {
        Ok(asked) => asked,
        Err(response) => return response,
    };
    let employee = match signed_in(&shared, &headers).await {
        Ok(employee) => employee,
        Err(response) => return response,
    };
    let now = (shared.now)();
    let today = office_date(shared.offset, now);
    if let Err(response) = take_in_exam_answers(&shared, lang, &employee, now).await {
        return response;
    }
    let drawn = shared
        .read(move |store| -> Result<Vec<StoredQuestion>, Refusal> {
            not_sitting(store, &employee, now)?;
            Ok(practice::draw(store, &employee, &request, today, now)?)
        })
        .await;
    match drawn {
        Ok(Ok(questions)) => ok(json!({
            "mode": mode,
            "today": today.to_string(),
            "questions": questions.iter().map(shown).collect::<Vec<_>>(),
        })),
        Ok(Err(refusal)) => refused(lang, refusal),
        Err(e) => blocked(lang, e),
    }
}

/// `POST /api/v1/practice/answers`: records one answer and returns the feedback.
pub(crate) async fn answer<S: Backend + Send + 'static>(
    State(shared): State<Arc<Shared<S>>>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response {
    let lang = language(&headers);
    let AnswerBody { bank, id, version, answer } = match body(lang, &bytes) {
        Ok(body) => body,
        Err(response) => return response,
    };
    for (field, value, max) in
        [("bank", &bank, MAX_NAME), ("id", &id, MAX_NAME), ("answer", &answer, MAX_ANSWER)]
    {
        if value.chars().count() > max {
            return too_long(lang, field, max);
        }
    }
    let employee = match signed_in(&shared, &headers).await {
        Ok(employee) => employee,
        Err(response) => return response,
    };
    let now = (shared.now)();
    let today = office_date(shared.offset, now);
    // Checked on a reading connection: the question in use, the version shown, and an
    // answer it takes (read as the exam reads one).
    let checked = {
        let employee = employee.clone();
        shared
            .read(move |store| -> Result<(StoredQuestion, Given), Refusal> {
                not_sitting(store, &employee, now)?;
                let question = store
                    .practice_questions(&[(bank.clone(), id.clone())])?
                    .into_iter()
                    .next()
                    .ok_or(Refusal::NoQuestion { bank, id })?;
                if question.version != version {
                    return Err(Refusal::Changed(Box::new(question)));
                }
                let q = &question.question;
                let given = Given::parse(answer.trim(), q.kind, q.options.len())
                    .ok_or_else(|| Refusal::NotAnAnswer(answer.trim().chars().take(20).collect()))?;
                Ok((question, given))
            })
            .await
    };
    let (question, given) = match checked {
        Ok(Ok(checked)) => checked,
        Ok(Err(refusal)) => return refused(lang, refusal),
        Err(e) => return blocked(lang, e),
    };
    let (bank, id) = (question.bank.clone(), question.question.id.clone());
    // Written in the writer's turn; the answer counts on the office's day.
    let written = shared
        .write(move |store| {
            practice::answer(store, &employee, &question, &given, now, today)
                .map(|feedback| (feedback, given.canonical()))
        })
        .await;
    match written {
        Ok(Ok((feedback, given))) => ok(json!({
            "correct": feedback.correct,
            "answer": given,
            "key": feedback.key,
            "explanation": feedback.explanation,
            "law": feedback.law,
            "article": feedback.article,
            "book": place(feedback.book),
            "left_book": feedback.left_book,
        })),
        // Retired since it was checked.
        Ok(Err(AppError::Store(StoreError::NoQuestion(_)))) => {
            refused(lang, Refusal::NoQuestion { bank, id })
        }
        Ok(Err(e)) => refused(lang, e.into()),
        Err(e) => blocked(lang, e),
    }
}

/// `GET /api/v1/practice/book`: the person's wrong-answer book, the earliest due first.
pub(crate) async fn book<S: Backend + Send + 'static>(
    State(shared): State<Arc<Shared<S>>>,
    headers: HeaderMap,
) -> Response {
    let lang = language(&headers);
    let employee = match signed_in(&shared, &headers).await {
        Ok(employee) => employee,
        Err(response) => return response,
    };
    let now = (shared.now)();
    let today = office_date(shared.offset, now);
    if let Err(response) = take_in_exam_answers(&shared, lang, &employee, now).await {
        return response;
    }
    let found = shared
        .read(move |store| -> Result<_, Refusal> {
            not_sitting(store, &employee, now)?;
            Ok(practice::book(store, &employee)?)
        })
        .await;
    match found {
        Ok(Ok(book)) => {
            // The book shows each question's key, explanation and article: every question
            // in it was answered by this person, in practice (whose feedback showed them) or
            // in an exam whose review the person may already see. The book is where they are read again; asking a question
            // again is what the review draw is for, and it shows no key before the answer.
            let questions: Vec<Value> = book
                .iter()
                .map(|(question, entry)| {
                    let mut item = shown(question);
                    let q = &question.question;
                    item["key"] = json!(q.answer.canonical());
                    item["explanation"] = json!(q.explanation);
                    item["article"] = json!(q.article);
                    item["box"] = json!(entry.box_number);
                    item["due"] = json!(entry.due.to_string());
                    item["wrong"] = json!(entry.wrong);
                    item["due_today"] = json!(entry.is_due(today));
                    item
                })
                .collect();
            let due = book.iter().filter(|(_, entry)| entry.is_due(today)).count();
            ok(json!({ "today": today.to_string(), "due": due, "questions": questions }))
        }
        Ok(Err(refusal)) => refused(lang, refusal),
        Err(e) => blocked(lang, e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Returns a response's status and body (built in memory, so read at once).
    fn status_and_body(response: Response) -> (StatusCode, String) {
        let status = response.status();
        let runtime = tokio::runtime::Builder::new_current_thread().build().expect("a runtime");
        let bytes = runtime.block_on(axum::body::to_bytes(response.into_body(), 1 << 16)).expect("a body");
        (status, String::from_utf8_lossy(&bytes).into_owned())
    }

    #[test]
    fn a_draw_body_is_read_with_defaults_and_limits() {
        let read = |text: &str| request(Lang::En, &Bytes::from(text.to_owned())).map(|(_, request)| request);
        let daily = read(r#"{"mode":"daily"}"#).expect("daily");
        assert_eq!((daily.mode, daily.count), (PracticeMode::Daily, DAILY_COUNT));
        let free = read(r#"{"laws":[" 民法典 ",""],"kind":"judge"}"#).expect("free");
        assert_eq!((free.mode, free.count, free.kind), (PracticeMode::Free, FREE_COUNT, Some(Kind::Judge)));
        assert_eq!(free.laws, vec!["民法典".to_owned()]);
        for bad in [
            r#"{"count":0}"#,
            r#"{"count":101}"#,
            r#"{"count":-1}"#,
            r#"{"mode":"exam"}"#,
            r#"{"employee":"B001"}"#,
            "42",
            "",
        ] {
            let (status, body) = status_and_body(read(bad).expect_err(bad));
            assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {body}");
        }
        let (_, body) = status_and_body(read(r#"{"count":500}"#).expect_err("too many"));
        assert!(body.contains("from 1 to 100"), "{body}");
        let many = format!(r#"{{"tags":{}}}"#, serde_json::to_string(&vec!["t"; 51]).expect("json"));
        let (_, body) = status_and_body(read(&many).expect_err("too many tags"));
        assert!(body.contains("`tags`") && body.contains("50"), "{body}");
    }
}
