//! The JSON bodies `xuefa serve` reads: the login `{"employee","code"}` and an answer
//! `{"answer","flagged"}`. The server's body types are private to `xuefa-server`, so these
//! are copies of them (same fields, same serde attributes: keep them in step with
//! `crates/xuefa-server/src/api.rs`), followed by what the server does with the fields it
//! reads: the length limits and `Response::parse` of the answer for each kind of question.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde::Deserialize;
use xuefa_core::Kind;
use xuefa_core::exam::Response;

/// `LoginBody` in `crates/xuefa-server/src/api.rs`.
#[derive(Deserialize)]
struct LoginBody {
    employee: String,
    code: String,
}

/// `AnswerBody` in `crates/xuefa-server/src/api.rs`.
#[derive(Deserialize)]
struct AnswerBody {
    #[serde(default, deserialize_with = "present")]
    answer: Option<Option<String>>,
    flagged: Option<bool>,
}

fn present<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(deserializer).map(Some)
}

fuzz_target!(|data: &[u8]| {
    xuefa_fuzz::let_caught_panics_go();
    if let Ok(LoginBody { employee, code }) = serde_json::from_slice::<LoginBody>(data) {
        let _ = employee.chars().count() > 64 || code.chars().count() > 64;
    }
    if let Ok(AnswerBody { answer, flagged }) = serde_json::from_slice::<AnswerBody>(data) {
        let _ = flagged;
        let answer = answer.map(Option::unwrap_or_default);
        if let Some(text) = answer.as_deref().filter(|a| a.chars().count() <= 64) {
            let text = text.trim();
            for kind in [Kind::Single, Kind::Multiple, Kind::Judge] {
                if let Some(response) = Response::parse(text, kind, 4) {
                    assert_eq!(Response::parse(&response.canonical(), kind, 4), Some(response));
                }
            }
        }
    }
});
