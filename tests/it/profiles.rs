//! GPU profile replay: recommendations and savings on generated profiles, the real
//! captures in the corpus, attribution by DCGM labels, and the design's calculators.

use crate::common;

use crate::common::{corpus, generate_nvidia_smi, repo};
use skinflint::engine::{self, CheckRequest, ConfigChoice, Outcome};
use skinflint::profile::attach::ProfileInput;
use skinflint::rule::Finding;
use std::path::Path;
use std::process::Command;

fn check_with(manifest: &Path, profiles: Vec<ProfileInput>) -> Outcome {
    let mut req = CheckRequest::new(vec![manifest.to_string_lossy().into_owned()]);
    req.config = ConfigChoice::None;
    req.profiles = profiles;
    engine::check(&req).unwrap()
}

/// A profile written by `generate` replayed against a fixture, for one workload.
fn replay_generated(fixture: &str, workload: &str, generate: impl FnOnce(&Path)) -> Outcome {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("profile.csv");
    generate(&csv);
    check_with(
        &repo().join(fixture),
        vec![ProfileInput {
            path: csv,
            workload: Some(workload.into()),
        }],
    )
}

fn finding<'o>(o: &'o Outcome, rule: &str) -> &'o Finding {
    o.findings
        .iter()
        .find(|f| f.rule == rule)
        .unwrap_or_else(|| panic!("{rule} fires: {:?}", o.findings))
}

#[test]
fn a_week_on_g5_at_6_gib_recommends_a_t4_with_the_saving() {
    let o = replay_generated("fixtures/gpu-overprovisioned/bad.yaml", "ml/llm", |csv| {
        generate_nvidia_smi(csv, 168.0, 300.0, 35.0, 6144.0, 22888.0, 1, 1)
    });
    let f = finding(&o, "gpu-overprovisioned");
    assert!(
        f.message.contains("g5.xlarge") && f.message.contains("g4dn.xlarge"),
        "{}",
        f.message
    );
    let expected = (1.006 - 0.526) * 2.0 * 730.0;
    assert!(
        (f.savings_usd_month.unwrap() - expected).abs() < 0.01,
        "{:?} vs {expected}",
        f.savings_usd_month
    );
    assert!(
        !o.findings.iter().any(|f| f.rule == "gpu-profile-too-short"),
        "a week is long enough"
    );
    // The p95 is in the message as evidence.
    assert!(f.message.contains("p95 utilisation"), "{}", f.message);
    assert_eq!(f.severity, skinflint::rule::Severity::Warning);
}

#[test]
fn short_profiles_are_shown_but_only_as_info() {
    let o = replay_generated("fixtures/gpu-overprovisioned/bad.yaml", "ml/llm", |csv| {
        generate_nvidia_smi(csv, 2.0, 60.0, 35.0, 6144.0, 22888.0, 1, 1)
    });
    let f = finding(&o, "gpu-overprovisioned");
    assert_eq!(f.severity, skinflint::rule::Severity::Info);
    assert!(f.message.contains("low confidence"), "{}", f.message);
    assert!(o.findings.iter().any(|f| f.rule == "gpu-profile-too-short"));
}

#[test]
fn busy_gpus_are_not_moved_to_another_gpu_model() {
    // 6 GiB would fit a T4, but at ~80% p95 on an A10G the model may not keep up on one.
    let o = replay_generated("fixtures/gpu-overprovisioned/bad.yaml", "ml/llm", |csv| {
        generate_nvidia_smi(csv, 168.0, 300.0, 85.0, 6144.0, 22888.0, 1, 1)
    });
    let rules: Vec<_> = o.findings.iter().map(|f| f.rule.as_str()).collect();
    assert!(!rules.contains(&"gpu-overprovisioned"), "{rules:?}");
    assert!(!rules.contains(&"gpu-underutilized"), "{rules:?}");
}

#[test]
fn a_multi_arch_pod_may_move_to_graviton_gpus() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("llm.csv");
    generate_nvidia_smi(&csv, 168.0, 300.0, 35.0, 6144.0, 22888.0, 1, 1);
    let manifest = dir.path().join("llm.yaml");
    let deployment = |arches: &str| {
        format!(
            "apiVersion: apps/v1
kind: Deployment
metadata: {{name: llm, namespace: ml}}
spec:
  replicas: 1
  selector: {{matchLabels: {{app: llm}}}}
  template:
    metadata: {{labels: {{app: llm}}}}
    spec:
      nodeSelector: {{node.kubernetes.io/instance-type: g5.xlarge}}
      affinity:
        nodeAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            nodeSelectorTerms:
              - matchExpressions:
                  - {{key: kubernetes.io/arch, operator: In, values: [{arches}]}}
      containers:
        - name: server
          image: vllm:1
          resources:
            requests: {{cpu: \"2\", memory: 6Gi}}
            limits: {{nvidia.com/gpu: 1}}
"
        )
    };
    let recommended = |arches: &str| {
        std::fs::write(&manifest, deployment(arches)).unwrap();
        let o = check_with(
            &manifest,
            vec![ProfileInput {
                path: csv.clone(),
                workload: Some("ml/llm".into()),
            }],
        );
        let f = o
            .findings
            .iter()
            .find(|f| f.rule == "gpu-overprovisioned")
            .unwrap_or_else(|| panic!("{:?}", o.findings));
        f.message.clone()
    };
    // amd64 only: the T4 on x86. amd64 or arm64: the T4G on Graviton is cheaper still.
    assert!(
        recommended("amd64").contains("fits g4dn.xlarge"),
        "{}",
        recommended("amd64")
    );
    let both = recommended("amd64, arm64");
    assert!(both.contains("fits g5g.xlarge"), "{both}");
}

#[test]
fn near_capacity_profiles_are_not_downsized() {
    let o = replay_generated(
        "fixtures/gpu-memory-near-capacity/bad.yaml",
        "ml/llama",
        |csv| generate_nvidia_smi(csv, 48.0, 300.0, 60.0, 22200.0, 22888.0, 1, 1),
    );
    let rules: Vec<&str> = o.findings.iter().map(|f| f.rule.as_str()).collect();
    assert!(rules.contains(&"gpu-memory-near-capacity"), "{rules:?}");
    assert!(!rules.contains(&"gpu-overprovisioned"), "{rules:?}");
}

#[test]
fn four_gpus_with_one_busy() {
    let o = replay_generated(
        "fixtures/gpu-count-overprovisioned/bad.yaml",
        "ml/mixtral",
        |csv| generate_nvidia_smi(csv, 48.0, 300.0, 80.0, 20000.0, 22888.0, 4, 1),
    );
    let f = finding(&o, "gpu-count-overprovisioned");
    assert!(
        f.message.contains("requests 4 GPUs but only 1"),
        "{}",
        f.message
    );
}

#[test]
fn dcgm_labels_attach_profiles_and_strangers_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let scrape = dir.path().join("scrape.prom");
    let mut text = String::new();
    for i in 0..200u64 {
        let ts = 1_767_225_600_000u64 + i * 60_000;
        for (pod, util) in [("llm-5d8f7c9b6-x2k4q", 30), ("other-0", 50)] {
            let labels = format!("gpu=\"0\",UUID=\"GPU-{pod}\",modelName=\"NVIDIA A10G\",namespace=\"ml\",pod=\"{pod}\"");
            text.push_str(&format!("DCGM_FI_DEV_GPU_UTIL{{{labels}}} {util} {ts}\n"));
            text.push_str(&format!("DCGM_FI_DEV_FB_USED{{{labels}}} 5000 {ts}\n"));
            text.push_str(&format!("DCGM_FI_DEV_FB_FREE{{{labels}}} 17888 {ts}\n"));
        }
    }
    std::fs::write(&scrape, text).unwrap();
    let manifest = repo().join("fixtures/gpu-overprovisioned/bad.yaml");
    let o = check_with(
        &manifest,
        vec![ProfileInput {
            path: scrape,
            workload: None,
        }],
    );
    assert!(
        o.findings.iter().any(|f| f.rule == "gpu-overprovisioned"),
        "matched by pod name"
    );
    assert!(
        o.notes
            .iter()
            .any(|n| n.contains("other-0") && n.contains("matches no checked workload")),
        "{:?}",
        o.notes
    );
}

