//! The JSON API under `/api/v1`: each handler authenticates, parses, calls one operation of
//! `xuefa_app::online` or `xuefa_app::access` on a blocking thread, and words the answer.
//! Errors are `{"error": message}` in the request's language.

// A refusal is returned as the response itself; it is made once per failed request.
#![allow(clippy::result_large_err)]

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;
use xuefa_app::Backend;
use xuefa_app::access::{self, LoginError};
use xuefa_app::online::{self, OnlineError};
use xuefa_core::Lang;

use crate::http::{Peer, client_address, language, session_cookie, session_token, typed};
use crate::{Blocked, Shared};

/// The OpenAPI description of this API.
pub(crate) const OPENAPI: &str = include_str!("openapi.json");

/// Returns `{"error": message}` with a status.
pub(crate) fn error(status: StatusCode, message: String) -> Response {
    (status, axum::Json(json!({ "error": message }))).into_response()
}

pub(crate) fn text(lang: Lang, key: &str, args: &[(&str, String)]) -> String {
    xuefa_app::i18n::text(lang, key, args)
}

pub(crate) fn ok(value: impl serde::Serialize) -> Response {
    axum::Json(value).into_response()
}

pub(crate) fn failed(lang: Lang, detail: String) -> Response {
    eprintln!("xuefa serve: {detail}");
    error(StatusCode::INTERNAL_SERVER_ERROR, text(lang, "server.internal", &[("detail", detail)]))
}

pub(crate) fn blocked(lang: Lang, blocked: Blocked) -> Response {
    match blocked {
        Blocked::Failed(detail) => failed(lang, detail),
    }
}

fn refused(lang: Lang, refusal: OnlineError) -> Response {
    match refusal {
        OnlineError::NotFound(m) => error_of(StatusCode::NOT_FOUND, m.text(lang)),
        OnlineError::BadAnswer(m) => error_of(StatusCode::BAD_REQUEST, m.text(lang)),
        OnlineError::Forbidden(m) => error_of(StatusCode::FORBIDDEN, m.text(lang)),
        OnlineError::Conflict(m, attempt) => {
            (StatusCode::CONFLICT, axum::Json(json!({ "error": m.text(lang), "attempt": attempt })))
                .into_response()
        }
        OnlineError::App(error) => failed(lang, error.message(Lang::En)),
        _ => failed(lang, "unknown".into()),
    }
}

fn error_of(status: StatusCode, message: String) -> Response {
    error(status, message)
}

fn bad_request(lang: Lang, detail: impl std::fmt::Display) -> Response {
    error(StatusCode::BAD_REQUEST, text(lang, "server.bad_request", &[("detail", detail.to_string())]))
}

/// The signed-in person of a request, or the 401 response.
pub(crate) async fn signed_in<S: Backend + Send + 'static>(
    shared: &Arc<Shared<S>>,
    headers: &HeaderMap,
) -> Result<String, Response> {
    let lang = language(headers);
    let unauthorized = || error(StatusCode::UNAUTHORIZED, text(lang, "server.not_signed_in", &[]));
    let Some(token) = session_token(headers) else { return Err(unauthorized()) };
    let now = (shared.now)();
    match shared.read(move |store| access::session_employee(store, &token, now)).await {
        Ok(Ok(Some(employee))) => Ok(employee),
        Ok(Ok(None)) => Err(unauthorized()),
        Ok(Err(e)) => Err(failed(lang, e.message(Lang::En))),
        Err(e) => Err(blocked(lang, e)),
    }
}

/// Parses a JSON body, or the 400 response.
pub(crate) fn body<T: for<'de> Deserialize<'de>>(lang: Lang, bytes: &Bytes) -> Result<T, Response> {
    serde_json::from_slice(bytes).map_err(|e| bad_request(lang, e))
}

/// `GET /api/v1/openapi.json`.
pub(crate) async fn openapi() -> Response {
    typed("application/json", OPENAPI)
}

/// Any other API address.
pub(crate) async fn not_found(headers: HeaderMap) -> Response {
    error(StatusCode::NOT_FOUND, text(language(&headers), "server.not_found", &[]))
}

#[derive(Deserialize)]
struct LoginBody {
    employee: String,
    code: String,
}

