//! `nodepool-without-limits`: a pool with no limits can grow without bound; a GPU-capable
//! pool needs a limit on its accelerator resource, since a cpu limit alone still allows
//! dozens of GPUs.

use super::{fmt_amount, idle_cost_sentence, pool_hit};
use crate::checks::CheckCtx;
use crate::engine::Hit;

pub fn run(ctx: &CheckCtx) -> Vec<Hit> {
    let mut hits = Vec::new();
    for pool in &ctx.model.node_pools {
        if pool.replicas.is_some() {
            continue; // a static pool has a fixed node count
        }
        let gpu = pool.gpu_capable();
        let cost = idle_cost_sentence(pool)
            .map(|s| format!("; {s}"))
            .unwrap_or_default();
        if pool.limits.is_empty() {
            let anchor = pool.limits_node.unwrap_or(pool.spec_anchor());
            let what = if gpu {
                let res = pool.instances.accelerator_resources().join("`, `");
                format!("set `limits` with `{res}` (and cpu, memory)")
            } else {
                "set `limits` with cpu and memory".to_string()
            };
            hits.push(
                pool_hit(
                    pool,
                    anchor.key_span(),
                    format!(
                        "{} `{}` has no limits, so Karpenter will keep launching nodes for any pending pod, however many{cost}",
                        super::pool_kind(pool),
                        pool.name
                    ),
                )
                .help(format!("{what} to cap what a runaway deployment can spend"))
                .gpu(gpu),
            );
            continue;
        }
        if !gpu {
            continue;
        }
        for res in pool.instances.accelerator_resources() {
            if pool.limit(res).is_some() {
                continue;
            }
            let others: Vec<String> = pool
                .limits
                .iter()
                .map(|(k, f)| {
                    let shown = f
                        .node
                        .scalar()
                        .map_or_else(|| fmt_amount(f.value), |(t, _)| t.to_string());
                    format!("{k}: {shown}")
                })
                .collect();
            let anchor = pool.limits_node.unwrap_or(pool.spec_anchor());
            hits.push(
                pool_hit(
                    pool,
                    anchor.key_span(),
                    format!(
                        "GPU-capable node pool `{}` limits only {} but not `{res}`, so the number of accelerators it can buy is bounded only indirectly{cost}",
                        pool.name,
                        others.join(", ")
                    ),
                )
                .help(format!("add `{res}: <max devices>` to the pool's limits"))
                .gpu(true),
            );
        }
    }
    hits
}
