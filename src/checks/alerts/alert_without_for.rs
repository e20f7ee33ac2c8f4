//! `alert-without-for`: an alert without `for` fires on a single evaluation, so one bad
//! scrape pages someone (and teams learn to ignore the cost alerts). An explicit `for`
//! (`0s` included) is a decision, and alerts that fire on purpose are left alone:
//! heartbeats (a constant expression such as the Watchdog's `vector(1)`) and inhibitors
//! that read only the `ALERTS` series.

use super::{describe, rule_hit};
use crate::checks::CheckCtx;
use crate::rule::Hit;

pub fn run(ctx: &CheckCtx) -> Vec<Hit> {
    let mut hits = Vec::new();
    for r in ctx.model.alert_rules.iter().filter(|r| r.alert.is_some()) {
        if r.for_.is_some() || r.fires_on_purpose() {
            continue;
        }
        let span = r
            .alert
            .as_ref()
            .map(|a| a.node.span())
            .unwrap_or_else(|| r.node.span());
        hits.push(
            rule_hit(
                r,
                span,
                format!(
                    "{} has no `for`, so it fires on a single evaluation: one bad scrape or a short spike pages someone",
                    describe(r),
                ),
            )
            .help("add `for: 5m` (or longer for slow-moving cost signals such as `for: 30m`); write `for: 0s` if firing at once is intended"),
        );
    }
    hits
}
