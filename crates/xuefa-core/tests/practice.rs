//! Property tests of the daily quiz and the wrong-answer book's schedule: a quiz is
//! reproducible, never holds a question twice, and asks every due review before anything
//! else; a question never skips a box, and only a wrong answer puts one in the book.

use std::collections::{HashMap, HashSet};

use proptest::prelude::*;
use xuefa_core::Date;
use xuefa_core::practice::{
    BOXES, BookEntry, LawRecord, Pick, QuizCandidate, after_answer, daily_quiz, quiz,
};

const LAWS: [&str; 4] = ["宪法", "民法典", "行政处罚法", "行政许可法"];

fn day(offset: i32) -> Date {
    Date::constant(2026, 1, 1).checked_add(jiff::Span::new().days(offset)).expect("a date")
}

/// (id number, law, book: (box, due offset, wrong), seen)
type Raw = (u16, usize, Option<(u8, i32, u32)>, bool);

fn raw() -> impl Strategy<Value = Vec<Raw>> {
    proptest::collection::vec(
        (0u16..400, 0..LAWS.len(), proptest::option::of((1..=BOXES, 0i32..60, 1u32..5)), any::<bool>()),
        0..120,
    )
}

fn candidates<'a>(raw: &[Raw], ids: &'a [String]) -> Vec<QuizCandidate<'a>> {
    raw.iter()
        .zip(ids)
        .map(|((_, law, book, seen), id)| QuizCandidate {
            bank: "bank",
            id,
            law: LAWS[*law],
            book: book.map(|(box_number, due, wrong)| BookEntry { box_number, due: day(due), wrong }),
            seen: *seen || book.is_some(),
        })
        .collect()
}

fn laws() -> HashMap<&'static str, LawRecord> {
    HashMap::from([
        ("宪法", LawRecord { answered: 20, right: 18 }),
        ("民法典", LawRecord { answered: 20, right: 7 }),
        ("行政处罚法", LawRecord { answered: 3, right: 3 }),
    ])
}

