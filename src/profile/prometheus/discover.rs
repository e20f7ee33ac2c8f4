//! Replay without manifests: the GPU workloads a server's DCGM series show. Pods with
//! GPU series in the window are listed in one query; their owners (`kube_pod_owner`),
//! requests (`kube_pod_container_resource_requests`) and their nodes' instance types
//! (`kube_node_labels`) come from kube-state-metrics' series, one more query per batch
//! of pods, when the server has them. Pods are grouped by owner (from the shape of pod
//! names when the server has no owner), and each workload is written as the minimal
//! manifest the workload model reads, so the recommendation takes the path manifests
//! take. What the server does not know (an owner, requests, an instance type) is said
//! in a note, never guessed into a dollar figure.

use super::client::Client;
use super::query::{self, GROUP_BY, STAT_LABEL, UTIL};
use super::{gpu_key, pod_key, too_large, Labels, PromError, Request};
use crate::catalog::{catalog, InstanceType};
use crate::model::WorkloadKind;
use crate::profile::attach::{pod_name_pattern, SAFE};
use regex::Regex;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

/// Pods per kube-state-metrics query.
pub const POD_BATCH: usize = 256;

/// Pods with a sample this close to the evaluation time are the running replicas.
pub const RECENT_S: u64 = 600;

/// The node labels kube-state-metrics exports for `node.kubernetes.io/instance-type`
/// (and its beta name) when its `--metric-labels-allowlist` names them.
const TYPE_LABELS: [&str; 2] = [
    "label_node_kubernetes_io_instance_type",
    "label_beta_kubernetes_io_instance_type",
];

/// How to have kube-state-metrics export instance types, for notes.
pub const NODE_LABELS_HELP: &str =
    "--metric-labels-allowlist=nodes=[node.kubernetes.io/instance-type]";

/// A pod with GPU series in the window.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pod {
    pub namespace: Option<String>,
    pub name: String,
    /// Its GPUs (UUID, or index on the node) by node (`""` when the series name none).
    pub gpus: BTreeMap<String, BTreeSet<String>>,
    /// Its GPUs with a sample in the [`RECENT_S`] before the evaluation time.
    pub recent: BTreeSet<String>,
}

impl Pod {
    pub fn nodes(&self) -> impl Iterator<Item = &String> {
        self.gpus.keys().filter(|n| !n.is_empty())
    }

    /// The GPUs it holds at once: those with recent samples, else the most on one node
    /// (a StatefulSet's pod keeps its name on another node, with other GPUs).
    pub fn gpus_held(&self) -> usize {
        if self.recent.is_empty() {
            self.gpus.values().map(BTreeSet::len).max().unwrap_or(0)
        } else {
            self.recent.len()
        }
    }
}

/// Where a workload's name comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Naming {
    /// The server's `kube_pod_owner` (a pod without an owner is its own workload).
    Owner,
    /// The shape of its pods' names.
    Inferred,
    /// Neither: the pod is its own workload, named as the pod.
    Unknown,
}

/// A pod's owner, as the workload model knows its kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owner {
    pub kind: WorkloadKind,
    pub name: String,
    pub naming: Naming,
}

impl Owner {
    fn pod(pod: &str, naming: Naming) -> Owner {
        Owner {
            kind: WorkloadKind::Pod,
            name: pod.to_string(),
            naming,
        }
    }

    /// `self`, when the controller's pod names fit `pod`; else the pod on its own (a
    /// workload whose pods the replay would not find is no workload).
    fn checked(self, pod: &str) -> Owner {
        let fits = pod_name_pattern(self.kind, &self.name, None).is_some_and(|p| p.is_match(pod));
        if fits {
            self
        } else {
            Owner::pod(pod, Naming::Unknown)
        }
    }
}

static DEPLOYMENT_POD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!("^(.+)-{SAFE}{{5,10}}-{SAFE}{{5}}$")).unwrap());
static STATEFUL_POD: LazyLock<Regex> = LazyLock::new(|| Regex::new("^(.+)-[0-9]+$").unwrap());
static SUFFIXED_POD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!("^(.+)-{SAFE}{{5}}$")).unwrap());
static TEMPLATE_HASH: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!("^(.+)-{SAFE}{{5,10}}$")).unwrap());

/// The owner a pod's name suggests: a Deployment's pods are `<name>-<template hash>-<5
/// characters>`, a StatefulSet's `<name>-<ordinal>`, a Job's, ReplicaSet's or
/// DaemonSet's `<name>-<5 characters>` (modelled as a ReplicaSet). The random parts use
/// Kubernetes' alphabet without vowels, so `llm-train-x7k2p` belongs to `llm-train`;
/// any other name is its own workload.
pub fn infer_owner(pod: &str) -> Owner {
    let owner = |kind, re: &Regex| {
        re.captures(pod).map(|c| Owner {
            kind,
            name: c[1].to_string(),
            naming: Naming::Inferred,
        })
    };
    owner(WorkloadKind::Deployment, &DEPLOYMENT_POD)
        .or_else(|| owner(WorkloadKind::StatefulSet, &STATEFUL_POD))
        .or_else(|| owner(WorkloadKind::ReplicaSet, &SUFFIXED_POD))
        .map_or_else(|| Owner::pod(pod, Naming::Unknown), |o| o.checked(pod))
}

