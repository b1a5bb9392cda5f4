//! Practice between exams: drawing a set of questions for one person (free practice by
//! law, tag and kind; the daily quiz; the wrong-answer book's due reviews), answering them
//! one by one with immediate feedback, and the person's wrong-answer book.
//!
//! Options are shown in the bank's order in practice, so the key is given in the bank's
//! letters. The schedule and the daily quiz's order are [`xuefa_core::practice`]'s.

use std::collections::{BTreeMap, HashMap};

use jiff::tz::Offset;
use xuefa_core::exam::Response;
use xuefa_core::practice::{BookEntry, LawRecord, QuizCandidate, after_answer, quiz};
use xuefa_core::{Answer, Date, Kind, Timestamp, law_key};
use xuefa_store::{
    AttemptRecord, ExamAnswer, ExamStore, PracticeCandidate, PracticeFilter, PracticeStore, StoredQuestion,
};

use crate::AppError;
use crate::report::attendance::{Groups, PracticeFigures};

/// The questions a daily quiz holds unless told otherwise.
pub const DAILY_COUNT: usize = 5;

/// Which questions a practice draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PracticeMode {
    /// Questions matching the filters: unseen first, then the weakest laws'.
    #[default]
    Free,
    /// The day's quiz: due reviews, then unseen, then weak laws; the same all day.
    Daily,
    /// Only the wrong-answer book's questions that are due.
    Review,
}

/// What a person asks to practise.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PracticeRequest {
    /// Only questions citing one of these laws (any form of their names); all when empty.
    pub laws: Vec<String>,
    /// Only questions with one of these tags; all when empty.
    pub tags: Vec<String>,
    /// Only questions of this kind.
    pub kind: Option<Kind>,
    /// How many questions at most.
    pub count: usize,
    /// Which questions.
    pub mode: PracticeMode,
}

/// What a practice answer taught: right or wrong, the key, why, and where the question
/// now stands in the person's book.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Feedback {
    /// Whether the answer was right (a multiple-choice answer only when every option is).
    pub correct: bool,
    /// The key: option letters such as `AC`, or `T`/`F` for a judgement.
    pub key: String,
    /// The explanation (解析), if the bank gives one.
    pub explanation: String,
    /// The law cited.
    pub law: String,
    /// The article cited.
    pub article: String,
    /// The question's place in the book after this answer (`None`: not in it).
    pub book: Option<BookEntry>,
    /// Whether this answer took it out of the book (right in the last box).
    pub left_book: bool,
}

/// Draws a practice for one person on `today`: the questions to ask, in order. `at` keys
/// free practice's order (each free practice is another draw); the daily quiz depends
/// only on the person and the day.
///
/// # Errors
/// A store failure ([`xuefa_store::StoreError::NoPerson`] for an employee not on the roster).
pub fn draw<S: PracticeStore + ?Sized>(
    store: &S,
    employee: &str,
    request: &PracticeRequest,
    today: Date,
    at: Timestamp,
) -> Result<Vec<StoredQuestion>, AppError> {
    let filter = PracticeFilter {
        law_keys: request.laws.iter().map(|law| law_key(law)).collect(),
        tags: request.tags.clone(),
        kind: request.kind,
        due_on: (request.mode == PracticeMode::Review).then_some(today),
    };
    let key = match request.mode {
        PracticeMode::Daily => employee.to_owned(),
        PracticeMode::Free | PracticeMode::Review => format!("{employee}\u{1f}{}", at.as_nanosecond()),
    };
    let mut choose = |met: &[PracticeCandidate], unseen: usize| {
        // How the person does by law, over their answers to the questions this practice
        // may draw (the weak-law order compares only these).
        let mut records: HashMap<&str, LawRecord> = HashMap::new();
        for c in met {
            let record = records.entry(c.law_key.as_str()).or_default();
            record.answered = record.answered.saturating_add(c.answered);
            record.right = record.right.saturating_add(c.right);
        }
        let known: Vec<QuizCandidate<'_>> = met
            .iter()
            .map(|c| QuizCandidate {
                bank: &c.bank,
                id: &c.code,
                law: &c.law_key,
                book: c.book,
                seen: c.answered > 0,
            })
            .collect();
        quiz(&key, today, request.count, &known, &records, unseen)
    };
    Ok(store.practice_draw(employee, &filter, &mut choose)?)
}

