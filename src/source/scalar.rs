//! Scalars read the way Kubernetes reads them: YAML 1.1 as go-yaml v2 resolves plain
//! scalars (`yes`/`on` are booleans, `0644` is octal). Quoted and block scalars are strings.

use super::yaml::Style;

#[derive(Debug, Clone, PartialEq)]
pub enum Scalar<'a> {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(&'a str),
}

impl Scalar<'_> {
    /// A number as f64, for integers and floats.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Scalar::Int(i) => Some(*i as f64),
            Scalar::Float(f) => Some(*f),
            _ => None,
        }
    }

    pub fn type_name(&self) -> &'static str {
        match self {
            Scalar::Null => "null",
            Scalar::Bool(_) => "boolean",
            Scalar::Int(_) => "integer",
            Scalar::Float(_) => "number",
            Scalar::Str(_) => "string",
        }
    }
}

/// Resolve a scalar's text with its style and explicit tag.
pub fn resolve<'a>(text: &'a str, style: Style, tag: Option<&str>) -> Scalar<'a> {
    if let Some(tag) = tag {
        let suffix = tag.rsplit(':').next().unwrap_or(tag);
        match suffix {
            "str" => return Scalar::Str(text),
            "int" => {
                return parse_int(text)
                    .map(Scalar::Int)
                    .unwrap_or(Scalar::Str(text))
            }
            "bool" => {
                return parse_bool(text)
                    .map(Scalar::Bool)
                    .unwrap_or(Scalar::Str(text))
            }
            "float" => {
                return parse_float(text)
                    .map(Scalar::Float)
                    .unwrap_or(Scalar::Str(text))
            }
            "null" => return Scalar::Null,
            _ => {}
        }
    }
    if style != Style::Plain {
        return Scalar::Str(text);
    }
    if matches!(text, "" | "~" | "null" | "Null" | "NULL") {
        return Scalar::Null;
    }
    if let Some(b) = parse_bool(text) {
        return Scalar::Bool(b);
    }
    if let Some(i) = parse_int(text) {
        return Scalar::Int(i);
    }
    if let Some(f) = parse_float(text) {
        return Scalar::Float(f);
    }
    Scalar::Str(text)
}

fn parse_bool(t: &str) -> Option<bool> {
    match t {
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            Some(true)
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            Some(false)
        }
        _ => None,
    }
}

fn parse_int(t: &str) -> Option<i64> {
    let (neg, body) = match t.as_bytes().first()? {
        b'-' => (true, &t[1..]),
        b'+' => (false, &t[1..]),
        _ => (false, t),
    };
    if body.is_empty() {
        return None;
    }
    let clean: String = body.chars().filter(|c| *c != '_').collect();
    if clean.is_empty() {
        return None;
    }
    let v = if let Some(b) = clean.strip_prefix("0b") {
        i64::from_str_radix(b, 2).ok()?
    } else if let Some(h) = clean.strip_prefix("0x") {
        i64::from_str_radix(h, 16).ok()?
    } else if clean.len() > 1 && clean.starts_with('0') {
        i64::from_str_radix(&clean[1..], 8).ok()?
    } else if clean.bytes().all(|b| b.is_ascii_digit()) {
        clean.parse().ok()?
    } else {
        return None;
    };
    Some(if neg { -v } else { v })
}

fn parse_float(t: &str) -> Option<f64> {
    match t {
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => return Some(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => return Some(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Some(f64::NAN),
        _ => {}
    }
    let clean: String = t.chars().filter(|c| *c != '_').collect();
    let ok = clean
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'))
        && clean.bytes().any(|b| b.is_ascii_digit());
    if !ok {
        return None;
    }
    clean.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_1_1_semantics() {
        assert_eq!(resolve("0644", Style::Plain, None), Scalar::Int(420));
        assert_eq!(resolve("yes", Style::Plain, None), Scalar::Bool(true));
        assert_eq!(resolve("on", Style::Quoted, None), Scalar::Str("on"));
        assert_eq!(resolve("1_000", Style::Plain, None), Scalar::Int(1000));
        assert_eq!(resolve("1.5", Style::Plain, None), Scalar::Float(1.5));
        assert_eq!(resolve("~", Style::Plain, None), Scalar::Null);
        assert_eq!(resolve("4000Gi", Style::Plain, None), Scalar::Str("4000Gi"));
        assert_eq!(
            resolve("42", Style::Plain, Some("tag:yaml.org,2002:str")),
            Scalar::Str("42")
        );
    }
}
