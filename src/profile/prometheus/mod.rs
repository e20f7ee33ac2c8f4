//! Replay from Prometheus (or Thanos, Mimir): the server computes each GPU's quantiles,
//! maxima, sample counts, sustained peak and hours with data over a window, a batch of
//! workloads per query, and skinflint turns them into the same [`Profile`]s a file
//! replay reads, so recommendations, confidence and rules take one code path.

pub mod client;
pub mod discover;
pub mod query;
pub mod response;

use super::read::NamedProfile;
use super::stats::{Summary, MAX_MEM_MIB, MEM_BIN_MIB, UTIL_BIN};
use super::{GpuStats, Profile};
use crate::model::ModelSet;
use client::Client;
use query::{PodMatch, Window, STAT_LABEL};
use response::Series;
use std::collections::{BTreeMap, BTreeSet};

/// Why replay from Prometheus could not run (exit code 2).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PromError {
    /// A flag, credential file or CA that cannot be used.
    #[error("{0}")]
    Setup(String),
    #[error("cannot reach Prometheus at {url} ({tries} tr{}): {detail}", if *tries == 1 { "y" } else { "ies" })]
    Unreachable {
        url: String,
        detail: String,
        tries: u32,
    },
    #[error("Prometheus at {url} refused the credentials (HTTP {status}): check SKINFLINT_PROMETHEUS_TOKEN or --prometheus-token-file (or SKINFLINT_PROMETHEUS_USER and SKINFLINT_PROMETHEUS_PASSWORD), and the tenant header if the server needs one")]
    Auth { url: String, status: u16 },
    #[error("Prometheus at {url} rejected a query (HTTP {status}): {message}")]
    Rejected {
        url: String,
        status: u16,
        message: String,
    },
}

/// Profiles a server was asked for: those of the GPU workloads in `namespaces` (all
/// when empty). A workload asked for without one has no series in the window.
#[derive(Debug, Clone, Default)]
pub struct Asked {
    pub profiles: Vec<NamedProfile>,
    pub namespaces: Vec<String>,
}

/// Workloads per batch query; a batch the server finds too large is split.
pub const BATCH: usize = 16;

/// What to replay: the window before `at` (Unix seconds), for the GPU workloads of the
/// model in `namespaces` (all when empty).
#[derive(Debug, Clone)]
pub struct Request<'a> {
    pub at: f64,
    pub window: Window,
    pub namespaces: &'a [String],
}

/// The profiles read, notes for the user, and what it cost.
#[derive(Debug, Default)]
pub struct Fetched {
    pub profiles: Vec<NamedProfile>,
    pub notes: Vec<String>,
}

/// One batch's selector, with how many workloads it covers (for splitting).
#[derive(Debug, Clone)]
struct Batch {
    patterns: Vec<(String, Option<String>)>,
}

/// Fetches the statistics of every GPU workload in `model` whose namespace is among
/// `namespaces` (all when empty); without GPU workloads nothing is asked.
pub fn fetch(client: &mut Client, model: &ModelSet, req: &Request) -> Result<Fetched, PromError> {
    let wanted = |ns: Option<&str>| {
        req.namespaces.is_empty() || ns.is_some_and(|n| req.namespaces.iter().any(|x| x == n))
    };
    let patterns: Vec<(String, Option<String>)> = model
        .workloads
        .iter()
        .filter(|w| w.uses_accelerators() && wanted(w.namespace.as_deref()))
        .filter_map(|w| {
            let re = super::attach::pod_pattern(w)?;
            Some((re.as_str().to_string(), w.namespace.clone()))
        })
        .collect();
    let mut fetched = Fetched::default();
    let batches: Vec<PodMatch> = patterns
        .chunks(BATCH)
        .map(|c| {
            Batch {
                patterns: c.to_vec(),
            }
            .matcher()
        })
        .collect();
    let mut progress = Progress::new(batches.len());
    for (i, m) in batches.iter().enumerate() {
        progress.show(i);
        fetch_batch(client, m, req, &mut fetched, 0)?;
    }
    progress.done();
    Ok(fetched)
}

