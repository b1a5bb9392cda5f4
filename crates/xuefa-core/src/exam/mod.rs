//! The annual law exam: the blueprint ([`ExamSpec`]), reproducible papers ([`draw_paper`]),
//! scoring ([`score()`]), the state of one sitting ([`Sitting`]) and explanations in a paper's
//! option letters ([`relabel_options`]).

mod explanation;
mod paper;
mod rng;
mod score;
mod sitting;
mod spec;

pub use explanation::relabel_options;
pub use paper::{
    Availability, DrawError, Drawer, Fetch, Paper, PaperQuestion, Pool, PoolQuestion, draw_paper,
    draw_planned,
};
pub use rng::{PaperRng, below, choose_front, shuffle};
pub use score::{Outcome, Response, Score, grade, mark, score};
pub use sitting::{Sitting, SittingError};
pub use spec::{
    Audience, Band, Counts, DifficultyFilter, ExamSpec, Grading, Review, Scoring, Section, SpecProblem, When,
    round3,
};
