//! How teams adopt skinflint: suppressions in each form, baselines, changed files,
//! pre-commit context, generated docs, init and completions.

use crate::common::{baseline_counts, file_rule_line, git, json};

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Run skinflint; `check` runs leave out cost-alerts-missing, which every GPU pool here
/// would trigger (these tests are about suppressions, baselines and file selection).
fn skinflint(dir: &Path, args: &[&str]) -> Output {
    let mut all: Vec<&str> = args.to_vec();
    if all.first() == Some(&"check") {
        all.splice(1..1, ["--ignore", "cost-alerts-missing"]);
    }
    crate::common::skinflint(dir, &all)
}

fn rules_of(v: &serde_json::Value) -> Vec<String> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect()
}

/// A GPU pool without a GPU limit or taint: two findings.
fn pool(name: &str, extra_metadata: &str) -> String {
    format!(
        "apiVersion: karpenter.sh/v1\nkind: NodePool\nmetadata:\n  name: {name}\n{extra_metadata}spec:\n  limits: {{cpu: \"64\"}}\n  template:\n    spec:\n      requirements:\n        - {{key: karpenter.k8s.aws/instance-family, operator: In, values: [g5]}}\n      nodeClassRef: {{group: karpenter.k8s.aws, kind: EC2NodeClass, name: gpu}}\n"
    )
}

const SPOT: &str = "apiVersion: karpenter.sh/v1\nkind: NodePool\nmetadata: {name: gpu-spot}\nspec:\n  weight: 100\n  limits: {nvidia.com/gpu: 32}\n  template:\n    spec:\n      requirements:\n        - {key: karpenter.sh/capacity-type, operator: In, values: [spot]}\n        - {key: karpenter.k8s.aws/instance-family, operator: In, values: [g5, g6]}\n      taints: [{key: nvidia.com/gpu, value: \"true\", effect: NoSchedule}]\n      nodeClassRef: {group: karpenter.k8s.aws, kind: EC2NodeClass, name: gpu}\n";
const FALLBACK: &str = "apiVersion: karpenter.sh/v1\nkind: NodePool\nmetadata: {name: gpu-on-demand}\nspec:\n  weight: 10\n  limits: {nvidia.com/gpu: 4}\n  template:\n    spec:\n      requirements:\n        - {key: karpenter.sh/capacity-type, operator: In, values: [on-demand]}\n        - {key: karpenter.k8s.aws/instance-family, operator: In, values: [g5]}\n      taints: [{key: nvidia.com/gpu, value: \"true\", effect: NoSchedule}]\n      nodeClassRef: {group: karpenter.k8s.aws, kind: EC2NodeClass, name: gpu}\n";

#[test]
fn each_suppression_form_hides_its_finding() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let base = ["check", "--no-config", "--format", "json"];
    // No suppression: two findings.
    std::fs::write(p.join("a.yaml"), pool("a", "")).unwrap();
    assert_eq!(
        rules_of(&json(&skinflint(p, &[&base[..], &["a.yaml"]].concat()))),
        ["nodepool-without-limits", "gpu-nodepool-without-taint"]
    );
    // Annotation, with two rule ids and a reason.
    std::fs::write(
        p.join("b.yaml"),
        pool("b", "  annotations:\n    skinflint.dev/ignore: \"gpu-nodepool-without-taint,nodepool-without-limits: capped by the account quota\"\n"),
    )
    .unwrap();
    let v = json(&skinflint(p, &[&base[..], &["b.yaml"]].concat()));
    assert!(rules_of(&v).is_empty(), "{v}");
    assert_eq!(v["summary"]["suppressed"], 2);
    // Comment on the line above, and at the end of the line.
    let c = pool("c", "").replace("  template:\n    spec:\n", "  template:\n    # skinflint: ignore[gpu-nodepool-without-taint] shared dev pool\n    spec:\n").replace(
        "  limits: {cpu: \"64\"}",
        "  limits: {cpu: \"64\"}  # skinflint: ignore[nodepool-without-limits] capped by quota",
    );
    std::fs::write(p.join("c.yaml"), &c).unwrap();
    let v = json(&skinflint(p, &[&base[..], &["c.yaml"]].concat()));
    assert!(rules_of(&v).is_empty(), "{v}\n{c}");
    // The whole file.
    std::fs::write(p.join("d.yaml"), format!("# skinflint: ignore-file[gpu-nodepool-without-taint, nodepool-without-limits] sandbox\n{}", pool("d", ""))).unwrap();
    assert!(rules_of(&json(&skinflint(p, &[&base[..], &["d.yaml"]].concat()))).is_empty());
    // --no-inline-suppressions shows them all again.
    let v = json(&skinflint(
        p,
        &[
            &base[..],
            &["--no-inline-suppressions", "b.yaml", "c.yaml", "d.yaml"],
        ]
        .concat(),
    ));
    assert_eq!(rules_of(&v).len(), 6, "{v}");
}