impl Batch {
    fn matcher(&self) -> PodMatch {
        PodMatch::new(
            self.patterns.iter().map(|(p, _)| p.as_str()),
            self.patterns.iter().map(|(_, n)| n.as_deref()),
        )
    }
}

/// One batch: statistics, hours with data, and the GPUs held on the nodes seen. A
/// batch over the server's sample limit is halved (by pod pattern) and tried again.
fn fetch_batch(
    client: &mut Client,
    m: &PodMatch,
    req: &Request,
    out: &mut Fetched,
    depth: u32,
) -> Result<(), PromError> {
    let stats = match client.query(&query::batch_stats(m, &req.window), req.at) {
        Err(PromError::Rejected { message, .. })
            if depth < 8 && too_large(&message) && m.pods.contains(")|(?:") =>
        {
            let parts: Vec<&str> = split_alternation(&m.pods);
            let (a, b) = parts.split_at(parts.len() / 2);
            for half in [a, b] {
                let sub = PodMatch {
                    pods: half.join("|"),
                    namespaces: m.namespaces.clone(),
                };
                fetch_batch(client, &sub, req, out, depth + 1)?;
            }
            return Ok(());
        }
        r => r?,
    };
    if stats.is_empty() {
        return Ok(());
    }
    let (start, end, step) = hour_range(req.at, req.window.window_s);
    let hours = client.query_range(&query::batch_hours(m), start, end, step)?;
    let mut gpus = gather(&stats, &hours);
    let nodes: BTreeSet<(String, String)> = gpus.keys().filter_map(node_of).collect();
    let held = if nodes.is_empty() {
        Vec::new()
    } else {
        let nodes: Vec<(String, String)> = nodes.into_iter().collect();
        client.query(&query::node_gpus(&nodes, req.window.window_s), req.at)?
    };
    let source = client.url().to_string();
    let profiles = assemble(&source, &mut gpus, &held, &req.window);
    out.profiles.extend(profiles.into_iter().map(|p| (p, None)));
    Ok(())
}

/// Whether the server refused a query for the samples it would load.
fn too_large(message: &str) -> bool {
    message.contains("too many samples") || message.contains("max samples")
}

/// `(?:a)|(?:b)` → [`(?:a)`, `(?:b)`].
fn split_alternation(pods: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut rest = pods;
    while let Some(i) = rest.find(")|(?:") {
        parts.push(&rest[..=i]);
        rest = &rest[i + 2..];
    }
    parts.push(rest);
    parts
}

/// The range query's start, end and step for hours with data: the end of each clock
/// hour in the window (one hour at a time, coarser past the server's 11,000 points).
pub fn hour_range(at: f64, window_s: u64) -> (f64, f64, u64) {
    let first = ((at - window_s as f64) / 3600.0).floor() + 1.0;
    let last = (at / 3600.0).floor() + 1.0;
    let hours = (last - first + 1.0).max(1.0) as u64;
    let step = hours.div_ceil(11_000).max(1) * 3600;
    (first * 3600.0, last * 3600.0, step)
}

/// A GPU's statistics by name, and its hours with data, keyed by its labels.
#[derive(Debug, Default)]
struct Gathered {
    stats: BTreeMap<String, f64>,
    hours: BTreeSet<i64>,
}

type Labels = BTreeMap<String, String>;

fn gather(stats: &[Series], hours: &[Series]) -> BTreeMap<Labels, Gathered> {
    let mut out: BTreeMap<Labels, Gathered> = BTreeMap::new();
    for s in stats {
        let mut labels = s.labels.clone();
        let Some(stat) = labels.remove(STAT_LABEL) else {
            continue;
        };
        if let Some((_, v)) = s.values.first() {
            out.entry(labels).or_default().stats.insert(stat, *v);
        }
    }
    for s in hours {
        if let Some(g) = out.get_mut(&s.labels) {
            // Evaluated at the end of each hour, over that hour.
            g.hours.extend(
                s.values
                    .iter()
                    .map(|(t, _)| (t / 3600.0).round() as i64 - 1),
            );
        }
    }
    out
}

