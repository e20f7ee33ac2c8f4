//! `alert-without-severity`: alert routing and paging policies key on `severity`; an alert
//! without it (or with an unknown value) is routed nowhere or everywhere.

use super::{describe, rule_hit};
use crate::checks::CheckCtx;
use crate::engine::Hit;

pub fn run(ctx: &CheckCtx) -> Vec<Hit> {
    let allowed = ctx
        .params
        .string("allowed-severities", "critical,warning,info");
    let allowed: Vec<&str> = allowed
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    let mut hits = Vec::new();
    for r in ctx.model.alert_rules.iter().filter(|r| r.alert.is_some()) {
        match r.label("severity") {
            Some((_, v, n)) if !allowed.contains(&v.as_str()) => hits.push(
                rule_hit(
                    r,
                    n.span(),
                    format!(
                        "{} has severity `{v}`, which is not one of {}",
                        describe(r),
                        allowed.join(", ")
                    ),
                )
                .help(format!("use one of {}", allowed.join(", "))),
            ),
            Some(_) => {}
            None => {
                let span = r
                    .node
                    .get("labels")
                    .map(|l| l.key_span())
                    .unwrap_or_else(|| {
                        r.alert
                            .as_ref()
                            .map(|a| a.node.span())
                            .unwrap_or_else(|| r.node.span())
                    });
                hits.push(
                    rule_hit(r, span, format!("{} has no `severity` label, so Alertmanager routes cannot tell a page from a ticket", describe(r)))
                        .help("add `labels: {severity: warning}` (critical, warning or info)"),
                );
            }
        }
    }
    hits
}
