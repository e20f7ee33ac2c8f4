//! Rule parameters: declared with a type, default, bounds and description in the rule
//! file, overridden by `.skinflint.yaml`, validated both times, and read by checks as
//! typed values (never with a default of their own).

use crate::source::scalar::Scalar;
use crate::source::NodeRef;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::time::Duration;

/// What a parameter holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamType {
    Integer,
    Number,
    Boolean,
    String,
    /// A YAML list of strings (a comma-separated string is accepted too).
    StringList,
    /// A Prometheus-style duration (`30s`, `5m`, `1h30m`, `7d`) or whole seconds.
    Duration,
    /// A regular expression (Rust `regex` syntax), compiled when the value is read.
    Regex,
    /// A list of regular expressions (a comma-separated string is accepted too).
    RegexList,
    /// Which resources a policy applies to: `kinds` (apiVersion/Kind), optional
    /// `namespaces` and `labels` (see [`super::resource_match`]).
    Match,
    /// A JSON Schema (written in YAML), compiled when it is read so that a broken one is
    /// an error at its line; `$ref`s reach only the same schema or the embedded ones.
    JsonSchema,
}

impl ParamType {
    pub const ALL: &'static [ParamType] = &[
        ParamType::Integer,
        ParamType::Number,
        ParamType::Boolean,
        ParamType::String,
        ParamType::StringList,
        ParamType::Duration,
        ParamType::Regex,
        ParamType::RegexList,
        ParamType::Match,
        ParamType::JsonSchema,
    ];

    pub fn name(self) -> &'static str {
        match self {
            ParamType::Integer => "integer",
            ParamType::Number => "number",
            ParamType::Boolean => "boolean",
            ParamType::String => "string",
            ParamType::StringList => "string-list",
            ParamType::Duration => "duration",
            ParamType::Regex => "regex",
            ParamType::RegexList => "regex-list",
            ParamType::Match => "match",
            ParamType::JsonSchema => "json-schema",
        }
    }

    pub fn parse(name: &str) -> Option<ParamType> {
        Self::ALL.iter().copied().find(|t| t.name() == name)
    }

    /// What a value of this type looks like, for error messages.
    fn expected(self) -> &'static str {
        match self {
            ParamType::Integer => "a whole number",
            ParamType::Number => "a number",
            ParamType::Boolean => "true or false",
            ParamType::String => "a string",
            ParamType::StringList => "a list of strings",
            ParamType::Duration => "a duration such as 30s, 5m or 1h30m",
            ParamType::Regex => "a regular expression",
            ParamType::RegexList => "a list of regular expressions",
            ParamType::Match => "a mapping of kinds, namespaces and labels",
            ParamType::JsonSchema => "a JSON Schema",
        }
    }

    fn bounded(self) -> bool {
        matches!(
            self,
            ParamType::Integer | ParamType::Number | ParamType::Duration
        )
    }

    /// Read a YAML value as this type; the error says what was expected.
    pub fn read(self, n: NodeRef<'_>) -> Result<ParamValue, ValueError> {
        let wrong = || {
            let got = match n.value() {
                Some(s) => format!(
                    " (got {} `{}`)",
                    s.type_name(),
                    n.scalar().map_or("", |s| s.0)
                ),
                None if n.is_seq() => " (got a list)".to_string(),
                None => " (got a mapping)".to_string(),
            };
            ValueError::WrongType {
                expected: self.expected(),
                got,
            }
        };
        if self == ParamType::Match {
            return super::resource_match::ResourceMatch::read(n)
                .map(ParamValue::Match)
                .map_err(ValueError::BadMatch);
        }
        if self == ParamType::JsonSchema {
            let schema = crate::schema::to_json(n)
                .filter(|v| v.is_object() || v.is_boolean())
                .ok_or_else(wrong)?;
            crate::schema::compile(&schema).map_err(|e| ValueError::BadSchema(e.to_string()))?;
            return Ok(ParamValue::Json(schema));
        }
        if matches!(self, ParamType::StringList | ParamType::RegexList) {
            let items: Vec<String> = match n.items() {
                Some(items) => items
                    .map(|i| match i.value() {
                        Some(Scalar::Str(s)) => Ok(s.trim().to_string()),
                        _ => Err(ValueError::ItemNotString {
                            expected: self.expected(),
                            item: i.scalar().map_or("…", |s| s.0).to_string(),
                        }),
                    })
                    .collect::<Result<_, _>>()?,
                None => match n.value() {
                    Some(Scalar::Str(s)) => s
                        .split(',')
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(str::to_string)
                        .collect(),
                    Some(Scalar::Null) => Vec::new(),
                    _ => return Err(wrong()),
                },
            };
            if self == ParamType::StringList {
                return Ok(ParamValue::List(items));
            }
            return items
                .iter()
                .map(|p| compile(p))
                .collect::<Result<_, _>>()
                .map(ParamValue::RegexList);
        }
        let Some(scalar) = n.value() else {
            return Err(wrong());
        };
        Ok(match (self, scalar) {
            (ParamType::Integer, Scalar::Int(i)) => ParamValue::Int(i),
            (ParamType::Number, Scalar::Int(i)) => ParamValue::Float(i as f64),
            (ParamType::Number, Scalar::Float(f)) if f.is_finite() => ParamValue::Float(f),
            (ParamType::Boolean, Scalar::Bool(b)) => ParamValue::Bool(b),
            (ParamType::String, Scalar::Str(s)) => ParamValue::Str(s.to_string()),
            (ParamType::Duration, Scalar::Int(i)) if i >= 0 => {
                ParamValue::Duration(Duration::from_secs(i as u64))
            }
            (ParamType::Duration, Scalar::Str(s)) => match parse_duration(s) {
                Some(d) => ParamValue::Duration(d),
                None => {
                    return Err(ValueError::NotDuration {
                        expected: self.expected(),
                        text: s.to_string(),
                    })
                }
            },
            (ParamType::Regex, Scalar::Str(s)) => ParamValue::Regex(compile(s)?),
            _ => return Err(wrong()),
        })
    }
}

