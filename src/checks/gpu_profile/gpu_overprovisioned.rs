//! `gpu-overprovisioned`: the recorded profile fits a cheaper instance than the one the
//! workload runs on.

use super::{confidence, evidence, hit, is_short};
use crate::catalog::{price_basis, usd};
use crate::checks::CheckCtx;
use crate::profile::confidence::Thresholds;
use crate::profile::recommend::recommend;
use crate::rule::params::ParamDuration;
use crate::rule::Hit;

/// The parameters, declared with their defaults in the rule file.
#[derive(serde::Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Params {
    memory_headroom: f64,
    cpu_fallback_util: f64,
    busy_util: f64,
    max_memory_fraction: f64,
    max_sustained_utilization: f64,
    sustained_window: ParamDuration,
}

impl Params {
    pub(super) fn recommend(&self, confidence: Thresholds) -> crate::profile::recommend::Params {
        crate::profile::recommend::Params {
            memory_headroom: self.memory_headroom,
            cpu_fallback_util: self.cpu_fallback_util,
            busy_util: self.busy_util,
            max_memory_fraction: self.max_memory_fraction,
            max_sustained_util: self.max_sustained_utilization,
            sustained_window_s: self.sustained_window.0.as_secs_f64(),
            confidence,
        }
    }
}

pub fn run(ctx: &CheckCtx) -> Vec<Hit> {
    let Some(p) = crate::checks::params::<Params>(ctx) else {
        return Vec::new();
    };
    let Some(t) = super::thresholds(ctx.rules) else {
        return Vec::new();
    };
    let params = p.recommend(t);
    let model = ctx.model;
    let mut hits = Vec::new();
    for a in ctx.profiles {
        let w = &model.workloads[a.workload];
        let r = recommend(model, a.workload, &a.profile, &params);
        let (Some(cur), Some(rec)) = (&r.current, r.recommended) else {
            continue;
        };
        let Some(rp) = rec.on_demand_usd_hour() else {
            continue;
        };
        let Some(month) = r.monthly_savings() else {
            continue;
        };
        let replicas = r.replicas;
        let low = is_short(&a.profile, &params.confidence);
        let cost_basis = if cur.shared {
            format!(
                "{}/h per replica: {} of the node's {} GPUs at {}/h, as the profile shows other pods on its nodes",
                usd(cur.usd_hour_per_replica),
                cur.gpus_per_pod,
                cur.instance.gpu_count,
                usd(cur.instance.on_demand_usd_hour().unwrap_or(0.0))
            )
        } else {
            format!("{}/h", usd(cur.usd_hour_per_replica))
        };
        let peak = r.sustained_util.map_or(String::new(), |u| {
            let scaled = r.speed.as_ref().map_or(String::new(), |s| {
                format!(
                    ", {:.0}% once scaled by the speed ratio",
                    u * s.load_factor()
                )
            });
            format!(
                ", busiest {:.0}-minute windows {u:.0}% (p99){scaled}, under the {:.0}% ceiling",
                params.sustained_window_s / 60.0,
                params.max_sustained_util
            )
        });
        let caveats = r.caveats();
        let caveat_text = if caveats.is_empty() {
            String::new()
        } else {
            format!("; {}", caveats.join("; "))
        };
        let saving = if low {
            format!(
                "a possible {} a month, not counted until a longer recording confirms it",
                usd(month)
            )
        } else {
            format!("about {} a month", usd(month))
        };
        let mut h = hit(
            w,
            format!(
                "{} runs on {} ({cost_basis}; {}) but its profile fits {} ({}/h){}: p99 GPU memory {:.1} GiB and peak {:.1} GiB fit its {:.1} GiB GPU with {:.0}% headroom, p95 utilisation {}{peak}, {} GPU{} per replica busy, {}{caveat_text}; {saving} for {replicas} replica{} ({})",
                crate::checks::workload::describe(w),
                cur.instance.name,
                cur.basis,
                rec.name,
                usd(rp),
                confidence(&a.profile, &params.confidence),
                r.p99_mem_mib.unwrap_or(0.0) / 1024.0,
                a.profile.peak_mem_mib() / 1024.0,
                rec.gpu_memory_mib as f64 / 1024.0,
                params.memory_headroom * 100.0,
                r.p95_util.map_or("unknown".to_string(), |u| format!("{u:.0}%")),
                r.gpus_busy.max(1),
                if r.gpus_busy.max(1) == 1 { "" } else { "s" },
                evidence(&a.profile),
                if replicas == 1 { "" } else { "s" },
                price_basis()
            ),
        )
        .low_confidence(low)
        .help(format!(
            "move it to {} (for example `karpenter.k8s.aws/instance-gpu-name: {}` or a pool allowing that family){}, and replay a fresh profile to confirm",
            rec.name,
            rec.gpu_name,
            if r.speed.is_some() { " after a load test at the busiest hour" } else { "" }
        ));
        // A low-confidence saving is shown, never added to a total.
        h.savings_usd_month = (!low).then_some(month);
        hits.push(h);
    }
    hits
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `skinflint replay` and `gpu-underutilized` size with `recommend::Params::default()`:
    /// it must be what this rule declares.
    #[test]
    fn rules_sharing_a_sizing_parameter_declare_the_same_default() {
        let rules = crate::rule::registry::builtin_rules().unwrap();
        let param = |rule: &str, name: &str| {
            let r = rules.iter().find(|r| r.id == rule).unwrap();
            r.params.get(name).unwrap().to_string()
        };
        let r = rules
            .iter()
            .find(|r| r.id == "gpu-overprovisioned")
            .unwrap();
        let declared = r.params.read::<Params>().unwrap();
        let d = super::super::sizing(&rules).expect("the profile rules declare their sizing");
        assert_eq!(d.memory_headroom, declared.memory_headroom);
        let same = |x: f64| x.to_string();
        assert_eq!(
            param("gpu-underutilized", "cpu-fallback-util"),
            same(d.cpu_fallback_util)
        );
        assert_eq!(
            param("gpu-count-overprovisioned", "busy-util"),
            same(d.busy_util)
        );
        assert_eq!(
            param("gpu-memory-near-capacity", "max-memory-fraction"),
            same(d.max_memory_fraction)
        );
    }
}
