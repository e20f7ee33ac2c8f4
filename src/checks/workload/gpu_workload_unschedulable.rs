//! `gpu-workload-unschedulable`: a GPU workload no pool in the checked set can host. Its
//! pods stay Pending while the GPUs (and the people waiting for them) are paid for. Only
//! for workloads aimed at those pools: the files rarely describe all of a cluster's
//! capacity (managed node groups, pools created by scripts), and a pod aimed elsewhere is
//! not unschedulable for missing a pool here.

use super::{demand_text, describe, workload_hit};
use crate::checks::CheckCtx;
use crate::model::{ModelSet, NodePool, Workload, WorkloadKind};
use crate::rule::Hit;

/// The parameters: the hosting rules share theirs.
pub type Params = super::HostingParams;

pub fn run(ctx: &CheckCtx) -> Vec<Hit> {
    let Some(p) = crate::checks::params::<Params>(ctx) else {
        return Vec::new();
    };
    let model = ctx.model;
    let ert = p.extended_resource_toleration;
    let mut hits = Vec::new();
    for (wi, w) in model.workloads.iter().enumerate() {
        if !w.uses_accelerators() || !model.relations.hosts_for(wi, ert).is_empty() {
            continue;
        }
        if !aimed_at_pools(model, w) {
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
        let blocked = model.blocked_for(wi, ert);
        let closest = blocked.iter().max_by_key(|b| b.closeness);
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

/// Whether the workload's pods are meant for the node pools of its scope. Karpenter never
/// provisions for DaemonSet pods. A pod that requires a node label no pool sets or
/// requires, other than those Karpenter derives from the instance, waits for nodes the
/// files do not describe (a managed node group, GPU feature discovery labels). Otherwise a
/// pod is aimed at the pools when it tolerates one of their taints or selects a label
/// only Karpenter's nodes carry or one of the pools sets or requires beyond the
/// instance's own (`karpenter.sh/nodepool`, a custom label); a pod that does neither may
/// as well run on capacity the files do not show (a forgotten toleration on such a pod is
/// not reported: it cannot be told apart from a pod meant for a managed node group).
fn aimed_at_pools(model: &ModelSet, w: &Workload) -> bool {
    if w.kind == WorkloadKind::DaemonSet {
        return false;
    }
    let pools: Vec<&NodePool> = model
        .node_pools
        .iter()
        .filter(|p| model.same_scope(p.file, w.file))
        .collect();
    // Karpenter labels every node with its pool's name, so selecting it aims at the pools.
    let pool_mentions = |key: &str| {
        matches!(
            key,
            "karpenter.sh/nodepool" | "karpenter.sh/provisioner-name"
        ) || pools.iter().any(|p| {
            p.labels.iter().any(|(k, _)| k == key) || p.requirements.iter().any(|r| r.key == key)
        })
    };
    // Labels only Karpenter-launched nodes carry (self-managed or EKS Auto Mode): selecting
    // one aims at node pools, never at managed node groups.
    let karpenter_only = |key: &str| {
        key.starts_with("karpenter.sh/")
            || key.starts_with("karpenter.k8s.aws/")
            || key == "eks.amazonaws.com/compute-type"
            || key.starts_with("eks.amazonaws.com/instance-")
    };
    // Labels every node has (or that the instance type decides), whoever launched it;
    // managed node groups' own `eks.amazonaws.com/nodegroup` and `capacityType` are not.
    let derived = |key: &str| {
        crate::catalog::requirements::is_instance_key(key)
            || key == "kubernetes.io/arch"
            || crate::model::relations::well_known_any(key)
            || karpenter_only(key)
    };
    let foreign = |key: &str| !derived(key) && !pool_mentions(key);
    if w.node_selector.iter().any(|r| foreign(&r.key)) {
        return false;
    }
    let terms: Vec<&Vec<_>> = w.affinity_terms.iter().flatten().collect();
    if !terms.is_empty() && terms.iter().all(|t| t.iter().any(|r| foreign(&r.key))) {
        return false;
    }
    let tolerates_a_taint = pools.iter().any(|p| {
        p.taints.iter().any(|t| {
            t.effect != "PreferNoSchedule"
                && w.tolerations
                    .iter()
                    .any(|tol| tol.tolerates(&t.key, t.value.as_deref(), &t.effect))
        })
    });
    let selects_a_pool = w
        .node_selector
        .iter()
        .chain(terms.iter().flat_map(|t| t.iter()))
        .any(|r| karpenter_only(&r.key) || (!derived(&r.key) && pool_mentions(&r.key)));
    tolerates_a_taint || selects_a_pool
}
