//! Checks over Karpenter node pools (all three API generations, one model).

pub mod api_deprecation;
pub mod disruption_conflicts;
pub mod empty_node_delay;
pub mod empty_node_reclaim;
pub mod fallback_cap;
pub mod fallback_weight;
pub mod gpu_pool_taint;
pub mod instance_flexibility;
pub mod instance_names;
pub mod invalid_fields;
pub mod node_expiry;
pub mod nodepool_limits;
pub mod spot_fallback;

use crate::catalog::{usd, PRICE_SOURCE};
use crate::engine::Hit;
use crate::model::{ModelSet, NodePool};
use crate::source::NodeRef;
use std::ops::Range;

/// A hit about a pool at a span.
pub fn pool_hit(pool: &NodePool, span: Range<usize>, message: String) -> Hit {
    Hit::new(pool.file, span, message).resource(pool.resource)
}

/// Span of a node's key when it has one (for "this block lacks X"), else the node.
pub fn key_or_value(n: NodeRef<'_>) -> Range<usize> {
    n.key_span()
}

/// "GPU pool" or "pool", for messages.
pub fn pool_kind(pool: &NodePool) -> &'static str {
    if pool.gpu_capable() {
        "GPU-capable node pool"
    } else {
        "node pool"
    }
}

/// A pool that allows spot but not on-demand.
pub fn is_spot_only(pool: &NodePool) -> bool {
    let ct = pool.capacity_types();
    ct.spot && !ct.on_demand
}

/// A pool that allows on-demand but not spot.
pub fn is_on_demand_only(pool: &NodePool) -> bool {
    let ct = pool.capacity_types();
    ct.on_demand && !ct.spot
}

/// Whether `other` offers the same kind of capacity as `pool`: GPU capacity for a GPU
/// pool, general-purpose capacity otherwise.
pub fn same_kind_of_capacity(pool: &NodePool, other: &NodePool) -> bool {
    if pool.gpu_capable() {
        other.gpu_capable()
    } else {
        other.instances.has_general_purpose()
    }
}

/// Pools that can take a spot pool's pods on on-demand capacity: dynamic pools of an
/// API version that can run beside it, allowing on-demand, serving the same kind of
/// capacity, carrying no taint those pods do not tolerate, and able to host them (their
/// required labels and instance types overlap).
pub fn on_demand_fallbacks<'p, 'a>(
    spot: &NodePool<'a>,
    pools: &'p [NodePool<'a>],
) -> Vec<&'p NodePool<'a>> {
    pools
        .iter()
        .filter(|p| p.resource != spot.resource && !p.is_static())
        .filter(|p| crate::model::same_scope(p.cluster, spot.cluster))
        .filter(|p| p.api.coexists_with(spot.api))
        .filter(|p| p.capacity_types().on_demand)
        .filter(|p| same_kind_of_capacity(spot, p))
        .filter(|p| p.taints_tolerated_by_pods_of(spot))
        .filter(|p| p.can_host_pods_of(spot))
        .collect()
}

/// Pairs of (spot-only pool, on-demand-only pool that backs it).
pub fn spot_fallback_pairs<'p, 'a>(
    pools: &'p [NodePool<'a>],
) -> Vec<(&'p NodePool<'a>, &'p NodePool<'a>)> {
    let mut pairs = Vec::new();
    for s in pools.iter().filter(|p| is_spot_only(p) && !p.is_static()) {
        for f in on_demand_fallbacks(s, pools) {
            if is_on_demand_only(f) {
                pairs.push((s, f));
            }
        }
    }
    pairs
}

/// "an idle g5.2xlarge (the most expensive type it allows) costs $1.21 an hour …" for the
/// most expensive type the pool allows; None when nothing in it is priced. When the
/// catalog cannot list every type the pool allows, the figure is a floor ("or more").
pub fn idle_cost_sentence(pool: &NodePool) -> Option<String> {
    let t = pool.instances.most_expensive()?;
    let price = t.on_demand_usd_hour?;
    let month = usd(price * crate::catalog::HOURS_PER_MONTH);
    Some(if pool.instances.unconstrained {
        format!(
            "its requirements select no instance family, so an idle node can cost {} an hour or more ({}; {month} a month; {PRICE_SOURCE}, 730 h)",
            usd(price),
            t.name
        )
    } else if pool.instances.exact {
        format!(
            "an idle {} (the most expensive type it allows) costs {} an hour, {month} a month ({PRICE_SOURCE}, 730 h)",
            t.name,
            usd(price)
        )
    } else {
        format!(
            "an idle node can cost {} an hour or more ({}; {month} a month; {PRICE_SOURCE}, 730 h)",
            usd(price),
            t.name
        )
    })
}

/// "`name` (deploy/pools.yaml:12)": a pool named so the user can find it among files.
pub fn pool_ref(model: &ModelSet, pool: &NodePool) -> String {
    let file = &model.files[pool.file].file;
    let line = file.line_col(pool.root.span().start).line;
    format!("`{}` ({}:{line})", pool.name, file.path)
}

/// Render a limit value compactly (`100`, `4000Gi`-style values are shown as numbers).
pub fn fmt_amount(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}