/// The node label a GPU was seen under, and the node.
fn node_of(labels: &Labels) -> Option<(String, String)> {
    let node = super::read::node_label(|k| labels.get(k).map(String::as_str))?;
    let label = labels.iter().find(|(_, v)| **v == node)?.0.clone();
    Some((label, node))
}

/// Namespace and pod: `exported_*` first (without honorLabels, `pod` is the exporter's).
fn pod_key(labels: &Labels) -> (Option<String>, Option<String>) {
    let get = |a: &str, b: &str| {
        labels
            .get(a)
            .or_else(|| labels.get(b))
            .filter(|v| !v.is_empty())
            .cloned()
    };
    (
        get("exported_namespace", "namespace"),
        get("exported_pod", "pod"),
    )
}

fn gpu_key(labels: &Labels) -> String {
    let get = |k: &str| labels.get(k).filter(|v| !v.is_empty()).cloned();
    let node = super::read::node_label(|k| labels.get(k).map(String::as_str));
    super::read::gpu_id(
        get("UUID").or_else(|| get("uuid")),
        get("gpu"),
        node.as_deref(),
    )
}

/// A utilisation figure as a file replay's histogram gives it: clamped to 0–100 and on
/// the 0.1-point grid.
fn util_bin(v: f64) -> f64 {
    (v.clamp(0.0, 100.0) / UTIL_BIN).round() * UTIL_BIN
}

/// A memory figure as a file replay gives it: rounded up to the 16 MiB grid, never
/// above the peak.
fn mem_bin(v: f64, peak: f64) -> f64 {
    ((v.clamp(0.0, MAX_MEM_MIB) / MEM_BIN_MIB).ceil() * MEM_BIN_MIB)
        .min(peak.max(0.0))
        .max(0.0)
}

/// One GPU's statistics from what the server returned.
fn gpu_stats(
    g: &Gathered,
    labels: &Labels,
    w: &Window,
) -> Option<(GpuStats, Option<f64>, Option<f64>)> {
    let s = |k: &str| g.stats.get(k).copied();
    let util_samples = s("util_count").unwrap_or(0.0).max(0.0) as u64;
    let mem_samples = s("mem_count").unwrap_or(0.0).max(0.0) as u64;
    if util_samples == 0 && mem_samples == 0 {
        return None;
    }
    let max_util = s("util_max").map_or(0.0, |v| v.clamp(0.0, 100.0));
    let peak = s("mem_max").map_or(0.0, |v| v.clamp(0.0, MAX_MEM_MIB));
    let levels = |kind: &str, bin: &dyn Fn(f64) -> f64, top: f64| {
        let mut v: Vec<(f64, f64)> = query::QUANTILES
            .iter()
            .filter_map(|q| Some((*q, bin(s(&format!("{kind}_q{q}"))?))))
            .collect();
        v.push((1.0, bin(top)));
        v
    };
    let summary = Summary {
        util: if util_samples > 0 {
            levels("util", &util_bin, max_util)
        } else {
            Vec::new()
        },
        mem: if mem_samples > 0 {
            levels("mem", &|v| mem_bin(v, peak), peak)
        } else {
            Vec::new()
        },
        sustained: s("util_sustained").map(|v| {
            (
                w.sustained_window_s as f64,
                w.sustained_q,
                v.clamp(0.0, 100.0),
            )
        }),
        hours: g.hours.clone(),
    };
    let mut stats = GpuStats::default();
    stats.name = labels.get("modelName").filter(|v| !v.is_empty()).cloned();
    stats.node = super::read::node_label(|k| labels.get(k).map(String::as_str));
    stats.memory_total_mib = s("mem_total").filter(|t| *t > 0.0);
    stats.util_samples = util_samples;
    stats.mem_samples = mem_samples;
    stats.max_util = max_util;
    stats.peak_mem_mib = peak;
    stats.summary = Some(Box::new(summary));
    let first = [s("util_first"), s("mem_first")]
        .into_iter()
        .flatten()
        .reduce(f64::min);
    let last = [s("util_last"), s("mem_last")]
        .into_iter()
        .flatten()
        .reduce(f64::max);
    Some((stats, first, last))
}

