//! Checks about the inputs themselves.

pub mod invalid_yaml;
pub mod suppressions;
