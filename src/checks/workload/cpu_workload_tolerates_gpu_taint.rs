//! `cpu-workload-tolerates-gpu-taint`: a pod that requests no accelerator but tolerates a
//! GPU pool's taint (or every taint) can land on a GPU node and keep it from being
//! consolidated after the GPU work is gone.

use super::{describe, workload_hit};
use crate::checks::CheckCtx;
use crate::model::WorkloadKind;
use crate::rule::Hit;

pub fn run(ctx: &CheckCtx) -> Vec<Hit> {
    let model = ctx.model;
    let gpu_pools: Vec<&crate::model::NodePool> = model
        .node_pools
        .iter()
        .filter(|p| p.gpu_capable())
        .collect();
    let mut hits = Vec::new();
    for (wi, w) in model.workloads.iter().enumerate() {
        // DaemonSet pods do not keep a node from being consolidated; pods using GPUs through
        // DRA claims or NVIDIA_VISIBLE_DEVICES are GPU work.
        if w.kind == WorkloadKind::DaemonSet
            || w.uses_accelerators()
            || w.uses_accelerators_without_requests()
            || w.tolerations.is_empty()
        {
            continue;
        }
        let hosts = &model.relations.hosts(wi);
        let gpu_pools: Vec<&crate::model::NodePool> = gpu_pools
            .iter()
            .copied()
            .filter(|p| {
                hosts
                    .iter()
                    .any(|h| std::ptr::eq(&model.node_pools[*h as usize], *p))
            })
            .collect();
        let everything = w.tolerations.iter().any(|t| t.tolerates_everything());
        let tolerated = gpu_pools.iter().find(|p| {
            let taints: Vec<_> = p
                .taints
                .iter()
                .filter(|t| t.effect == "NoSchedule" || t.effect == "NoExecute")
                .collect();
            !taints.is_empty()
                && taints.iter().all(|t| {
                    w.tolerations
                        .iter()
                        .any(|tol| tol.tolerates(&t.key, t.value.as_deref(), &t.effect))
                })
        });
        let what = match (tolerated, everything) {
            (Some(p), true) => format!("tolerates every taint, including GPU pool `{}`'s", p.name),
            (Some(p), false) => format!("tolerates the taints of GPU pool `{}`", p.name),
            (None, true) if !gpu_pools.is_empty() => {
                "tolerates every taint, GPU pools' included".to_string()
            }
            _ => continue,
        };
        let span = w
            .tolerations_node
            .map(|n| n.key_span())
            .unwrap_or_else(|| w.pod_anchor().key_span());
        hits.push(
            workload_hit(
                w,
                span,
                format!(
                    "{} requests no GPU but {what}, so it can be scheduled onto a GPU node and keep that node alive after the GPU work is gone",
                    describe(w)
                ),
            )
            .help("remove the GPU toleration (or the blanket `operator: Exists` toleration) from workloads that do not use GPUs"),
        );
    }
    hits
}