#[test]
fn config_ignore_entries_and_their_unused_findings() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::create_dir_all(p.join("legacy")).unwrap();
    std::fs::write(p.join("legacy/old.yaml"), pool("old", "")).unwrap();
    std::fs::write(p.join("new.yaml"), pool("new", "")).unwrap();
    std::fs::write(
        p.join(".skinflint.yaml"),
        "ignore:\n  - paths: [\"legacy/**\"]\n    reason: frozen until the migration\n  - kind: NodePool\n    name: \"new\"\n    rules: [gpu-nodepool-without-taint]\n    reason: shared\n  - rules: [deprecated-karpenter-api]\n    reason: nothing uses v1alpha5 any more\n",
    )
    .unwrap();
    let out = skinflint(p, &["check", "--format", "json", "."]);
    let v = json(&out);
    let found: Vec<(String, String, u64)> = file_rule_line(&v);
    assert_eq!(
        found,
        vec![
            (
                ".skinflint.yaml".to_string(),
                "unused-suppression".to_string(),
                8
            ),
            (
                "new.yaml".to_string(),
                "nodepool-without-limits".to_string(),
                6
            ),
        ],
        "{v}"
    );
    assert_eq!(v["summary"]["suppressed"], 3);
    // Unknown rule ids in the config are configuration errors.
    std::fs::write(
        p.join(".skinflint.yaml"),
        "ignore:\n  - rules: [no-such-rule]\n",
    )
    .unwrap();
    let out = skinflint(p, &["check", "."]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains(".skinflint.yaml:2:13: unknown rule id `no-such-rule`"));
}

