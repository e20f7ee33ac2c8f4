//! The `match` parameter of the policy checks: which resources a custom rule applies to,
//! by apiVersion/Kind, namespace and labels.

use crate::model::Resource;
use crate::source::NodeRef;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// Resources a rule applies to. Every given condition must hold.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResourceMatch {
    /// `group/version/Kind` (`apps/v1/Deployment`), `version/Kind` for the core group
    /// (`v1/Pod`); `*` stands for any group or version (`karpenter.sh/*/NodePool`).
    pub kinds: Vec<String>,
    /// Namespaces (a resource without one is in `default`); any when empty.
    #[serde(default)]
    pub namespaces: Vec<String>,
    /// Labels the resource must carry with these values.
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
}

pub const MATCH_KEYS: &[&str] = &["kinds", "namespaces", "labels"];

impl ResourceMatch {
    /// Read a `match` value; the error completes "`match` …".
    pub fn read(n: NodeRef<'_>) -> Result<ResourceMatch, String> {
        let Some(entries) = n.entries() else {
            return Err(
                "must be a mapping with `kinds` (and optional `namespaces`, `labels`)".into(),
            );
        };
        let strings = |v: NodeRef<'_>, what: &str| -> Result<Vec<String>, String> {
            v.items()
                .ok_or_else(|| format!("`{what}` must be a list of strings"))?
                .map(|i| {
                    i.as_str()
                        .map(str::to_string)
                        .ok_or_else(|| format!("`{what}` must be a list of strings"))
                })
                .collect()
        };
        let mut m = ResourceMatch {
            kinds: Vec::new(),
            namespaces: Vec::new(),
            labels: BTreeMap::new(),
        };
        for (k, v) in entries {
            match k {
                "kinds" => m.kinds = strings(v, "kinds")?,
                "namespaces" => m.namespaces = strings(v, "namespaces")?,
                "labels" => {
                    for (lk, lv) in v
                        .entries()
                        .ok_or("`labels` must be a mapping of label to value")?
                    {
                        let value = lv
                            .scalar()
                            .map(|s| s.0.to_string())
                            .ok_or("`labels` must be a mapping of label to value")?;
                        m.labels.insert(lk.to_string(), value);
                    }
                }
                other => {
                    return Err(format!(
                        "has an unknown key `{other}` (expected {})",
                        MATCH_KEYS.join(", ")
                    ))
                }
            }
        }
        if m.kinds.is_empty() {
            return Err("needs `kinds`: a list such as [apps/v1/Deployment]".into());
        }
        if let Some(bad) = m.kinds.iter().find(|k| split_kind(k).is_none()) {
            return Err(format!(
                "kind `{bad}` must be written apiVersion/Kind, such as apps/v1/Deployment or v1/Pod"
            ));
        }
        Ok(m)
    }

    pub fn to_json(&self) -> Value {
        let mut v = json!({ "kinds": self.kinds });
        if !self.namespaces.is_empty() {
            v["namespaces"] = json!(self.namespaces);
        }
        if !self.labels.is_empty() {
            v["labels"] = json!(self.labels);
        }
        v
    }

    /// Whether the rule applies to `r`.
    pub fn matches(&self, r: &Resource<'_>) -> bool {
        let kind_ok = self.kinds.iter().any(|k| {
            split_kind(k).is_some_and(|(api, kind)| {
                kind == r.id.kind && same_segments(api, &r.id.api_version)
            })
        });
        if !kind_ok {
            return false;
        }
        if !self.namespaces.is_empty() {
            let ns = r.id.namespace.as_deref().unwrap_or("default");
            if !self.namespaces.iter().any(|n| n == ns) {
                return false;
            }
        }
        let labels = r.root.path(&["metadata", "labels"]);
        self.labels.iter().all(|(k, v)| {
            labels
                .and_then(|l| l.get(k))
                .and_then(|n| n.scalar())
                .is_some_and(|(text, _)| text == v)
        })
    }
}

/// `apps/v1/Deployment` into (`apps/v1`, `Deployment`).
fn split_kind(k: &str) -> Option<(&str, &str)> {
    let (api, kind) = k.rsplit_once('/')?;
    let parts = api.split('/').count();
    (!api.is_empty() && !kind.is_empty() && parts <= 2 && !api.split('/').any(str::is_empty))
        .then_some((api, kind))
}

/// `apps/v1` against an apiVersion, `*` matching any one segment.
fn same_segments(pattern: &str, api_version: &str) -> bool {
    let p: Vec<&str> = pattern.split('/').collect();
    let a: Vec<&str> = api_version.split('/').collect();
    p.len() == a.len() && p.iter().zip(&a).all(|(p, a)| *p == "*" || p == a)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_api_version_and_kind() {
        assert_eq!(
            split_kind("apps/v1/Deployment"),
            Some(("apps/v1", "Deployment"))
        );
        assert_eq!(split_kind("v1/Pod"), Some(("v1", "Pod")));
        assert_eq!(split_kind("Deployment"), None);
        assert_eq!(split_kind("a/b/c/D"), None);
        assert!(same_segments("karpenter.sh/*", "karpenter.sh/v1beta1"));
        assert!(!same_segments("karpenter.sh/*", "v1"));
    }
}
