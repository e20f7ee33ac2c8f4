//! The `skinflint` binary as users run it: exit codes, formats, config, stdin, walking.

use crate::common::{file_rule_line, json};

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_skinflint"));
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c.env("NO_COLOR", "1");
    c
}

fn run_in(dir: &Path, args: &[&str]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_skinflint"));
    c.current_dir(dir).args(args).output().unwrap()
}

const SPOT_POOL: &str = "apiVersion: karpenter.sh/v1
kind: NodePool
metadata: {name: gpu-spot}
spec:
  template:
    spec:
      requirements:
        - {key: karpenter.sh/capacity-type, operator: In, values: [spot]}
        - {key: karpenter.k8s.aws/instance-family, operator: In, values: [g5, g6]}
      taints: [{key: nvidia.com/gpu, value: \"true\", effect: NoSchedule}]
      nodeClassRef: {group: karpenter.k8s.aws, kind: EC2NodeClass, name: default}
  limits: {nvidia.com/gpu: 16}
";

#[test]
fn exit_codes_follow_fail_on() {
    let seed = ["check", "--no-config", "fixtures/seed/spot-nodepool.yaml"];
    assert_eq!(bin().args(seed).output().unwrap().status.code(), Some(1));
    let good = ["check", "--no-config", "examples/clean"];
    let out = bin().args(good).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    // The seed has one error; with --fail-on error it still fails, with never it passes.
    let out = bin()
        .args(seed)
        .args(["--fail-on", "error"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let out = bin()
        .args(seed)
        .args(["--fail-on", "never"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    // Only warnings: --fail-on error passes.
    let warn_only = [
        "check",
        "--no-config",
        "--select",
        "deprecated-karpenter-api",
        "fixtures/seed/spot-nodepool.yaml",
    ];
    assert_eq!(
        bin().args(warn_only).output().unwrap().status.code(),
        Some(1)
    );
    assert_eq!(
        bin()
            .args(warn_only)
            .args(["--fail-on", "error"])
            .output()
            .unwrap()
            .status
            .code(),
        Some(0)
    );
}

#[test]
fn tool_errors_exit_2() {
    let out = bin()
        .args(["check", "does/not/exist.yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("path not found: does/not/exist.yaml"));
    let out = bin()
        .args(["check", "--select", "no-such-rule", "fixtures"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = bin()
        .args(["check", "--format", "xml", "fixtures"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = bin().args(["explain", "no-such-rule"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn json_contract() {
    let out = bin()
        .args([
            "check",
            "--no-config",
            "--format",
            "json",
            "--ignore",
            "cost-alerts-missing",
            "fixtures/seed/spot-nodepool.yaml",
        ])
        .output()
        .unwrap();
    let v = json(&out);
    assert_eq!(v["version"], env!("CARGO_PKG_VERSION"));
    let f = &v["findings"][0];
    for key in [
        "rule",
        "severity",
        "message",
        "help",
        "file",
        "line",
        "column",
        "end_line",
        "end_column",
        "resource",
        "savings_usd_month",
    ] {
        assert!(f.get(key).is_some(), "finding lacks {key}: {f}");
    }
    assert_eq!(f["rule"], "deprecated-karpenter-api");
    assert_eq!(f["file"], "fixtures/seed/spot-nodepool.yaml");
    assert_eq!(
        (f["line"].as_u64(), f["column"].as_u64()),
        (Some(3), Some(13))
    );
    assert_eq!(
        (f["end_line"].as_u64(), f["end_column"].as_u64()),
        (Some(3), Some(34))
    );
    assert_eq!(f["resource"]["api_version"], "karpenter.sh/v1alpha5");
    assert_eq!(f["resource"]["kind"], "Provisioner");
    assert_eq!(f["resource"]["name"], "ml-spot-provisioner");
    assert!(f["resource"]["namespace"].is_null());
    let s = &v["summary"];
    assert_eq!(s["files"], 1);
    assert_eq!(s["resources"], 2);
    assert_eq!(s["skipped_resources"], 0);
    assert_eq!(s["findings"], 8);
    assert_eq!(
        (
            s["error"].as_u64(),
            s["warning"].as_u64(),
            s["info"].as_u64()
        ),
        (Some(1), Some(6), Some(1))
    );
}

#[test]
fn human_output_shows_snippet_rule_and_help() {
    let out = bin()
        .args([
            "check",
            "--no-config",
            "--ignore",
            "cost-alerts-missing",
            "fixtures/seed/spot-nodepool.yaml",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("fixtures/seed/spot-nodepool.yaml:14:7"),
        "{text}"
    );
    assert!(text.contains("spot-instance-types-too-few"));
    assert!(text.contains("help:"));
    assert!(text.contains("14 │       values:"), "{text}");
    assert!(
        text.contains("skinflint: 8 findings (1 error, 6 warning, 1 info) in 1 file"),
        "{text}"
    );
}

#[test]
fn stdin_and_list_kinds() {
    let list = format!(
        "apiVersion: v1\nkind: List\nitems:\n{}",
        SPOT_POOL
            .lines()
            .enumerate()
            .map(|(i, l)| if i == 0 {
                format!("- {l}\n")
            } else {
                format!("  {l}\n")
            })
            .collect::<String>()
    );
    let mut child = bin()
        .args([
            "check",
            "--no-config",
            "--format",
            "json",
            "--ignore",
            "cost-alerts-missing",
            "-",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(list.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let v = json(&out);
    assert_eq!(v["summary"]["resources"], 1);
    let rules: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["spot-without-on-demand-fallback"], "{v}");
    let f = &v["findings"][0];
    assert_eq!(f["file"], "<stdin>");
    assert_eq!(f["line"], 11);
}

#[test]
fn a_bad_file_does_not_stop_the_run() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a-broken.yaml"), "a: [\n").unwrap();
    std::fs::write(dir.path().join("b-binary.yml"), b"\x00\x01\xff\xfe").unwrap();
    std::fs::write(dir.path().join("c-pool.yaml"), SPOT_POOL).unwrap();
    let out = run_in(dir.path(), &["check", "--format", "json", "."]);
    assert_eq!(out.status.code(), Some(1));
    let v = json(&out);
    let got: Vec<(String, String, u64)> = file_rule_line(&v);
    assert_eq!(got[0].0, "a-broken.yaml");
    assert_eq!(got[0].1, "invalid-yaml");
    assert_eq!(got[1].0, "b-binary.yml");
    assert!(got
        .iter()
        .any(|(f, r, _)| f == "c-pool.yaml" && r == "spot-without-on-demand-fallback"));
}

#[test]
fn walking_respects_gitignore_hidden_dirs_and_symlink_loops() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::create_dir_all(p.join("deploy/nested")).unwrap();
    std::fs::create_dir_all(p.join(".hidden")).unwrap();
    std::fs::create_dir_all(p.join("ignored")).unwrap();
    std::fs::write(p.join(".gitignore"), "ignored/\n").unwrap();
    std::fs::write(p.join("deploy/nested/pool.yaml"), SPOT_POOL).unwrap();
    std::fs::write(p.join("deploy/readme.txt"), "not yaml").unwrap();
    std::fs::write(p.join(".hidden/pool.yaml"), SPOT_POOL).unwrap();
    std::fs::write(p.join("ignored/pool.yaml"), SPOT_POOL).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(p.join("deploy"), p.join("deploy/nested/loop")).unwrap();
    let out = run_in(p, &["check", "--format", "json", "."]);
    let v = json(&out);
    assert_eq!(v["summary"]["files"], 1, "{v}");
    assert_eq!(v["findings"][0]["file"], "deploy/nested/pool.yaml");
    // A file named explicitly is checked even when ignored.
    let out = run_in(p, &["check", "--format", "json", "ignored/pool.yaml"]);
    assert_eq!(json(&out)["summary"]["files"], 1);
}

#[test]
fn config_disables_reseverities_and_tunes_rules() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::create_dir_all(p.join("sub")).unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/seed/spot-nodepool.yaml"),
        p.join("sub/pools.yaml"),
    )
    .unwrap();
    std::fs::write(
        p.join(".skinflint.yaml"),
        "rules:\n  deprecated-karpenter-api: off\n  node-expiry-missing:\n    severity: warning\n  spot-instance-types-too-few:\n    params:\n      min-instance-types: 3\n  empty-nodes-never-reclaimed:\n    severity: info\n",
    )
    .unwrap();
    // Found upward from a subdirectory.
    let out = run_in(&p.join("sub"), &["check", "--format", "json", "pools.yaml"]);
    let v = json(&out);
    let rules: Vec<(String, String)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(
        !rules.iter().any(|(r, _)| r == "deprecated-karpenter-api"),
        "{rules:?}"
    );
    assert!(
        !rules
            .iter()
            .any(|(r, _)| r == "spot-instance-types-too-few"),
        "{rules:?}"
    );
    assert!(rules.contains(&("node-expiry-missing".into(), "warning".into())));
    // A severity without gpu-severity applies to GPU findings too.
    assert!(rules.contains(&("empty-nodes-never-reclaimed".into(), "info".into())));
}

#[test]
fn config_errors_have_locations() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(p.join("pool.yaml"), SPOT_POOL).unwrap();
    for (cfg, needle) in [
        ("rules:\n  nodepool-without-limit: off\n", ".skinflint.yaml:2:3: unknown rule id `nodepool-without-limit` (did you mean `nodepool-without-limits`?)"),
        ("rule:\n  x: 1\n", ".skinflint.yaml:1:1: unknown key `rule`"),
        ("rules:\n  spot-instance-types-too-few:\n    params:\n      min-types: 3\n", ".skinflint.yaml:4:7: unknown parameter `min-types`"),
        ("rules:\n  spot-instance-types-too-few:\n    params:\n      min-instance-types: many\n", ".skinflint.yaml:4:27: `min-instance-types` must be a whole number (got string `many`)"),
        ("rules:\n  spot-instance-types-too-few:\n    params:\n      min-instance-types: 0\n", ".skinflint.yaml:4:27: `min-instance-types` must be at least 1 (got 0)"),
        ("rules:\n  spot-instance-types-too-few:\n    params:\n      min-instance-type: 3\n", ".skinflint.yaml:4:7: unknown parameter `min-instance-type` for rule `spot-instance-types-too-few` (did you mean `min-instance-types`? known: min-instance-types)"),
        ("rules:\n  empty-node-ttl-too-long:\n    params:\n      max-seconds-gpu: 5 minutes\n", ".skinflint.yaml:4:24: `max-seconds-gpu` must be a duration such as 30s, 5m or 1h30m (or whole seconds); `5 minutes` is not a duration"),
        ("rules:\n  empty-node-ttl-too-long:\n    params:\n      max-seconds: [1h]\n", ".skinflint.yaml:4:20: `max-seconds` must be a duration such as 30s, 5m or 1h30m (got a list)"),
        ("rules:\n  gpu-workload-unschedulable:\n    params:\n      extended-resource-toleration: maybe\n", ".skinflint.yaml:4:37: `extended-resource-toleration` must be true or false (got string `maybe`)"),
        ("rules:\n  critical-workload-on-spot-only:\n    params:\n      critical-priority-pattern: \"(critical\"\n", ".skinflint.yaml:4:34: `critical-priority-pattern` is not a valid regular expression: `(critical`"),
        ("rules:\n  gpu-profile-too-short:\n    params:\n      min-coverage: 1.5\n", ".skinflint.yaml:4:21: `min-coverage` must be at most 1 (got 1.5)"),
        ("rules:\n  invalid-yaml:\n    severity: fatal\n", ".skinflint.yaml:3:15: `severity` must be error, warning or info"),
        ("rules: [\n", ".skinflint.yaml:1:8: YAML syntax error"),
    ] {
        std::fs::write(p.join(".skinflint.yaml"), cfg).unwrap();
        let out = run_in(p, &["check", "pool.yaml"]);
        assert_eq!(out.status.code(), Some(2), "{cfg}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(needle), "config {cfg:?}: stderr was {err}");
    }
    let out = run_in(p, &["check", "--config", "missing.yaml", "pool.yaml"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn config_errors_are_shown_in_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(p.join("pool.yaml"), SPOT_POOL).unwrap();
    let cfg = "rules:\n  empty-node-ttl-too-long:\n    params:\n      max-seconds: banana\n";
    std::fs::write(p.join(".skinflint.yaml"), cfg).unwrap();
    let out = run_in(p, &["check", "pool.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    // The one-line form for logs, then the line itself with the value underlined.
    assert!(
        err.contains(".skinflint.yaml:4:20: `max-seconds` must be a duration"),
        "{err}"
    );
    assert!(err.contains(" 4 │       max-seconds: banana"), "{err}");
    let column = |line: Option<&str>, c: char| line.and_then(|l| l.chars().position(|x| x == c));
    let underline = column(err.lines().find(|l| l.contains("──")), '─');
    let value = column(
        err.lines()
            .find(|l| l.contains("banana") && l.contains('│')),
        'b',
    );
    assert!(underline.is_some() && underline == value, "{err}");
}

#[test]
fn columns_count_characters_not_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let text = "apiVersion: karpenter.sh/v1\nkind: NodePool\nmetadata: {name: café}\nspec:\n  template:\n    spec:\n      requirements:\n        - {key: node.kubernetes.io/instance-type, operator: In, values: [\"é\", g5.xlarg]}\n      nodeClassRef: {group: karpenter.k8s.aws, kind: EC2NodeClass, name: default}\n";
    std::fs::write(dir.path().join("pool.yaml"), text).unwrap();
    let out = run_in(
        dir.path(),
        &[
            "check",
            "--format",
            "json",
            "--select",
            "unknown-instance-type",
            "pool.yaml",
        ],
    );
    let v = json(&out);
    let cols: Vec<u64> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["column"].as_u64().unwrap())
        .collect();
    // `"é"` starts at character 74; `g5.xlarg` at 79 (it would be 80 counting bytes).
    assert_eq!(cols, [74, 79], "{v}");
}

#[test]
fn rules_and_explain() {
    let out = bin().args(["rules"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("nodepool-without-limits"));
    // One line, or one entry, per built-in rule.
    let rules = skinflint::rule::registry::builtin_rules().unwrap().len();
    assert_eq!(text.lines().count(), rules);
    let out = bin().args(["rules", "--format", "json"]).output().unwrap();
    let list = json(&out);
    assert_eq!(list.as_array().unwrap().len(), rules);
    // Parameters come with their declarations.
    let ttl = list
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "empty-node-ttl-too-long")
        .unwrap();
    assert_eq!(ttl["params"]["max-seconds-gpu"]["type"], "duration");
    assert_eq!(ttl["params"]["max-seconds-gpu"]["default"], "5m");
    assert_eq!(ttl["params"]["max-seconds-gpu"]["min"], "0s");
    let out = bin()
        .args(["explain", "empty-node-ttl-too-long"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    for needle in [
        "What it flags",
        "Why it costs money",
        "How to fix",
        "max-seconds-gpu (duration, default 5m, at least 0s): Longest empty-node delay",
        "fixtures/empty-node-ttl-too-long/bad.yaml",
        "consolidateAfter: 1h",
    ] {
        assert!(text.contains(needle), "explain lacks {needle}: {text}");
    }
    let out = bin()
        .args(["explain", "empty-node-ttl-to-long"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains(
        "unknown rule id `empty-node-ttl-to-long` (did you mean `empty-node-ttl-too-long`?)"
    ));
}

#[test]
fn nothing_is_written_to_checked_files() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("pool.yaml");
    std::fs::write(&file, SPOT_POOL).unwrap();
    let before = std::fs::metadata(&file).unwrap().modified().unwrap();
    let _ = run_in(dir.path(), &["check", "."]);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), SPOT_POOL);
    assert_eq!(
        std::fs::metadata(&file).unwrap().modified().unwrap(),
        before
    );
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn extra_names_accept_hardware_newer_than_the_list() {
    let dir = tempfile::tempdir().unwrap();
    let pool = "apiVersion: karpenter.sh/v1\nkind: NodePool\nmetadata: {name: next}\nspec:\n  template:\n    spec:\n      requirements:\n        - {key: karpenter.k8s.aws/instance-family, operator: In, values: [g9x]}\n      nodeClassRef: {group: karpenter.k8s.aws, kind: EC2NodeClass, name: default}\n";
    std::fs::write(dir.path().join("pool.yaml"), pool).unwrap();
    let args = [
        "check",
        "--format",
        "json",
        "--select",
        "unknown-instance-type",
        "pool.yaml",
    ];
    let out = run_in(dir.path(), &args);
    assert_eq!(json(&out)["summary"]["findings"], 1);
    std::fs::write(
        dir.path().join(".skinflint.yaml"),
        "rules:\n  unknown-instance-type:\n    params: {extra-names: \"g9x, g9x.xlarge\"}\n",
    )
    .unwrap();
    let out = run_in(dir.path(), &args);
    assert_eq!(
        json(&out)["summary"]["findings"],
        0,
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_repository_s_own_yaml_is_clean() {
    let out = bin()
        .args([
            "check",
            "--no-config",
            "action.yml",
            ".pre-commit-hooks.yaml",
            "examples/clean",
            "rules",
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[cfg(target_os = "linux")]
#[test]
fn a_failed_write_to_standard_output_exits_2() {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let out = bin()
        .args(["check", "--no-config", "fixtures/seed/spot-nodepool.yaml"])
        .stdout(full)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cannot write to standard output"), "{err}");
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    let mut child = bin()
        .args(["rules"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
}

#[test]
fn reports_and_baselines_replace_files_whole() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(p.join("pool.yaml"), SPOT_POOL).unwrap();
    std::fs::write(p.join("report.json"), "old report").unwrap();
    std::fs::write(p.join("baseline.json"), "old baseline").unwrap();
    let out = run_in(
        p,
        &[
            "check",
            "--no-config",
            "--format",
            "json",
            "-o",
            "report.json",
            "--write-baseline",
            "baseline.json",
            "pool.yaml",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(p.join("report.json")).unwrap()).unwrap();
    assert!(report["summary"]["findings"].as_u64().unwrap() > 0);
    let baseline = std::fs::read_to_string(p.join("baseline.json")).unwrap();
    assert!(baseline.contains("\"skinflint_baseline\": 2"), "{baseline}");
    let names: Vec<String> = std::fs::read_dir(p)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names.iter().all(|n| !n.ends_with(".tmp")),
        "no temporary file left: {names:?}"
    );
    // A report into a directory that does not exist: exit 2 and a message naming it.
    let out = run_in(
        p,
        &[
            "check",
            "--no-config",
            "--format",
            "sarif",
            "-o",
            "no/such/r.sarif",
            "pool.yaml",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot write no/such/r.sarif"));
}

const CLEAN: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\n";

#[cfg(unix)]
#[test]
fn symlinks_out_of_the_tree_are_not_followed() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::create_dir_all(p.join("tree")).unwrap();
    std::fs::create_dir_all(p.join("outside")).unwrap();
    std::fs::write(p.join("tree/ok.yaml"), CLEAN).unwrap();
    std::fs::write(p.join("outside/secret.yaml"), SPOT_POOL).unwrap();
    std::os::unix::fs::symlink(p.join("outside"), p.join("tree/dir-link")).unwrap();
    std::os::unix::fs::symlink(p.join("outside/secret.yaml"), p.join("tree/file-link.yaml"))
        .unwrap();
    // A link that stays inside the tree is followed as before.
    std::fs::create_dir_all(p.join("tree/real")).unwrap();
    std::fs::write(p.join("tree/real/inner.yaml"), CLEAN).unwrap();
    std::os::unix::fs::symlink(
        p.join("tree/real/inner.yaml"),
        p.join("tree/inner-link.yaml"),
    )
    .unwrap();
    let out = run_in(p, &["check", "--no-config", "--format", "json", "tree"]);
    let v = json(&out);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");
    assert_eq!(v["summary"]["files"], 3, "{v}");
    assert!(!stdout.contains("gpu-spot") && !stdout.contains("secret"));
    assert!(
        stderr.contains("not following tree/dir-link")
            && stderr.contains("not following tree/file-link.yaml")
            && stderr.contains("--follow-symlinks"),
        "{stderr}"
    );
    let out = run_in(
        p,
        &[
            "check",
            "--no-config",
            "--format",
            "json",
            "--follow-symlinks",
            "tree",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(json(&out)["summary"]["files"], 5);
}

#[cfg(unix)]
#[test]
fn an_entry_that_is_not_a_file_fails_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(p.join("ok.yaml"), CLEAN).unwrap();
    let made = Command::new("mkfifo")
        .arg(p.join("pipe.yaml"))
        .status()
        .is_ok_and(|s| s.success());
    if !made {
        eprintln!("skipped: mkfifo is not available");
        return;
    }
    // A dangling link named like a manifest is a file that cannot be read.
    std::os::unix::fs::symlink(p.join("gone.yaml"), p.join("dangling.yaml")).unwrap();
    // A dangling link to something else hides nothing.
    std::os::unix::fs::symlink(p.join("gone"), p.join("latest")).unwrap();
    let out = run_in(p, &["check", "--no-config", "--format", "json", "."]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let got = file_rule_line(&json(&out));
    let files: Vec<&str> = got.iter().map(|(f, _, _)| f.as_str()).collect();
    assert_eq!(files, ["dangling.yaml", "pipe.yaml"], "{got:?}");
    assert!(got.iter().all(|(_, r, _)| r == "invalid-yaml"));
}

/// Root reads a mode-000 directory anyway, so as root the run drops to `nobody`.
#[cfg(unix)]
#[test]
fn an_unreadable_directory_fails_the_run() {
    use std::os::unix::fs::PermissionsExt;
    use std::os::unix::process::CommandExt;
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::write(p.join("ok.yaml"), CLEAN).unwrap();
    std::fs::create_dir(p.join("locked")).unwrap();
    std::fs::write(p.join("locked/pool.yaml"), SPOT_POOL).unwrap();
    std::fs::set_permissions(p.join("locked"), std::fs::Permissions::from_mode(0o000)).unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_skinflint"));
    cmd.current_dir(p)
        .args(["check", "--no-config", "--format", "json", "."]);
    let is_root = std::fs::read_dir(p.join("locked")).is_ok();
    if is_root {
        cmd.uid(65534).gid(65534);
    }
    let out = match cmd.output() {
        Ok(o) if !(is_root && o.status.code() == Some(126)) => o,
        other => {
            eprintln!("skipped: cannot run the check as an unprivileged user: {other:?}");
            std::fs::set_permissions(p.join("locked"), std::fs::Permissions::from_mode(0o755))
                .unwrap();
            return;
        }
    };
    std::fs::set_permissions(p.join("locked"), std::fs::Permissions::from_mode(0o755)).unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    if is_root && stderr.contains("current directory") {
        eprintln!("skipped: `nobody` cannot enter the test directory: {stderr}");
        return;
    }
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let v = json(&out);
    let f = &v["findings"][0];
    assert_eq!(f["file"], "locked", "{v}");
    assert_eq!(f["rule"], "invalid-yaml");
    assert!(f["message"]
        .as_str()
        .unwrap()
        .contains("cannot read directory"));
}

#[test]
fn hostile_names_are_shown_not_obeyed() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let name = r#""evil\e]8;;http://x\a\u202e`x`![i](http://e/i.png)[l](http://e)@team<b>|""#;
    let pool = SPOT_POOL.replace("{name: gpu-spot}", &format!("{{name: {name}}}"));
    std::fs::write(p.join("pool.yaml"), pool).unwrap();
    // A raw escape sequence in the source line shown as a snippet.
    std::fs::write(p.join("raw.yaml"), "a: b\u{1b}[2J\nc: d\n").unwrap();
    for format in ["human", "github", "markdown"] {
        let out = run_in(
            p,
            &[
                "check",
                "--no-config",
                "--color",
                "never",
                "--format",
                format,
                ".",
            ],
        );
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains("\\u{1b}"), "{format}: {text}");
        assert!(text.contains("\\u{202e}"), "{format}: {text}");
        for raw in ['\u{1b}', '\u{7}', '\u{202e}'] {
            assert!(!text.contains(raw), "{format} prints {raw:?} raw: {text}");
        }
        if format == "markdown" {
            for injected in ["`x`", "![i]", "[l](", "@team", "<b>"] {
                assert!(
                    !text.contains(injected),
                    "markdown passes {injected}: {text}"
                );
            }
            assert!(text.contains("@&#8203;team") && text.contains("\\!\\[i\\]"));
        }
    }
}

#[test]
fn github_annotations_stay_within_what_github_shows() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let pools: String = (0..15)
        .map(|i| SPOT_POOL.replace("gpu-spot", &format!("gpu-spot-{i}")) + "---\n")
        .collect();
    std::fs::write(p.join("pools.yaml"), pools).unwrap();
    let out = run_in(p, &["check", "--no-config", "--format", "json", "."]);
    let total = json(&out)["summary"]["findings"].as_u64().unwrap() as usize;
    assert!(total > 15, "{total}");
    let out = run_in(p, &["check", "--no-config", "--format", "github", "."]);
    let text = String::from_utf8(out.stdout).unwrap();
    let kind = |k: &str| text.lines().filter(|l| l.starts_with(k)).count();
    assert_eq!(kind("::warning "), 10, "{text}");
    assert!(kind("::error ") <= 10 && kind("::notice ") <= 10);
    let last = text.lines().last().unwrap();
    let shown = kind("::warning ") + kind("::error ") + kind("::notice ") - 1;
    assert!(
        last.starts_with("::notice title=skinflint::")
            && last.contains(&format!("{} more findings", total - shown)),
        "{last}"
    );
}

/// Killed at any moment, a run writing a baseline leaves the old baseline or the new one,
/// never an empty or cut file.
#[test]
fn a_kill_during_a_baseline_write_leaves_a_whole_file() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let pools: String = (0..60)
        .map(|i| SPOT_POOL.replace("gpu-spot", &format!("gpu-spot-{i}")) + "---\n")
        .collect();
    std::fs::write(p.join("pools.yaml"), pools).unwrap();
    let old = "{\n  \"skinflint_baseline\": 1,\n  \"findings\": []\n}\n";
    for i in 0..12u64 {
        std::fs::write(p.join("baseline.json"), old).unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_skinflint"))
            .current_dir(p)
            .args([
                "check",
                "--no-config",
                "--write-baseline",
                "baseline.json",
                ".",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(i * i * 4));
        let _ = child.kill();
        let _ = child.wait();
        let text = std::fs::read_to_string(p.join("baseline.json")).unwrap();
        let v: serde_json::Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("kill after {} ms left {text:?}: {e}", i * i * 4));
        // Either the old file, whole, or the new one (format 2), whole.
        assert!(text == old || v["skinflint_baseline"] == 2, "{text}");
        let n = v["findings"].as_array().map_or(0, Vec::len);
        eprintln!("killed after {} ms: baseline with {n} findings", i * i * 4);
    }
}
