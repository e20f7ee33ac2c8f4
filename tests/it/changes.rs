//! Change-aware checking: `check --changed-since`, the pre-commit hooks and stable
//! fingerprints, in temporary git repositories.

use crate::common;
use crate::common::{git, json};

use std::path::Path;
use std::process::{Command, Output};

fn init(dir: &Path) {
    git(dir, &["init", "-q", "-b", "main"]);
}

fn commit(dir: &Path, message: &str) {
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", message]);
}

/// Run skinflint without cost-alerts-missing, which every GPU pool here would trigger.
fn skinflint(dir: &Path, args: &[&str]) -> Output {
    let mut all: Vec<&str> = args.to_vec();
    if all.first() == Some(&"check") {
        all.splice(1..1, ["--no-config", "--ignore", "cost-alerts-missing"]);
    }
    crate::common::skinflint(dir, &all)
}

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// A tainted GPU pool of one capacity type.
fn pool(name: &str, capacity: &str, weight: u32, taint: &str) -> String {
    format!(
        "apiVersion: karpenter.sh/v1\nkind: NodePool\nmetadata: {{name: {name}}}\nspec:\n  weight: {weight}\n  limits: {{nvidia.com/gpu: 8}}\n  template:\n    spec:\n      requirements:\n        - {{key: karpenter.sh/capacity-type, operator: In, values: [{capacity}]}}\n        - {{key: karpenter.k8s.aws/instance-family, operator: In, values: [g5, g6]}}\n      taints: [{{key: {taint}, value: \"true\", effect: NoSchedule}}]\n      nodeClassRef: {{group: karpenter.k8s.aws, kind: EC2NodeClass, name: gpu}}\n"
    )
}

const SPOT_FILES: [&str; 4] = [
    "clusters/a/spot.yaml",
    "clusters/b/spot.yaml",
    "teams/c/spot.yaml",
    "teams/d/spot.yaml",
];

/// Four spot pools in four files and one on-demand fallback for all of them.
fn spot_pools_with_fallback(dir: &Path) {
    for (i, f) in SPOT_FILES.iter().enumerate() {
        write(
            dir,
            f,
            &pool(&format!("gpu-spot-{i}"), "spot", 100, "nvidia.com/gpu"),
        );
    }
    write(
        dir,
        "shared/fallback.yaml",
        &pool("gpu-on-demand", "on-demand", 10, "nvidia.com/gpu"),
    );
}

