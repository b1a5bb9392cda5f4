//! Answers as typed (the terminal, the pages, answer sheets) and as stored: `Response::parse`
//! for each kind and number of options, which must read its own canonical text back, and
//! `Answer`'s canonical text in a bank record.
#![no_main]

use libfuzzer_sys::fuzz_target;
use xuefa_core::exam::Response;
use xuefa_core::{Answer, Kind, MAX_OPTIONS};

fuzz_target!(|data: &[u8]| {
    xuefa_fuzz::let_caught_panics_go();
    let Some((&first, rest)) = data.split_first() else { return };
    let Ok(text) = std::str::from_utf8(rest) else { return };
    let kind = [Kind::Single, Kind::Multiple, Kind::Judge][usize::from(first % 3)];
    let options = usize::from(first / 3) % (MAX_OPTIONS + 2);
    if let Some(response) = Response::parse(text, kind, options) {
        match response {
            Response::Choice(letters) => {
                assert!(kind != Kind::Judge);
                assert!(letters.last().is_some_and(|last| last < options));
                assert!(kind != Kind::Single || letters.len() == 1);
            }
            Response::Judge(_) => assert_eq!(kind, Kind::Judge),
            _ => {}
        }
        assert_eq!(Response::parse(&response.canonical(), kind, options), Some(response));
        // The canonical text alone cannot tell option F from 错 (`F`): it is read back with
        // the question's kind, as the store reads saved answers.
        assert_eq!(Response::from_canonical(&response.canonical(), kind), Some(response));
    }
    if let Ok(answer) = text.parse::<Answer>() {
        // As for a response, `F` alone needs the kind to be read back.
        let kind = if matches!(answer, Answer::Judge(_)) { Kind::Judge } else { Kind::Multiple };
        assert_eq!(Answer::from_canonical(&answer.to_string(), kind), Some(answer), "{answer}");
    }
});
