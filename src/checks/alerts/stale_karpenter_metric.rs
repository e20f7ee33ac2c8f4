//! `stale-karpenter-metric`: Karpenter renamed its metrics (v0.32, v0.36, v1.0); a rule on
//! an old name matches nothing on current clusters, so the cost alert never fires.

use super::{describe, rule_hit};
use crate::checks::CheckCtx;
use crate::promql::metric_uses;
use crate::rule::Hit;

/// Old name (or prefix ending in `_`) → replacement.
const RENAMED: &[(&str, &str)] = &[
    ("karpenter_nodepool_usage", "karpenter_nodepools_usage"),
    ("karpenter_nodepool_limit", "karpenter_nodepools_limit"),
    (
        "karpenter_cloudprovider_instance_type_price_estimate",
        "karpenter_cloudprovider_instance_type_offering_price_estimate",
    ),
    ("karpenter_nodes_created", "karpenter_nodes_created_total"),
    (
        "karpenter_nodes_terminated",
        "karpenter_nodes_terminated_total",
    ),
    (
        "karpenter_nodeclaims_created",
        "karpenter_nodeclaims_created_total",
    ),
    (
        "karpenter_nodeclaims_terminated",
        "karpenter_nodeclaims_terminated_total",
    ),
    (
        "karpenter_nodeclaims_disrupted",
        "karpenter_nodeclaims_disrupted_total",
    ),
    ("karpenter_provisioner_", "karpenter_nodepools_"),
    ("karpenter_machines_", "karpenter_nodeclaims_"),
    (
        "karpenter_deprovisioning_",
        "karpenter_disruption_ (then karpenter_voluntary_disruption_ in v1)",
    ),
];

pub fn run(ctx: &CheckCtx) -> Vec<Hit> {
    let mut hits = Vec::new();
    for (r, expr, node) in super::parsed_rules(ctx) {
        let mut seen = Vec::new();
        for u in metric_uses(expr) {
            let Some((old, new)) = RENAMED.iter().find(|(old, _)| {
                if old.ends_with('_') {
                    u.name.starts_with(old)
                } else {
                    u.name == *old
                }
            }) else {
                continue;
            };
            if seen.contains(&u.name) {
                continue;
            }
            seen.push(u.name.clone());
            let replacement = if old.ends_with('_') {
                format!(
                    "{}{}",
                    new.split(' ').next().unwrap_or(new),
                    &u.name[old.len()..]
                )
            } else {
                new.to_string()
            };
            let span = super::metric_span(ctx, r, node, &u.name);
            hits.push(
                rule_hit(
                    r,
                    span,
                    format!(
                        "{} uses `{}`, a Karpenter metric renamed or removed in current releases, so it matches no series and the alert never fires",
                        describe(r),
                        u.name
                    ),
                )
                .help(format!("use `{replacement}`")),
            );
        }
    }
    hits
}
