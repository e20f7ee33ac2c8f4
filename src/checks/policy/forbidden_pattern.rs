//! `forbidden-pattern`: a custom rule's check that no value at a field path of the
//! matching resources matches a regular expression (a `latest` image tag, a public
//! registry, an instance family the team does not buy).

use super::field_path::Reached;
use super::{matching, policy_hit, PatternParams};
use crate::checks::CheckCtx;
use crate::rule::Hit;

pub fn run(ctx: &CheckCtx) -> Vec<Hit> {
    let Some(p) = crate::checks::params::<PatternParams>(ctx) else {
        return Vec::new();
    };
    let mut hits = Vec::new();
    for (index, r) in matching(ctx, &p.matches) {
        for reached in p.path.walk(r.root) {
            let Reached::Value(node, at) = reached else {
                continue;
            };
            let Some((text, _)) = node.scalar() else {
                continue;
            };
            if p.pattern.0.is_match(text) {
                hits.push(policy_hit(
                    ctx,
                    index,
                    r,
                    node.span(),
                    format!(
                        "`{at}` is `{text}`, which matches the forbidden pattern `{}`",
                        p.pattern.0.as_str()
                    ),
                ));
            }
        }
    }
    hits
}
