//! `invalid-nodepool-field`: values the API server rejects or silently ignores (wrong
//! type, out of range, not matching the schema, or in the wrong place for the version),
//! so the pool's cost settings are not what the file says.

use super::pool_hit;
use crate::checks::CheckCtx;
use crate::rule::Hit;

pub fn run(ctx: &CheckCtx) -> Vec<Hit> {
    let mut hits = Vec::new();
    for pool in &ctx.model.node_pools {
        for bad in &pool.invalid {
            hits.push(
                pool_hit(
                    pool,
                    bad.span.clone(),
                    format!("node pool `{}`: {}", pool.name, bad.message),
                )
                .help(bad.help.clone()),
            );
        }
    }
    hits
}
