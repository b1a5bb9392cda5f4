//! Sitting over a network on both backends: the same scenario on SQLite and PostgreSQL
//! gives the same results and stores the same rows.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod pg_fixture;

use jiff::Timestamp;
use pg_fixture::{Both, at, both, response_for};
use xuefa_store::{AccessCode, LoginEnd, OnlineStore, ResponseSave, Saved};

fn code(employee: &str, hash: &str, expires: Option<&str>) -> AccessCode {
    AccessCode::new(employee.to_owned(), hash.to_owned(), at("2026-03-01T08:00:00Z"), expires.map(at))
}

/// Access codes and web sessions: every answer in order, as text.
fn codes_and_sessions<S: OnlineStore + ?Sized>(store: &mut S) -> Vec<String> {
    let mut seen = Vec::new();
    let t = at("2026-03-02T08:00:00Z");
    let later = |minutes: i64| t + jiff::SignedDuration::from_mins(minutes);
    store.create_web_session("s-a", "E001", t, later(60)).expect("session");
    store.create_web_session("s-b", "E002", t, later(10)).expect("session");
    store.create_web_session("s-c", "E004", t, later(60)).expect("session");
    seen.push(format!("{:?}", store.create_web_session("s-a", "E002", t, later(60)).is_err()));
    store
        .set_access_codes(&[
            code("E001", "$argon2id$first", None),
            code("E002", "$argon2id$b", Some("2026-04-01T00:00:00Z")),
            code("E001", "$argon2id$second", Some("2026-05-01T00:00:00Z")),
        ])
        .expect("codes");
    // Issuing a code ends the person's sessions; others keep theirs.
    for token in ["s-a", "s-b", "s-c"] {
        seen.push(format!("{token}: {:?}", store.web_session(token, later(5)).expect("session")));
    }
    for employee in ["E001", "E002", "E003"] {
        seen.push(format!("{employee}: {:?}", store.access_code(employee).expect("code")));
    }
    store.set_access_codes(&[code("E003", "$argon2id$c", None)]).expect("codes");
    let revoked = store
        .revoke_access_codes(&["E002".to_owned(), "E002".to_owned(), "E009".to_owned(), "E003".to_owned()])
        .expect("revoke");
    seen.push(format!("revoked {revoked}"));
    for employee in ["E001", "E002", "E003"] {
        seen.push(format!("{employee}: {:?}", store.access_code(employee).expect("code")));
    }

    // Sessions expire, and ending one ends every expired one.
    store.create_web_session("s-d", "E001", t, later(10)).expect("session");
    store.create_web_session("s-e", "E002", t, later(120)).expect("session");
    for (token, minutes) in [("s-d", 9), ("s-d", 10), ("s-d", 11), ("s-e", 100), ("s-c", 59), ("s-c", 60)] {
        seen.push(format!(
            "{token}@{minutes}: {:?}",
            store.web_session(token, later(minutes)).expect("session")
        ));
    }
    store.end_web_session("s-e", later(30)).expect("end");
    for token in ["s-c", "s-d", "s-e"] {
        seen.push(format!("{token} after: {:?}", store.web_session(token, later(0)).expect("session")));
    }
    seen
}

#[test]
fn access_codes_and_sessions_are_kept_alike() {
    let Some(mut both) = both("pg_online::codes") else { return };
    let sqlite = codes_and_sessions(&mut both.sqlite);
    let pg = codes_and_sessions(&mut both.pg);
    assert_eq!(sqlite, pg);
    assert!(sqlite[0] == "true", "a second session with one token is refused");
    assert_eq!(
        stored(&mut both, "SELECT employee_id, hash, issued_at, expires_at FROM access_codes"),
        (
            vec!["E001|$argon2id$second|2026-03-01T08:00:00Z|2026-05-01T00:00:00Z".to_owned()],
            vec!["E001|$argon2id$second|2026-03-01T08:00:00Z|2026-05-01T00:00:00Z".to_owned()]
        )
    );
    let sessions =
        stored(&mut both, "SELECT token_hash, employee_id, created_at, expires_at FROM web_sessions");
    assert_eq!(sessions.0, sessions.1);
}

