//! `on-demand-fallback-uncapped`: the on-demand pool behind a spot pool should be capped
//! on the scarce resource (GPUs for GPU pools, cpu otherwise) no higher than the spot
//! pool, so a spot shortage cannot turn into an unbounded on-demand bill. A `nodes`
//! limit counts as a cap when the catalog knows every type the pool allows.

use super::{pool_hit, pool_ref, spot_fallback_pairs};
use crate::checks::CheckCtx;
use crate::model::units::amount as fmt_amount;
use crate::rule::Hit;
use std::collections::HashSet;

pub fn run(ctx: &CheckCtx) -> Vec<Hit> {
    let mut hits = Vec::new();
    let mut seen = HashSet::new();
    for (spot, fallback) in spot_fallback_pairs(ctx.model) {
        let res = spot.scarce_resource();
        let gpu = spot.gpu_capable();
        if !seen.insert(fallback.resource) {
            continue;
        }
        if fallback.limits.is_empty() && fallback.limits_written {
            continue; // unreadable limits are reported as invalid fields
        }
        let spot_cap = spot.cap_on(res);
        match fallback.cap_on(res) {
            None if fallback.limit("nodes").is_none() => {
                let anchor = fallback.limits_node.unwrap_or(fallback.spec_anchor());
                hits.push(
                    pool_hit(
                        fallback,
                        anchor.key_span(),
                        format!(
                            "on-demand fallback pool `{}` (behind spot pool {}) has no `{res}` limit, so a spot shortage can move the whole fleet to full-price on-demand capacity",
                            fallback.name,
                            pool_ref(ctx.model, spot)
                        ),
                    )
                    .help(format!(
                        "cap the fallback: add `{res}: <max>` to its limits, at most {}",
                        spot_cap.map_or("the spot pool's limit".to_string(), fmt_amount)
                    ))
                    .gpu(gpu),
                );
            }
            None => {}
            Some(cap) => {
                let Some(sc) = spot_cap else { continue };
                if cap <= sc {
                    continue;
                }
                let (span, how) = match fallback.limit(res) {
                    Some(f) => (
                        f.node.span(),
                        format!("may use {} `{res}`", fmt_amount(cap)),
                    ),
                    None => (
                        fallback
                            .limit("nodes")
                            .map(|f| f.node.span())
                            .unwrap_or_else(|| fallback.spec_anchor().key_span()),
                        format!(
                            "may use up to {} `{res}` through its `nodes` limit",
                            fmt_amount(cap)
                        ),
                    ),
                };
                hits.push(
                    pool_hit(
                        fallback,
                        span,
                        format!(
                            "on-demand fallback pool `{}` {how}, more than the {} of spot pool {} it backs, so the full-price fallback can outgrow the discounted pool",
                            fallback.name,
                            fmt_amount(sc),
                            pool_ref(ctx.model, spot)
                        ),
                    )
                    .help(format!("lower the fallback's `{res}` limit to at most {}", fmt_amount(sc)))
                    .gpu(gpu),
                );
            }
        }
    }
    hits
}
