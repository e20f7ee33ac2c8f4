//! `fallback-weight-not-below-spot`: Karpenter tries pools in weight order; an on-demand
//! fallback that weighs as much as (or more than) its spot pool can be picked first, and
//! then every node is bought at full price. One finding per fallback pool, naming the
//! heaviest spot pool it competes with.

use super::{pool_hit, pool_ref, spot_fallback_pairs};
use crate::checks::CheckCtx;
use crate::engine::Hit;
use crate::model::NodePool;

fn weight(p: &NodePool) -> i64 {
    p.weight.as_ref().map_or(0, |w| w.value)
}

pub fn run(ctx: &CheckCtx) -> Vec<Hit> {
    let mut hits = Vec::new();
    let pairs = spot_fallback_pairs(&ctx.model.node_pools);
    let mut fallbacks: Vec<&NodePool> = pairs.iter().map(|(_, f)| *f).collect();
    fallbacks.sort_by_key(|f| f.resource);
    fallbacks.dedup_by_key(|f| f.resource);
    for fallback in fallbacks {
        let fw = weight(fallback);
        let mut competing: Vec<&NodePool> = pairs
            .iter()
            .filter(|(s, f)| f.resource == fallback.resource && fw >= weight(s))
            .map(|(s, _)| *s)
            .collect();
        competing.sort_by_key(|s| (std::cmp::Reverse(weight(s)), s.resource));
        let Some(spot) = competing.first() else {
            continue;
        };
        let sw = weight(spot);
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
        let others = match competing.len() - 1 {
            0 => String::new(),
            1 => " and 1 other spot pool".to_string(),
            n => format!(" and {n} other spot pools"),
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
                    "on-demand fallback pool `{}` has weight {}, not below the weight {} of spot pool {}{others}, so Karpenter may place pods on full-price on-demand nodes even when spot capacity is available",
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
