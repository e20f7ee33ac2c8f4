//! `gpu-profile-missing`: profiles were given, but a GPU workload has none, so its
//! sizing is not checked.

use super::hit;
use crate::checks::CheckCtx;
use crate::rule::Hit;

pub fn run(ctx: &CheckCtx) -> Vec<Hit> {
    let model = ctx.model;
    if ctx.profiles.is_empty() {
        return Vec::new();
    }
    let mut hits = Vec::new();
    for (wi, w) in model.workloads.iter().enumerate() {
        if !w.uses_accelerators() || ctx.profiles.iter().any(|a| a.workload == wi) {
            continue;
        }
        hits.push(
            hit(
                w,
                format!(
                    "{} requests GPUs but none of the given profiles belongs to it, so its GPU sizing is not checked",
                    crate::checks::workload::describe(w)
                ),
            )
            .help("record its GPUs (nvidia-smi or DCGM) and pass the file with --profiles, or --profile NAMESPACE/WORKLOAD=PATH"),
        );
    }
    hits
}
