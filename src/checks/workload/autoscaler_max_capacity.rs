//! `autoscaler-max-exceeds-pool-capacity`: an autoscaler whose maximum needs more
//! accelerators than any pool that can host the workload may buy; it can never reach its
//! max, so capacity planning and alerts built on that max are wrong.

use super::{describe, extended_resource_toleration, pool_names, workload_hit};
use crate::checks::karpenter::fmt_amount;
use crate::checks::CheckCtx;
use crate::engine::Hit;
use crate::model::Workload;
use crate::source::NodeRef;

fn check(
    ctx: &CheckCtx,
    wi: usize,
    w: &Workload,
    max: i64,
    max_node: NodeRef,
    who: String,
    hits: &mut Vec<Hit>,
) {
    let model = ctx.model;
    let hosts = &model
        .relations
        .hosts_for(wi, extended_resource_toleration(ctx));
    if hosts.is_empty() {
        return;
    }
    for (res, per_pod) in w.accelerator_demand() {
        let need = max as f64 * per_pod;
        let caps: Vec<(usize, f64)> = hosts
            .iter()
            .filter_map(|p| model.node_pools[*p].cap_on(&res).map(|c| (*p, c)))
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
        hits.push(
            workload_hit(
                w,
                max_node.span(),
                format!(
                    "{who} may scale {} to {max} replicas × {} `{res}` = {} `{res}`, but the pools that can host it may buy only {} together ({}); the extra replicas stay Pending, so the max is never reached and capacity plans built on it are wrong",
                    describe(w),
                    fmt_amount(per_pod),
                    fmt_amount(need),
                    fmt_amount(largest),
                    per_pool.join(", ")
                ),
            )
            .help(format!(
                "lower the maximum to {} or raise the `{res}` limit of {}",
                (largest / per_pod).floor() as i64,
                pool_names(model, hosts)
            ))
            .gpu(true),
        );
    }
}

pub fn run(ctx: &CheckCtx) -> Vec<Hit> {
    let model = ctx.model;
    let mut hits = Vec::new();
    for (wi, w) in model.workloads.iter().enumerate() {
        for ai in &model.relations.autoscalers[wi] {
            let a = &model.autoscalers[*ai];
            let (Some(max), Some(node)) = (a.max_replicas(), a.max.as_ref().map(|m| m.node)) else {
                continue;
            };
            let mut found = Vec::new();
            check(
                ctx,
                wi,
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
        if let Some(max) = &w.max_replicas {
            check(
                ctx,
                wi,
                w,
                max.value,
                max.node,
                "KServe".to_string(),
                &mut hits,
            );
        }
    }
    hits
}
