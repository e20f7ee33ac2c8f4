//! `json-schema`: a custom rule's check that the matching resources (those the optional
//! `when` schema also accepts) satisfy a JSON Schema; each violation lands on the failing
//! field, or on the nearest parent there is when a required one is missing.

use super::{matching, policy_hit};
use crate::checks::CheckCtx;
use crate::rule::resource_match::ResourceMatch;
use crate::rule::Hit;
use crate::schema;
use serde_json::Value;

/// The parameters, declared in the custom rule file.
#[derive(serde::Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Params {
    #[serde(rename = "match")]
    matches: ResourceMatch,
    when: Option<Value>,
    schema: Value,
}

pub fn run(ctx: &CheckCtx) -> Vec<Hit> {
    let Some(p) = crate::checks::params::<Params>(ctx) else {
        return Vec::new();
    };
    // Both compiled when the rule loaded; a failure here cannot happen.
    let Ok(required) = schema::compile(&p.schema) else {
        return Vec::new();
    };
    let when = match p.when.as_ref().map(schema::compile) {
        Some(Ok(v)) => Some(v),
        Some(Err(_)) => return Vec::new(),
        None => None,
    };
    let mut hits = Vec::new();
    for (index, r) in matching(ctx, &p.matches) {
        let Some(instance) = schema::to_json(r.root) else {
            continue;
        };
        if when
            .as_ref()
            .is_some_and(|w| !schema::validate_value(w, r.root, &instance).is_empty())
        {
            continue;
        }
        for v in schema::validate_value(&required, r.root, &instance) {
            let at = dotted(&v.instance_path);
            let detail = if at.is_empty() {
                v.message
            } else {
                format!("`{at}`: {}", v.message)
            };
            hits.push(policy_hit(ctx, index, r, v.span, detail));
        }
    }
    hits
}

/// A JSON pointer (`/spec/containers/0/image`) as a field path
/// (`spec.containers[0].image`).
fn dotted(pointer: &str) -> String {
    let mut out = String::new();
    for seg in pointer.split('/').skip(1) {
        let seg = seg.replace("~1", "/").replace("~0", "~");
        if seg.parse::<usize>().is_ok() {
            out.push_str(&format!("[{seg}]"));
        } else if seg.contains('.') {
            out.push_str(&format!(".\"{seg}\""));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&seg);
        }
    }
    out.trim_start_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    #[test]
    fn pointers_read_as_field_paths() {
        assert_eq!(super::dotted(""), "");
        assert_eq!(
            super::dotted("/spec/containers/0/image"),
            "spec.containers[0].image"
        );
        assert_eq!(
            super::dotted("/metadata/labels/app.kubernetes.io~1name"),
            "metadata.labels.\"app.kubernetes.io/name\""
        );
    }
}
