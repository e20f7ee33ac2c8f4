//! JSON Schema validation of YAML documents, with every violation located in the source.
//!
//! The API, stable for every check that validates against a schema (the built-in
//! `unknown-field` and `schema-violation` rules, team policies written as schemas):
//!
//! - [`compile`] turns a schema (a `serde_json::Value`) into a [`Validator`]. References
//!   resolve only within the same document or to the schemas embedded in skinflint
//!   ([`embedded`]); anything else (`http:`, `file:`, an unknown URN) is refused with
//!   [`SchemaError::Reference`]: skinflint never reads a schema from the network or disk.
//! - [`embedded::for_resource`] gives the built-in schema of a resource kind, compiled once.
//! - [`validate`] checks one node of the span tree and returns every [`Violation`], each
//!   with its [`ViolationKind`], the JSON pointer of the offending value, the byte span to
//!   report (the key of an unknown field, the value of a bad one, the key of the object a
//!   required field is missing from) and a message naming what is allowed.
//! - [`to_json`] is the conversion `validate` uses: YAML read the way Kubernetes reads it.

pub mod embedded;
mod retrieve;
mod value;

use crate::source::NodeRef;
use jsonschema::error::{TypeKind, ValidationErrorKind};
use serde_json::Value;
use std::ops::Range;

pub use value::to_json;

/// A compiled schema, with its source kept to name the properties an object allows.
pub struct Validator {
    inner: jsonschema::Validator,
    schema: Value,
}

/// Why a schema cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SchemaError {
    /// A `$ref` to something that is neither in the same document nor embedded.
    #[error("{0}")]
    Reference(String),
    /// The schema itself is not a valid JSON Schema (a keyword of the wrong type, a bad
    /// regular expression).
    #[error("invalid schema: {0}")]
    Invalid(String),
}

/// What is wrong with a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ViolationKind {
    /// A key the object's schema does not allow; `allowed` are the names it lists, and
    /// `suggestion` the closest of them, if one is close.
    UnknownField {
        name: String,
        allowed: Vec<String>,
        suggestion: Option<String>,
    },
    /// A value of the wrong JSON type; `expected` lists the allowed types.
    Type { expected: Vec<String> },
    /// A value not in the list, each rendered as JSON.
    Enum { allowed: Vec<String> },
    /// A string not matching the regular expression.
    Pattern { pattern: String },
    /// A required key that is missing.
    Required { name: String },
    /// Anything else (a number out of range, too few items, a `oneOf` no branch matched).
    Other,
}

/// One problem, located.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub kind: ViolationKind,
    /// JSON pointer of the value in the validated node (`/spec/template/spec`).
    pub instance_path: String,
    /// What to underline: the unknown key, the bad value, or the key of the object that
    /// lacks a required field.
    pub span: Range<usize>,
    /// Says what is wrong and what is allowed, without the location.
    pub message: String,
}

/// Compile a schema; see the module documentation for what references may point to.
/// Formats are not asserted (Kubernetes validates few of them the JSON Schema way).
pub fn compile(schema: &Value) -> Result<Validator, SchemaError> {
    let inner = jsonschema::options()
        .with_retriever(retrieve::EmbeddedOnly)
        .should_validate_formats(false)
        .build(schema)
        .map_err(|e| match e.kind() {
            ValidationErrorKind::Referencing(r) => SchemaError::Reference(retrieve::explain(r)),
            _ => SchemaError::Invalid(e.to_string()),
        })?;
    Ok(Validator {
        inner,
        schema: schema.clone(),
    })
}

/// Every violation of `node` against `validator`, in document order. A node too large or
/// too deep to convert ([`to_json`]) is not validated.
pub fn validate(validator: &Validator, node: NodeRef<'_>) -> Vec<Violation> {
    let Some(instance) = to_json(node) else {
        return Vec::new();
    };
    validate_value(validator, node, &instance)
}

/// [`validate`] for a node already converted with [`to_json`].
pub fn validate_value(
    validator: &Validator,
    node: NodeRef<'_>,
    instance: &Value,
) -> Vec<Violation> {
    if validator.inner.is_valid(instance) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for e in validator.inner.iter_errors(instance) {
        let path: Vec<String> = e.instance_path().iter().map(|s| s.to_string()).collect();
        let at = locate(node, &path);
        let pointer = e.instance_path().as_str().to_string();
        // Where the failing keyword is: `<document URI>#<pointer>` when the schema (or
        // the embedded one it refers to) has an `$id`, else a pointer into the root.
        let keyword = e
            .absolute_keyword_location()
            .map(|u| u.as_str().to_string())
            .unwrap_or_else(|| format!("#{}", e.schema_path().as_str()));
        match e.kind() {
            ValidationErrorKind::AdditionalProperties { unexpected }
            | ValidationErrorKind::UnevaluatedProperties { unexpected } => {
                let allowed = allowed_names(validator, &keyword);
                for name in unexpected {
                    let span = at
                        .and_then(|n| n.get(name))
                        .map(|v| v.key_span())
                        .unwrap_or_else(|| at.unwrap_or(node).key_span());
                    out.push(unknown_field(name, &allowed, &pointer, span));
                }
            }
            kind => {
                let target = at.unwrap_or(node);
                let (kind, span, message) = describe(kind, target, e.instance(), &e.to_string());
                out.push(Violation {
                    kind,
                    instance_path: pointer,
                    span,
                    message,
                });
            }
        }
    }
    out.sort_by_key(|v| (v.span.start, v.span.end));
    out.dedup();
    out
}

