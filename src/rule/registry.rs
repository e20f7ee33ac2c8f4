//! The rule registry: the built-in declarations embedded at build time. The engine
//! checks that each names a check that exists.

use super::declaration::RuleDef;
use super::located::LocatedError;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
}

pub use embedded::{FIXTURES, FIXTURE_PROFILES, RULE_FILES};

/// Every built-in rule, sorted by id. A broken declaration is an error (the registry
/// meta-tests keep that from ever shipping).
pub fn builtin_rules() -> Result<Vec<RuleDef>, LocatedError> {
    let mut rules = Vec::new();
    for (path, text) in RULE_FILES {
        rules.push(RuleDef::parse(path, text)?);
    }
    rules.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(rules)
}

/// The built-in rule ids, sorted, without parsing the rule files: each file is named
/// after its rule (a registry test holds them to it). For shell completion.
pub fn builtin_ids() -> Vec<&'static str> {
    let mut ids: Vec<&str> = RULE_FILES
        .iter()
        .filter_map(|(path, _)| path.rsplit('/').next()?.strip_suffix(".yaml"))
        .collect();
    ids.sort_unstable();
    ids
}

/// The bad and good fixture of a rule.
pub fn fixtures(id: &str) -> Option<(&'static str, &'static str)> {
    FIXTURES
        .iter()
        .find(|(rid, _, _)| *rid == id)
        .map(|(_, bad, good)| (*bad, *good))
}

/// The `.profiles` text a rule's fixture (`bad.yaml` or `good.yaml`) is replayed with.
pub fn fixture_profiles(id: &str, fixture: &str) -> Option<&'static str> {
    FIXTURE_PROFILES
        .iter()
        .find(|(rid, name, _)| *rid == id && *name == fixture)
        .map(|(_, _, text)| *text)
}