/// Records one practice answer on `today` and returns the feedback; the question enters,
/// climbs, drops back in or leaves the person's book by [`after_answer`].
///
/// # Errors
/// A store failure: the person is not on the roster, the question is no longer in use.
pub fn answer<S: PracticeStore + ?Sized>(
    store: &mut S,
    employee: &str,
    question: &StoredQuestion,
    response: &Response,
    at: Timestamp,
    today: Date,
) -> Result<Feedback, AppError> {
    let correct = is_right(&question.question.answer, response);
    let (before, book) =
        store.record_practice(employee, question, &response.canonical(), correct, at, today, &|before| {
            after_answer(before, correct, today)
        })?;
    let q = &question.question;
    Ok(Feedback {
        correct,
        key: q.answer.canonical(),
        explanation: q.explanation.clone(),
        law: q.law.clone(),
        article: q.article.clone(),
        book,
        left_book: before.is_some() && book.is_none(),
    })
}

/// Takes the answers of the person's submitted exam attempts into their wrong-answer book,
/// each attempt once, as soon as its review is allowed at `now` (the exam's `review`
/// setting: after submitting, after the exam closes, never): a question answered for less
/// than its full points enters the book (or drops back to box 1), a right answer counts as
/// a review when the question was due, exactly as in practice; a question left unanswered
/// is not taken as a wrong answer. Attempts are taken in the order they were submitted, on
/// the office's day they were submitted. Front ends call this before they draw a practice
/// or show the book. Returns how many questions moved.
///
/// # Errors
/// A store failure ([`xuefa_store::StoreError::NoPerson`] for an employee not on the roster).
pub fn take_exam_answers<S: PracticeStore + ExamStore + ?Sized>(
    store: &mut S,
    employee: &str,
    now: Timestamp,
    offset: Offset,
) -> Result<usize, AppError> {
    let ready = waiting_attempts(store, employee, now)?;
    let mut moved = 0;
    for attempt in ready {
        let (Some(submitted), Some(outcome)) = (attempt.submitted_at, attempt.outcome.as_ref()) else {
            continue;
        };
        let day = offset.to_datetime(submitted).date();
        let responses = crate::sitting::attempt_responses(&attempt);
        let answers: Vec<ExamAnswer> = attempt
            .paper
            .questions
            .iter()
            .enumerate()
            .filter(|(index, _)| responses.get(*index).is_some_and(Option::is_some))
            .map(|(index, q)| {
                let mark = outcome.score.marks.get(index).copied().unwrap_or(0.0);
                ExamAnswer {
                    bank: q.bank.clone(),
                    code: q.id.clone(),
                    correct: q.points > 0.0 && mark >= q.points - 1e-9,
                    day,
                }
            })
            .collect();
        let schedule = |before, correct, day| after_answer(before, correct, day);
        moved += store.take_exam_answers(employee, attempt.id, &answers, now, &schedule)?.unwrap_or(0);
    }
    Ok(moved)
}

/// Whether [`take_exam_answers`] has answers to take in at `now`: a read, so that a server
/// asks its writer only when there is something to write.
///
/// # Errors
/// A store failure.
pub fn exam_answers_waiting<S: PracticeStore + ExamStore + ?Sized>(
    store: &S,
    employee: &str,
    now: Timestamp,
) -> Result<bool, AppError> {
    Ok(!waiting_attempts(store, employee, now)?.is_empty())
}

