//! Every rule against its own fixtures: `bad.yaml` must produce exactly the findings its
//! `# expect:` comments assert, `good.yaml` none. Only the fixture's rule is compared;
//! all rules run, since suppression rules judge what the others found.

mod common;

use common::{expectations, mismatches, repo, run};
use skinflint::rule::registry::builtin_rules;

fn findings_of(rule: &str, file: &str) -> Vec<(usize, usize, String)> {
    let path = repo().join(file);
    let tmp = tempfile::tempdir().unwrap();
    let profiles = common::fixture_profiles(&path, tmp.path());
    let o = if profiles.is_empty() {
        run(&[&path], None)
    } else {
        let mut req =
            skinflint::engine::CheckRequest::new(vec![path.to_string_lossy().into_owned()]);
        req.profiles = profiles;
        skinflint::engine::check(&req).expect("check runs")
    };
    common::positions(&o)
        .into_iter()
        .filter(|(_, _, _, r)| r == rule)
        .map(|(_, l, c, r)| (l, c, r))
        .collect()
}

#[test]
fn every_rule_fires_where_its_bad_fixture_says_and_nowhere_else() {
    let mut failures = Vec::new();
    for rule in builtin_rules().unwrap() {
        let bad = format!("fixtures/{}/bad.yaml", rule.id);
        let text = std::fs::read_to_string(repo().join(&bad)).unwrap_or_default();
        let expected = expectations(&text);
        if expected.is_empty() {
            failures.push(format!("{bad}: no `# expect:` comments"));
            continue;
        }
        if expected.iter().any(|e| e.rule != rule.id) {
            failures.push(format!("{bad}: expects another rule's finding"));
        }
        for m in mismatches(&findings_of(&rule.id, &bad), &expected) {
            failures.push(format!("{bad}: {m}"));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn every_rule_is_silent_on_its_good_fixture() {
    let mut failures = Vec::new();
    for rule in builtin_rules().unwrap() {
        let good = format!("fixtures/{}/good.yaml", rule.id);
        for (l, c, r) in findings_of(&rule.id, &good) {
            failures.push(format!("{good}: unexpected [{r}] at line {l} column {c}"));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn expectation_comments_are_parsed() {
    let e = expectations("a: 1  # expect: 4 [x]\n# expect: [y], [z]\nb: 2\n");
    assert_eq!(e.len(), 3);
    assert_eq!((e[0].line, e[0].column), (1, Some(4)));
    assert_eq!((e[1].line, e[1].rule.as_str()), (3, "y"));
    assert_eq!(e[2].line, 3);
}

#[test]
fn the_harness_reports_both_kinds_of_mismatch() {
    let found = vec![(3, 1, "r".to_string())];
    let expected = expectations("\n\n\nx  # expect: [r]\n");
    let m = mismatches(&found, &expected);
    assert_eq!(m.len(), 2, "{m:?}");
}
