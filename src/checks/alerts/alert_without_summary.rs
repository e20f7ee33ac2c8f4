//! `alert-without-summary`: the person paged needs to know what fired and what it costs.

use super::{describe, rule_hit};
use crate::checks::CheckCtx;
use crate::rule::Hit;

/// The parameters, declared with their defaults in the rule file.
#[derive(serde::Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Params {
    require_description: bool,
}

pub fn run(ctx: &CheckCtx) -> Vec<Hit> {
    let Some(p) = crate::checks::params::<Params>(ctx) else {
        return Vec::new();
    };
    let require_description = p.require_description;
    let mut hits = Vec::new();
    for r in ctx.model.alert_rules.iter().filter(|r| r.alert.is_some()) {
        let mut missing = Vec::new();
        if r.annotation("summary").is_none() {
            missing.push("summary");
        }
        if require_description && r.annotation("description").is_none() {
            missing.push("description");
        }
        if missing.is_empty() {
            continue;
        }
        let span = super::field_or_name_span(r, "annotations");
        hits.push(
            rule_hit(
                r,
                span,
                format!(
                    "{} has no `{}` annotation, so the notification does not say what is wrong",
                    describe(r),
                    missing.join("` or `")
                ),
            )
            .help("add `annotations: {summary: \"...\"}` saying what fired, with `{{ $value }}` where it helps"),
        );
    }
    hits
}
