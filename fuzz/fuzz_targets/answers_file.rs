//! Answers files (`xuefa exam take --answers`): `xuefa_app::sitting::answers_json` then
//! `parse_answers` against a paper drawn from the shipped 宪法 bank, then graded.
#![no_main]

use std::collections::HashSet;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use xuefa_app::sitting::{answers_json, parse_answers};
use xuefa_core::exam::{ExamSpec, Paper, Pool, PoolQuestion, Response, draw_paper, grade};
use xuefa_core::{Bank, Lang, ReadOptions};
use xuefa_fuzz::{BANK, SPEC};

fn paper() -> &'static (ExamSpec, Paper) {
    static PAPER: OnceLock<(ExamSpec, Paper)> = OnceLock::new();
    PAPER.get_or_init(|| {
        let loaded = Bank::read("宪法.csv", BANK, &ReadOptions::new());
        let pool = Pool::new(
            loaded.bank.questions().iter().map(|q| PoolQuestion::new("宪法", 1, q.clone())).collect(),
        );
        let spec = ExamSpec::from_toml(SPEC).expect("the blueprint");
        let paper = draw_paper(&spec, &pool, 7, "A1", 1, &HashSet::new()).expect("a paper");
        (spec, paper)
    })
}

fuzz_target!(|data: &[u8]| {
    xuefa_fuzz::let_caught_panics_go();
    // The command reads the file as UTF-8 text.
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (spec, paper) = paper();
    let answers = match answers_json(text) {
        Ok(answers) => answers,
        Err(messages) => {
            assert!(!messages.is_empty());
            for message in messages {
                let _ = (message.text(Lang::Zh), message.text(Lang::En));
            }
            return;
        }
    };
    match parse_answers(paper, &answers) {
        Ok(parsed) => {
            let mut responses = vec![None; paper.questions.len()];
            for (index, response) in parsed {
                let question = &paper.questions[index];
                let again = Response::parse(&response.canonical(), question.kind, question.options.len());
                assert_eq!(again, Some(response), "an answer read is one the question takes");
                responses[index] = Some(response);
            }
            let outcome = grade(paper, &responses, &spec.grading());
            assert!(outcome.score.total <= spec.total_points() + 1e-9);
            assert!(outcome.score.total >= 0.0);
        }
        Err(messages) => {
            assert!(!messages.is_empty());
            for message in messages {
                let _ = (message.text(Lang::Zh), message.text(Lang::En));
            }
        }
    }
});