/// The rows a query gives on each backend, each row's columns as text joined by `|`,
/// sorted.
fn stored(both: &mut Both, sql: &str) -> (Vec<String>, Vec<String>) {
    let mut statement = both.lite.prepare(sql).expect("SQLite query");
    let columns = statement.column_count();
    let mut lite: Vec<String> = statement
        .query_map([], |row| {
            (0..columns)
                .map(|i| {
                    Ok(match row.get::<_, rusqlite::types::Value>(i)? {
                        rusqlite::types::Value::Null => "NULL".to_owned(),
                        rusqlite::types::Value::Integer(n) => n.to_string(),
                        rusqlite::types::Value::Real(x) => format!("{x:?}"),
                        rusqlite::types::Value::Text(s) => s,
                        rusqlite::types::Value::Blob(b) => format!("{b:?}"),
                    })
                })
                .collect::<rusqlite::Result<Vec<_>>>()
                .map(|v| v.join("|"))
        })
        .expect("rows")
        .collect::<rusqlite::Result<_>>()
        .expect("rows");
    lite.sort();
    let mut pg: Vec<String> = both
        .client
        .query(sql, &[])
        .expect("PostgreSQL query")
        .iter()
        .map(|row| {
            (0..row.len())
                .map(|i| {
                    let column = &row.columns()[i];
                    match *column.type_() {
                        postgres::types::Type::INT8 => {
                            row.get::<_, Option<i64>>(i).map_or("NULL".to_owned(), |n| n.to_string())
                        }
                        postgres::types::Type::FLOAT8 => {
                            row.get::<_, Option<f64>>(i).map_or("NULL".to_owned(), |x| format!("{x:?}"))
                        }
                        postgres::types::Type::BYTEA => {
                            row.get::<_, Option<Vec<u8>>>(i).map_or("NULL".to_owned(), |b| format!("{b:?}"))
                        }
                        _ => row.get::<_, Option<String>>(i).unwrap_or_else(|| "NULL".to_owned()),
                    }
                })
                .collect::<Vec<_>>()
                .join("|")
        })
        .collect();
    pg.sort();
    (lite, pg)
}

/// Failed sign-ins counted in a window, and forgotten.
fn login_failures<S: OnlineStore + ?Sized>(store: &mut S) -> Vec<Vec<u64>> {
    let t = at("2026-03-02T08:00:00Z");
    let later = |seconds: i64| t + jiff::SignedDuration::from_secs(seconds);
    let keys = ["employee:E001", "address:10.0.0.1"];
    let mut counts = Vec::new();
    counts.push(store.login_failures(&keys, t).expect("count"));
    store.record_login_failure(&keys, later(0), later(-900)).expect("failure");
    store.record_login_failure(&keys[..1], later(60), later(-840)).expect("failure");
    store
        .record_login_failure(&["employee:E002", "address:10.0.0.1"], later(120), later(-780))
        .expect("failure");
    for since in [0, 1, 60, 61, 120, 121] {
        counts.push(store.login_failures(&keys, later(since)).expect("count"));
    }
    counts.push(store.login_failures(&["employee:E002", "employee:E003"], t).expect("count"));
    // A failure much later forgets those before its window.
    store.record_login_failure(&keys[1..], later(1000), later(61)).expect("failure");
    counts.push(store.login_failures(&keys, t).expect("count"));
    counts.push(
        store.login_failures(&["employee:E002", "address:10.0.0.1"], Timestamp::UNIX_EPOCH).expect("count"),
    );
    counts
}

#[test]
fn login_failures_are_counted_alike() {
    let Some(mut both) = both("pg_online::failures") else { return };
    let sqlite = login_failures(&mut both.sqlite);
    let pg = login_failures(&mut both.pg);
    assert_eq!(sqlite, pg);
    assert_eq!(sqlite[1], [2, 2], "both failures counted under each key");
    assert_eq!(sqlite[sqlite.len() - 1], [1, 2], "the older failures are forgotten");
}

