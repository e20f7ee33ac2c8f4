//! `cost-alerts-missing`: GPU capacity in the checked files with no alert on a cost metric:
//! a runaway GPU bill is found on the invoice instead of by a page.

use crate::checks::CheckCtx;
use crate::engine::Hit;
use crate::promql::metric_uses;

const DEFAULT_PATTERNS: &str = "ml_serving_cost_per_prediction_usd,ml_serving_infrastructure_cost_usd_total,ml_serving_estimated_hourly_cost_usd,karpenter_nodepools_cost_total,karpenter_cloudprovider_instance_type_offering_price_estimate,karpenter_nodepools_usage";

pub fn run(ctx: &CheckCtx) -> Vec<Hit> {
    let model = ctx.model;
    let res: Vec<regex::Regex> = ctx
        .params
        .list("cost-metric-patterns", DEFAULT_PATTERNS)
        .iter()
        .filter_map(|p| regex::Regex::new(&format!("^(?:{p})$")).ok())
        .collect();
    let covered = model
        .alert_rules
        .iter()
        .filter(|r| r.alert.is_some())
        .any(|r| match &r.parsed {
            Some(Ok(e)) => metric_uses(e)
                .iter()
                .any(|u| res.iter().any(|re| re.is_match(&u.name))),
            _ => false,
        });
    if covered {
        return Vec::new();
    }
    // Report once, on the first GPU pool or GPU workload.
    let pool = model.node_pools.iter().find(|p| p.gpu_capable());
    let workload = model.workloads.iter().find(|w| w.uses_accelerators());
    let (file, span, resource, what) = match (pool, workload) {
        (Some(p), _) => (
            p.file,
            p.root
                .get("metadata")
                .map(|m| m.key_span())
                .unwrap_or_else(|| p.root.span()),
            p.resource,
            format!("GPU-capable node pool `{}`", p.name),
        ),
        (None, Some(w)) => (
            w.file,
            w.root
                .get("metadata")
                .map(|m| m.key_span())
                .unwrap_or_else(|| w.root.span()),
            w.resource,
            format!("{} `{}`", w.kube_kind(), w.name),
        ),
        (None, None) => return Vec::new(),
    };
    let gpu_things = model.node_pools.iter().filter(|p| p.gpu_capable()).count()
        + model
            .workloads
            .iter()
            .filter(|w| w.uses_accelerators())
            .count();
    let others = match gpu_things.saturating_sub(1) {
        0 => String::new(),
        1 => " and 1 other GPU pool or workload".to_string(),
        n => format!(" and {n} other GPU pools or workloads"),
    };
    let rules = model
        .alert_rules
        .iter()
        .filter(|r| r.alert.is_some())
        .count();
    vec![Hit::new(
        file,
        span,
        format!(
            "the checked files run GPUs ({what}{others}) but {} alerting rule{} watch{} a cost metric, so a runaway GPU bill is found on the invoice rather than by an alert",
            if rules == 0 { "no".to_string() } else { format!("none of the {rules}") },
            if rules == 1 { "" } else { "s" },
            if rules == 1 { "es" } else { "" }
        ),
    )
    .resource(resource)
    .help("add cost alerts, such as the design's HighCostPerPrediction on `ml_serving_cost_per_prediction_usd`, or a rule on `karpenter_nodepools_usage` against the pool's GPU limit")
    .gpu(true)]
}