/// The owner `kube_pod_owner` names: a ReplicaSet `<name>-<template hash>` is its
/// Deployment's; an owner kind the model has no pod names for (a custom resource, a
/// node's static pod) leaves the pod its own workload.
pub fn owner_from_kube(pod: &str, kind: &str, name: &str) -> Owner {
    let kind = match kind {
        "<none>" | "" => return Owner::pod(pod, Naming::Owner),
        "ReplicaSet" => match TEMPLATE_HASH.captures(name) {
            Some(c) if pod.starts_with(&format!("{name}-")) => {
                return Owner {
                    kind: WorkloadKind::Deployment,
                    name: c[1].to_string(),
                    naming: Naming::Owner,
                }
                .checked(pod)
            }
            _ => WorkloadKind::ReplicaSet,
        },
        "StatefulSet" => WorkloadKind::StatefulSet,
        "DaemonSet" => WorkloadKind::DaemonSet,
        "Job" => WorkloadKind::Job,
        _ => return Owner::pod(pod, Naming::Unknown),
    };
    Owner {
        kind,
        name: name.to_string(),
        naming: Naming::Owner,
    }
    .checked(pod)
}

/// A GPU workload the series show.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub namespace: Option<String>,
    pub owner: Owner,
    pub pods: Vec<String>,
    /// The most GPUs one pod held at once ([`Pod::gpus_held`]).
    pub gpus_per_pod: usize,
    /// Pods with a sample in the [`RECENT_S`] before the evaluation time (at least 1).
    pub replicas: usize,
    pub nodes: BTreeSet<String>,
    /// Instance types of its nodes, from `kube_node_labels`; empty when unknown.
    pub node_types: BTreeSet<String>,
    /// The most GPUs pods held on one of its nodes: a type with fewer is not the node's.
    pub gpus_on_node: usize,
    /// The largest cpu (cores) and memory (bytes) requests of one pod, summed over its
    /// containers (`kube_pod_container_resource_requests`); `None` when unknown.
    pub requests: Option<Requests>,
}

/// Why a discovered workload has no instance type to price it by.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unpriced {
    #[error("the server has no instance-type label (kube_node_labels) for its nodes ({0})")]
    NoLabel(String),
    #[error("its nodes' types ({0}) have no price in skinflint's catalog")]
    NoPrice(String),
    #[error("its nodes are of several types ({0}), and no one of them prices every replica at no more than it costs")]
    Mixed(String),
}

/// A pod's cpu (cores) and memory (bytes) requests, summed over its containers.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Requests {
    pub cpu: f64,
    pub memory: f64,
}

impl Requests {
    fn max(self, o: Requests) -> Requests {
        Requests {
            cpu: self.cpu.max(o.cpu),
            memory: self.memory.max(o.memory),
        }
    }
}

impl Found {
    /// `namespace/name`.
    pub fn full_name(&self) -> String {
        match &self.namespace {
            Some(ns) => format!("{ns}/{}", self.owner.name),
            None => self.owner.name.clone(),
        }
    }

    /// The type it is priced as: its nodes' type, or of several the one that costs a
    /// replica least, as the replay prices it (a GPU's share of a node other pods use
    /// too), provided no replica costs less on its own node's type: a dollar figure is
    /// never more than what is at stake.
    pub fn instance_type(&self) -> Result<&'static InstanceType, Unpriced> {
        let list = |s: &BTreeSet<String>| s.iter().cloned().collect::<Vec<_>>().join(", ");
        if self.node_types.is_empty() {
            return Err(Unpriced::NoLabel(list(&self.nodes)));
        }
        let types: Vec<&'static InstanceType> = self
            .node_types
            .iter()
            .filter_map(|t| catalog().get(t))
            .filter(|t| t.on_demand_usd_hour().is_some())
            .collect();
        if types.len() < self.node_types.len() {
            return Err(Unpriced::NoPrice(list(&self.node_types)));
        }
        let per_pod = self.gpus_per_pod.max(1);
        let price = |t: &InstanceType| t.on_demand_usd_hour().unwrap_or(0.0);
        // What the replay charges a replica on `t` (see `recommend::current_from`).
        let charged = |t: &InstanceType| {
            let gpus = t.gpu_count as usize;
            if self.gpus_on_node > per_pod && gpus > per_pod {
                price(t) * per_pod as f64 / gpus as f64
            } else {
                price(t)
            }
        };
        // The least a replica can cost on `t`: its GPUs' share of the node.
        let least =
            |t: &InstanceType| price(t) * (per_pod as f64 / t.gpu_count.max(1) as f64).min(1.0);
        let best = types
            .iter()
            .filter(|t| t.gpu_count as usize >= self.gpus_on_node)
            .min_by(|a, b| charged(a).total_cmp(&charged(b)));
        match best {
            Some(t) if types.len() == 1 => Ok(t),
            Some(t) if types.iter().all(|u| charged(t) <= least(u) + 1e-9) => Ok(t),
            _ => Err(Unpriced::Mixed(list(&self.node_types))),
        }
    }

    /// The manifest the workload model reads: the controller, its replicas, one
    /// container holding the GPUs a pod's series show and the pod's requests, pinned to
    /// the instance type when it is known.
    pub fn manifest(&self) -> serde_json::Value {
        use serde_json::json;
        let mut resources = json!({"limits": {"nvidia.com/gpu": self.gpus_per_pod.max(1)}});
        if let Some(r) = self.requests {
            let mut requests = serde_json::Map::new();
            if r.cpu > 0.0 {
                requests.insert("cpu".into(), json!(format!("{}m", (r.cpu * 1000.0).ceil())));
            }
            if r.memory > 0.0 {
                requests.insert("memory".into(), json!(format!("{}", r.memory.ceil())));
            }
            resources["requests"] = serde_json::Value::Object(requests);
        }
        let mut pod = json!({"containers": [{"name": "gpu", "resources": resources}]});
        if let Ok(t) = self.instance_type() {
            pod["nodeSelector"] = json!({"node.kubernetes.io/instance-type": t.name});
        }
        let mut metadata = json!({ "name": self.owner.name });
        if let Some(ns) = &self.namespace {
            metadata["namespace"] = json!(ns);
        }
        let (api, kind) = match self.owner.kind {
            WorkloadKind::Deployment => ("apps/v1", "Deployment"),
            WorkloadKind::StatefulSet => ("apps/v1", "StatefulSet"),
            WorkloadKind::ReplicaSet => ("apps/v1", "ReplicaSet"),
            WorkloadKind::DaemonSet => ("apps/v1", "DaemonSet"),
            WorkloadKind::Job => ("batch/v1", "Job"),
            _ => {
                return json!({"apiVersion": "v1", "kind": "Pod", "metadata": metadata, "spec": pod})
            }
        };
        let mut spec = json!({"template": {"spec": pod}});
        if matches!(api, "apps/v1") && kind != "DaemonSet" {
            spec["replicas"] = json!(self.replicas);
        }
        json!({"apiVersion": api, "kind": kind, "metadata": metadata, "spec": spec})
    }
}

