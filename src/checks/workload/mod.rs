//! Checks over workloads, their autoscalers and disruption budgets, and the node pools
//! that can host them.

pub mod autoscaler_max_exceeds_pool_capacity;
pub mod autoscaler_min_replicas_below_redundancy;
pub mod container_without_requests;
pub mod cpu_workload_tolerates_gpu_taint;
pub mod critical_workload_on_spot_only;
pub mod deprecated_karpenter_annotation;
pub mod gpu_request_without_limit;
pub mod gpu_workload_unschedulable;
pub mod gpu_workload_without_autoscaler;
pub mod instance_type_pinned;
pub mod spot_workload_without_disruption_budget;
pub mod spot_workload_without_graceful_shutdown;

use crate::model::{ModelSet, Workload};
use crate::rule::Hit;
use std::ops::Range;

/// The parameters of the rules that ask whether a pool can host a workload, declared with
/// their defaults in each rule file.
#[derive(serde::Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct HostingParams {
    /// Count the tolerations the ExtendedResourceToleration admission plugin adds to
    /// pods requesting extended resources (EKS enables it).
    pub extended_resource_toleration: bool,
}

/// A hit about a workload at a span.
pub fn workload_hit(w: &Workload, span: Range<usize>, message: String) -> Hit {
    Hit::new(w.file, span, message).resource(w.resource)
}

/// "Deployment `web`", "InferenceService `llm` predictor" or "RayCluster `rc` worker group
/// `gpu`", for messages.
pub fn describe(w: &Workload) -> String {
    match &w.component {
        Some(c) => format!("{} `{}` {}", w.kind_shown(), w.object_name(), c.shown),
        None => format!("{} `{}`", w.kind_shown(), w.name),
    }
}

/// The resource itself, for findings about its own fields (its annotations): "PyTorchJob
/// `train`" rather than one of its pod templates.
pub fn describe_resource(w: &Workload) -> String {
    match &w.component {
        Some(_) => format!("{} `{}`", w.kind_shown(), w.object_name()),
        None => describe(w),
    }
}

/// Whether an annotation was written on the resource's own metadata, not its pod template.
pub fn on_resource(w: &Workload, annotation: &crate::source::NodeRef) -> bool {
    w.root
        .path(&["metadata", "annotations"])
        .and_then(|m| m.entries())
        .is_some_and(|mut e| e.any(|(_, v)| v.span() == annotation.span()))
}

/// Add a hit unless one already points at the same place: a field of the resource itself
/// (an annotation, a shared replica count) is reported once, not once per pod template.
pub fn push_once(hits: &mut Vec<Hit>, hit: Hit) {
    if !hits
        .iter()
        .any(|h| h.file == hit.file && h.span == hit.span)
    {
        hits.push(hit);
    }
}

/// The names of pools, for messages.
pub fn pool_names(model: &ModelSet, pools: &[usize]) -> String {
    pools
        .iter()
        .map(|p| format!("`{}`", model.node_pools[*p].name))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Accelerators per pod, as "1 nvidia.com/gpu".
pub fn demand_text(w: &Workload) -> String {
    w.accelerator_demand()
        .iter()
        .map(|(r, n)| format!("{} {r}", crate::model::units::amount(*n)))
        .collect::<Vec<_>>()
        .join(" and ")
}

/// The pod templates that scale together: a LeaderWorkerSet's leader and workers share
/// `spec.replicas`, so one replica is a group of their pods.
pub struct ScaleUnit {
    /// Workload indices, the first being the one findings are reported on.
    pub members: Vec<usize>,
    /// Pods in one replica.
    pub pods: i64,
    /// Accelerators one replica holds, over all its pods.
    pub per_replica: Vec<(String, f64)>,
    /// "LeaderWorkerSet `x`" for a group, else as [`describe`] says.
    pub shown: String,
}

impl ScaleUnit {
    /// The unit workload `wi` belongs to, or `None` when an earlier workload speaks for it.
    pub fn of(model: &ModelSet, wi: usize) -> Option<ScaleUnit> {
        let w = &model.workloads[wi];
        let members: Vec<usize> = match &w.replicas {
            Some(r) => model
                .workloads
                .iter()
                .enumerate()
                .filter(|(_, o)| {
                    o.resource == w.resource
                        && o.replicas
                            .as_ref()
                            .is_some_and(|x| x.node.span() == r.node.span())
                })
                .map(|(i, _)| i)
                .collect(),
            None => vec![wi],
        };
        if members.first() != Some(&wi) {
            return None;
        }
        let pods = members
            .iter()
            .map(|i| model.workloads[*i].pods_per_replica)
            .sum();
        let mut per_replica: Vec<(String, f64)> = Vec::new();
        for m in members.iter().map(|i| &model.workloads[*i]) {
            for (res, n) in m.accelerator_demand() {
                let n = n * m.pods_per_replica as f64;
                match per_replica.iter_mut().find(|(r, _)| *r == res) {
                    Some((_, total)) => *total += n,
                    None => per_replica.push((res, n)),
                }
            }
        }
        let shown = if pods > 1 {
            format!("{} `{}`", w.kind_shown(), w.object_name())
        } else {
            describe(w)
        };
        Some(ScaleUnit {
            members,
            pods,
            per_replica,
            shown,
        })
    }

    /// The pools that can host any of its pods.
    pub fn hosts(&self, model: &ModelSet, ert: bool) -> Vec<usize> {
        let mut out: Vec<usize> = self
            .members
            .iter()
            .flat_map(|i| model.relations.hosts_for(*i, ert))
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// "3 groups of 2 pods, 16 nvidia.com/gpu per group" or "3 replicas of 1 nvidia.com/gpu
    /// each".
    pub fn replicas_text(&self, replicas: i64) -> String {
        let units = self
            .per_replica
            .iter()
            .map(|(r, n)| format!("{} {r}", crate::model::units::amount(*n)))
            .collect::<Vec<_>>()
            .join(" and ");
        if self.pods > 1 {
            format!(
                "{replicas} groups of {} pods, {units} per group,",
                self.pods
            )
        } else {
            format!("{replicas} replicas of {units} each")
        }
    }
}
