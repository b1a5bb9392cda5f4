//! Item analysis of an exam's submitted attempts: per question the facility, spread,
//! discrimination and discriminative efficiency, the picks of each option and flags such as
//! `likely_wrong_key`; for the whole exam the score distribution and its reliability. The
//! formulas are `xuefa_core::stats`'s. Attempts stream from the store, so a province's
//! million attempts are never all in memory.

use std::collections::HashMap;

use jiff::Timestamp;
use serde_json::{Value, json};
use xuefa_core::Answer;
use xuefa_core::stats::{Analyser, Analysis, Item, ItemStats, Mark};
use xuefa_store::ExamStore;

use crate::error::AppError;
use crate::exam::submit_expired;
use crate::i18n::Tr;
use crate::render::{Cell, Listing};

/// A pool question as the item report names it.
#[derive(Debug, Clone)]
pub struct ItemInfo {
    pub law: String,
    pub article: String,
    pub stem: String,
    pub answer: Answer,
}

/// Returns the analysis of an exam's submitted attempts, with each item's question.
pub fn analyse_exam<S: ExamStore + ?Sized>(
    store: &mut S,
    exam: &str,
    now: Timestamp,
) -> Result<(Analysis, Vec<ItemInfo>), AppError> {
    let record = store.exam(exam)?;
    submit_expired(store, &record, now)?;
    let pool = store.exam_pool(exam)?;
    let index: HashMap<String, usize> =
        pool.questions().iter().enumerate().map(|(i, entry)| (entry.key(), i)).collect();
    // Pool position by question row id: a table, looked up 50 times an attempt.
    let keys = store.pool_keys(exam)?;
    let mut by_row = vec![usize::MAX; keys.iter().map(|(row, _)| *row).max().map_or(0, |m| m as usize + 1)];
    for (row, key) in keys {
        if let Some(&i) = index.get(&key) {
            by_row[row as usize] = i;
        }
    }
    let items: Vec<Item> = pool
        .questions()
        .iter()
        .map(|e| Item::new(e.key(), e.question.kind, e.question.options.len(), e.question.answer))
        .collect();
    let infos = pool
        .questions()
        .iter()
        .map(|e| ItemInfo {
            law: e.question.law.clone(),
            article: e.question.article.clone(),
            stem: e.question.stem.clone(),
            answer: e.question.answer,
        })
        .collect();
    drop(pool);
    // Reading the database and analysing run side by side on two threads: the reader
    // sends batches of attempts (their marks, and where each attempt ends).
    type Batch = (Vec<Mark>, Vec<usize>);
    let (send, receive) = std::sync::mpsc::sync_channel::<Batch>(8);
    let mut items = Some(items);
    let mut worker: Option<std::thread::JoinHandle<Analysis>> = None;
    let mut batch: Batch = (Vec::with_capacity(BATCH * 50), Vec::with_capacity(BATCH));
    let mut receive = Some(receive);
    store.item_marks(
        exam,
        &mut |totals| {
            let mut analyser = Analyser::new(items.take().unwrap_or_default(), totals);
            let Some(receive) = receive.take() else { return };
            worker = Some(std::thread::spawn(move || {
                for (marks, ends) in receive {
                    let mut start = 0;
                    for end in ends {
                        analyser.add(&marks[start..end]);
                        start = end;
                    }
                }
                analyser.finish()
            }));
        },
        &mut |row| {
            // A question outside the pool (never so for a frozen pool) is skipped.
            batch.0.extend(row.iter().map(|m| {
                let item = by_row.get(m.question as usize).copied().unwrap_or(usize::MAX);
                Mark::new(item, m.points, m.max, m.picked)
            }));
            batch.1.push(batch.0.len());
            if batch.1.len() == BATCH {
                let full = std::mem::replace(
                    &mut batch,
                    (Vec::with_capacity(BATCH * 50), Vec::with_capacity(BATCH)),
                );
                let _ = send.send(full);
            }
        },
    )?;
    if !batch.1.is_empty() {
        let _ = send.send(batch);
    }
    drop(send);
    let analysis = match worker {
        Some(worker) => worker.join().map_err(|_| AppError::message_of("report.analysis_failed", vec![]))?,
        None => xuefa_core::stats::analyse(&[], &[]),
    };
    Ok((analysis, infos))
}

/// Attempts sent to the analysing thread at a time.
const BATCH: usize = 2048;

