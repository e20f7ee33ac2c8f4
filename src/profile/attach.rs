//! Which workload a profile belongs to: DCGM's namespace and pod labels matched against
//! the pod names a workload's controller creates, or an explicit `NAMESPACE/WORKLOAD`.

use super::Profile;
use crate::model::{ModelSet, Workload, WorkloadKind};
use regex::Regex;

/// A profile file given on the command line, optionally for a named workload.
#[derive(Debug, Clone)]
pub struct ProfileInput {
    pub path: std::path::PathBuf,
    /// `NAMESPACE/WORKLOAD` or `WORKLOAD`, for files without pod labels.
    pub workload: Option<String>,
}

/// Each profile file once: a file named for a workload (`--profile NS/NAME=PATH`) is read
/// for that workload only, not a second time, unattributed, because a directory or path
/// given without a workload holds it too (its samples would count twice, or draw a note
/// asking for the `--profile` it already has), and a file given twice is read once.
pub fn once_each(files: Vec<ProfileInput>) -> Vec<ProfileInput> {
    let key = |p: &std::path::Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
    let named: std::collections::HashSet<std::path::PathBuf> = files
        .iter()
        .filter(|f| f.workload.is_some())
        .map(|f| key(&f.path))
        .collect();
    let mut seen = std::collections::HashSet::new();
    files
        .into_iter()
        .filter(|f| {
            let k = key(&f.path);
            (f.workload.is_some() || !named.contains(&k)) && seen.insert((k, f.workload.clone()))
        })
        .collect()
}

/// A workload with its merged profile.
#[derive(Debug, Clone)]
pub struct Attached {
    pub workload: usize,
    pub profile: Profile,
}

/// Kubernetes' random suffixes and pod-template hashes use this alphabet (no vowels, no
/// 0, 1 or 3), so `llm-train-x7k2p` is not mistaken for a pod of Deployment `llm`.
pub(crate) const SAFE: &str = "[bcdfghjklmnpqrstvwxz2456789]";

pub fn pod_pattern(w: &Workload) -> Option<Regex> {
    pod_name_pattern(
        w.kind,
        w.object_name(),
        w.component.as_ref().map(|c| c.id.as_str()),
    )
}

/// The names the controller of `kind` called `name` (and its `component`, for kinds
/// with several pod templates) gives its pods.
pub fn pod_name_pattern(kind: WorkloadKind, name: &str, component: Option<&str>) -> Option<Regex> {
    let name = regex::escape(name);
    let p = match kind {
        WorkloadKind::Deployment => format!("^{name}-{SAFE}{{5,10}}-{SAFE}{{5}}$"),
        WorkloadKind::StatefulSet => format!("^{name}-[0-9]+$"),
        WorkloadKind::ReplicaSet | WorkloadKind::DaemonSet | WorkloadKind::Job => {
            format!("^{name}-{SAFE}{{5}}$")
        }
        WorkloadKind::CronJob => format!("^{name}-[0-9]+-{SAFE}{{5}}$"),
        WorkloadKind::Pod => format!("^{name}$"),
        WorkloadKind::InferenceService => format!(
            "^{name}-{}(-[0-9]+)?-(deployment-)?[a-z0-9-]+$",
            component.unwrap_or("predictor")
        ),
        // LeaderWorkerSet: `name-<group>` leaders, `name-<group>-<worker>` workers (the
        // worker template also runs the leader when there is no leader template; a leader
        // template, listed first, wins the tie).
        WorkloadKind::LeaderWorkerSet => match component {
            Some("leader") => format!("^{name}-[0-9]+$"),
            _ => format!("^{name}-[0-9]+(-[0-9]+)?$"),
        },
        // KubeRay: `<cluster>-head-<suffix>`, `<cluster>-<group>-worker-<suffix>`; the
        // clusters of a RayService or RayJob carry a generated suffix themselves.
        WorkloadKind::RayCluster | WorkloadKind::RayService | WorkloadKind::RayJob => {
            match component.and_then(|c| c.strip_prefix("worker-")) {
                Some(group) => format!(
                    "^{name}-([a-z0-9-]*-)?{}-worker-[a-z0-9]+$",
                    regex::escape(group)
                ),
                None => format!("^{name}-([a-z0-9-]*-)?head-[a-z0-9]+$"),
            }
        }
        // Kubeflow: `<job>-<replica type>-<index>`; MPIJob's launcher is a Job's pod.
        WorkloadKind::PyTorchJob | WorkloadKind::TFJob | WorkloadKind::MPIJob => format!(
            "^{name}-{}-([0-9]+|{SAFE}{{5}})$",
            regex::escape(component.unwrap_or("worker"))
        ),
        // JobSet: `<jobset>-<replicated job>-<job index>-<pod index>-<suffix>`.
        WorkloadKind::JobSet => format!(
            "^{name}-{}-[0-9]+-[0-9]+-{SAFE}{{5}}$",
            regex::escape(component.unwrap_or(""))
        ),
        // Volcano: `<job>-<task>-<index>`.
        WorkloadKind::VolcanoJob => {
            format!("^{name}-{}-[0-9]+$", regex::escape(component.unwrap_or("")))
        }
    };
    Regex::new(&p).ok()
}

