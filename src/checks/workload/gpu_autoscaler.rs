//! `gpu-workload-without-autoscaler`: a GPU serving workload pinned at several replicas
//! pays for peak capacity around the clock.

use super::{demand_text, describe, workload_hit};
use crate::checks::CheckCtx;
use crate::engine::Hit;
use crate::model::WorkloadKind;

pub fn run(ctx: &CheckCtx) -> Vec<Hit> {
    let max_static = ctx.params.int("max-static-replicas", 1);
    let rel = &ctx.model.relations;
    let mut hits = Vec::new();
    for (wi, w) in ctx.model.workloads.iter().enumerate() {
        if !matches!(
            w.kind,
            WorkloadKind::Deployment | WorkloadKind::StatefulSet | WorkloadKind::InferenceService
        ) {
            continue;
        }
        if !w.uses_accelerators() || !rel.autoscalers[wi].is_empty() {
            continue;
        }
        if w.kind == WorkloadKind::InferenceService {
            let min = w.min_replicas.as_ref().map_or(1, |f| f.value);
            if w.max_replicas.as_ref().is_some_and(|m| m.value > min) {
                continue; // KServe scales between min and max
            }
        }
        let replicas = w.static_replicas();
        if replicas <= max_static {
            continue;
        }
        let anchor = w
            .replicas
            .as_ref()
            .or(w.min_replicas.as_ref())
            .map(|f| f.node.span())
            .unwrap_or_else(|| w.spec.unwrap_or(w.root).key_span());
        let fix = if w.kind == WorkloadKind::InferenceService {
            "set `maxReplicas` above `minReplicas` (and a scale metric) so KServe scales with traffic"
        } else {
            "add a HorizontalPodAutoscaler or KEDA ScaledObject targeting it (the seed's policy: min 2, max 20, 70% target utilisation)"
        };
        hits.push(
            workload_hit(
                w,
                anchor,
                format!(
                    "{} runs {replicas} replicas of {} each with no autoscaler, so it pays for peak GPU capacity around the clock, including nights and weekends",
                    describe(w),
                    demand_text(w)
                ),
            )
            .help(fix)
            .gpu(true),
        );
    }
    hits
}
