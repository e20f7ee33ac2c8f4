//! `deprecated-karpenter-api`: API versions current Karpenter no longer serves. A pool
//! that cannot be applied keeps a cluster on an old Karpenter, without newer
//! consolidation and current prices.

use super::pool_hit;
use crate::checks::CheckCtx;
use crate::model::PoolApi;
use crate::rule::Hit;

pub fn run(ctx: &CheckCtx) -> Vec<Hit> {
    let mut hits = Vec::new();
    for pool in &ctx.model.node_pools {
        let api_span = pool
            .api_version_node
            .map(|n| n.span())
            .unwrap_or_else(|| pool.root.span());
        match pool.api {
            PoolApi::V1Alpha5 => hits.push(
                pool_hit(
                    pool,
                    api_span,
                    format!(
                        "`karpenter.sh/v1alpha5` Provisioner `{}` was removed in Karpenter 0.33; it cannot be applied to a current cluster, which stays on an old Karpenter without current consolidation and prices",
                        pool.name
                    ),
                )
                .help("migrate to a `karpenter.sh/v1` NodePool (requirements and taints move under `spec.template.spec`, TTLs become `spec.disruption`)"),
            ),
            PoolApi::V1Beta1 => hits.push(
                pool_hit(
                    pool,
                    api_span,
                    format!(
                        "`karpenter.sh/v1beta1` NodePool `{}` is no longer served from Karpenter 1.1; it cannot be applied to a current cluster",
                        pool.name
                    ),
                )
                .help("migrate to `karpenter.sh/v1` (`expireAfter` moves to `spec.template.spec`, WhenUnderutilized becomes WhenEmptyOrUnderutilized, `consolidateAfter` becomes required)"),
            ),
            PoolApi::V1 => {
                if let Some(av) = pool.node_class_ref.and_then(|r| r.get("apiVersion")) {
                    hits.push(
                        pool_hit(
                            pool,
                            av.key_span(),
                            format!(
                                "node pool `{}` uses `nodeClassRef.apiVersion`, which the v1 API replaced with `group`; the pool is rejected",
                                pool.name
                            ),
                        )
                        .help("replace `apiVersion: karpenter.k8s.aws/v1` with `group: karpenter.k8s.aws`"),
                    );
                }
            }
        }
    }
    hits
}
