//! `autoscaler-max-exceeds-pool-capacity`: an autoscaler whose maximum needs more
//! accelerators than any pool that can host the workload may buy; it can never reach its
//! max, so capacity planning and alerts built on that max are wrong.

use super::{pool_names, workload_hit, ScaleUnit};
use crate::checks::CheckCtx;
use crate::model::units::amount as fmt_amount;
use crate::model::{Workload, WorkloadKind};
use crate::rule::Hit;
use crate::source::NodeRef;

fn check(
    (ctx, p): (&CheckCtx, &Params),
    unit: &ScaleUnit,
    w: &Workload,
    max: i64,
    max_node: NodeRef,
    who: String,
    hits: &mut Vec<Hit>,
) {
    let model = ctx.model;
    let hosts = unit.hosts(model, p.extended_resource_toleration);
    if hosts.is_empty() {
        return;
    }
    for (res, per_replica) in &unit.per_replica {
        let need = max as f64 * per_replica;
        let caps: Vec<(usize, f64)> = hosts
            .iter()
            .filter_map(|p| model.node_pools[*p].cap_on(res).map(|c| (*p, c)))
            .collect();
        if caps.len() < hosts.len() {
            return; // some pool is not capped on this resource
        }
        // Karpenter spreads pods over every pool that can host them.
        let largest: f64 = caps.iter().map(|(_, c)| *c).sum();
        if need <= largest {
            continue;
        }
        let per_pool: Vec<String> = caps
            .iter()
            .map(|(p, c)| format!("`{}`: {}", model.node_pools[*p].name, fmt_amount(*c)))
            .collect();
        let each = if unit.pods > 1 {
            format!(
                "groups of {} pods × {}",
                unit.pods,
                fmt_amount(*per_replica)
            )
        } else {
            fmt_amount(*per_replica)
        };
        hits.push(
            workload_hit(
                w,
                max_node.span(),
                format!(
                    "{who} may scale {} to {max} replicas × {each} `{res}` = {} `{res}`, but the pools that can host it may buy only {} together ({}); the extra replicas stay Pending, so the max is never reached and capacity plans built on it are wrong",
                    unit.shown,
                    fmt_amount(need),
                    fmt_amount(largest),
                    per_pool.join(", ")
                ),
            )
            .help(format!(
                "lower the maximum to {} or raise the `{res}` limit of {}",
                (largest / per_replica).floor() as i64,
                pool_names(model, &hosts)
            ))
            .gpu(true),
        );
    }
}

/// The parameters: the hosting rules share theirs.
pub type Params = super::HostingParams;

pub fn run(ctx: &CheckCtx) -> Vec<Hit> {
    let Some(p) = crate::checks::params::<Params>(ctx) else {
        return Vec::new();
    };
    let model = ctx.model;
    let mut hits = Vec::new();
    for (wi, w) in model.workloads.iter().enumerate() {
        let Some(unit) = ScaleUnit::of(model, wi) else {
            continue;
        };
        for ai in &model.relations.autoscalers[wi] {
            let a = &model.autoscalers[*ai];
            let (Some(max), Some(node)) = (a.max_replicas(), a.max.as_ref().map(|m| m.node)) else {
                continue;
            };
            let mut found = Vec::new();
            check(
                (ctx, &p),
                &unit,
                w,
                max,
                node,
                format!("{} `{}`", a.kind_name(), a.name),
                &mut found,
            );
            // Point at the autoscaler, which is where the max is written.
            for mut h in found {
                h.file = a.file;
                h.resource = Some(a.resource);
                hits.push(h);
            }
        }
        // The workload's own bounds, where its controller acts on them.
        if let Some(max) = w.max_replicas.as_ref().filter(|_| w.bounds_enforced) {
            let who = match w.kind {
                WorkloadKind::InferenceService => "KServe",
                _ => "Ray's autoscaler",
            };
            check(
                (ctx, &p),
                &unit,
                w,
                max.value,
                max.node,
                who.to_string(),
                &mut hits,
            );
        }
    }
    hits
}
