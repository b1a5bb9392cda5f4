//! Practice on both backends: the same scenario on SQLite and PostgreSQL gives the same
//! results, and the totals the same bits.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod pg_fixture;

use pg_fixture::{Both, at, both};
use xuefa_core::Date;
use xuefa_core::Kind;
use xuefa_core::exam::Paper;
use xuefa_core::practice::{Pick, after_answer};
use xuefa_store::{ExamAnswer, PracticeFilter, PracticeStore, PracticeTotals};

fn day(text: &str) -> Date {
    text.parse().expect("date")
}

/// A draw: what `choose` was given, and the questions drawn (bank:id@version).
fn draw<S: PracticeStore + ?Sized>(
    store: &S,
    employee: &str,
    filter: &PracticeFilter,
    picks: &dyn Fn(usize, usize) -> Vec<Pick>,
) -> String {
    let mut given = String::new();
    let drawn = store.practice_draw(employee, filter, &mut |known, unseen| {
        given = format!("{known:?} unseen {unseen}");
        picks(known.len(), unseen)
    });
    match drawn {
        Ok(drawn) => {
            let drawn: Vec<String> =
                drawn.iter().map(|q| format!("{}:{}@{}", q.bank, q.question.id, q.version)).collect();
            format!("{given} -> {drawn:?}")
        }
        Err(error) => format!("{error:?}"),
    }
}

fn everything(known: usize, unseen: usize) -> Vec<Pick> {
    (0..known).map(Pick::Known).chain((0..unseen).map(Pick::Unseen)).chain([Pick::Unseen(99)]).collect()
}

/// The practice scenario, every answer as text.
fn practice<S: PracticeStore + ?Sized>(
    store: &mut S,
    attempts: &[(i64, Paper)],
    retire: &mut dyn FnMut(),
) -> Vec<String> {
    let mut seen = Vec::new();
    let none = PracticeFilter::default();
    seen.push(draw(store, "E001", &none, &|_, _| vec![Pick::Unseen(0), Pick::Unseen(2), Pick::Unseen(100)]));
    seen.push(draw(store, "E999", &none, &everything));
    let asked: Vec<(String, String)> =
        [("民法典", "MF-1"), ("宪法", "XF-2"), ("民法典", "nope"), ("民法典", "MF-1"), ("宪法", "XF-4")]
            .iter()
            .map(|(b, c)| ((*b).to_owned(), (*c).to_owned()))
            .collect();
    let questions = store.practice_questions(&asked).expect("questions");
    seen.push(format!("{questions:?}"));
    let (mf1, xf2, xf4) = (&questions[0], &questions[1], &questions[3]);
    let mf5 = &store.practice_questions(&[("民法典".to_owned(), "MF-5".to_owned())]).expect("questions")[0];

    // Answers over three days: wrong, wrong again the same day, right later.
    let answers = [
        ("E001", mf1, "A", false, "2026-03-01T09:00:00Z", "2026-03-01"),
        ("E001", mf1, "C", false, "2026-03-01T09:01:00Z", "2026-03-01"),
        ("E001", xf2, "T", true, "2026-03-01T09:02:00Z", "2026-03-01"),
        ("E001", mf5, "A", false, "2026-03-01T09:03:00Z", "2026-03-01"),
        ("E001", mf1, "B", true, "2026-03-02T09:00:00Z", "2026-03-02"),
        ("E001", xf2, "F", false, "2026-03-03T09:00:00Z", "2026-03-03"),
        ("E002", mf1, "B", true, "2026-03-01T10:00:00Z", "2026-03-01"),
        ("E999", mf1, "B", true, "2026-03-01T10:00:00Z", "2026-03-01"),
    ];
    for (employee, question, response, correct, when, on) in answers {
        let on = day(on);
        let moved = store.record_practice(employee, question, response, correct, at(when), on, &|entry| {
            after_answer(entry, correct, on)
        });
        seen.push(format!("{moved:?}"));
    }
    retire();
    let moved =
        store.record_practice("E001", xf4, "A", true, at("2026-03-03T10:00:00Z"), day("2026-03-03"), &|e| e);
    seen.push(format!("{moved:?}"));

    for on in ["2026-03-01", "2026-03-02", "2026-03-03", "2026-03-30"] {
        seen.push(format!("{:?}", store.practice_progress("E001", day(on))));
    }
    seen.push(format!("{:?}", store.practice_progress("E002", day("2026-03-03"))));
    seen.push(format!("{:?}", store.practice_progress("E999", day("2026-03-03"))));
    seen.push(format!("{:?}", store.practice_book("E001")));
    seen.push(format!("{:?}", store.practice_book("E004")));
    seen.push(format!("{:?}", store.practice_book("E999")));

    let filters = [
        PracticeFilter { law_keys: vec!["民法典".to_owned()], ..PracticeFilter::default() },
        PracticeFilter {
            law_keys: vec!["民法典".to_owned(), "宪法".to_owned()],
            ..PracticeFilter::default()
        },
        PracticeFilter { tags: vec!["重点".to_owned()], ..PracticeFilter::default() },
        PracticeFilter {
            tags: vec!["\"引号\"".to_owned(), "物权".to_owned()], ..PracticeFilter::default()
        },
        PracticeFilter { tags: vec!["合".to_owned()], ..PracticeFilter::default() },
        PracticeFilter { kind: Some(Kind::Judge), ..PracticeFilter::default() },
        PracticeFilter {
            law_keys: vec!["民法典".to_owned()],
            tags: vec!["合同".to_owned()],
            kind: Some(Kind::Single),
            due_on: None,
        },
        PracticeFilter { due_on: Some(day("2026-03-02")), ..PracticeFilter::default() },
        PracticeFilter { due_on: Some(day("2026-03-30")), ..PracticeFilter::default() },
    ];
    for filter in &filters {
        seen.push(draw(store, "E001", filter, &everything));
    }

    // A submitted attempt's answers enter the book once.
    let (attempt, paper) = &attempts[2];
    let exam_answers: Vec<ExamAnswer> = paper
        .questions
        .iter()
        .enumerate()
        .map(|(i, q)| ExamAnswer {
            bank: q.bank.clone(),
            code: q.id.clone(),
            correct: i % 2 == 0,
            day: day("2026-03-02"),
        })
        .chain([ExamAnswer {
            bank: "宪法".to_owned(),
            code: "XF-4".to_owned(),
            correct: false,
            day: day("2026-03-02"),
        }])
        .collect();
    let schedule = |entry, correct, on| after_answer(entry, correct, on);
    seen.push(format!("{:?}", store.practice_taken_attempts("E003")));
    seen.push(format!(
        "{:?}",
        store.take_exam_answers("E003", *attempt, &exam_answers, at("2026-03-04T08:00:00Z"), &schedule)
    ));
    seen.push(format!(
        "{:?}",
        store.take_exam_answers("E003", *attempt, &exam_answers, at("2026-03-04T08:00:00Z"), &schedule)
    ));
    seen.push(format!(
        "{:?}",
        store.take_exam_answers("E999", *attempt, &exam_answers, at("2026-03-04T08:00:00Z"), &schedule)
    ));
    seen.push(format!("{:?}", store.practice_taken_attempts("E003")));
    seen.push(format!("{:?}", store.practice_taken_attempts("E001")));
    seen.push(format!("{:?}", store.practice_taken_attempts("E999")));
    seen.push(format!("{:?}", store.practice_book("E003")));
    seen
}

