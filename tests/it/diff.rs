//! `skinflint diff`: new, fixed and unchanged findings and the monthly cost delta between
//! two git revisions, and between two directories of rendered manifests.

use crate::common::{git, json};

use std::path::Path;

use crate::common::skinflint;

/// A GPU pool allowing one instance type, reclaiming empty nodes after `empty`.
fn pool(name: &str, capacity: &str, instance: &str, gpus: u32, weight: u32, empty: &str) -> String {
    format!(
        "apiVersion: karpenter.sh/v1\nkind: NodePool\nmetadata: {{name: {name}}}\nspec:\n  weight: {weight}\n  limits: {{nvidia.com/gpu: {gpus}}}\n  disruption: {{consolidationPolicy: WhenEmptyOrUnderutilized, consolidateAfter: {empty}}}\n  template:\n    spec:\n      requirements:\n        - {{key: karpenter.sh/capacity-type, operator: In, values: [{capacity}]}}\n        - {{key: node.kubernetes.io/instance-type, operator: In, values: [{instance}]}}\n      taints: [{{key: nvidia.com/gpu, value: \"true\", effect: NoSchedule}}]\n      nodeClassRef: {{group: karpenter.k8s.aws, kind: EC2NodeClass, name: gpu}}\n"
    )
}

/// The serving Deployment (2 to 4 replicas by its autoscaler) pinned to one instance type.
fn llm(instance: &str, gpus: u32, cpu: u32, memory_gi: u32) -> String {
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: llm, namespace: serving}}\nspec:\n  replicas: 2\n  selector: {{matchLabels: {{app: llm}}}}\n  template:\n    metadata: {{labels: {{app: llm}}}}\n    spec:\n      nodeSelector: {{node.kubernetes.io/instance-type: {instance}}}\n      tolerations: [{{key: nvidia.com/gpu, operator: Exists, effect: NoSchedule}}]\n      containers:\n        - name: server\n          image: vllm/vllm-openai:v0.6.3\n          resources:\n            requests: {{cpu: \"{cpu}\", memory: {memory_gi}Gi, nvidia.com/gpu: {gpus}}}\n            limits: {{memory: {memory_gi}Gi, nvidia.com/gpu: {gpus}}}\n---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {{name: llm, namespace: serving}}\nspec:\n  scaleTargetRef: {{apiVersion: apps/v1, kind: Deployment, name: llm}}\n  minReplicas: 2\n  maxReplicas: 4\n  metrics:\n    - type: Resource\n      resource: {{name: cpu, target: {{type: Utilization, averageUtilization: 70}}}}\n"
    )
}

/// Write the base or head tree under `dir`.
fn tree(dir: &Path, head: bool) {
    std::fs::create_dir_all(dir.join("pools")).unwrap();
    std::fs::create_dir_all(dir.join("apps")).unwrap();
    let (g4dn, g5, app) = if head {
        (
            // fixed: empty GPU nodes go after 5 minutes, not an hour
            pool("gpu-g4dn", "on-demand", "g4dn.xlarge", 8, 10, "5m"),
            // spot made on-demand; added defect: empty nodes kept for 2 hours
            pool("gpu-g5", "on-demand", "g5.12xlarge", 16, 50, "2h"),
            llm("g5.12xlarge", 4, 8, 64),
        )
    } else {
        (
            pool("gpu-g4dn", "on-demand", "g4dn.xlarge", 8, 10, "1h"),
            pool("gpu-g5", "spot", "g5.12xlarge", 16, 50, "5m"),
            llm("g4dn.xlarge", 1, 2, 8),
        )
    };
    std::fs::write(dir.join("pools/g4dn.yaml"), g4dn).unwrap();
    std::fs::write(dir.join("pools/g5.yaml"), g5).unwrap();
    std::fs::write(dir.join("apps/llm.yaml"), app).unwrap();
}

fn rules_at(list: &serde_json::Value) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["file"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    v.sort();
    v
}

fn pair(rule: &str, file: &str) -> (String, String) {
    (rule.to_string(), file.to_string())
}

/// Find a resource's cost line.
fn line<'a>(v: &'a serde_json::Value, kind: &str, name: &str) -> &'a serde_json::Value {
    v["delta"]["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["kind"] == kind && r["name"] == name)
        .unwrap_or_else(|| panic!("no cost line for {kind}/{name}: {v}"))
}

