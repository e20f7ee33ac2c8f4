//! `delta-over-counter`: `delta`, `idelta`, `deriv` and `predict_linear` are for gauges;
//! over a counter they read every reset (an exporter restart, a pod rescheduled) as a
//! huge drop, so the alert misfires or stays silent while the count keeps growing.

use super::{describe, rule_hit};
use crate::checks::CheckCtx;
use crate::promql::names::evident_counter;
use crate::rule::Hit;

/// The counter function that answers the same question as a gauge function.
fn counter_equivalent(func: &str, metric: &str) -> Option<String> {
    Some(match func {
        "delta" => format!("`increase({metric}[...])`"),
        "idelta" => format!("`increase({metric}[...])` (or `irate` for a per-second rate)"),
        "deriv" => format!("`rate({metric}[...])`"),
        "predict_linear" => {
            format!("`{metric} + rate({metric}[...]) * <seconds ahead>`")
        }
        _ => return None,
    })
}

/// The parameters, declared with their defaults in the rule file.
#[derive(serde::Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Params {
    gauges: Vec<String>,
}

pub fn run(ctx: &CheckCtx) -> Vec<Hit> {
    let Some(p) = crate::checks::params::<Params>(ctx) else {
        return Vec::new();
    };
    let flagged = |func: &str, metric: &str| {
        counter_equivalent(func, metric).is_some()
            && evident_counter(metric)
            && !p.gauges.iter().any(|g| g == metric)
    };
    super::function_uses(ctx, flagged)
        .into_iter()
        .map(|u| {
            let (func, metric) = (&u.function, &u.metric);
            let instead = counter_equivalent(func, metric).unwrap_or_default();
            rule_hit(
                u.rule,
                u.span,
                format!(
                    "{} applies `{func}` to `{metric}`, which is named as a counter; `{func}` is for gauges and takes each counter reset (an exporter restart) for a large drop, so the alert misfires or misses the growth",
                    describe(u.rule)
                ),
            )
            .help(format!("use {instead}, which accounts for resets; if `{metric}` really is a gauge, list it in this rule's `gauges` parameter"))
        })
        .collect()
}