/// The workloads found, and notes for the user.
#[derive(Debug, Default)]
pub struct Discovered {
    pub workloads: Vec<Found>,
    pub notes: Vec<String>,
}

impl Discovered {
    /// Every workload's manifest, as one multi-document YAML text (JSON documents).
    pub fn manifests(&self) -> String {
        self.workloads
            .iter()
            .map(|w| format!("---\n{}\n", w.manifest()))
            .collect()
    }
}

/// Lists the pods with GPU series in the window, then their owners and nodes' instance
/// types: one query, and one per [`POD_BATCH`] pods.
pub fn discover(client: &mut Client, req: &Request) -> Result<Discovered, PromError> {
    let series = list_pods(client, req, req.window.window_s, 0, 0)?;
    let pods = pods_of(&series, req.namespaces);
    let mut kube = Kube::default();
    for batch in pods.chunks(POD_BATCH) {
        let facts = client.query(&kube_query(batch, req.window.window_s), req.at)?;
        kube.read(&facts, batch);
    }
    Ok(group(pods, &kube))
}

/// The pods' series over `range_s` ending `offset_s` before the evaluation time; a
/// window the server finds too large is asked for in halves.
fn list_pods(
    client: &mut Client,
    req: &Request,
    range_s: u64,
    offset_s: u64,
    depth: u32,
) -> Result<Vec<super::Series>, PromError> {
    let q = pods_query(req.namespaces, range_s, offset_s);
    match client.query(&q, req.at) {
        Err(PromError::Rejected { message, .. })
            if depth < 8 && too_large(&message) && range_s >= 2 * 3600 =>
        {
            let first = range_s / 2;
            let mut out = list_pods(client, req, first, offset_s, depth + 1)?;
            out.extend(list_pods(
                client,
                req,
                range_s - first,
                offset_s + first,
                depth + 1,
            )?);
            Ok(out)
        }
        r => r,
    }
}

/// RE2 alternation of `names`, escaped.
fn alternation<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    let mut v: Vec<String> = names.into_iter().map(regex::escape).collect();
    v.sort();
    v.dedup();
    query::quote(&v.join("|"))
}

/// Every GPU of every pod with DCGM utilisation series (by `pod` and `exported_pod`),
/// grouped as the statistics are, tagged `seen`; those with a sample in the last
/// [`RECENT_S`] also tagged `recent` (in the piece of the window that ends at the
/// evaluation time).
pub fn pods_query(namespaces: &[String], range_s: u64, offset_s: u64) -> String {
    let ns = (!namespaces.is_empty()).then(|| alternation(namespaces.iter().map(String::as_str)));
    let sel = |prefix: &str| {
        let ns = query::namespace_matcher(prefix, ns.as_deref());
        format!("{UTIL}{{{prefix}pod!=\"\"{ns}}}")
    };
    let by = format!("by ({})", GROUP_BY.join(", "));
    let part = |stat: &str, range: u64, offset: u64| {
        let off = if offset > 0 {
            format!(" offset {}", query::duration(offset))
        } else {
            String::new()
        };
        let r = query::duration(range);
        format!(
            "label_replace(count {by} (present_over_time({}[{r}]{off}) or present_over_time({}[{r}]{off})), {}, {}, \"\", \"\")",
            sel(""),
            sel("exported_"),
            query::quote(STAT_LABEL),
            query::quote(stat)
        )
    };
    let mut q = part("seen", range_s, offset_s);
    if offset_s == 0 {
        q = format!("{q} or {}", part("recent", RECENT_S.min(range_s), 0));
    }
    q
}

