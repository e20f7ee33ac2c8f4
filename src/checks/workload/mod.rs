//! Checks over workloads, their autoscalers and disruption budgets, and the node pools
//! that can host them.

pub mod autoscaler_max_capacity;
pub mod autoscaler_min_replicas;
pub mod container_requests;
pub mod critical_on_spot;
pub mod deprecated_annotations;
pub mod gpu_autoscaler;
pub mod gpu_limits;
pub mod gpu_toleration;
pub mod gpu_unschedulable;
pub mod instance_pinned;
pub mod spot_budget;
pub mod spot_shutdown;

use crate::checks::CheckCtx;
use crate::engine::Hit;
use crate::model::{ModelSet, Workload};
use std::ops::Range;

/// Whether a hosting rule counts the tolerations the ExtendedResourceToleration admission
/// plugin adds to pods requesting extended resources (parameter
/// `extended-resource-toleration`, default true: EKS enables the plugin).
pub fn extended_resource_toleration(ctx: &CheckCtx) -> bool {
    ctx.params.bool("extended-resource-toleration", true)
}

/// A hit about a workload at a span.
pub fn workload_hit(w: &Workload, span: Range<usize>, message: String) -> Hit {
    Hit::new(w.file, span, message).resource(w.resource)
}

/// "Deployment `web`" or "InferenceService `llm` predictor", for messages.
pub fn describe(w: &Workload) -> String {
    match w.component {
        Some(c) => format!("InferenceService `{}` {c}", w.object_name()),
        None => format!("{} `{}`", w.kube_kind(), w.name),
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
        .map(|(r, n)| format!("{} {r}", crate::checks::karpenter::fmt_amount(*n)))
        .collect::<Vec<_>>()
        .join(" and ")
}