#[test]
fn baseline_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(p.join("pools.yaml"), pool("a", "")).unwrap();
    let out = skinflint(
        p,
        &[
            "check",
            "--no-config",
            "--write-baseline",
            "baseline.json",
            ".",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("recorded 2 findings in baseline.json"));
    let out = skinflint(
        p,
        &["check", "--no-config", "--baseline", "baseline.json", "."],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    // Lines added above do not change fingerprints; a new defect is the only finding.
    let shifted = format!(
        "# owned by the serving team\n# reviewed 2026-11\n{}---\n{}",
        pool("a", ""),
        pool("b", "")
    );
    std::fs::write(p.join("pools.yaml"), shifted).unwrap();
    let out = skinflint(
        p,
        &[
            "check",
            "--no-config",
            "--format",
            "json",
            "--baseline",
            "baseline.json",
            ".",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let v = json(&out);
    let names: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["resource"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["b", "b"], "{v}");
    assert_eq!(baseline_counts(&v), (Some(2), Some(0)));
    // Fixing a baselined finding is counted.
    std::fs::write(
        p.join("pools.yaml"),
        pool("a", "").replace("{cpu: \"64\"}", "{cpu: \"64\", nvidia.com/gpu: 8}"),
    )
    .unwrap();
    let v = json(&skinflint(
        p,
        &[
            "check",
            "--no-config",
            "--format",
            "json",
            "--baseline",
            "baseline.json",
            ".",
        ],
    ));
    assert_eq!(baseline_counts(&v), (Some(1), Some(1)));
    // A broken baseline is a tool error.
    std::fs::write(p.join("bad.json"), "{").unwrap();
    assert_eq!(
        skinflint(p, &["check", "--no-config", "--baseline", "bad.json", "."])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn changed_since_reports_new_findings_wherever_they_are() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    git(p, &["init", "-q", "-b", "main"]);
    // The fallback is committed on main and has a finding of its own (it may buy more
    // GPUs than the spot pool it backs) ...
    std::fs::write(
        p.join("fallback.yaml"),
        FALLBACK.replace("{nvidia.com/gpu: 4}", "{nvidia.com/gpu: 64}"),
    )
    .unwrap();
    git(p, &["add", "."]);
    git(p, &["commit", "-q", "-m", "fallback"]);
    git(p, &["checkout", "-q", "-b", "feature"]);
    // ... which arrives on the branch, untracked first: it does not count until it is
    // added (or named as a file).
    std::fs::write(p.join("spot.yaml"), SPOT).unwrap();
    let args = [
        "check",
        "--no-config",
        "--format",
        "json",
        "--changed-since",
        "main",
    ];
    let v = json(&skinflint(p, &[&args[..], &["."]].concat()));
    assert!(rules_of(&v).is_empty(), "{v}");
    let named = json(&skinflint(
        p,
        &[&args[..], &["spot.yaml", "fallback.yaml"]].concat(),
    ));
    git(p, &["add", "."]);
    git(p, &["commit", "-q", "-m", "spot"]);
    let v = json(&skinflint(p, &[&args[..], &["."]].concat()));
    // The spot pool makes the untouched fallback's GPU cap a new finding (64 GPUs behind a
    // 32-GPU spot pool); the fallback still counts as one.
    assert_eq!(rules_of(&v), ["on-demand-fallback-uncapped"], "{v}");
    assert_eq!(v["findings"][0]["file"], "fallback.yaml");
    assert_eq!(rules_of(&named), rules_of(&v), "{named}");
    assert_eq!(v["summary"]["fixed_by_change"], 0);
    let bad = skinflint(
        p,
        &[
            "check",
            "--no-config",
            "--changed-since",
            "no-such-branch",
            ".",
        ],
    );
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn context_loads_without_reporting() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(p.join("spot.yaml"), SPOT).unwrap();
    std::fs::write(
        p.join("fallback.yaml"),
        FALLBACK.replace("  weight: 10\n", "  weight: 100\n"),
    )
    .unwrap();
    let alone = json(&skinflint(
        p,
        &["check", "--no-config", "--format", "json", "spot.yaml"],
    ));
    assert!(rules_of(&alone).contains(&"spot-without-on-demand-fallback".to_string()));
    let out = skinflint(
        p,
        &[
            "check",
            "--no-config",
            "--format",
            "json",
            "--context",
            ".",
            "spot.yaml",
        ],
    );
    let v = json(&out);
    assert!(
        rules_of(&v).is_empty(),
        "fallback found in context, and its own weight finding is not reported: {v}"
    );
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn generated_docs_are_current() {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let rules = skinflint::rule::registry::builtin_rules().unwrap();
    let readme = std::fs::read_to_string(repo.join("rules/README.md")).unwrap();
    assert!(
        readme == skinflint::rule::docs::rules_readme(&rules),
        "rules/README.md is stale: run `cargo run -- docs`"
    );
    let schema = std::fs::read_to_string(repo.join("schemas/config.schema.json")).unwrap();
    assert!(
        schema == skinflint::rule::docs::config_schema_text(&rules),
        "schemas/config.schema.json is stale: run `cargo run -- docs`"
    );
    let out = skinflint(&repo, &["docs", "--check"]);
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn init_writes_a_valid_config_with_every_rule() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let out = skinflint(p, &["init"]);
    assert_eq!(out.status.code(), Some(0));
    let text = std::fs::read_to_string(p.join(".skinflint.yaml")).unwrap();
    let mut rules = skinflint::rule::registry::builtin_rules().unwrap();
    for r in &rules {
        assert!(
            text.contains(&format!("  # {}:\n", r.id)),
            "init lacks {}",
            r.id
        );
    }
    assert!(text.contains("min-instance-types: 5"));
    skinflint::rule::config::apply_text(".skinflint.yaml", &text, &mut rules)
        .expect("init output is a valid config");
    // Uncommenting a block gives a valid config too.
    let block = "  # node-expiry-missing:\n  #   severity: info\n";
    assert!(text.contains(block));
    let uncommented = text.replace(block, "  node-expiry-missing:\n    severity: info\n");
    skinflint::rule::config::apply_text(".skinflint.yaml", &uncommented, &mut rules)
        .expect("uncommented block is valid");
    assert_eq!(
        skinflint(p, &["init"]).status.code(),
        Some(2),
        "refuses to overwrite"
    );
    assert_eq!(skinflint(p, &["init", "--force"]).status.code(), Some(0));
}

#[test]
fn completions_for_each_shell() {
    for shell in ["bash", "zsh", "fish"] {
        let out = skinflint(Path::new("."), &["completions", shell]);
        assert_eq!(out.status.code(), Some(0));
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains("skinflint") && text.contains("changed-since"),
            "{shell}"
        );
    }
}

#[test]
fn malformed_or_empty_suppressions_are_reported_not_applied() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let body = pool("a", "  annotations:\n    skinflint.dev/ignore: \"\"\n    note: |\n      # skinflint: ignore-file[nodepool-without-limits] inside a block scalar\n");
    std::fs::write(p.join("a.yaml"), &body).unwrap();
    let v = json(&skinflint(
        p,
        &["check", "--no-config", "--format", "json", "a.yaml"],
    ));
    let mut rules = rules_of(&v);
    rules.sort();
    // Both findings stay; the empty annotation is reported; the block-scalar text is not a directive.
    assert_eq!(
        rules,
        [
            "gpu-nodepool-without-taint",
            "nodepool-without-limits",
            "unknown-rule-in-suppression"
        ],
        "{v}"
    );
    // A directive with a typo in its syntax and one with an empty rule list.
    let c = pool("c", "")
        .replace(
            "  limits: {cpu: \"64\"}",
            "  limits: {cpu: \"64\"}  # skinflint:ignore [nodepool-without-limits] typo",
        )
        .replace(
            "  template:\n",
            "  # skinflint: ignore[] nothing\n  template:\n",
        );
    std::fs::write(p.join("c.yaml"), &c).unwrap();
    let v = json(&skinflint(
        p,
        &["check", "--no-config", "--format", "json", "c.yaml"],
    ));
    let unknown = rules_of(&v)
        .iter()
        .filter(|r| *r == "unknown-rule-in-suppression")
        .count();
    assert_eq!(unknown, 2, "{v}");
    assert!(rules_of(&v).contains(&"nodepool-without-limits".to_string()));
}

#[test]
fn stacked_comments_and_per_document_ignore_file() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    // Two directives stacked above one line, with a blank line between.
    let stacked = pool("a", "").replace(
        "  limits: {cpu: \"64\"}",
        "  # skinflint: ignore[nodepool-without-limits] capped by quota\n  # skinflint: ignore[gpu-nodepool-without-taint] not on this line\n\n  limits: {cpu: \"64\"}",
    );
    std::fs::write(p.join("a.yaml"), &stacked).unwrap();
    let v = json(&skinflint(
        p,
        &["check", "--no-config", "--format", "json", "a.yaml"],
    ));
    let rules = rules_of(&v);
    assert!(
        !rules.contains(&"nodepool-without-limits".to_string()),
        "{v}"
    );
    assert!(
        rules.contains(&"unused-suppression".to_string()),
        "the second names a rule that does not fire on that line: {v}"
    );
    // ignore-file covers its own document only, and must precede the first key.
    let stream = format!(
        "# skinflint: ignore-file[nodepool-without-limits] template one\n{}---\n{}# skinflint: ignore-file[gpu-nodepool-without-taint] too late\n",
        pool("one", ""),
        pool("two", "")
    );
    std::fs::write(p.join("b.yaml"), &stream).unwrap();
    let v = json(&skinflint(
        p,
        &["check", "--no-config", "--format", "json", "b.yaml"],
    ));
    let found: Vec<(String, String)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["resource"]["name"].as_str().unwrap_or("-").to_string(),
            )
        })
        .collect();
    assert!(
        !found.contains(&("nodepool-without-limits".to_string(), "one".to_string())),
        "{v}"
    );
    assert!(
        found.contains(&("nodepool-without-limits".to_string(), "two".to_string())),
        "{v}"
    );
    assert!(
        found.contains(&("gpu-nodepool-without-taint".to_string(), "two".to_string())),
        "{v}"
    );
    assert!(
        found
            .iter()
            .any(|(r, _)| r == "unknown-rule-in-suppression"),
        "late ignore-file is reported: {v}"
    );
}