/// The owners of a batch of pods (`kube_pod_owner`), their containers' cpu and memory
/// requests (`kube_pod_container_resource_requests`) and the instance types of their
/// nodes (`kube_node_labels`), tagged `owner`, `requests` and `node`; nothing when the
/// server does not have them.
pub fn kube_query(pods: &[Pod], window_s: u64) -> String {
    let range = query::duration(window_s);
    let names = alternation(pods.iter().map(|p| p.name.as_str()));
    let ns: Option<String> = pods
        .iter()
        .map(|p| p.namespace.as_deref())
        .collect::<Option<Vec<&str>>>()
        .map(alternation);
    // A pod's series of `metric`, with `extra` matchers, over the window.
    let sel = |metric: &str, prefix: &str, extra: &str| {
        let ns = query::namespace_matcher(prefix, ns.as_deref());
        format!("last_over_time({metric}{{{prefix}pod=~{names}{ns}{extra}}}[{range}])")
    };
    let tag = |stat: &str, q: String| {
        format!(
            "label_replace({q}, {}, {}, \"\", \"\")",
            query::quote(STAT_LABEL),
            query::quote(stat)
        )
    };
    let mut q = tag(
        "owner",
        format!(
            "max by (namespace, pod, exported_namespace, exported_pod, owner_kind, owner_name, owner_is_controller) ({} or {})",
            sel("kube_pod_owner", "", ""),
            sel("kube_pod_owner", "exported_", "")
        ),
    );
    let resources = ",resource=~\"cpu|memory\"";
    let requests = "kube_pod_container_resource_requests";
    q = format!(
        "{q} or {}",
        tag(
            "requests",
            format!(
                "max by (namespace, pod, exported_namespace, exported_pod, container, exported_container, resource) ({} or {})",
                sel(requests, "", resources),
                sel(requests, "exported_", resources)
            )
        )
    );
    let nodes: BTreeSet<&str> = pods
        .iter()
        .flat_map(|p| p.nodes().map(String::as_str))
        .collect();
    if !nodes.is_empty() {
        let nodes = alternation(nodes);
        let sel =
            |label: &str| format!("last_over_time(kube_node_labels{{{label}=~{nodes}}}[{range}])");
        q = format!(
            "{q} or {}",
            tag(
                "node",
                format!(
                    "max by (node, exported_node, {}) ({} or {})",
                    TYPE_LABELS.join(", "),
                    sel("node"),
                    sel("exported_node")
                )
            )
        );
    }
    q
}

/// Pods from the listing: namespace and pod as the statistics attribute them
/// (`exported_*` first). A series without `exported_pod` whose `pod` is an exporter
/// (the scrape target of other series that carry `exported_pod`, or named
/// `dcgm-exporter`) is a GPU no pod holds, not a workload's.
pub fn pods_of(series: &[super::Series], namespaces: &[String]) -> Vec<Pod> {
    let exporters: BTreeSet<(Option<&String>, &String)> = series
        .iter()
        .filter(|s| s.labels.contains_key("exported_pod"))
        .filter_map(|s| Some((s.labels.get("namespace"), s.labels.get("pod")?)))
        .collect();
    let mut pods: BTreeMap<(Option<String>, String), Pod> = BTreeMap::new();
    for s in series {
        let mut labels: Labels = s.labels.clone();
        let stat = labels.remove(STAT_LABEL);
        if !labels.contains_key("exported_pod") {
            if let Some(p) = labels.get("pod") {
                if exporters.contains(&(labels.get("namespace"), p)) || p.contains("dcgm-exporter")
                {
                    continue;
                }
            }
        }
        let (ns, Some(name)) = pod_key(&labels) else {
            continue;
        };
        if !namespaces.is_empty() && !ns.as_ref().is_some_and(|n| namespaces.contains(n)) {
            continue;
        }
        let p = pods
            .entry((ns.clone(), name.clone()))
            .or_insert_with(|| Pod {
                namespace: ns,
                name,
                ..Pod::default()
            });
        let node = crate::profile::read::node_label(|k| labels.get(k).map(String::as_str));
        let gpu = gpu_key(&labels);
        if stat.as_deref() == Some("recent") {
            p.recent.insert(gpu.clone());
        }
        p.gpus
            .entry(node.unwrap_or_default())
            .or_default()
            .insert(gpu);
    }
    pods.into_values().collect()
}

type PodId = (Option<String>, String);

/// What kube-state-metrics says about the pods and their nodes.
#[derive(Debug, Default)]
struct Kube {
    owners: BTreeMap<PodId, Owner>,
    /// Per pod, per container: cpu (cores) and memory (bytes) requests.
    requests: BTreeMap<PodId, BTreeMap<String, Requests>>,
    node_types: BTreeMap<String, BTreeSet<String>>,
}

impl Kube {
    /// Reads a [`kube_query`] answer for `pods`.
    fn read(&mut self, facts: &[super::Series], pods: &[Pod]) {
        let asked: BTreeSet<(Option<&String>, &String)> = pods
            .iter()
            .map(|p| (p.namespace.as_ref(), &p.name))
            .collect();
        // The controlling owner first (a pod may list others).
        let mut rows: Vec<&super::Series> = facts.iter().collect();
        rows.sort_by_key(|s| {
            s.labels.get("owner_is_controller").map(String::as_str) != Some("true")
        });
        for s in rows {
            let l = &s.labels;
            let get = |k: &str| l.get(k).map_or("", String::as_str);
            let pod = match pod_key(l) {
                (ns, Some(pod)) if asked.contains(&(ns.as_ref(), &pod)) => Some((ns, pod)),
                _ => None,
            };
            match (get(STAT_LABEL), pod) {
                ("owner", Some(id)) => {
                    let owner = owner_from_kube(&id.1, get("owner_kind"), get("owner_name"));
                    self.owners.entry(id).or_insert(owner);
                }
                ("requests", Some(id)) => {
                    let Some((_, v)) = s.values.first() else {
                        continue;
                    };
                    let container = l
                        .get("exported_container")
                        .or_else(|| l.get("container"))
                        .cloned()
                        .unwrap_or_default();
                    let r = self
                        .requests
                        .entry(id)
                        .or_default()
                        .entry(container)
                        .or_default();
                    match get("resource") {
                        "cpu" => r.cpu = v.max(0.0),
                        "memory" => r.memory = v.max(0.0),
                        _ => {}
                    }
                }
                ("node", _) => {
                    let Some(node) = l.get("exported_node").or_else(|| l.get("node")) else {
                        continue;
                    };
                    let types = self.node_types.entry(node.clone()).or_default();
                    types.extend(
                        TYPE_LABELS
                            .iter()
                            .filter_map(|k| l.get(*k))
                            .filter(|v| !v.is_empty())
                            .take(1)
                            .cloned(),
                    );
                }
                _ => {}
            }
        }
    }