/// Why a YAML value is not a value of a parameter type; the message completes "`name` …".
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValueError {
    /// `got` describes what was found: " (got a list)", " (got integer `3`)".
    #[error("must be {expected}{got}")]
    WrongType { expected: &'static str, got: String },
    #[error("must be {expected} (an item is not a string: `{item}`)")]
    ItemNotString {
        expected: &'static str,
        item: String,
    },
    #[error("must be {expected} (or whole seconds); `{text}` is not a duration")]
    NotDuration {
        expected: &'static str,
        text: String,
    },
    /// What is wrong with a `match` value.
    #[error("{0}")]
    BadMatch(String),
    /// Why a JSON Schema does not compile.
    #[error("is not a usable JSON Schema: {0}")]
    BadSchema(String),
    /// `detail` is the regex crate's last, most specific line.
    #[error("is not a valid regular expression: `{pattern}`: {detail}")]
    BadRegex { pattern: String, detail: String },
}

/// Why a value cannot be a declared parameter's: its type, or its bounds.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParamError {
    #[error("`{name}` {error}")]
    Value { name: String, error: ValueError },
    #[error("`{name}` must be at least {min} (got {value})")]
    BelowMin {
        name: String,
        min: String,
        value: String,
    },
    #[error("`{name}` must be at most {max} (got {value})")]
    AboveMax {
        name: String,
        max: String,
        value: String,
    },
    #[error("`{name}` must be one of {values} (got {value})")]
    NotAChoice {
        name: String,
        values: String,
        value: String,
    },
}

/// Compile a regex parameter.
fn compile(pattern: &str) -> Result<regex::Regex, ValueError> {
    regex::Regex::new(pattern).map_err(|e| {
        let detail = e.to_string();
        ValueError::BadRegex {
            pattern: pattern.to_string(),
            detail: detail.lines().last().unwrap_or_default().trim().to_string(),
        }
    })
}

/// A Prometheus duration (`0`, or units from `y` down to `ms` in descending order, as in
/// `1h30m`); bare numbers other than `0` are not durations.
pub fn parse_duration(text: &str) -> Option<Duration> {
    crate::model::alerts::prom_duration(text).map(Duration::from_millis)
}

/// A duration as Prometheus writes it (`5m`, `1h30m`).
pub fn format_duration(d: Duration) -> String {
    promql_parser::util::display_duration(&d)
}

