//! Checks over Karpenter node pools (all three API generations, one model).

pub mod conflicting_disruption_settings;
pub mod deprecated_karpenter_api;
pub mod empty_node_ttl_too_long;
pub mod empty_nodes_never_reclaimed;
pub mod fallback_weight_not_below_spot;
pub mod gpu_nodepool_without_taint;
pub mod invalid_nodepool_field;
pub mod node_expiry_missing;
pub mod nodepool_without_limits;
pub mod on_demand_fallback_uncapped;
pub mod spot_instance_types_too_few;
pub mod spot_without_on_demand_fallback;
pub mod unknown_instance_type;

use crate::catalog::requirements::{IdleBasis, TYPICAL_POD};
use crate::catalog::{price_basis, usd, SPOT_ESTIMATE};
use crate::model::relations::can_host;
use crate::model::{ModelSet, NodePool, WorkloadKind};
use crate::rule::Hit;
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

/// Pools that can take a spot pool's pods on on-demand capacity, as Karpenter would: dynamic
/// pools provisioned by the same controller (an EKS Auto Mode pool never backs a
/// self-managed one), of an API version that can run beside it, allowing on-demand,
/// serving the same kind of capacity, and not prepaid capacity tried before the spot pool
/// (see [`NodePool::is_prepaid_before`]). When the checked files hold workloads the spot
/// pool hosts, those are its pods, and a fallback must be able to host one of them;
/// otherwise the pools are compared: no taint the spot pool's pods do not tolerate, no
/// conflicting labels or requirements, and a shared instance type.
pub fn on_demand_fallbacks<'p, 'a>(
    model: &'p ModelSet<'a>,
    spot: &NodePool<'a>,
) -> Vec<&'p NodePool<'a>> {
    let pools = &model.node_pools;
    let spot_index = pools.iter().position(|p| p.resource == spot.resource);
    let spot_pods = pods_of(model, spot);
    let workloads = &model.workloads;
    // The cheap tests first (most pools drop out on capacity type), those that read the
    // pool's YAML again last: the search runs for every spot pool over every pool.
    pools
        .iter()
        .enumerate()
        .filter(|(_, p)| p.capacity_types().on_demand && p.resource != spot.resource)
        .filter(|(_, p)| crate::model::same_scope(p.cluster, spot.cluster))
        .filter(|(_, p)| p.api.coexists_with(spot.api) && !p.is_static())
        .filter(|(_, p)| p.same_controller(spot))
        .filter(|(_, p)| same_kind_of_capacity(spot, p))
        .filter(|(_, p)| !p.is_prepaid_before(spot))
        .filter(|(pi, p)| {
            if spot_pods.is_empty() {
                return p.taints_tolerated_by_pods_of(spot) && p.can_host_pods_of(spot);
            }
            // The computed relation where it covers the pair (one scope, answered per
            // pair of pool classes); a shared spot pool's pods in another cluster than
            // `p` are judged here.
            spot_index.is_some_and(|s| model.relations.host_a_pod_of(s, *pi))
                || (spot.cluster.is_none()
                    && p.cluster.is_some()
                    && spot_pods.iter().any(|&wi| {
                        let w = &workloads[wi];
                        let cluster = model.resources.get(w.resource).and_then(|r| r.cluster);
                        !crate::model::same_scope(p.cluster, cluster) && can_host(p, w).is_ok()
                    }))
        })
        .map(|(_, p)| p)
        .collect()
}

/// Workloads in the checked files that the pool can host and that Karpenter provisions
/// nodes for (not DaemonSets, whose pods run on every node they tolerate), by index.
fn pods_of(model: &ModelSet, pool: &NodePool) -> Vec<usize> {
    let Some(pi) = model
        .node_pools
        .iter()
        .position(|p| p.resource == pool.resource)
    else {
        return Vec::new();
    };
    model
        .relations
        .hosted(pi)
        .iter()
        .map(|wi| *wi as usize)
        .filter(|wi| model.workloads[*wi].kind != WorkloadKind::DaemonSet)
        .collect()
}

