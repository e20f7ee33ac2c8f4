//! `gpu-profile-too-short`: a profile too thin to trust (a day misses the weekly
//! pattern; a handful of samples misses the peaks; gaps hide them; without memory
//! samples nothing can be sized).

use super::{evidence, hit};
use crate::checks::CheckCtx;
use crate::profile::confidence::{confidence, Thresholds};
use crate::rule::params::ParamDuration;
use crate::rule::Hit;

/// The parameters, declared with their defaults in the rule file.
#[derive(serde::Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Params {
    min_duration: ParamDuration,
    min_samples: u64,
    min_coverage: f64,
}

impl Params {
    pub(super) fn thresholds(&self) -> Thresholds {
        Thresholds {
            min_hours: self.min_duration.0.as_secs_f64() / 3600.0,
            min_samples: self.min_samples,
            min_coverage: self.min_coverage,
        }
    }
}

pub fn run(ctx: &CheckCtx) -> Vec<Hit> {
    let Some(p) = crate::checks::params::<Params>(ctx) else {
        return Vec::new();
    };
    let t = p.thresholds();
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

#[cfg(test)]
mod tests {
    /// The other profile rules and `replay` judge confidence by this rule's thresholds.
    #[test]
    fn the_declared_thresholds_are_what_the_other_profile_rules_use() {
        let rules = crate::rule::registry::builtin_rules().unwrap();
        let t = super::super::thresholds(&rules).expect("declared");
        assert_eq!(
            (t.min_hours, t.min_samples, t.min_coverage),
            (24.0, 100, 0.8)
        );
    }
}