/// A validated parameter value.
#[derive(Debug, Clone)]
pub enum ParamValue {
    Int(i64),
    Float(f64),
    Bool(bool),
    Str(String),
    List(Vec<String>),
    Duration(Duration),
    Regex(regex::Regex),
    RegexList(Vec<regex::Regex>),
    Match(super::resource_match::ResourceMatch),
    /// A JSON Schema.
    Json(Value),
}

impl ParamValue {
    /// The value as shown in docs and config files (YAML flow syntax).
    pub fn to_yaml(&self) -> String {
        let quoted = |items: Vec<&str>| {
            let items: Vec<String> = items.iter().map(|s| format!("{s:?}")).collect();
            format!("[{}]", items.join(", "))
        };
        match self {
            ParamValue::Str(s) => format!("{s:?}"),
            ParamValue::Regex(r) => format!("{:?}", r.as_str()),
            ParamValue::List(l) => quoted(l.iter().map(String::as_str).collect()),
            ParamValue::RegexList(l) => quoted(l.iter().map(regex::Regex::as_str).collect()),
            ParamValue::Match(m) => m.to_json().to_string(),
            ParamValue::Json(v) => v.to_string(),
            other => other.to_string(),
        }
    }

    /// The value as JSON, as a user would write it.
    pub fn to_json(&self) -> Value {
        match self {
            ParamValue::Int(i) => json!(i),
            ParamValue::Float(f) => json!(f),
            ParamValue::Bool(b) => json!(b),
            ParamValue::Str(s) => json!(s),
            ParamValue::List(l) => json!(l),
            ParamValue::Duration(d) => json!(format_duration(*d)),
            ParamValue::Regex(r) => json!(r.as_str()),
            ParamValue::RegexList(l) => {
                json!(l.iter().map(regex::Regex::as_str).collect::<Vec<_>>())
            }
            ParamValue::Match(m) => m.to_json(),
            ParamValue::Json(v) => v.clone(),
        }
    }

    /// The value as checks deserialize it: durations and regexes are tagged so that only
    /// fields of [`ParamDuration`] and [`ParamRegex`] accept them.
    fn to_check_json(&self) -> Value {
        let regex = |r: &regex::Regex| json!({ "regex": r.as_str() });
        match self {
            ParamValue::Duration(d) => json!({ "duration-ms": d.as_millis() as u64 }),
            ParamValue::Regex(r) => regex(r),
            ParamValue::RegexList(l) => Value::Array(l.iter().map(regex).collect()),
            other => other.to_json(),
        }
    }

    /// An ordering key for bounds (numbers and durations).
    fn magnitude(&self) -> Option<f64> {
        match self {
            ParamValue::Int(i) => Some(*i as f64),
            ParamValue::Float(f) => Some(*f),
            ParamValue::Duration(d) => Some(d.as_secs_f64()),
            _ => None,
        }
    }
}

impl std::fmt::Display for ParamValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ParamValue::Int(i) => write!(f, "{i}"),
            ParamValue::Float(x) => write!(f, "{x}"),
            ParamValue::Bool(b) => write!(f, "{b}"),
            ParamValue::Str(s) => write!(f, "{s}"),
            ParamValue::List(l) => write!(f, "{}", l.join(", ")),
            ParamValue::Duration(d) => write!(f, "{}", format_duration(*d)),
            ParamValue::Regex(r) => write!(f, "{}", r.as_str()),
            ParamValue::RegexList(l) => {
                let items: Vec<&str> = l.iter().map(regex::Regex::as_str).collect();
                write!(f, "{}", items.join(", "))
            }
            ParamValue::Match(m) => write!(f, "{}", m.to_json()),
            ParamValue::Json(v) => write!(f, "{v}"),
        }
    }
}

/// A parameter as its rule file declares it.
#[derive(Debug, Clone)]
pub struct ParamDecl {
    pub name: String,
    pub ty: ParamType,
    pub default: ParamValue,
    pub min: Option<ParamValue>,
    pub max: Option<ParamValue>,
    /// The values a `string` parameter may take, when it is a choice.
    pub values: Option<Vec<String>>,
    /// One line for the docs.
    pub description: String,
}

pub const PARAM_KEYS: &[&str] = &["type", "default", "min", "max", "values", "description"];