/// Profiles per (namespace, pod), as a file replay of the same series gives them.
fn assemble(
    source: &str,
    gpus: &mut BTreeMap<Labels, Gathered>,
    held: &[Series],
    w: &Window,
) -> Vec<Profile> {
    let mut by_pod: BTreeMap<(Option<String>, Option<String>), Profile> = BTreeMap::new();
    for (labels, g) in gpus.iter() {
        let Some((stats, first, last)) = gpu_stats(g, labels, w) else {
            continue;
        };
        let key = pod_key(labels);
        let p = by_pod.entry(key.clone()).or_insert_with(|| Profile {
            source: source.to_string(),
            namespace: key.0.clone(),
            pod: key.1.clone(),
            ..Profile::default()
        });
        p.see_time(first);
        p.see_time(last);
        let gpu = p.gpu(&gpu_key(labels));
        gpu.series = None;
        gpu.merge(&stats);
    }
    let mut nodes: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for s in held {
        if let Some(n) = super::read::node_label(|k| s.labels.get(k).map(String::as_str)) {
            nodes.entry(n).or_default().insert(gpu_key(&s.labels));
        }
    }
    by_pod
        .into_values()
        .map(|mut p| {
            p.samples = p.samples_per_gpu();
            p.see_nodes(&nodes);
            p
        })
        .collect()
}

/// The step of raw range queries for plots: a minute, or the whole minutes that keep a
/// series under the server's 11,000 points.
pub fn plot_step(window_s: u64) -> u64 {
    window_s.div_ceil(11_000).div_ceil(60).max(1) * 60
}

/// Fills a profile's plot series (the workload's line and its first GPUs' lines) from
/// the raw utilisation and memory series of its pods: one range query.
pub fn plot_series(client: &mut Client, p: &mut Profile, req: &Request) -> Result<(), PromError> {
    let pods: Vec<String> = p.pods.keys().map(|n| regex::escape(n)).collect();
    if pods.is_empty() {
        return Ok(());
    }
    let names = query::quote(&format!("{}|{}", query::UTIL, query::FB_USED));
    let pods = query::quote(&pods.join("|"));
    let ns = p
        .namespace
        .as_deref()
        .map(|n| query::quote(&regex::escape(n)));
    let sel = |prefix: &str| {
        let ns = query::namespace_matcher(prefix, ns.as_deref());
        format!("{{__name__=~{names},{prefix}pod=~{pods}{ns}}}")
    };
    let q = format!("{} or {}", sel(""), sel("exported_"));
    let w = req.window.window_s;
    let series = client.query_range(&q, req.at - w as f64, req.at, plot_step(w))?;
    let mut lines = p.gpus.values().filter(|g| g.series.is_some()).count();
    for s in series {
        let labels = &s.labels;
        let is_util = labels.get("__name__").is_some_and(|n| n == query::UTIL);
        let id = gpu_key(labels);
        let pod = pod_key(labels).1.unwrap_or_default();
        let key = if p.gpus.contains_key(&format!("{pod}/{id}")) {
            format!("{pod}/{id}")
        } else {
            id
        };
        for (t, v) in &s.values {
            let (u, m) = if is_util {
                (Some(v.clamp(0.0, 100.0)), None)
            } else {
                (None, Some(v.clamp(0.0, MAX_MEM_MIB)))
            };
            p.series.add(*t, u, m);
        }
        let Some(g) = p.gpus.get_mut(&key) else {
            continue;
        };
        if g.series.is_none() && lines < super::PLOTTED_GPUS {
            g.series = Some(Default::default());
            lines += 1;
        }
        if let Some(line) = &mut g.series {
            for (t, v) in &s.values {
                if is_util {
                    line.add(*t, Some(v.clamp(0.0, 100.0)), None);
                } else {
                    line.add(*t, None, Some(v.clamp(0.0, MAX_MEM_MIB)));
                }
            }
        }
    }
    Ok(())
}

