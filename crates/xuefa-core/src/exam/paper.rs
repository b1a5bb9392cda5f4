//! Papers: the questions, option order and key one person gets for one attempt, drawn from
//! the exam's pool by the stream of (exam seed, employee, attempt). The same inputs always
//! give the same paper, so any paper can be drawn again and compared with the record.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use super::rng::{PaperRng, below, choose_front, shuffle};
use super::spec::{ExamSpec, Scoring};
use crate::question::{Answer, Kind, Letters, Question};

/// A question the exam may draw: its bank, its version, and the question as that version
/// words it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct PoolQuestion {
    /// The bank it belongs to.
    pub bank: String,
    /// The version drawn.
    pub version: u32,
    /// The question.
    pub question: Question,
    /// The question's content hash (hex), computed once for every paper that shows it.
    content_hash: String,
}

impl PoolQuestion {
    /// Returns a pool entry.
    pub fn new(bank: impl Into<String>, version: u32, question: Question) -> Self {
        let content_hash = question.content_hash().to_hex();
        PoolQuestion { bank: bank.into(), version, question, content_hash }
    }

    /// Returns a pool entry whose content hash (hex) is already known, as a store that
    /// recorded it has it; it must be [`Question::content_hash`] of the question.
    pub fn with_content_hash(
        bank: impl Into<String>,
        version: u32,
        question: Question,
        content_hash: String,
    ) -> Self {
        PoolQuestion { bank: bank.into(), version, question, content_hash }
    }

    /// Returns the key that names the question across banks: `BANK:ID`.
    pub fn key(&self) -> String {
        format!("{}:{}", self.bank, self.question.id)
    }
}

/// The questions an exam draws from, in a fixed order (by bank, then id), so that drawing
/// does not depend on the order a database returned them in.
#[derive(Debug, Clone, Default)]
pub struct Pool {
    questions: Vec<PoolQuestion>,
}

impl Pool {
    /// Returns the pool of these questions, sorted by bank and id.
    pub fn new(mut questions: Vec<PoolQuestion>) -> Self {
        questions.sort_by(|a, b| {
            (a.bank.as_str(), a.question.id.as_str()).cmp(&(b.bank.as_str(), b.question.id.as_str()))
        });
        questions.dedup_by(|a, b| a.bank == b.bank && a.question.id == b.question.id);
        Pool { questions }
    }

    /// Returns the questions in pool order.
    pub fn questions(&self) -> &[PoolQuestion] {
        &self.questions
    }

    /// Returns the questions any section of the spec could draw, for freezing with an exam.
    pub fn for_spec(&self, spec: &ExamSpec) -> Pool {
        let questions = self
            .questions
            .iter()
            .filter(|entry| spec.sections.iter().any(|s| s.accepts(&entry.bank, &entry.question)))
            .cloned()
            .collect();
        Pool { questions }
    }

    /// Returns, for each section, how many questions it needs and how many it can have,
    /// drawing in the order the paper does (the most constrained section first, without
    /// repeats). A section that can have fewer than it needs is short.
    pub fn availability(&self, spec: &ExamSpec) -> Vec<Availability> {
        let eligible = self.eligible(spec);
        let mut used: HashSet<usize> = HashSet::new();
        let mut result: Vec<Availability> = spec
            .sections
            .iter()
            .zip(&eligible)
            .map(|(section, list)| Availability {
                needed: section.count,
                matching: list.len() as u32,
                available: 0,
            })
            .collect();
        for index in draw_order(&eligible) {
            let free: Vec<usize> = eligible[index].iter().copied().filter(|q| !used.contains(q)).collect();
            let take = free.len().min(spec.sections[index].count as usize);
            used.extend(free.into_iter().take(take));
            result[index].available = take as u32;
        }
        result
    }

    fn eligible(&self, spec: &ExamSpec) -> Vec<Vec<usize>> {
        spec.sections
            .iter()
            .map(|section| {
                (0..self.questions.len())
                    .filter(|&i| section.accepts(&self.questions[i].bank, &self.questions[i].question))
                    .collect()
            })
            .collect()
    }
}

