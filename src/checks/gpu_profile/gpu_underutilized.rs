//! `gpu-underutilized`: a GPU the workload holds is mostly idle.

use super::{confidence, evidence, hit, is_short};
use crate::checks::CheckCtx;
use crate::profile::recommend::recommend;
use crate::rule::Hit;

/// The parameters, declared with their defaults in the rule file.
#[derive(serde::Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Params {
    min_p95_util: f64,
    cpu_fallback_util: f64,
}

pub fn run(ctx: &CheckCtx) -> Vec<Hit> {
    let Some(p) = crate::checks::params::<Params>(ctx) else {
        return Vec::new();
    };
    let min = p.min_p95_util;
    let cpu_fallback = p.cpu_fallback_util;
    let Some(sizing) = super::sizing(ctx.rules) else {
        return Vec::new();
    };
    let model = ctx.model;
    let mut hits = Vec::new();
    for a in ctx.profiles {
        let w = &model.workloads[a.workload];
        let idle: Vec<(String, f64)> = a
            .profile
            .gpus
            .iter()
            .filter_map(|(id, g)| Some((id.clone(), g.util_quantile(0.95)?)))
            .filter(|(_, p95)| *p95 < min)
            .collect();
        if idle.is_empty() {
            continue;
        }
        let worst = idle.iter().map(|(_, u)| *u).fold(f64::MAX, f64::min);
        let params = crate::profile::recommend::Params {
            cpu_fallback_util: cpu_fallback,
            ..sizing
        };
        let r = recommend(model, a.workload, &a.profile, &params);
        let fallback = r
            .cpu_fallback
            .map(|t| format!("; a CPU instance such as {} (${:.3}/h) may serve it, as a suggestion to benchmark, not a certainty", t.name, t.on_demand_usd_hour().unwrap_or(0.0)))
            .unwrap_or_default();
        hits.push(
            hit(
                w,
                format!(
                    "{} keeps {} of {} GPU{} under {min:.0}% utilisation at p95 (lowest {worst:.0}%){}, {}, paying for GPU time it does not use{fallback}",
                    crate::checks::workload::describe(w),
                    idle.len(),
                    a.profile.gpus.len(),
                    if a.profile.gpus.len() == 1 { "" } else { "s" },
                    confidence(&a.profile, &sizing.confidence),
                    evidence(&a.profile)
                ),
            )
            .low_confidence(is_short(&a.profile, &sizing.confidence))
            .help("batch requests (dynamic batching), share the GPU (MIG or time-slicing), or move to a smaller or CPU instance"),
        );
    }
    hits
}
