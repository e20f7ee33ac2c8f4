//! Cluster scopes: the `tests/data/clusters` tree holds two clusters (`clusters/prod/`,
//! `clusters/staging/`, named by its `.skinflint.yaml`) and a shared `base/`. Its files
//! assert, with `# expect:` comments, every finding of the rules that relate resources;
//! without the scopes, the same files relate across clusters and those findings change.

use crate::common::{expectations, file_rule_line, json, mismatches, repo};
use skinflint::engine::{self, CheckRequest, ConfigChoice, Outcome};
use std::path::{Path, PathBuf};
use std::process::Output;

/// The rules that relate resources to each other, whose findings the tree asserts.
const RELATING_RULES: &[&str] = &[
    "spot-without-on-demand-fallback",
    "fallback-weight-not-below-spot",
    "on-demand-fallback-uncapped",
    "gpu-workload-unschedulable",
    "autoscaler-max-exceeds-pool-capacity",
    "gpu-workload-without-autoscaler",
    "spot-workload-without-disruption-budget",
    "cpu-workload-tolerates-gpu-taint",
    "critical-workload-on-spot-only",
    "cost-alerts-missing",
    "duplicate-alert",
];

fn tree() -> PathBuf {
    repo().join("tests/data/clusters")
}

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            yaml_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "yaml") && !p.ends_with(".skinflint.yaml") {
            out.push(p);
        }
    }
}

fn check(config: ConfigChoice, clusters: &[&str]) -> Outcome {
    let mut req = CheckRequest::new(vec![tree().to_string_lossy().into_owned()]);
    req.config = config;
    req.clusters = clusters.iter().map(|s| s.to_string()).collect();
    engine::check(&req).expect("check runs")
}

/// Per file of the tree (relative path): (line, column, rule) of the relating rules'
/// findings.
fn relating_findings(o: &Outcome, file: &Path) -> Vec<(usize, usize, String)> {
    let want = file.canonicalize().unwrap();
    o.findings
        .iter()
        .filter(|f| RELATING_RULES.contains(&f.rule.as_str()))
        .filter(|f| Path::new(&o.files[f.file].file.path).canonicalize().ok() == Some(want.clone()))
        .map(|f| {
            let lc = o.files[f.file].file.line_col(f.span.start);
            (lc.line, lc.column, f.rule.clone())
        })
        .collect()
}

/// Every file's `# expect:` comments against the run's findings.
fn tree_mismatches(o: &Outcome) -> Vec<String> {
    let mut files = Vec::new();
    yaml_files(&tree(), &mut files);
    files.sort();
    assert!(files.len() >= 6, "the tree lost files: {files:?}");
    let mut problems = Vec::new();
    for file in files {
        let expected = expectations(&std::fs::read_to_string(&file).unwrap());
        for e in &expected {
            assert!(
                RELATING_RULES.contains(&e.rule.as_str()),
                "{}: expects [{}], which this test does not compare",
                file.display(),
                e.rule
            );
        }
        for m in mismatches(&relating_findings(o, &file), &expected) {
            problems.push(format!("{}: {m}", file.display()));
        }
    }
    problems
}

#[test]
fn the_cluster_tree_asserts_its_findings() {
    let o = check(ConfigChoice::File(tree().join(".skinflint.yaml")), &[]);
    let problems = tree_mismatches(&o);
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}

#[test]
fn cluster_globs_given_on_the_command_line_work_like_the_config() {
    let o = check(ConfigChoice::None, &["clusters/*/"]);
    // Without a config the globs are relative to the working directory (the checkout).
    let expected = repo().canonicalize().unwrap();
    assert_eq!(
        std::env::current_dir().unwrap().canonicalize().unwrap(),
        expected
    );
    let rel = check(ConfigChoice::None, &["tests/data/clusters/clusters/*/"]);
    let problems = tree_mismatches(&rel);
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
    // `clusters/*/` names nothing relative to the checkout: everything is shared.
    assert!(o.findings.iter().all(|f| f.cluster.is_none()));
}

#[test]
fn without_scopes_the_same_files_relate_across_clusters() {
    let o = check(ConfigChoice::None, &[]);
    assert!(o.findings.iter().all(|f| f.cluster.is_none()));
    let rules_at = |file: &str| -> Vec<String> {
        relating_findings(&o, &tree().join(file))
            .into_iter()
            .map(|(_, _, r)| r)
            .collect()
    };
    // staging's on-demand GPU pool backs prod's spot pool, with a larger GPU limit...
    assert!(!rules_at("clusters/prod/pools.yaml")
        .contains(&"spot-without-on-demand-fallback".to_string()));
    let staging = rules_at("clusters/staging/pools.yaml");
    assert!(
        staging.contains(&"on-demand-fallback-uncapped".to_string()),
        "{staging:?}"
    );
    // ...hosts prod's workloads, prod's autoscaler scales staging's Deployment, prod's cost
    // alert covers every GPU and the shared alert is not the only duplicate.
    let prod = rules_at("clusters/prod/workloads.yaml");
    assert!(prod.is_empty(), "{prod:?}");
    assert!(rules_at("clusters/staging/workloads.yaml").is_empty());
    assert!(rules_at("clusters/staging/pools.yaml")
        .iter()
        .all(|r| r != "cost-alerts-missing"));
    assert!(rules_at("clusters/staging/alerts.yaml").contains(&"duplicate-alert".to_string()));
}

