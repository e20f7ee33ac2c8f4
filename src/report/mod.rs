//! Output formats. Each takes the run's outcome and writes a report; only `human` knows
//! miette.

pub mod cost;
pub mod diff;
pub mod escape;
pub mod github;
pub mod human;
pub mod json;
pub mod markdown;
pub mod replay;
pub mod sarif;
pub mod sarif_log;
pub mod uri;
pub mod write;
