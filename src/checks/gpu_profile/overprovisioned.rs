//! `gpu-overprovisioned`: the recorded profile fits a cheaper instance than the one the
//! workload runs on.

use super::{confidence, evidence, hit, is_short, params};
use crate::catalog::{price_basis, usd};
use crate::checks::CheckCtx;
use crate::profile::recommend::recommend;
use crate::rule::Hit;

pub fn run(ctx: &CheckCtx) -> Vec<Hit> {
    let params = params(ctx);
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
        let low = is_short(&a.profile);
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
                confidence(&a.profile),
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
