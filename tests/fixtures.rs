//! One generated test per rule fixture: `fixtures/<rule-id>/<name>.yaml` is the test
//! `<rule-id>/<name>.yaml`, so `cargo test <rule-id>` runs that rule's fixtures (no rule id
//! is part of another) and `cargo test --test fixtures -- --exact <rule-id>/bad.yaml` one.
//!
//! Each test runs the fixture's rule alone (as `--select` does) and compares its findings
//! with the fixture's `# expect:` comments: a missing finding and an unexpected one both
//! fail, listed together. `bad.yaml` must expect at least one finding, `good.yaml` none, and
//! a fixture expects only its own rule's findings (another rule's case belongs in that
//! rule's fixtures). A `# with: [rule-id]` comment runs another rule beside it, for the
//! suppression rules, which judge what the others found. A `# config: {…}` comment is the
//! `.skinflint.yaml` the fixture runs with (a parameter other than the default). Custom
//! rules of `examples/policies/` are loaded beside the built-in ones, and their fixtures
//! run the same way. `<name>.profiles` beside a fixture
//! generates the GPU profiles it is replayed with (see `common::fixture_profiles`).

#[path = "it/common.rs"]
mod common;

use common::{expectations, mismatches, positions, repo, Expect};
use libtest_mimic::{Arguments, Failed, Trial};
use skinflint::engine::{self, CheckRequest, ConfigChoice};
use skinflint::rule::registry::{builtin_rules, fixtures};
use std::path::{Path, PathBuf};

/// Directories of `fixtures/` that belong to no rule: the seed design document's examples.
const NOT_RULES: &[&str] = &["seed"];

fn main() {
    let args = Arguments::from_args();
    libtest_mimic::run(&args, trials()).exit();
}

/// The example custom rules, whose fixtures run like the built-in rules' ones.
fn policies() -> Vec<PathBuf> {
    vec![repo().join("policies")]
}

fn trials() -> Vec<Trial> {
    let mut rules = builtin_rules().expect("the built-in rules load");
    let custom =
        skinflint::rule::custom::load(&policies(), &rules).expect("the example custom rules load");
    rules.extend(custom);
    let ids: Vec<String> = rules.iter().map(|r| r.id.clone()).collect();
    let mut trials = Vec::new();
    for id in &ids {
        for name in fixture_names(id) {
            let id = id.clone();
            trials.push(Trial::test(format!("{id}/{name}"), move || {
                check_fixture(&id, &name)
            }));
        }
    }
    trials.push(Trial::test(
        "harness/every_fixture_directory_names_a_rule",
        move || every_fixture_directory_names_a_rule(&ids),
    ));
    trials.push(Trial::test(
        "harness/expectation_comments_are_parsed",
        expectation_comments_are_parsed,
    ));
    trials.push(Trial::test(
        "harness/both_kinds_of_mismatch_are_reported",
        both_kinds_of_mismatch_are_reported,
    ));
    trials
}

/// `bad.yaml` and `good.yaml` (a failing test when either is missing) and any other YAML
/// file in the rule's directory.
fn fixture_names(id: &str) -> Vec<String> {
    let mut names = vec!["bad.yaml".to_string(), "good.yaml".to_string()];
    let dir = repo().join("fixtures").join(id);
    let mut others: Vec<String> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| n.ends_with(".yaml") && !names.contains(n))
        .collect();
    others.sort();
    names.extend(others);
    names
}

fn check_fixture(id: &str, name: &str) -> Result<(), Failed> {
    let rel = format!("fixtures/{id}/{name}");
    let path = repo().join(&rel);
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{rel} cannot be read: {e}"))?;
    let expected = expectations(&text);
    let mut problems = Vec::new();
    match name {
        "bad.yaml" if expected.is_empty() => {
            problems.push("a bad fixture must `# expect:` at least one finding".to_string())
        }
        "good.yaml" if !expected.is_empty() => {
            problems.push("a good fixture must expect no finding".to_string())
        }
        _ => {}
    }
    for e in expected.iter().filter(|e| e.rule != id) {
        problems.push(format!(
            "expects [{}] at line {}: a fixture asserts only its own rule (move the case to fixtures/{}/)",
            e.rule, e.line, e.rule
        ));
    }
    // What `skinflint explain` shows is what is tested here.
    if let Some((bad, good)) = fixtures(id) {
        let embedded = match name {
            "bad.yaml" => Some(bad),
            "good.yaml" => Some(good),
            _ => None,
        };
        if embedded.is_some_and(|e| e != text) {
            problems.push("the copy embedded in the binary differs: rebuild".to_string());
        }
    }
    let own: Vec<Expect> = expected.into_iter().filter(|e| e.rule == id).collect();
    let found = findings(id, &companions(&text), config(&text), &path)?;
    problems.extend(mismatches(&found, &own));
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("{rel}:\n  {}", problems.join("\n  ")).into())
    }
}