/// Answers saved in batches, some refused, and the attempts read back.
fn saves<S: OnlineStore + ?Sized>(
    store: &mut S,
    both_attempts: &[(i64, xuefa_core::exam::Paper)],
) -> Vec<String> {
    let (a, paper_a) = (&both_attempts[0].0, &both_attempts[0].1);
    let (b, paper_b) = (&both_attempts[1].0, &both_attempts[1].1);
    let (c, paper_c) = (&both_attempts[2].0, &both_attempts[2].1);
    let t = at("2026-03-02T09:05:00Z");
    let save = |attempt: i64, index: usize, response, flagged, seconds: i64| ResponseSave {
        attempt,
        index,
        response,
        flagged,
        at: t + jiff::SignedDuration::from_secs(seconds),
    };
    let mut seen = Vec::new();
    let first = vec![
        save(*a, 0, Some(response_for(paper_a, 0, 1)), false, 0),
        save(*b, 1, Some(response_for(paper_b, 1, 2)), true, 1),
        // Submitted: refused.
        save(*c, 0, Some(response_for(paper_c, 0, 0)), false, 2),
        save(*a, 1, Some(response_for(paper_a, 1, 3)), false, 3),
        // Not there: refused.
        save(999_999, 0, Some(response_for(paper_a, 0, 0)), false, 4),
        save(*a, 0, None, true, 5),
        save(*a, 3, Some(response_for(paper_a, 3, 0)), false, 6),
        save(*b, 1, Some(response_for(paper_b, 1, 1)), false, 7),
        save(*a, 0, Some(response_for(paper_a, 0, 2)), false, 8),
        // Past the deadline, but not submitted: saved (the deadline is the caller's).
        save(*b, 4, Some(response_for(paper_b, 4, 1)), false, 3600),
    ];
    seen.push(format!("{:?}", store.save_open_responses(&first).expect("saves")));
    seen.push(format!("{:?}", store.save_open_responses(&[]).expect("no saves")));
    seen.push(format!(
        "{:?}",
        store.save_open_response(*a, 2, Some(&response_for(paper_a, 2, 1)), true, t).expect("save")
    ));
    seen.push(format!("{:?}", store.save_open_response(*c, 2, None, false, t).expect("save")));
    for id in [*a, *b, *c, 999_999] {
        seen.push(format!("{:?}", store.attempt_by_id(id).expect("attempt")));
    }
    seen
}

#[test]
fn answers_are_saved_in_batches_only_to_open_attempts() {
    let Some(mut both) = both("pg_online::saves") else { return };
    let attempts = both.attempts.clone();
    let sqlite = saves(&mut both.sqlite, &attempts);
    let pg = saves(&mut both.pg, &attempts);
    assert_eq!(sqlite, pg);
    assert_eq!(
        sqlite[0],
        format!(
            "{:?}",
            [
                Saved::Answered(1),
                Saved::Answered(1),
                Saved::Submitted,
                Saved::Answered(2),
                Saved::Submitted,
                Saved::Answered(1),
                Saved::Answered(2),
                Saved::Answered(1),
                Saved::Answered(3),
                Saved::Answered(2),
            ]
        )
    );
    let rows =
        stored(&mut both, "SELECT attempt_id, question_index, response, flagged, answered_at FROM responses");
    assert_eq!(rows.0, rows.1);
    assert_eq!(rows.0.len(), 6);
}

fn events<S: OnlineStore + ?Sized>(store: &mut S, attempts: &[(i64, xuefa_core::exam::Paper)]) -> Vec<u64> {
    let (a, b) = (attempts[0].0, attempts[1].0);
    let t = at("2026-03-02T09:10:00Z");
    vec![
        store.attempt_events(a, "leave").expect("events"),
        store.record_attempt_event(a, "leave", t).expect("event"),
        store.record_attempt_event(a, "leave", t).expect("event"),
        store.record_attempt_event(a, "blur", t).expect("event"),
        store.record_attempt_event(b, "leave", t).expect("event"),
        store.attempt_events(a, "leave").expect("events"),
        store.attempt_events(a, "blur").expect("events"),
        store.attempt_events(b, "leave").expect("events"),
        store.attempt_events(b, "blur").expect("events"),
    ]
}

#[test]
fn attempt_events_are_counted_alike() {
    let Some(mut both) = both("pg_online::events") else { return };
    let attempts = both.attempts.clone();
    let sqlite = events(&mut both.sqlite, &attempts);
    assert_eq!(sqlite, events(&mut both.pg, &attempts));
    assert_eq!(sqlite, [0, 1, 2, 1, 1, 2, 1, 1, 0]);
    // An event of an attempt that is not there is refused by both.
    assert!(both.sqlite.record_attempt_event(999_999, "leave", at("2026-03-02T09:10:00Z")).is_err());
    assert!(both.pg.record_attempt_event(999_999, "leave", at("2026-03-02T09:10:00Z")).is_err());
    let rows = stored(&mut both, "SELECT attempt_id, kind, at FROM attempt_events");
    assert_eq!(rows.0, rows.1);
}

