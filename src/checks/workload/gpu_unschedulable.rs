//! `gpu-workload-unschedulable`: a GPU workload no pool in the checked set can host. Its
//! pods stay Pending while the GPUs (and the people waiting for them) are paid for.
//! Only for pods written for those pools: a repository's GPU capacity often also comes
//! from managed node groups or pools created by scripts, which no YAML here describes.

use super::{demand_text, describe, workload_hit};
use crate::checks::CheckCtx;
use crate::engine::Hit;
use crate::model::{ModelSet, Workload, WorkloadKind};

pub fn run(ctx: &CheckCtx) -> Vec<Hit> {
    let model = ctx.model;
    let mut hits = Vec::new();
    for (wi, w) in model.workloads.iter().enumerate() {
        if !w.uses_accelerators() || !model.relations.hosts[wi].is_empty() {
            continue;
        }
        // Karpenter never provisions for DaemonSet pods; and a pod not written for these
        // pools may run on capacity the files do not describe.
        if w.kind == WorkloadKind::DaemonSet || !written_for_these_pools(model, wi, w) {
            continue;
        }
        let cluster = model.cluster(w.file);
        // Without a pool in its scope the pools live elsewhere: nothing to judge against.
        let pools = model
            .node_pools
            .iter()
            .filter(|p| crate::model::same_scope(p.cluster, cluster))
            .count();
        if pools == 0 {
            continue;
        }
        let closest = model.relations.blocked[wi]
            .iter()
            .max_by_key(|b| b.closeness);
        let why = closest
            .map(|b| {
                format!(
                    "; the closest, `{}`, cannot because {}",
                    model.node_pools[b.pool].name, b.reason
                )
            })
            .unwrap_or_default();
        hits.push(
            workload_hit(
                w,
                w.pod_anchor().key_span(),
                format!(
                    "{} requests {} per pod but none of the {pools} node pools {} can host it{why}",
                    describe(w),
                    demand_text(w),
                    crate::checks::in_scope(cluster)
                ),
            )
            .help("align the pod's tolerations, nodeSelector/affinity and GPU request with a pool, or add a pool for it")
            .gpu(true),
        );
    }
    hits
}

/// Labels every node carries, whoever launched it: selecting one does not tie a pod to
/// Karpenter's pools.
fn on_every_node(key: &str) -> bool {
    matches!(
        key,
        "node.kubernetes.io/instance-type"
            | "beta.kubernetes.io/instance-type"
            | "kubernetes.io/arch"
            | "beta.kubernetes.io/arch"
            | "kubernetes.io/os"
            | "beta.kubernetes.io/os"
            | "kubernetes.io/hostname"
    ) || key.starts_with("topology.")
        || key.starts_with("failure-domain.")
}

/// Whether the pod was written for the node pools it was compared with: it tolerates one
/// of their taints (a blanket toleration does not count), or its nodeSelector or required
/// affinity names a Karpenter label or a label one of them sets or requires. A pod that
/// does neither (GPU feature discovery labels, an instance type no pool offers, nothing at
/// all) may be meant for other capacity, so a missing host proves nothing.
fn written_for_these_pools(model: &ModelSet, wi: usize, w: &Workload) -> bool {
    let pools: Vec<&crate::model::NodePool> = model.relations.blocked[wi]
        .iter()
        .map(|b| &model.node_pools[b.pool])
        .collect();
    let tolerates = pools.iter().any(|p| {
        p.taints
            .iter()
            .filter(|t| t.effect == "NoSchedule" || t.effect == "NoExecute")
            .any(|t| {
                w.tolerations.iter().any(|tol| {
                    !tol.tolerates_everything()
                        && tol.tolerates(&t.key, t.value.as_deref(), &t.effect)
                })
            })
    });
    let karpenter = |k: &str| {
        k.starts_with("karpenter.sh/")
            || k.starts_with("karpenter.k8s.aws/")
            || k.starts_with("eks.amazonaws.com/")
    };
    let selects = w
        .node_selector
        .iter()
        .chain(w.affinity_terms.iter().flatten().flatten())
        .any(|r| {
            karpenter(&r.key)
                || (!on_every_node(&r.key)
                    && pools.iter().any(|p| {
                        p.labels.iter().any(|(k, _)| *k == r.key)
                            || p.requirements.iter().any(|q| q.key == r.key)
                    }))
        });
    tolerates || selects
}
