//! The span tree as JSON, read the way Kubernetes reads YAML: YAML 1.1 scalars, `<<`
//! merge keys applied, aliases followed, keys as strings.

use crate::source::scalar::Scalar;
use crate::source::NodeRef;
use serde_json::{Map, Number, Value};

/// Most values one conversion produces: aliases can repeat a subtree many times over,
/// and no real manifest comes near this.
const MAX_VALUES: usize = 200_000;
/// Deepest nesting converted (the YAML loader stops at 256 levels; aliases cannot add
/// more than this either).
const MAX_DEPTH: usize = 256;

/// `node` as a JSON value; None when it is deeper or larger (through aliases) than a
/// manifest can be, so that a hostile input costs nothing.
pub fn to_json(node: NodeRef<'_>) -> Option<Value> {
    let mut budget = MAX_VALUES;
    convert(node, 0, &mut budget)
}

fn convert(node: NodeRef<'_>, depth: usize, budget: &mut usize) -> Option<Value> {
    if depth > MAX_DEPTH || *budget == 0 {
        return None;
    }
    *budget -= 1;
    if let Some(entries) = node.entries() {
        let mut map = Map::new();
        for (k, v) in entries {
            map.insert(k.to_string(), convert(v, depth + 1, budget)?);
        }
        return Some(Value::Object(map));
    }
    if let Some(items) = node.items() {
        let mut out = Vec::new();
        for item in items {
            out.push(convert(item, depth + 1, budget)?);
        }
        return Some(Value::Array(out));
    }
    let (text, _) = node.scalar()?;
    Some(match node.value()? {
        Scalar::Null => Value::Null,
        Scalar::Bool(b) => Value::Bool(b),
        Scalar::Int(i) => Value::Number(i.into()),
        // `.inf` and `.nan` have no JSON form: kept as the text, which a number field refuses.
        Scalar::Float(f) => {
            Number::from_f64(f).map_or_else(|| Value::String(text.to_string()), Value::Number)
        }
        Scalar::Str(s) => Value::String(s.to_string()),
    })
}