/// A DCGM scrape of a week at 5-minute steps: `(pod, uuid, util, used MiB)` per GPU, with
/// `spike` MiB every 200th step on the first GPU when given.
fn week_of_dcgm(path: &Path, gpus: &[(&str, &str, f64, f64)], spike: Option<f64>) {
    let mut text = String::new();
    for i in 0..2016u64 {
        let ts = 1_767_225_600_000u64 + i * 300_000;
        for (k, (pod, uuid, util, used)) in gpus.iter().enumerate() {
            let labels = format!("gpu=\"{k}\",UUID=\"{uuid}\",modelName=\"NVIDIA A10G\",namespace=\"ml\",pod=\"{pod}\"");
            let used = match spike {
                Some(s) if k == 0 && i % 200 == 0 => s,
                _ => *used,
            };
            text.push_str(&format!("DCGM_FI_DEV_GPU_UTIL{{{labels}}} {util} {ts}\n"));
            text.push_str(&format!("DCGM_FI_DEV_FB_USED{{{labels}}} {used} {ts}\n"));
            text.push_str(&format!(
                "DCGM_FI_DEV_FB_FREE{{{labels}}} {} {ts}\n",
                22888.0 - used
            ));
        }
    }
    std::fs::write(path, text).unwrap();
}

fn rules_for(
    manifest: &str,
    gpus: &[(&str, &str, f64, f64)],
    spike: Option<f64>,
) -> Vec<(String, String)> {
    let dir = tempfile::tempdir().unwrap();
    let m = dir.path().join("m.yaml");
    std::fs::write(&m, manifest).unwrap();
    let scrape = dir.path().join("scrape.prom");
    week_of_dcgm(&scrape, gpus, spike);
    let o = check_with(
        &m,
        vec![ProfileInput {
            path: scrape,
            workload: None,
        }],
    );
    assert!(
        !o.notes
            .iter()
            .any(|n| n.contains("matches no checked workload")),
        "{:?}",
        o.notes
    );
    o.findings
        .iter()
        .filter(|f| f.rule.starts_with("gpu-"))
        .map(|f| (f.rule.clone(), f.message.clone()))
        .collect()
}

fn deployment(name: &str, instance: &str, gpus: u32) -> String {
    crate::common::gpu_serving("Deployment", name, 3, gpus, None, Some(instance))
}

#[test]
fn recommendations_respect_spikes_replicas_and_sharding() {
    // Rare spikes to 20 GB: p99 is 6 GiB but a 16 GB T4 would run out of memory.
    let spiky = rules_for(
        &deployment("llm", "g5.xlarge", 1),
        &[("llm-5d8f7c9b6-x2k4q", "GPU-a", 35.0, 6144.0)],
        Some(20000.0),
    );
    assert!(!spiky.iter().any(|(_, m)| m.contains("g4dn")), "{spiky:?}");

    // Three replicas, one busy GPU each: one pod needs one GPU, not three.
    let replicas = rules_for(
        &deployment("llm", "g5.xlarge", 1),
        &[
            ("llm-5d8f7c9b6-x2k4q", "GPU-a", 80.0, 12000.0),
            ("llm-5d8f7c9b6-b7n9z", "GPU-b", 80.0, 12000.0),
            ("llm-5d8f7c9b6-m4p8r", "GPU-c", 80.0, 12000.0),
        ],
        None,
    );
    assert!(
        !replicas
            .iter()
            .any(|(r, _)| r == "gpu-overprovisioned" || r == "gpu-count-overprovisioned"),
        "{replicas:?}"
    );

    // A model sharded over 4 GPUs: all hold 18 GB though only one is busy.
    let sharded = rules_for(
        &deployment("llm", "g5.12xlarge", 4),
        &[
            ("llm-5d8f7c9b6-x2k4q", "GPU-a", 60.0, 18000.0),
            ("llm-5d8f7c9b6-x2k4q", "GPU-b", 3.0, 18000.0),
            ("llm-5d8f7c9b6-x2k4q", "GPU-c", 3.0, 18000.0),
            ("llm-5d8f7c9b6-x2k4q", "GPU-d", 3.0, 18000.0),
        ],
        None,
    );
    assert!(
        !sharded
            .iter()
            .any(|(r, _)| r == "gpu-count-overprovisioned"),
        "{sharded:?}"
    );
    assert!(
        !sharded
            .iter()
            .any(|(r, m)| r == "gpu-overprovisioned" && m.contains("xlarge ")),
        "{sharded:?}"
    );

    // Pods of Job `llm-train` are not pods of Deployment `llm`.
    let two = format!(
        "{}---
apiVersion: batch/v1
kind: Job
metadata: {{name: llm-train, namespace: ml}}
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: train
          image: train:1
          resources: {{limits: {{nvidia.com/gpu: 1}}}}
",
        deployment("llm", "g5.xlarge", 1)
    );
    let job = rules_for(&two, &[("llm-train-x7k2p", "GPU-a", 35.0, 6144.0)], None);
    let missing: Vec<&String> = job
        .iter()
        .filter(|(r, _)| r == "gpu-profile-missing")
        .map(|(_, m)| m)
        .collect();
    assert!(
        missing.len() == 1 && missing[0].contains("Deployment `llm`"),
        "the capture belongs to the Job, so only the Deployment lacks one: {job:?}"
    );
}

