//! `rate-over-non-counter`: `rate`, `irate` and `increase` assume a counter; over a gauge
//! (DCGM's `DCGM_FI_DEV_XID_ERRORS`, a GPU utilisation) they produce nonsense, and the
//! alert built on them misfires or never fires.

use super::{describe, rule_hit};
use crate::checks::CheckCtx;
use crate::engine::Hit;
use crate::promql::metric_uses;

const COUNTER_SUFFIXES: &[&str] = &["_total", "_count", "_sum", "_bucket"];

pub fn run(ctx: &CheckCtx) -> Vec<Hit> {
    let extra = ctx.params.string("counters", "");
    let extra: Vec<&str> = extra
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    let mut hits = Vec::new();
    for r in &ctx.model.alert_rules {
        let (Some(Ok(expr)), Some(node)) = (&r.parsed, r.expr) else {
            continue;
        };
        let mut seen = Vec::new();
        for u in metric_uses(expr) {
            let Some(func) = u
                .function
                .as_deref()
                .filter(|f| matches!(*f, "rate" | "irate" | "increase"))
            else {
                continue;
            };
            let counter = COUNTER_SUFFIXES.iter().any(|s| u.name.ends_with(s))
                || extra.contains(&u.name.as_str());
            if counter || seen.contains(&u.name) {
                continue;
            }
            seen.push(u.name.clone());
            let file = &ctx.model.files[r.file].file;
            let span = r
                .expr_text
                .find(&u.name)
                .map(|i| {
                    crate::model::alerts::expr_span(file, node, &r.expr_text, i..i + u.name.len())
                })
                .unwrap_or_else(|| node.span());
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
