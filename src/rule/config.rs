//! `.skinflint.yaml`: per-rule switches, severities and parameters layered over the
//! built-in defaults. Unknown keys, rule ids and parameters are errors with a location.

use super::declaration::RuleDef;
use super::finding::Severity;
use super::located::{LocatedError, SettingsFile};
use crate::source::NodeRef;
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
    /// `ignore:` entries.
    pub ignores: Vec<ConfigIgnore>,
    /// The config text, so findings about it (unused ignores) can show it.
    pub text: String,
    /// `profiles:` entries: GPU profile files for named workloads.
    pub profiles: Vec<crate::profile::attach::ProfileInput>,
    /// `clusters:` path globs, validated (see [`super::clusters`]).
    pub clusters: Vec<String>,
    /// `prices:`: the team's own price table, used for every dollar figure.
    pub prices: Option<crate::catalog::prices::PriceTable>,
    /// `rules-dirs:`: directories of custom rule files, relative to the config.
    pub rules_dirs: Vec<PathBuf>,
}

/// One `ignore:` entry: findings it hides, by rule, path glob and resource.
#[derive(Debug, Clone)]
pub struct ConfigIgnore {
    /// Rule ids with their spans; empty means every rule.
    pub rules: Vec<(String, std::ops::Range<usize>)>,
    pub paths: Option<globset::GlobSet>,
    pub kind: Option<String>,
    pub name: Option<globset::GlobMatcher>,
    pub namespace: Option<globset::GlobMatcher>,
    pub reason: String,
    /// The entry's span in the config file.
    pub span: std::ops::Range<usize>,
    /// The directory of the config file, for paths relative to it.
    pub base: Option<PathBuf>,
}

impl ConfigIgnore {
    /// Whether a finding (shown at `path`) falls under this entry (rules aside).
    pub fn matches(&self, f: &super::Finding, path: &str) -> bool {
        if let Some(globs) = &self.paths {
            let shown = path.strip_prefix("./").unwrap_or(path);
            let relative_to_config = self.base.as_ref().and_then(|base| {
                let abs = std::env::current_dir().ok()?.join(shown);
                let abs = abs.canonicalize().unwrap_or(abs);
                let base = base.canonicalize().unwrap_or(base.clone());
                abs.strip_prefix(base).ok().map(|p| p.to_path_buf())
            });
            let hit =
                globs.is_match(shown) || relative_to_config.is_some_and(|p| globs.is_match(p));
            if !hit {
                return false;
            }
        }
        let r = f.resource.as_ref();
        if let Some(kind) = &self.kind {
            if r.is_none_or(|r| &r.kind != kind) {
                return false;
            }
        }
        if let Some(name) = &self.name {
            if r.and_then(|r| r.name.as_deref())
                .is_none_or(|n| !name.is_match(n))
            {
                return false;
            }
        }
        if let Some(ns) = &self.namespace {
            if r.and_then(|r| r.namespace.as_deref())
                .is_none_or(|n| !ns.is_match(n))
            {
                return false;
            }
        }
        true
    }
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
        ignores: Vec::new(),
        text: text.to_string(),
        profiles: Vec::new(),
        clusters: Vec::new(),
        prices: None,
        rules_dirs: Vec::new(),
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
    // Paths in the config are relative to its directory.
    let dir = Path::new(path)
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    for (key, value) in entries {
        match key {
            "fail-on" => config.fail_on = Some(read_fail_on(&sf, value)?),
            "rules" => apply_rules(&sf, value, rules)?,
            "ignore" => config.ignores = read_ignores(&sf, value, rules, &dir)?,
            "profiles" => config.profiles = read_profiles(&sf, value, &dir)?,
            "clusters" => config.clusters = read_clusters(&sf, value)?,
            "prices" => config.prices = Some(read_prices(&sf, value, &dir)?),
            "rules-dirs" => config.rules_dirs = read_rules_dirs(&sf, value, &dir)?,
            other => {
                return Err(sf.error_at(
                    value.key_span(),
                    format!(
                    "unknown key `{other}` (expected `rules`, `rules-dirs`, `ignore`, `profiles`, `clusters`, `prices` or `fail-on`)"
                ),
                ))
            }
        }
    }
    Ok(config)
}

