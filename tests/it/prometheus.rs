//! Replay from a real Prometheus server: a week of DCGM series at 30 s for two
//! workloads (one over-provisioned, one busy) is backfilled with promtool, served by
//! `prometheus`, and replayed with `--prometheus`. The findings and the replay table
//! equal those of replaying the same samples from the file, and the number of queries
//! does not grow with the samples. Skipped, with a message, without the Debian
//! `prometheus` package (a failure under CI).

use crate::common;
use std::fmt::Write as _;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The first sample (a whole hour) and the last, a week later: the evaluation time.
const T0: u64 = 1_794_996_000;
const STEP: u64 = 30;
const WEEK: u64 = 7 * 86_400;

/// A Prometheus server on a loopback port, stopped on drop (also when a test panics).
struct Server {
    child: Child,
    url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn tool(name: &str) -> Option<PathBuf> {
    let ok = Command::new(name)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    ok.then(|| PathBuf::from(name))
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Backfills `om` into a fresh data directory and starts the server on it, waiting
/// (at most 30 s) for `/-/ready`.
fn start(prometheus: &Path, promtool: &Path, om: &Path, dir: &Path) -> Server {
    let data = dir.join("data");
    let out = Command::new(promtool)
        .args([
            "tsdb",
            "create-blocks-from",
            "--max-block-duration=168h",
            "openmetrics",
        ])
        .arg(om)
        .arg(&data)
        .output()
        .unwrap();
    common::succeeded(out, "promtool");
    let config = dir.join("prometheus.yml");
    std::fs::write(
        &config,
        "global:\n  scrape_interval: 30s\n  evaluation_interval: 30s\n",
    )
    .unwrap();
    let port = free_port();
    let child = Command::new(prometheus)
        .arg(format!("--config.file={}", config.display()))
        .arg(format!("--storage.tsdb.path={}", data.display()))
        // Retention is measured from the newest block: keep the backfilled week.
        .arg("--storage.tsdb.retention.time=100y")
        .arg(format!("--web.listen-address=127.0.0.1:{port}"))
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(dir.join("prometheus.log")).unwrap())
        .spawn()
        .unwrap();
    let server = Server {
        child,
        url: format!("http://127.0.0.1:{port}"),
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let ready = ureq::get(&format!("{}/-/ready", server.url))
            .timeout(Duration::from_secs(2))
            .call()
            .is_ok();
        if ready {
            return server;
        }
        assert!(
            Instant::now() < deadline,
            "prometheus not ready after 30 s: {}",
            std::fs::read_to_string(dir.join("prometheus.log")).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// One GPU's series: utilisation by 5-minute window of the day (`busy` windows at
/// `peak`, `quiet` windows at `low`, the rest at `usual`) and memory likewise.
struct Gpu {
    pod: &'static str,
    uuid: &'static str,
    node: &'static str,
    /// (low, usual, peak) utilisation, %.
    util: (f64, f64, f64),
    /// (low, usual, peak) memory, MiB.
    mem: (f64, f64, f64),
}

const TOTAL_MIB: f64 = 22_888.0;

/// Per day of 288 five-minute windows: 24 quiet, 6 at the peak, the rest usual. Blocks
/// are whole aligned windows, so every quantile lies inside a plateau and quantile
/// definitions (nearest rank here, interpolation on the server) agree.
fn level(i: u64) -> usize {
    match (i / 10) % 288 {
        100..124 => 0,
        200..206 => 2,
        _ => 1,
    }
}

const METRICS: [&str; 3] = [
    "DCGM_FI_DEV_GPU_UTIL",
    "DCGM_FI_DEV_FB_USED",
    "DCGM_FI_DEV_FB_FREE",
];

/// The line of sample `i` of `metric` for a GPU (timestamps in seconds).
fn line(text: &mut String, metric: &str, k: usize, g: &Gpu, i: u64) {
    let labels = format!(
        "gpu=\"{k}\",UUID=\"{}\",device=\"nvidia0\",modelName=\"NVIDIA A10G\",Hostname=\"{}\",container=\"server\",namespace=\"ml\",pod=\"{}\"",
        g.uuid, g.node, g.pod
    );
    let l = level(i);
    let pick = |t: (f64, f64, f64)| [t.0, t.1, t.2][l];
    let v = match metric {
        "DCGM_FI_DEV_GPU_UTIL" => pick(g.util),
        "DCGM_FI_DEV_FB_USED" => pick(g.mem),
        _ => TOTAL_MIB - pick(g.mem),
    };
    writeln!(text, "{metric}{{{labels}}} {v} {}", T0 + i * STEP).unwrap();
}

/// A week at 30 s, twice: as OpenMetrics for promtool (one family after another, every
/// sample timestamped in seconds, `# EOF` at the end), and as the DCGM exporter's
/// scrapes one after another (what a file replay reads). Returns samples per series.
fn recordings(om: &Path, scrapes: &Path, gpus: &[Gpu]) -> u64 {
    let samples = WEEK / STEP + 1;
    let mut text = String::new();
    for metric in METRICS {
        writeln!(text, "# TYPE {metric} gauge").unwrap();
        for (k, g) in gpus.iter().enumerate() {
            for i in 0..samples {
                line(&mut text, metric, k, g, i);
            }
        }
    }
    kube_state(&mut text, gpus);
    text.push_str("# EOF\n");
    std::fs::write(om, text).unwrap();
    let mut text = String::new();
    for i in 0..samples {
        for (k, g) in gpus.iter().enumerate() {
            for metric in METRICS {
                line(&mut text, metric, k, g, i);
            }
        }
    }
    std::fs::write(scrapes, text).unwrap();
    samples
}

/// kube-state-metrics' series for `llm` only, every 5 minutes: its pods' owner (a
/// ReplicaSet of Deployment `llm`), requests and its nodes' instance type. `chat`'s owner and node
/// type are not there: replay without manifests infers the one and leaves the other
/// unknown.
fn kube_state(text: &mut String, gpus: &[Gpu]) {
    let llm: Vec<&Gpu> = gpus.iter().filter(|g| g.pod.starts_with("llm-")).collect();
    let every = |text: &mut String, series: &str| {
        for t in (T0..=T0 + WEEK).step_by(300) {
            writeln!(text, "{series} 1 {t}").unwrap();
        }
    };
    writeln!(text, "# TYPE kube_pod_owner gauge").unwrap();
    for g in &llm {
        let rs = g.pod.rsplit_once('-').unwrap().0;
        every(
            text,
            &format!("kube_pod_owner{{namespace=\"ml\",pod=\"{}\",owner_kind=\"ReplicaSet\",owner_name=\"{rs}\",owner_is_controller=\"true\"}}", g.pod),
        );
    }
    // Requests small enough to leave the recommendation as the manifests (which have
    // none) give it.
    writeln!(text, "# TYPE kube_pod_container_resource_requests gauge").unwrap();
    for g in &llm {
        for (resource, unit, value) in [("cpu", "core", "1"), ("memory", "byte", "536870912")] {
            let series = format!(
                "kube_pod_container_resource_requests{{namespace=\"ml\",pod=\"{}\",container=\"server\",resource=\"{resource}\",unit=\"{unit}\"}}",
                g.pod
            );
            for t in (T0..=T0 + WEEK).step_by(300) {
                writeln!(text, "{series} {value} {t}").unwrap();
            }
        }
    }
    writeln!(text, "# TYPE kube_node_labels gauge").unwrap();
    for g in &llm {
        every(
            text,
            &format!("kube_node_labels{{node=\"{}\",label_node_kubernetes_io_instance_type=\"g5.xlarge\"}}", g.node),
        );
    }
}

/// A one-GPU serving workload on g5.xlarge in namespace `ml`.
fn gpu_workload(kind: &str, name: &str, replicas: u32) -> String {
    crate::common::gpu_serving(kind, name, replicas, 1, None, Some("g5.xlarge"))
}

/// The over-provisioned `llm`, the busy `chat` and `embed`, which has no series.
fn manifests() -> String {
    [
        gpu_workload("Deployment", "llm", 2),
        gpu_workload("StatefulSet", "chat", 1),
        gpu_workload("Deployment", "embed", 1),
    ]
    .join("---\n")
}

fn run(dir: &Path, args: &[&str]) -> (serde_json::Value, String) {
    let mut c = common::command(dir);
    for k in [
        "SKINFLINT_PROMETHEUS_TOKEN",
        "SKINFLINT_PROMETHEUS_USER",
        "SKINFLINT_PROMETHEUS_PASSWORD",
    ] {
        c.env_remove(k);
    }
    let out = c.args(args).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        out.status.code().is_some_and(|c| c < 2),
        "skinflint {args:?}: {stderr}"
    );
    let json = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)));
    (json, stderr)
}

