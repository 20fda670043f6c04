//! Contains various internally used utilities.
pub mod pretty;

pub use pretty::*;
