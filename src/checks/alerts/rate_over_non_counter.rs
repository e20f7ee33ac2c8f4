//! `rate-over-non-counter`: `rate`, `irate` and `increase` assume a counter; over a gauge
//! (DCGM's `DCGM_FI_DEV_XID_ERRORS`, a GPU utilisation) they produce nonsense, and the
//! alert built on them misfires or never fires.

use super::{describe, rule_hit};
use crate::checks::CheckCtx;
use crate::promql::metric_uses;
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
    let extra = p.counters;
    let mut hits = Vec::new();
    for (r, expr, node) in super::parsed_rules(ctx) {
        let mut seen = Vec::new();
        for u in metric_uses(expr) {
            let Some(func) = u
                .function
                .as_deref()
                .filter(|f| matches!(*f, "rate" | "irate" | "increase"))
            else {
                continue;
            };
            // Many exporters name counters without `_total`; only a metric that is
            // evidently a gauge is flagged, so established rules are not cried wolf on.
            let counter = may_be_counter(&u.name) || extra.contains(&u.name);
            if !evident_gauge(&u.name) || counter || seen.contains(&u.name) {
                continue;
            }
            seen.push(u.name.clone());
            let span = super::metric_span(ctx, r, node, &u.name);
            hits.push(
                rule_hit(
                    r,
                    span,
                    format!(
                        "{} applies `{func}` to `{}`, whose name does not look like a counter (`_total`, `_count`, `_sum`, `_bucket`); over a gauge `{func}` gives meaningless values",
                        describe(r),
                        u.name
                    ),
                )
                .help("use `delta` or `deriv` for gauges, or `max_over_time`/`changes` for error counts; list real counters with unusual names in this rule's `counters` parameter"),
            );
        }
    }
    hits
}