/// How well the pool serves one section.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Availability {
    /// Questions the section draws.
    pub needed: u32,
    /// Questions that match its filters.
    pub matching: u32,
    /// Questions it gets once the sections drawn before it have taken theirs.
    pub available: u32,
}

impl Availability {
    /// Returns whether the section cannot be filled.
    pub fn is_short(&self) -> bool {
        self.available < self.needed
    }
}

/// Sections are drawn fewest-candidates first, so a narrow section is not starved by a broad
/// one that could have used other questions; ties keep the spec's order.
fn draw_order(eligible: &[Vec<usize>]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..eligible.len()).collect();
    order.sort_by_key(|&i| eligible[i].len());
    order
}

/// One question of a paper, as the person sees it, with what scoring needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PaperQuestion {
    /// The number on the paper, from 1.
    pub number: u32,
    /// The bank of the question.
    pub bank: String,
    /// The question's id in its bank.
    pub id: String,
    /// The version drawn.
    pub version: u32,
    /// The content hash of that version (hex).
    pub content_hash: String,
    /// Single, multiple or judge.
    pub kind: Kind,
    /// The stem.
    pub stem: String,
    /// The options in the order shown; empty for judge questions.
    pub options: Vec<String>,
    /// For each option shown, its letter in the bank (0 is A): `order[1] = 3` means the
    /// second option shown is the bank's D.
    pub order: Vec<u8>,
    /// The key in the letters shown.
    pub key: Answer,
    /// Points for a correct answer.
    pub points: f64,
    /// How a 多选 answer earns points.
    pub scoring: Scoring,
    /// The explanation, for the review after submitting.
    pub explanation: String,
    /// The law, for the review.
    pub law: String,
    /// The article, for the review.
    pub article: String,
}

impl PaperQuestion {
    /// Returns a pool question as it appears at `number` on a paper, its options shown in
    /// `order` (for each option shown, its index in the bank), worth `points`.
    pub fn new(number: u32, entry: &PoolQuestion, order: Vec<u8>, points: f64, scoring: Scoring) -> Self {
        let question = &entry.question;
        let key = match question.answer {
            Answer::Choice(letters) => Answer::Choice(
                order
                    .iter()
                    .enumerate()
                    .filter(|(_, original)| letters.contains(usize::from(**original)))
                    .fold(Letters::empty(), |shown, (position, _)| shown.with(position)),
            ),
            judge => judge,
        };
        PaperQuestion {
            number,
            bank: entry.bank.clone(),
            id: question.id.clone(),
            version: entry.version,
            content_hash: entry.content_hash.clone(),
            kind: question.kind,
            stem: question.stem.clone(),
            options: order.iter().filter_map(|&i| question.options.get(usize::from(i)).cloned()).collect(),
            order,
            key,
            points,
            scoring,
            explanation: question.explanation.clone(),
            law: question.law.clone(),
            article: question.article.clone(),
        }
    }

    /// Returns letters shown on this paper as the bank's letters (the identity when the
    /// options were not shuffled); letters beyond the options are dropped.
    pub fn bank_letters(&self, shown: Letters) -> Letters {
        if self.order.is_empty() {
            return shown;
        }
        shown
            .indexes()
            .filter_map(|p| self.order.get(p))
            .fold(Letters::empty(), |l, &b| l.with(usize::from(b)))
    }
}

/// The paper of one attempt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Paper {
    /// The exam's id.
    pub exam: String,
    /// The employee's id.
    pub employee: String,
    /// The attempt, from 1.
    pub attempt: u32,
    /// The total points.
    pub total_points: f64,
    /// The questions in paper order.
    pub questions: Vec<PaperQuestion>,
}

/// Why a paper cannot be drawn.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum DrawError {
    /// A section has too few questions.
    #[error("section {section} needs {needed} questions; the pool has {available}")]
    Short {
        /// The section, from 1.
        section: usize,
        /// Questions it draws.
        needed: u32,
        /// Questions it can have.
        available: u32,
    },
}

