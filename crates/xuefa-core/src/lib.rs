//! # xuefa-core
//!
//! The library behind xuefa (学法), the toolkit for the yearly law study of public offices
//! and other employers: question banks, the annual law exam and its statistics. It is pure:
//! it reads bytes and returns values, and never opens a file, prints, reads a clock or
//! touches a database, so a web portal, an OA system or a test can embed it as it is.
//!
//! ## The model in one screen
//! - A [`Question`] has a stable id, a [`Kind`] (单选 single, 多选 multiple, 判断 judge), a
//!   stem, options A–H, an [`Answer`] key, an explanation 解析, the law 法律 and article 条款
//!   it rests on, a difficulty 1–5, tags and optional points. Its [`ContentHash`] names the
//!   exact wording and key a person saw.
//! - [`read()`] reads one bank file — CSV (UTF-8, UTF-16 or GBK/GB18030, Chinese or English
//!   headers), XLSX, text pasted from Word, or canonical JSON — and returns the questions
//!   with *every* [`Problem`], each with its file and line. A [`Bank`] checks several files
//!   together. [`write_csv`], [`write_xlsx`] and [`write_json`] write banks back out.
//! - [`exam::ExamSpec`] is the blueprint of an exam (TOML): sections drawing N questions of a
//!   kind from laws, tags, difficulty and banks, the 多选 scoring rule, pass mark, bands and
//!   attempts. [`exam::draw_paper`] draws the [`exam::Paper`] of (seed, employee, attempt)
//!   from a [`exam::Pool`] — the same inputs always give the same paper.
//! - [`exam::Sitting`] is one sitting as a state machine: answer, flag, move, submit; the
//!   caller passes the time. [`exam::grade`] scores a paper into an [`exam::Outcome`].
//! - [`stats::analyse`] computes the item statistics of many attempts (facility,
//!   discrimination, option picks, likely wrong keys) and the exam's reliability.
//! - [`roster`] reads the people of an office; [`i18n`] holds the messages in English and
//!   Chinese ([`Lang`]).
//!
//! ## The whole path
//!
//! ```
//! use std::collections::HashSet;
//! use xuefa_core::exam::{ExamSpec, Pool, PoolQuestion, Response, Sitting, draw_paper};
//! use xuefa_core::{Answer, Bank, ReadOptions};
//!
//! // A bank, as an office's CSV holds it.
//! let csv = "题号,题型,题干,选项A,选项B,选项C,选项D,答案,法律,条款\n\
//!            1,单选,向人民法院请求保护民事权利的诉讼时效期间为几年？,一,二,三,四,C,民法典,第一百八十八条\n\
//!            2,单选,八周岁以上的未成年人为？,无民事行为能力人,限制民事行为能力人,完全民事行为能力人,法人,B,民法典,第十九条\n\
//!            3,判断,宪法是国家的根本法。,,,,,对,宪法,序言\n\
//!            4,判断,行政复议申请期限为三十日。,,,,,错,行政复议法,第二十条\n";
//! let loaded = Bank::read("民法典.csv", csv.as_bytes(), &ReadOptions::new());
//! assert!(!loaded.has_errors());
//! let pool = Pool::new(loaded.bank.into_questions().into_iter().map(|q| PoolQuestion::new("民法典", 1, q)).collect());
//!
//! // The blueprint: one single-choice and one true/false question, pass at 2 of 4 points.
//! let spec = ExamSpec::from_toml(r#"
//!     id = "demo"
//!     title = "学法考试"
//!     year = 2026
//!     duration_minutes = 30
//!     pass_mark = 2
//!     [[sections]]
//!     kind = "single"
//!     count = 1
//!     points = 2
//!     [[sections]]
//!     kind = "judge"
//!     count = 1
//!     points = 2
//! "#).unwrap();
//!
//! // Employee A001's first paper, always the same for this seed.
//! let paper = draw_paper(&spec, &pool, 42, "A001", 1, &HashSet::new()).unwrap();
//! assert_eq!(paper, draw_paper(&spec, &pool, 42, "A001", 1, &HashSet::new()).unwrap());
//!
//! // Sit it: answer the single-choice question right (letters as shown on this paper).
//! let start: xuefa_core::Timestamp = "2026-11-20T01:00:00Z".parse().unwrap();
//! let deadline: xuefa_core::Timestamp = "2026-11-20T01:30:00Z".parse().unwrap();
//! let mut sitting = Sitting::new(paper.clone(), spec.grading(), deadline);
//! let Answer::Choice(key) = paper.questions[0].key else { unreachable!() };
//! sitting.answer(0, Response::Choice(key), start).unwrap();
//! let outcome = sitting.submit();
//! assert_eq!(outcome.score.total, 2.0);
//! assert!(outcome.passed);
//! ```
//!
//! Problems come back as values, in either language:
//!
//! ```
//! use xuefa_core::{Bank, Lang, ReadOptions};
//!
//! let broken = Bank::read("坏.csv", "题干,答案\n没有答案的题,\n".as_bytes(), &ReadOptions::new());
//! let messages: Vec<String> = broken.problems.iter().map(|p| p.render(Lang::En)).collect();
//! assert_eq!(messages, ["坏.csv:2: error: the question has no answer"]);
//! assert_eq!(broken.problems[0].render(Lang::Zh), "坏.csv:2: 错误: 试题没有答案");
//! ```
//!
//! ## Features
//! `xlsx` (on by default) reads and writes Excel workbooks through calamine and
//! rust_xlsxwriter; without it the core reads CSV, text and JSON only.

#![deny(missing_docs)]

mod bank;
pub mod exam;
pub mod i18n;
pub(crate) mod normalize;
pub mod practice;
mod problem;
mod question;
pub mod read;
mod record;
pub mod report;
pub mod roster;
pub mod stats;
pub mod study;
mod write;

pub use bank::{Bank, Loaded};
pub use i18n::Lang;
/// The instant type used throughout (from the `jiff` crate): the caller's clock, passed in.
pub use jiff::Timestamp;
/// The calendar date type used throughout (from the `jiff` crate).
pub use jiff::civil::Date;
pub use normalize::{fold_width, law_key};
pub use problem::{Location, Problem, ProblemKind, Severity};
pub use question::{Answer, ContentHash, Kind, LETTERS, Letters, MAX_OPTIONS, Question};
pub use read::{Format, ReadOptions, SourceReport, read};
pub use roster::{
    Department, Person, RosterColumns, RosterReport, Status, read_roster, read_roster_columns,
    read_roster_each,
};
#[cfg(feature = "xlsx")]
pub use write::write_xlsx;
pub use write::{CanonicalQuestion, WriteError, letter, write_csv, write_json};