/// Pools allowing on-demand but not spot that are tried before `spot` as capped prepaid
/// capacity, for messages that explain why they are not its fallback.
pub fn prepaid_before<'p, 'a>(
    model: &'p ModelSet<'a>,
    spot: &NodePool<'a>,
) -> Vec<&'p NodePool<'a>> {
    // Only pools without spot can be prepaid: that test first, the YAML-reading ones last.
    model
        .node_pools
        .iter()
        .filter(|p| !p.capacity_types().spot && p.resource != spot.resource)
        .filter(|p| p.api.coexists_with(spot.api) && !p.is_static())
        .filter(|p| p.same_controller(spot) && same_kind_of_capacity(spot, p))
        .filter(|p| p.is_prepaid_before(spot))
        .collect()
}

/// Pairs of (spot-only pool, on-demand-only pool that backs it).
pub fn spot_fallback_pairs<'p, 'a>(
    model: &'p ModelSet<'a>,
) -> Vec<(&'p NodePool<'a>, &'p NodePool<'a>)> {
    let mut pairs = Vec::new();
    for s in model
        .node_pools
        .iter()
        .filter(|p| is_spot_only(p) && !p.is_static())
    {
        for f in on_demand_fallbacks(model, s) {
            if is_on_demand_only(f) {
                pairs.push((s, f));
            }
        }
    }
    pairs
}

/// "an idle g5.2xlarge (the most expensive type it allows) costs $1.21 an hour …", or for
/// a general-purpose pool the cheapest type a typical pod gets (see
/// [`crate::catalog::InstanceSet::idle_node`]); spot-only pools at the stated spot
/// estimate. None when nothing in the pool is priced.
pub fn idle_cost_sentence(pool: &NodePool) -> Option<String> {
    let (t, basis, price, spot_note) = idle_node_price(pool)?;
    let month = usd(price * crate::catalog::HOURS_PER_MONTH);
    let (cpu, mem) = TYPICAL_POD;
    let what = match basis {
        IdleBasis::TypicalPod if pool.instances.unconstrained => format!(
            "its requirements select no instance family, so Karpenter launches the cheapest type that fits each pod: an idle {} (the cheapest for a typical pod of {:.0} cpu and {:.0}Gi)",
            t.name,
            cpu / 1000.0,
            mem / 1024.0
        ),
        IdleBasis::TypicalPod => format!(
            "an idle {} (the cheapest type it allows that fits a typical pod of {:.0} cpu and {:.0}Gi)",
            t.name,
            cpu / 1000.0,
            mem / 1024.0
        ),
        IdleBasis::MostExpensive => {
            format!("an idle {} (the most expensive type it allows)", t.name)
        }
    };
    let more = if pool.instances.exact { "" } else { " or more" };
    Some(format!(
        "{what} costs {}{more} an hour, {month} a month ({}{spot_note})",
        usd(price),
        price_basis()
    ))
}

/// The node an idle-capacity figure prices ([`crate::catalog::InstanceSet::idle_node`]),
/// its hourly price, and a note on spot: a spot-only pool is priced at the stated spot
/// estimate, not at on-demand.
pub fn idle_node_price(
    pool: &NodePool,
) -> Option<(
    &'static crate::catalog::InstanceType,
    IdleBasis,
    f64,
    String,
)> {
    let (t, basis) = pool.instances.idle_node()?;
    let ct = pool.capacity_types();
    let spot = ct.spot && !ct.on_demand && !ct.reserved;
    let price = t.on_demand_usd_hour()? * if spot { SPOT_ESTIMATE } else { 1.0 };
    let note = if spot {
        format!(", spot estimated at {SPOT_ESTIMATE} of on-demand")
    } else {
        String::new()
    };
    Some((t, basis, price, note))
}

/// "`name` (deploy/pools.yaml:12)": a pool named so the user can find it among files.
pub fn pool_ref(model: &ModelSet, pool: &NodePool) -> String {
    let file = &model.files[pool.file].file;
    let line = file.line_col(pool.root.span().start).line;
    let path = crate::source::display_path(&file.path);
    format!("`{}` ({path}:{line})", pool.name)
}