#[test]
fn a_profile_without_memory_recommends_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("util.csv");
    let mut text = String::from("timestamp, utilization.gpu [%]\n");
    for i in 0..3000u64 {
        text.push_str(&format!(
            "2026/01/{:02} {:02}:{:02}:00.000, 35 %\n",
            1 + i / 288,
            (i % 288) / 12,
            (i % 12) * 5
        ));
    }
    std::fs::write(&csv, text).unwrap();
    let o = check_with(
        &repo().join("fixtures/gpu-overprovisioned/bad.yaml"),
        vec![ProfileInput {
            path: csv,
            workload: Some("ml/llm".into()),
        }],
    );
    assert!(
        !o.findings.iter().any(|f| f.rule == "gpu-overprovisioned"),
        "{:?}",
        o.findings
    );
}

#[test]
fn real_captures_parse_with_model_and_memory() {
    let Some(c) = corpus() else {
        common::skip("../shared/corpus (for the real GPU captures)");
        return;
    };
    let dir = c.join("gpu-profiles/nvidia_gpu_exporter/extracted-query-gpu-csv");
    let mut seen = Vec::new();
    for e in std::fs::read_dir(&dir).unwrap().flatten() {
        let ps = skinflint::profile::read::read_path(&e.path()).unwrap();
        let g = ps[0].gpus.values().next().unwrap();
        seen.push((
            g.name.clone().unwrap_or_default(),
            g.memory_total_mib.unwrap_or(0.0) as u64,
        ));
    }
    seen.sort();
    seen.dedup();
    let names: Vec<&str> = seen.iter().map(|(n, _)| n.as_str()).collect();
    assert!(
        names.contains(&"NVIDIA H200")
            && names.contains(&"NVIDIA H100 80GB HBM3")
            && names.contains(&"NVIDIA L40S"),
        "{seen:?}"
    );
    assert!(seen.iter().all(|(_, m)| *m > 40_000), "{seen:?}");
    let dcgm = skinflint::profile::read::read_path(
        &c.join("gpu-profiles/datadog-integrations-core-dcgm/metrics.txt"),
    )
    .unwrap();
    let g = dcgm
        .iter()
        .flat_map(|p| p.gpus.values())
        .find(|g| g.name.as_deref() == Some("Tesla T4"))
        .expect("a T4");
    assert_eq!(g.memory_total_mib, Some(15109.0));
    let glasses =
        skinflint::profile::read::read_path(&c.join("gpu-profiles/gpu_glasses/nvidia_smi.csv"))
            .unwrap();
    assert_eq!(glasses[0].gpus.len(), 8);
    assert!(glasses[0]
        .gpus
        .values()
        .all(|g| g.memory_total_mib == Some(81559.0)));
}

#[test]
fn query_range_and_resource_profile_json() {
    let dir = tempfile::tempdir().unwrap();
    let qr = dir.path().join("qr.json");
    std::fs::write(
        &qr,
        r#"{"status":"success","data":{"resultType":"matrix","result":[
          {"metric":{"__name__":"DCGM_FI_DEV_GPU_UTIL","UUID":"GPU-1","modelName":"NVIDIA L4","namespace":"ml","pod":"llm-5d8f7c9b6-x2k4q"},"values":[[1767225600,"20"],[1767225660,"40"]]},
          {"metric":{"__name__":"DCGM_FI_DEV_FB_USED","UUID":"GPU-1","namespace":"ml","pod":"llm-5d8f7c9b6-x2k4q"},"values":[[1767225600,"4000"],[1767225660,"5000"]]}]}}"#,
    )
    .unwrap();
    let ps = skinflint::profile::read::read_path(&qr).unwrap();
    assert_eq!(ps[0].pod.as_deref(), Some("llm-5d8f7c9b6-x2k4q"));
    assert_eq!(ps[0].peak_mem_mib(), 5000.0);
    assert_eq!(ps[0].duration_s(), 60.0);
    let rp = dir.path().join("rp.json");
    std::fs::write(&rp, r#"{"avg_cpu_percent": 30, "max_cpu_percent": 80, "avg_memory_mb": 2000, "max_memory_mb": 3000, "avg_gpu_percent": 15, "avg_gpu_memory_mb": 3500, "avg_latency_ms": 20, "throughput_rps": 50}"#).unwrap();
    let ps = skinflint::profile::read::read_path(&rp).unwrap();
    assert_eq!(ps[0].util_quantile(0.95), Some(15.0));
    assert_eq!(ps[0].peak_mem_mib(), 3500.0);
}