fn ns_matches(w: &Workload, ns: Option<&str>) -> bool {
    match (w.namespace.as_deref(), ns) {
        (Some(a), Some(b)) => a == b,
        _ => true,
    }
}

/// Attach profiles to workloads; returns what matched and a description of each profile
/// that matched none.
pub fn attach(
    model: &ModelSet,
    profiles: Vec<(Profile, Option<String>)>,
) -> (Vec<Attached>, Vec<String>) {
    let mut out: Vec<Attached> = Vec::new();
    let mut unmatched = Vec::new();
    let patterns: Vec<Option<Regex>> = model.workloads.iter().map(pod_pattern).collect();
    for (p, explicit) in profiles {
        let target = match &explicit {
            Some(spec) => {
                let (ns, name) = match spec.split_once('/') {
                    Some((ns, n)) => (Some(ns), n),
                    None => (None, spec.as_str()),
                };
                model
                    .workloads
                    .iter()
                    .position(|w| {
                        w.object_name() == name
                            && w.component.as_ref().is_none_or(|c| c.id == "predictor")
                            && ns_matches(w, ns)
                    })
                    // `NAME/COMPONENT`, as findings name an InferenceService's parts.
                    .or_else(|| model.workloads.iter().position(|w| w.name == *spec))
            }
            // Of the workloads whose pods the name fits, the longest name is the owner
            // (`llm-train-…` belongs to `llm-train`, not `llm`).
            None => p.pod.as_deref().and_then(|pod| {
                model
                    .workloads
                    .iter()
                    .enumerate()
                    .filter(|(i, w)| {
                        ns_matches(w, p.namespace.as_deref())
                            && patterns[*i].as_ref().is_some_and(|re| re.is_match(pod))
                    })
                    .max_by_key(|(i, w)| (w.object_name().len(), std::cmp::Reverse(*i)))
                    .map(|(i, _)| i)
            }),
        };
        match target {
            Some(wi) => match out.iter_mut().find(|a| a.workload == wi) {
                Some(a) => a.profile.merge(&p),
                None => out.push(Attached { workload: wi, profile: p }),
            },
            None => unmatched.push(match (&explicit, &p.pod) {
                (Some(spec), _) => format!("profile {} is for `{spec}`, which is not among the checked workloads", p.source),
                (None, Some(pod)) => format!(
                    "profile {} (pod {}{}) matches no checked workload",
                    p.source,
                    p.namespace.as_deref().map(|n| format!("{n}/")).unwrap_or_default(),
                    pod
                ),
                (None, None) => format!(
                    "profile {} has no pod labels; say which workload it is with --profile NAMESPACE/WORKLOAD={}",
                    p.source, p.source
                ),
            }),
        }
    }
    (out, unmatched)
}
