//! Checks about the inputs themselves.

pub mod yaml_parse;