    /// A pod's requests, summed over its containers.
    fn pod_requests(&self, id: &PodId) -> Option<Requests> {
        self.requests.get(id).map(|c| {
            c.values().fold(Requests::default(), |a, r| Requests {
                cpu: a.cpu + r.cpu,
                memory: a.memory + r.memory,
            })
        })
    }
}

/// Pods grouped by owner (the server's, else the one their names suggest), with the
/// notes that say what was inferred and what is unknown.
fn group(pods: Vec<Pod>, kube: &Kube) -> Discovered {
    // GPUs pods held on each node over the window, as the statistics count them.
    let mut on_node: BTreeMap<&String, BTreeSet<&String>> = BTreeMap::new();
    for p in &pods {
        for (n, gpus) in p.gpus.iter().filter(|(n, _)| !n.is_empty()) {
            on_node.entry(n).or_default().extend(gpus);
        }
    }
    let on_node: BTreeMap<String, usize> = on_node
        .into_iter()
        .map(|(n, g)| (n.clone(), g.len()))
        .collect();
    let mut by_owner: BTreeMap<(Option<String>, String, String), Found> = BTreeMap::new();
    for p in pods {
        let id = (p.namespace.clone(), p.name.clone());
        let owner = kube
            .owners
            .get(&id)
            .cloned()
            .unwrap_or_else(|| infer_owner(&p.name));
        let key = (
            p.namespace.clone(),
            owner.name.clone(),
            format!("{:?}", owner.kind),
        );
        let f = by_owner.entry(key).or_insert_with(|| Found {
            namespace: p.namespace.clone(),
            owner,
            pods: Vec::new(),
            gpus_per_pod: 0,
            replicas: 0,
            nodes: BTreeSet::new(),
            node_types: BTreeSet::new(),
            gpus_on_node: 0,
            requests: None,
        });
        if let Some(r) = kube.pod_requests(&id) {
            f.requests = Some(f.requests.map_or(r, |a| a.max(r)));
        }
        f.gpus_per_pod = f.gpus_per_pod.max(p.gpus_held());
        f.replicas += usize::from(!p.recent.is_empty());
        for n in p.nodes() {
            if let Some(t) = kube.node_types.get(n) {
                f.node_types.extend(t.iter().cloned());
            }
            f.gpus_on_node = f.gpus_on_node.max(on_node.get(n).copied().unwrap_or(0));
        }
        f.nodes.extend(p.nodes().cloned());
        f.pods.push(p.name);
    }
    let mut workloads: Vec<Found> = by_owner.into_values().collect();
    for w in &mut workloads {
        w.replicas = w.replicas.max(1);
    }
    let list = |naming: Naming| -> Vec<String> {
        workloads
            .iter()
            .filter(|w| w.owner.naming == naming)
            .map(Found::full_name)
            .collect()
    };
    let mut notes = Vec::new();
    let inferred = list(Naming::Inferred);
    if !inferred.is_empty() {
        notes.push(format!(
            "the server has no kube_pod_owner (kube-state-metrics) for their pods, so these workloads' names were inferred from pod names: {}",
            inferred.join(", ")
        ));
    }
    let alone = list(Naming::Unknown);
    if !alone.is_empty() {
        notes.push(format!(
            "no owner could be told for these pods, so each is replayed as its own workload: {}",
            alone.join(", ")
        ));
    }
    let unknown: Vec<String> = workloads
        .iter()
        .filter(|w| w.requests.is_none())
        .map(Found::full_name)
        .collect();
    if !unknown.is_empty() {
        notes.push(format!(
            "the server has no kube_pod_container_resource_requests (kube-state-metrics) for their pods, so their cpu and memory requests are unknown and a recommended type may not hold them: {}",
            unknown.join(", ")
        ));
    }
    for w in &workloads {
        if let (Ok(t), true) = (w.instance_type(), w.node_types.len() > 1) {
            notes.push(format!(
                "{}: its nodes are of several types ({}); it is priced as {}, which charges a replica no more than any of them",
                w.full_name(),
                w.node_types.iter().cloned().collect::<Vec<_>>().join(", "),
                t.name
            ));
        }
    }
    Discovered { workloads, notes }
}

#[cfg(test)]
mod tests {
    use super::super::client::Auth;
    use super::super::tests::{client, serve, EMPTY};
    use super::*;
    use crate::model::ModelSet;
    use query::Window;

    fn owner(kind: WorkloadKind, name: &str, naming: Naming) -> Owner {
        Owner {
            kind,
            name: name.to_string(),
            naming,
        }
    }

    #[test]
    fn owners_inferred_from_pod_names() {
        use Naming::*;
        use WorkloadKind::*;
        for (pod, want) in [
            ("llm-5d8f7c9b6-x2k4q", owner(Deployment, "llm", Inferred)),
            (
                "llm-70b-7c9f8d6b5-x2k4q",
                owner(Deployment, "llm-70b", Inferred),
            ),
            ("chat-0", owner(StatefulSet, "chat", Inferred)),
            (
                "vllm-server-12",
                owner(StatefulSet, "vllm-server", Inferred),
            ),
            ("train-x7k2p", owner(ReplicaSet, "train", Inferred)),
            // `train` is no template hash (vowels): the owner is `llm-train`.
            ("llm-train-x7k2p", owner(ReplicaSet, "llm-train", Inferred)),
            (
                "nightly-28391045-x7k2p",
                owner(ReplicaSet, "nightly-28391045", Inferred),
            ),
        ] {
            assert_eq!(infer_owner(pod), want, "{pod}");
        }
        // Names with no controller's suffix stay their own workload, named as the pod.
        for pod in [
            "nginx",
            "llm-test-abcde",
            "redis-master",
            "model-server-v2",
            "gpu-burn-xz",
            "llama-3b",
            "web-crypt",
            "0",
            "-x7k2p",
            "-0",
        ] {
            assert_eq!(infer_owner(pod), owner(Pod, pod, Unknown), "{pod}");
        }
    }