/// The binary in `dir`, with `stdin` on standard input when given.
fn bin(dir: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    match stdin {
        Some(text) => crate::common::skinflint_with_stdin(dir, args, text),
        None => crate::common::skinflint(dir, args),
    }
}

#[test]
fn json_findings_name_their_cluster() {
    // Paths relative to the tree (inside this repository), as the cluster globs are.
    let args = ["check", ".", "--format", "json", "--path-format", "cwd"];
    let out = bin(&tree(), &args, None);
    let v = json(&out);
    let findings = v["findings"].as_array().unwrap();
    assert!(!findings.is_empty());
    for f in findings {
        let file = f["file"].as_str().unwrap();
        let expected = ["clusters/prod", "clusters/staging"]
            .into_iter()
            .find(|c| file.trim_start_matches("./").starts_with(&format!("{c}/")));
        assert_eq!(f["cluster"].as_str(), expected, "{f}");
    }
    let got = file_rule_line(&v);
    for (file, rule, line) in [
        (
            "clusters/prod/pools.yaml",
            "spot-without-on-demand-fallback",
            14,
        ),
        (
            "clusters/prod/workloads.yaml",
            "gpu-workload-unschedulable",
            43,
        ),
        ("clusters/staging/pools.yaml", "cost-alerts-missing", 5),
        ("clusters/prod/alerts.yaml", "duplicate-alert", 22),
    ] {
        assert!(
            got.iter()
                .any(|(f, r, l)| f.trim_start_matches("./") == file && r == rule && *l == line),
            "no [{rule}] at {file}:{line} in {got:?}"
        );
    }
    let msg = findings
        .iter()
        .find(|f| f["rule"] == "spot-without-on-demand-fallback")
        .unwrap()["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        msg.contains("in cluster `clusters/prod` or the shared files"),
        "{msg}"
    );

    // SARIF carries the cluster in the result's properties.
    let out = bin(&tree(), &["check", ".", "--format", "sarif"], None);
    let v = json(&out);
    let results = v["runs"][0]["results"].as_array().unwrap();
    assert!(results
        .iter()
        .any(|r| r["properties"]["cluster"] == "clusters/staging"));
}

#[test]
fn stdin_is_shared_unless_its_file_name_places_it() {
    let pool = std::fs::read_to_string(tree().join("clusters/prod/pools.yaml")).unwrap();
    let args = [
        "check",
        "-",
        "--format",
        "json",
        "--select",
        "nodepool-without-limits,spot-without-on-demand-fallback",
    ];
    let v = json(&bin(&tree(), &args, Some(&pool)));
    assert!(v["findings"][0]["cluster"].is_null(), "{v}");
    let mut named = args.to_vec();
    named.extend(["--stdin-filename", "clusters/prod/pools.yaml"]);
    let v = json(&bin(&tree(), &named, Some(&pool)));
    assert_eq!(v["findings"][0]["cluster"], "clusters/prod", "{v}");
}

#[test]
fn bad_cluster_globs_are_errors_with_a_location() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join(".skinflint.yaml"),
        "fail-on: warning\nclusters:\n  - \"clusters/*/\"\n  - \"clusters/[prod/\"\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("a.yaml"), "a: 1\n").unwrap();
    let out = bin(dir.path(), &["check", "."], None);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(".skinflint.yaml:4:5"), "{err}");
    assert!(err.contains("clusters/[prod/"), "{err}");

    std::fs::write(
        dir.path().join(".skinflint.yaml"),
        "clusters: clusters/*/\n",
    )
    .unwrap();
    let out = bin(dir.path(), &["check", "."], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("must be a list"));

    let out = bin(
        dir.path(),
        &["check", "--no-config", "--cluster", "a/{b", "."],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--cluster"));
}

#[test]
fn init_writes_a_commented_clusters_example() {
    let dir = tempfile::tempdir().unwrap();
    let out = bin(dir.path(), &["init"], None);
    assert_eq!(out.status.code(), Some(0));
    let text = std::fs::read_to_string(dir.path().join(".skinflint.yaml")).unwrap();
    assert!(
        text.contains("# clusters:\n#   - \"clusters/*/\""),
        "{text}"
    );
    // Uncommented, the example is a valid config.
    let uncommented = text
        .replace("# clusters:", "clusters:")
        .replace("#   - \"clusters/*/\"", "  - \"clusters/*/\"");
    std::fs::write(dir.path().join(".skinflint.yaml"), uncommented).unwrap();
    std::fs::write(dir.path().join("a.yaml"), "a: 1\n").unwrap();
    let out = bin(dir.path(), &["check", "."], None);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