/// The `rules-dirs:` of a config file, read before the rules are configured (its custom
/// rules are among those `rules:` and `ignore:` may name).
pub fn rules_dirs(path: &Path) -> Result<Vec<PathBuf>, LocatedError> {
    let display = path.to_string_lossy().into_owned();
    let Ok(text) = std::fs::read_to_string(path) else {
        // Reported when the config is applied.
        return Ok(Vec::new());
    };
    let sf = SettingsFile::parse(&display, &text)?;
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    match sf.root().and_then(|r| r.get("rules-dirs")) {
        Some(value) => read_rules_dirs(&sf, value, &dir),
        None => Ok(Vec::new()),
    }
}

/// `rules-dirs:`: a list of directories, each relative to the config and present.
fn read_rules_dirs(
    sf: &SettingsFile,
    value: NodeRef<'_>,
    dir: &Path,
) -> Result<Vec<PathBuf>, LocatedError> {
    let Some(items) = value.items() else {
        return Err(sf.error_at(
            value.span(),
            "`rules-dirs` must be a list of directories of rule files, such as [\"policies/\"]",
        ));
    };
    let mut dirs = Vec::new();
    for item in items {
        let Some(d) = item.as_str().filter(|d| !d.is_empty()) else {
            return Err(sf.error_at(item.span(), "a `rules-dirs` entry must be a directory path"));
        };
        let full = dir.join(d);
        if !full.is_dir() {
            return Err(sf.error_at(
                item.span(),
                format!("rules directory `{d}` not found (paths are relative to the config file)"),
            ));
        }
        dirs.push(full);
    }
    Ok(dirs)
}

fn read_fail_on(sf: &SettingsFile, value: NodeRef<'_>) -> Result<String, LocatedError> {
    let v = value.as_str().unwrap_or_default();
    if !matches!(v, "error" | "warning" | "info" | "never") {
        return Err(sf.error_at(
            value.span(),
            "`fail-on` must be error, warning, info or never",
        ));
    }
    Ok(v.to_string())
}

/// `rules:`: each rule's severity, enablement and parameters.
fn apply_rules(
    sf: &SettingsFile,
    value: NodeRef<'_>,
    rules: &mut [RuleDef],
) -> Result<(), LocatedError> {
    let Some(rule_entries) = value.entries() else {
        if value.value() == Some(crate::source::scalar::Scalar::Null) {
            return Ok(());
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
        apply_rule(sf, rule, settings)?;
    }
    Ok(())
}

fn read_ignores(
    sf: &SettingsFile,
    value: NodeRef<'_>,
    rules: &[RuleDef],
    dir: &Path,
) -> Result<Vec<ConfigIgnore>, LocatedError> {
    let Some(items) = value.items() else {
        return Err(sf.error_at(value.span(), "`ignore` must be a list of entries"));
    };
    let base = if dir.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        dir.to_path_buf()
    };
    items
        .map(|item| read_ignore(sf, item, rules, Some(base.clone())))
        .collect()
}