/// `POST /api/v1/login`.
pub(crate) async fn login<S: Backend + Send + 'static>(
    State(shared): State<Arc<Shared<S>>>,
    axum::extract::ConnectInfo(peer): Peer,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response {
    let lang = language(&headers);
    let LoginBody { employee, code } = match body(lang, &bytes) {
        Ok(body) => body,
        Err(response) => return response,
    };
    if employee.chars().count() > 64 || code.chars().count() > 64 {
        return bad_request(lang, "employee or code too long");
    }
    let address = client_address(peer, &headers, &shared.trusted_proxies).to_string();
    let now = (shared.now)();
    let prepared =
        match shared.read(move |store| access::login_prepare(store, &employee, &address, now)).await {
            Ok(Ok(prepared)) => prepared,
            Ok(Err(e)) => return login_refused(lang, e),
            Err(e) => return blocked(lang, e),
        };
    // The code's hash is checked on a blocking thread, a few at a time, outside the
    // writer's turn.
    let permit = match Arc::clone(&shared.cpu_permits).acquire_owned().await {
        Ok(permit) => permit,
        Err(e) => return failed(lang, e.to_string()),
    };
    let (prepared, verified) = match tokio::task::spawn_blocking(move || {
        let _permit = permit;
        let verified = prepared.verify(&code);
        (prepared, verified)
    })
    .await
    {
        Ok(done) => done,
        Err(e) => return failed(lang, e.to_string()),
    };
    match shared.write(move |store| access::login_finish(store, prepared, verified, now)).await {
        Ok(Ok(signed)) => {
            let mut response = ok(json!({ "employee": signed.employee, "name": signed.name }));
            if let Ok(cookie) = HeaderValue::from_str(&session_cookie(&signed.token, shared.secure)) {
                response.headers_mut().insert(header::SET_COOKIE, cookie);
            }
            response
        }
        Ok(Err(e)) => login_refused(lang, e),
        Err(e) => blocked(lang, e),
    }
}

fn login_refused(lang: Lang, refusal: LoginError) -> Response {
    match refusal {
        LoginError::Wrong => error(StatusCode::UNAUTHORIZED, text(lang, "server.login_wrong", &[])),
        LoginError::TooMany => {
            let minutes = access::FAILURE_WINDOW_MINUTES.to_string();
            let mut response =
                error(StatusCode::TOO_MANY_REQUESTS, text(lang, "server.too_many", &[("minutes", minutes)]));
            let seconds = (access::FAILURE_WINDOW_MINUTES * 60).to_string();
            if let Ok(value) = HeaderValue::from_str(&seconds) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            response
        }
        LoginError::App(e) => failed(lang, e.message(Lang::En)),
        _ => failed(lang, "unknown".into()),
    }
}

/// `POST /api/v1/logout`.
pub(crate) async fn logout<S: Backend + Send + 'static>(
    State(shared): State<Arc<Shared<S>>>,
    headers: HeaderMap,
) -> Response {
    let lang = language(&headers);
    if let Some(token) = session_token(&headers) {
        let now = (shared.now)();
        match shared.write(move |store| access::logout(store, &token, now)).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => return failed(lang, e.message(Lang::En)),
            Err(e) => return blocked(lang, e),
        }
    }
    let mut response = ok(json!({ "ok": true }));
    if let Ok(cookie) = HeaderValue::from_str(&session_cookie("", shared.secure)) {
        response.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    response
}

/// `GET /api/v1/me`.
pub(crate) async fn me<S: Backend + Send + 'static>(
    State(shared): State<Arc<Shared<S>>>,
    headers: HeaderMap,
) -> Response {
    let lang = language(&headers);
    let employee = match signed_in(&shared, &headers).await {
        Ok(employee) => employee,
        Err(response) => return response,
    };
    match shared.read(move |store| store.person(&employee)).await {
        Ok(Ok(Some(person))) => ok(json!({
            "employee": person.id,
            "name": person.name,
            "department": person.department.to_string(),
        })),
        Ok(Ok(None)) => error(StatusCode::UNAUTHORIZED, text(lang, "server.not_signed_in", &[])),
        Ok(Err(e)) => failed(lang, e.to_string()),
        Err(e) => blocked(lang, e),
    }
}

