//! `duplicate-alert`: two alerting rules with the same name and labels page twice for one
//! problem (or hide which of two definitions is in force).

use super::{describe, rule_hit};
use crate::checks::CheckCtx;
use crate::rule::Hit;
use std::collections::HashMap;

/// An alert's identity: its name and sorted labels.
type AlertKey<'a> = (&'a str, Vec<(&'a str, &'a str)>);

pub fn run(ctx: &CheckCtx) -> Vec<Hit> {
    let model = ctx.model;
    // Earlier rules by name and labels; a rule duplicates the first of them in its scope.
    let mut seen: HashMap<AlertKey, Vec<usize>> = HashMap::new();
    let mut hits = Vec::new();
    for (i, r) in model.alert_rules.iter().enumerate() {
        let Some(a) = &r.alert else { continue };
        let mut labels: Vec<(&str, &str)> = r.labels.iter().map(|(k, v, _)| (*k, *v)).collect();
        labels.sort();
        let earlier = seen.entry((a.value.as_str(), labels)).or_default();
        let first = earlier
            .iter()
            .copied()
            .find(|j| model.same_scope(model.alert_rules[*j].file, r.file));
        earlier.push(i);
        if let Some(j) = first {
            let other = &model.alert_rules[j];
            let file = &model.files[other.file].file;
            let line = file.line_col(other.node.span().start).line;
            hits.push(
                rule_hit(
                    r,
                    a.node.span(),
                    format!(
                        "{} has the same name and labels as the alert at {}:{line}; both fire for one problem and notifications are duplicated",
                        describe(r),
                        crate::source::display_path(&file.path)
                    ),
                )
                .help("remove one of them, or tell them apart with a label"),
            );
        }
    }
    hits
}