/// Returns the paper of (exam seed, employee, attempt).
///
/// `seen` holds the keys (`BANK:ID`, see [`PoolQuestion::key`]) of questions the person
/// has had on earlier attempts; a retake takes questions outside it first and falls back on
/// seen ones only when a section has no others. To draw many papers of one exam, make a
/// [`Drawer`] once and draw from it.
///
/// # Errors
/// Returns [`DrawError::Short`] when a section cannot be filled.
pub fn draw_paper(
    spec: &ExamSpec,
    pool: &Pool,
    seed: u64,
    employee: &str,
    attempt: u32,
    seen: &HashSet<String>,
) -> Result<Paper, DrawError> {
    Drawer::new(spec, pool).draw(seed, employee, attempt, seen)
}

/// An exam's blueprint matched against its pool once, ready to draw papers quickly.
#[derive(Debug)]
pub struct Drawer<'a> {
    spec: &'a ExamSpec,
    pool: &'a Pool,
    eligible: Vec<Vec<usize>>,
    order: Vec<usize>,
    index_of: std::sync::OnceLock<std::collections::HashMap<String, usize>>,
}

impl<'a> Drawer<'a> {
    /// Returns a drawer for a blueprint and its pool.
    pub fn new(spec: &'a ExamSpec, pool: &'a Pool) -> Self {
        let eligible = pool.eligible(spec);
        let order = draw_order(&eligible);
        Drawer { spec, pool, eligible, order, index_of: std::sync::OnceLock::new() }
    }

    fn seen_indexes(&self, seen: &HashSet<String>) -> HashSet<usize> {
        if seen.is_empty() {
            return HashSet::new();
        }
        let index_of = self.index_of.get_or_init(|| {
            (0..self.pool.questions.len()).map(|i| (self.pool.questions[i].key(), i)).collect()
        });
        seen.iter().filter_map(|key| index_of.get(key).copied()).collect()
    }

    /// Returns, for each section, the positions in the pool of the questions it may draw:
    /// store them with the exam, and [`draw_planned`] draws a paper fetching only its own
    /// questions.
    pub fn eligible(&self) -> &[Vec<usize>] {
        &self.eligible
    }

    /// Returns the paper of (exam seed, employee, attempt); see [`draw_paper`].
    ///
    /// # Errors
    /// Returns [`DrawError::Short`] when a section cannot be filled.
    pub fn draw(
        &self,
        seed: u64,
        employee: &str,
        attempt: u32,
        seen: &HashSet<String>,
    ) -> Result<Paper, DrawError> {
        self.draw_with_rng(&mut PaperRng::for_paper(seed, employee, attempt), employee, attempt, seen)
    }

    /// Returns a paper drawn from any `rand_core` generator instead of the stream of
    /// (exam seed, employee, attempt): with `PaperRng::for_paper(seed, employee, attempt)`
    /// it is the paper [`Drawer::draw`] gives. The exam's own papers always use that
    /// stream, so they can be drawn again for an audit; another generator serves practice
    /// quizzes and simulations that need no audit.
    ///
    /// # Errors
    /// Returns [`DrawError::Short`] when a section cannot be filled.
    pub fn draw_with_rng<R: rand_core::Rng + ?Sized>(
        &self,
        rng: &mut R,
        employee: &str,
        attempt: u32,
        seen: &HashSet<String>,
    ) -> Result<Paper, DrawError> {
        let seen = self.seen_indexes(seen);
        let pool = self.pool;
        let mut fetch = |positions: &[usize]| -> Result<Vec<PoolQuestion>, DrawError> {
            Ok(positions.iter().map(|&p| pool.questions[p].clone()).collect())
        };
        draw_with(self.spec, &self.eligible, &self.order, (employee, attempt), rng, &seen, &mut fetch)
    }
}

/// Fetches the pool questions at these positions, in the same order.
pub type Fetch<'a, E> = dyn FnMut(&[usize]) -> Result<Vec<PoolQuestion>, E> + 'a;

