//! `rate-window-too-short`: a range window shorter than four scrape intervals often holds
//! fewer than two samples, so `rate` returns nothing and the alert never fires.

use super::{describe, rule_hit};
use crate::checks::CheckCtx;
use crate::model::alerts::prom_duration;
use crate::promql::function_windows;
use crate::rule::params::ParamDuration;
use crate::rule::Hit;

fn human(ms: u64) -> String {
    crate::model::units::human_seconds(ms / 1000)
}

/// The parameters, declared with their defaults in the rule file.
#[derive(serde::Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Params {
    scrape_interval: ParamDuration,
}

pub fn run(ctx: &CheckCtx) -> Vec<Hit> {
    let Some(p) = crate::checks::params::<Params>(ctx) else {
        return Vec::new();
    };
    let scrape = p.scrape_interval.0.as_millis() as u64;
    let mut hits = Vec::new();
    for (r, expr, node) in super::parsed_rules(ctx) {
        // A group evaluated more often than the assumed scrape interval is scraped at
        // least that often.
        let group_interval = ctx.model.rule_groups[r.group]
            .node
            .get("interval")
            .and_then(|i| i.scalar())
            .and_then(|(t, _)| prom_duration(t))
            .filter(|ms| *ms > 0);
        let min = 4 * group_interval.map_or(scrape, |g| g.min(scrape));
        for (func, window) in function_windows(expr) {
            let applies = matches!(func.as_str(), "rate" | "irate" | "increase")
                || func.ends_with("_over_time");
            let ms = window.as_millis() as u64;
            if !applies || ms >= min {
                continue;
            }
            let text = human(ms);
            let file = &ctx.model.files[r.file].file;
            let needle = format!("[{text}");
            let span = r
                .expr_text
                .find(&needle)
                .map(|i| {
                    crate::model::alerts::expr_span(
                        file,
                        node,
                        &r.expr_text,
                        i + 1..i + 1 + text.len(),
                    )
                })
                .unwrap_or_else(|| node.span());
            hits.push(
                rule_hit(
                    r,
                    span,
                    format!(
                        "{} uses `{func}` over a {text} window, shorter than 4 scrape intervals ({}); with a missed scrape the window holds too few samples and the alert silently stops firing",
                        describe(r),
                        human(min)
                    ),
                )
                .help(format!("use a window of at least {} (or set this rule's `scrape-interval` parameter to your real interval)", human(min))),
            );
        }
    }
    hits
}