impl ParamDecl {
    /// Read a YAML value for this parameter: its type, then its bounds.
    pub fn read(&self, n: NodeRef<'_>) -> Result<ParamValue, ParamError> {
        let v = self.ty.read(n).map_err(|error| ParamError::Value {
            name: self.name.clone(),
            error,
        })?;
        self.check_range(&v)?;
        if let (Some(values), ParamValue::Str(s)) = (&self.values, &v) {
            if !values.contains(s) {
                return Err(ParamError::NotAChoice {
                    name: self.name.clone(),
                    values: values.join(", "),
                    value: s.clone(),
                });
            }
        }
        Ok(v)
    }

    fn check_range(&self, v: &ParamValue) -> Result<(), ParamError> {
        let m = v.magnitude();
        if let (Some(min), Some(x)) = (&self.min, m) {
            if min.magnitude().is_some_and(|lo| x < lo) {
                return Err(ParamError::BelowMin {
                    name: self.name.clone(),
                    min: min.to_string(),
                    value: v.to_string(),
                });
            }
        }
        if let (Some(max), Some(x)) = (&self.max, m) {
            if max.magnitude().is_some_and(|hi| x > hi) {
                return Err(ParamError::AboveMax {
                    name: self.name.clone(),
                    max: max.to_string(),
                    value: v.to_string(),
                });
            }
        }
        Ok(())
    }

    /// The bounds as text (`0s to 1h`, `at least 1`, `one of a, b`), if any.
    pub fn range_text(&self) -> Option<String> {
        if let Some(values) = &self.values {
            return Some(format!("one of {}", values.join(", ")));
        }
        match (&self.min, &self.max) {
            (Some(lo), Some(hi)) => Some(format!("{lo} to {hi}")),
            (Some(lo), None) => Some(format!("at least {lo}")),
            (None, Some(hi)) => Some(format!("at most {hi}")),
            (None, None) => None,
        }
    }

    /// Parse a declaration (`type`, `default`, optional `min`/`max`, `description`);
    /// errors come with the span they are about.
    pub fn parse(
        name: &str,
        n: NodeRef<'_>,
    ) -> Result<ParamDecl, (std::ops::Range<usize>, String)> {
        let Some(entries) = n.entries() else {
            return Err((
                n.span(),
                format!("parameter `{name}` must be a mapping of type, default and description"),
            ));
        };
        for (k, v) in entries {
            if !PARAM_KEYS.contains(&k) {
                return Err((
                    v.key_span(),
                    format!(
                        "unknown key `{k}` in parameter `{name}` (expected {})",
                        PARAM_KEYS.join(", ")
                    ),
                ));
            }
        }
        let missing = |key: &str| (n.key_span(), format!("parameter `{name}` needs `{key}`"));
        let ty_node = n.get("type").ok_or_else(|| missing("type"))?;
        let ty = ty_node.as_str().and_then(ParamType::parse).ok_or_else(|| {
            let names: Vec<&str> = ParamType::ALL.iter().map(|t| t.name()).collect();
            (
                ty_node.span(),
                format!("`type` must be one of {}", names.join(", ")),
            )
        })?;
        let description = match n.get("description") {
            Some(d) => d
                .as_str()
                .map(str::trim)
                .filter(|s| !s.is_empty() && !s.contains('\n'))
                .map(str::to_string)
                .ok_or_else(|| {
                    (
                        d.span(),
                        "`description` must be one line of text".to_string(),
                    )
                })?,
            None => return Err(missing("description")),
        };
        let mut decl = ParamDecl {
            name: name.to_string(),
            ty,
            default: ParamValue::Bool(false),
            min: None,
            max: None,
            values: None,
            description,
        };
        if let Some(v) = n.get("values") {
            let items: Option<Vec<String>> = v
                .items()
                .map(|i| i.map(|x| x.as_str().map(str::to_string)).collect())
                .and_then(|x: Option<Vec<String>>| x.filter(|l| !l.is_empty()));
            if ty != ParamType::String || items.is_none() {
                return Err((
                    v.span(),
                    "`values` must be a non-empty list of strings, on a string parameter"
                        .to_string(),
                ));
            }
            decl.values = items;
        }
        for bound in ["min", "max"] {
            let Some(b) = n.get(bound) else { continue };
            if !ty.bounded() {
                return Err((
                    b.key_span(),
                    format!("`{bound}` applies to integer, number and duration parameters only"),
                ));
            }
            let v = ty
                .read(b)
                .map_err(|e| (b.span(), format!("`{bound}` {e}")))?;
            if bound == "min" {
                decl.min = Some(v);
            } else {
                decl.max = Some(v);
            }
        }
        let d = n.get("default").ok_or_else(|| missing("default"))?;
        decl.default = decl
            .read(d)
            .map_err(|e| (d.span(), format!("default: {e}")))?;
        Ok(decl)
    }
}