/// Returns the paper of (exam seed, employee, attempt) from the eligibility lists a
/// [`Drawer`] gave ([`Drawer::eligible`]), fetching only the drawn questions: `fetch` gets
/// pool positions and returns those questions in the same order. `seen` holds the pool
/// positions of the person's earlier questions. The paper is the one [`Drawer::draw`]
/// gives.
///
/// # Errors
/// Returns [`DrawError::Short`] when a section cannot be filled, or what `fetch` returns.
pub fn draw_planned<E: From<DrawError>>(
    spec: &ExamSpec,
    eligible: &[Vec<usize>],
    (seed, employee, attempt): (u64, &str, u32),
    seen: &HashSet<usize>,
    fetch: &mut Fetch<'_, E>,
) -> Result<Paper, E> {
    let mut rng = PaperRng::for_paper(seed, employee, attempt);
    draw_with(spec, eligible, &draw_order(eligible), (employee, attempt), &mut rng, seen, fetch)
}

fn draw_with<E: From<DrawError>, R: rand_core::Rng + ?Sized>(
    spec: &ExamSpec,
    eligible: &[Vec<usize>],
    order: &[usize],
    (employee, attempt): (&str, u32),
    rng: &mut R,
    seen: &HashSet<usize>,
    fetch: &mut Fetch<'_, E>,
) -> Result<Paper, E> {
    let mut used: HashSet<usize> = HashSet::new();
    let mut chosen: Vec<Vec<usize>> = vec![Vec::new(); spec.sections.len()];
    for &index in order {
        let needed = spec.sections[index].count as usize;
        let Some(candidates) = eligible.get(index) else { continue };
        let picked = if candidates.len() >= 2 * (needed + used.len() + seen.len()) {
            // Far more candidates than will be taken or are excluded: draw indexes and
            // redraw the few that are taken, so a paper costs its length, not the pool's.
            let mut picked: Vec<usize> = Vec::with_capacity(needed);
            while picked.len() < needed {
                let q = candidates[below(rng, candidates.len() as u64) as usize];
                if !used.contains(&q) && !seen.contains(&q) && !picked.contains(&q) {
                    picked.push(q);
                }
            }
            picked
        } else {
            let (mut fresh, mut old): (Vec<usize>, Vec<usize>) =
                candidates.iter().copied().filter(|q| !used.contains(q)).partition(|q| !seen.contains(q));
            if fresh.len() + old.len() < needed {
                return Err(DrawError::Short {
                    section: index + 1,
                    needed: needed as u32,
                    available: (fresh.len() + old.len()) as u32,
                }
                .into());
            }
            choose_front(rng, &mut fresh, needed);
            let mut picked: Vec<usize> = fresh.into_iter().take(needed).collect();
            if picked.len() < needed {
                let missing = needed - picked.len();
                choose_front(rng, &mut old, missing);
                picked.extend(old.into_iter().take(missing));
            }
            picked
        };
        used.extend(&picked);
        chosen[index] = picked;
    }
    let positions: Vec<usize> = chosen.iter().flatten().copied().collect();
    let mut entries = fetch(&positions)?.into_iter();
    let mut questions = Vec::with_capacity(positions.len());
    for (index, picked) in chosen.iter().enumerate() {
        let section = &spec.sections[index];
        for _ in picked {
            let Some(entry) = entries.next() else { break };
            let question = &entry.question;
            let mut order: Vec<u8> = (0..question.options.len() as u8).collect();
            if spec.shuffle_options && question.kind != Kind::Judge {
                shuffle(rng, &mut order);
            }
            let number = questions.len() as u32 + 1;
            questions.push(PaperQuestion::new(number, &entry, order, section.points, section.scoring()));
        }
    }
    Ok(Paper {
        exam: spec.id.clone(),
        employee: employee.to_owned(),
        attempt,
        total_points: spec.total_points(),
        questions,
    })
}

impl Paper {
    /// Returns a paper of these questions.
    pub fn new(
        exam: impl Into<String>,
        employee: impl Into<String>,
        attempt: u32,
        total_points: f64,
        questions: Vec<PaperQuestion>,
    ) -> Self {
        Paper { exam: exam.into(), employee: employee.into(), attempt, total_points, questions }
    }

    /// Returns the keys (`BANK:ID`) of the paper's questions, for the `seen` set of a retake.
    pub fn question_keys(&self) -> impl Iterator<Item = String> + '_ {
        self.questions.iter().map(|q| format!("{}:{}", q.bank, q.id))
    }
}
