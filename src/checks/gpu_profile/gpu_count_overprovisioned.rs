//! `gpu-count-overprovisioned`: the workload requests more GPUs than its profile ever
//! kept busy.

use super::{confidence, evidence, hit, is_short};
use crate::checks::CheckCtx;
use crate::rule::Hit;

/// The parameters, declared with their defaults in the rule file.
#[derive(serde::Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Params {
    busy_util: f64,
}

pub fn run(ctx: &CheckCtx) -> Vec<Hit> {
    let Some(p) = crate::checks::params::<Params>(ctx) else {
        return Vec::new();
    };
    let Some(t) = super::thresholds(ctx.rules) else {
        return Vec::new();
    };
    let busy = p.busy_util;
    let model = ctx.model;
    let mut hits = Vec::new();
    for a in ctx.profiles {
        let w = &model.workloads[a.workload];
        let requested = w
            .accelerator_demand()
            .first()
            .map(|(_, n)| *n)
            .unwrap_or(0.0);
        let used = a.profile.gpus_busy(busy) as f64;
        if requested <= 1.0 || used >= requested || a.profile.gpus.is_empty() {
            continue;
        }
        hits.push(
            hit(
                w,
                format!(
                    "{} requests {} GPUs but only {} were ever above {busy:.0}% utilisation{} ({}); the idle GPUs are paid for and block other workloads",
                    crate::checks::workload::describe(w),
                    requested,
                    used,
                    confidence(&a.profile, &t),
                    evidence(&a.profile)
                ),
            )
            .low_confidence(is_short(&a.profile, &t))
            .help(format!("request {} GPU{} (and check the model is not sharded across GPUs it does not need)", used.max(1.0), if used <= 1.0 { "" } else { "s" })),
        );
    }
    hits
}
