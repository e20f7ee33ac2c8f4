//! `alert-without-for`: an alert without `for` fires on a single evaluation, so one bad
//! scrape pages someone (and teams learn to ignore the cost alerts).

use super::{describe, rule_hit};
use crate::checks::CheckCtx;
use crate::engine::Hit;
use crate::model::alerts::prom_duration;

pub fn run(ctx: &CheckCtx) -> Vec<Hit> {
    let mut hits = Vec::new();
    for r in ctx.model.alert_rules.iter().filter(|r| r.alert.is_some()) {
        let zero = r
            .for_
            .and_then(|f| f.scalar())
            .and_then(|(t, _)| prom_duration(t))
            == Some(0);
        if r.for_.is_some() && !zero {
            continue;
        }
        let span = r.for_.map(|f| f.span()).unwrap_or_else(|| {
            r.alert
                .as_ref()
                .map(|a| a.node.span())
                .unwrap_or_else(|| r.node.span())
        });
        hits.push(
            rule_hit(
                r,
                span,
                format!(
                    "{} has no `for`{}, so it fires on a single evaluation: one bad scrape or a short spike pages someone",
                    describe(r),
                    if zero { " (it is 0)" } else { "" }
                ),
            )
            .help("add `for: 5m` (or longer for slow-moving cost signals such as `for: 30m`)"),
        );
    }
    hits
}
