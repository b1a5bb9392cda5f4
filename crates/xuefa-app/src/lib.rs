//! The office's operations of xuefa, generic over the store, and the renderers that every
//! front end shares.
//!
//! (The map of operations is filled in as they move here.)

pub mod create;
pub mod error;
pub mod exam;
pub mod format;
pub mod grade;
pub mod i18n;
pub mod import;
pub mod render;
pub mod report;
pub mod sitting;
pub mod study;

pub use error::{AppError, Message, Result};

/// Everything a workspace's store does: banks and rosters, exams, study records. The
/// embedded SQLite store is one; every operation takes any.
pub trait Backend: xuefa_store::Store + xuefa_store::ExamStore + xuefa_store::StudyStore {}

impl<T: xuefa_store::Store + xuefa_store::ExamStore + xuefa_store::StudyStore + ?Sized> Backend for T {}