/// `GET /api/v1/exams`.
pub(crate) async fn exams<S: Backend + Send + 'static>(
    State(shared): State<Arc<Shared<S>>>,
    headers: HeaderMap,
) -> Response {
    let lang = language(&headers);
    let employee = match signed_in(&shared, &headers).await {
        Ok(employee) => employee,
        Err(response) => return response,
    };
    let (now, offset) = ((shared.now)(), shared.offset);
    match shared.read(move |store| online::my_exams(store, &employee, now, offset)).await {
        Ok(Ok(entries)) => ok(entries),
        Ok(Err(e)) => failed(lang, e.message(Lang::En)),
        Err(e) => blocked(lang, e),
    }
}

/// Runs an operation on an attempt as the signed-in person, on the writer or a reader.
async fn on_attempt<S, R, F>(shared: Arc<Shared<S>>, headers: HeaderMap, write: bool, work: F) -> Response
where
    S: Backend + Send + 'static,
    R: serde::Serialize + Send + 'static,
    F: FnOnce(&mut S, &str, jiff::Timestamp) -> Result<R, OnlineError> + Send + 'static,
{
    let lang = language(&headers);
    let employee = match signed_in(&shared, &headers).await {
        Ok(employee) => employee,
        Err(response) => return response,
    };
    let now = (shared.now)();
    let run = move |store: &mut S| work(store, &employee, now);
    let done = if write { shared.write(run).await } else { shared.read(run).await };
    match done {
        Ok(Ok(value)) => ok(value),
        Ok(Err(e)) => refused(lang, e),
        Err(e) => blocked(lang, e),
    }
}

/// Runs an operation on the attempt of the request's path (`{exam}/attempts/{attempt}`).
async fn on_path_attempt<S, R, F>(
    shared: Arc<Shared<S>>,
    headers: HeaderMap,
    (exam, attempt): (String, String),
    write: bool,
    work: F,
) -> Response
where
    S: Backend + Send + 'static,
    R: serde::Serialize + Send + 'static,
    F: FnOnce(&mut S, &str, i64, &str, jiff::Timestamp) -> Result<R, OnlineError> + Send + 'static,
{
    let attempt = match attempt_id(language(&headers), &attempt) {
        Ok(id) => id,
        Err(response) => return response,
    };
    on_attempt(shared, headers, write, move |store, employee, now| work(store, &exam, attempt, employee, now))
        .await
}

fn attempt_id(lang: Lang, text: &str) -> Result<i64, Response> {
    text.parse::<i64>().map_err(|_| {
        error(StatusCode::NOT_FOUND, self::text(lang, "online.no_attempt", &[("attempt", text.into())]))
    })
}

/// `POST /api/v1/exams/{exam}/attempts`: starts or resumes.
pub(crate) async fn start<S: Backend + Send + 'static>(
    State(shared): State<Arc<Shared<S>>>,
    Path(exam): Path<String>,
    headers: HeaderMap,
) -> Response {
    let offset = shared.offset;
    on_attempt(shared, headers, true, move |store, employee, now| {
        online::start(store, &exam, employee, now, offset)
    })
    .await
}

/// `GET /api/v1/exams/{exam}/attempts/{attempt}`.
pub(crate) async fn attempt<S: Backend + Send + 'static>(
    State(shared): State<Arc<Shared<S>>>,
    Path((exam, attempt)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let offset = shared.offset;
    on_path_attempt(shared, headers, (exam, attempt), false, move |store, exam, attempt, employee, now| {
        online::attempt_result(store, exam, attempt, employee, now, offset)
    })
    .await
}

/// An answer's body: `answer` absent keeps the saved answer, `null` or `""` clears it.
#[derive(Deserialize)]
struct AnswerBody {
    #[serde(default, deserialize_with = "present")]
    answer: Option<Option<String>>,
    flagged: Option<bool>,
}

fn present<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(deserializer).map(Some)
}

