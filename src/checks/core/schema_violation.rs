//! `schema-violation`: a value of the wrong type, outside its enum or pattern, or a
//! required field missing. The API server rejects the whole object (Prometheus the whole
//! rule file), so none of its settings apply; the message names what is allowed.

use super::schema_findings::{found, Found};
use crate::checks::CheckCtx;
use crate::rule::Hit;
use crate::schema::ViolationKind;

pub fn run(ctx: &CheckCtx) -> Vec<Hit> {
    let mut hits = Vec::new();
    for f in found(ctx) {
        if matches!(f.violation.kind, ViolationKind::UnknownField { .. }) {
            continue;
        }
        let (message, help) = describe(&f);
        let mut hit = Hit::new(f.file, f.violation.span.clone(), message).help(help);
        hit.resource = f.resource;
        hits.push(hit);
    }
    hits
}

fn describe(f: &Found) -> (String, String) {
    let path = f.path(true);
    let place = match (f.within.is_empty(), path.is_empty()) {
        (_, true) if f.within.is_empty() => String::new(),
        (_, true) => format!(" in {}", f.within),
        (true, false) => format!(" `{path}`"),
        (false, false) => format!(" `{path}` of {}", f.within),
    };
    let consequence = if f.is_rule_file() {
        "Prometheus refuses to load the whole file, so none of its alerts fire"
    } else {
        "the API server rejects the object, so none of its settings apply"
    };
    let message = format!(
        "{}{place}: {}; {consequence}",
        f.subject, f.violation.message
    );
    let help = match &f.violation.kind {
        ViolationKind::Type { expected } if expected.iter().any(|t| t == "string") => {
            "write the value the schema expects (quote it to make it a string)".to_string()
        }
        ViolationKind::Type { .. } => {
            "write the value the schema expects, without quotes for numbers and booleans"
                .to_string()
        }
        ViolationKind::Enum { allowed } => format!("use one of {}", allowed.join(", ")),
        ViolationKind::Pattern { .. } => {
            "write the value in the format the field expects".to_string()
        }
        ViolationKind::Required { name } => format!("add `{name}`"),
        _ => "change the value as the message says".to_string(),
    };
    (message, help)
}
