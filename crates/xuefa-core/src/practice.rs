//! Practice between exams: when a question in a person's wrong-answer book (错题本) comes
//! back, and which questions make up a daily quiz (每日一练).
//!
//! # The schedule: Leitner boxes
//!
//! The book follows Sebastian Leitner's card-box system (*So lernt man lernen*, 1972): a
//! card answered wrongly goes into the first box; a card answered right moves up one box;
//! a card answered wrongly goes back to the first box, whatever box it was in; the higher the
//! box, the longer until it is asked again; a card known in the last box is done. Leitner
//! sized his boxes by capacity; with dates, as here, each box has an interval, and xuefa's
//! are [`INTERVALS`]: 1, 2, 4, 8 and 16 days. A question therefore leaves the book after
//! five right answers, each given on or after the day it was due, with no wrong answer
//! between (at the earliest 31 days after it entered); one wrong answer starts it again.
//!
//! Leitner boxes rather than SM-2 or FSRS because an answer here is right or wrong, not a
//! grade of how hard recall was, and because a box and a date are what an administrator
//! can read and check by hand.
//!
//! A right answer given *before* the question is due (in an exam, or practising ahead)
//! changes nothing: it is not a spaced review. A wrong answer is wrong whenever it is given.
//!
//! # The daily quiz
//!
//! [`daily_quiz`] draws up to `count` questions for one person and day: first the book's
//! questions that are due (the longest overdue first), then questions the person has never
//! answered, then questions of the laws the person answers worst. Within each group the
//! order comes from a ChaCha20 stream keyed by the person and the day ([`crate::exam::PaperRng`]),
//! so the same person on the same day gets the same quiz from the same questions, in
//! whatever order they are given. [`quiz`] does the same when the questions never seen are
//! too many to list (a workspace of fifty thousand): it is told only how many there are and
//! draws just the few the quiz has room for.
//!
//! # Study-hour credit
//!
//! An office may count practice as online self-study (`[practice]` in `xuefa.toml`):
//! [`credit_hours`] gives a day's hours from the distinct questions answered that day, at so
//! many minutes a question, capped per day. A question answered twice on one day counts once,
//! so answering the same few again does not add up to hours.

use std::cmp::Ordering;
use std::collections::HashMap;

use jiff::ToSpan;
use jiff::civil::Date;
use sha2::{Digest, Sha256};

use crate::exam::PaperRng;

/// The days until a question in box 1, 2, 3, 4 and 5 comes back.
pub const INTERVALS: [i32; 5] = [1, 2, 4, 8, 16];

/// The number of boxes; a question answered right in the last one leaves the book.
pub const BOXES: u8 = INTERVALS.len() as u8;

/// Returns the study hours one day of practice earns: `minutes_per_question` for each
/// distinct question answered that day, at most `cap_minutes` in all, in hours. Nothing
/// for a setting that is not a positive number.
///
/// ```
/// use xuefa_core::practice::credit_hours;
/// // 12 questions at 2 minutes: 24 minutes, under a 30-minute cap.
/// assert_eq!(credit_hours(12, 2.0, 30.0), 0.4);
/// // 20 questions at 2 minutes: 40 minutes, capped at 30.
/// assert_eq!(credit_hours(20, 2.0, 30.0), 0.5);
/// ```
#[must_use]
pub fn credit_hours(questions: u32, minutes_per_question: f64, cap_minutes: f64) -> f64 {
    if !(minutes_per_question > 0.0 && cap_minutes > 0.0 && minutes_per_question.is_finite()) {
        return 0.0;
    }
    (f64::from(questions) * minutes_per_question).min(cap_minutes) / 60.0
}

/// A question's place in a person's wrong-answer book.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BookEntry {
    /// The box, 1 to [`BOXES`].
    pub box_number: u8,
    /// The first day it is due again.
    pub due: Date,
    /// How many times it was answered wrongly since it entered.
    pub wrong: u32,
}

impl BookEntry {
    /// Whether it is due on `day`.
    pub fn is_due(&self, day: Date) -> bool {
        self.due <= day
    }
}

/// Where a question stands after an answer given on `day`: in the book (`Some`) or not.
///
/// `entry` is its place before the answer (`None` when it was not in the book).
pub fn after_answer(entry: Option<BookEntry>, correct: bool, day: Date) -> Option<BookEntry> {
    match (entry, correct) {
        (None, true) => None,
        (None, false) => Some(BookEntry { box_number: 1, due: add_days(day, INTERVALS[0]), wrong: 1 }),
        (Some(entry), false) => Some(BookEntry {
            box_number: 1,
            due: add_days(day, INTERVALS[0]),
            wrong: entry.wrong.saturating_add(1),
        }),
        (Some(entry), true) if !entry.is_due(day) => Some(entry),
        (Some(entry), true) if entry.box_number >= BOXES => None,
        (Some(entry), true) => {
            let next = entry.box_number.max(1) + 1;
            Some(BookEntry {
                box_number: next,
                due: add_days(day, INTERVALS[usize::from(next) - 1]),
                ..entry
            })
        }
    }
}

