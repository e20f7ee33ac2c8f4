//! `empty-nodes-never-reclaimed`: settings under which Karpenter never removes empty
//! nodes, so every scale-down leaves paid-for machines running.

use super::{idle_cost_sentence, pool_hit};
use crate::checks::CheckCtx;
use crate::model::units::Delay;
use crate::model::PoolApi;
use crate::rule::Hit;

pub fn run(ctx: &CheckCtx) -> Vec<Hit> {
    let mut hits = Vec::new();
    for pool in &ctx.model.node_pools {
        if pool.is_static() {
            continue;
        }
        let cost = idle_cost_sentence(pool)
            .map(|s| format!("; {s}"))
            .unwrap_or_default();
        let gpu = pool.gpu_capable();
        let found = match pool.api {
            PoolApi::V1Alpha5 => {
                let consolidation = pool.consolidation_enabled.as_ref().is_some_and(|c| c.value);
                // A TTL that is written but unreadable is reported as an invalid field.
                let ttl_written = pool
                    .spec
                    .and_then(|s| s.get("ttlSecondsAfterEmpty"))
                    .is_some();
                (!ttl_written && !consolidation).then(|| {
                    (
                        pool.spec_anchor().key_span(),
                        format!(
                            "Provisioner `{}` sets neither `ttlSecondsAfterEmpty` nor `consolidation.enabled: true`, so Karpenter never removes its empty nodes{cost}",
                            pool.name
                        ),
                        "add `ttlSecondsAfterEmpty: 30` (or `consolidation: {enabled: true}`), or migrate to a v1 NodePool whose default consolidates".to_string(),
                    )
                })
            }
            _ => {
                let never = pool
                    .consolidate_after
                    .as_ref()
                    .filter(|c| c.value == Delay::Never)
                    .map(|c| {
                        (
                            c.node.span(),
                            format!(
                                "node pool `{}` sets `consolidateAfter: Never`, so Karpenter never removes its empty or underused nodes{cost}",
                                pool.name
                            ),
                            "set `consolidateAfter` to a short delay such as `30s` (GPU pools) or `5m`".to_string(),
                        )
                    });
                never.or_else(|| {
                    pool.budgets
                        .iter()
                        .find(|b| {
                            let zero = b
                                .nodes
                                .as_ref()
                                .is_some_and(|n| matches!(n.value.trim(), "0" | "0%"));
                            let covers_empty = b
                                .reasons
                                .as_ref()
                                .is_none_or(|r| r.iter().any(|x| x == "Empty"));
                            zero && b.schedule.is_none() && covers_empty
                        })
                        .and_then(|b| {
                            let n = b.nodes.as_ref()?;
                            Some((
                                n.node.span(),
                                format!(
                                    "node pool `{}` has a disruption budget of `nodes: \"{}\"` with no schedule, which blocks removing empty nodes at all times{cost}",
                                    pool.name, n.value
                                ),
                                if pool.api == crate::model::PoolApi::V1 {
                                    "give the zero budget a `schedule` and `duration` (a change freeze window) or limit it with `reasons` that exclude `Empty`".to_string()
                                } else {
                                    "give the zero budget a `schedule` and `duration` (a change freeze window); v1beta1 budgets cannot be limited by reason".to_string()
                                },
                            ))
                        })
                })
            }
        };
        if let Some((span, message, help)) = found {
            hits.push(pool_hit(pool, span, message).help(help).gpu(gpu));
        }
    }
    hits
}
