//! `gpu-workload-unschedulable`: a GPU workload no pool in the checked set can host. Its
//! pods stay Pending while the GPUs (and the people waiting for them) are paid for.

use super::{demand_text, describe, workload_hit};
use crate::checks::CheckCtx;
use crate::engine::Hit;

pub fn run(ctx: &CheckCtx) -> Vec<Hit> {
    let model = ctx.model;
    let mut hits = Vec::new();
    for (wi, w) in model.workloads.iter().enumerate() {
        if !w.uses_accelerators() || !model.relations.hosts[wi].is_empty() {
            continue;
        }
        let cluster = model.cluster(w.file);
        // Without a pool in its scope the pools live elsewhere: nothing to judge against.
        let pools = model
            .node_pools
            .iter()
            .filter(|p| crate::model::same_scope(p.cluster, cluster))
            .count();
        if pools == 0 {
            continue;
        }
        let closest = model.relations.blocked[wi]
            .iter()
            .max_by_key(|b| b.closeness);
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
