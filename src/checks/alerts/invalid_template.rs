//! `invalid-template`: an alert label or annotation whose template Prometheus cannot
//! parse. Prometheus refuses the whole rule file, as `promtool check rules` does.

use super::{describe, rule_hit};
use crate::checks::CheckCtx;
use crate::model::alerts::expr_span;
use crate::promql::template;
use crate::rule::Hit;

pub fn run(ctx: &CheckCtx) -> Vec<Hit> {
    let mut hits = Vec::new();
    for r in ctx.model.alert_rules.iter().filter(|r| r.alert.is_some()) {
        let file = &ctx.model.files[r.file].file;
        for (what, map) in [("label", &r.labels), ("annotation", &r.annotations)] {
            for (key, text, node) in map {
                let Err(e) = template::check(text) else {
                    continue;
                };
                hits.push(
                    rule_hit(
                        r,
                        expr_span(file, *node, text, e.at),
                        format!(
                            "the template of {what} `{key}` of {} does not parse: {}; Prometheus refuses the whole rule file, so none of its alerts fire",
                            describe(r),
                            e.message
                        ),
                    )
                    .help("fix the template at the marked position: every `{{` needs its `}}`, every `if`, `range` and `with` its `{{ end }}`; only `$labels`, `$externalLabels`, `$externalURL`, `$value` and variables declared in the template are defined"),
                );
            }
        }
    }
    hits
}
