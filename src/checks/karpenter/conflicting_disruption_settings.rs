//! `conflicting-disruption-settings`: combinations the API server or Karpenter's webhook
//! rejects, so the pool (and its cost settings) never takes effect.

use super::pool_hit;
use crate::checks::CheckCtx;
use crate::model::units::Delay;
use crate::model::PoolApi;
use crate::rule::Hit;

pub fn run(ctx: &CheckCtx) -> Vec<Hit> {
    let mut hits = Vec::new();
    for pool in &ctx.model.node_pools {
        let mut add = |span, message: String, help: &str| {
            hits.push(pool_hit(pool, span, message).help(help.to_string()));
        };
        match pool.api {
            PoolApi::V1Alpha5 => {
                if let (Some(ttl), Some(c)) = (&pool.ttl_after_empty, &pool.consolidation_enabled) {
                    if c.value {
                        add(
                            ttl.node.key_span(),
                            format!(
                                "Provisioner `{}` sets both `ttlSecondsAfterEmpty` and `consolidation.enabled: true`; Karpenter's webhook rejects the combination, so none of its settings apply",
                                pool.name
                            ),
                            "keep `consolidation.enabled: true` (it also removes empty nodes) and delete `ttlSecondsAfterEmpty`",
                        );
                    }
                }
            }
            PoolApi::V1Beta1 => {
                let policy = pool
                    .consolidation_policy
                    .as_ref()
                    .map(|p| p.value.as_str())
                    .unwrap_or("WhenUnderutilized");
                let after = pool.disruption.and_then(|d| d.get("consolidateAfter"));
                match (policy, after) {
                    ("WhenUnderutilized", Some(a))
                        if pool.consolidate_after.as_ref().map(|c| c.value)
                            != Some(Delay::Never) =>
                    {
                        add(
                            a.span(),
                            format!(
                                "node pool `{}` sets `consolidateAfter` with consolidation policy WhenUnderutilized{}; the v1beta1 API rejects it",
                                pool.name,
                                if pool.consolidation_policy.is_none() { " (the default)" } else { "" }
                            ),
                            "remove `consolidateAfter`, or use `consolidationPolicy: WhenEmpty` if only empty nodes should be removed after a delay",
                        );
                    }
                    ("WhenEmpty", None) => {
                        let span = pool
                            .consolidation_policy
                            .as_ref()
                            .map(|p| p.node.span())
                            .unwrap_or_else(|| pool.spec_anchor().key_span());
                        add(
                            span,
                            format!(
                                "node pool `{}` uses consolidation policy WhenEmpty without `consolidateAfter`; the v1beta1 API rejects it",
                                pool.name
                            ),
                            "add `consolidateAfter: 30s` next to the policy",
                        );
                    }
                    _ => {}
                }
            }
            PoolApi::V1 => {
                if let Some(d) = pool.disruption {
                    if d.is_map() && d.get("consolidateAfter").is_none() {
                        add(
                            d.key_span(),
                            format!(
                                "node pool `{}` has a `disruption` block without `consolidateAfter`, which the v1 API requires; the pool is rejected",
                                pool.name
                            ),
                            "add `consolidateAfter: 0s` (v1beta1 behaviour) or a short delay such as `30s`",
                        );
                    }
                }
                if pool.replicas.is_some() {
                    if let Some(w) = &pool.weight {
                        add(
                            w.node.key_span(),
                            format!("static node pool `{}` (with `replicas`) sets `weight`, which the API rejects", pool.name),
                            "remove `weight` from the static pool",
                        );
                    }
                    for (name, f) in pool.limits.iter().filter(|(k, _)| k != "nodes") {
                        add(
                            f.node.key_span(),
                            format!(
                                "static node pool `{}` (with `replicas`) limits `{name}`; only `limits.nodes` is allowed on static pools, so the API rejects it",
                                pool.name
                            ),
                            "keep only `nodes` under `limits`",
                        );
                    }
                }
            }
        }
    }
    hits
}