#[test]
fn saves_from_many_connections_at_once_each_land_once() {
    // Several writers (as several servers) save answers to the same attempts at once, in
    // batches naming the attempts in different orders: every batch commits (deadlocks
    // would be retried, but locking in id order leaves none), and each attempt ends with
    // every answer given.
    let Some(both) = both("pg_online::concurrent") else { return };
    let attempts: Vec<(i64, xuefa_core::exam::Paper)> = both.attempts[..2].to_vec();
    let target = xuefa_store::PgTarget::new(both_url(&both));
    let t = at("2026-03-02T09:05:00Z");
    std::thread::scope(|scope| {
        for writer in 0..4_usize {
            let attempts = attempts.clone();
            let target = target.clone();
            scope.spawn(move || {
                let mut store = xuefa_store::PgStore::open(&target).expect("open");
                for round in 0..20_usize {
                    let mut batch: Vec<ResponseSave> = Vec::new();
                    for k in 0..2 {
                        let (id, paper) = &attempts[(writer + round + k) % 2];
                        let index = (writer + round + k) % paper.questions.len();
                        batch.push(ResponseSave {
                            attempt: *id,
                            index,
                            response: Some(response_for(paper, index, round)),
                            flagged: false,
                            at: t,
                        });
                    }
                    let saved = store.save_open_responses(&batch).expect("saves");
                    assert!(saved.iter().all(|s| matches!(s, Saved::Answered(_))), "{saved:?}");
                }
            });
        }
    });
    let mut store = xuefa_store::PgStore::open(&target).expect("open");
    for (id, paper) in &attempts {
        let record = store.attempt_by_id(*id).expect("attempt").expect("there");
        assert_eq!(record.responses.len(), paper.questions.len());
    }
    // A submitted attempt takes no more answers from anyone.
    let (id, paper) = &attempts[0];
    let mut client = postgres::Client::connect(&target.url, postgres::NoTls).expect("connect");
    client
        .execute("UPDATE attempts SET submitted_at = '2026-03-02T09:20:00Z' WHERE id = $1", &[id])
        .expect("submit");
    let saved = store.save_open_response(*id, 0, Some(&response_for(paper, 0, 3)), false, t).expect("save");
    assert_eq!(saved, Saved::Submitted);
}

fn both_url(both: &Both) -> String {
    both.pg.target().url.clone()
}

/// Guesses settled under the limit, as the sign-in settles them.
fn settle<S: OnlineStore + ?Sized>(store: &mut S, keys: &[&str], at: Timestamp) -> bool {
    let since = at - jiff::SignedDuration::from_mins(15);
    store.settle_login(keys, since, 5, LoginEnd::Failure { at, forget: since }).expect("settle")
}

#[test]
fn sign_ins_are_settled_alike_and_stop_at_the_limit() {
    let Some(mut both) = both("pg_online::settle") else { return };
    let t = at("2026-03-02T08:00:00Z");
    let keys = ["employee:E001", "address:10.0.0.1"];
    let run = |store: &mut dyn OnlineStore| {
        let mut seen: Vec<bool> = (0..7).map(|_| settle(store, &keys, t)).collect();
        // Another person from the same address is refused too; a session is not stored then.
        let session = LoginEnd::Session { token_hash: "h", employee: "E002", created: t, expires: t };
        seen.push(store.settle_login(&["employee:E002", "address:10.0.0.1"], t, 5, session).expect("settle"));
        seen.push(store.web_session("h", Timestamp::UNIX_EPOCH).expect("session").is_some());
        seen.push(store.settle_login(&["employee:E002", "address:10.0.0.2"], t, 5, session).expect("settle"));
        seen.push(store.web_session("h", Timestamp::UNIX_EPOCH).expect("session").is_some());
        seen
    };
    let sqlite = run(&mut both.sqlite);
    assert_eq!(sqlite, [true, true, true, true, true, false, false, false, false, true, true]);
    assert_eq!(run(&mut both.pg), sqlite);
}

#[test]
fn guesses_from_several_servers_at_once_count_no_more_than_the_limit() {
    // Eight connections (as eight servers) each send guesses for one person at once: five
    // are written, every other is refused, however they interleave.
    let Some(both) = both("pg_online::settle_race") else { return };
    let target = xuefa_store::PgTarget::new(both_url(&both));
    let t = at("2026-03-02T08:00:00Z");
    let written = std::sync::atomic::AtomicUsize::new(0);
    let start = std::sync::Barrier::new(8);
    std::thread::scope(|scope| {
        for server in 0..8 {
            let (target, written, start) = (target.clone(), &written, &start);
            scope.spawn(move || {
                let mut store = xuefa_store::PgStore::open(&target).expect("open");
                let address = format!("address:10.0.0.{server}");
                // All at once.
                start.wait();
                for _ in 0..4 {
                    if settle(&mut store, &["employee:E001", &address], t) {
                        written.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    }
                }
            });
        }
    });
    assert_eq!(written.into_inner(), 5);
    let store = xuefa_store::PgStore::open(&target).expect("open");
    assert_eq!(store.login_failures(&["employee:E001"], t).expect("count"), [5]);
}