#[test]
fn cost_calculators_reproduce_the_design_to_the_cent() {
    let run = |args: &[&str]| -> serde_json::Value {
        let out = Command::new(env!("CARGO_BIN_EXE_skinflint"))
            .args(args)
            .output()
            .unwrap();
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let gpu = run(&[
        "cost",
        "per-million",
        "--hourly-cost",
        "3.06",
        "--rps",
        "500",
        "--format",
        "json",
    ]);
    let cpu = run(&[
        "cost",
        "per-million",
        "--hourly-cost",
        "0.68",
        "--rps",
        "100",
        "--format",
        "json",
    ]);
    assert_eq!(
        format!(
            "{:.2}",
            gpu["cost_per_million_predictions"].as_f64().unwrap()
        ),
        "2.43"
    );
    assert_eq!(
        format!(
            "{:.2}",
            cpu["cost_per_million_predictions"].as_f64().unwrap()
        ),
        "2.70"
    );
    let m = run(&[
        "cost",
        "monthly",
        "--avg-rps",
        "200",
        "--peak-multiplier",
        "3",
        "--hourly-cost",
        "3.06",
        "--capacity-rps",
        "500",
        "--format",
        "json",
    ]);
    assert_eq!(
        format!("{:.2}", m["monthly_cost"].as_f64().unwrap()),
        "4467.60"
    );
    assert_eq!(
        format!("{:.3}", m["cost_per_million"].as_f64().unwrap()),
        "8.618"
    );
    let b = run(&[
        "cost",
        "efficiency",
        "--monthly-cost",
        "1000",
        "--monthly-predictions",
        "100000000",
        "--latency-p99-ms",
        "100",
        "--accuracy",
        "0.95",
        "--format",
        "json",
    ]);
    let o = run(&[
        "cost",
        "efficiency",
        "--monthly-cost",
        "200",
        "--monthly-predictions",
        "500000000",
        "--latency-p99-ms",
        "20",
        "--accuracy",
        "0.94",
        "--format",
        "json",
    ]);
    let (bm, om) = (
        b["cost_per_million_predictions"].as_f64().unwrap(),
        o["cost_per_million_predictions"].as_f64().unwrap(),
    );
    assert_eq!(
        (
            format!("{bm:.2}"),
            format!("{om:.2}"),
            format!("{:.1}", bm / om)
        ),
        ("10.00".into(), "0.40".into(), "25.0".into())
    );
}

#[test]
fn replay_prints_a_table_in_every_format_and_plots() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("llm.csv");
    generate_nvidia_smi(&csv, 48.0, 300.0, 35.0, 6144.0, 22888.0, 1, 1);
    let manifest = repo().join("fixtures/gpu-overprovisioned/bad.yaml");
    let spec = format!("ml/llm={}", csv.display());
    let plots = dir.path().join("plots");
    let replay = |format: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_skinflint"))
            .args(["replay", "--manifests", manifest.to_str().unwrap()])
            .args(["--profile", &spec, "--format", format])
            .args(["--plot", plots.to_str().unwrap()])
            .output()
            .unwrap();
        let out = common::succeeded(out, "replay");
        String::from_utf8(out.stdout).unwrap()
    };
    let json = replay("json");
    let rows: serde_json::Value = serde_json::from_str(&json).unwrap();
    let r = &rows[0];
    assert_eq!(r["current"], "g5.xlarge");
    assert_eq!(r["recommended"], "g4dn.xlarge");
    assert!((r["savings_usd_month"].as_f64().unwrap() - 700.8).abs() < 0.01);
    // The generator cycles 35% × k/19 (k = 0..19, rounded): 20 equally likely values whose
    // nearest-rank p50, p95 and p99 are 17, 33 and 35. Each within the documented 0.1 point.
    let gpu = &r["per_gpu"][0];
    for (q, want) in [
        ("p50_utilization", 17.0),
        ("p95_utilization", 33.0),
        ("p99_utilization", 35.0),
        ("max_utilization", 35.0),
    ] {
        assert!((gpu[q].as_f64().unwrap() - want).abs() <= 0.1, "{q}: {gpu}");
    }

    let md = replay("markdown");
    assert!(
        md.contains("| `ml/llm` | 576 | 47.9 | 17% / 33% / 35% | 6.0 GiB | 1/1 | g5.xlarge | g4dn.xlarge | $701 | high |"),
        "{md}"
    );
    let table = replay("csv");
    let mut lines = table.lines();
    assert!(lines
        .next()
        .unwrap()
        .starts_with("namespace,workload,gpu_model,samples,"));
    let row = lines.next().unwrap();
    assert!(
        row.starts_with("ml,llm,") && row.contains(",g5.xlarge,g4dn.xlarge,,700.80,high,1.00,"),
        "{row}"
    );

    let svg = std::fs::read_to_string(plots.join("ml_llm.svg")).unwrap();
    assert!(
        svg.starts_with("<svg") || svg.contains("<svg"),
        "not an SVG"
    );
    for label in [
        "GPU utilisation",
        "current GPU",
        "recommended GPU",
        "memory GiB",
    ] {
        assert!(svg.contains(label), "the plot lacks {label:?}");
    }
    assert!(svg.contains("<polyline"), "the plot draws no series");
}

// ---------------------------------------------------------------------------------------
// Scenarios a careful GPU engineer judged: generated profiles of realistic shape (a
// diurnal curve, noise, gaps), each with the answer worked out by hand. Prices are the
// catalog's us-east-1 on-demand list prices; GPU facts come from data/gpus.csv.

/// Deterministic noise in [-1, 1) (xorshift64*), so every run generates the same profile.
struct Noise(u64);

impl Noise {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        let v = self.0.wrapping_mul(0x2545_F491_4F6C_DD1D);
        (v >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0
    }
}

/// A day's shape: utilisation from `low` (04:00) to `high` (16:00) on a cosine, plus
/// `noise` points either way; optionally `burst` = (hour of day, hours, level); memory
/// follows the same curve between `mem` bounds (MiB).
#[derive(Clone, Copy)]
struct Shape {
    low: f64,
    high: f64,
    noise: f64,
    burst: Option<(f64, f64, f64)>,
    mem: (f64, f64),
}

impl Shape {
    fn at(&self, t: u64, n: &mut Noise) -> (f64, f64) {
        let hour = (t % 86_400) as f64 / 3600.0;
        let d = 0.5 - 0.5 * (2.0 * std::f64::consts::PI * (hour - 4.0) / 24.0).cos();
        let mut u = self.low + (self.high - self.low) * d + self.noise * n.next();
        if let Some((from, len, level)) = self.burst {
            if hour >= from && hour < from + len {
                u = level + self.noise * 0.5 * n.next();
            }
        }
        let m = self.mem.0 + (self.mem.1 - self.mem.0) * d + 64.0 * n.next();
        (u.clamp(0.0, 100.0).round(), m.max(0.0).round())
    }
}

/// One GPU of a generated DCGM recording.
struct Gpu<'a> {
    node: &'a str,
    index: u32,
    pod: &'a str,
    model: &'a str,
    /// FB_USED + FB_FREE, MiB.
    total: f64,
    shape: Shape,
}

const START: u64 = 1_767_225_600; // 2026-01-01T00:00:00Z

