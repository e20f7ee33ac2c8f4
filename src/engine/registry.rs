//! The rule registry: built-in declarations, validated against the checks that exist.

use super::located::LocatedError;
use super::rule::RuleDef;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
}

pub use embedded::{FIXTURES, RULE_FILES};

/// Every built-in rule, sorted by id. A broken declaration is an error (the registry
/// meta-tests keep that from ever shipping).
pub fn builtin_rules() -> Result<Vec<RuleDef>, LocatedError> {
    let mut rules = Vec::new();
    for (path, text) in RULE_FILES {
        let rule = RuleDef::parse(path, text)?;
        if crate::checks::lookup(&rule.check).is_none() {
            return Err(LocatedError {
                path: path.to_string(),
                line: 1,
                column: 1,
                message: format!(
                    "rule `{}` names check `{}`, which does not exist",
                    rule.id, rule.check
                ),
            });
        }
        rules.push(rule);
    }
    rules.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(rules)
}

/// The bad and good fixture of a rule.
pub fn fixtures(id: &str) -> Option<(&'static str, &'static str)> {
    FIXTURES
        .iter()
        .find(|(rid, _, _)| *rid == id)
        .map(|(_, bad, good)| (*bad, *good))
}
