//! The pages and their files, built into the binary: no file to install beside it, and
//! nothing fetched from the internet.

use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::http::typed;

const HTML: &str = "text/html; charset=utf-8";

/// The sign-in page.
pub(crate) async fn login() -> Response {
    typed(HTML, include_str!("../assets/login.html"))
}

/// The person's exams.
pub(crate) async fn exams() -> Response {
    typed(HTML, include_str!("../assets/exams.html"))
}

/// The sitting; the page reads the exam's id from its address.
pub(crate) async fn sit(Path(_exam): Path<String>) -> Response {
    typed(HTML, include_str!("../assets/sit.html"))
}

/// The result and review.
pub(crate) async fn result(Path((_exam, _attempt)): Path<(String, String)>) -> Response {
    typed(HTML, include_str!("../assets/result.html"))
}

/// Practice: the daily quiz, the due reviews, free practice.
pub(crate) async fn practice() -> Response {
    typed(HTML, include_str!("../assets/practice.html"))
}

/// The wrong-answer book.
pub(crate) async fn book() -> Response {
    typed(HTML, include_str!("../assets/book.html"))
}

/// The pages' script and style sheet.
pub(crate) async fn asset(Path(file): Path<String>) -> Response {
    match file.as_str() {
        "xuefa.js" => typed("text/javascript; charset=utf-8", include_str!("../assets/xuefa.js")),
        "xuefa.css" => typed("text/css; charset=utf-8", include_str!("../assets/xuefa.css")),
        _ => not_found().await,
    }
}

/// Any other address.
pub(crate) async fn not_found() -> Response {
    (StatusCode::NOT_FOUND, typed("text/plain; charset=utf-8", "404 未找到 / not found")).into_response()
}
