//! Checks about the inputs themselves.

pub mod invalid_yaml;
pub mod schema_findings;
pub mod schema_violation;
pub mod suppressions;
pub mod unknown_field;
