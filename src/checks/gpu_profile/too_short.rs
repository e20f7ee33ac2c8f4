//! `gpu-profile-too-short`: a profile too short to trust (a day misses the weekly
//! pattern; a handful of samples misses the peaks).

use super::{evidence, hit};
use crate::checks::CheckCtx;
use crate::engine::Hit;

pub fn run(ctx: &CheckCtx) -> Vec<Hit> {
    let min_s = crate::model::alerts::prom_duration(&ctx.params.string("min-duration", "24h"))
        .unwrap_or(86_400_000) as f64
        / 1000.0;
    let min_samples = ctx.params.int("min-samples", 100).max(0) as u64;
    let model = ctx.model;
    let mut hits = Vec::new();
    for a in &model.profiles {
        let p = &a.profile;
        if p.duration_s() >= min_s && p.samples >= min_samples {
            continue;
        }
        let w = &model.workloads[a.workload];
        hits.push(
            hit(
                w,
                format!(
                    "the GPU profile of {} covers {} (at least {} and {min_samples} samples are wanted), so its recommendations are low-confidence",
                    crate::checks::workload::describe(w),
                    evidence(p),
                    crate::model::units::human_seconds(min_s as u64)
                ),
            )
            .help("record at least a day (a week catches weekly peaks) at the normal scrape interval"),
        );
    }
    hits
}