fn picks_text(picks: &[u64], judge: bool, ui: &Tr) -> String {
    picks
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let label = if judge {
                ui.text(if i == 0 { "answer.true" } else { "answer.false" }, &[])
            } else {
                xuefa_core::letter(i).to_string()
            };
            format!("{label}:{n}")
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn one(value: Option<f64>) -> (String, String) {
    (
        value.map(|v| ((v * 1000.0).round() / 1000.0).to_string()).unwrap_or_default(),
        value.map_or_else(|| "—".to_owned(), |v| format!("{v:.1}")),
    )
}

/// Returns one item's figures with its question, as JSON.
pub fn item_json(item: &ItemStats, info: &ItemInfo) -> Value {
    let mut value = serde_json::to_value(item).unwrap_or(Value::Null);
    value["law"] = json!(info.law);
    value["article"] = json!(info.article);
    value["stem"] = json!(info.stem);
    value["key"] = json!(info.answer.to_string());
    value
}

/// The items to show, likely wrong keys first when only flagged ones are shown.
pub fn shown_items(analysis: &Analysis, flagged: bool) -> Vec<usize> {
    let mut order: Vec<usize> = (0..analysis.items.len())
        .filter(|&i| analysis.items[i].attempts > 0 && (!flagged || !analysis.items[i].flags.is_empty()))
        .collect();
    if flagged {
        order.sort_by_key(|&i| !analysis.items[i].flags.contains(&"likely_wrong_key"));
    }
    order
}

/// Returns the items as a listing (only flagged ones with `flagged`).
pub fn items_listing(analysis: &Analysis, infos: &[ItemInfo], flagged: bool, ui: &Tr) -> Listing {
    let mut listing = Listing::typed(
        [
            ("question", "col.question", Cell::Text),
            ("law", "col.law", Cell::Text),
            ("key", "col.key", Cell::Text),
            ("attempts", "col.attempts", Cell::Count),
            ("facility", "col.facility", Cell::Decimal),
            ("standard_deviation", "col.sd", Cell::Decimal),
            ("discrimination_index", "col.discrimination", Cell::Decimal),
            ("discriminative_efficiency", "col.efficiency", Cell::Decimal),
            ("picks", "col.picks", Cell::Text),
            ("top_third_picks", "col.top_picks", Cell::Text),
            ("flags", "col.flags", Cell::Text),
        ]
        .into_iter()
        .map(|(field, key, cell)| (field, ui.text(key, &[]), cell))
        .collect(),
    );
    let mut rows = Vec::new();
    // The likely wrong keys first when only flagged items are shown: they change scores.
    for (item, info) in shown_items(analysis, flagged).into_iter().map(|i| (&analysis.items[i], &infos[i])) {
        let judge = matches!(info.answer, Answer::Judge(_));
        let key = match info.answer {
            Answer::Judge(truth) => ui.text(if truth { "answer.true" } else { "answer.false" }, &[]),
            answer => answer.to_string(),
        };
        let law = format!("{}{}", info.law, info.article);
        let figures = [
            item.facility,
            item.standard_deviation,
            item.discrimination_index,
            item.discriminative_efficiency,
        ]
        .map(one);
        let mut raw =
            vec![item.item.clone(), law.clone(), info.answer.to_string(), item.attempts.to_string()];
        let mut shown = vec![item.item.clone(), law, key, item.attempts.to_string()];
        raw.extend(figures.iter().map(|f| f.0.clone()));
        shown.extend(figures.iter().map(|f| f.1.clone()));
        raw.push(item.picks.iter().map(u64::to_string).collect::<Vec<_>>().join(" "));
        raw.push(item.top_third_picks.iter().map(u64::to_string).collect::<Vec<_>>().join(" "));
        raw.push(item.flags.join(" "));
        shown.push(picks_text(&item.picks, judge, ui));
        shown.push(picks_text(&item.top_third_picks, judge, ui));
        shown.push(
            item.flags
                .iter()
                .map(|f| ui.text(&format!("flag.{f}"), &[]))
                .collect::<Vec<_>>()
                .join(ui.clause_separator()),
        );
        listing.row_shown(raw, shown);
        rows.push(item_json(item, info));
    }
    listing.json(Value::Array(rows))
}

/// Returns the whole exam's statistics as a listing of (figure, value).
pub fn test_listing(analysis: &Analysis, ui: &Tr) -> Listing {
    let t = &analysis.test;
    let mut listing = Listing::typed(vec![
        ("statistic", ui.text("col.statistic", &[]), Cell::Text),
        ("value", ui.text("col.value", &[]), Cell::Decimal),
    ]);
    let figures = [
        ("attempts", Some(t.attempts as f64)),
        ("mean", t.mean),
        ("median", t.median),
        ("standard_deviation", t.standard_deviation),
        ("skewness", t.skewness),
        ("kurtosis", t.kurtosis),
        ("cronbach_alpha", t.cronbach_alpha),
        ("error_ratio", t.error_ratio),
        ("standard_error", t.standard_error),
    ];
    for (name, value) in figures {
        let shown = value.map_or_else(|| "—".to_owned(), |v| format!("{}", (v * 1000.0).round() / 1000.0));
        listing.row_shown(
            vec![name.to_owned(), value.map(|v| v.to_string()).unwrap_or_default()],
            vec![ui.text(&format!("stat.{name}"), &[]), shown],
        );
    }
    listing
}
