//! `fallback-weight-not-below-spot`: Karpenter tries pools from the highest weight down; an
//! uncapped on-demand fallback that Karpenter tries before its spot pool takes every pod
//! both can host, at full price. One finding per fallback pool, naming the heaviest spot
//! pool it competes with. A capped on-demand pool tried first is prepaid capacity, not a
//! fallback, and never paired (see `NodePool::is_prepaid_before`).

use super::{pool_hit, pool_ref, spot_fallback_pairs};
use crate::checks::CheckCtx;
use crate::model::NodePool;
use crate::rule::Hit;

/// The highest weight the API accepts.
const MAX_WEIGHT: i64 = 100;

/// How to put the spot pool first, with weights the API accepts (1 to 100; unset is 0).
fn weight_fix(spot: &NodePool, fallback: &NodePool) -> String {
    let (sw, fw) = (spot.weight_value(), fallback.weight_value());
    if fw < MAX_WEIGHT {
        format!(
            "set `weight: {}` on `{}` (above the fallback's {fw}) so spot is always tried first",
            (fw + 10).min(MAX_WEIGHT),
            spot.name
        )
    } else if sw >= 2 {
        format!(
            "set `{}`'s weight to {} or less (below the spot pool's {sw}) so spot is always tried first",
            fallback.name,
            sw - 1
        )
    } else {
        format!(
            "lower `{}`'s weight (for example to 10) and set a higher one on `{}` (for example 50) so spot is always tried first",
            fallback.name, spot.name
        )
    }
}

pub fn run(ctx: &CheckCtx) -> Vec<Hit> {
    let mut hits = Vec::new();
    let pairs = spot_fallback_pairs(ctx.model);
    let mut fallbacks: Vec<&NodePool> = pairs.iter().map(|(_, f)| *f).collect();
    fallbacks.sort_by_key(|f| f.resource);
    fallbacks.dedup_by_key(|f| f.resource);
    for fallback in fallbacks {
        let mut competing: Vec<&NodePool> = pairs
            .iter()
            .filter(|(s, f)| f.resource == fallback.resource && f.tried_before(s) != Some(false))
            .map(|(s, _)| *s)
            .collect();
        competing.sort_by_key(|s| (std::cmp::Reverse(s.weight_value()), s.resource));
        let Some(spot) = competing.first() else {
            continue;
        };
        let (sw, fw) = (spot.weight_value(), fallback.weight_value());
        let span = fallback
            .weight
            .as_ref()
            .map(|w| w.node.span())
            .unwrap_or_else(|| fallback.spec_anchor().key_span());
        let shown = |p: &NodePool| {
            if p.weight.is_some() {
                format!("{}", p.weight_value())
            } else {
                "0 (unset)".to_string()
            }
        };
        let others = match competing.len() - 1 {
            0 => String::new(),
            1 => " and 1 other spot pool".to_string(),
            n => format!(" and {n} other spot pools"),
        };
        let order = if fw > sw {
            format!(
                "has weight {}, above the weight {} of spot pool {}{others}, so Karpenter tries it first",
                shown(fallback),
                shown(spot),
                pool_ref(ctx.model, spot)
            )
        } else if fallback.tried_before(spot) == Some(true) {
            format!(
                "has the same weight, {}, as spot pool {}{others}, and at equal weight Karpenter tries the pool whose name sorts later first, which is this one",
                shown(fallback),
                pool_ref(ctx.model, spot)
            )
        } else {
            format!(
                "has the same weight, {}, as spot pool {}{others}, and Karpenter orders Provisioners of equal weight arbitrarily, so it may be tried first",
                shown(fallback),
                pool_ref(ctx.model, spot)
            )
        };
        let outcome = if fallback.is_capped() {
            "so pods both pools can host may land on full-price on-demand nodes even when spot capacity is available"
        } else {
            "it has no limits, so it is not prepaid capacity filled first: pods both pools can host land on full-price on-demand nodes even when spot capacity is available"
        };
        hits.push(
            pool_hit(
                fallback,
                span,
                format!(
                    "on-demand fallback pool `{}` {order}; {outcome}",
                    fallback.name
                ),
            )
            .help(weight_fix(spot, fallback))
            .gpu(spot.gpu_capable()),
        );
    }
    hits
}