/// Rules named by `# with: [rule-id] ...` comments.
fn companions(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| l.split_once("# with:").map(|(_, spec)| spec))
        .flat_map(|spec| spec.split(|c: char| c == ',' || c.is_whitespace()))
        .filter_map(|t| t.strip_prefix('[').and_then(|t| t.strip_suffix(']')))
        .map(str::to_string)
        .collect()
}

/// The config of a `# config: {…}` comment.
fn config(text: &str) -> Option<&str> {
    text.lines()
        .find_map(|l| l.trim_start().strip_prefix("# config:"))
        .map(str::trim)
}

/// (line, column, rule) of the findings of `rule`, run with `with` and nothing else.
fn findings(
    rule: &str,
    with: &[String],
    config: Option<&str>,
    path: &Path,
) -> Result<Vec<(usize, usize, String)>, Failed> {
    let tmp = tempfile::tempdir().map_err(|e| e.to_string())?;
    let mut req = CheckRequest::new(vec![path.to_string_lossy().into_owned()]);
    req.config = ConfigChoice::None;
    req.rules_dirs = policies();
    if let Some(c) = config {
        let file = tmp.path().join(".skinflint.yaml");
        std::fs::write(&file, c).map_err(|e| e.to_string())?;
        req.config = ConfigChoice::File(file);
    }
    req.select = Some(
        std::iter::once(rule.to_string())
            .chain(with.iter().cloned())
            .collect(),
    );
    req.profiles = common::fixture_profiles(path, tmp.path());
    let o = engine::check(&req).map_err(|e| format!("the check fails: {e}"))?;
    Ok(positions(&o)
        .into_iter()
        .filter(|(_, _, _, r)| r == rule)
        .map(|(_, l, c, r)| (l, c, r))
        .collect())
}

/// A directory of `fixtures/` named after no rule (a rule renamed) would never be run.
fn every_fixture_directory_names_a_rule(ids: &[String]) -> Result<(), Failed> {
    let mut stray = Vec::new();
    for e in std::fs::read_dir(repo().join("fixtures")).map_err(|e| e.to_string())? {
        let name = e.map_err(|e| e.to_string())?.file_name();
        let name = name.to_string_lossy();
        if !ids.iter().any(|id| *id == name) && !NOT_RULES.contains(&name.as_ref()) {
            stray.push(format!("fixtures/{name}/"));
        }
    }
    if stray.is_empty() {
        Ok(())
    } else {
        Err(format!("no rule has these fixtures: {}", stray.join(", ")).into())
    }
}

fn expectation_comments_are_parsed() -> Result<(), Failed> {
    let e = expectations("a: 1  # expect: 4 [x]\n# expect: [y], [z]\nb: 2\n");
    assert_eq!(e.len(), 3);
    assert_eq!((e[0].line, e[0].column), (1, Some(4)));
    assert_eq!((e[1].line, e[1].rule.as_str()), (3, "y"));
    assert_eq!(e[2].line, 3);
    assert_eq!(companions("a: 1\n# with: [x], [y]\n"), ["x", "y"]);
    Ok(())
}

fn both_kinds_of_mismatch_are_reported() -> Result<(), Failed> {
    let found = vec![(3, 1, "r".to_string())];
    let expected = expectations("\n\n\nx  # expect: [r]\n");
    let m = mismatches(&found, &expected);
    assert_eq!(m.len(), 2, "{m:?}");
    Ok(())
}
