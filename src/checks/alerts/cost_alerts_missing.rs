//! `cost-alerts-missing`: GPU capacity in the checked files with no alert on a cost metric:
//! a runaway GPU bill is found on the invoice instead of by a page. With cluster scopes,
//! each cluster's GPUs need a cost alert in that cluster or in the shared files.

use crate::checks::CheckCtx;
use crate::model::alerts::AlertRule;
use crate::model::{same_scope, ModelSet};
use crate::promql::metric_uses;
use crate::rule::params::cached_regex;
use crate::rule::params::ParamRegex;
use crate::rule::Hit;

/// The parameters, declared with their defaults in the rule file.
#[derive(serde::Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Params {
    cost_metric_patterns: Vec<ParamRegex>,
}

pub fn run(ctx: &CheckCtx) -> Vec<Hit> {
    let Some(p) = crate::checks::params::<Params>(ctx) else {
        return Vec::new();
    };
    let model = ctx.model;
    // Each pattern matches whole metric names; a valid pattern stays valid anchored.
    let res: Vec<regex::Regex> = p
        .cost_metric_patterns
        .iter()
        .filter_map(|p| cached_regex(&format!("^(?:{})$", p.0.as_str())).ok())
        .collect();
    let alerts: Vec<&AlertRule> = model
        .alert_rules
        .iter()
        .filter(|r| r.alert.is_some())
        .collect();
    let watches_cost = |r: &AlertRule| match r.parsed.as_deref() {
        Some(Ok(e)) => metric_uses(e)
            .iter()
            .any(|u| res.iter().any(|re| re.is_match(&u.name))),
        _ => false,
    };
    // GPU capacity per scope (a cluster, or the shared files), in file order: covered only
    // by cost alerts in the same cluster or in shared files.
    let mut scopes: Vec<Option<&str>> = Vec::new();
    let gpu_files = model
        .node_pools
        .iter()
        .filter(|p| p.gpu_capable())
        .map(|p| p.file)
        .chain(
            model
                .workloads
                .iter()
                .filter(|w| w.uses_accelerators())
                .map(|w| w.file),
        );
    for file in gpu_files {
        let c = model.cluster(file);
        if !scopes.contains(&c) {
            scopes.push(c);
        }
    }
    let mut hits = Vec::new();
    for scope in scopes {
        let in_scope: Vec<&&AlertRule> = alerts
            .iter()
            .filter(|r| same_scope(model.cluster(r.file), scope))
            .collect();
        if in_scope.iter().any(|r| watches_cost(r)) {
            continue;
        }
        hits.extend(report(model, scope, in_scope.len()));
    }
    hits
}

/// One finding for an uncovered scope, on its first GPU pool (else GPU workload).
fn report(model: &ModelSet, scope: Option<&str>, rules: usize) -> Option<Hit> {
    let exact = |file: usize| model.cluster(file) == scope;
    let pool = model
        .node_pools
        .iter()
        .find(|p| p.gpu_capable() && exact(p.file));
    let workload = model
        .workloads
        .iter()
        .find(|w| w.uses_accelerators() && exact(w.file));
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
        (None, None) => return None,
    };
    let gpu_things = model
        .node_pools
        .iter()
        .filter(|p| p.gpu_capable() && exact(p.file))
        .count()
        + model
            .workloads
            .iter()
            .filter(|w| w.uses_accelerators() && exact(w.file))
            .count();
    let others = match gpu_things.saturating_sub(1) {
        0 => String::new(),
        1 => " and 1 other GPU pool or workload".to_string(),
        n => format!(" and {n} other GPU pools or workloads"),
    };
    let runs = match scope {
        Some(c) => format!("cluster `{c}` runs"),
        None => "the checked files run".to_string(),
    };
    let watched = match scope {
        Some(_) => " in it or in the shared files",
        None => "",
    };
    Some(
        Hit::new(
            file,
            span,
            format!(
                "{runs} GPUs ({what}{others}) but {} alerting rule{}{watched} watch{} a cost metric, so a runaway GPU bill is found on the invoice rather than by an alert",
                if rules == 0 { "no".to_string() } else { format!("none of the {rules}") },
                if rules == 1 { "" } else { "s" },
                if rules == 1 { "es" } else { "" }
            ),
        )
        .resource(resource)
        .help("add cost alerts, such as the design's HighCostPerPrediction on `ml_serving_cost_per_prediction_usd`, or a rule on `karpenter_nodepools_usage` against the pool's GPU limit")
        .gpu(true),
    )
}