/// The findings of a JSON report: rule, line, column, message, saving.
fn findings(v: &serde_json::Value) -> Vec<String> {
    let mut out: Vec<String> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {}:{} {} {}",
                f["rule"], f["line"], f["column"], f["message"], f["savings_usd_month"]
            )
        })
        .collect();
    out.sort();
    out
}

/// `N queries` from `--prometheus-stats`, and the bytes received.
fn stats(stderr: &str) -> (u64, u64) {
    let line = stderr
        .lines()
        .find(|l| l.starts_with("skinflint: prometheus:") && l.contains("queries"))
        .unwrap_or_else(|| panic!("no statistics line: {stderr}"));
    let words: Vec<&str> = line.split_whitespace().collect();
    let before = |w: &str| -> u64 {
        let i = words.iter().position(|x| x.starts_with(w)).unwrap();
        words[i - 1].parse().unwrap()
    };
    (before("queries"), before("bytes"))
}

/// Queries the server answered, from its own `/metrics`.
fn served_queries(url: &str) -> u64 {
    let text = ureq::get(&format!("{url}/metrics"))
        .call()
        .unwrap()
        .into_string()
        .unwrap();
    text.lines()
        .filter(|l| {
            l.starts_with("prometheus_http_requests_total{")
                && (l.contains("handler=\"/api/v1/query\"")
                    || l.contains("handler=\"/api/v1/query_range\""))
        })
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum::<f64>() as u64
}

