//! Meta-tests over the rule registry: ids, docs, fixtures and checks.

use skinflint::checks::policy::GENERIC_CHECKS;
use skinflint::checks::CHECKS;
use skinflint::rule::registry::{builtin_rules, fixtures, RULE_FILES};
use std::collections::HashSet;

#[test]
fn every_rule_file_parses_and_names_an_existing_check() {
    let rules = builtin_rules().expect("all rule files are valid");
    assert_eq!(rules.len(), RULE_FILES.len());
}

#[test]
fn ids_are_unique_kebab_case_and_match_their_file() {
    let mut seen = HashSet::new();
    let kebab = regex::Regex::new(r"^[a-z][a-z0-9]*(-[a-z0-9]+)+$").unwrap();
    for r in builtin_rules().unwrap() {
        assert!(seen.insert(r.id.clone()), "duplicate id {}", r.id);
        assert!(
            kebab.is_match(&r.id),
            "{} is not kebab-case with at least two words",
            r.id
        );
        assert!(
            r.source.ends_with(&format!("/{}.yaml", r.id)),
            "{} declared in {}",
            r.id,
            r.source
        );
        // Names name the problem, never the remedy.
        for prefix in ["use-", "enable-", "set-", "add-", "require-"] {
            assert!(
                !r.id.starts_with(prefix),
                "{} names a remedy, not a problem",
                r.id
            );
        }
    }
}

#[test]
fn every_rule_has_docs_and_both_fixtures() {
    for r in builtin_rules().unwrap() {
        for (heading, text) in [
            ("what", &r.docs.what),
            ("why", &r.docs.why),
            ("fix", &r.docs.fix),
        ] {
            assert!(
                text.len() > 30,
                "{}: docs.{heading} is too short to help",
                r.id
            );
        }
        assert!(!r.title.is_empty());
        let (bad, good) = fixtures(&r.id)
            .unwrap_or_else(|| panic!("{} has no fixtures/{}/bad.yaml and good.yaml", r.id, r.id));
        assert!(
            bad.contains("# expect:"),
            "{}: bad.yaml asserts nothing",
            r.id
        );
        assert!(
            !good.contains("# expect:"),
            "{}: good.yaml must not expect findings",
            r.id
        );
    }
}

#[test]
fn every_check_is_used_by_a_rule() {
    let builtin = builtin_rules().unwrap();
    // The generic checks are for custom rules: the shipped example policies use each.
    let examples = skinflint::rule::custom::load(
        &[std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("policies")],
        &builtin,
    )
    .unwrap();
    let used: HashSet<String> = builtin
        .into_iter()
        .chain(examples)
        .map(|r| r.check)
        .collect();
    for c in CHECKS {
        assert!(
            used.contains(c.name),
            "check {} is not used by any rule",
            c.name
        );
    }
}

#[test]
fn karpenter_rules_cover_the_issue_list() {
    let ids: HashSet<String> = builtin_rules().unwrap().into_iter().map(|r| r.id).collect();
    for id in [
        "nodepool-without-limits",
        "spot-without-on-demand-fallback",
        "spot-instance-types-too-few",
        "fallback-weight-not-below-spot",
        "on-demand-fallback-uncapped",
        "empty-nodes-never-reclaimed",
        "empty-node-ttl-too-long",
        "node-expiry-missing",
        "gpu-nodepool-without-taint",
        "unknown-instance-type",
        "conflicting-disruption-settings",
        "deprecated-karpenter-api",
        "invalid-yaml",
        "invalid-nodepool-field",
    ] {
        assert!(ids.contains(id), "missing rule {id}");
    }
}

#[test]
fn rule_schema_matches_the_rule_parser() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/schemas/rule.schema.json"
    ))
    .unwrap();
    let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut props: Vec<&str> = schema["properties"]
        .as_object()
        .unwrap()
        .keys()
        .map(|s| s.as_str())
        .collect();
    props.sort();
    let mut keys = skinflint::rule::declaration::RULE_KEYS.to_vec();
    keys.sort();
    assert_eq!(
        props, keys,
        "schemas/rule.schema.json and the rule parser disagree on keys"
    );
    let cats: Vec<&str> = schema["properties"]["category"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(cats, skinflint::rule::declaration::CATEGORIES);
}

#[test]
fn every_check_is_named_after_its_rule_and_no_rule_file_repeats_it() {
    let rules = builtin_rules().unwrap();
    for c in CHECKS.iter().filter(|c| !GENERIC_CHECKS.contains(&c.name)) {
        assert!(
            rules.iter().any(|r| r.id == c.name),
            "check {} is not named after a rule id",
            c.name
        );
    }
    for (path, text) in RULE_FILES {
        let id = path.rsplit('/').next().unwrap().trim_end_matches(".yaml");
        assert!(
            !text.lines().any(|l| l.trim() == format!("check: {id}")),
            "{path}: `check:` repeats the rule id; leave it out"
        );
    }
}

#[test]
fn rule_schema_lists_every_parameter_type() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/schemas/rule.schema.json"
    ))
    .unwrap();
    let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    let types: Vec<&str> = schema["$defs"]["param"]["properties"]["type"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let known: Vec<&str> = skinflint::rule::params::ParamType::ALL
        .iter()
        .map(|t| t.name())
        .collect();
    assert_eq!(types, known);
}