fn add_days(day: Date, days: i32) -> Date {
    // Dates near jiff's end of time stay where they are rather than fail.
    day.checked_add(days.days()).unwrap_or(day)
}

/// What a person knows of one question, for the daily quiz.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuizCandidate<'a> {
    /// The bank of the question.
    pub bank: &'a str,
    /// The question's id in its bank; the quiz never holds one (bank, id) twice.
    pub id: &'a str,
    /// The law it cites (its key, so that every form of a law's name is one law).
    pub law: &'a str,
    /// Its place in the person's book, if it is there.
    pub book: Option<BookEntry>,
    /// Whether the person has answered it before (in practice or in an exam).
    pub seen: bool,
}

/// How well a person answers one law's questions: right answers of answers given.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LawRecord {
    /// Answers given.
    pub answered: u32,
    /// Of which right.
    pub right: u32,
}

impl LawRecord {
    /// The share answered right; a law never answered counts as unknown, after every law
    /// with a record (a weak law is one the person has shown to be weak).
    fn accuracy(&self) -> Option<f64> {
        (self.answered > 0).then(|| f64::from(self.right) / f64::from(self.answered))
    }
}

/// Returns the indices into `candidates` of the day's quiz, at most `count`, in the order
/// they are asked: due book questions (earliest due first), then questions never seen, then
/// the rest by the accuracy of their law (weakest first); book questions not yet due come
/// last of all. The same person, day and candidates give the same quiz, whatever their order.
pub fn daily_quiz(
    person: &str,
    day: Date,
    count: usize,
    candidates: &[QuizCandidate<'_>],
    laws: &HashMap<&str, LawRecord>,
) -> Vec<usize> {
    // One index per question (the first when one is given twice), in (bank, id) order: the input's
    // order does not matter.
    let mut order: Vec<usize> = (0..candidates.len()).collect();
    let identity = |i: usize| (candidates[i].bank, candidates[i].id);
    order.sort_by(|&a, &b| identity(a).cmp(&identity(b)).then(a.cmp(&b)));
    order.dedup_by(|a, b| identity(*a) == identity(*b));
    let mut rng = PaperRng::from_key(quiz_key(person, day));
    rng.shuffle(&mut order);

    let group = |c: &QuizCandidate<'_>| match c.book {
        Some(entry) if entry.is_due(day) => 0,
        Some(_) => 3,
        None if !c.seen => 1,
        None => 2,
    };
    let accuracy = |c: &QuizCandidate<'_>| laws.get(c.law).and_then(LawRecord::accuracy);
    // Stable: within a group, equal keys keep the shuffled order.
    order.sort_by(|&a, &b| {
        let (x, y) = (&candidates[a], &candidates[b]);
        group(x).cmp(&group(y)).then_with(|| match group(x) {
            0 | 3 => x.book.map(|e| e.due).cmp(&y.book.map(|e| e.due)),
            2 => match (accuracy(x), accuracy(y)) {
                (Some(p), Some(q)) => p.partial_cmp(&q).unwrap_or(Ordering::Equal),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => Ordering::Equal,
            },
            _ => Ordering::Equal,
        })
    });
    order.truncate(count);
    order
}

/// One question of a quiz drawn by [`quiz`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Pick {
    /// The question at this index of the known candidates.
    Known(usize),
    /// The question at this index of the questions the person has never met, in the
    /// caller's stable order of them (a store's: by the questions' own ids).
    Unseen(usize),
}

/// Returns a quiz of at most `count` questions from two sources: `known`, the questions
/// the person has answered or has in the book (a few thousand at most), and `unseen`
/// questions never met, given only by their number. The order is [`daily_quiz`]'s: due
/// reviews, then questions never seen, then weak laws, then book questions not yet due.
///
/// Only as many unseen questions as the quiz has room for are drawn, each uniformly and
/// without repeats from `0..unseen` (a partial Fisher–Yates over a virtual list), so a quiz
/// over fifty thousand unseen questions costs what one over five does. The same person, day,
/// candidates and `unseen` give the same quiz.
pub fn quiz(
    person: &str,
    day: Date,
    count: usize,
    known: &[QuizCandidate<'_>],
    laws: &HashMap<&str, LawRecord>,
    unseen: usize,
) -> Vec<Pick> {
    let order = daily_quiz(person, day, known.len(), known, laws);
    // daily_quiz's groups: due reviews, never seen, the rest.
    let due = order.iter().take_while(|&&i| known[i].book.is_some_and(|b| b.is_due(day))).count();
    let fresh = order[due..].iter().take_while(|&&i| known[i].book.is_none() && !known[i].seen).count();
    let room = count.saturating_sub(due + fresh).min(unseen);
    let mut picks: Vec<Pick> = order[..due + fresh].iter().map(|&i| Pick::Known(i)).collect();
    let mut rng = PaperRng::from_key(unseen_key(person, day));
    // The virtual list 0..unseen with the swaps made so far.
    let mut swapped: HashMap<usize, usize> = HashMap::with_capacity(room * 2);
    for i in 0..room {
        let span = (unseen - i) as u64;
        let j = i + usize::try_from(rng.below(span)).unwrap_or(0);
        let at_j = swapped.get(&j).copied().unwrap_or(j);
        let at_i = swapped.get(&i).copied().unwrap_or(i);
        swapped.insert(j, at_i);
        picks.push(Pick::Unseen(at_j));
    }
    picks.extend(order[due + fresh..].iter().map(|&i| Pick::Known(i)));
    picks.truncate(count);
    picks
}

fn unseen_key(person: &str, day: Date) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(b"xuefa-unseen-v1\x1f");
    hasher.update(quiz_key(person, day));
    hasher.finalize().into()
}

