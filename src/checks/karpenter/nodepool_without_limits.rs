//! `nodepool-without-limits`: a pool with no limits can grow without bound; a GPU-capable
//! pool needs a cap on its accelerators (an accelerator limit, or `nodes`), since a cpu
//! limit alone still allows dozens of GPUs.

use super::{idle_cost_sentence, pool_hit};
use crate::checks::CheckCtx;
use crate::model::units::amount as fmt_amount;
use crate::rule::Hit;

pub fn run(ctx: &CheckCtx) -> Vec<Hit> {
    let mut hits = Vec::new();
    for pool in &ctx.model.node_pools {
        if pool.is_static() || pool.is_auto_mode_builtin() {
            continue; // a fixed node count; or a built-in pool nobody can edit
        }
        let gpu = pool.gpu_capable();
        let cost = idle_cost_sentence(pool)
            .map(|s| format!("; {s}"))
            .unwrap_or_default();
        let anchor = pool.limits_node.unwrap_or(pool.spec_anchor());
        let accel = pool.instances.accelerator_resources();
        let main_accel = if accel.contains(&"nvidia.com/gpu") {
            "nvidia.com/gpu"
        } else {
            accel.first().copied().unwrap_or("nvidia.com/gpu")
        };
        if pool.limits.is_empty() {
            if pool.limits_written {
                continue; // misplaced or unreadable limits are reported as invalid fields
            }
            let what = if gpu {
                format!("set `limits` with `{main_accel}` (and cpu, memory)")
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
        if !gpu || pool.accelerator_limit().is_some() || pool.limit("nodes").is_some() {
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
        hits.push(
            pool_hit(
                pool,
                anchor.key_span(),
                format!(
                    "GPU-capable node pool `{}` limits only {} and neither its accelerators nor its node count, so the number of GPUs it can buy is bounded only indirectly{cost}",
                    pool.name,
                    others.join(", ")
                ),
            )
            .help(format!("add `{main_accel}: <max devices>` (or `nodes: <max>`) to the pool's limits"))
            .gpu(true),
        );
    }
    hits
}
