//! Exam blueprints (`exam.toml`): `ExamSpec::from_toml`, and for a blueprint it accepts,
//! what the exam derives from it and `xuefa_app::create::create_exam` on a fresh copy of a
//! real workspace.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use xuefa_app::create;
use xuefa_app::i18n::Tr;
use xuefa_core::Lang;
use xuefa_core::exam::ExamSpec;
use xuefa_fuzz::{Office, now};

fuzz_target!(|data: &[u8]| {
    xuefa_fuzz::let_caught_panics_go();
    let Ok(text) = std::str::from_utf8(data) else { return };
    match ExamSpec::from_toml(text) {
        Ok(spec) => {
            assert!(spec.problems().is_empty(), "an accepted blueprint has no problem");
            let _ = (spec.question_count(), spec.total_points(), spec.opens_at(), spec.closes_at());
            let grading = spec.grading();
            let _ = grading.passed(spec.total_points());
            let _ = grading.band(0.0);
            static OFFICE: OnceLock<Office> = OnceLock::new();
            let mut store = OFFICE.get_or_init(Office::new).fresh();
            if let Err(error) = create::create_exam(&mut store, text, 7, now(), &Tr::new(Lang::Zh)) {
                let _ = error.to_string();
            }
        }
        Err(problems) => {
            assert!(!problems.is_empty(), "a refused blueprint says why");
            for problem in problems {
                let _ = problem.to_string();
            }
        }
    }
});
