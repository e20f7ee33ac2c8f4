//! `spot-without-on-demand-fallback`: a spot-only pool with no pool in the checked set
//! that can take its pods on on-demand capacity. When spot runs out, pods stay Pending.

use super::{is_spot_only, on_demand_fallbacks, pool_hit};
use crate::checks::CheckCtx;
use crate::engine::Hit;

pub fn run(ctx: &CheckCtx) -> Vec<Hit> {
    let pools = &ctx.model.node_pools;
    let mut hits = Vec::new();
    for pool in pools.iter().filter(|p| is_spot_only(p) && !p.is_static()) {
        if !on_demand_fallbacks(pool, pools).is_empty() {
            continue;
        }
        let anchor = pool
            .capacity_requirement()
            .and_then(|r| r.values_node)
            .map(|n| n.span())
            .unwrap_or_else(|| pool.spec_anchor().key_span());
        let kind = if pool.gpu_capable() {
            "GPU"
        } else {
            "general-purpose"
        };
        hits.push(
            pool_hit(
                pool,
                anchor,
                format!(
                    "node pool `{}` allows only spot capacity and no other pool {} offers on-demand {kind} capacity its pods can use (same labels and instance types, taints they tolerate); when spot capacity is reclaimed or unavailable, its pods stay Pending (or teams over-provision to compensate)",
                    pool.name,
                    crate::checks::in_scope(pool.cluster)
                ),
            )
            .help("add a lower-weight on-demand pool with the same requirements and taints, capped by limits (or allow `on-demand` in this pool's capacity types)")
            .gpu(pool.gpu_capable()),
        );
    }
    hits
}
