//! `fallback-weight-not-below-spot`: Karpenter tries pools in weight order; an on-demand
//! fallback that weighs as much as (or more than) its spot pool can be picked first, and
//! then every node is bought at full price.

use super::{pool_hit, pool_ref, spot_fallback_pairs};
use crate::checks::CheckCtx;
use crate::engine::Hit;

pub fn run(ctx: &CheckCtx) -> Vec<Hit> {
    let mut hits = Vec::new();
    for (spot, fallback) in spot_fallback_pairs(&ctx.model.node_pools) {
        let sw = spot.weight.as_ref().map_or(0, |w| w.value);
        let fw = fallback.weight.as_ref().map_or(0, |w| w.value);
        if fw < sw {
            continue;
        }
        let span = fallback
            .weight
            .as_ref()
            .map(|w| w.node.span())
            .unwrap_or_else(|| fallback.spec_anchor().key_span());
        let shown = |present: bool, v: i64| {
            if present {
                format!("{v}")
            } else {
                format!("{v} (unset)")
            }
        };
        let help = if fw < 100 {
            format!(
                "set `weight: {}` on `{}` (above the fallback's {fw}) so spot is always tried first",
                (fw + 10).min(100),
                spot.name
            )
        } else {
            format!(
                "lower `{}`'s weight below {sw} (or raise the spot pool's) so spot is always tried first",
                fallback.name
            )
        };
        hits.push(
            pool_hit(
                fallback,
                span,
                format!(
                    "on-demand fallback pool `{}` has weight {}, not below the weight {} of spot pool {}, so Karpenter may place pods on full-price on-demand nodes even when spot capacity is available",
                    fallback.name,
                    shown(fallback.weight.is_some(), fw),
                    shown(spot.weight.is_some(), sw),
                    pool_ref(ctx.model, spot)
                ),
            )
            .help(help)
            .gpu(spot.gpu_capable()),
        );
    }
    hits
}