/// `profiles:`: `{path, workload}` entries, each path relative to the config and present.
fn read_profiles(
    sf: &SettingsFile,
    value: NodeRef<'_>,
    dir: &Path,
) -> Result<Vec<crate::profile::attach::ProfileInput>, LocatedError> {
    let Some(items) = value.items() else {
        return Err(sf.error_at(
            value.span(),
            "`profiles` must be a list of {path, workload} entries",
        ));
    };
    let mut profiles = Vec::new();
    for item in items {
        let Some(file) = item.get("path").and_then(|p| p.as_str()) else {
            return Err(sf.error_at(item.span(), "a `profiles` entry needs `path`"));
        };
        for (k, v) in item.entries().into_iter().flatten() {
            if k != "path" && k != "workload" {
                return Err(sf.error_at(
                    v.key_span(),
                    format!("unknown key `{k}` in a `profiles` entry (expected path, workload)"),
                ));
            }
        }
        let full = dir.join(file);
        if !full.is_file() {
            let span = item
                .get("path")
                .map(|p| p.span())
                .unwrap_or_else(|| item.span());
            return Err(sf.error_at(span, format!("profile `{file}` not found")));
        }
        profiles.push(crate::profile::attach::ProfileInput {
            path: full,
            workload: item
                .get("workload")
                .and_then(|w| w.as_str())
                .map(str::to_string),
        });
    }
    Ok(profiles)
}

/// `prices: FILE` or `prices: {file: FILE, label: TEXT}`: the team's price table.
fn read_prices(
    sf: &SettingsFile,
    value: NodeRef<'_>,
    dir: &Path,
) -> Result<crate::catalog::prices::PriceTable, LocatedError> {
    let (file, label) = match value.as_str() {
        Some(f) => (Some((f, value)), None),
        None => (
            value.get("file").and_then(|f| Some((f.as_str()?, f))),
            value.get("label").and_then(|l| l.as_str()),
        ),
    };
    if let Some((k, v)) = value
        .entries()
        .into_iter()
        .flatten()
        .find(|(k, _)| !matches!(*k, "file" | "label"))
    {
        return Err(sf.error_at(
            v.key_span(),
            format!("unknown key `{k}` in `prices` (expected file, label)"),
        ));
    }
    let Some((file, node)) = file else {
        return Err(sf.error_at(
            value.span(),
            "`prices` must be a CSV file path, or {file, label}",
        ));
    };
    let text = std::fs::read_to_string(dir.join(file))
        .map_err(|e| sf.error_at(node.span(), format!("cannot read `{file}`: {e}")))?;
    crate::catalog::prices::PriceTable::parse(&text, label, file)
        .map_err(|e| sf.error_at(node.span(), e.to_string()))
}

/// `clusters:`: a list of path globs, each compiled here so a bad one is an error at its
/// line.
fn read_clusters(
    sf: &SettingsFile,
    value: crate::source::NodeRef<'_>,
) -> Result<Vec<String>, LocatedError> {
    if value.value() == Some(crate::source::scalar::Scalar::Null) {
        return Ok(Vec::new());
    }
    let Some(items) = value.items() else {
        return Err(sf.error_at(
            value.span(),
            "`clusters` must be a list of path globs, such as [\"clusters/*/\"]",
        ));
    };
    let mut globs = Vec::new();
    for item in items {
        let Some(text) = item.as_str() else {
            return Err(sf.error_at(item.span(), "a `clusters` entry must be a path glob"));
        };
        super::clusters::compile(text).map_err(|e| sf.error_at(item.span(), e.to_string()))?;
        globs.push(text.to_string());
    }
    Ok(globs)
}

const IGNORE_KEYS: &[&str] = &["rules", "paths", "kind", "name", "namespace", "reason"];

