//! Generic checks for the policies teams write without Rust: a custom rule file names one
//! of these checks and gives it the resources to look at (`match`) and what to require.

pub mod field_path;
pub mod forbidden_pattern;
pub mod json_schema;
pub mod required_pattern;

/// The checks custom rules name; no built-in rule uses them.
pub const GENERIC_CHECKS: &[&str] = &["forbidden-pattern", "json-schema", "required-pattern"];

use crate::checks::CheckCtx;
use crate::model::Resource;
use crate::rule::params::ParamRegex;
use crate::rule::resource_match::ResourceMatch;
use crate::rule::Hit;
use std::ops::Range;

/// The parameters of `forbidden-pattern` and `required-pattern`, declared in the custom
/// rule file: the resources, the field path and the regular expression.
#[derive(serde::Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct PatternParams {
    #[serde(rename = "match")]
    matches: ResourceMatch,
    path: field_path::FieldPath,
    pattern: ParamRegex,
}

/// The resources a policy applies to, with their index in the model.
pub fn matching<'a>(
    ctx: &'a CheckCtx<'a>,
    m: &'a ResourceMatch,
) -> impl Iterator<Item = (usize, &'a Resource<'a>)> + 'a {
    ctx.model
        .resources
        .iter()
        .enumerate()
        .filter(move |(_, r)| m.matches(r))
}

/// A finding of a custom rule: its title says what the policy wants, `detail` what this
/// resource does instead, and the rule's `fix` is the help.
pub fn policy_hit(
    ctx: &CheckCtx,
    index: usize,
    r: &Resource,
    span: Range<usize>,
    detail: String,
) -> Hit {
    let name = r.id.name.as_deref().unwrap_or("<unnamed>");
    Hit::new(
        r.file,
        span,
        format!("{} `{name}`: {detail} ({})", r.id.kind, ctx.rule.title),
    )
    .help(ctx.rule.docs.fix.clone())
    .resource(index)
}