#[test]
fn practice_is_recorded_and_read_alike() {
    let Some(mut both) = both("pg_practice::scenario") else { return };
    let attempts = both.attempts.clone();
    let retire = "UPDATE questions SET retired = 1 WHERE code = 'XF-4'";
    let Both { sqlite, pg, lite, client, .. } = &mut both;
    let on_sqlite = practice(sqlite, &attempts, &mut || lite.execute_batch(retire).expect("retire"));
    let on_pg = practice(pg, &attempts, &mut || client.batch_execute(retire).expect("retire"));
    for (i, (a, b)) in on_sqlite.iter().zip(&on_pg).enumerate() {
        assert_eq!(a, b, "step {i}");
    }
    assert_eq!(on_sqlite.len(), on_pg.len());
    // The days' tallies and the answers stored are the same rows.
    for sql in [
        "SELECT person_id, day, answered, questions, correct FROM practice_days ORDER BY person_id, day",
        "SELECT person_id, question_id, version, answered_at, day, response, correct FROM practice_answers ORDER BY id",
        "SELECT person_id, question_id, box, due, wrong, entered_at FROM practice_book ORDER BY person_id, question_id",
    ] {
        assert_eq!(rows(&mut both, sql), rows_pg(&mut both, sql), "{sql}");
    }
    assert_eq!(
        rows(
            &mut both,
            "SELECT day, answered, questions, correct FROM practice_days WHERE person_id = (SELECT id FROM people WHERE employee_id = 'E001') ORDER BY day"
        ),
        ["2026-03-01|4|3|1", "2026-03-02|1|1|1", "2026-03-03|1|1|0"],
        "a question answered twice a day is one question"
    );
}

fn rows(both: &mut Both, sql: &str) -> Vec<String> {
    let mut statement = both.lite.prepare(sql).expect("SQLite query");
    let columns = statement.column_count();
    statement
        .query_map([], |row| {
            (0..columns)
                .map(|i| {
                    Ok(match row.get::<_, rusqlite::types::Value>(i)? {
                        rusqlite::types::Value::Integer(n) => n.to_string(),
                        rusqlite::types::Value::Text(s) => s,
                        other => format!("{other:?}"),
                    })
                })
                .collect::<rusqlite::Result<Vec<_>>>()
                .map(|v| v.join("|"))
        })
        .expect("rows")
        .collect::<rusqlite::Result<_>>()
        .expect("rows")
}

