//! `fallback-weight-not-below-spot`: Karpenter tries pools in weight order; an on-demand
//! fallback that weighs as much as (or more than) its spot pool can be picked first, and
//! then every node is bought at full price.

use super::{pool_hit, spot_fallback_pairs};
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
        let shown = |w: &Option<crate::model::nodepool::Field<i64>>, v: i64| match w {
            Some(_) => format!("{v}"),
            None => format!("{v} (unset)"),
        };
        hits.push(
            pool_hit(
                fallback,
                span,
                format!(
                    "on-demand fallback pool `{}` has weight {} which is not below spot pool `{}`'s weight {}, so Karpenter may place pods on full-price on-demand nodes even when spot capacity is available",
                    fallback.name,
                    shown(&fallback.weight, fw),
                    spot.name,
                    shown(&spot.weight, sw)
                ),
            )
            .help(format!(
                "give `{}` a higher `weight` (e.g. {}) than `{}` so spot is always tried first",
                spot.name,
                (fw + 10).min(100),
                fallback.name
            ))
            .gpu(spot.gpu_capable()),
        );
    }
    hits
}
