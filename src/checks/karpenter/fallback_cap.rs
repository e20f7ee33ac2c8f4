//! `on-demand-fallback-uncapped`: the on-demand pool behind a spot pool should be capped
//! on the scarce resource (GPUs for GPU pools, cpu otherwise) no higher than the spot
//! pool, so a spot shortage cannot turn into an unbounded on-demand bill.

use super::{fmt_amount, pool_hit, spot_fallback_pairs};
use crate::checks::CheckCtx;
use crate::engine::Hit;
use std::collections::HashSet;

pub fn run(ctx: &CheckCtx) -> Vec<Hit> {
    let mut hits = Vec::new();
    let mut seen = HashSet::new();
    for (spot, fallback) in spot_fallback_pairs(&ctx.model.node_pools) {
        let res = spot.scarce_resource();
        let gpu = spot.gpu_capable();
        let spot_limit = spot.limit(res).map(|f| f.value);
        match fallback.limit(res) {
            None => {
                if !seen.insert((fallback.resource, res)) {
                    continue;
                }
                let anchor = fallback.limits_node.unwrap_or(fallback.spec_anchor());
                hits.push(
                    pool_hit(
                        fallback,
                        anchor.key_span(),
                        format!(
                            "on-demand fallback pool `{}` (behind spot pool `{}`) has no `{res}` limit, so a spot shortage can move the whole fleet to full-price on-demand capacity",
                            fallback.name, spot.name
                        ),
                    )
                    .help(format!(
                        "cap the fallback: add `{res}: <max>` to its limits, at most {}",
                        spot_limit.map_or("the spot pool's limit".to_string(), fmt_amount)
                    ))
                    .gpu(gpu),
                );
            }
            Some(f) => {
                let Some(sl) = spot_limit else { continue };
                if f.value <= sl || !seen.insert((fallback.resource, res)) {
                    continue;
                }
                hits.push(
                    pool_hit(
                        fallback,
                        f.node.span(),
                        format!(
                            "on-demand fallback pool `{}` may use {} `{res}`, more than the {} of spot pool `{}` it backs, so the full-price fallback can outgrow the discounted pool",
                            fallback.name,
                            fmt_amount(f.value),
                            fmt_amount(sl),
                            spot.name
                        ),
                    )
                    .help(format!("lower the fallback's `{res}` limit to at most {}", fmt_amount(sl)))
                    .gpu(gpu),
                );
            }
        }
    }
    hits
}