#[test]
fn partial_runs_do_not_judge_config_entries() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::create_dir_all(p.join("deploy")).unwrap();
    std::fs::write(p.join("deploy/prod.yaml"), pool("prod", "")).unwrap();
    std::fs::write(
        p.join(".skinflint.yaml"),
        "ignore:\n  - paths: [\"clusters/legacy/**\"]\n    reason: old\n",
    )
    .unwrap();
    let v = json(&skinflint(p, &["check", "--format", "json", "deploy/"]));
    assert!(
        !rules_of(&v).contains(&"unused-suppression".to_string()),
        "{v}"
    );
    let v = json(&skinflint(p, &["check", "--format", "json", "."]));
    assert!(
        rules_of(&v).contains(&"unused-suppression".to_string()),
        "a whole run judges it: {v}"
    );
    // Wrong types in an entry are configuration errors, not silently widened entries.
    std::fs::write(
        p.join(".skinflint.yaml"),
        "ignore:\n  - kind: [NodePool]\n    reason: x\n",
    )
    .unwrap();
    assert_eq!(skinflint(p, &["check", "."]).status.code(), Some(2));
    // A leading ./ in a glob still matches.
    std::fs::write(
        p.join(".skinflint.yaml"),
        "ignore:\n  - paths: [\"./deploy/prod.yaml\"]\n    reason: x\n",
    )
    .unwrap();
    let v = json(&skinflint(p, &["check", "--format", "json", "."]));
    assert!(rules_of(&v).is_empty(), "{v}");
}

