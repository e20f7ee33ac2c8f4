//! `spot-without-on-demand-fallback`: a spot-only pool with no pool in the checked set
//! that can take its pods on on-demand capacity. When spot runs out, pods stay Pending.
//! Capped on-demand or reserved pools tried before it are prepaid capacity, not fallbacks:
//! once they are full, the spot pool is all that is left.

use super::{is_spot_only, on_demand_fallbacks, pool_hit, pool_ref, prepaid_before};
use crate::checks::CheckCtx;
use crate::model::NodePool;
use crate::rule::Hit;

/// How to add a fallback, with weights the API accepts (1 to 100; unset is 0): below the
/// spot pool's weight when there is room, else with the spot pool's raised.
fn fallback_help(pool: &NodePool) -> String {
    let w = pool.weight_value();
    let weights = if w >= 2 {
        format!("a weight below this pool's {w}")
    } else {
        "a lower weight than this pool, whose weight you raise (for example 50 here and 10 on the fallback)".to_string()
    };
    format!("add an on-demand pool with the same requirements and taints, {weights}, capped by limits (or allow `on-demand` in this pool's capacity types)")
}

pub fn run(ctx: &CheckCtx) -> Vec<Hit> {
    let pools = &ctx.model.node_pools;
    let mut hits = Vec::new();
    for pool in pools.iter().filter(|p| is_spot_only(p) && !p.is_static()) {
        if !on_demand_fallbacks(ctx.model, pool).is_empty() {
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
        let controller = if pool.is_auto_mode() {
            "EKS Auto Mode"
        } else {
            "the same Karpenter"
        };
        let prepaid = match prepaid_before(ctx.model, pool).first() {
            Some(p) => format!(
                "; {} is capped prepaid capacity tried before it, not a fallback: once it is full, only spot is left",
                pool_ref(ctx.model, p)
            ),
            None => String::new(),
        };
        hits.push(
            pool_hit(
                pool,
                anchor,
                format!(
                    "node pool `{}` allows only spot capacity and no other pool {} offers on-demand {kind} capacity its pods can use (provisioned by {controller}, with labels and instance types they can use and taints they tolerate){prepaid}; when spot capacity is reclaimed or unavailable, its pods stay Pending (or teams over-provision to compensate)",
                    pool.name,
                    crate::checks::in_scope(pool.cluster)
                ),
            )
            .help(fallback_help(pool))
            .gpu(pool.gpu_capable()),
        );
    }
    hits
}