/// `PUT /api/v1/exams/{exam}/attempts/{attempt}/answers/{number}`.
pub(crate) async fn answer<S: Backend + Send + 'static>(
    State(shared): State<Arc<Shared<S>>>,
    Path((exam, attempt, number)): Path<(String, String, String)>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response {
    let lang = language(&headers);
    let attempt = match attempt_id(lang, &attempt) {
        Ok(id) => id,
        Err(response) => return response,
    };
    let Ok(number) = number.parse::<u32>() else {
        return error(StatusCode::NOT_FOUND, text(lang, "online.no_question", &[("number", number)]));
    };
    let AnswerBody { answer, flagged } = match body(lang, &bytes) {
        Ok(body) => body,
        Err(response) => return response,
    };
    let answer = answer.map(Option::unwrap_or_default);
    if answer.as_ref().is_some_and(|a| a.chars().count() > 64) {
        return bad_request(lang, "answer too long");
    }
    let employee = match signed_in(&shared, &headers).await {
        Ok(employee) => employee,
        Err(response) => return response,
    };
    let now = (shared.now)();
    // The pages send the whole state of a question (answer and flag): checked against the
    // attempt's shape kept in memory, reading nothing.
    if let (Some(text), Some(flag)) = (answer.as_deref(), flagged) {
        let shape = match shared.shape(attempt) {
            Some(shape) => shape,
            None => {
                let (exam, employee) = (exam.clone(), employee.clone());
                match shared.read(move |store| online::attempt_shape(store, &exam, attempt, &employee)).await
                {
                    Ok(Ok(shape)) => shared.keep_shape(attempt, shape),
                    Ok(Err(e)) => return refused(lang, e),
                    Err(e) => return blocked(lang, e),
                }
            }
        };
        match online::check_answer_shaped(&shape, &exam, &employee, number, text, flag, now) {
            Ok(Some((save, remaining))) => {
                return write_answer(&shared, lang, save, attempt, remaining).await;
            }
            // Past the deadline: the store decides, below.
            Ok(None) => {}
            Err(e) => return refused(lang, e),
        }
    }
    // Checked on a reading connection against the stored attempt.
    let checked = shared
        .read(move |store| {
            online::check_answer(store, &exam, attempt, &employee, number, answer.as_deref(), flagged, now)
        })
        .await;
    match checked {
        Ok(Ok(online::AnswerCheck::Save(save, remaining))) => {
            write_answer(&shared, lang, save, attempt, remaining).await
        }
        Ok(Ok(online::AnswerCheck::Expired { record, attempt })) => {
            match shared.write(move |store| online::expire(store, &record, &attempt)).await {
                Ok(refusal) => refused(lang, refusal),
                Err(e) => blocked(lang, e),
            }
        }
        Ok(Ok(_)) => failed(lang, "unknown".into()),
        Ok(Err(e)) => refused(lang, e),
        Err(e) => blocked(lang, e),
    }
}

/// Writes an answer with the others that arrive meanwhile, in one commit; answers after it.
async fn write_answer<S: Backend + Send + 'static>(
    shared: &Arc<Shared<S>>,
    lang: Lang,
    save: xuefa_store::ResponseSave,
    attempt: i64,
    remaining: i64,
) -> Response {
    let (reply, written) = tokio::sync::oneshot::channel();
    if shared.saves.send((save, reply)).is_err() {
        return failed(lang, "the writer stopped".into());
    }
    match written.await {
        Ok(Ok(saved)) => match online::saved_view(saved, attempt, remaining) {
            Ok(view) => ok(view),
            Err(e) => refused(lang, e),
        },
        Ok(Err(detail)) => failed(lang, detail),
        Err(e) => failed(lang, e.to_string()),
    }
}

/// `POST /api/v1/exams/{exam}/attempts/{attempt}/submit`.
pub(crate) async fn submit<S: Backend + Send + 'static>(
    State(shared): State<Arc<Shared<S>>>,
    Path((exam, attempt)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    on_path_attempt(shared, headers, (exam, attempt), true, move |store, exam, attempt, employee, now| {
        online::submit(store, exam, attempt, employee, now)
    })
    .await
}

/// `POST /api/v1/exams/{exam}/attempts/{attempt}/leave`.
pub(crate) async fn leave<S: Backend + Send + 'static>(
    State(shared): State<Arc<Shared<S>>>,
    Path((exam, attempt)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    on_path_attempt(shared, headers, (exam, attempt), true, move |store, exam, attempt, employee, now| {
        online::leave(store, exam, attempt, employee, now)
    })
    .await
}

/// `GET /api/v1/exams/{exam}/attempts/{attempt}/review`.
pub(crate) async fn review<S: Backend + Send + 'static>(
    State(shared): State<Arc<Shared<S>>>,
    Path((exam, attempt)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    on_path_attempt(shared, headers, (exam, attempt), false, move |store, exam, attempt, employee, now| {
        online::review(store, exam, attempt, employee, now)
    })
    .await
}
