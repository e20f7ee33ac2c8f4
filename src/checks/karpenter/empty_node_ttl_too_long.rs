//! `empty-node-ttl-too-long`: empty nodes are paid for while Karpenter waits to remove
//! them; the wait should be short, shortest for GPU nodes.

use super::pool_hit;
use crate::catalog::{price_source, usd, HOURS_PER_MONTH};
use crate::checks::CheckCtx;
use crate::model::units::human_seconds;
use crate::model::PoolApi;
use crate::rule::params::ParamDuration;
use crate::rule::Hit;

/// The parameters, declared with their defaults in the rule file.
#[derive(serde::Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Params {
    max_seconds_gpu: ParamDuration,
    max_seconds: ParamDuration,
}

pub fn run(ctx: &CheckCtx) -> Vec<Hit> {
    let Some(p) = crate::checks::params::<Params>(ctx) else {
        return Vec::new();
    };
    let max_gpu = p.max_seconds_gpu.0.as_secs();
    let max_other = p.max_seconds.0.as_secs();
    let mut hits = Vec::new();
    for pool in &ctx.model.node_pools {
        let Some((secs, node)) = pool.empty_delay() else {
            continue;
        };
        let gpu = pool.gpu_capable();
        let max = if gpu { max_gpu } else { max_other };
        if secs <= max {
            continue;
        }
        let field = if pool.api == PoolApi::V1Alpha5 {
            "ttlSecondsAfterEmpty"
        } else {
            "consolidateAfter"
        };
        let cost = super::idle_node_price(pool)
            .map(|(t, _, price, spot_note)| {
                // Past a month the figure stops meaning anything: say a month's worth.
                let extra_hours = ((secs - max) as f64 / 3600.0).min(HOURS_PER_MONTH);
                format!(
                    "; each scale-down keeps an empty {} up to {} longer than needed, {} per node at {} an hour ({}{spot_note}; {} a month if left idle)",
                    t.name,
                    if secs - max > 30 * 86400 { "a month or more".to_string() } else { human_seconds(secs - max) },
                    usd(price * extra_hours),
                    usd(price),
                    price_source(),
                    usd(price * HOURS_PER_MONTH)
                )
            })
            .unwrap_or_default();
        let value = if pool.api == PoolApi::V1Alpha5 {
            max.to_string()
        } else {
            human_seconds(max)
        };
        hits.push(
            pool_hit(
                pool,
                node.span(),
                format!(
                    "{} `{}` keeps empty nodes for {} before removing them, longer than the {} allowed{cost}",
                    super::pool_kind(pool),
                    pool.name,
                    if secs > 365 * 86400 { "more than a year".to_string() } else { human_seconds(secs) },
                    human_seconds(max)
                ),
            )
            .help(format!("lower `{field}` to {value} or less"))
            .gpu(gpu),
        );
    }
    hits
}
