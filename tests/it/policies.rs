//! Custom rules: rule files from `--rules DIR` and the config's `rules-dirs:`, run beside
//! the built-in rules with the same overrides, suppressions, SARIF metadata and docs; a
//! broken one stops the run (exit 2) at its file, line and column.

use crate::common::{json, repo, skinflint};
use std::path::Path;

/// A directory with one example policy (`policies/<id>.yaml`) and a manifest to check.
fn workspace(policy_ids: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("policies")).unwrap();
    for id in policy_ids {
        std::fs::copy(
            repo().join(format!("policies/{id}.yaml")),
            dir.path().join(format!("policies/{id}.yaml")),
        )
        .unwrap();
    }
    std::fs::write(dir.path().join("deploy.yaml"), MANIFEST).unwrap();
    dir
}

const MANIFEST: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: llm-server
  labels: {team: ml-serving}
spec:
  template:
    spec:
      containers:
        - name: server
          image: registry.example.com/llm-server:latest
        - name: canary
          image: registry.example.com/llm-server:main
";

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// (rule, line) of each finding of a JSON report.
fn found(out: &std::process::Output) -> Vec<(String, u64)> {
    json(out)["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn policy_text(id: &str) -> String {
    std::fs::read_to_string(repo().join(format!("policies/{id}.yaml"))).unwrap()
}

#[test]
fn a_broken_custom_rule_stops_the_run_at_its_file_line_and_column() {
    let image = policy_text("container-image-latest");
    let team = policy_text("gpu-deployment-without-team");
    let allowed = policy_text("instance-type-not-allowed");
    let cases: Vec<(&str, String, &str, &str)> = vec![
        (
            "invalid schema",
            team.replace(
                "team: {type: string, pattern: \"^[a-z][a-z0-9-]*$\"}",
                "team: {type: text}",
            ),
            "rule.yaml:40:7",
            "`schema` is not a usable JSON Schema",
        ),
        (
            "a reference out of the schema",
            allowed.replace(
                "values: {items: {$ref: \"#/$defs/allowed\"}}",
                "values: {items: {$ref: \"https://example.com/allowed.json\"}}",
            ),
            "rule.yaml:17:7",
            "`$ref` to `https://example.com/allowed.json` refused",
        ),
        (
            "bad YAML",
            image.replace("category: reliability", "category: [reliability"),
            "rule.yaml:",
            "",
        ),
        (
            "unknown check",
            image.replace("check: forbidden-pattern", "check: forbiden-pattern"),
            "rule.yaml:6:8",
            "did you mean `forbidden-pattern`?",
        ),
        (
            "invalid regex",
            image.replace("default: \":latest$\"", "default: \":(latest$\""),
            "rule.yaml:18:14",
            "not a valid regular expression",
        ),
        (
            "duplicate of a built-in rule",
            image.replace("id: container-image-latest", "id: nodepool-without-limits"),
            "rule.yaml:2:5",
            "already taken by a built-in rule",
        ),
        (
            "a parameter the check does not take",
            image.replace("  path:\n", "  paths:\n"),
            "rule.yaml:12:3",
            "unknown field `paths`",
        ),
        (
            "a parameter the check needs is missing",
            image.replace("  path:\n    type: string\n    default: spec.template.spec.containers.*.image\n    description: Every container's image\n", ""),
            "rule.yaml:7:1",
            "missing field `path`",
        ),
        (
            "bad field path",
            image.replace("containers.*.image", "containers..image"),
            "rule.yaml:7:1",
            "empty key",
        ),
        (
            "bad match",
            image.replace("apps/v1/Deployment,", "Deployment,"),
            "rule.yaml:10:14",
            "must be written apiVersion/Kind",
        ),
        (
            "unknown key",
            image.replace("severity: warning", "severity: warning\nowner: ml"),
            "rule.yaml:5:1",
            "unknown key `owner`",
        ),
    ];
    for (what, text, at, needle) in cases {
        let dir = workspace(&[]);
        write(dir.path(), "policies/rule.yaml", &text);
        let out = skinflint(
            dir.path(),
            &["check", "--no-config", "--rules", "policies", "deploy.yaml"],
        );
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{what}: {err}");
        assert!(err.contains(&format!("policies/{at}")), "{what}: {err}");
        assert!(err.contains(needle), "{what}: {err}");
        assert!(err.contains("╭─["), "{what}: the line is shown: {err}");
    }
    // Two custom rules with one id.
    let dir = workspace(&["container-image-latest"]);
    write(dir.path(), "more/copy.yaml", &image);
    let out = skinflint(
        dir.path(),
        &[
            "check",
            "--no-config",
            "--rules",
            "policies",
            "--rules",
            "more",
            "deploy.yaml",
        ],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("more/copy.yaml:2:5"), "{err}");
    assert!(
        err.contains("already taken by the custom rule in policies/container-image-latest.yaml"),
        "{err}"
    );
}

#[test]
fn rules_dirs_come_from_the_flag_repeated_and_from_the_config() {
    let dir = workspace(&["container-image-latest"]);
    write(
        dir.path(),
        "team/workload-without-team-label.yaml",
        &policy_text("workload-without-team-label"),
    );
    std::fs::write(
        dir.path().join("deploy.yaml"),
        MANIFEST.replace("  labels: {team: ml-serving}\n", ""),
    )
    .unwrap();
    let args = [
        "check",
        "--no-config",
        "--format",
        "json",
        "--rules",
        "policies",
        "--rules",
        "team",
        "deploy.yaml",
    ];
    let out = skinflint(dir.path(), &args);
    assert_eq!(out.status.code(), Some(1));
    let f = found(&out);
    assert!(
        f.contains(&("container-image-latest".to_string(), 10)),
        "{f:?}"
    );
    assert!(
        f.contains(&("workload-without-team-label".to_string(), 3)),
        "{f:?}"
    );
    // The same from the config, relative to it, with an override of each kind.
    write(
        dir.path(),
        "ci/.skinflint.yaml",
        "rules-dirs: [../policies]\nrules:\n  container-image-latest:\n    severity: error\n    params: {pattern: ':(latest|main)$'}\n",
    );
    let out = skinflint(
        dir.path(),
        &[
            "check",
            "--config",
            "ci/.skinflint.yaml",
            "--format",
            "json",
            "deploy.yaml",
        ],
    );
    let report = json(&out);
    let findings = report["findings"].as_array().unwrap();
    let lines: Vec<u64> = findings
        .iter()
        .filter(|f| f["rule"] == "container-image-latest")
        .map(|f| {
            assert_eq!(f["severity"], "error");
            f["line"].as_u64().unwrap()
        })
        .collect();
    assert_eq!(lines, [10, 12], "{report}");
    // A rules directory that does not exist is an error at its entry.
    write(dir.path(), ".skinflint.yaml", "rules-dirs:\n  - policy\n");
    let out = skinflint(dir.path(), &["check", "deploy.yaml"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains(".skinflint.yaml:2:5"), "{err}");
    assert!(err.contains("rules directory `policy` not found"), "{err}");
}

#[test]
fn custom_rules_are_suppressed_like_built_in_ones() {
    let dir = workspace(&["container-image-latest"]);
    let manifest = MANIFEST
        .replace(
            "  labels: {team: ml-serving}\n",
            "  annotations:\n    skinflint.dev/ignore: \"container-image-latest: the canary tracks main\"\n",
        );
    std::fs::write(dir.path().join("deploy.yaml"), &manifest).unwrap();
    let args = [
        "check",
        "--no-config",
        "--format",
        "json",
        "--rules",
        "policies",
        "--select",
        "container-image-latest",
        "deploy.yaml",
    ];
    let out = skinflint(dir.path(), &args);
    assert_eq!(out.status.code(), Some(0), "{}", json(&out));
    assert_eq!(json(&out)["summary"]["suppressed"], 1);
    // A comment on the line above.
    let commented = MANIFEST.replace(
        "          image: registry.example.com/llm-server:latest",
        "          # skinflint: ignore[container-image-latest] pinned by the deploy job\n          image: registry.example.com/llm-server:latest",
    );
    std::fs::write(dir.path().join("deploy.yaml"), commented).unwrap();
    let out = skinflint(dir.path(), &args);
    assert_eq!(out.status.code(), Some(0), "{}", json(&out));
    // Disabled in the config.
    std::fs::write(dir.path().join("deploy.yaml"), MANIFEST).unwrap();
    write(
        dir.path(),
        ".skinflint.yaml",
        "rules-dirs: [policies]\nrules: {container-image-latest: off}\n",
    );
    let out = skinflint(
        dir.path(),
        &[
            "check",
            "--format",
            "json",
            "--select",
            "container-image-latest",
            "deploy.yaml",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", json(&out));
}

#[test]
fn custom_rules_carry_their_docs_to_sarif_rules_and_explain() {
    let dir = workspace(&["container-image-latest"]);
    let out = skinflint(
        dir.path(),
        &[
            "check",
            "--no-config",
            "--format",
            "sarif",
            "--rules",
            "policies",
            "deploy.yaml",
        ],
    );
    let sarif = json(&out);
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    let rule = rules
        .iter()
        .find(|r| r["id"] == "container-image-latest")
        .expect("the custom rule is described");
    assert_eq!(
        rule["shortDescription"]["text"],
        "Container image pinned to a moving tag"
    );
    assert!(rule["help"]["text"]
        .as_str()
        .unwrap()
        .contains("Pin the image"));
    assert!(rule["properties"]["tags"]
        .as_array()
        .unwrap()
        .contains(&"custom".into()));

    let out = skinflint(dir.path(), &["rules", "--rules", "policies"]);
    let listed = String::from_utf8_lossy(&out.stdout);
    assert!(listed.contains("container-image-latest"), "{listed}");
    assert!(listed.contains("nodepool-without-limits"), "{listed}");
    let out = skinflint(
        dir.path(),
        &["rules", "--rules", "policies", "--format", "json"],
    );
    let custom: Vec<String> = json(&out)
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["custom"] == true)
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(custom, ["container-image-latest"]);

    let out = skinflint(
        dir.path(),
        &["explain", "--rules", "policies", "container-image-latest"],
    );
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("Declared in: policies/container-image-latest.yaml"),
        "{text}"
    );
    assert!(text.contains("Pin the image to a version tag"), "{text}");
    assert!(text.contains("pattern"), "{text}");
    let out = skinflint(dir.path(), &["explain", "container-image-latest"]);
    assert_eq!(out.status.code(), Some(2), "unknown without --rules");
}

#[test]
fn the_readme_examples_are_the_shipped_policies() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let section = readme
        .split("## Writing your own policy\n")
        .nth(1)
        .and_then(|s| s.split("\n## ").next())
        .expect("README has a section on writing policies");
    let mut policies = String::new();
    for e in std::fs::read_dir(repo().join("policies")).unwrap() {
        policies.push_str(&std::fs::read_to_string(e.unwrap().path()).unwrap());
    }
    let blocks: Vec<&str> = section
        .split("```yaml\n")
        .skip(1)
        .filter_map(|b| b.split("```").next())
        .collect();
    assert!(blocks.len() >= 3, "{blocks:?}");
    for b in blocks.iter().filter(|b| !b.contains("rules-dirs")) {
        assert!(policies.contains(b), "README block not in policies/:\n{b}");
    }
    // The finding it shows is what the policy reports.
    let out = skinflint(
        &repo(),
        &[
            "check",
            "--no-config",
            "--format",
            "json",
            "--rules",
            "policies",
            "--select",
            "gpu-deployment-without-team,instance-type-not-allowed",
            "fixtures/gpu-deployment-without-team/bad.yaml",
            "fixtures/instance-type-not-allowed/bad.yaml",
        ],
    );
    let messages: Vec<String> = json(&out)["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["message"].as_str().unwrap().to_string())
        .collect();
    for shown in [
        "Deployment `llm-server`: `metadata`: required field `labels` is missing (GPU Deployment without an owning team)",
        "NodePool `gpu`: `spec.template.spec.requirements[0].values[1]`: `p4d.24xlarge` is not allowed; allowed values: `g5.xlarge`, ",
    ] {
        assert!(
            messages.iter().any(|m| m.starts_with(shown)) && section.contains(shown.trim_end_matches(", ")),
            "{shown}\n{messages:#?}"
        );
    }
}