fn usd(v: &serde_json::Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

/// Prices from the embedded catalog (us-east-1 on-demand, USD an hour); the test's
/// dollars follow from them by hand below.
const G4DN_XLARGE: f64 = 0.526; // catalog().get("g4dn.xlarge").on_demand_usd_hour
const G5_12XLARGE: f64 = 5.672; // catalog().get("g5.12xlarge").on_demand_usd_hour

/// Assert the whole report: findings by state and every dollar of the delta.
fn assert_report(v: &serde_json::Value) {
    // Findings. Fixed: gpu-g4dn reclaims empty nodes in time; gpu-g5, now on-demand,
    // needs neither a fallback nor more spot instance types. New: gpu-g5 keeps empty
    // GPU nodes for 2 hours.
    assert_eq!(
        rules_at(&v["findings"]["new"]),
        [pair("empty-node-ttl-too-long", "pools/g5.yaml")],
        "{v}"
    );
    assert_eq!(
        rules_at(&v["findings"]["fixed"]),
        [
            pair("empty-node-ttl-too-long", "pools/g4dn.yaml"),
            pair("spot-instance-types-too-few", "pools/g5.yaml"),
            pair("spot-without-on-demand-fallback", "pools/g5.yaml"),
        ],
        "{v}"
    );
    assert_eq!(
        rules_at(&v["findings"]["unchanged"]),
        [
            pair("cost-alerts-missing", "pools/g4dn.yaml"),
            pair("instance-type-pinned", "apps/llm.yaml"),
        ],
        "{v}"
    );

    // Deployment serving/llm: 2 to 4 replicas (its HPA), each the sole user of its node
    // (it requests every GPU of the instance), on-demand on both sides.
    //   base: g4dn.xlarge  2 × $0.526 × 730 h =   $767.96;  4 × … = $1,535.92
    //   head: g5.12xlarge  2 × $5.672 × 730 h = $8,281.12;  4 × … = $16,562.24
    let d = line(v, "Deployment", "llm");
    assert_eq!(d["category"], "workload");
    let base_min = 2.0 * G4DN_XLARGE * 730.0;
    let head_min = 2.0 * G5_12XLARGE * 730.0;
    assert_eq!(usd(&d["base"]["usd_month_min"]), 767.96);
    assert_eq!(usd(&d["base"]["usd_month_max"]), 1535.92);
    assert_eq!(usd(&d["head"]["usd_month_min"]), 8281.12);
    assert_eq!(usd(&d["head"]["usd_month_max"]), 16562.24);
    assert_eq!(usd(&d["delta_usd_month_min"]), 7513.16);
    assert_eq!(usd(&d["delta_usd_month_max"]), 15026.32);
    assert!((head_min - base_min - 7513.16).abs() < 0.005);
    assert!(d["head"]["basis"]
        .as_str()
        .unwrap()
        .contains("2..4 replicas on g5.12xlarge (on-demand)"));

    // NodePool gpu-g5: 16 GPUs at its limit, $5.672 / 4 GPUs = $1.418 a GPU-hour.
    //   base (spot at 0.7): 16 × 1.418 × 730 × 0.7 = $11,593.57
    //   head (on-demand):   16 × 1.418 × 730       = $16,562.24
    let p = line(v, "NodePool", "gpu-g5");
    assert_eq!(p["category"], "node-pool");
    assert_eq!(usd(&p["base"]["usd_month_min"]), 11593.57);
    assert_eq!(usd(&p["head"]["usd_month_min"]), 16562.24);
    assert_eq!(usd(&p["delta_usd_month_min"]), 4968.67);
    // NodePool gpu-g4dn costs the same: 8 × $0.526 × 730 = $3,071.84 on both sides, so
    // it has no line.
    assert!(v["delta"]["resources"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["name"] != "gpu-g4dn"));

    let w = &v["delta"]["workloads"];
    assert_eq!(usd(&w["delta_usd_month_min"]), 7513.16);
    assert_eq!(usd(&w["delta_usd_month_max"]), 15026.32);
    let c = &v["delta"]["node_pool_ceilings"];
    assert_eq!(usd(&c["base_usd_month_min"]), 3071.84 + 11593.57);
    assert_eq!(usd(&c["head_usd_month_min"]), 3071.84 + 16562.24);
    assert_eq!(usd(&c["delta_usd_month_min"]), 4968.67);
    assert_eq!(
        v["verdict"],
        "+$7,513/month, node-pool ceilings +$4,969/month, 1 new finding, 3 fixed"
    );
}

#[test]
fn prices_are_the_catalogs() {
    // The hand computations above use these list prices.
    let c = skinflint::catalog::catalog();
    let price = |n: &str| {
        c.types
            .iter()
            .find(|t| t.name == n)
            .and_then(|t| t.on_demand_usd_hour())
            .unwrap()
    };
    assert_eq!(price("g4dn.xlarge"), G4DN_XLARGE);
    assert_eq!(price("g5.12xlarge"), G5_12XLARGE);
}

#[test]
fn diff_between_revisions() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    git(p, &["init", "-q", "-b", "main"]);
    tree(p, false);
    git(p, &["add", "-A"]);
    git(p, &["commit", "-q", "-m", "base"]);
    git(p, &["checkout", "-q", "-b", "bigger-gpus"]);
    tree(p, true);
    // The working tree against main.
    let out = skinflint(p, &["diff", "main", "--no-config", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "a new warning fails the run");
    assert_report(&json(&out));
    // Two revisions, the checkout untouched.
    git(p, &["commit", "-q", "-am", "head"]);
    git(p, &["checkout", "-q", "main"]);
    let out = skinflint(
        p,
        &[
            "diff",
            "main",
            "bigger-gpus",
            "--no-config",
            "--format",
            "json",
        ],
    );
    let v = json(&out);
    assert_report(&v);
    assert_eq!(
        v["head"]["label"].as_str().unwrap().split(' ').next(),
        Some("bigger-gpus")
    );
    // Only new findings at or above --fail-on fail; --max-cost-increase fails on dollars.
    let code = |extra: &[&str]| {
        skinflint(
            p,
            &[&["diff", "main", "bigger-gpus", "--no-config"][..], extra].concat(),
        )
        .status
        .code()
    };
    assert_eq!(code(&["--fail-on", "error"]), Some(0));
    assert_eq!(
        code(&["--fail-on", "error", "--max-cost-increase", "8000"]),
        Some(0)
    );
    assert_eq!(
        code(&["--fail-on", "error", "--max-cost-increase", "7000"]),
        Some(1)
    );
    // Reverting in the working tree fixes what was new and saves the money.
    git(p, &["checkout", "-q", "bigger-gpus"]);
    tree(p, false);
    let v = json(&skinflint(
        p,
        &["diff", "HEAD", "--no-config", "--format", "json"],
    ));
    assert_eq!(
        usd(&v["delta"]["workloads"]["delta_usd_month_min"]),
        -7513.16
    );
    assert_eq!(
        rules_at(&v["findings"]["fixed"]),
        [pair("empty-node-ttl-too-long", "pools/g5.yaml")],
        "{v}"
    );
}

#[test]
fn diff_between_rendered_directories() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    tree(&p.join("base"), false);
    tree(&p.join("head"), true);
    let out = skinflint(
        p,
        &[
            "diff",
            "--base-dir",
            "base",
            "--head-dir",
            "head",
            "--no-config",
            "--format",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert_report(&json(&out));
}

#[test]
fn markdown_comment_leads_with_the_verdict_and_fits() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    tree(&p.join("base"), false);
    tree(&p.join("head"), true);
    let out = skinflint(
        p,
        &[
            "diff",
            "--base-dir",
            "base",
            "--head-dir",
            "head",
            "--no-config",
            "--format",
            "markdown",
        ],
    );
    let md = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(
        md.lines().next(),
        Some("**+$7,513/month, node-pool ceilings +$4,969/month, 1 new finding, 3 fixed**")
    );
    assert!(
        md.contains(
            "<details><summary>Deployment/llm (apps/llm.yaml): +$7,513 to +$15,026/month</summary>"
        ),
        "{md}"
    );
    assert!(md.contains("<!-- skinflint-diff -->"));
    assert!(md.len() < 65_536);
    let human = skinflint(
        p,
        &[
            "diff",
            "--base-dir",
            "base",
            "--head-dir",
            "head",
            "--no-config",
        ],
    );
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(
        text.contains("+$7,513/month, node-pool ceilings +$4,969/month, 1 new finding, 3 fixed"),
        "{text}"
    );
    assert!(text.contains("spot at 0.7 of on-demand"), "{text}");
}

#[test]
fn markdown_drops_rows_to_fit_and_says_so() {
    use skinflint::diff::{run, DiffRequest, Source};
    use skinflint::engine::{CheckRequest, ConfigChoice};
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    tree(&p.join("base"), false);
    tree(&p.join("head"), true);
    // Many new findings: pools without limits.
    for i in 0..200 {
        std::fs::write(
            p.join(format!("head/pools/extra-{i}.yaml")),
            format!("apiVersion: karpenter.sh/v1\nkind: NodePool\nmetadata: {{name: extra-{i}}}\nspec:\n  template:\n    spec:\n      requirements: []\n      nodeClassRef: {{group: karpenter.k8s.aws, kind: EC2NodeClass, name: default}}\n"),
        )
        .unwrap();
    }
    let mut check = CheckRequest::new(vec![".".to_string()]);
    check.config = ConfigChoice::None;
    let o = run(&DiffRequest {
        base: Source::Dir(p.join("base")),
        head: Source::Dir(p.join("head")),
        check,
        spot_discount: 0.7,
    })
    .unwrap();
    assert!(o.new.len() >= 200, "{}", o.new.len());
    let md = skinflint::report::diff::markdown_limited(&o, 8_000);
    assert!(md.len() <= 8_000, "{}", md.len());
    assert!(md.starts_with("**"));
    assert!(md.contains("rows not shown to stay under GitHub's comment size limit"));
    assert!(md.trim_end().ends_with("<!-- skinflint-diff -->"));
    let full = skinflint::report::diff::markdown(&o);
    assert!(full.len() <= 65_536);
}