/// A progress line on standard error between batches, only when it is a terminal.
struct Progress {
    total: usize,
    terminal: bool,
    shown: bool,
}

impl Progress {
    fn new(total: usize) -> Progress {
        use std::io::IsTerminal;
        Progress {
            total,
            terminal: std::io::stderr().is_terminal() && total > 1,
            shown: false,
        }
    }

    fn show(&mut self, i: usize) {
        if self.terminal {
            self.shown = true;
            eprint!("\rskinflint: prometheus: batch {}/{}", i + 1, self.total);
        }
    }

    fn done(&self) {
        if self.shown {
            eprintln!("\rskinflint: prometheus: {} batches done", self.total);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::client::{Auth, Client, Options};
    use super::*;
    use std::io::{BufRead, BufReader, Read, Write};
    use std::net::TcpListener;
    use std::time::Duration;

    /// A loopback server answering each connection with the next canned (status, body),
    /// handing back the requests it saw.
    pub(super) fn serve(
        answers: Vec<(u16, &'static str)>,
    ) -> (String, std::thread::JoinHandle<Vec<String>>) {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", l.local_addr().unwrap());
        let h = std::thread::spawn(move || {
            let mut seen = Vec::new();
            for (status, body) in answers {
                let (s, _) = l.accept().unwrap();
                let mut r = BufReader::new(s.try_clone().unwrap());
                let mut head = String::new();
                let mut len = 0;
                loop {
                    let mut line = String::new();
                    r.read_line(&mut line).unwrap();
                    if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                        len = v.trim().parse().unwrap();
                    }
                    head.push_str(&line);
                    if line == "\r\n" || line.is_empty() {
                        break;
                    }
                }
                let mut body_in = vec![0; len];
                r.read_exact(&mut body_in).unwrap();
                head.push_str(&String::from_utf8_lossy(&body_in));
                seen.push(head);
                let mut s = s;
                write!(
                    s,
                    "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                )
                .unwrap();
            }
            seen
        });
        (url, h)
    }

    pub(super) fn client(url: &str, auth: Auth, retries: u32) -> Client {
        Client::new(&Options {
            url: url.to_string(),
            auth,
            headers: vec![("X-Scope-OrgID".into(), "tenant-a".into())],
            ca: None,
            timeout: Duration::from_secs(5),
            retries,
        })
        .unwrap()
        .with_backoff(Duration::from_millis(1))
    }

    pub(super) const EMPTY: &str =
        r#"{"status":"success","data":{"resultType":"vector","result":[]}}"#;

    #[test]
    fn requests_carry_time_credentials_and_headers() {
        let (url, h) = serve(vec![(200, EMPTY)]);
        let auth = Auth::resolve(
            |k| (k == client::ENV_TOKEN).then(|| "tok-123".to_string()),
            None,
            None,
        )
        .unwrap();
        let mut c = client(&url, auth, 0);
        assert!(c.query("up", 1_795_343_671.0).unwrap().is_empty());
        let seen = h.join().unwrap();
        let req = &seen[0];
        assert!(req.starts_with("POST /api/v1/query "), "{req}");
        assert!(req.contains("Authorization: Bearer tok-123"), "{req}");
        assert!(req.contains("X-Scope-OrgID: tenant-a"), "{req}");
        assert!(req.contains("query=up&time=1795343671.000"), "{req}");
        assert_eq!(c.stats.queries, 1);
        assert_eq!(c.stats.bytes, EMPTY.len() as u64);
    }

    #[test]
    fn an_unreachable_server_is_tried_a_bounded_number_of_times() {
        let port = {
            let l = TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let mut c = client(&format!("http://127.0.0.1:{port}"), Auth::None, 2);
        let e = c.query("up", 0.0).unwrap_err();
        assert!(
            matches!(e, PromError::Unreachable { tries: 3, .. }),
            "{e:?}"
        );
        assert!(
            e.to_string()
                .starts_with("cannot reach Prometheus at http://127.0.0.1:"),
            "{e}"
        );
        assert_eq!(c.stats.requests, 3);
    }

    #[test]
    fn auth_failures_are_not_retried_and_show_no_secret() {
        let (url, h) = serve(vec![(401, "Unauthorized")]);
        let auth = Auth::resolve(
            |k| (k == client::ENV_TOKEN).then(|| "hunter2".to_string()),
            None,
            None,
        )
        .unwrap();
        let e = client(&url, auth, 3).query("up", 0.0).unwrap_err();
        assert!(matches!(e, PromError::Auth { status: 401, .. }), "{e:?}");
        assert!(!e.to_string().contains("hunter2"));
        assert!(!format!("{e:?}").contains("hunter2"));
        assert_eq!(h.join().unwrap().len(), 1);
    }

    #[test]
    fn a_rejected_query_shows_the_servers_error() {
        let body = r#"{"status":"error","errorType":"bad_data","error":"invalid parameter \"query\": 1:1: parse error: unexpected end of input"}"#;
        let (url, _h) = serve(vec![(400, body)]);
        let e = client(&url, Auth::None, 3).query("(", 0.0).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!("Prometheus at {url} rejected a query (HTTP 400): bad_data: invalid parameter \"query\": 1:1: parse error: unexpected end of input")
        );
    }

    #[test]
    fn server_errors_are_retried() {
        let (url, h) = serve(vec![(503, "busy"), (200, EMPTY)]);
        let mut c = client(&url, Auth::None, 2);
        assert!(c.query("up", 0.0).unwrap().is_empty());
        assert_eq!(h.join().unwrap().len(), 2);
        assert_eq!((c.stats.requests, c.stats.queries), (2, 1));
    }

    /// The files of `n` one-GPU Deployments.
    fn gpu_workloads(n: usize) -> Vec<crate::source::Loaded> {
        let mut text = String::new();
        for i in 0..n {
            text.push_str(&format!(
                "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: llm-{i}, namespace: ml}}\nspec:\n  template:\n    spec:\n      containers:\n        - name: s\n          image: vllm:1\n          resources: {{limits: {{nvidia.com/gpu: 1}}}}\n"
            ));
        }
        vec![crate::source::load_bytes(
            "m.yaml".to_string(),
            Ok(text.into_bytes()),
            Default::default(),
        )]
    }

    #[test]
    fn queries_grow_with_batches_of_workloads() {
        for (workloads, batches) in [(1, 1), (16, 1), (40, 3)] {
            let files = gpu_workloads(workloads);
            let model = ModelSet::build(&files);
            let (url, h) = serve(vec![(200, EMPTY); batches]);
            let mut c = client(&url, Auth::None, 0);
            let req = Request {
                at: 1_795_343_671.0,
                window: Window {
                    window_s: 2_592_000,
                    sustained_window_s: 300,
                    sustained_q: 0.99,
                },
                namespaces: &[],
            };
            let f = fetch(&mut c, &model, &req).unwrap();
            assert!(f.profiles.is_empty(), "no series: no profile, no error");
            // An empty batch needs no hours or node query.
            assert_eq!(c.stats.queries, batches as u64, "{workloads} workloads");
            let seen = h.join().unwrap();
            assert!(seen.iter().all(|r| r.contains("time=1795343671.000")));
        }
    }

    fn series(labels: &[(&str, &str)], values: &[(f64, f64)]) -> Series {
        Series {
            labels: labels
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            values: values.to_vec(),
        }
    }

    #[test]
    fn statistics_become_a_profile_as_a_file_replay_gives_it() {
        let gpu = [
            ("UUID", "GPU-a"),
            ("Hostname", "node-a"),
            ("modelName", "NVIDIA L4"),
            ("pod", "dcgm-exporter-x7k2p"),
            ("exported_pod", "llm-7d9f8c6b5-abcde"),
            ("exported_namespace", "ml"),
        ];
        let stat = |name: &'static str, v: f64| {
            let mut l = gpu.to_vec();
            l.push((STAT_LABEL, name));
            series(&l, &[(1_795_343_671.0, v)])
        };
        let stats = vec![
            stat("util_q0.5", 20.04),
            stat("util_q0.95", 35.0),
            stat("util_q0.99", 40.0),
            stat("util_max", 97.0),
            stat("util_count", 20_160.0),
            stat("util_first", 1_794_738_871.0),
            stat("util_last", 1_795_343_641.0),
            stat("util_sustained", 38.5),
            stat("mem_q0.5", 6000.0),
            stat("mem_q0.95", 6001.0),
            stat("mem_q0.99", 6100.0),
            stat("mem_max", 6200.0),
            stat("mem_count", 20_160.0),
            stat("mem_total", 23_034.0),
        ];
        let hours = vec![series(
            &gpu,
            &[(7200.0, 1.0), (10_800.0, 1.0), (18_000.0, 1.0)],
        )];
        let mut gathered = gather(&stats, &hours);
        let held = vec![
            series(&[("UUID", "GPU-a"), ("Hostname", "node-a")], &[(0.0, 1.0)]),
            series(&[("UUID", "GPU-b"), ("Hostname", "node-a")], &[(0.0, 1.0)]),
        ];
        let w = Window {
            window_s: 604_800,
            sustained_window_s: 300,
            sustained_q: 0.99,
        };
        let ps = assemble("http://prom", &mut gathered, &held, &w);
        assert_eq!(ps.len(), 1);
        let p = &ps[0];
        assert_eq!(
            (p.namespace.as_deref(), p.pod.as_deref()),
            (Some("ml"), Some("llm-7d9f8c6b5-abcde"))
        );
        assert_eq!(p.samples, 20_160);
        assert_eq!(p.duration_s(), 604_770.0);
        assert_eq!(p.util_quantile(0.5), Some(20.0), "on the 0.1 grid");
        assert_eq!(p.util_quantile(0.95), Some(35.0));
        assert_eq!(p.util_quantile(0.97), Some(40.0), "the next level up");
        assert_eq!(p.util_quantile(1.0), Some(97.0));
        assert_eq!(p.mem_quantile(0.95), Some(6016.0), "rounded up to 16 MiB");
        assert_eq!(p.mem_quantile(0.99), Some(6112.0));
        assert_eq!(p.peak_mem_mib(), 6200.0);
        assert_eq!(p.sustained_util(300.0, 0.99), Some(38.5));
        assert_eq!(
            p.sustained_util(600.0, 0.99),
            None,
            "another window was not fetched"
        );
        let g = &p.gpus["GPU-a"];
        assert_eq!(g.memory_total_mib, Some(23_034.0));
        assert_eq!(g.node.as_deref(), Some("node-a"));
        assert_eq!(g.name.as_deref(), Some("NVIDIA L4"));
        let c = crate::profile::confidence::coverage(p).unwrap();
        assert_eq!((c.hours_with_data, c.hours_spanned, c.gaps), (3, 4, 1));
        assert_eq!(
            p.node_gpus["node-a"].len(),
            2,
            "another pod's GPU shares the node"
        );
    }

    #[test]
    fn an_empty_result_gives_no_profile() {
        let mut g = gather(&[], &[]);
        let w = Window {
            window_s: 3600,
            sustained_window_s: 300,
            sustained_q: 0.99,
        };
        assert!(assemble("x", &mut g, &[], &w).is_empty());
    }

    #[test]
    fn hours_and_batches() {
        // 7 days ending 10:30: hours from 10:00 seven days before to 10:00, each
        // evaluated at its end.
        let at = 1_795_343_400.0 + 1800.0; // 10:30 UTC
        let (start, end, step) = hour_range(at, 604_800);
        assert_eq!(step, 3600);
        assert_eq!(((end - start) / 3600.0) as u64 + 1, 169);
        assert_eq!(end, (at / 3600.0).floor() * 3600.0 + 3600.0);
        assert_eq!(
            split_alternation("(?:a-[0-9]+)|(?:b)|(?:c|d)"),
            vec!["(?:a-[0-9]+)", "(?:b)", "(?:c|d)"]
        );
    }
}