proptest! {
    #[test]
    fn a_quiz_is_the_same_whatever_the_order_of_its_questions(
        raw in raw(), today in 0i32..60, count in 0usize..20, person in "[A-Z][0-9]{3}", seed in any::<u64>(),
    ) {
        let ids: Vec<String> = raw.iter().map(|r| format!("Q{}", r.0)).collect();
        let list = candidates(&raw, &ids);
        let quiz = daily_quiz(&person, day(today), count, &list, &laws());
        let chosen: Vec<&str> = quiz.iter().map(|&i| list[i].id).collect();
        // The same candidates in another order (a rotation and a reversal).
        let mut other = list.clone();
        if !other.is_empty() {
            let by = (seed % other.len() as u64) as usize;
            other.rotate_left(by);
        }
        other.reverse();
        let again: Vec<&str> =
            daily_quiz(&person, day(today), count, &other, &laws()).iter().map(|&i| other[i].id).collect();
        // An id given twice counts once; which copy is taken may differ only when the
        // copies differ, so compare ids where every copy of an id is the same.
        let consistent = ids.iter().all(|id| {
            let copies: HashSet<_> = list.iter().filter(|c| c.id == id).map(|c| (c.law, c.book, c.seen)).collect();
            copies.len() == 1
        });
        if consistent {
            prop_assert_eq!(&chosen, &again);
        }
        // And the same call twice gives the same quiz.
        prop_assert_eq!(quiz, daily_quiz(&person, day(today), count, &list, &laws()));
    }

    #[test]
    fn a_quiz_never_repeats_a_question_and_asks_due_reviews_first(
        raw in raw(), today in 0i32..60, count in 0usize..20,
    ) {
        let ids: Vec<String> = raw.iter().map(|r| format!("Q{}", r.0)).collect();
        let list = candidates(&raw, &ids);
        let quiz = daily_quiz("A001", day(today), count, &list, &laws());
        let distinct: HashSet<&str> = list.iter().map(|c| c.id).collect();
        prop_assert_eq!(quiz.len(), count.min(distinct.len()));
        let chosen: HashSet<&str> = quiz.iter().map(|&i| list[i].id).collect();
        prop_assert_eq!(chosen.len(), quiz.len(), "no question twice");
        let due = |i: usize| list[i].book.is_some_and(|b| b.is_due(day(today)));
        // Due reviews come first, and none is left out while something else is asked.
        let first_other = quiz.iter().position(|&i| !due(i)).unwrap_or(quiz.len());
        prop_assert!(quiz[first_other..].iter().all(|&i| !due(i)));
        // An id given twice is taken as its first copy.
        let mut first: HashMap<&str, usize> = HashMap::new();
        for (i, c) in list.iter().enumerate() {
            first.entry(c.id).or_insert(i);
        }
        let due_ids: HashSet<&str> = first.iter().filter(|(_, i)| due(**i)).map(|(id, _)| *id).collect();
        if first_other < quiz.len() {
            prop_assert!(due_ids.iter().all(|id| chosen.contains(id)), "every due review asked before others");
        }
        // Earliest due first.
        let dues: Vec<Date> = quiz[..first_other].iter().filter_map(|&i| list[i].book.map(|b| b.due)).collect();
        prop_assert!(dues.windows(2).all(|w| w[0] <= w[1]));
    }

    #[test]
    fn a_question_climbs_one_box_at_a_time_and_only_a_wrong_answer_enters_it(
        answers in proptest::collection::vec((any::<bool>(), 0i32..40), 0..60),
    ) {
        let mut state: Option<BookEntry> = None;
        let mut today = 0;
        for (correct, wait) in answers {
            today += wait;
            let next = after_answer(state, correct, day(today));
            match (state, next) {
                (None, Some(entry)) => prop_assert!(!correct && entry.box_number == 1),
                (Some(before), Some(after)) if correct => {
                    prop_assert!(after == before || after.box_number == before.box_number + 1);
                    prop_assert!(after.due >= day(today));
                }
                (Some(_), Some(after)) => prop_assert_eq!(after.box_number, 1),
                (Some(before), None) => prop_assert!(correct && before.box_number == BOXES && before.is_due(day(today))),
                (None, None) => prop_assert!(correct),
            }
            state = next;
        }
    }

    /// The quiz over known questions and a count of unseen ones: the same every time, no
    /// question twice, every unseen pick in range, and the order of groups kept: due
    /// reviews, then unseen, then the rest; unseen questions fill the room left by the
    /// due reviews and only then are other known questions asked.
    #[test]
    fn a_quiz_with_unseen_questions_keeps_its_order_and_never_repeats(
        raw in raw(), today in 0i32..60, count in 0usize..20, unseen in 0usize..50_000, person in "[A-Z][0-9]{3}",
    ) {
        // Known questions are those met: each seen or in the book.
        let ids: Vec<String> = raw.iter().map(|r| format!("Q{}", r.0)).collect();
        let mut list = candidates(&raw, &ids);
        for c in &mut list {
            c.seen = true;
        }
        let picks = quiz(&person, day(today), count, &list, &laws(), unseen);
        prop_assert_eq!(&picks, &quiz(&person, day(today), count, &list, &laws(), unseen));
        let distinct: HashSet<&str> = list.iter().map(|c| c.id).collect();
        prop_assert_eq!(picks.len(), count.min(distinct.len() + unseen));
        let mut asked: HashSet<Pick> = HashSet::new();
        let mut names: HashSet<&str> = HashSet::new();
        for pick in &picks {
            prop_assert!(asked.insert(*pick), "no pick twice");
            match *pick {
                Pick::Known(i) => prop_assert!(names.insert(list[i].id), "no known question twice"),
                Pick::Unseen(i) => prop_assert!(i < unseen),
            }
        }
        let group = |p: &Pick| match *p {
            Pick::Known(i) if list[i].book.is_some_and(|b| b.is_due(day(today))) => 0,
            Pick::Unseen(_) => 1,
            Pick::Known(_) => 2,
        };
        prop_assert!(picks.windows(2).all(|w| group(&w[0]) <= group(&w[1])), "due, then unseen, then the rest");
        // Without unseen questions it is daily_quiz's order.
        let plain: Vec<Pick> = daily_quiz(&person, day(today), count, &list, &laws()).into_iter().map(Pick::Known).collect();
        prop_assert_eq!(quiz(&person, day(today), count, &list, &laws(), 0), plain);
    }
}

/// Every unseen question is equally likely: 3 of 10 drawn for 20,000 people, each drawn
/// close to 6,000 times (a χ² test at 9 degrees of freedom, 27.9 the 0.1 % critical value).
#[test]
fn unseen_questions_are_drawn_uniformly() {
    let mut counts = [0u32; 10];
    for n in 0..20_000 {
        for pick in quiz(&format!("P{n}"), day(0), 3, &[], &HashMap::new(), 10) {
            let Pick::Unseen(i) = pick else { panic!("only unseen questions") };
            counts[i] += 1;
        }
    }
    let expected = 6_000.0;
    let chi2: f64 = counts.iter().map(|&c| (f64::from(c) - expected).powi(2) / expected).sum();
    assert!(chi2 < 27.9, "χ² {chi2} of {counts:?}");
}

#[test]
fn practice_credit_counts_minutes_per_question_up_to_the_daily_cap() {
    use xuefa_core::practice::credit_hours;
    // Worked examples: 1.5 minutes a question, at most 30 minutes a day.
    assert_eq!(credit_hours(0, 1.5, 30.0), 0.0);
    assert_eq!(credit_hours(10, 1.5, 30.0), 0.25); // 15 minutes
    assert_eq!(credit_hours(20, 1.5, 30.0), 0.5); // exactly the cap
    assert_eq!(credit_hours(200, 1.5, 30.0), 0.5); // capped
    // Off: no minutes, no cap, or a setting that is not a number.
    assert_eq!(credit_hours(50, 0.0, 30.0), 0.0);
    assert_eq!(credit_hours(50, 1.5, 0.0), 0.0);
    assert_eq!(credit_hours(50, f64::NAN, 30.0), 0.0);
    assert_eq!(credit_hours(50, f64::INFINITY, 30.0), 0.0);
    assert_eq!(credit_hours(u32::MAX, 1.5, 30.0), 0.5);
}
