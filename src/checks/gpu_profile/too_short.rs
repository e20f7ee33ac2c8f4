//! `gpu-profile-too-short`: a profile too thin to trust (a day misses the weekly
//! pattern; a handful of samples misses the peaks; gaps hide them; without memory
//! samples nothing can be sized).

use super::{evidence, hit};
use crate::checks::CheckCtx;
use crate::profile::confidence::{confidence, Thresholds};
use crate::rule::Hit;

pub fn run(ctx: &CheckCtx) -> Vec<Hit> {
    let d = Thresholds::default();
    let min_s = crate::model::alerts::prom_duration(&ctx.params.string("min-duration", "24h"))
        .map_or(d.min_hours * 3600.0, |ms| ms as f64 / 1000.0);
    let t = Thresholds {
        min_hours: min_s / 3600.0,
        min_samples: ctx.params.int("min-samples", d.min_samples as i64).max(0) as u64,
        min_coverage: ctx.params.float("min-coverage", d.min_coverage),
    };
    let model = ctx.model;
    let mut hits = Vec::new();
    for a in ctx.profiles {
        let p = &a.profile;
        let c = confidence(p, &t);
        if c.is_high() {
            continue;
        }
        let w = &model.workloads[a.workload];
        hits.push(
            hit(
                w,
                format!(
                    "the GPU profile of {} covers {} ({}), so its recommendations are low-confidence: shown as info and counted in no saving",
                    crate::checks::workload::describe(w),
                    evidence(p),
                    c.reasons.join(", ")
                ),
            )
            .help("record at least a day (a week catches weekly peaks) at the normal scrape interval, without gaps, with GPU memory (DCGM_FI_DEV_FB_USED or memory.used)"),
        );
    }
    hits
}
