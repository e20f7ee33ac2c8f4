//! `forbidden-pattern`: a custom rule's check that no value at a field path of the
//! matching resources matches a regular expression (a `latest` image tag, a public
//! registry, an instance family the team does not buy).

use super::field_path::{FieldPath, Reached};
use super::{matching, policy_hit};
use crate::checks::CheckCtx;
use crate::rule::params::ParamRegex;
use crate::rule::resource_match::ResourceMatch;
use crate::rule::Hit;

/// The parameters, declared in the custom rule file.
#[derive(serde::Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Params {
    #[serde(rename = "match")]
    matches: ResourceMatch,
    path: FieldPath,
    pattern: ParamRegex,
}

pub fn run(ctx: &CheckCtx) -> Vec<Hit> {
    let Some(p) = crate::checks::params::<Params>(ctx) else {
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
