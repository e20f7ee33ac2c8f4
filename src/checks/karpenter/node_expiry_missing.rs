//! `node-expiry-missing`: nodes that never expire keep old AMIs and drift from the
//! cheapest current instance choices; expiry lets Karpenter re-pack them.

use super::pool_hit;
use crate::checks::CheckCtx;
use crate::model::units::Delay;
use crate::model::PoolApi;
use crate::rule::Hit;

pub fn run(ctx: &CheckCtx) -> Vec<Hit> {
    let mut hits = Vec::new();
    for pool in &ctx.model.node_pools {
        if pool.is_auto_mode() {
            continue; // EKS Auto Mode replaces every node after at most 21 days
        }
        let (span, field) = match pool.api {
            PoolApi::V1Alpha5 => {
                if pool.ttl_until_expired.is_some() {
                    continue;
                }
                (
                    pool.spec_anchor().key_span(),
                    "ttlSecondsUntilExpired is not set",
                )
            }
            _ => match &pool.expire_after {
                Some(f) if f.value == Delay::Never => (f.node.span(), "expireAfter is `Never`"),
                _ => continue,
            },
        };
        let fix = match pool.api {
            PoolApi::V1Alpha5 => "set `ttlSecondsUntilExpired: 2592000` (30 days)",
            PoolApi::V1Beta1 => "set `disruption.expireAfter: 720h` (the default)",
            PoolApi::V1 => {
                "set `template.spec.expireAfter: 720h` (the default) and a `terminationGracePeriod`"
            }
        };
        hits.push(
            pool_hit(
                pool,
                span,
                format!(
                    "nodes of pool `{}` never expire ({field}), so long-lived nodes are never replaced by cheaper or better-packed ones and keep stale images",
                    pool.name
                ),
            )
            .help(fix)
            .gpu(pool.gpu_capable()),
        );
    }
    hits
}
