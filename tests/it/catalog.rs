//! Scenarios for a catalog a careful engineer would sign: fit by allocatable resources, no
//! retired generations as targets, general-purpose pools priced by what Karpenter launches,
//! every figure naming its price table, and `skinflint cost` validating its options. Each
//! expected answer is worked out by hand in a comment from `data/allocatable.csv` and
//! `data/prices-aws-us-east-1.csv`.

use skinflint::engine::{self, CheckRequest, ConfigChoice, Outcome};
use std::path::Path;

fn check_text(dir: &Path, yaml: &str, config: Option<&str>) -> Outcome {
    let file = dir.join("manifests.yaml");
    std::fs::write(&file, yaml).unwrap();
    let mut req = CheckRequest::new(vec![file.to_string_lossy().into_owned()]);
    req.config = match config {
        Some(c) => {
            let path = dir.join(".skinflint.yaml");
            std::fs::write(&path, c).unwrap();
            ConfigChoice::File(path)
        }
        None => ConfigChoice::None,
    };
    engine::check(&req).expect("check runs")
}

fn messages(o: &Outcome, rule: &str) -> Vec<String> {
    o.findings
        .iter()
        .filter(|f| f.rule == rule)
        .map(|f| f.message.clone())
        .collect()
}

use crate::common::skinflint;

const T4_POOL: &str = "apiVersion: karpenter.sh/v1
kind: NodePool
metadata: {name: t4}
spec:
  limits: {cpu: 1000, nvidia.com/gpu: 8}
  template:
    spec:
      requirements:
        - {key: node.kubernetes.io/instance-type, operator: In, values: [TYPES]}
        - {key: karpenter.sh/capacity-type, operator: In, values: [on-demand]}
      nodeClassRef: {group: karpenter.k8s.aws, kind: EC2NodeClass, name: gpu}
";

