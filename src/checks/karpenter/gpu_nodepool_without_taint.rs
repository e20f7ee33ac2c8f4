//! `gpu-nodepool-without-taint`: without a NoSchedule taint, CPU-only pods land on GPU
//! nodes and keep them alive after the GPU work is gone.

use super::{idle_cost_sentence, pool_hit};
use crate::checks::CheckCtx;
use crate::rule::Hit;

pub fn run(ctx: &CheckCtx) -> Vec<Hit> {
    let mut hits = Vec::new();
    for pool in &ctx.model.node_pools {
        if !pool.gpu_capable() {
            continue;
        }
        let tainted = pool
            .taints
            .iter()
            .any(|t| t.effect == "NoSchedule" || t.effect == "NoExecute");
        if tainted {
            continue;
        }
        let anchor = pool.taints_node.unwrap_or(pool.node_spec_anchor());
        let res = pool
            .instances
            .accelerator_resources()
            .first()
            .copied()
            .unwrap_or("nvidia.com/gpu");
        let why = if pool.instances.unconstrained {
            " (nothing in its requirements excludes GPU instance types)"
        } else {
            ""
        };
        let cost = idle_cost_sentence(pool)
            .map(|s| format!("; {s}"))
            .unwrap_or_default();
        hits.push(
            pool_hit(
                pool,
                anchor.key_span(),
                format!(
                    "node pool `{}` can launch GPU instances{why} but has no NoSchedule taint, so CPU-only pods can be scheduled onto GPU nodes and keep them from being consolidated{cost}",
                    pool.name
                ),
            )
            .help(format!(
                "add `taints: [{{key: {res}, value: \"true\", effect: NoSchedule}}]` so only pods that tolerate it (GPU workloads) land there"
            ))
            .gpu(true),
        );
    }
    hits
}
