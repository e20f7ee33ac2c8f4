//! Output formats. Each takes the run's outcome and writes a report; only `human` knows
//! miette.

pub mod human;
pub mod json;