/// `(file, rule)` of each finding in a JSON report.
fn file_rules(v: &serde_json::Value) -> Vec<(String, String)> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["file"].as_str().unwrap().to_string(),
                f["rule"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn no_fallback_in(files: &[&str]) -> Vec<(String, String)> {
    files
        .iter()
        .map(|f| (f.to_string(), "spot-without-on-demand-fallback".to_string()))
        .collect()
}

#[test]
fn changing_the_fallback_reports_the_pools_it_no_longer_covers() {
    for (what, changed) in [
        ("taint", pool("gpu-on-demand", "on-demand", 10, "dedicated")),
        (
            "capacity type",
            pool("gpu-on-demand", "spot", 10, "nvidia.com/gpu"),
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path();
        init(p);
        spot_pools_with_fallback(p);
        commit(p, "pools");
        let clean = json(&skinflint(p, &["check", "--format", "json", "."]));
        assert!(file_rules(&clean).is_empty(), "{clean}");
        write(p, "shared/fallback.yaml", &changed);
        commit(p, what);
        let out = skinflint(
            p,
            &[
                "check",
                "--format",
                "json",
                "--changed-since",
                "HEAD~1",
                ".",
            ],
        );
        assert_eq!(out.status.code(), Some(1), "{what}");
        let v = json(&out);
        let mut got = file_rules(&v);
        got.retain(|(f, _)| f != "shared/fallback.yaml");
        assert_eq!(got, no_fallback_in(&SPOT_FILES), "{what}: {v}");
        assert_eq!(v["summary"]["fixed_by_change"], 0, "{v}");
        // The plain check agrees on the untouched files.
        let all = json(&skinflint(p, &["check", "--format", "json", "."]));
        let mut all_got = file_rules(&all);
        all_got.retain(|(f, _)| f != "shared/fallback.yaml");
        assert_eq!(all_got, got, "{what}");
        // Restoring the fallback fixes them all, and nothing is new.
        write(
            p,
            "shared/fallback.yaml",
            &pool("gpu-on-demand", "on-demand", 10, "nvidia.com/gpu"),
        );
        let v = json(&skinflint(
            p,
            &["check", "--format", "json", "--changed-since", "HEAD", "."],
        ));
        assert!(file_rules(&v).is_empty(), "{v}");
        assert!(
            v["summary"]["fixed_by_change"].as_u64().unwrap() >= 4,
            "{v}"
        );
    }
}

/// The hook as `.pre-commit-hooks.yaml` defines it: (entry, pass_filenames, always_run).
fn hook(id: &str) -> (String, bool, bool) {
    use skinflint::source::{yaml, Limits, NodeRef};
    let text = std::fs::read_to_string(common::repo().join(".pre-commit-hooks.yaml")).unwrap();
    let parsed = yaml::parse(&text, Limits::default());
    let root = NodeRef::root(&parsed.documents[0]).unwrap();
    let h = root
        .items()
        .unwrap()
        .find(|h| h.get("id").and_then(|n| n.as_str()) == Some(id))
        .unwrap_or_else(|| panic!("no hook {id}"));
    let flag = |k: &str, default: bool| {
        h.get(k)
            .and_then(|n| n.as_str())
            .map_or(default, |v| v == "true")
    };
    (
        h.get("entry").unwrap().as_str().unwrap().to_string(),
        flag("pass_filenames", true),
        flag("always_run", false),
    )
}

/// Run the `skinflint-system` hook as pre-commit runs it: with the real `pre-commit`
/// when it is installed, else by running the hook's entry from its definition the way
/// pre-commit would (from the repository root, PRE_COMMIT=1, the built binary on PATH).
fn run_hook(dir: &Path) -> Output {
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_skinflint")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let has_pre_commit = Command::new("pre-commit")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if has_pre_commit {
        // A hook repository holding this checkout's hook definitions.
        let hooks = dir.parent().unwrap().join(format!(
            "hooks-{}",
            dir.file_name().unwrap().to_string_lossy()
        ));
        if !hooks.exists() {
            std::fs::create_dir_all(&hooks).unwrap();
            std::fs::copy(
                common::repo().join(".pre-commit-hooks.yaml"),
                hooks.join(".pre-commit-hooks.yaml"),
            )
            .unwrap();
            init(&hooks);
            commit(&hooks, "hooks");
        }
        let config = format!(
            "repos:\n  - repo: {}\n    rev: main\n    hooks:\n      - id: skinflint-system\n",
            hooks.display()
        );
        std::fs::write(dir.join(".pre-commit-config.yaml"), config).unwrap();
        return Command::new("pre-commit")
            .current_dir(dir)
            .args(["run", "--config", ".pre-commit-config.yaml"])
            .env("PATH", &path)
            .env(
                "PRE_COMMIT_HOME",
                dir.parent().unwrap().join("pre-commit-cache"),
            )
            .output()
            .unwrap();
    }
    eprintln!("pre-commit is not installed: running the hook entry from its definition");
    let (entry, pass_filenames, always_run) = hook("skinflint-system");
    assert!(
        always_run && !pass_filenames,
        "the hook must run on every commit, deletions included, over the whole repository"
    );
    Command::new("sh")
        .current_dir(dir)
        .args(["-c", &entry])
        .env("PATH", &path)
        .env("PRE_COMMIT", "1")
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn deleting_the_only_fallback_fails_the_hook() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("repo");
    std::fs::create_dir_all(&p).unwrap();
    let p = p.as_path();
    init(p);
    spot_pools_with_fallback(p);
    write(p, "monitoring/alerts.yaml", ALERTS);
    commit(p, "pools");
    let out = run_hook(p);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    git(p, &["rm", "-q", "shared/fallback.yaml"]);
    let out = run_hook(p);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let shown = text(&out);
    for f in SPOT_FILES {
        assert!(shown.contains(f), "{f} missing from:\n{shown}");
    }
    assert!(shown.contains("spot-without-on-demand-fallback"), "{shown}");
    // The same through the flag, without pre-commit's environment.
    let v = json(&skinflint(
        p,
        &[
            "check",
            "--format",
            "json",
            "--changed-since",
            "HEAD",
            "--staged",
            ".",
        ],
    ));
    assert_eq!(file_rules(&v), no_fallback_in(&SPOT_FILES), "{v}");
}

/// Cost alerts, so the hook runs with every rule.
const ALERTS: &str = "groups:\n  - name: gpu-cost\n    rules:\n      - alert: GpuPoolNearLimit\n        expr: karpenter_nodepools_usage{resource_type=\"nvidia.com/gpu\"} / karpenter_nodepools_limit{resource_type=\"nvidia.com/gpu\"} > 0.9\n        for: 15m\n        labels: {severity: warning}\n        annotations:\n          summary: \"GPU node pool {{ $labels.nodepool }} is above 90% of its GPU limit\"\n";

#[test]
fn an_untracked_fallback_does_not_satisfy_a_staged_spot_pool() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("repo");
    std::fs::create_dir_all(&p).unwrap();
    let p = p.as_path();
    init(p);
    write(p, "monitoring/alerts.yaml", ALERTS);
    commit(p, "alerts");
    write(
        p,
        "spot.yaml",
        &pool("gpu-spot", "spot", 100, "nvidia.com/gpu"),
    );
    git(p, &["add", "spot.yaml"]);
    write(
        p,
        "fallback.yaml",
        &pool("gpu-on-demand", "on-demand", 10, "nvidia.com/gpu"),
    );
    // The whole tree on disk looks fine ...
    let all = json(&skinflint(p, &["check", "--format", "json", "."]));
    assert!(file_rules(&all).is_empty(), "{all}");
    // ... but the commit holds no fallback.
    let out = run_hook(p);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("spot-without-on-demand-fallback"));
    for args in [
        &["--staged"][..],
        &[][..], // the work tree: untracked files do not count either
    ] {
        let v = json(&skinflint(
            p,
            &[
                &["check", "--format", "json", "--changed-since", "HEAD"][..],
                args,
                &["."],
            ]
            .concat(),
        ));
        assert_eq!(
            file_rules(&v),
            no_fallback_in(&["spot.yaml"]),
            "{args:?} {v}"
        );
    }
    // Named as a file, an untracked file counts.
    let v = json(&skinflint(
        p,
        &[
            "check",
            "--format",
            "json",
            "--changed-since",
            "HEAD",
            "--staged",
            "spot.yaml",
            "fallback.yaml",
        ],
    ));
    assert!(file_rules(&v).is_empty(), "{v}");
    // Staging the fallback makes the hook pass.
    git(p, &["add", "fallback.yaml"]);
    let out = run_hook(p);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}

