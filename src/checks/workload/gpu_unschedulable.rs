//! `gpu-workload-unschedulable`: a GPU workload no pool in the checked set can host. Its
//! pods stay Pending while the GPUs (and the people waiting for them) are paid for.

use super::{demand_text, describe, extended_resource_toleration, workload_hit};
use crate::checks::CheckCtx;
use crate::engine::Hit;
use crate::model::nodepool::is_custom_label;
use crate::model::{ModelSet, Workload, WorkloadKind};

/// Whether the pod asks for capacity the node pools in the checked files describe, rather
/// than for nodes they may not list (managed node groups, pools created by scripts): it
/// selects a Karpenter or provider label, a custom label a pool sets or requires, or
/// tolerates a taint a pool carries. A pod selecting a custom label no pool sets or
/// requires targets other capacity.
fn targets_checked_pools(model: &ModelSet, w: &Workload) -> bool {
    let reqs = || {
        w.node_selector
            .iter()
            .chain(w.affinity_terms.iter().flatten().flatten())
    };
    let pools_carry = |key: &str| {
        model.node_pools.iter().any(|p| {
            p.labels.iter().any(|(k, _)| k == key) || p.requirements.iter().any(|r| r.key == key)
        })
    };
    let positive = |op: &str| matches!(op, "In" | "Exists" | "Gt" | "Lt" | "Gte" | "Lte");
    if reqs().any(|r| is_custom_label(&r.key) && positive(&r.operator) && !pools_carry(&r.key)) {
        return false;
    }
    let provider_key = |k: &str| {
        k.starts_with("karpenter.sh/")
            || k.starts_with("karpenter.k8s.aws/")
            || k.starts_with("eks.amazonaws.com/")
    };
    reqs().any(|r| provider_key(&r.key) || (is_custom_label(&r.key) && pools_carry(&r.key)))
        || w.tolerations.iter().any(|t| {
            let Some(key) = t.key.as_deref().filter(|k| !k.is_empty()) else {
                return false; // a blanket toleration says nothing about which nodes
            };
            model
                .node_pools
                .iter()
                .flat_map(|p| p.taints.iter())
                .any(|taint| taint.key == key)
        })
}

pub fn run(ctx: &CheckCtx) -> Vec<Hit> {
    let model = ctx.model;
    let ert = extended_resource_toleration(ctx);
    let mut hits = Vec::new();
    for (wi, w) in model.workloads.iter().enumerate() {
        // Karpenter provisions no node for DaemonSet pods; they run where nodes exist.
        if w.kind == WorkloadKind::DaemonSet
            || !w.uses_accelerators()
            || !model.relations.hosts_for(wi, ert).is_empty()
            || !targets_checked_pools(model, w)
        {
            continue;
        }
        let cluster = model.cluster(w.file);
        // Without a pool in its scope the pools live elsewhere: nothing to judge against.
        if !model
            .node_pools
            .iter()
            .any(|p| crate::model::same_scope(p.cluster, cluster))
        {
            continue;
        }
        let blocked = model.relations.blocked_for(wi, ert);
        let closest = blocked.iter().max_by_key(|b| b.closeness);
        let why = closest
            .map(|b| {
                format!(
                    "; the closest, `{}`, cannot because {}",
                    model.node_pools[b.pool].name, b.reason
                )
            })
            .unwrap_or_default();
        hits.push(
            workload_hit(
                w,
                w.pod_anchor().key_span(),
                format!(
                    "{} requests {} per pod but none of the {pools} node pools {} can host it{why}",
                    describe(w),
                    demand_text(w),
                    crate::checks::in_scope(cluster)
                ),
            )
            .help("align the pod's tolerations, nodeSelector/affinity and GPU request with a pool, or add a pool for it")
            .gpu(true),
        );
    }
    hits
}