fn unknown_field(name: &str, allowed: &[String], pointer: &str, span: Range<usize>) -> Violation {
    let suggestion =
        crate::suggest::did_you_mean(name, allowed.iter().map(String::as_str)).map(str::to_string);
    let message = match (&suggestion, allowed.is_empty()) {
        (Some(s), _) => format!("unknown field `{name}`; did you mean `{s}`?"),
        (None, false) => format!(
            "unknown field `{name}`; allowed here: {}",
            list(allowed.iter().map(|a| format!("`{a}`")))
        ),
        (None, true) => format!("unknown field `{name}`; no other field is allowed here"),
    };
    Violation {
        kind: ViolationKind::UnknownField {
            name: name.to_string(),
            allowed: allowed.to_vec(),
            suggestion,
        },
        instance_path: format!("{pointer}/{}", name.replace('~', "~0").replace('/', "~1")),
        span,
        message,
    }
}

/// The kind, span and message of a violation other than an unknown field.
fn describe(
    kind: &ValidationErrorKind,
    target: NodeRef<'_>,
    instance: &Value,
    fallback: &str,
) -> (ViolationKind, Range<usize>, String) {
    let shown = shown(target, instance);
    // A scalar is underlined itself; a whole mapping or list at its key.
    let at = if target.scalar().is_some() {
        target.span()
    } else {
        target.key_span()
    };
    match kind {
        ValidationErrorKind::Type { kind } => {
            let expected = type_names(kind);
            let message = format!(
                "{shown} is {}; expected {}",
                json_type(instance),
                list_or(expected.iter().cloned())
            );
            (ViolationKind::Type { expected }, at.clone(), message)
        }
        ValidationErrorKind::AnyOf { context } | ValidationErrorKind::OneOfNotValid { context }
            if !context.is_empty() && context.iter().all(|b| b.len() == 1) =>
        {
            let branches = context.iter().map(|b| b[0].kind());
            match any_of(branches, &shown, instance) {
                Some((kind, message)) => (kind, at, message),
                None => (ViolationKind::Other, at, other_message(fallback, &shown)),
            }
        }
        ValidationErrorKind::Enum { options } => {
            let (kind, message) = not_in_enum(options, &shown, instance);
            (kind, at, message)
        }
        ValidationErrorKind::Constant { expected_value } => {
            let allowed = vec![render(expected_value)];
            let message = format!(
                "{shown} is not allowed; the only allowed value is {}",
                allowed[0]
            );
            (ViolationKind::Enum { allowed }, at.clone(), message)
        }
        ValidationErrorKind::Pattern { pattern } => (
            ViolationKind::Pattern {
                pattern: pattern.clone(),
            },
            at.clone(),
            format!("{shown} is not {}", pattern_name(pattern)),
        ),
        ValidationErrorKind::Required { property } => {
            let name = property
                .as_str()
                .map_or_else(|| render(property), str::to_string);
            let message = format!("required field `{name}` is missing");
            (ViolationKind::Required { name }, target.key_span(), message)
        }
        _ => (
            ViolationKind::Other,
            at.clone(),
            other_message(fallback, &shown),
        ),
    }
}

/// `anyOf: [{type: integer}, {type: string, pattern: ...}]` (int-or-string,
/// quantities) as one list of what each branch accepts; None when a branch failed for
/// another reason than its type or pattern.
fn any_of<'e>(
    branches: impl Iterator<Item = &'e ValidationErrorKind>,
    shown: &str,
    instance: &Value,
) -> Option<(ViolationKind, String)> {
    let mut expected = Vec::new();
    let mut accepted = Vec::new();
    for kind in branches {
        match kind {
            ValidationErrorKind::Type { kind } => {
                let types = type_names(kind);
                accepted.push(list_or(types.iter().cloned()));
                expected.extend(types);
            }
            ValidationErrorKind::Pattern { pattern } => accepted.push(pattern_name(pattern)),
            _ => return None,
        }
    }
    expected.dedup();
    let message = format!(
        "{shown} is {}; expected {}",
        json_type(instance),
        list_or(accepted.into_iter())
    );
    let kind = if expected.is_empty() {
        ViolationKind::Other
    } else {
        ViolationKind::Type { expected }
    };
    Some((kind, message))
}

