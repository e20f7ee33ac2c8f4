//! `rate-over-non-counter`: `rate`, `irate` and `increase` assume a counter; over a gauge
//! (DCGM's `DCGM_FI_DEV_XID_ERRORS`, a GPU utilisation) they produce nonsense, and the
//! alert built on them misfires or never fires.

use super::{describe, rule_hit};
use crate::checks::CheckCtx;
use crate::promql::names::{evident_gauge, may_be_counter};
use crate::rule::Hit;

/// The parameters, declared with their defaults in the rule file.
#[derive(serde::Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Params {
    counters: Vec<String>,
}

pub fn run(ctx: &CheckCtx) -> Vec<Hit> {
    let Some(p) = crate::checks::params::<Params>(ctx) else {
        return Vec::new();
    };
    // Many exporters name counters without `_total`; only a metric that is evidently a
    // gauge is flagged, so established rules are not cried wolf on.
    let flagged = |func: &str, metric: &str| {
        matches!(func, "rate" | "irate" | "increase")
            && evident_gauge(metric)
            && !may_be_counter(metric)
            && !p.counters.iter().any(|c| c == metric)
    };
    super::function_uses(ctx, flagged)
        .into_iter()
        .map(|u| {
            let (func, metric) = (&u.function, &u.metric);
            rule_hit(
                u.rule,
                u.span,
                format!(
                    "{} applies `{func}` to `{metric}`, whose name does not look like a counter (`_total`, `_count`, `_sum`, `_bucket`); over a gauge `{func}` gives meaningless values",
                    describe(u.rule)
                ),
            )
            .help("use `delta` or `deriv` for gauges, or `max_over_time`/`changes` for error counts; list real counters with unusual names in this rule's `counters` parameter")
        })
        .collect()
}