/// The person's submitted attempts not yet taken into the book whose review is allowed at
/// `now`, in the order they were submitted.
fn waiting_attempts<S: PracticeStore + ExamStore + ?Sized>(
    store: &S,
    employee: &str,
    now: Timestamp,
) -> Result<Vec<AttemptRecord>, AppError> {
    let taken = store.practice_taken_attempts(employee)?;
    let mut ready = Vec::new();
    for exam in store.exam_ids()? {
        let attempts = store.attempts(&exam, employee)?;
        if attempts.iter().all(|a| a.submitted_at.is_none() || taken.contains(&a.id)) {
            continue;
        }
        let record = store.exam(&exam)?;
        for attempt in attempts {
            if attempt.submitted_at.is_some()
                && !taken.contains(&attempt.id)
                && crate::online::review_allowed(&record, &attempt, now).is_ok()
            {
                ready.push(attempt);
            }
        }
    }
    ready.sort_by_key(|a| (a.submitted_at, a.id));
    Ok(ready)
}

/// Returns how the person does, law by law, on `today`: questions seen, answers, right
/// answers, questions in the book and those due.
///
/// # Errors
/// A store failure ([`xuefa_store::StoreError::NoPerson`] for an employee not on the roster).
pub fn progress<S: PracticeStore + ?Sized>(
    store: &S,
    employee: &str,
    today: Date,
) -> Result<Vec<xuefa_store::LawProgress>, AppError> {
    Ok(store.practice_progress(employee, today)?)
}

/// Returns the person's wrong-answer book, the earliest due first.
///
/// # Errors
/// A store failure.
pub fn book<S: PracticeStore + ?Sized>(
    store: &S,
    employee: &str,
) -> Result<Vec<(StoredQuestion, BookEntry)>, AppError> {
    Ok(store.practice_book(employee)?)
}

/// Whether a response is the key exactly.
pub fn is_right(key: &Answer, response: &Response) -> bool {
    match (key, response) {
        (Answer::Choice(key), Response::Choice(picked)) => key == picked,
        (Answer::Judge(key), Response::Judge(said)) => key == said,
        _ => false,
    }
}

/// Returns the first day of the `days` days up to and including `today`.
///
/// # Errors
/// [`AppError`] for a period before the calendar begins.
pub fn period_start(today: Date, days: u16) -> Result<Date, AppError> {
    today
        .checked_sub(jiff::Span::new().days(i64::from(days.max(1)) - 1))
        .map_err(|_| AppError::message_of("report.bad_year", vec![("value", today.to_string())]))
}

/// Returns, department by department (then nothing else: the caller adds the total), how
/// many of the people on the roster on `today` (active or exempt, joined by then) practised
/// from `from` to `today`, and their answers; no hours. `depth` cuts
/// departments to so many levels (`None`: full paths).
///
/// # Errors
/// A store failure; [`AppError`] for a period before the calendar begins.
pub fn departments<S: PracticeStore + xuefa_store::Store + ?Sized>(
    store: &S,
    from: Date,
    today: Date,
    depth: Option<usize>,
) -> Result<Vec<(String, PracticeFigures)>, AppError> {
    let people = store.people(None)?;
    let on_roster = |p: &xuefa_core::Person| {
        p.status != xuefa_core::Status::Left
            && p.joined.is_none_or(|j| j <= today)
            && p.left.is_none_or(|l| l >= today)
    };
    let index: HashMap<&str, usize> =
        people.iter().enumerate().filter(|(_, p)| on_roster(p)).map(|(i, p)| (p.id.as_str(), i)).collect();
    // Per person: answers and right answers in the period.
    let mut tally = vec![(0u64, 0u64); people.len()];
    store.practice_totals(from, today, None, &mut |employee, totals| {
        if let Some(&i) = index.get(employee) {
            tally[i] = (totals.answered, totals.right);
        }
    })?;
    let count = |n: u64| usize::try_from(n).unwrap_or(usize::MAX);
    let mut groups = Groups::new(depth);
    let mut by_department: BTreeMap<String, PracticeFigures> = BTreeMap::new();
    for (i, person) in people.iter().enumerate().filter(|(_, p)| on_roster(p)) {
        let (answered, right) = tally[i];
        by_department.entry(groups.name(&person.department).to_owned()).or_default().add(&PracticeFigures {
            people: 1,
            practised: usize::from(answered > 0),
            answered: count(answered),
            right: count(right),
            hours: 0.0,
        });
    }
    Ok(by_department.into_iter().collect())
}
