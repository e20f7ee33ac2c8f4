//! `spot-instance-types-too-few`: a pool that allows spot but can launch only a few
//! instance types; spot capacity for any single type runs out often.

use super::pool_hit;
use crate::catalog::requirements::is_instance_key;
use crate::checks::CheckCtx;
use crate::rule::Hit;

/// The parameters, declared with their defaults in the rule file.
#[derive(serde::Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Params {
    min_instance_types: usize,
}

pub fn run(ctx: &CheckCtx) -> Vec<Hit> {
    let Some(p) = crate::checks::params::<Params>(ctx) else {
        return Vec::new();
    };
    let min = p.min_instance_types;
    let mut hits = Vec::new();
    for pool in &ctx.model.node_pools {
        if !pool.capacity_types().spot || !pool.instances.exact {
            continue;
        }
        let n = pool.instances.len();
        if n >= min || n == 0 {
            continue;
        }
        // Point at the requirement that narrows the choice most: an instance-type list.
        let narrowing = pool
            .requirements
            .iter()
            .find(|r| r.key.ends_with("/instance-type") && r.operator == "In")
            .or_else(|| pool.requirements.iter().find(|r| is_instance_key(&r.key)));
        let span = narrowing
            .and_then(|r| r.values_node)
            .map(|v| v.key_span())
            .or_else(|| pool.requirements_node.map(|n| n.key_span()))
            .unwrap_or_else(|| pool.spec_anchor().key_span());
        let names = pool.instances.names();
        hits.push(
            pool_hit(
                pool,
                span,
                format!(
                    "spot-capable node pool `{}` can launch only {n} instance type{} ({}); Karpenter recommends at least {min} when flexible to spot, otherwise spot capacity runs out and pods wait or fall back to full-price on-demand",
                    pool.name,
                    if n == 1 { "" } else { "s" },
                    names.join(", "),
                ),
            )
            .help(format!(
                "widen the requirements to at least {min} types (e.g. select by instance-family, -generation or -gpu-name instead of listing types); spot-to-spot consolidation needs 15"
            ))
            .gpu(pool.gpu_capable()),
        );
    }
    hits
}