#[test]
fn paths_are_relative_to_the_repository_root() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    git(p, &["init", "-q", "-b", "main"]);
    std::fs::create_dir_all(p.join("infra/pools")).unwrap();
    std::fs::write(p.join("infra/pools/a.yaml"), pool("a", "")).unwrap();
    let out = skinflint(
        &p.join("infra"),
        &["check", "--no-config", "--format", "github", "."],
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("file=infra/pools/a.yaml,"), "{text}");
    let out = skinflint(
        &p.join("infra"),
        &["check", "--no-config", "--format", "sarif", "."],
    );
    let log: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "infra/pools/a.yaml"
    );
    // Standard input can be named.
    let mut child = Command::new(env!("CARGO_BIN_EXE_skinflint"))
        .current_dir(p)
        .args([
            "check",
            "--no-config",
            "--format",
            "github",
            "--stdin-filename",
            "charts/serving/rendered.yaml",
            "-",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(pool("piped", "").as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("file=charts/serving/rendered.yaml,"));
}

#[test]
fn select_still_reports_unreadable_files_and_empty_inputs_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(p.join("bad.yaml"), "a: [\n").unwrap();
    let v = json(&skinflint(
        p,
        &[
            "check",
            "--no-config",
            "--format",
            "json",
            "--select",
            "nodepool-without-limits",
            "bad.yaml",
        ],
    ));
    assert_eq!(rules_of(&v), ["invalid-yaml"]);
    std::fs::create_dir_all(p.join("empty")).unwrap();
    let out = skinflint(p, &["check", "--no-config", "empty"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no .yaml or .yml files found in: empty"));
}

#[test]
fn fingerprints_of_file_findings_survive_edits_above() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(p.join("d.yaml"), "a: 1\na: 2\n").unwrap();
    let fp = |p: &Path| {
        json(&skinflint(
            p,
            &["check", "--no-config", "--format", "json", "d.yaml"],
        ))["findings"][0]["fingerprint"]
            .clone()
    };
    let before = fp(p);
    std::fs::write(p.join("d.yaml"), "# comment\n\na: 1\na: 2\n").unwrap();
    assert_eq!(before, fp(p));
}

#[test]
fn baselines_count_fixed_entries_only_for_checked_files() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(p.join("a.yaml"), pool("a", "")).unwrap();
    std::fs::write(p.join("b.yaml"), pool("b", "")).unwrap();
    assert_eq!(
        skinflint(
            p,
            &["check", "--no-config", "--write-baseline", "all.json", "."]
        )
        .status
        .code(),
        Some(0)
    );
    let v = json(&skinflint(
        p,
        &[
            "check",
            "--no-config",
            "--format",
            "json",
            "--baseline",
            "all.json",
            "a.yaml",
        ],
    ));
    assert_eq!(baseline_counts(&v), (Some(2), Some(0)), "{v}");
}