const T4_POD: &str = "---
apiVersion: apps/v1
kind: Deployment
metadata: {name: embedder}
spec:
  replicas: 1
  selector: {matchLabels: {app: embedder}}
  template:
    metadata: {labels: {app: embedder}}
    spec:
      nodeSelector: {karpenter.sh/nodepool: t4}
      containers:
        - {name: s, image: s:1, resources: {requests: {cpu: \"4\", memory: 16Gi}, limits: {nvidia.com/gpu: 1}}}
";

#[test]
fn four_cpus_and_16gi_do_not_fit_a_g4dn_xlarge() {
    // data/allocatable.csv: g4dn.xlarge offers pods 3920m cpu and 14481Mi memory (4 vCPU
    // and 16 GiB less Karpenter's overhead). The pod asks 4000m and 16384Mi: short on both.
    let tmp = tempfile::tempdir().unwrap();
    let yaml = T4_POOL.replace("TYPES", "g4dn.xlarge") + T4_POD;
    let o = check_text(tmp.path(), &yaml, None);
    let m = messages(&o, "gpu-workload-unschedulable");
    assert_eq!(m.len(), 1, "{m:?}");
    assert!(
        m[0].contains("the largest, g4dn.xlarge, offers pods 3920m cpu and 14481Mi memory (allocatable, after Karpenter's node overhead), less than the pod's 4000m and 16384Mi"),
        "{}",
        m[0]
    );
    // The relation says the same: the pool does not host it, for capacity.
    let model = skinflint::model::ModelSet::build(&o.files);
    assert!(model.relations.hosts(0).is_empty());
    assert_eq!(model.blocked_for(0, true)[0].closeness, 2);

    // With g4dn.2xlarge allowed (7910m, 29636Mi) it fits, and the cost estimate picks the
    // smallest type that fits: g4dn.2xlarge at $0.752/h; the pod takes all of its one GPU,
    // so its share is 1 and the month is 0.752 × 730 = $548.96.
    let yaml = T4_POOL.replace("TYPES", "g4dn.xlarge, g4dn.2xlarge, g4dn.4xlarge") + T4_POD;
    let o = check_text(tmp.path(), &yaml, None);
    assert!(messages(&o, "gpu-workload-unschedulable").is_empty());
    let e = skinflint::costmodel::estimate::estimate(&o.files, 0.7);
    let w = &e.workloads[0];
    assert_eq!(w.instance.as_deref(), Some("g4dn.2xlarge"));
    assert_eq!(format!("{:.2}", w.usd_month_min.unwrap()), "548.96");
}

#[test]
fn an_init_container_and_native_sidecars_count_as_the_scheduler_counts_them() {
    // Sidecar 1 cpu (restartPolicy Always) + app 2 cpu run together: 3000m. The init
    // container runs after the sidecar started, beside it: 1 + 3 = 4000m, the larger. The
    // g4dn.xlarge offers 3920m, so the pod does not fit though no container asks 4 cpu.
    let tmp = tempfile::tempdir().unwrap();
    let pod = "---
apiVersion: apps/v1
kind: Deployment
metadata: {name: warmup}
spec:
  selector: {matchLabels: {app: warmup}}
  template:
    metadata: {labels: {app: warmup}}
    spec:
      nodeSelector: {karpenter.sh/nodepool: t4}
      initContainers:
        - {name: proxy, image: p:1, restartPolicy: Always, resources: {requests: {cpu: \"1\", memory: 1Gi}}}
        - {name: fetch-weights, image: f:1, resources: {requests: {cpu: \"3\", memory: 2Gi}}}
      containers:
        - {name: s, image: s:1, resources: {requests: {cpu: \"2\", memory: 8Gi}, limits: {nvidia.com/gpu: 1}}}
";
    let o = check_text(
        tmp.path(),
        &(T4_POOL.replace("TYPES", "g4dn.xlarge") + pod),
        None,
    );
    let m = messages(&o, "gpu-workload-unschedulable");
    assert_eq!(m.len(), 1, "{m:?}");
    assert!(
        m[0].contains("3920m cpu") && m[0].contains("4000m"),
        "{}",
        m[0]
    );
}

#[test]
fn retired_generations_are_never_targets() {
    // p2 (K80) left Karpenter's reference in v1.4.0, g3/g3s (M60) in v1.1.0. A pool that
    // still names them launches only its current types: here g4dn.xlarge alone.
    let tmp = tempfile::tempdir().unwrap();
    let yaml = "apiVersion: karpenter.sh/v1
kind: NodePool
metadata: {name: old-gpus}
spec:
  template:
    spec:
      requirements:
        - {key: node.kubernetes.io/instance-type, operator: In, values: [p2.xlarge, g3s.xlarge, g3.4xlarge, g4dn.xlarge]}
      nodeClassRef: {group: karpenter.k8s.aws, kind: EC2NodeClass, name: gpu}
";
    let o = check_text(tmp.path(), yaml, None);
    let model = skinflint::model::ModelSet::build(&o.files);
    let set = &model.node_pools[0].instances;
    assert_eq!(set.names(), vec!["g4dn.xlarge".to_string()]);
    assert_eq!(set.retired.len(), 3);
    // Still known names: no unknown-instance-type finding.
    assert!(messages(&o, "unknown-instance-type").is_empty());
    // A workload asking for an M60 by GPU product finds no current type: it is not sent to
    // g3s.xlarge ($0.75/h), which the old catalog would have picked.
    let pod = "apiVersion: apps/v1
kind: Deployment
metadata: {name: legacy}
spec:
  template:
    spec:
      nodeSelector: {nvidia.com/gpu.product: Tesla-M60}
      containers:
        - {name: s, image: s:1, resources: {requests: {cpu: \"1\", memory: 4Gi}, limits: {nvidia.com/gpu: 1}}}
";
    let o = check_text(tmp.path(), pod, None);
    let e = skinflint::costmodel::estimate::estimate(&o.files, 0.7);
    assert_eq!(e.workloads[0].instance, None);
    for t in &skinflint::catalog::catalog().types {
        assert!(
            !matches!(t.family.as_str(), "p2" | "g3" | "g3s"),
            "{}",
            t.name
        );
    }
}

#[test]
fn a_pool_that_selects_no_hardware_is_priced_by_what_a_typical_pod_gets() {
    // No hardware requirement: Karpenter launches the cheapest type that fits each pod.
    // For a typical pod (1 cpu, 2Gi) the cheapest type with 1000m and 2048Mi allocatable
    // and no accelerator is t4g.medium (1930m, 3187Mi; $0.0336/h): $0.034 an hour,
    // 0.0336 × 730 = $24.53 a month. Never the largest GPU box ($142 an hour).
    let tmp = tempfile::tempdir().unwrap();
    let yaml = "apiVersion: karpenter.sh/v1
kind: NodePool
metadata: {name: anything}
spec:
  template:
    spec:
      requirements:
        - {key: topology.kubernetes.io/zone, operator: In, values: [us-east-1a]}
      nodeClassRef: {group: karpenter.k8s.aws, kind: EC2NodeClass, name: default}
";
    let o = check_text(tmp.path(), yaml, None);
    let m = messages(&o, "nodepool-without-limits");
    assert_eq!(m.len(), 1, "{m:?}");
    assert!(
        m[0].contains("an idle t4g.medium (the cheapest for a typical pod of 1 cpu and 2Gi) costs $0.034 an hour, $24.53 a month (AWS us-east-1 Linux on-demand list price, 2026-07-20; 730 h a month)"),
        "{}",
        m[0]
    );
    // The same pool restricted to amd64 and spot: t3a.medium ($0.0376/h) at the stated spot
    // estimate 0.7: 0.0376 × 0.7 = $0.026 an hour, × 730 = $19.21 a month.
    let spot = yaml.replace(
        "        - {key: topology",
        "        - {key: kubernetes.io/arch, operator: In, values: [amd64]}\n        - {key: karpenter.sh/capacity-type, operator: In, values: [spot]}\n        - {key: topology",
    );
    let o = check_text(tmp.path(), &spot, None);
    let m = messages(&o, "nodepool-without-limits");
    assert!(
        m[0].contains("an idle t3a.medium (the cheapest for a typical pod of 1 cpu and 2Gi) costs $0.026 an hour, $19.21 a month (AWS us-east-1 Linux on-demand list price, 2026-07-20; 730 h a month, spot estimated at 0.7 of on-demand)"),
        "{}",
        m[0]
    );
}

#[test]
fn a_teams_price_table_is_named_in_every_figure() {
    // prices.csv sets g5.xlarge at $0.70/h and g5.2xlarge at $0.85/h. The GPU pool without
    // a GPU limit prices its most expensive type from that table: g5.2xlarge, $0.85 an
    // hour, 0.85 × 730 = $620.50 a month (shown as $0.850 and $621), named by the team's
    // label.
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("prices.csv"),
        "instance_type,usd_per_hour\ng5.xlarge,0.70\ng5.2xlarge,0.85\n",
    )
    .unwrap();
    let config = "prices: {file: prices.csv, label: eu-west-1 less our 18% discount}\n";
    let yaml = "apiVersion: karpenter.sh/v1
kind: NodePool
metadata: {name: gpu}
spec:
  limits: {cpu: 100}
  template:
    spec:
      requirements:
        - {key: node.kubernetes.io/instance-type, operator: In, values: [g5.xlarge, g5.2xlarge]}
      nodeClassRef: {group: karpenter.k8s.aws, kind: EC2NodeClass, name: gpu}
";
    let o = check_text(tmp.path(), yaml, Some(config));
    let priced: Vec<&String> = o
        .findings
        .iter()
        .map(|f| &f.message)
        .filter(|m| m.contains('$'))
        .collect();
    assert!(!priced.is_empty());
    for m in &priced {
        assert!(
            m.contains("eu-west-1 less our 18% discount") && !m.contains("us-east-1"),
            "{m}"
        );
    }
    assert!(
        priced.iter().any(|m| m.contains(
            "g5.2xlarge (the most expensive type it allows) costs $0.850 an hour, $621 a month"
        )),
        "{priced:?}"
    );
    // `skinflint cost` reads the same table from the config.
    std::fs::write(tmp.path().join("manifests.yaml"), yaml).unwrap();
    std::fs::write(tmp.path().join(".skinflint.yaml"), config).unwrap();
    let out = skinflint(tmp.path(), &["cost", "manifests.yaml"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains("eu-west-1 less our 18% discount") && !text.contains("us-east-1"),
        "{text}"
    );
    // A bad table is a located config error (exit 2).
    std::fs::write(
        tmp.path().join("prices.csv"),
        "instance_type,usd_per_hour\ng5.xlarge,NaN\n",
    )
    .unwrap();
    let out = skinflint(tmp.path(), &["check", "manifests.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("line 2"));
}

#[test]
fn cost_options_are_validated() {
    let tmp = tempfile::tempdir().unwrap();
    for args in [
        vec!["per-million", "--hourly-cost", "NaN", "--rps", "500"],
        vec!["per-million", "--hourly-cost", "inf", "--rps", "500"],
        vec!["per-million", "--hourly-cost", "-3", "--rps", "500"],
        vec![
            "per-million",
            "--hourly-cost",
            "3",
            "--rps",
            "500",
            "--utilization",
            "1.2",
        ],
        vec![
            "per-million",
            "--hourly-cost",
            "3",
            "--rps",
            "500",
            "--instances",
            "99999999999",
        ],
        vec!["per-million", "--hourly-cost", "1e308", "--rps", "1e-300"],
        vec!["monthly", "--avg-rps", "-1"],
        vec!["monthly", "--avg-rps", "100", "--utilization-target", "150"],
        vec!["monthly", "--avg-rps", "100", "--peak-multiplier", "0.5"],
        vec![
            "efficiency",
            "--monthly-cost",
            "1",
            "--monthly-predictions",
            "1",
            "--latency-p99-ms",
            "1",
            "--accuracy",
            "95",
        ],
        vec![
            "compare",
            "--baseline-cost",
            "0",
            "--baseline-predictions",
            "1",
            "--optimized-cost",
            "1",
            "--optimized-predictions",
            "1",
        ],
        vec!["--spot-discount", "1.5", "manifests.yaml"],
    ] {
        let mut full = vec!["cost"];
        full.extend(args.iter());
        let out = skinflint(tmp.path(), &full);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{full:?}: {}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
    // Every option has help text.
    for sub in ["per-million", "monthly", "efficiency", "compare"] {
        let out = skinflint(tmp.path(), &["cost", sub, "--help"]);
        let help = String::from_utf8_lossy(&out.stdout);
        for line in help.lines().filter(|l| l.trim_start().starts_with("--")) {
            let described = line
                .split_once("  ")
                .is_some_and(|(_, d)| !d.trim().is_empty());
            assert!(described || line.contains("--help"), "{sub}: {line}");
        }
    }
}

#[test]
fn cost_compare_prints_the_seeds_improvement() {
    // The seed: baseline $1000 for 100M predictions = $10.00/M; optimized $200 for 500M =
    // $0.40/M; 10 / 0.4 = 25.0x.
    let tmp = tempfile::tempdir().unwrap();
    let out = skinflint(
        tmp.path(),
        &[
            "cost",
            "compare",
            "--baseline-cost",
            "1000",
            "--baseline-predictions",
            "100000000",
            "--baseline-latency-ms",
            "100",
            "--baseline-accuracy",
            "0.95",
            "--optimized-cost",
            "200",
            "--optimized-predictions",
            "500000000",
            "--optimized-latency-ms",
            "20",
            "--optimized-accuracy",
            "0.94",
        ],
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(
        text.starts_with("Baseline: $10.00/M\nOptimized: $0.40/M\nImprovement: 25.0x\n"),
        "{text}"
    );
}

#[test]
fn workload_estimates_follow_gpu_products_and_never_show_zero_for_no_maximum() {
    // No pool in the files: the estimate takes the whole catalog, narrowed by the pod's
    // `nvidia.com/gpu.product: NVIDIA-A10G`. The cheapest amd64 A10G type that fits 2 cpu,
    // 8Gi and one GPU is g5.xlarge (3920m, 14162Mi allocatable; $1.006/h); the pod takes
    // its one GPU, so a replica costs 1.006 × 730 = $734.38 a month (shown as $734; the pod
    // selects no capacity type and has no pool, so it is priced on-demand). Without the selector
    // the cheapest would be a T4 (g4dn.xlarge, $0.526/h).
    let tmp = tempfile::tempdir().unwrap();
    let yaml = "apiVersion: apps/v1
kind: Deployment
metadata: {name: a10g}
spec:
  template:
    spec:
      nodeSelector: {nvidia.com/gpu.product: NVIDIA-A10G}
      containers:
        - {name: s, image: s:1, resources: {requests: {cpu: \"2\", memory: 8Gi}, limits: {nvidia.com/gpu: 1}}}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: a10g}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: a10g}
  minReplicas: 1
";
    let o = check_text(tmp.path(), yaml, None);
    let e = skinflint::costmodel::estimate::estimate(&o.files, 0.7);
    let w = &e.workloads[0];
    assert_eq!(w.instance.as_deref(), Some("g5.xlarge"));
    assert_eq!(format!("{:.2}", w.usd_month_min.unwrap()), "734.38");
    // The autoscaler sets no maximum: the upper figure is unbounded, not $0.000.
    assert_eq!((w.replicas_max, w.usd_month_max), (None, None));
    let text = skinflint::report::cost::estimate(&e);
    assert!(text.contains("$734 to unbounded"), "{text}");
    assert!(!text.contains("$0.000"), "{text}");
    let without = yaml.replace(
        "      nodeSelector: {nvidia.com/gpu.product: NVIDIA-A10G}\n",
        "",
    );
    let o = check_text(tmp.path(), &without, None);
    let e = skinflint::costmodel::estimate::estimate(&o.files, 0.7);
    assert_eq!(e.workloads[0].instance.as_deref(), Some("g4dn.xlarge"));
}