fn read_ignore(
    sf: &SettingsFile,
    item: crate::source::NodeRef<'_>,
    rules: &[RuleDef],
    base: Option<PathBuf>,
) -> Result<ConfigIgnore, LocatedError> {
    let Some(entries) = item.entries() else {
        return Err(sf.error_at(item.span(), "an `ignore` entry must be a mapping"));
    };
    let glob = |n: crate::source::NodeRef<'_>, what: &str| -> Result<globset::Glob, LocatedError> {
        let text = n
            .scalar()
            .map(|(t, _)| t)
            .ok_or_else(|| sf.error_at(n.span(), format!("`{what}` must be a string")))?;
        let text = text.strip_prefix("./").unwrap_or(text);
        globset::GlobBuilder::new(text)
            .literal_separator(true)
            .build()
            .map_err(|e| sf.error_at(n.span(), format!("invalid glob `{text}`: {e}")))
    };
    fn list(n: crate::source::NodeRef<'_>) -> Vec<crate::source::NodeRef<'_>> {
        match n.items() {
            Some(items) => items.collect(),
            None => vec![n],
        }
    }
    let mut ig = ConfigIgnore {
        rules: Vec::new(),
        paths: None,
        kind: None,
        name: None,
        namespace: None,
        reason: String::new(),
        span: item.span(),
        base,
    };
    for (key, value) in entries {
        match key {
            "rules" => {
                for n in list(value) {
                    let id = n.as_str().unwrap_or_default();
                    if !rules.iter().any(|r| r.id == id) {
                        return Err(sf.error_at(n.span(), unknown_rule_message(id)));
                    }
                    ig.rules.push((id.to_string(), n.span()));
                }
            }
            "paths" => {
                let mut b = globset::GlobSetBuilder::new();
                for n in list(value) {
                    b.add(glob(n, "paths")?);
                }
                ig.paths = Some(
                    b.build()
                        .map_err(|e| sf.error_at(value.span(), e.to_string()))?,
                );
            }
            "kind" => {
                let kind = value.scalar().map(|(t, _)| t.to_string());
                ig.kind = Some(kind.ok_or_else(|| {
                    sf.error_at(value.span(), "`kind` must be a string such as NodePool")
                })?);
            }
            "name" => ig.name = Some(glob(value, "name")?.compile_matcher()),
            "namespace" => ig.namespace = Some(glob(value, "namespace")?.compile_matcher()),
            "reason" => {
                let reason = value.scalar().map(|(t, _)| t.to_string());
                ig.reason =
                    reason.ok_or_else(|| sf.error_at(value.span(), "`reason` must be a string"))?;
            }
            other => {
                return Err(sf.error_at(
                    value.key_span(),
                    format!(
                        "unknown key `{other}` in an `ignore` entry (expected {})",
                        IGNORE_KEYS.join(", ")
                    ),
                ))
            }
        }
    }
    if ig.paths.is_none()
        && ig.kind.is_none()
        && ig.name.is_none()
        && ig.namespace.is_none()
        && ig.rules.is_empty()
    {
        return Err(sf.error_at(item.span(), "an `ignore` entry must name rules, paths or a resource; an empty one would hide everything"));
    }
    Ok(ig)
}

/// "unknown rule id `x`", with the closest rule id when one is close.
pub fn unknown_rule_message(id: &str) -> String {
    let known: Vec<String> = crate::rule::registry::builtin_rules()
        .map(|r| r.into_iter().map(|r| r.id).collect())
        .unwrap_or_default();
    match crate::suggest::did_you_mean(id, known.iter().map(String::as_str)) {
        Some(k) => format!("unknown rule id `{id}` (did you mean `{k}`?)"),
        None => format!("unknown rule id `{id}` (`skinflint rules` lists them)"),
    }
}

fn unknown_param_message(rule: &RuleDef, name: &str) -> String {
    let known: Vec<&str> = rule
        .params
        .decls()
        .iter()
        .map(|d| d.name.as_str())
        .collect();
    if known.is_empty() {
        return format!(
            "unknown parameter `{name}`: rule `{}` has no parameters",
            rule.id
        );
    }
    let hint = match crate::suggest::did_you_mean(name, known.iter().copied()) {
        Some(k) => format!("did you mean `{k}`? "),
        None => String::new(),
    };
    format!(
        "unknown parameter `{name}` for rule `{}` ({hint}known: {})",
        rule.id,
        known.join(", ")
    )
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
                    let Some(decl) = rule.params.decl(name) else {
                        return Err(sf.error_at(v.key_span(), unknown_param_message(rule, name)));
                    };
                    let given = decl
                        .read(v)
                        .map_err(|e| sf.error_at(v.span(), e.to_string()))?;
                    rule.params.set(name, given);
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
