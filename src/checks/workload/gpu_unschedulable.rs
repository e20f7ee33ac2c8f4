//! `gpu-workload-unschedulable`: a GPU workload no pool in the checked set can host. Its
//! pods stay Pending while the GPUs (and the people waiting for them) are paid for.

use super::{demand_text, describe, extended_resource_toleration, workload_hit};
use crate::checks::CheckCtx;
use crate::engine::Hit;

pub fn run(ctx: &CheckCtx) -> Vec<Hit> {
    let model = ctx.model;
    if model.node_pools.is_empty() {
        return Vec::new();
    }
    let ert = extended_resource_toleration(ctx);
    let mut hits = Vec::new();
    for (wi, w) in model.workloads.iter().enumerate() {
        if !w.uses_accelerators() || !model.relations.hosts_for(wi, ert).is_empty() {
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
                    "{} requests {} per pod but none of the {} node pools in the checked files can host it{why}",
                    describe(w),
                    demand_text(w),
                    model.node_pools.len()
                ),
            )
            .help("align the pod's tolerations, nodeSelector/affinity and GPU request with a pool, or add a pool for it")
            .gpu(true),
        );
    }
    hits
}