/// A DCGM exporter recording (scrapes with millisecond timestamps, as a Prometheus
/// federation dump has them): `hours` at `step_s`, nothing inside `gaps` (hours from the
/// start).
fn dcgm(path: &Path, hours: f64, step_s: u64, gpus: &[Gpu], gaps: &[(f64, f64)]) {
    use std::io::Write;
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let mut noise = Noise(0x9E37_79B9_7F4A_7C15);
    let steps = (hours * 3600.0 / step_s as f64) as u64;
    writeln!(f, "# HELP DCGM_FI_DEV_GPU_UTIL GPU utilization (in %).").unwrap();
    writeln!(f, "# TYPE DCGM_FI_DEV_GPU_UTIL gauge").unwrap();
    for i in 0..steps {
        let t = START + i * step_s;
        let h = (i * step_s) as f64 / 3600.0;
        if gaps.iter().any(|(a, b)| h >= *a && h < *b) {
            continue;
        }
        for g in gpus {
            let (u, m) = g.shape.at(t, &mut noise);
            let labels = format!(
                "gpu=\"{}\",UUID=\"GPU-{}-{}\",device=\"nvidia{}\",modelName=\"{}\",Hostname=\"{}\",container=\"server\",namespace=\"ml\",pod=\"{}\"",
                g.index, g.node, g.index, g.index, g.model, g.node, g.pod
            );
            let ms = t * 1000;
            writeln!(f, "DCGM_FI_DEV_GPU_UTIL{{{labels}}} {u} {ms}").unwrap();
            writeln!(f, "DCGM_FI_DEV_FB_USED{{{labels}}} {m} {ms}").unwrap();
            writeln!(f, "DCGM_FI_DEV_FB_FREE{{{labels}}} {} {ms}", g.total - m).unwrap();
        }
    }
}

/// A Deployment `ml/NAME` with `replicas`, per-pod requests, a GPU limit, and an
/// optional pinned instance type.
fn serving(
    name: &str,
    replicas: u32,
    cpu: &str,
    memory: &str,
    gpus: u32,
    pin: Option<&str>,
) -> String {
    crate::common::gpu_serving("Deployment", name, replicas, gpus, Some((cpu, memory)), pin)
}

/// Replays `profile` against `manifest` with `skinflint replay --format json` and runs the
/// profile rules with `check`: the one row, and the findings.
fn scenario(manifest: &str, write: impl FnOnce(&Path)) -> (serde_json::Value, Outcome) {
    let dir = tempfile::tempdir().unwrap();
    let m = dir.path().join("manifest.yaml");
    std::fs::write(&m, manifest).unwrap();
    let prof = dir.path().join("scrape.prom");
    write(&prof);
    let out = Command::new(env!("CARGO_BIN_EXE_skinflint"))
        .args(["replay", "--manifests", m.to_str().unwrap()])
        .args(["--format", "json", prof.to_str().unwrap()])
        .output()
        .unwrap();
    let rows = common::json(&out);
    assert_eq!(rows.as_array().map(Vec::len), Some(1), "{rows}");
    let o = check_with(
        &m,
        vec![ProfileInput {
            path: prof,
            workload: None,
        }],
    );
    (rows[0].clone(), o)
}

fn money_of(row: &serde_json::Value) -> f64 {
    row["savings_usd_month"].as_f64().unwrap_or(0.0)
}

const PODS: [&str; 8] = [
    "llm-7d9f8c6b5-x2k4q",
    "llm-7d9f8c6b5-b7n9z",
    "llm-7d9f8c6b5-m4p8r",
    "llm-7d9f8c6b5-q5t6w",
    "llm-7d9f8c6b5-h8j2k",
    "llm-7d9f8c6b5-v9c4d",
    "llm-7d9f8c6b5-z6f7g",
    "llm-7d9f8c6b5-s2l5n",
];

#[test]
fn three_replicas_in_one_scrape_are_three_one_gpu_pods() {
    // Three replicas of `llm`, one A10G each on its own node (g5.xlarge: the cheapest
    // type with one A10G that fits 2 CPU / 8 GiB, $1.006/h), 7 days at 5-minute scrapes
    // with a 2-hour gap; 10% at night to 35% in the afternoon, ±3 points; 5–7 GiB.
    // Careful answer: one GPU per replica. Sustained p99 ≈ 37%; a T4 is
    // min(320/600, 65/70) = 0.53× the speed, so ≈ 70% there, under 80%; 8.4 GiB with 20%
    // headroom fits its 15,109 MiB. g4dn.xlarge at $0.526/h (not the 4-GPU g4dn.12xlarge):
    // (1.006 − 0.526) × 3 replicas × 730 h = $1,051.20, high confidence, and the T4's
    // missing BF16 is said.
    let shape = Shape {
        low: 10.0,
        high: 35.0,
        noise: 3.0,
        burst: None,
        mem: (5120.0, 7168.0),
    };
    let nodes = ["ip-10-0-1-11", "ip-10-0-1-12", "ip-10-0-1-13"];
    let (row, o) = scenario(&serving("llm", 3, "2", "8Gi", 1, None), |p| {
        let gpus: Vec<Gpu> = (0..3)
            .map(|k| Gpu {
                node: nodes[k],
                index: 0,
                pod: PODS[k],
                model: "NVIDIA A10G",
                total: 22888.0,
                shape,
            })
            .collect();
        dcgm(p, 168.0, 300, &gpus, &[(50.0, 52.0)]);
    });
    assert_eq!(row["current"], "g5.xlarge", "{row}");
    assert_eq!(row["recommended"], "g4dn.xlarge", "{row}");
    assert_eq!(
        (row["gpus"].as_u64(), row["gpus_busy"].as_u64()),
        (Some(1), Some(1))
    );
    assert!((money_of(&row) - 1051.20).abs() < 0.01, "{row}");
    assert_eq!(row["confidence"], "high", "{row}");
    let f = finding(&o, "gpu-overprovisioned");
    assert_eq!(f.severity, skinflint::rule::Severity::Warning);
    assert!((f.savings_usd_month.unwrap() - 1051.20).abs() < 0.01);
    assert!(
        f.message.contains("0.53×")
            && f.message.contains("load-test")
            && f.message.contains("no BF16"),
        "{}",
        f.message
    );
    assert!(!o
        .findings
        .iter()
        .any(|f| f.rule == "gpu-count-overprovisioned"));
}