#[test]
fn replay_from_prometheus_equals_replay_from_the_file() {
    let started = Instant::now();
    let (Some(prometheus), Some(promtool)) = (tool("prometheus"), tool("promtool")) else {
        common::skip("prometheus and promtool (Debian package `prometheus`)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("m.yaml"), manifests()).unwrap();
    let om = d.join("dcgm.om");
    let gpus = [
        // Over-provisioned: p95 15% and 6 GiB of a 24 GB A10G, two replicas.
        Gpu {
            pod: "llm-5d8f7c9b6-x2k4q",
            uuid: "GPU-llm-a",
            node: "node-a",
            util: (5.0, 15.0, 30.0),
            mem: (5120.0, 6144.0, 7168.0),
        },
        Gpu {
            pod: "llm-5d8f7c9b6-b7n9z",
            uuid: "GPU-llm-b",
            node: "node-b",
            util: (5.0, 14.0, 28.0),
            mem: (5120.0, 6144.0, 6656.0),
        },
        // Right-sized: busy, with most of the GPU's memory in use.
        Gpu {
            pod: "chat-0",
            uuid: "GPU-chat",
            node: "node-c",
            util: (60.0, 85.0, 97.0),
            mem: (16_000.0, 18_000.0, 20_000.0),
        },
    ];
    let scrapes = d.join("dcgm.prom");
    let samples = recordings(&om, &scrapes, &gpus);
    // Phase times, shown with --nocapture (about 25 s in all on two busy cores).
    let lap = |what: &str| eprintln!("{what}: {:.1} s", started.elapsed().as_secs_f64());
    lap("recordings written");
    let server = start(&prometheus, &promtool, &om, d);
    lap("server ready");
    let until = (T0 + WEEK).to_string();
    let url = server.url.clone();
    let prom = |window: &str, cmd: &[&str]| {
        let mut args: Vec<&str> = cmd.to_vec();
        args.extend([
            "--prometheus",
            &url,
            "--window",
            window,
            "--until",
            &until,
            "--prometheus-stats",
        ]);
        run(d, &args)
    };

    // check: the same findings from the server as from the file.
    let om_path = scrapes.to_string_lossy().into_owned();
    let check = ["check", "m.yaml", "--no-config", "--format", "json"];
    let (from_file, _) = run(d, &[&check[..], &["--profiles", &om_path]].concat());
    lap("file check");
    let served_before = served_queries(&url);
    let (from_server, stderr) = prom("8d", &check);
    let served = served_queries(&url) - served_before;
    lap("server check");
    let file_findings = findings(&from_file);
    // The same findings; a workload without data is named for where it was looked for.
    let same = |f: &String| {
        f.replace(
            "the Prometheus server has no DCGM series for its pods in the window",
            "none of the given profiles belongs to it",
        )
    };
    let server_findings = findings(&from_server);
    assert_eq!(
        server_findings.iter().map(same).collect::<Vec<_>>(),
        file_findings
    );
    assert!(
        server_findings
            .iter()
            .any(|f| f.contains("gpu-profile-missing")
                && f.contains("embed")
                && f.contains("Prometheus server has no DCGM series")),
        "{server_findings:#?}"
    );
    let rules: Vec<&str> = from_file["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["rule"].as_str())
        .collect();
    for rule in [
        "gpu-overprovisioned",
        "gpu-underutilized",
        "gpu-profile-missing",
    ] {
        assert!(rules.contains(&rule), "{rule} in {file_findings:#?}");
    }
    assert!(
        file_findings
            .iter()
            .any(|f| f.contains("gpu-overprovisioned")
                && f.contains("llm")
                && f.contains("g4dn.xlarge")),
        "{file_findings:#?}"
    );
    assert!(
        !file_findings
            .iter()
            .any(|f| f.contains("gpu-overprovisioned") && f.contains("chat")),
        "the busy workload is right-sized: {file_findings:#?}"
    );
    assert!(
        stderr.contains("no DCGM series for") && stderr.contains("embed"),
        "{stderr}"
    );
    let (queries, bytes_week) = stats(&stderr);
    assert_eq!(
        served, queries,
        "the server counted the queries skinflint sent"
    );

    // replay: the same table, row for row.
    let replay = ["replay", "--manifests", "m.yaml", "--format", "json"];
    let (rows_file, _) = run(d, &[&replay[..], &[om_path.as_str()]].concat());
    lap("file replay");
    let (rows_server, stderr_replay) = prom("8d", &replay);
    lap("server replay");
    assert_eq!(rows_server, rows_file);
    assert_eq!(rows_file.as_array().unwrap().len(), 2);
    assert_eq!(rows_file[0]["samples"], samples);

    // Without manifests: the workloads the server's series show, named by kube_pod_owner
    // (llm) or from pod names (chat), priced where kube_node_labels has the instance
    // type (llm's nodes) and without a dollar figure where it does not (chat's).
    let bare = ["replay", "--format", "json"];
    let (found, stderr_found) = prom("8d", &bare);
    lap("server replay without manifests");
    let row = |rows: &serde_json::Value, name: &str| {
        rows.as_array()
            .unwrap()
            .iter()
            .find(|r| r["workload"] == name)
            .unwrap_or_else(|| panic!("no {name} in {rows:#}"))
            .clone()
    };
    assert_eq!(found.as_array().unwrap().len(), 2, "{found:#}");
    assert_eq!(row(&found, "llm"), row(&rows_file, "llm"));
    assert!(row(&rows_file, "llm")["recommended"].is_string());
    let (chat, chat_file) = (row(&found, "chat"), row(&rows_file, "chat"));
    for field in [
        "namespace",
        "gpu_model",
        "recommended",
        "p99_memory_gib",
        "peak_memory_gib",
        "sustained_utilization",
        "confidence",
        "samples",
        "replicas",
        "gpus",
        "per_gpu",
    ] {
        assert_eq!(chat[field], chat_file[field], "{field}");
    }
    assert_eq!(chat_file["current"], "g5.xlarge");
    assert!(chat["current"].is_null() && chat["savings_usd_month"].is_null());
    assert!(chat["current_usd_hour_per_replica"].is_null());
    let notes = chat["notes"].to_string();
    assert!(
        notes.contains("current instance unknown")
            && notes.contains("node-c")
            && notes.contains("--manifests")
            && notes.contains("--metric-labels-allowlist=nodes=[node.kubernetes.io/instance-type]"),
        "{notes}"
    );
    assert!(
        stderr_found.contains("inferred from pod names: ml/chat\n"),
        "{stderr_found}"
    );
    assert!(
        stderr_found.contains("may not hold them: ml/chat\n"),
        "llm's requests were read: {stderr_found}"
    );
    // Discovery costs two queries (the pods, then their owners and nodes), then the
    // statistics' three, for a week as for two days.
    let (queries_found, _) = stats(&stderr_found);
    assert_eq!(queries_found, 2 + queries);
    let (_, stderr_found_2d) = prom("2d", &bare);
    assert_eq!(stats(&stderr_found_2d).0, queries_found);

    // Queries do not grow with samples: two days hold under a third of the samples of
    // the week and take as many queries; bytes grow with hours of coverage only.
    let (_, stderr_2d) = prom("2d", &check);
    let (queries_2d, bytes_2d) = stats(&stderr_2d);
    assert_eq!(
        queries, 3,
        "one batch: statistics, hours with data, node GPUs"
    );
    assert_eq!(queries_2d, queries);
    assert_eq!(stats(&stderr_replay).0, queries);
    assert!(bytes_week < 2 * bytes_2d, "{bytes_week} vs {bytes_2d}");

    // A window before the recording: no series for any workload, each one reported
    // missing, and no other query than the one that found nothing.
    let early = (T0 - 86_400).to_string();
    let mut args = check.to_vec();
    args.extend([
        "--prometheus",
        &url,
        "--window",
        "1d",
        "--until",
        &early,
        "--prometheus-stats",
    ]);
    let (nothing, stderr_nothing) = run(d, &args);
    let missing: Vec<String> = findings(&nothing)
        .into_iter()
        .filter(|f| f.starts_with("\"gpu-"))
        .collect();
    assert_eq!(missing.len(), 3, "{missing:#?}");
    assert!(
        missing.iter().all(|f| f.contains("gpu-profile-missing")),
        "{missing:#?}"
    );
    assert_eq!(stats(&stderr_nothing).0, 1);

    // Plots come from raw range queries, one per workload, under 11,000 points each.
    let (_, stderr_plot) = prom("8d", &[&replay[..], &["--plot", "plots"]].concat());
    assert_eq!(stats(&stderr_plot).0, queries + 2, "{stderr_plot}");
    let svgs: Vec<String> = std::fs::read_dir(d.join("plots"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    assert_eq!(svgs.len(), 2);
    assert!(
        svgs.iter()
            .any(|s| s.contains("GPU-llm-a") && s.contains("GPU-llm-b")),
        "each GPU has its line"
    );
    assert!(
        !svgs.iter().any(|s| s.contains("too short")),
        "the plots have data"
    );

    drop(server);
    eprintln!(
        "prometheus replay: {samples} samples per series, {queries} queries, {bytes_week} bytes (week) / {bytes_2d} (2 days), {:.1} s in all",
        started.elapsed().as_secs_f64()
    );
}

#[test]
fn replay_without_manifests_needs_a_server() {
    let dir = tempfile::tempdir().unwrap();
    let out = common::command(dir.path())
        .args(["replay", "p.csv"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("give the manifests of the workloads with --manifests PATH"),
        "{stderr}"
    );
}