#[test]
fn the_first_commit_is_checked_against_an_empty_tree() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("repo");
    std::fs::create_dir_all(&p).unwrap();
    let p = p.as_path();
    init(p);
    write(
        p,
        "spot.yaml",
        &pool("gpu-spot", "spot", 100, "nvidia.com/gpu"),
    );
    git(p, &["add", "spot.yaml"]);
    let out = run_hook(p);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("spot-without-on-demand-fallback"));
}

#[test]
fn changed_since_errors_are_clear() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    init(p);
    write(p, "a.yaml", &pool("a", "on-demand", 10, "nvidia.com/gpu"));
    commit(p, "a");
    let out = skinflint(p, &["check", "--changed-since", "no-such-branch", "."]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).contains("unknown revision `no-such-branch`"),
        "{}",
        text(&out)
    );
    let out = skinflint(p, &["check", "--changed-since", "HEAD", "-"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("standard input"), "{}", text(&out));
}

/// A GPU pool without limits or taint (two findings) and a Deployment whose second
/// container has no requests, all named `gpu` / `llm`.
fn env_files(dir: &Path, env: &str, pool_first: bool, noise: &str) {
    let pool = "apiVersion: karpenter.sh/v1\nkind: NodePool\nmetadata:\n  name: gpu\nspec:\n  template:\n    spec:\n      requirements:\n        - {key: karpenter.k8s.aws/instance-family, operator: In, values: [g5]}\n      nodeClassRef: {group: karpenter.k8s.aws, kind: EC2NodeClass, name: gpu}\n";
    let app = |first: bool| {
        let sidecar = "        - name: sidecar\n          image: envoy:1\n";
        let server = "        - name: server\n          image: vllm:1\n          resources:\n            requests: {cpu: \"4\", memory: 16Gi}\n";
        let (a, b) = if first {
            (server, sidecar)
        } else {
            (sidecar, server)
        };
        format!("apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: llm, namespace: serving}}\nspec:\n  selector: {{matchLabels: {{app: llm}}}}\n  template:\n    metadata: {{labels: {{app: llm}}}}\n    spec:\n      containers:\n{a}{b}")
    };
    let docs = if pool_first {
        format!("{noise}{pool}---\n{}", app(true))
    } else {
        format!("{}---\n{noise}{pool}", app(false))
    };
    write(dir, &format!("envs/{env}/all.yaml"), &docs);
}