fn quiz_key(person: &str, day: Date) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(b"xuefa-daily-v1\x1f");
    hasher.update((person.len() as u64).to_le_bytes());
    hasher.update(person.as_bytes());
    hasher.update(day.to_string().as_bytes());
    hasher.finalize().into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn entry(box_number: u8, due: Date, wrong: u32) -> Option<BookEntry> {
        Some(BookEntry { box_number, due, wrong })
    }

    /// A question answered wrongly on 1 March and then right every day it is due: boxes
    /// 1 → 2 → 3 → 4 → 5 on 2, 4, 8 and 16 March, out of the book on 1 April (31 days).
    #[test]
    fn right_on_every_due_day_leaves_the_book_after_five_reviews() {
        let mut state = after_answer(None, false, date(2026, 3, 1));
        assert_eq!(state, entry(1, date(2026, 3, 2), 1));
        let steps = [
            (date(2026, 3, 2), entry(2, date(2026, 3, 4), 1)),
            (date(2026, 3, 4), entry(3, date(2026, 3, 8), 1)),
            (date(2026, 3, 8), entry(4, date(2026, 3, 16), 1)),
            (date(2026, 3, 16), entry(5, date(2026, 4, 1), 1)),
            (date(2026, 4, 1), None),
        ];
        for (day, expected) in steps {
            state = after_answer(state, true, day);
            assert_eq!(state, expected, "after the right answer of {day}");
        }
    }

    /// Wrong in box 4 goes back to box 1, due the next day, and counts the second mistake.
    #[test]
    fn a_wrong_answer_sends_it_back_to_box_one() {
        let state = after_answer(entry(4, date(2026, 5, 10), 1), false, date(2026, 5, 12));
        assert_eq!(state, entry(1, date(2026, 5, 13), 2));
        // Also when it was not yet due.
        let early = after_answer(entry(3, date(2026, 5, 20), 2), false, date(2026, 5, 12));
        assert_eq!(early, entry(1, date(2026, 5, 13), 3));
    }

    /// Right before it is due (in an exam, practising ahead) changes nothing; right late
    /// counts from the day it was answered.
    #[test]
    fn right_early_changes_nothing_and_right_late_counts_from_that_day() {
        let before = entry(2, date(2026, 6, 10), 1);
        assert_eq!(after_answer(before, true, date(2026, 6, 9)), before);
        assert_eq!(after_answer(before, true, date(2026, 6, 20)), entry(3, date(2026, 6, 24), 1));
    }

    #[test]
    fn a_right_answer_to_a_question_not_in_the_book_keeps_it_out() {
        assert_eq!(after_answer(None, true, date(2026, 1, 1)), None);
    }

    /// A made-up book and history: due reviews (earliest first), then unseen, then the
    /// weakest law's questions.
    #[test]
    fn the_quiz_asks_due_reviews_then_unseen_then_weak_laws() {
        let day = date(2026, 12, 4);
        let c = |id, law, book, seen| QuizCandidate { bank: "b", id, law, book, seen };
        let candidates = vec![
            c("q-strong", "宪法", None, true),
            c("q-due-late", "民法典", entry(2, date(2026, 12, 4), 1), true),
            c("q-new", "宪法", None, false),
            c("q-weak", "行政处罚法", None, true),
            c("q-due-early", "宪法", entry(1, date(2026, 11, 30), 2), true),
            c("q-not-due", "民法典", entry(3, date(2026, 12, 9), 1), true),
        ];
        let laws = HashMap::from([
            ("宪法", LawRecord { answered: 10, right: 9 }),
            ("行政处罚法", LawRecord { answered: 10, right: 4 }),
        ]);
        let quiz = daily_quiz("A001", day, 10, &candidates, &laws);
        let ids: Vec<&str> = quiz.iter().map(|&i| candidates[i].id).collect();
        assert_eq!(ids, ["q-due-early", "q-due-late", "q-new", "q-weak", "q-strong", "q-not-due"]);
        let three = daily_quiz("A001", day, 3, &candidates, &laws);
        assert_eq!(three, quiz[..3]);
    }
}