#[test]
fn eight_replicas_on_one_p4d_share_its_price() {
    // Eight 1-GPU replicas packed on one p4d.24xlarge ($21.9576/h, 8 × A100 40 GB), as
    // the pin says and the profile agrees: each replica costs 21.9576 / 8 = $2.7447/h. Each uses 8% at night to 20% in the afternoon (±2), 12–14 GiB.
    // Careful answer: sustained p99 ≈ 22%. L40S: min(864/1555, 362/312) = 0.556× → ≈ 40%,
    // fits; A10G 0.224× (≈ 98%), L4 0.193× and T4 0.206× do not. 17 GiB with headroom
    // fits the L40S's 45,460 MiB; 3 CPU / 24 GiB fit g6e.xlarge's allocatable ($1.861/h).
    // Saving (2.7447 − 1.861) × 8 × 730 = $5,160.81, under the node's own $16,029.05 a
    // month (not 8 × the node's price).
    let shape = Shape {
        low: 8.0,
        high: 20.0,
        noise: 2.0,
        burst: None,
        mem: (12288.0, 14336.0),
    };
    let (row, o) = scenario(
        &serving("llm", 8, "3", "24Gi", 1, Some("p4d.24xlarge")),
        |p| {
            let gpus: Vec<Gpu> = (0..8)
                .map(|k| Gpu {
                    node: "ip-10-0-2-21",
                    index: k as u32,
                    pod: PODS[k],
                    model: "NVIDIA A100-SXM4-40GB",
                    total: 40536.0,
                    shape,
                })
                .collect();
            dcgm(p, 168.0, 300, &gpus, &[]);
        },
    );
    assert_eq!(row["current"], "p4d.24xlarge", "{row}");
    assert!((row["current_usd_hour_per_replica"].as_f64().unwrap() - 2.7447).abs() < 1e-9);
    assert_eq!(row["recommended"], "g6e.xlarge", "{row}");
    assert!((money_of(&row) - 5160.81).abs() < 0.01, "{row}");
    assert!(money_of(&row) < 21.9576 * 730.0);
    assert!((row["speed_ratio"].as_f64().unwrap() - 864.0 / 1555.0).abs() < 1e-6);
    assert_eq!(row["confidence"], "high");
    let f = finding(&o, "gpu-overprovisioned");
    assert!(
        f.message.contains("1 of the node's 8 GPUs") && f.message.contains("0.56×"),
        "{}",
        f.message
    );
}

#[test]
fn a_daily_hour_at_95_percent_keeps_its_gpu() {
    // One A10G replica pinned to g5.xlarge, 7 days at 1-minute scrapes: 15–30% (±3) and
    // 95% from 14:00 to 15:00 every day; 6 GiB. p95 of all samples ≈ 34% (the busy hour
    // is 4% of the day), which alone would send it to a T4. Careful answer: the busiest
    // 5-minute windows are at 95% (p99: 12 of 288 windows a day), above the 80% ceiling on
    // any GPU, so nothing is recommended, and the reason is given.
    let shape = Shape {
        low: 15.0,
        high: 30.0,
        noise: 3.0,
        burst: Some((14.0, 1.0, 95.0)),
        mem: (6144.0, 6144.0),
    };
    let (row, o) = scenario(&serving("llm", 1, "2", "8Gi", 1, Some("g5.xlarge")), |p| {
        dcgm(
            p,
            168.0,
            60,
            &[Gpu {
                node: "ip-10-0-3-31",
                index: 0,
                pod: PODS[0],
                model: "NVIDIA A10G",
                total: 22888.0,
                shape,
            }],
            &[],
        )
    });
    let p95 = row["p95_utilization"].as_f64().unwrap();
    assert!((30.0..40.0).contains(&p95), "{row}");
    assert!(
        row["sustained_utilization"].as_f64().unwrap() >= 90.0,
        "{row}"
    );
    assert!(row["recommended"].is_null(), "{row}");
    assert!(row["savings_usd_month"].is_null(), "{row}");
    assert!(row["notes"].to_string().contains("80% ceiling"), "{row}");
    assert!(!o.findings.iter().any(|f| f.rule == "gpu-overprovisioned"));
}

#[test]
fn an_h100_moving_to_an_l40s_names_the_speed_ratio() {
    // One H100 replica: the profile shows 1 × H100 80GB HBM3 per node, so it runs on
    // p5.4xlarge ($6.88/h), the only type with one H100. 5–15% (±2), 18–20 GiB.
    // Careful answer: sustained p99 ≈ 17%. L40S: min(864/3350, 362/989) = 0.258× → ≈ 66%,
    // under 80%; L4 (0.090×) and A10G (0.071×) would be far over. 24 GiB with headroom
    // fits 45,460 MiB; 3 CPU / 24 GiB fit g6e.xlarge ($1.861/h). Saving
    // (6.88 − 1.861) × 730 = $3,663.87, with the ratio and a load test in the message.
    let shape = Shape {
        low: 5.0,
        high: 15.0,
        noise: 2.0,
        burst: None,
        mem: (18432.0, 20480.0),
    };
    let (row, o) = scenario(&serving("llm", 1, "3", "24Gi", 1, None), |p| {
        dcgm(
            p,
            168.0,
            300,
            &[Gpu {
                node: "ip-10-0-4-41",
                index: 0,
                pod: PODS[0],
                model: "NVIDIA H100 80GB HBM3",
                total: 81081.0,
                shape,
            }],
            &[],
        )
    });
    assert_eq!(row["current"], "p5.4xlarge", "{row}");
    assert_eq!(row["recommended"], "g6e.xlarge", "{row}");
    assert!((money_of(&row) - 3663.87).abs() < 0.01, "{row}");
    let f = finding(&o, "gpu-overprovisioned");
    assert!(
        f.message.contains("0.26×") && f.message.contains("load-test"),
        "{}",
        f.message
    );
    assert!(
        !f.message.contains("no FP8"),
        "the L40S has FP8: {}",
        f.message
    );
}

#[test]
fn a_45_minute_profile_is_low_confidence_everywhere() {
    // 45 minutes of one A10G at 30–35% and 6 GiB on g5.xlarge. A T4 would fit and save
    // (1.006 − 0.526) × 730 = $350.40, but 45 minutes is under a day (and 45 samples
    // under 100): low confidence in every replay output, the finding is info, and the
    // saving is in no total.
    let shape = Shape {
        low: 30.0,
        high: 35.0,
        noise: 1.0,
        burst: None,
        mem: (6144.0, 6144.0),
    };
    let manifest = serving("llm", 1, "2", "8Gi", 1, Some("g5.xlarge"));
    let write = |p: &Path| {
        dcgm(
            p,
            0.75,
            60,
            &[Gpu {
                node: "ip-10-0-5-51",
                index: 0,
                pod: PODS[0],
                model: "NVIDIA A10G",
                total: 22888.0,
                shape,
            }],
            &[],
        )
    };
    let (row, o) = scenario(&manifest, write);
    assert_eq!(row["confidence"], "low", "{row}");
    assert!(
        row["confidence_reasons"].to_string().contains("under 24"),
        "{row}"
    );
    let f = finding(&o, "gpu-overprovisioned");
    assert_eq!(f.severity, skinflint::rule::Severity::Info);
    assert_eq!(
        f.savings_usd_month, None,
        "a low-confidence saving enters no total"
    );
    assert!(
        f.message.contains("$350") && f.message.contains("not counted"),
        "{}",
        f.message
    );

    let dir = tempfile::tempdir().unwrap();
    let m = dir.path().join("m.yaml");
    std::fs::write(&m, &manifest).unwrap();
    let prof = dir.path().join("scrape.prom");
    write(&prof);
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_skinflint"))
            .args(args)
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    let (m, prof) = (m.to_str().unwrap(), prof.to_str().unwrap());
    for format in ["human", "markdown"] {
        let table = run(&["replay", "--manifests", m, "--format", format, prof]);
        assert!(
            table.contains("confidence") && table.contains(" low"),
            "{table}"
        );
    }
    let csv = run(&["replay", "--manifests", m, "--format", "csv", prof]);
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let cells: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = header.iter().position(|h| *h == "confidence").unwrap();
    assert_eq!(cells[col], "low", "{csv}");
    let human = run(&["check", m, "--no-config", "--profiles", prof]);
    assert!(!human.contains("at stake"), "{human}");
}