/// (file, rule, resource name, fingerprint) of each finding.
fn prints(dir: &Path, extra: &[&str]) -> Vec<(String, String, String, String)> {
    let v = json(&skinflint(
        dir,
        &[&["check", "--format", "json"][..], extra, &["."]].concat(),
    ));
    let mut out: Vec<_> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["file"].as_str().unwrap().to_string(),
                f["rule"].as_str().unwrap().to_string(),
                f["resource"]["name"].as_str().unwrap_or("").to_string(),
                f["fingerprint"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn fingerprints_survive_reordering_edits_and_same_named_resources() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    env_files(p, "prod", true, "");
    env_files(p, "staging", true, "");
    let before = prints(p, &[]);
    assert!(before.len() >= 6, "{before:?}");
    let rules: std::collections::BTreeSet<&str> = before.iter().map(|f| f.1.as_str()).collect();
    assert!(rules.contains("container-without-requests"), "{rules:?}");
    // Every finding has its own fingerprint, though the resources share names.
    let distinct: std::collections::HashSet<&str> = before.iter().map(|f| f.3.as_str()).collect();
    assert_eq!(distinct.len(), before.len(), "{before:?}");
    // Reorder resources and containers, edit unrelated lines, add same-named copies.
    env_files(p, "prod", false, "# owned by serving\n");
    env_files(p, "staging", false, "# reviewed 2026-11\n# again\n");
    env_files(p, "dev", true, "");
    write(
        p,
        "envs/prod/extra.yaml",
        "apiVersion: karpenter.sh/v1\nkind: NodePool\nmetadata:\n  name: gpu\n  namespace: other\nspec:\n  limits: {cpu: \"8\"}\n  template:\n    spec:\n      requirements: []\n      nodeClassRef: {group: karpenter.k8s.aws, kind: EC2NodeClass, name: default}\n",
    );
    let after = prints(p, &[]);
    for f in &before {
        assert!(after.contains(f), "{f:?} changed:\n{after:?}");
    }
    // The cluster scope is part of the identity.
    let scoped = prints(p, &["--cluster", "envs/*/"]);
    assert_eq!(scoped.len(), after.len());
    for f in &scoped {
        assert!(
            !after.iter().any(|a| a.3 == f.3),
            "{f:?} ignores its cluster"
        );
    }
    let distinct: std::collections::HashSet<&str> = after.iter().map(|f| f.3.as_str()).collect();
    assert_eq!(distinct.len(), after.len(), "{after:?}");
}

#[test]
fn baselines_keep_environments_apart() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    env_files(p, "prod", true, "");
    env_files(p, "staging", true, "");
    let base_args = ["check", "--format", "json"];
    let out = skinflint(
        p,
        &[
            "check",
            "--write-baseline",
            "baseline.json",
            "envs/prod",
            "envs/staging",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let recorded = prints(p, &[]).len() as u64;
    // dev is a copy of prod: its findings are the only new ones.
    env_files(p, "dev", true, "");
    let v = json(&skinflint(
        p,
        &[&base_args[..], &["--baseline", "baseline.json", "envs"]].concat(),
    ));
    let files: std::collections::BTreeSet<String> =
        file_rules(&v).into_iter().map(|f| f.0).collect();
    assert_eq!(
        files.into_iter().collect::<Vec<_>>(),
        ["envs/dev/all.yaml"],
        "{v}"
    );
    assert_eq!(v["findings"].as_array().unwrap().len() as u64, recorded / 2);
    assert_eq!(common::baseline_counts(&v), (Some(recorded), Some(0)));
}

/// The baseline the previous release (format 1) wrote for `envs/prod` of [`env_files`].
const FORMAT_1_BASELINE: &str = r#"{
  "skinflint_baseline": 1,
  "findings": [
    {"fingerprint": "e99b8ea288e24f93", "rule": "container-without-requests", "file": "envs/prod/all.yaml", "resource": "Deployment/llm", "message": "container `sidecar` of Deployment `llm` has no cpu and memory request"},
    {"fingerprint": "b9907cc06c3aa278", "rule": "gpu-nodepool-without-taint", "file": "envs/prod/all.yaml", "resource": "NodePool/gpu", "message": "node pool `gpu` can launch GPU instances but has no NoSchedule taint"},
    {"fingerprint": "3564890a5e0aa78c", "rule": "nodepool-without-limits", "file": "envs/prod/all.yaml", "resource": "NodePool/gpu", "message": "GPU-capable node pool `gpu` has no limits"},
    {"fingerprint": "4b3b8da68840fc98", "rule": "spot-workload-without-graceful-shutdown", "file": "envs/prod/all.yaml", "resource": "Deployment/llm", "message": "Deployment `llm` runs on spot capacity with no preStop hook"}
  ]
}"#;

#[test]
fn format_1_baselines_still_match() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    env_files(p, "prod", true, "");
    std::fs::write(p.join("old.json"), FORMAT_1_BASELINE).unwrap();
    // A copy in another environment is not hidden by prod's entries.
    env_files(p, "dev", true, "");
    let v = json(&skinflint(
        p,
        &["check", "--format", "json", "--baseline", "old.json", "."],
    ));
    assert_eq!(common::baseline_counts(&v), (Some(4), Some(0)), "{v}");
    let files: std::collections::BTreeSet<String> =
        file_rules(&v).into_iter().map(|f| f.0).collect();
    assert_eq!(
        files.into_iter().collect::<Vec<_>>(),
        ["envs/dev/all.yaml"],
        "{v}"
    );
    // A baseline from a newer format is refused with a clear message.
    std::fs::write(
        p.join("new.json"),
        "{\"skinflint_baseline\": 9, \"findings\": []}",
    )
    .unwrap();
    let out = skinflint(p, &["check", "--baseline", "new.json", "."]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).contains("baseline format 9 is not supported"),
        "{}",
        text(&out)
    );
}

#[test]
fn baselines_and_changed_since_combine() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    init(p);
    env_files(p, "prod", true, "");
    commit(p, "prod");
    assert_eq!(
        skinflint(p, &["check", "--write-baseline", "b.json", "."])
            .status
            .code(),
        Some(0)
    );
    let recorded = prints(p, &[]).len() as u64;
    env_files(p, "dev", true, "");
    git(p, &["add", "envs"]);
    let v = json(&skinflint(
        p,
        &[
            "check",
            "--format",
            "json",
            "--changed-since",
            "HEAD",
            "--baseline",
            "b.json",
            ".",
        ],
    ));
    let files: std::collections::BTreeSet<String> =
        file_rules(&v).into_iter().map(|f| f.0).collect();
    assert_eq!(
        files.into_iter().collect::<Vec<_>>(),
        ["envs/dev/all.yaml"],
        "{v}"
    );
    // Baselined findings are matched, not miscounted as fixed.
    assert_eq!(
        common::baseline_counts(&v),
        (Some(recorded), Some(0)),
        "{v}"
    );
    assert_eq!(v["summary"]["preexisting"], recorded);
}
