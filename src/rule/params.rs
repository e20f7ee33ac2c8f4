//! Rule parameters: defaults from the rule file, overridden by `.skinflint.yaml`.

use crate::source::scalar::Scalar;
use crate::source::NodeRef;
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(untagged)]
pub enum ParamValue {
    Int(i64),
    Float(f64),
    Bool(bool),
    Str(String),
}

impl ParamValue {
    pub fn from_node(n: NodeRef<'_>) -> Option<ParamValue> {
        Some(match n.value()? {
            Scalar::Int(i) => ParamValue::Int(i),
            Scalar::Float(f) => ParamValue::Float(f),
            Scalar::Bool(b) => ParamValue::Bool(b),
            Scalar::Str(s) => ParamValue::Str(s.to_string()),
            Scalar::Null => return None,
        })
    }

    pub fn type_name(&self) -> &'static str {
        match self {
            ParamValue::Int(_) => "integer",
            ParamValue::Float(_) => "number",
            ParamValue::Bool(_) => "boolean",
            ParamValue::Str(_) => "string",
        }
    }

    /// Whether `other` may replace this default (integers are accepted for numbers).
    pub fn same_type(&self, other: &ParamValue) -> bool {
        matches!(
            (self, other),
            (ParamValue::Int(_), ParamValue::Int(_))
                | (
                    ParamValue::Float(_),
                    ParamValue::Float(_) | ParamValue::Int(_)
                )
                | (ParamValue::Bool(_), ParamValue::Bool(_))
                | (ParamValue::Str(_), ParamValue::Str(_))
        )
    }
}

impl std::fmt::Display for ParamValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ParamValue::Int(i) => write!(f, "{i}"),
            ParamValue::Float(x) => write!(f, "{x}"),
            ParamValue::Bool(b) => write!(f, "{b}"),
            ParamValue::Str(s) => write!(f, "{s}"),
        }
    }
}

/// A rule's effective parameters.
#[derive(Debug, Clone, Default)]
pub struct Params(pub BTreeMap<String, ParamValue>);

impl Params {
    pub fn int(&self, name: &str, default: i64) -> i64 {
        match self.0.get(name) {
            Some(ParamValue::Int(i)) => *i,
            Some(ParamValue::Float(f)) => *f as i64,
            _ => default,
        }
    }

    pub fn float(&self, name: &str, default: f64) -> f64 {
        match self.0.get(name) {
            Some(ParamValue::Int(i)) => *i as f64,
            Some(ParamValue::Float(f)) => *f,
            _ => default,
        }
    }

    pub fn bool(&self, name: &str, default: bool) -> bool {
        match self.0.get(name) {
            Some(ParamValue::Bool(b)) => *b,
            _ => default,
        }
    }

    pub fn string(&self, name: &str, default: &str) -> String {
        match self.0.get(name) {
            Some(ParamValue::Str(s)) => s.clone(),
            _ => default.to_string(),
        }
    }

    /// A comma-separated list parameter, trimmed, without empty items.
    pub fn list(&self, name: &str, default: &str) -> Vec<String> {
        self.string(name, default)
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    }
}