#[test]
fn a_pin_that_contradicts_the_profile_gets_no_recommendation() {
    // Pinned to g4dn.xlarge (a T4), but the profile shows an A10G: the manifests and the
    // recording disagree, so neither the price nor the fit can be trusted. Careful answer:
    // say so, recommend nothing.
    let shape = Shape {
        low: 10.0,
        high: 30.0,
        noise: 3.0,
        burst: None,
        mem: (4096.0, 5120.0),
    };
    let (row, o) = scenario(
        &serving("llm", 1, "2", "8Gi", 1, Some("g4dn.xlarge")),
        |p| {
            dcgm(
                p,
                168.0,
                300,
                &[Gpu {
                    node: "ip-10-0-6-61",
                    index: 0,
                    pod: PODS[0],
                    model: "NVIDIA A10G",
                    total: 22888.0,
                    shape,
                }],
                &[],
            )
        },
    );
    assert!(
        row["recommended"].is_null() && row["current"].is_null(),
        "{row}"
    );
    assert!(
        row["notes"].to_string().contains("pinned to g4dn.xlarge"),
        "{row}"
    );
    assert!(!o.findings.iter().any(|f| f.rule == "gpu-overprovisioned"));
}

#[test]
fn coverage_gaps_make_a_week_low_confidence() {
    // 7 days at 5-minute scrapes with two days missing (hours 48–96): data in 120 of 168
    // hours, 71% coverage, under 80%. Careful answer: low confidence, info, no total.
    let shape = Shape {
        low: 10.0,
        high: 30.0,
        noise: 3.0,
        burst: None,
        mem: (5120.0, 6144.0),
    };
    let (row, o) = scenario(&serving("llm", 1, "2", "8Gi", 1, Some("g5.xlarge")), |p| {
        dcgm(
            p,
            168.0,
            300,
            &[Gpu {
                node: "ip-10-0-7-71",
                index: 0,
                pod: PODS[0],
                model: "NVIDIA A10G",
                total: 22888.0,
                shape,
            }],
            &[(48.0, 96.0)],
        )
    });
    assert_eq!(row["confidence"], "low", "{row}");
    let cov = &row["coverage"];
    assert_eq!(
        (
            cov["hours_with_data"].as_u64(),
            cov["hours_spanned"].as_u64(),
            cov["gaps"].as_u64()
        ),
        (Some(120), Some(168), Some(1)),
        "{row}"
    );
    assert!(o
        .findings
        .iter()
        .filter(|f| f.rule.starts_with("gpu-"))
        .all(|f| f.severity == skinflint::rule::Severity::Info && f.savings_usd_month.is_none()));
    assert!(o.findings.iter().any(|f| f.rule == "gpu-profile-too-short"));
}

