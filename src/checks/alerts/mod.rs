//! Checks over Prometheus alerting and recording rules.

pub mod alert_without_for;
pub mod alert_without_severity;
pub mod alert_without_summary;
pub mod cost_alerts_missing;
pub mod delta_over_counter;
pub mod duplicate_alert;
pub mod invalid_rule_structure;
pub mod invalid_template;
pub mod promql_syntax_error;
pub mod rate_over_non_counter;
pub mod rate_window_too_short;
pub mod stale_karpenter_metric;

use crate::model::alerts::AlertRule;
use crate::rule::Hit;
use std::ops::Range;

/// A function applied to a metric in a rule's expression, found by [`function_uses`].
pub struct FunctionUse<'a> {
    pub rule: &'a AlertRule<'a>,
    pub function: String,
    pub metric: String,
    /// Where the metric is written in the expression.
    pub span: Range<usize>,
}

/// Every metric a rule applies a function to that `wanted(function, metric)` accepts, once
/// per metric and rule: the counter/gauge checks share this walk and differ only in what
/// they accept and say.
pub fn function_uses<'a>(
    ctx: &crate::checks::CheckCtx<'a>,
    mut wanted: impl FnMut(&str, &str) -> bool,
) -> Vec<FunctionUse<'a>> {
    let mut found = Vec::new();
    for (r, expr, node) in parsed_rules(ctx) {
        let mut seen: Vec<String> = Vec::new();
        for u in crate::promql::metric_uses(expr) {
            let Some(function) = u.function else {
                continue;
            };
            if seen.contains(&u.name) || !wanted(&function, &u.name) {
                continue;
            }
            seen.push(u.name.clone());
            found.push(FunctionUse {
                rule: r,
                span: metric_span(ctx, r, node, &u.name),
                function,
                metric: u.name,
            });
        }
    }
    found
}

/// A hit about a rule at a span.
pub fn rule_hit(r: &AlertRule, span: Range<usize>, message: String) -> Hit {
    let mut h = Hit::new(r.file, span, message);
    h.resource = r.resource;
    h
}

/// Rules whose expression parsed, with the parsed expression and its YAML node.
pub fn parsed_rules<'a>(
    ctx: &crate::checks::CheckCtx<'a>,
) -> impl Iterator<
    Item = (
        &'a AlertRule<'a>,
        &'a promql_parser::parser::Expr,
        crate::source::NodeRef<'a>,
    ),
> {
    ctx.model
        .alert_rules
        .iter()
        .filter_map(|r| match (r.parsed.as_deref(), r.expr) {
            (Some(Ok(expr)), Some(node)) => Some((r, expr, node)),
            _ => None,
        })
}

/// The span of the first mention of `metric` in the rule's expression, or the whole
/// expression when it cannot be found.
pub fn metric_span(
    ctx: &crate::checks::CheckCtx,
    r: &AlertRule,
    expr: crate::source::yaml::NodeRef,
    metric: &str,
) -> Range<usize> {
    let file = &ctx.model.files[r.file].file;
    r.expr_text
        .find(metric)
        .map(|i| crate::model::alerts::expr_span(file, expr, &r.expr_text, i..i + metric.len()))
        .unwrap_or_else(|| expr.span())
}

/// The key of the rule's `field` (`labels`, `annotations`), else its name, else the rule.
pub fn field_or_name_span(r: &AlertRule, field: &str) -> Range<usize> {
    r.node.get(field).map(|l| l.key_span()).unwrap_or_else(|| {
        r.alert
            .as_ref()
            .map(|a| a.node.span())
            .unwrap_or_else(|| r.node.span())
    })
}

/// "alert `HighCost`" / "recording rule `job:x:rate5m`", for messages.
pub fn describe(r: &AlertRule) -> String {
    match (&r.alert, &r.record) {
        (Some(a), _) => format!("alert `{}`", a.value),
        (None, Some(rec)) => format!("recording rule `{}`", rec.value),
        _ => "rule".to_string(),
    }
}