fn type_names(kind: &TypeKind) -> Vec<String> {
    match kind {
        TypeKind::Single(t) => vec![t.to_string()],
        TypeKind::Multiple(ts) => ts.iter().map(|t| t.to_string()).collect(),
    }
}

/// The most edits between a value and an allowed one for it to be suggested.
const VALUE_SLIP: usize = 2;

/// A value outside an `enum`, with the closest allowed value when one is close.
fn not_in_enum(options: &Value, shown: &str, instance: &Value) -> (ViolationKind, String) {
    let allowed: Vec<String> = match options {
        Value::Array(a) => a.iter().map(render).collect(),
        other => vec![render(other)],
    };
    let names = match options {
        Value::Array(a) => a.iter().filter_map(Value::as_str).collect::<Vec<_>>(),
        _ => Vec::new(),
    };
    // Allowed values are often alike (instance types, zones): only a slip of a letter or
    // two is a typo; anything further is a different value, not a misspelt one.
    let close = instance
        .as_str()
        .and_then(|v| crate::suggest::closest_within(v, names, VALUE_SLIP));
    let values = list(allowed.iter().cloned());
    let message = match close {
        Some(c) => {
            format!("{shown} is not allowed (did you mean `{c}`?); allowed values: {values}")
        }
        None => format!("{shown} is not allowed; allowed values: {values}"),
    };
    (ViolationKind::Enum { allowed }, message)
}

/// How a message names what a pattern accepts: Kubernetes quantities by name, others
/// by the expression.
fn pattern_name(pattern: &str) -> String {
    if pattern.contains("[KMGTPE]i") {
        "a quantity such as `500m`, `4` or `16Gi`".to_string()
    } else {
        format!("a string matching `{pattern}`")
    }
}

/// The validator's own message, with the JSON instance replaced by the text as written
/// (it may quote a whole object).
fn other_message(fallback: &str, shown: &str) -> String {
    const MAX: usize = 200;
    let mut m = fallback.to_string();
    if m.len() > MAX {
        let cut = (0..=MAX)
            .rev()
            .find(|i| m.is_char_boundary(*i))
            .unwrap_or(0);
        m.truncate(cut);
        m.push('…');
    }
    if m.starts_with('{') || m.starts_with('[') {
        format!("{shown}: {m}")
    } else {
        m
    }
}

/// How a message shows a value: a scalar as written, a mapping or list by its type.
fn shown(node: NodeRef<'_>, instance: &Value) -> String {
    match node.scalar() {
        Some((text, _)) if text.chars().count() <= 60 => format!("`{text}`"),
        Some(_) => "the value".to_string(),
        None => format!(
            "this {}",
            json_type(instance)
                .trim_start_matches("a ")
                .trim_start_matches("an ")
        ),
    }
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "an integer",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

fn render(v: &Value) -> String {
    match v {
        Value::String(s) => format!("`{s}`"),
        other => format!("`{other}`"),
    }
}

fn list(items: impl Iterator<Item = String>) -> String {
    items.collect::<Vec<_>>().join(", ")
}

fn list_or(items: impl Iterator<Item = String>) -> String {
    let v: Vec<String> = items.collect();
    match v.len() {
        0 => String::new(),
        1 => v[0].clone(),
        n => format!("{} or {}", v[..n - 1].join(", "), v[n - 1]),
    }
}

/// The node at a JSON pointer's segments, following mapping keys and list indices.
fn locate<'a>(node: NodeRef<'a>, path: &[String]) -> Option<NodeRef<'a>> {
    let mut cur = node;
    for seg in path {
        cur = if cur.is_seq() {
            let i: usize = seg.parse().ok()?;
            cur.items()?.nth(i)?
        } else {
            cur.get(seg)?
        };
    }
    Some(cur)
}

/// The property names declared beside the `additionalProperties` keyword that failed,
/// sorted. `keyword` is the keyword's absolute location (`<document URI>#<pointer>`).
fn allowed_names(validator: &Validator, keyword: &str) -> Vec<String> {
    let (base, fragment) = keyword.split_once('#').unwrap_or((keyword, ""));
    let document = embedded::document(base).unwrap_or(&validator.schema);
    let fragment = percent_decode(fragment);
    let parent = fragment.rsplit_once('/').map_or("", |(p, _)| p);
    let mut names: Vec<String> = document
        .pointer(parent)
        .and_then(|s| s.get("properties"))
        .and_then(Value::as_object)
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default();
    names.sort();
    names
}

/// `%24defs` → `$defs`: fragments in URIs are percent-encoded.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests;
