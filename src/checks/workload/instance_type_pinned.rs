//! `instance-type-pinned`: pinning one instance type blocks spot diversity (one type's
//! spot capacity runs out often) and right-sizing. Only for pods that make Karpenter buy
//! nodes: a DaemonSet's pin only chooses among existing nodes, and SageMaker HyperPod
//! instance groups (`ml.*` types) are fixed capacity no NodePool launches.

use super::{describe, workload_hit};
use crate::checks::CheckCtx;
use crate::model::workload::{NodeReq, WorkloadKind};
use crate::rule::Hit;

const INSTANCE_TYPE: &[&str] = &[
    "node.kubernetes.io/instance-type",
    "beta.kubernetes.io/instance-type",
];

fn single_type<'r, 'a>(reqs: impl Iterator<Item = &'r NodeReq<'a>>) -> Option<&'r NodeReq<'a>>
where
    'a: 'r,
{
    reqs.into_iter().find(|r| {
        INSTANCE_TYPE.contains(&r.key.as_str())
            && r.operator == "In"
            && r.values.len() == 1
            && !is_hyperpod_type(&r.values[0])
    })
}

/// SageMaker HyperPod nodes carry their instance group's type, `ml.<ec2 type>`.
fn is_hyperpod_type(value: &str) -> bool {
    value.starts_with("ml.")
}

pub fn run(ctx: &CheckCtx) -> Vec<Hit> {
    let mut hits = Vec::new();
    for w in &ctx.model.workloads {
        if w.kind == WorkloadKind::DaemonSet {
            continue;
        }
        // Pinned when the nodeSelector names one type, or every affinity alternative names
        // the same single type.
        let pinned = single_type(w.node_selector.iter()).or_else(|| {
            let terms: Vec<Option<&NodeReq>> = w
                .affinity_terms
                .iter()
                .map(|t| t.as_ref().and_then(|reqs| single_type(reqs.iter())))
                .collect();
            let first = terms.first().copied().flatten()?;
            terms
                .iter()
                .all(|t| t.is_some_and(|r| r.values == first.values))
                .then_some(first)
        });
        let Some(r) = pinned else { continue };
        // Point at the value in a nodeSelector, or at the values of an affinity requirement.
        let span = r.node.scalar().map(|_| r.node.span()).unwrap_or_else(|| {
            r.node
                .get("values")
                .map(|v| v.span())
                .unwrap_or_else(|| r.node.span())
        });
        hits.push(
            workload_hit(
                w,
                span,
                format!(
                    "{} is pinned to the single instance type `{}`, so Karpenter cannot pick a cheaper or available alternative (spot capacity for one type runs out often) and the pod cannot be right-sized",
                    describe(w),
                    r.values[0]
                ),
            )
            .help("select by what the pod needs instead: `karpenter.k8s.aws/instance-gpu-name`, `-gpu-memory`, `-family` or `-cpu` ranges"),
        );
    }
    hits
}
