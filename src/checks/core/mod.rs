//! Checks about the inputs themselves.

pub mod suppressions;
pub mod yaml_parse;
