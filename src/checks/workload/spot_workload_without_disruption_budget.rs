//! `spot-workload-without-disruption-budget`: without a PodDisruptionBudget, spot
//! interruptions and consolidation can evict every replica at once.

use super::{workload_hit, ScaleUnit};
use crate::checks::CheckCtx;
use crate::rule::Hit;

pub fn run(ctx: &CheckCtx) -> Vec<Hit> {
    let model = ctx.model;
    let mut hits = Vec::new();
    for (wi, w) in model.workloads.iter().enumerate() {
        if !w.kind.is_serving() {
            continue;
        }
        // A LeaderWorkerSet's templates share the group count: one finding for the group,
        // when any of its pods is on spot without a budget.
        let Some(unit) = ScaleUnit::of(model, wi) else {
            continue;
        };
        let rel = &model.relations;
        if !unit
            .members
            .iter()
            .any(|i| rel.spot_exposed[*i] && rel.budgets[*i].is_empty())
        {
            continue;
        }
        let autoscaled_max = model.relations.autoscalers[wi]
            .iter()
            .filter_map(|a| model.autoscalers[*a].max_replicas())
            .max()
            .or(w
                .max_replicas
                .as_ref()
                .filter(|_| w.bounds_enforced)
                .map(|m| m.value));
        let replicas = autoscaled_max.unwrap_or(0).max(w.static_replicas());
        if replicas <= 1 {
            continue;
        }
        let span = w
            .replicas
            .as_ref()
            .map(|r| r.node.key_span())
            .unwrap_or_else(|| w.spec.unwrap_or(w.root).key_span());
        hits.push(
            workload_hit(
                w,
                span,
                format!(
                    "{} runs up to {replicas} {} on spot capacity and no PodDisruptionBudget selects its pods, so consolidation or an interruption can evict them all at once and the service goes down while replacements start",
                    unit.shown,
                    if unit.pods > 1 { "groups" } else { "replicas" }
                ),
            )
            .help("add a PodDisruptionBudget (policy/v1) selecting its pod labels, e.g. `maxUnavailable: 1`"),
        );
    }
    hits
}
