//! # xuefa-core
//!
//! The library behind xuefa (学法), the toolkit for the yearly law study of public offices
//! and other employers. It is pure: it reads bytes and returns values, and never opens a
//! file, prints, reads a clock or touches a database, so it can be embedded anywhere.
//!
//! ## The model
//! - A [`Question`] has a stable id, a [`Kind`] (单选 single, 多选 multiple, 判断 judge), a
//!   stem, options A–H, an [`Answer`], an explanation 解析, the law 法律 and article 条款 it
//!   rests on, a difficulty 1–5, tags and optional points. Its [`ContentHash`] names the
//!   exact wording and key a person saw.
//! - [`read()`] reads one bank file — CSV (UTF-8, UTF-16 or GBK/GB18030, Chinese or English
//!   headers), XLSX, text pasted from Word, or canonical JSON — and returns the questions
//!   with *every* [`Problem`] found, each with its file and line.
//! - A [`Bank`] gathers the reports of several files and checks them together.
//! - [`write_csv`], [`write_xlsx`] and [`write_json`] write banks back out.
//! - Messages come from a catalog in English and Chinese ([`Lang`]).
//!
//! ```
//! use xuefa_core::{Bank, Kind, Lang, ReadOptions};
//!
//! let csv = "题号,题型,题干,选项A,选项B,选项C,选项D,答案,法律,条款\n\
//!            1,单选,向人民法院请求保护民事权利的诉讼时效期间为几年？,一,二,三,四,C,民法典,第一百八十八条\n\
//!            2,判断,宪法是国家的根本法。,,,,,对,宪法,序言\n";
//! let loaded = Bank::read("民法典.csv", csv.as_bytes(), &ReadOptions::new());
//! assert!(!loaded.has_errors());
//! let question = loaded.bank.get("1").unwrap();
//! assert_eq!(question.kind, Kind::Single);
//! assert_eq!(question.answer.to_string(), "C");
//!
//! let broken = Bank::read("坏.csv", "题干,答案\n没有答案的题,\n".as_bytes(), &ReadOptions::new());
//! let messages: Vec<String> = broken.problems.iter().map(|p| p.render(Lang::En)).collect();
//! assert_eq!(messages, ["坏.csv:2: error: the question has no answer"]);
//! ```

#![deny(missing_docs)]

mod bank;
pub mod exam;
pub mod i18n;
pub(crate) mod normalize;
mod problem;
mod question;
pub mod read;
mod record;
pub mod roster;
pub mod stats;
mod write;

pub use bank::{Bank, Loaded};
pub use i18n::Lang;
/// The calendar date type used throughout (from the `jiff` crate).
pub use jiff::civil::Date;
pub use normalize::{fold_width, law_key};
pub use problem::{Location, Problem, ProblemKind, Severity};
pub use question::{Answer, ContentHash, Kind, LETTERS, Letters, MAX_OPTIONS, Question};
pub use read::{Format, ReadOptions, SourceReport, read};
pub use roster::{Department, Person, RosterReport, Status, read_roster};
#[cfg(feature = "xlsx")]
pub use write::write_xlsx;
pub use write::{CanonicalQuestion, WriteError, letter, write_csv, write_json};