#[test]
fn output_pairs_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(p.join("a.yaml"), pool("a", "")).unwrap();
    let out = skinflint(
        p,
        &[
            "check",
            "--no-config",
            "a.yaml",
            "--format",
            "sarif",
            "-o",
            "x",
            "--format",
            "json",
            "-o",
            "x",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let out = skinflint(
        p,
        &[
            "check",
            "--no-config",
            "a.yaml",
            "--format",
            "json",
            "-o",
            "-",
        ],
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("\"findings\""));
    assert!(!p.join("-").exists());
}

#[test]
fn config_lists_profiles() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/gpu-overprovisioned/bad.yaml"),
        p.join("llm.yaml"),
    )
    .unwrap();
    std::fs::create_dir_all(p.join("captures")).unwrap();
    let mut csv = String::from(
        "timestamp, name, index, utilization.gpu [%], memory.used [MiB], memory.total [MiB]\n",
    );
    for i in 0..300 {
        csv.push_str(&format!(
            "2026/01/{:02} {:02}:00:00.000, NVIDIA A10G, 0, {} %, {} MiB, 22888 MiB\n",
            1 + i / 24,
            i % 24,
            i % 35,
            3000 + i % 3000
        ));
    }
    std::fs::write(p.join("captures/llm.csv"), csv).unwrap();
    std::fs::write(
        p.join(".skinflint.yaml"),
        "profiles:\n  - path: captures/llm.csv\n    workload: ml/llm\n",
    )
    .unwrap();
    let v = json(&skinflint(p, &["check", "--format", "json", "llm.yaml"]));
    assert!(
        rules_of(&v).contains(&"gpu-overprovisioned".to_string()),
        "{v}"
    );
    std::fs::write(
        p.join(".skinflint.yaml"),
        "profiles:\n  - path: captures/missing.csv\n",
    )
    .unwrap();
    let out = skinflint(p, &["check", "llm.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains(".skinflint.yaml:2:11: profile `captures/missing.csv` not found"));
}