/// A rule's parameters: declarations in file order and their effective values.
#[derive(Debug, Clone, Default)]
pub struct Params {
    decls: Vec<ParamDecl>,
    values: BTreeMap<String, ParamValue>,
}

impl Params {
    /// Declare a parameter, its default becoming its value.
    pub fn declare(&mut self, decl: ParamDecl) {
        self.values.insert(decl.name.clone(), decl.default.clone());
        self.decls.push(decl);
    }

    pub fn decls(&self) -> &[ParamDecl] {
        &self.decls
    }

    pub fn decl(&self, name: &str) -> Option<&ParamDecl> {
        self.decls.iter().find(|d| d.name == name)
    }

    pub fn is_empty(&self) -> bool {
        self.decls.is_empty()
    }

    /// The effective value of a declared parameter.
    pub fn get(&self, name: &str) -> Option<&ParamValue> {
        self.values.get(name)
    }

    /// Override a declared parameter with a value already read by its declaration.
    pub fn set(&mut self, name: &str, value: ParamValue) {
        if self.decl(name).is_some() {
            self.values.insert(name.to_string(), value);
        }
    }

    /// Every parameter with its effective value, as JSON.
    pub fn values_json(&self) -> Value {
        Value::Object(
            self.values
                .iter()
                .map(|(k, v)| (k.clone(), v.to_json()))
                .collect(),
        )
    }

    /// The parameters as a check's typed struct (`#[serde(rename_all = "kebab-case",
    /// deny_unknown_fields)]`, no defaults). The engine reads each rule's struct when the
    /// rules load, so a declaration that does not match its check never runs.
    pub fn read<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        let map: serde_json::Map<String, Value> = self
            .values
            .iter()
            .map(|(k, v)| (k.clone(), v.to_check_json()))
            .collect();
        serde_json::from_value(Value::Object(map))
    }
}

/// The parameters of a check that has none.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoParams {}

/// A `duration` parameter in a check's parameter struct.
#[derive(Debug, Clone, Copy, serde::Deserialize)]
#[serde(from = "DurationRepr")]
pub struct ParamDuration(pub Duration);

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct DurationRepr {
    duration_ms: u64,
}

impl From<DurationRepr> for ParamDuration {
    fn from(r: DurationRepr) -> Self {
        ParamDuration(Duration::from_millis(r.duration_ms))
    }
}

/// A `regex` parameter (or an item of a `regex-list` one) in a check's parameter struct.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(try_from = "RegexRepr")]
pub struct ParamRegex(pub regex::Regex);

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RegexRepr {
    regex: String,
}

impl TryFrom<RegexRepr> for ParamRegex {
    type Error = regex::Error;
    fn try_from(r: RegexRepr) -> Result<Self, Self::Error> {
        cached_regex(&r.regex).map(ParamRegex)
    }
}

