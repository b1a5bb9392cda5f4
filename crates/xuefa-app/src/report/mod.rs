//! The reports as typed data and as listings in a language: the exam, item analysis, a
//! year of study, and the annual report that gathers them.

pub mod annual;
pub mod attendance;
pub mod exam;
pub mod items;
