//! `.skinflint.yaml`: per-rule switches, severities and parameters layered over the
//! built-in defaults. Unknown keys, rule ids and parameters are errors with a location.

use super::finding::Severity;
use super::located::{LocatedError, SettingsFile};
use super::params::ParamValue;
use super::rule::RuleDef;
use crate::catalog::names;
use std::path::{Path, PathBuf};

pub const CONFIG_FILE: &str = ".skinflint.yaml";

/// Find `.skinflint.yaml` in `start` or the nearest parent directory.
pub fn find_config(start: &Path) -> Option<PathBuf> {
    let mut dir = Some(start);
    while let Some(d) = dir {
        let candidate = d.join(CONFIG_FILE);
        if candidate.is_file() {
            return Some(candidate);
        }
        dir = d.parent();
    }
    None
}

/// The user's settings, validated against the rules.
#[derive(Debug, Clone, Default)]
pub struct Config {
    pub path: Option<String>,
    pub fail_on: Option<String>,
}

/// Read a config file and apply it to `rules` in place.
pub fn load_and_apply(path: &Path, rules: &mut [RuleDef]) -> Result<Config, LocatedError> {
    let display = path.to_string_lossy().into_owned();
    let text = std::fs::read_to_string(path).map_err(|e| LocatedError {
        path: display.clone(),
        line: 1,
        column: 1,
        message: format!("cannot read config: {e}"),
    })?;
    apply_text(&display, &text, rules)
}

/// Parse config text and apply it to `rules` in place.
pub fn apply_text(path: &str, text: &str, rules: &mut [RuleDef]) -> Result<Config, LocatedError> {
    let sf = SettingsFile::parse(path, text)?;
    let mut config = Config {
        path: Some(path.to_string()),
        fail_on: None,
    };
    let Some(root) = sf.root() else {
        return Ok(config);
    };
    let Some(entries) = root.entries() else {
        if root.value() == Some(crate::source::scalar::Scalar::Null) {
            return Ok(config);
        }
        return Err(sf.error_at(root.span(), "the config must be a mapping"));
    };
    for (key, value) in entries {
        match key {
            "fail-on" => {
                let v = value.as_str().unwrap_or_default();
                if !matches!(v, "error" | "warning" | "info" | "never") {
                    return Err(sf.error_at(
                        value.span(),
                        "`fail-on` must be error, warning, info or never",
                    ));
                }
                config.fail_on = Some(v.to_string());
            }
            "rules" => {
                let Some(rule_entries) = value.entries() else {
                    if value.value() == Some(crate::source::scalar::Scalar::Null) {
                        continue;
                    }
                    return Err(sf.error_at(
                        value.span(),
                        "`rules` must be a mapping of rule id to settings",
                    ));
                };
                for (id, settings) in rule_entries {
                    let Some(rule) = rules.iter_mut().find(|r| r.id == id) else {
                        return Err(sf.error_at(settings.key_span(), unknown_rule_message(id)));
                    };
                    apply_rule(&sf, rule, settings)?;
                }
            }
            other => {
                return Err(sf.error_at(
                    value.key_span(),
                    format!("unknown key `{other}` (expected `rules` or `fail-on`)"),
                ))
            }
        }
    }
    Ok(config)
}

fn unknown_rule_message(id: &str) -> String {
    let known: Vec<String> = crate::engine::registry::builtin_rules()
        .map(|r| r.into_iter().map(|r| r.id).collect())
        .unwrap_or_default();
    let mut best: Option<(usize, &String)> = None;
    for k in &known {
        let d = names::edit_distance(id, k);
        if best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, k));
        }
    }
    match best {
        Some((d, k)) if d <= id.len() / 3 + 1 => {
            format!("unknown rule id `{id}` (did you mean `{k}`?)")
        }
        _ => format!("unknown rule id `{id}` (`skinflint rules` lists them)"),
    }
}

fn apply_rule(
    sf: &SettingsFile,
    rule: &mut RuleDef,
    settings: crate::source::NodeRef<'_>,
) -> Result<(), LocatedError> {
    // Shorthand: `rule-id: off` / `false` disables, `on` / `true` enables.
    if let Some(v) = settings.value() {
        use crate::source::scalar::Scalar;
        match v {
            Scalar::Bool(b) => {
                rule.enabled = b;
                return Ok(());
            }
            Scalar::Str(s) if Severity::parse(s).is_some() => {
                rule.severity = Severity::parse(s).unwrap_or(rule.severity);
                rule.gpu_severity = None;
                return Ok(());
            }
            _ => {
                return Err(sf.error_at(
                    settings.span(),
                    "rule settings must be a mapping, `off`, or a severity",
                ))
            }
        }
    }
    let Some(entries) = settings.entries() else {
        return Err(sf.error_at(settings.span(), "rule settings must be a mapping"));
    };
    let mut gpu_set = false;
    for (key, value) in entries {
        match key {
            "enabled" => match value.value() {
                Some(crate::source::scalar::Scalar::Bool(b)) => rule.enabled = b,
                _ => return Err(sf.error_at(value.span(), "`enabled` must be true or false")),
            },
            "severity" | "gpu-severity" => {
                let sev = value.as_str().and_then(Severity::parse).ok_or_else(|| {
                    sf.error_at(
                        value.span(),
                        format!("`{key}` must be error, warning or info"),
                    )
                })?;
                if key == "severity" {
                    rule.severity = sev;
                } else {
                    rule.gpu_severity = Some(sev);
                    gpu_set = true;
                }
            }
            "params" => {
                let Some(params) = value.entries() else {
                    return Err(sf.error_at(value.span(), "`params` must be a mapping"));
                };
                for (name, v) in params {
                    let Some(default) = rule.params.0.get(name) else {
                        let known: Vec<&str> = rule.params.0.keys().map(|s| s.as_str()).collect();
                        return Err(sf.error_at(
                            v.key_span(),
                            if known.is_empty() {
                                format!(
                                    "unknown parameter `{name}`: rule `{}` has no parameters",
                                    rule.id
                                )
                            } else {
                                format!(
                                    "unknown parameter `{name}` for rule `{}` (known: {})",
                                    rule.id,
                                    known.join(", ")
                                )
                            },
                        ));
                    };
                    let given = ParamValue::from_node(v)
                        .filter(|g| default.same_type(g))
                        .ok_or_else(|| {
                            sf.error_at(
                                v.span(),
                                format!("`{name}` must be a {}", default.type_name()),
                            )
                        })?;
                    rule.params.0.insert(name.to_string(), given);
                }
            }
            other => {
                return Err(sf.error_at(
                    value.key_span(),
                    format!(
                    "unknown key `{other}` (expected enabled, severity, gpu-severity or params)"
                ),
                ))
            }
        }
    }
    // A severity set without a GPU severity applies to every finding of the rule.
    if !gpu_set && settings.get("severity").is_some() {
        rule.gpu_severity = None;
    }
    Ok(())
}
