//! The rule vocabulary: what a rule is (its declaration, severity and parameters), what a
//! check returns (hits) and the run reports (findings), the config that tunes rules, and
//! the suppressions that silence them. It sits below the checks and knows none of them.

pub mod clusters;
pub mod config;
pub mod custom;
pub mod declaration;
pub mod docs;
pub mod finding;
pub mod fixture_profile;
pub mod located;
pub mod params;
pub mod registry;
pub mod resource_match;
pub mod suppression;

pub use declaration::RuleDef;
pub use finding::{Finding, Hit, Severity};
pub use located::LocatedError;
pub use params::{ParamValue, Params};