    #[test]
    fn owners_from_kube_state_metrics() {
        use Naming::*;
        use WorkloadKind::*;
        let o = owner_from_kube;
        assert_eq!(
            o("llm-5d8f7c9b6-x2k4q", "ReplicaSet", "llm-5d8f7c9b6"),
            owner(Deployment, "llm", Owner)
        );
        // A ReplicaSet of its own: its name has no template hash.
        assert_eq!(
            o("batch-x7k2p", "ReplicaSet", "batch"),
            owner(ReplicaSet, "batch", Owner)
        );
        assert_eq!(
            o("chat-0", "StatefulSet", "chat"),
            owner(StatefulSet, "chat", Owner)
        );
        assert_eq!(o("train-x7k2p", "Job", "train"), owner(Job, "train", Owner));
        assert_eq!(
            o("probe-x7k2p", "DaemonSet", "probe"),
            owner(DaemonSet, "probe", Owner)
        );
        // A bare pod is its own workload; so is a pod of a kind the replay cannot find
        // the pods of, or whose name the owner's controller would not give it.
        assert_eq!(o("debug", "<none>", "<none>"), owner(Pod, "debug", Owner));
        assert_eq!(
            o("ray-head-x7k2p", "RayCluster", "ray"),
            owner(Pod, "ray-head-x7k2p", Unknown)
        );
        assert_eq!(
            o("train-0-x7k2p", "Job", "train"),
            owner(Pod, "train-0-x7k2p", Unknown),
            "an indexed Job's pod"
        );
    }

