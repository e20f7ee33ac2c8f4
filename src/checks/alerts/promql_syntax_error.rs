//! `promql-syntax-error`: an expression Prometheus cannot parse; the whole rule group
//! fails to load, so none of its alerts (cost alerts included) ever fire. An expression too
//! large to parse quickly is said to be unchecked, at `info`.

use super::{describe, rule_hit};
use crate::checks::CheckCtx;
use crate::model::alerts::expr_span;
use crate::rule::Hit;

pub fn run(ctx: &CheckCtx) -> Vec<Hit> {
    let mut hits = Vec::new();
    for r in &ctx.model.alert_rules {
        let (Some(Err(e)), Some(expr)) = (r.parsed.as_deref(), r.expr) else {
            continue;
        };
        if e.too_large {
            // Not a syntax error: unchecked, said at `info` so it never fails a build.
            hits.push(rule_hit(
                r,
                expr.key_span(),
                format!(
                    "{} was not checked: {}",
                    describe(r),
                    e.message
                ),
            )
            .help("split the expression into recording rules, which also makes it cheaper for Prometheus to evaluate")
            .low_confidence(true));
            continue;
        }
        let file = &ctx.model.files[r.file].file;
        let span = expr_span(file, expr, &r.expr_text, e.offset..e.offset + e.len);
        hits.push(
            rule_hit(
                r,
                span,
                format!(
                    "the expression of {} does not parse ({}); Prometheus rejects the whole rule file, so none of its alerts fire",
                    describe(r),
                    e.message
                ),
            )
            .help("fix the PromQL at the marked position (check brackets, operators and quoting)"),
        );
    }
    hits
}