/// A pattern compiled once per process: checks read their typed parameters on every run,
/// and compiling a regex costs more than most checks. Patterns come from rule files and
/// the config, so the cache stays small.
pub fn cached_regex(pattern: &str) -> Result<regex::Regex, regex::Error> {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    static COMPILED: OnceLock<Mutex<HashMap<String, regex::Regex>>> = OnceLock::new();
    let cache = COMPILED.get_or_init(Default::default);
    if let Some(r) = cache.lock().ok().and_then(|c| c.get(pattern).cloned()) {
        return Ok(r);
    }
    let r = regex::Regex::new(pattern)?;
    if let Ok(mut c) = cache.lock() {
        c.insert(pattern.to_string(), r.clone());
    }
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{yaml, Limits};

    fn decl(text: &str) -> Result<ParamDecl, (std::ops::Range<usize>, String)> {
        let doc = yaml::parse(text, Limits::default());
        let d = doc.documents.into_iter().next().unwrap();
        let root = NodeRef::root(&d).unwrap();
        ParamDecl::parse("p", root)
    }

    #[test]
    fn durations_follow_prometheus() {
        assert_eq!(parse_duration("1h30m"), Some(Duration::from_secs(5400)));
        assert_eq!(parse_duration("0"), Some(Duration::ZERO));
        assert_eq!(parse_duration("0s"), Some(Duration::ZERO));
        assert_eq!(parse_duration("500ms"), Some(Duration::from_millis(500)));
        assert_eq!(parse_duration("5 m"), None);
        assert_eq!(parse_duration("30m1h"), None);
        assert_eq!(parse_duration("10"), None);
        assert_eq!(parse_duration(""), None);
        assert_eq!(format_duration(Duration::from_secs(5400)), "1h30m");
    }

    #[test]
    fn declarations_validate_their_default() {
        let d = decl("{type: duration, default: 5m, min: 0s, max: 1h, description: x}").unwrap();
        assert_eq!(d.default.to_string(), "5m");
        assert_eq!(d.range_text().as_deref(), Some("0s to 1h"));
        let secs = decl("{type: duration, default: 300, description: x}").unwrap();
        assert_eq!(secs.default.to_string(), "5m");
        for (text, needle) in [
            (
                "{type: duration, default: 2h, max: 1h, description: x}",
                "at most 1h",
            ),
            (
                "{type: duration, default: 5 min, description: x}",
                "`5 min` is not a duration",
            ),
            (
                "{type: integer, default: abc, description: x}",
                "must be a whole number (got string `abc`)",
            ),
            (
                "{type: integer, default: 0, min: 1, description: x}",
                "at least 1",
            ),
            (
                "{type: regex, default: '(a', description: x}",
                "not a valid regular expression",
            ),
            (
                "{type: regex-list, default: [a, '[b'], description: x}",
                "`[b`",
            ),
            (
                "{type: string, default: a, min: 1, description: x}",
                "applies to integer",
            ),
            (
                "{type: float, default: 1, description: x}",
                "must be one of",
            ),
            ("{type: integer, default: 1}", "needs `description`"),
            (
                "{type: integer, default: 1, descr: x, description: x}",
                "unknown key `descr`",
            ),
        ] {
            let (_, err) = decl(text).unwrap_err();
            assert!(err.contains(needle), "{text}: {err}");
        }
        let l = decl("{type: string-list, default: [a, b], description: x}").unwrap();
        assert_eq!(l.default.to_yaml(), "[\"a\", \"b\"]");
        let l = decl("{type: string-list, default: 'a, b,', description: x}").unwrap();
        assert_eq!(l.default.to_yaml(), "[\"a\", \"b\"]");
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(rename_all = "kebab-case", deny_unknown_fields)]
    struct Typed {
        window: ParamDuration,
        pattern: ParamRegex,
        names: Vec<String>,
        patterns: Vec<ParamRegex>,
    }

    #[test]
    fn checks_read_typed_structs_strictly() {
        let mut p = Params::default();
        for (name, text) in [
            ("window", "{type: duration, default: 5m, description: x}"),
            ("pattern", "{type: regex, default: '^a', description: x}"),
            ("names", "{type: string-list, default: [a], description: x}"),
            (
                "patterns",
                "{type: regex-list, default: [a, b], description: x}",
            ),
        ] {
            let mut d = decl(text).unwrap();
            d.name = name.to_string();
            p.declare(d);
        }
        let t: Typed = p.read().unwrap();
        assert_eq!(t.window.0, Duration::from_secs(300));
        assert!(t.pattern.0.is_match("abc"));
        assert_eq!(t.names, ["a"]);
        assert_eq!(t.patterns.len(), 2);
        // A missing, extra or differently typed parameter does not read.
        assert!(p.read::<NoParams>().is_err());
        #[derive(Debug, serde::Deserialize)]
        #[serde(rename_all = "kebab-case", deny_unknown_fields)]
        #[allow(dead_code)]
        struct WrongType {
            window: u64,
            pattern: ParamRegex,
            names: Vec<String>,
            patterns: Vec<ParamRegex>,
        }
        assert!(p.read::<WrongType>().is_err());
    }
}