    fn request(namespaces: &[String]) -> Request<'_> {
        Request {
            at: 1_795_343_671.0,
            window: Window {
                window_s: 604_800,
                sustained_window_s: 300,
                sustained_q: 0.99,
            },
            namespaces,
        }
    }

    /// An instant vector answer; a series' value is its `__value` label, else 1.
    fn vector(series: &[&[(&str, &str)]]) -> &'static str {
        let result: Vec<serde_json::Value> = series
            .iter()
            .map(|labels| {
                let metric: serde_json::Map<String, serde_json::Value> = labels
                    .iter()
                    .filter(|(k, _)| *k != "__value")
                    .map(|(k, v)| (k.to_string(), serde_json::json!(v)))
                    .collect();
                let value = labels
                    .iter()
                    .find(|(k, _)| *k == "__value")
                    .map_or("1", |l| l.1);
                serde_json::json!({"metric": metric, "value": [1_795_343_671.0, value]})
            })
            .collect();
        let body = serde_json::json!({
            "status": "success",
            "data": {"resultType": "vector", "result": result}
        });
        Box::leak(body.to_string().into_boxed_str())
    }

    /// Two pods of `llm` behind an exporter scraped without honorLabels (with a GPU no
    /// pod holds), and `chat-0` scraped with them.
    fn listing() -> &'static str {
        let gpu = |uuid: &'static str, node: &'static str| {
            vec![
                ("UUID", uuid),
                ("gpu", "0"),
                ("modelName", "NVIDIA A10G"),
                ("Hostname", node),
            ]
        };
        let with = |mut l: Vec<(&'static str, &'static str)>,
                    more: &[(&'static str, &'static str)]| {
            l.extend_from_slice(more);
            l
        };
        let exporter = [("pod", "dcgm-x7k2p"), ("namespace", "gpu-operator")];
        let a = with(gpu("GPU-a", "node-a"), &exporter);
        let a = with(
            a,
            &[
                ("exported_pod", "llm-5d8f7c9b6-x2k4q"),
                ("exported_namespace", "ml"),
            ],
        );
        let b = with(gpu("GPU-b", "node-a"), &exporter);
        let b = with(
            b,
            &[
                ("exported_pod", "llm-5d8f7c9b6-b7n9z"),
                ("exported_namespace", "ml"),
            ],
        );
        let idle = with(gpu("GPU-idle", "node-a"), &exporter);
        let chat = with(
            gpu("GPU-c", "node-c"),
            &[("pod", "chat-0"), ("namespace", "ml")],
        );
        let tag = |l: &Vec<(&'static str, &'static str)>, t: &'static str| {
            with(l.clone(), &[(STAT_LABEL, t)])
        };
        let all = [
            tag(&a, "seen"),
            tag(&b, "seen"),
            tag(&idle, "seen"),
            tag(&chat, "seen"),
            tag(&a, "recent"),
            tag(&b, "recent"),
            tag(&chat, "recent"),
        ];
        let refs: Vec<&[(&str, &str)]> = all.iter().map(|v| v.as_slice()).collect();
        vector(&refs)
    }

    /// kube-state-metrics' answer for [`listing`]: `llm`'s owner and requests, node-a's
    /// instance type.
    fn kube_answer() -> &'static str {
        vector(&[
            &[
                (STAT_LABEL, "owner"),
                ("namespace", "ml"),
                ("pod", "llm-5d8f7c9b6-x2k4q"),
                ("owner_kind", "ReplicaSet"),
                ("owner_name", "llm-5d8f7c9b6"),
                ("owner_is_controller", "true"),
            ],
            &[
                (STAT_LABEL, "owner"),
                ("namespace", "ml"),
                ("pod", "llm-5d8f7c9b6-b7n9z"),
                ("owner_kind", "ReplicaSet"),
                ("owner_name", "llm-5d8f7c9b6"),
                ("owner_is_controller", "true"),
            ],
            &[
                (STAT_LABEL, "node"),
                ("node", "node-a"),
                ("label_node_kubernetes_io_instance_type", "g5.12xlarge"),
            ],
            // Requests of the server and a sidecar, on a kube-state-metrics scraped
            // without honorLabels.
            &[
                (STAT_LABEL, "requests"),
                ("namespace", "monitoring"),
                ("pod", "kube-state-metrics-x7k2p"),
                ("container", "kube-state-metrics"),
                ("exported_namespace", "ml"),
                ("exported_pod", "llm-5d8f7c9b6-x2k4q"),
                ("exported_container", "server"),
                ("resource", "cpu"),
                ("__value", "1.5"),
            ],
            &[
                (STAT_LABEL, "requests"),
                ("namespace", "monitoring"),
                ("pod", "kube-state-metrics-x7k2p"),
                ("container", "kube-state-metrics"),
                ("exported_namespace", "ml"),
                ("exported_pod", "llm-5d8f7c9b6-x2k4q"),
                ("exported_container", "proxy"),
                ("resource", "cpu"),
                ("__value", "0.5"),
            ],
            &[
                (STAT_LABEL, "requests"),
                ("namespace", "ml"),
                ("pod", "llm-5d8f7c9b6-b7n9z"),
                ("container", "server"),
                ("resource", "memory"),
                ("__value", "17179869184"),
            ],
        ])
    }

    #[test]
    fn owners_and_instance_types_from_kube_state_metrics() {
        let kube = kube_answer();
        let (url, h) = serve(vec![(200, listing()), (200, kube)]);
        let mut c = client(&url, Auth::None, 0);
        let d = discover(&mut c, &request(&[])).unwrap();
        assert_eq!(c.stats.queries, 2, "the listing, then owners and nodes");
        let seen = h.join().unwrap();
        assert!(seen[1].contains("kube_pod_owner") && seen[1].contains("kube_node_labels"));
        let names: Vec<(String, WorkloadKind, Naming)> = d
            .workloads
            .iter()
            .map(|w| (w.full_name(), w.owner.kind, w.owner.naming))
            .collect();
        assert_eq!(
            names,
            vec![
                (
                    "ml/chat".into(),
                    WorkloadKind::StatefulSet,
                    Naming::Inferred
                ),
                ("ml/llm".into(), WorkloadKind::Deployment, Naming::Owner),
            ],
            "the exporter's idle GPU is no workload"
        );
        let llm = &d.workloads[1];
        assert_eq!((llm.replicas, llm.gpus_per_pod), (2, 1));
        assert_eq!(
            llm.instance_type().map(|t| t.name.as_str()),
            Ok("g5.12xlarge")
        );
        assert!(
            d.workloads[0].instance_type().err() == Some(Unpriced::NoLabel("node-c".into())),
            "node-c has no labels"
        );
        assert_eq!(
            llm.requests,
            Some(Requests {
                cpu: 2.0,
                memory: 17_179_869_184.0
            }),
            "the larger pod's, summed over its containers"
        );
        assert_eq!(d.notes.len(), 2, "{:?}", d.notes);
        assert!(
            d.notes[0].contains("inferred from pod names: ml/chat"),
            "{:?}",
            d.notes
        );
        assert!(
            d.notes[1].contains("requests are unknown") && d.notes[1].ends_with(": ml/chat"),
            "{:?}",
            d.notes
        );

        // The manifests are what the workload model reads, and the replay finds the
        // pods by the names their owner gives them.
        let files = vec![crate::source::load_bytes(
            "discovered".into(),
            Ok(d.manifests().into_bytes()),
            Default::default(),
        )];
        let model = ModelSet::build(&files);
        assert_eq!(model.workloads.len(), 2);
        let w = model.workloads.iter().find(|w| w.name == "llm").unwrap();
        assert_eq!(w.static_replicas(), 2);
        assert_eq!(w.accelerator_demand()[0].1, 1.0);
        let r = w.pod_requests();
        assert_eq!((r.cpu_millicores, r.memory_mib), (2000.0, 16_384.0));
        assert_eq!(
            crate::profile::recommend::pinned(w).map(|r| r.values[0].as_str()),
            Some("g5.12xlarge")
        );
        let re = crate::profile::attach::pod_pattern(w).unwrap();
        assert!(llm.pods.iter().all(|p| re.is_match(p)));
        let chat = model.workloads.iter().find(|w| w.name == "chat").unwrap();
        assert!(crate::profile::recommend::pinned(chat).is_none());
    }

    #[test]
    fn without_kube_state_metrics_owners_are_inferred_and_types_unknown() {
        let (url, _h) = serve(vec![(200, listing()), (200, EMPTY)]);
        let mut c = client(&url, Auth::None, 0);
        let ns = vec!["ml".to_string()];
        let d = discover(&mut c, &request(&ns)).unwrap();
        assert_eq!(c.stats.queries, 2);
        assert_eq!(d.workloads.len(), 2);
        assert!(d
            .workloads
            .iter()
            .all(|w| w.owner.naming == Naming::Inferred && w.instance_type().is_err()));
        assert_eq!(d.workloads[1].owner.kind, WorkloadKind::Deployment);
        assert!(d.notes[0].ends_with("ml/chat, ml/llm"), "{:?}", d.notes);
        let files = vec![crate::source::load_bytes(
            "discovered".into(),
            Ok(d.manifests().into_bytes()),
            Default::default(),
        )];
        let model = ModelSet::build(&files);
        assert!(model
            .workloads
            .iter()
            .all(|w| crate::profile::recommend::pinned(w).is_none()));
    }

    #[test]
    fn gpus_held_at_once_and_the_type_that_holds_a_nodes_gpus() {
        let gpu = |pod: &'static str, node: &'static str, uuid: &'static str, t: &'static str| {
            vec![
                ("pod", pod),
                ("namespace", "ml"),
                ("Hostname", node),
                ("UUID", uuid),
                (STAT_LABEL, t),
            ]
        };
        let series = [
            // chat-0 moved from node-a to node-b: one GPU at a time.
            gpu("chat-0", "node-a", "GPU-x", "seen"),
            gpu("chat-0", "node-b", "GPU-y", "seen"),
            gpu("chat-0", "node-b", "GPU-y", "recent"),
            // web's pods on a 1-GPU node and on a node where pods held 4 GPUs.
            gpu("web-0", "node-s", "GPU-s0", "seen"),
            gpu("web-1", "node-m", "GPU-m0", "seen"),
            gpu("other-0", "node-m", "GPU-m1", "seen"),
            gpu("other-1", "node-m", "GPU-m2", "seen"),
            gpu("other-2", "node-m", "GPU-m3", "seen"),
            gpu("api-0", "node-x", "GPU-x0", "seen"),
            gpu("api-1", "node-y", "GPU-y0", "seen"),
        ];
        let refs: Vec<&[(&str, &str)]> = series.iter().map(|v| v.as_slice()).collect();
        let kube = vector(&[
            &[
                (STAT_LABEL, "node"),
                ("node", "node-s"),
                ("label_node_kubernetes_io_instance_type", "g5.xlarge"),
            ],
            &[
                (STAT_LABEL, "node"),
                ("node", "node-m"),
                ("label_beta_kubernetes_io_instance_type", "g5.12xlarge"),
            ],
            &[
                (STAT_LABEL, "node"),
                ("node", "node-x"),
                ("label_node_kubernetes_io_instance_type", "g5.xlarge"),
            ],
            &[
                (STAT_LABEL, "node"),
                ("node", "node-y"),
                ("label_node_kubernetes_io_instance_type", "g5.2xlarge"),
            ],
        ]);
        let (url, _h) = serve(vec![(200, vector(&refs)), (200, kube)]);
        let mut c = client(&url, Auth::None, 0);
        let d = discover(&mut c, &request(&[])).unwrap();
        let w = |name: &str| d.workloads.iter().find(|w| w.owner.name == name).unwrap();
        assert_eq!((w("chat").gpus_per_pod, w("chat").replicas), (1, 1));
        assert_eq!((w("web").gpus_per_pod, w("web").gpus_on_node), (1, 4));
        // A g5.xlarge does not hold the 4 GPUs held on node-m, and the g5.12xlarge's
        // quarter ($1.42 an hour) is more than web-0's g5.xlarge costs ($1.01).
        assert_eq!(
            w("web").instance_type().map(|t| t.name.as_str()),
            Err(Unpriced::Mixed("g5.12xlarge, g5.xlarge".into()))
        );
        assert_eq!(
            w("other").instance_type().map(|t| t.name.as_str()),
            Ok("g5.12xlarge")
        );
        // One GPU a node, on two sizes: priced as the cheaper.
        assert_eq!(
            w("api").instance_type().map(|t| t.name.as_str()),
            Ok("g5.xlarge")
        );
        assert!(
            d.notes.iter().any(|n| n.starts_with(
                "ml/api: its nodes are of several types (g5.2xlarge, g5.xlarge); it is priced as g5.xlarge"
            )),
            "{:?}",
            d.notes
        );
        assert!(!d.notes.iter().any(|n| n.starts_with("ml/web")));
    }

    #[test]
    fn a_namespace_outside_the_filter_is_not_listed() {
        let (url, _h) = serve(vec![(200, listing()), (200, EMPTY)]);
        let mut c = client(&url, Auth::None, 0);
        let ns = vec!["gpu-operator".to_string()];
        let d = discover(&mut c, &request(&ns)).unwrap();
        assert!(d.workloads.is_empty(), "{:?}", d.workloads);
    }

    #[test]
    fn discovery_queries_parse() {
        let ns = vec!["ml".to_string(), "a.b".to_string()];
        let pods = vec![Pod {
            namespace: Some("ml".into()),
            name: "llm-5d8f7c9b6-x2k4q".into(),
            gpus: [("node-a".to_string(), ["GPU-a".to_string()].into())].into(),
            ..Pod::default()
        }];
        let listing = pods_query(&ns, 604_800, 0);
        assert!(
            listing.contains("[7d]") && listing.contains("[10m]"),
            "{listing}"
        );
        assert!(!pods_query(&[], 302_400, 302_400).contains("recent"));
        for text in [
            listing,
            pods_query(&[], 302_400, 302_400),
            kube_query(&pods, 604_800),
        ] {
            promql_parser::parser::parse(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
        }
    }

    #[test]
    fn a_window_too_large_is_listed_in_halves() {
        let refused = r#"{"status":"error","errorType":"execution","error":"query processing would load too many samples into memory in query execution"}"#;
        let (url, h) = serve(vec![(422, refused), (200, EMPTY), (200, EMPTY)]);
        let mut c = client(&url, Auth::None, 0);
        let d = discover(&mut c, &request(&[])).unwrap();
        assert!(d.workloads.is_empty());
        let seen = h.join().unwrap();
        assert_eq!(seen.len(), 3, "no owner query without pods");
        assert!(seen[2].contains("offset"), "{}", seen[2]);
    }
}
