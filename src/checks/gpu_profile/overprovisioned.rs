//! `gpu-overprovisioned`: the recorded profile fits a cheaper instance than the one the
//! workload runs on.

use super::{confidence, evidence, hit, is_short};
use crate::catalog::{price_basis, usd};
use crate::checks::CheckCtx;
use crate::engine::Hit;
use crate::profile::recommend::{recommend, Params};

pub fn run(ctx: &CheckCtx) -> Vec<Hit> {
    let defaults = Params::default();
    let params = Params {
        memory_headroom: ctx
            .params
            .float("memory-headroom", defaults.memory_headroom),
        cpu_fallback_util: ctx
            .params
            .float("cpu-fallback-util", defaults.cpu_fallback_util),
        busy_util: ctx.params.float("busy-util", defaults.busy_util),
        max_util_for_model_change: ctx.params.float(
            "max-util-for-model-change",
            defaults.max_util_for_model_change,
        ),
        max_memory_fraction: ctx
            .params
            .float("max-memory-fraction", defaults.max_memory_fraction),
    };
    let headroom = params.memory_headroom;
    let model = ctx.model;
    let mut hits = Vec::new();
    for a in &model.profiles {
        let w = &model.workloads[a.workload];
        let r = recommend(model, a.workload, &a.profile, &params);
        let (Some(cur), Some(rec)) = (r.current, r.recommended) else {
            continue;
        };
        let (Some(cp), Some(rp)) = (cur.on_demand_usd_hour(), rec.on_demand_usd_hour()) else {
            continue;
        };
        if rp >= cp || rec.name == cur.name {
            continue;
        }
        let replicas = w.static_replicas().max(1);
        let Some(month) = r.monthly_savings(replicas as u32) else {
            continue;
        };
        let mut h = hit(
            w,
            format!(
                "{} runs on {} ({}/h) but its profile fits {} ({}/h){}: p99 GPU memory {:.1} GiB and peak {:.1} GiB fit its {:.1} GiB GPU with {:.0}% headroom, p95 utilisation {}, {} GPU{} per pod busy, {}; about {} a month for {replicas} replica{} ({})",
                crate::checks::workload::describe(w),
                cur.name,
                usd(cp),
                rec.name,
                usd(rp),
                confidence(&a.profile),
                r.p99_mem_mib.unwrap_or(0.0) / 1024.0,
                a.profile.peak_mem_mib() / 1024.0,
                rec.gpu_memory_mib as f64 / 1024.0,
                headroom * 100.0,
                r.p95_util.map_or("unknown".to_string(), |u| format!("{u:.0}%")),
                r.gpus_busy.max(1),
                if r.gpus_busy.max(1) == 1 { "" } else { "s" },
                evidence(&a.profile),
                usd(month),
                if replicas == 1 { "" } else { "s" },
                price_basis()
            ),
        )
        .low_confidence(is_short(&a.profile))
        .help(format!(
            "move it to {} (for example `karpenter.k8s.aws/instance-gpu-name: {}` or a pool allowing that family) and replay a fresh profile to confirm",
            rec.name, rec.gpu_name
        ));
        h.savings_usd_month = Some(month);
        hits.push(h);
    }
    hits
}
