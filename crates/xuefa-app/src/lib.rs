//! The office's operations of xuefa, generic over the store, and the renderers that every
//! front end shares.
//!
//! (The map of operations is filled in as they move here.)

pub mod error;
pub mod exam;
pub mod format;
pub mod i18n;
pub mod render;
pub mod sitting;

pub use error::{AppError, Message, Result};
