//! The office's operations of xuefa, the same for every front end (the `xuefa` command
//! today, `xuefa serve` next), generic over the store, and the renderers they share.
//!
//! ```text
//!  front ends   xuefa-cli (clap, terminal)        xuefa-server (HTTP, pages)
//!                        \                          /
//!  operations   xuefa-app: parse nothing, print nothing, open no file, read no clock
//!                        |   values in (bytes of a file, the time, the seed, the
//!                        |   settings, the words' language), typed results or typed,
//!                        |   localisable problems out
//!  store        xuefa-store: the Store, ExamStore and StudyStore traits (SQLite today)
//!  core         xuefa-core: questions, readers, papers, scoring, study rules, statistics
//! ```
//!
//! The map of operations, by what an office does:
//!
//! | an office … | module | the operation |
//! |---|---|---|
//! | imports question banks | [`import`] | [`import::load_banks`], [`import::import_banks`] |
//! | imports a roster | [`import`] | [`import::import_roster`] |
//! | records study sessions | [`study`] | [`study::import_sessions`], [`study::add_session`] |
//! | records sign-in sheets | [`study`], [`import`] | [`study::import_attendance`], [`import::mark_attendance`] |
//! | creates the annual exam | [`create`] | [`create::create_exam`] |
//! | lets a person sit it | [`sitting`] | [`sitting::open`], [`sitting::begin`], [`sitting::Session`] (answer, flag, clear, submit), [`sitting::parse_answers`], [`sitting::sit_answers`] |
//! | applies the exam's rules | [`exam`] | [`exam::check_may_start`], [`exam::deadline`], [`exam::paper_for`], [`exam::submit_expired`], [`exam::counted`] |
//! | looks up results | [`exam`] | [`exam::results`], [`exam::standing`] |
//! | lets a person practise between exams | [`practice`] | [`practice::draw`], [`practice::answer`], [`practice::book`] |
//! | grades paper answer sheets | [`grade`] | [`grade::grade_sheets`] |
//! | reports the exam | [`report::exam`] | [`report::exam::exam_report`] and its listings |
//! | finds broken questions | [`report::items`] | [`report::items::analyse_exam`] and its listings |
//! | reports a year of study | [`report::attendance`] | [`report::attendance::study_year`] |
//! | writes the annual report | [`report::annual`] | [`report::annual::gather`], then [`report::annual::markdown`], [`report::annual::html`], [`report::annual::to_json`], [`report::annual::workbook`] |
//!
//! Shared by all of them: [`render`] (listings as Markdown, HTML, CSV safe to open in Excel,
//! XLSX as offices print it), [`format`](mod@format) (points, rates and times as people read them),
//! [`i18n`] (the catalogs of every message in Chinese and English, and [`i18n::Tr`], the
//! words of one language), and [`AppError`] (a catalog message, the problems of a file with
//! their places, the refusals of an input, or a store failure).
//!
//! Where "how is 参考率 computed" is answered: the rules are `xuefa_core::report`'s, the
//! gathering is [`report::exam::exam_report`]. Nothing here names a backend: every operation
//! takes any store that implements the traits ([`Backend`] is all three), and the tests in
//! `tests/operations.rs` run each scenario against every backend.

pub mod access;
pub mod create;
pub mod error;
pub mod exam;
pub mod format;
pub mod grade;
pub mod i18n;
pub mod import;
pub mod integrity;
pub mod online;
pub mod practice;
pub mod render;
pub mod report;
pub mod sitting;
pub mod study;

pub use error::{AppError, Message, Result};

/// Everything a workspace's store does: banks and rosters, exams, study records, practice. The
/// embedded SQLite store is one; every operation takes any.
pub trait Backend:
    xuefa_store::Store
    + xuefa_store::ExamStore
    + xuefa_store::StudyStore
    + xuefa_store::OnlineStore
    + xuefa_store::Maintenance
    + xuefa_store::PracticeStore
{
}

impl<
    T: xuefa_store::Store
        + xuefa_store::ExamStore
        + xuefa_store::StudyStore
        + xuefa_store::OnlineStore
        + xuefa_store::Maintenance
        + xuefa_store::PracticeStore
        + ?Sized,
> Backend for T
{
}