#[test]
fn replay_json_has_memory_quantiles_and_plots_name_the_gpus() {
    let dir = tempfile::tempdir().unwrap();
    let m = dir.path().join("m.yaml");
    std::fs::write(&m, serving("llm", 1, "2", "8Gi", 1, Some("g5.xlarge"))).unwrap();
    let prof = dir.path().join("scrape.prom");
    // Memory steady at 6 GiB: p50 and p95 are 6 GiB (to the 16 MiB bin).
    let shape = Shape {
        low: 10.0,
        high: 30.0,
        noise: 3.0,
        burst: None,
        mem: (6144.0, 6144.0),
    };
    let gpu = |pod| Gpu {
        node: "ip-10-0-8-81",
        index: 0,
        pod,
        model: "NVIDIA A10G",
        total: 22888.0,
        shape,
    };
    dcgm(&prof, 48.0, 300, &[gpu(PODS[0])], &[]);
    let plots = dir.path().join("plots");
    let out = Command::new(env!("CARGO_BIN_EXE_skinflint"))
        .args([
            "replay",
            "--manifests",
            m.to_str().unwrap(),
            "--format",
            "json",
        ])
        .args(["--plot", plots.to_str().unwrap(), prof.to_str().unwrap()])
        .output()
        .unwrap();
    let rows = common::json(&out);
    for q in ["p50_memory_gib", "p95_memory_gib"] {
        let v = rows[0][q].as_f64().unwrap();
        assert!((v - 6.0).abs() <= 0.1, "{q}: {}", rows[0]);
    }
    let svg = std::fs::read_to_string(plots.join("ml_llm.svg")).unwrap();
    assert!(
        svg.contains("GPU-ip-10-0-8-81-0") && svg.contains("NVIDIA A10G"),
        "the plot names its GPUs"
    );
    assert!(!svg.contains("Too little data"), "two days are enough");

    // One scrape: the plot says there is too little data.
    dcgm(&prof, 0.1, 300, &[gpu(PODS[0])], &[]);
    let out = Command::new(env!("CARGO_BIN_EXE_skinflint"))
        .args([
            "replay",
            "--manifests",
            m.to_str().unwrap(),
            "--format",
            "json",
        ])
        .args(["--plot", plots.to_str().unwrap(), prof.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success());
    let svg = std::fs::read_to_string(plots.join("ml_llm.svg")).unwrap();
    assert!(
        svg.contains("too short to plot (1 sample per GPU)") && svg.contains("GPU-ip-10-0-8-81-0"),
        "{svg}"
    );
}

#[test]
fn real_captures_recommend_nothing_at_high_confidence() {
    let Some(c) = corpus() else {
        common::skip("../shared/corpus (for the real GPU captures)");
        return;
    };
    // Each capture (one sample, or seconds of them) replayed for a one-replica workload
    // on the GPU it shows: whatever it suggests is low confidence and counted nowhere.
    let dir = tempfile::tempdir().unwrap();
    let m = dir.path().join("m.yaml");
    std::fs::write(&m, serving("llm", 1, "2", "8Gi", 1, None)).unwrap();
    let mut captures: Vec<std::path::PathBuf> =
        std::fs::read_dir(c.join("gpu-profiles/nvidia_gpu_exporter/extracted-query-gpu-csv"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
    captures.push(c.join("gpu-profiles/gpu_glasses/nvidia_smi.csv"));
    captures.sort();
    for capture in &captures {
        let spec = format!("ml/llm={}", capture.display());
        let out = Command::new(env!("CARGO_BIN_EXE_skinflint"))
            .args(["replay", "--manifests", m.to_str().unwrap()])
            .args(["--profile", &spec, "--format", "json"])
            .output()
            .unwrap();
        let rows = common::json(&out);
        for r in rows.as_array().unwrap() {
            assert_eq!(r["confidence"], "low", "{}: {r}", capture.display());
        }
        let o = check_with(
            &m,
            vec![ProfileInput {
                path: capture.clone(),
                workload: Some("ml/llm".into()),
            }],
        );
        for f in o.findings.iter().filter(|f| f.rule.starts_with("gpu-")) {
            assert!(
                f.savings_usd_month.is_none()
                    && (f.severity == skinflint::rule::Severity::Info
                        || f.rule == "gpu-memory-near-capacity"),
                "{}: {f:?}",
                capture.display()
            );
        }
    }
}

#[test]
fn a_4_cpu_16_gib_pod_is_not_sent_to_a_g4dn_xlarge() {
    // A pod requesting 4 CPU and 16Gi, one A10G: g5.xlarge (4 vCPU, 16 GiB) cannot hold it
    // (allocatable 3920m, 14.3 GiB), so the profile's A10G is on g5.2xlarge ($1.212/h,
    // allocatable 7910m / 29317Mi). 10–35% (±3), 5–7 GiB, 7 days at 5 minutes.
    // Careful answer: a T4 fits the load (sustained ≈ 37% / 0.53 ≈ 70%) and the memory, but
    // g4dn.xlarge offers pods 3920m and 14481Mi, less than 4000m and 16384Mi; g4dn.2xlarge
    // (7910m, 29636Mi, $0.752/h) does. Saving (1.212 − 0.752) × 730 = $335.80.
    let shape = Shape {
        low: 10.0,
        high: 35.0,
        noise: 3.0,
        burst: None,
        mem: (5120.0, 7168.0),
    };
    let (row, _) = scenario(&serving("llm", 1, "4", "16Gi", 1, None), |p| {
        dcgm(
            p,
            168.0,
            300,
            &[Gpu {
                node: "ip-10-0-9-91",
                index: 0,
                pod: PODS[0],
                model: "NVIDIA A10G",
                total: 22888.0,
                shape,
            }],
            &[],
        )
    });
    assert_eq!(row["current"], "g5.2xlarge", "{row}");
    assert_eq!(row["recommended"], "g4dn.2xlarge", "{row}");
    assert!((money_of(&row) - 335.80).abs() < 0.01, "{row}");
    assert_eq!(row["confidence"], "high");
}

#[test]
fn retired_k80_and_m60_types_are_never_targets() {
    // A pool allowing the p2 (K80), g3s (M60) and g5 (A10G) families; one A10G replica
    // at 1–3% and 2–3 GiB. By price and speed alone a g3s.xlarge ($0.75/h; M60 at
    // 4.83 / 70 = 0.069× of an A10G puts ≈ 3.5% at ≈ 50%) would be picked. Careful
    // answer: Karpenter no longer offers p2 or g3s, so the pool's only current GPU family
    // is g5, already the cheapest: nothing is recommended, and p2 or g3s is never named.
    let shape = Shape {
        low: 1.0,
        high: 3.0,
        noise: 0.5,
        burst: None,
        mem: (2048.0, 3072.0),
    };
    let manifest = format!(
        "apiVersion: karpenter.sh/v1
kind: NodePool
metadata: {{name: gpu}}
spec:
  template:
    spec:
      nodeClassRef: {{group: karpenter.k8s.aws, kind: EC2NodeClass, name: default}}
      requirements:
        - {{key: karpenter.k8s.aws/instance-family, operator: In, values: [p2, g3s, g5]}}
---
{}",
        serving("llm", 1, "2", "8Gi", 1, None)
    );
    let (row, o) = scenario(&manifest, |p| {
        dcgm(
            p,
            168.0,
            300,
            &[Gpu {
                node: "ip-10-0-9-92",
                index: 0,
                pod: PODS[0],
                model: "NVIDIA A10G",
                total: 22888.0,
                shape,
            }],
            &[],
        )
    });
    assert_eq!(row["current"], "g5.xlarge", "{row}");
    assert!(row["recommended"].is_null(), "{row}");
    for f in o.findings.iter().filter(|f| f.rule.starts_with("gpu-")) {
        assert!(
            !f.message.contains("g3s.") && !f.message.contains("p2."),
            "{}",
            f.message
        );
    }
}

#[test]
fn a_named_profile_that_cannot_be_read_fails_the_run_one_in_a_directory_is_a_note() {
    let dir = tempfile::tempdir().unwrap();
    let profiles = dir.path().join("profiles");
    std::fs::create_dir(&profiles).unwrap();
    let bad = profiles.join("bad.csv");
    std::fs::write(&bad, "timestamp, name\n2026/01/01 00:00:00.000, A10G\n").unwrap();
    let manifests = repo().join("examples/needs-work");
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_skinflint"))
            .args(args)
            .current_dir(dir.path())
            .output()
            .unwrap()
    };
    let m = manifests.to_str().unwrap();
    // Named on the command line, by `check` or `replay`: exit 2 with the file and line.
    for args in [
        vec!["check", "--no-config", m, "--profiles", "profiles/bad.csv"],
        vec![
            "check",
            "--no-config",
            m,
            "--profile",
            "ml/llm=profiles/bad.csv",
        ],
        vec!["replay", "profiles/bad.csv", "--manifests", m],
    ] {
        let out = run(&args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains("cannot read profile profiles/bad.csv: line 1:"),
            "{args:?}: {err}"
        );
    }
    // Found in a directory the user named: a note, and the run goes on.
    let out = run(&[
        "check",
        "--no-config",
        "--fail-on",
        "never",
        m,
        "--profiles",
        "profiles",
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("note: profiles/bad.csv: line 1:"), "{err}");
}
