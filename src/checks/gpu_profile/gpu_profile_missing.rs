//! `gpu-profile-missing`: profiles were given, or a Prometheus server was asked for
//! every GPU workload's, but a GPU workload has none, so its sizing is not checked.

use super::hit;
use crate::checks::CheckCtx;
use crate::rule::Hit;

pub fn run(ctx: &CheckCtx) -> Vec<Hit> {
    let model = ctx.model;
    if ctx.profiles.is_empty() && ctx.asked.is_none() {
        return Vec::new();
    }
    let mut hits = Vec::new();
    for (wi, w) in model.workloads.iter().enumerate() {
        if !w.uses_accelerators() || ctx.profiles.iter().any(|a| a.workload == wi) {
            continue;
        }
        let h = match ctx.asked {
            // Only the namespaces the server was asked about.
            Some(ns) if !ns.is_empty() && !w.namespace.as_ref().is_some_and(|n| ns.contains(n)) => continue,
            Some(_) => hit(
                w,
                format!(
                    "{} requests GPUs but the Prometheus server has no DCGM series for its pods in the window, so its GPU sizing is not checked",
                    crate::checks::workload::describe(w)
                ),
            )
            .help("check that dcgm-exporter runs on its nodes with pod attribution (DCGM_EXPORTER_KUBERNETES=true), and that --window and --until cover when it ran"),
            None => hit(
                w,
                format!(
                    "{} requests GPUs but none of the given profiles belongs to it, so its GPU sizing is not checked",
                    crate::checks::workload::describe(w)
                ),
            )
            .help("record its GPUs (nvidia-smi or DCGM) and pass the file with --profiles, or --profile NAMESPACE/WORKLOAD=PATH"),
        };
        hits.push(h);
    }
    hits
}
