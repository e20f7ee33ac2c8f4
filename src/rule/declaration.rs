//! Rule declarations: the policy a user reads, configures and suppresses. One YAML file
//! per rule under `rules/<domain>/`, embedded at build time; the check it names is Rust.

use super::finding::Severity;
use super::located::{LocatedError, SettingsFile};
use super::params::{ParamDecl, Params};

/// A rule's documentation, with fixed headings.
#[derive(Debug, Clone, Default)]
pub struct Docs {
    /// What the rule flags.
    pub what: String,
    /// Why it costs money.
    pub why: String,
    /// How to fix it.
    pub fix: String,
}

#[derive(Debug, Clone)]
pub struct RuleDef {
    pub id: String,
    pub title: String,
    pub severity: Severity,
    /// Severity for findings about GPU or accelerator capacity, when it differs.
    pub gpu_severity: Option<Severity>,
    pub category: String,
    /// The check that evaluates the rule: the rule's own id unless the file names another
    /// (several rules may share one check with different parameters).
    pub check: String,
    pub params: Params,
    pub docs: Docs,
    /// Path of the declaration inside the repository (`rules/karpenter/….yaml`).
    pub source: String,
    pub enabled: bool,
    /// Declared in a team's rules directory rather than built in.
    pub custom: bool,
}

pub const RULE_KEYS: &[&str] = &[
    "id",
    "title",
    "severity",
    "gpu-severity",
    "category",
    "check",
    "params",
    "docs",
];
pub const CATEGORIES: &[&str] = &["cost", "correctness", "reliability", "hygiene"];

impl RuleDef {
    /// Parse a rule declaration; unknown keys and missing fields are errors.
    pub fn parse(path: &str, text: &str) -> Result<RuleDef, LocatedError> {
        let sf = SettingsFile::parse(path, text)?;
        let root = sf
            .root()
            .filter(|r| r.is_map())
            .ok_or_else(|| sf.error_at(0..0, "a rule file must be a mapping"))?;
        for (k, v) in root.entries().into_iter().flatten() {
            if !RULE_KEYS.contains(&k) {
                return Err(sf.error_at(v.key_span(), format!("unknown key `{k}` in rule file")));
            }
        }
        let text_of = |key: &str| -> Result<String, LocatedError> {
            match root.get(key) {
                Some(n) => n
                    .as_str()
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .ok_or_else(|| {
                        sf.error_at(n.span(), format!("`{key}` must be a non-empty string"))
                    }),
                None => Err(sf.error_at(0..0, format!("missing `{key}`"))),
            }
        };
        let severity_of = |key: &str| -> Result<Option<Severity>, LocatedError> {
            match root.get(key) {
                None => Ok(None),
                Some(n) => n
                    .as_str()
                    .and_then(Severity::parse)
                    .map(Some)
                    .ok_or_else(|| {
                        sf.error_at(n.span(), format!("`{key}` must be error, warning or info"))
                    }),
            }
        };
        let id = text_of("id")?;
        let severity =
            severity_of("severity")?.ok_or_else(|| sf.error_at(0..0, "missing `severity`"))?;
        let category = text_of("category")?;
        if !CATEGORIES.contains(&category.as_str()) {
            let n = root.get("category").map(|n| n.span()).unwrap_or(0..0);
            return Err(sf.error_at(
                n,
                format!("`category` must be one of {}", CATEGORIES.join(", ")),
            ));
        }
        let mut params = Params::default();
        if let Some(p) = root.get("params") {
            let entries = p
                .entries()
                .ok_or_else(|| sf.error_at(p.span(), "`params` must be a mapping"))?;
            for (k, v) in entries {
                let decl = ParamDecl::parse(k, v).map_err(|(span, m)| sf.error_at(span, m))?;
                params.declare(decl);
            }
        }
        let docs_node = root
            .get("docs")
            .ok_or_else(|| sf.error_at(0..0, "missing `docs`"))?;
        let doc = |key: &str| -> Result<String, LocatedError> {
            docs_node
                .get(key)
                .and_then(|n| n.as_str())
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .ok_or_else(|| {
                    sf.error_at(
                        docs_node.key_span(),
                        format!("`docs.{key}` is missing or empty"),
                    )
                })
        };
        for (k, v) in docs_node.entries().into_iter().flatten() {
            if !["what", "why", "fix"].contains(&k) {
                return Err(sf.error_at(v.key_span(), format!("unknown key `docs.{k}`")));
            }
        }
        Ok(RuleDef {
            id: id.clone(),
            title: text_of("title")?,
            severity,
            gpu_severity: severity_of("gpu-severity")?,
            category,
            check: match root.get("check") {
                Some(_) => text_of("check")?,
                None => id.clone(),
            },
            params,
            docs: Docs {
                what: doc("what")?,
                why: doc("why")?,
                fix: doc("fix")?,
            },
            source: path.to_string(),
            enabled: true,
            custom: false,
        })
    }

    /// The domain the rule belongs to (its folder under `rules/`; `custom` for a team's).
    pub fn domain(&self) -> &str {
        if self.custom {
            return "custom";
        }
        self.source
            .strip_prefix("rules/")
            .and_then(|s| s.split('/').next())
            .unwrap_or("core")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "id: some-rule\ntitle: T\nseverity: warning\ncategory: cost\n";
    const DOCS: &str = "docs: {what: w, why: y, fix: f}\n";

    fn parse_params(params: &str) -> Result<RuleDef, LocatedError> {
        RuleDef::parse(
            "rules/karpenter/some-rule.yaml",
            &format!("{HEAD}params:\n{params}{DOCS}"),
        )
    }

    #[test]
    fn the_check_defaults_to_the_rule_id() {
        let r = RuleDef::parse("rules/karpenter/some-rule.yaml", &format!("{HEAD}{DOCS}")).unwrap();
        assert_eq!(r.check, "some-rule");
        let shared = RuleDef::parse(
            "rules/karpenter/some-rule.yaml",
            &format!("{HEAD}check: other-rule\n{DOCS}"),
        )
        .unwrap();
        assert_eq!(shared.check, "other-rule");
    }

    #[test]
    fn bad_parameter_declarations_are_located_errors() {
        for (params, line, column, needle) in [
            (
                "  max:\n    type: integer\n    default: lots\n    description: d\n",
                8,
                14,
                "default: `max` must be a whole number (got string `lots`)",
            ),
            (
                "  max:\n    type: duration\n    default: 2h\n    max: 1h\n    description: d\n",
                8,
                14,
                "default: `max` must be at most 1h (got 2h)",
            ),
            (
                "  pattern:\n    type: regex\n    default: \"(a\"\n    description: d\n",
                8,
                14,
                "default: `pattern` is not a valid regular expression: `(a`",
            ),
            (
                "  max:\n    type: duration\n    default: 5m\n    min: soon\n    description: d\n",
                9,
                10,
                "`min` must be a duration",
            ),
            (
                "  max:\n    type: int\n    default: 1\n    description: d\n",
                7,
                11,
                "`type` must be one of integer, number",
            ),
            ("  max: 300\n", 6, 8, "parameter `max` must be a mapping"),
        ] {
            let e = parse_params(params).unwrap_err();
            assert_eq!(
                (e.line, e.column),
                (line, column),
                "{params}: {}",
                e.message
            );
            assert!(e.message.contains(needle), "{params}: {}", e.message);
        }
    }
}
