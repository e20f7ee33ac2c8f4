//! `alert-without-severity`: alert routing and paging policies key on `severity`; an alert
//! without it (or with an unknown value) is routed nowhere or everywhere. Severity `none`
//! is accepted on alerts that fire on purpose (heartbeats, inhibitors).

use super::{describe, rule_hit};
use crate::checks::CheckCtx;
use crate::rule::Hit;

/// The parameters, declared with their defaults in the rule file.
#[derive(serde::Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Params {
    allowed_severities: Vec<String>,
}

pub fn run(ctx: &CheckCtx) -> Vec<Hit> {
    let Some(p) = crate::checks::params::<Params>(ctx) else {
        return Vec::new();
    };
    let allowed = p.allowed_severities;
    let mut hits = Vec::new();
    for r in ctx.model.alert_rules.iter().filter(|r| r.alert.is_some()) {
        match r.label("severity") {
            // Heartbeats and inhibitors are routed to a dedicated or null receiver,
            // conventionally with severity `none`.
            Some((_, v, _)) if *v == "none" && r.fires_on_purpose() => {}
            Some((_, v, n)) if !allowed.iter().any(|a| a == v) => hits.push(
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
                let span = super::field_or_name_span(r, "labels");
                hits.push(
                    rule_hit(r, span, format!("{} has no `severity` label, so Alertmanager routes cannot tell a page from a ticket", describe(r)))
                        .help("add `labels: {severity: warning}` (critical, warning or info)"),
                );
            }
        }
    }
    hits
}