fn rows_pg(both: &mut Both, sql: &str) -> Vec<String> {
    both.client
        .query(sql, &[])
        .expect("PostgreSQL query")
        .iter()
        .map(|row| {
            (0..row.len())
                .map(|i| match *row.columns()[i].type_() {
                    postgres::types::Type::INT8 => row.get::<_, i64>(i).to_string(),
                    _ => row.get::<_, String>(i),
                })
                .collect::<Vec<_>>()
                .join("|")
        })
        .collect()
}

fn totals<S: PracticeStore + ?Sized>(
    store: &S,
    from: &str,
    to: &str,
    credit: Option<(f64, f64)>,
) -> Vec<(String, PracticeTotals)> {
    let mut all = Vec::new();
    store
        .practice_totals(day(from), day(to), credit, &mut |employee, totals| {
            all.push((employee.to_owned(), *totals))
        })
        .expect("totals");
    all
}

#[test]
fn practice_totals_are_the_same_bits() {
    let Some(mut both) = both("pg_practice::totals") else { return };
    // Four people's days over fourteen months, with every count of questions a day from 0
    // to 40 (a pseudo-random sequence), some days skipped.
    let ids: Vec<i64> = rows(&mut both, "SELECT id FROM people ORDER BY employee_id")
        .iter()
        .map(|id| id.parse().expect("id"))
        .collect();
    let mut values = Vec::new();
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let start = day("2025-01-01");
    for (p, person) in ids.iter().enumerate() {
        for offset in 0..430_i64 {
            state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            let r = state >> 33;
            if r.is_multiple_of(7) && p != 3 {
                continue;
            }
            let questions = (r >> 8) % 41;
            let answered = questions + (r >> 16) % 5;
            let correct = (r >> 20) % (answered + 1);
            let on = start.checked_add(jiff::Span::new().days(offset)).expect("day");
            values.push(format!("({person}, '{on}', {answered}, {questions}, {correct})"));
        }
    }
    both.execute(&format!(
        "INSERT INTO practice_days (person_id, day, answered, questions, correct) VALUES {}",
        values.join(", ")
    ));
    let credits = [
        None,
        Some((0.5, 30.0)),
        Some((2.0, 30.0)),
        Some((0.1, 1.0e9)),
        Some((0.7, 4.9)),
        Some((0.3, f64::INFINITY)),
        Some((1.0 / 3.0, 7.7)),
        Some((0.0, 30.0)),
        Some((0.5, 0.0)),
        Some((f64::NAN, 30.0)),
    ];
    let periods = [
        ("2025-01-01", "2026-12-31"),
        ("2025-03-01", "2025-03-31"),
        ("2025-02-10", "2025-04-12"),
        ("2025-02-10", "2025-04-13"),
        ("2026-01-01", "2026-12-31"),
        ("2027-01-01", "2027-12-31"),
    ];
    for credit in credits {
        for (from, to) in periods {
            let on_sqlite = totals(&both.sqlite, from, to, credit);
            let on_pg = totals(&both.pg, from, to, credit);
            assert_eq!(on_sqlite, on_pg, "{credit:?} {from}..{to}");
            let bits = |all: &[(String, PracticeTotals)]| -> Vec<u64> {
                all.iter().map(|(_, t)| t.hours.to_bits()).collect()
            };
            assert_eq!(bits(&on_sqlite), bits(&on_pg), "{credit:?} {from}..{to}");
            if from == "2025-01-01" {
                assert_eq!(on_sqlite.len(), 4);
                assert_eq!(
                    on_sqlite.iter().any(|(_, t)| t.hours > 0.0),
                    credit.is_some_and(|(q, d)| q > 0.0 && d > 0.0)
                );
            }
        }
    }
}

#[test]
fn one_persons_answers_from_many_connections_at_once_are_counted_one_by_one() {
    // Several writers (as several servers) record the same person's wrong answers to one
    // question on one day at once: the day counts one question and every answer, and the
    // book counts every wrong answer (none lost to another writer's read).
    let Some(mut both) = both("pg_practice::concurrent") else { return };
    let target = both.pg.target().clone();
    let question = both.pg.practice_questions(&[("民法典".to_owned(), "MF-2".to_owned())]).expect("question");
    let question = &question[0];
    let on = day("2026-03-05");
    std::thread::scope(|scope| {
        for _ in 0..4 {
            let target = target.clone();
            scope.spawn(move || {
                let mut store = xuefa_store::PgStore::open(&target).expect("open");
                for _ in 0..10 {
                    store
                        .record_practice(
                            "E004",
                            question,
                            "A",
                            false,
                            at("2026-03-05T09:00:00Z"),
                            on,
                            &|entry| after_answer(entry, false, on),
                        )
                        .expect("answer");
                }
            });
        }
    });
    assert_eq!(
        rows_pg(
            &mut both,
            "SELECT d.answered, d.questions, d.correct, k.wrong FROM practice_days d \
             JOIN people p ON p.id = d.person_id JOIN practice_book k ON k.person_id = p.id \
             WHERE p.employee_id = 'E004'"
        ),
        ["40|1|0|40"]
    );
}
