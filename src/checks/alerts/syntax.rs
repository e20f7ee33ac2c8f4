//! `promql-syntax-error`: an expression Prometheus cannot parse; the whole rule group
//! fails to load, so none of its alerts (cost alerts included) ever fire.

use super::{describe, rule_hit};
use crate::checks::CheckCtx;
use crate::engine::Hit;
use crate::model::alerts::expr_span;

pub fn run(ctx: &CheckCtx) -> Vec<Hit> {
    let mut hits = Vec::new();
    for r in &ctx.model.alert_rules {
        let (Some(Err(e)), Some(expr)) = (&r.parsed, r.expr) else {
            continue;
        };
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
