//! `required-pattern`: a custom rule's check that every matching resource has a value at
//! a field path and that each such value matches a regular expression (a `team` label, an
//! image from the team's registry).

use super::field_path::{missing_span, Reached};
use super::{matching, policy_hit, PatternParams};
use crate::checks::CheckCtx;
use crate::rule::Hit;

pub fn run(ctx: &CheckCtx) -> Vec<Hit> {
    let Some(p) = crate::checks::params::<PatternParams>(ctx) else {
        return Vec::new();
    };
    let pattern = p.pattern.0.as_str();
    let mut hits = Vec::new();
    for (index, r) in matching(ctx, &p.matches) {
        for reached in p.path.walk(r.root) {
            let (span, detail) = match reached {
                Reached::Missing {
                    parent,
                    at,
                    missing,
                } => {
                    let under = if at.is_empty() {
                        String::new()
                    } else {
                        format!(" under `{at}`")
                    };
                    (
                        missing_span(parent, &at),
                        format!("`{missing}` is missing{under}"),
                    )
                }
                Reached::Value(node, at) => match node.scalar() {
                    Some((text, _)) if p.pattern.0.is_match(text) => continue,
                    Some((text, _)) => (
                        node.span(),
                        format!("`{at}` is `{text}`, which does not match `{pattern}`"),
                    ),
                    None => (
                        node.key_span(),
                        format!("`{at}` is not a single value, so it cannot match `{pattern}`"),
                    ),
                },
            };
            hits.push(policy_hit(ctx, index, r, span, detail));
        }
    }
    hits
}
