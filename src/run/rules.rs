//! The commands about the rules themselves: `rules`, `explain`, `init` and `docs`.

use super::{write_file, write_out, RunError};
use crate::cli::RulesFormat;
use crate::engine::{self, ConfigChoice, ToolError};
use crate::rule::{docs, fixture_profile, registry, RuleDef};
use std::path::{Path, PathBuf};

fn builtin() -> Result<Vec<RuleDef>, RunError> {
    Ok(engine::configured_rules(&ConfigChoice::None, &[])?.0)
}

/// The built-in rules and the custom rules of `dirs`, with their defaults.
fn with_custom(dirs: &[PathBuf]) -> Result<Vec<RuleDef>, RunError> {
    Ok(engine::configured_rules(&ConfigChoice::None, dirs)?.0)
}

/// `skinflint rules`: every rule with its category, severity and title.
pub fn list(format: RulesFormat, dirs: &[PathBuf]) -> Result<u8, RunError> {
    let rules = with_custom(dirs)?;
    let text = match format {
        RulesFormat::Json => {
            let list: Vec<serde_json::Value> = rules
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "id": r.id, "title": r.title, "severity": r.severity,
                        "gpu_severity": r.gpu_severity, "category": r.category,
                        "check": r.check, "params": docs::params_json(r),
                        "custom": r.custom, "source": r.source,
                    })
                })
                .collect();
            super::json_line(&list)
        }
        RulesFormat::Human => table(&rules),
    };
    write_out(&text)?;
    Ok(0)
}

/// `skinflint explain ID`: the rule's documentation with its two fixtures.
pub fn explain(id: &str, dirs: &[PathBuf]) -> Result<u8, RunError> {
    let rules = with_custom(dirs)?;
    let Some(r) = rules.iter().find(|r| r.id == id) else {
        return Err(ToolError::UnknownRule(id.to_string()).into());
    };
    let mut s = format!("{}: {}\n\n", r.id, r.title);
    s.push_str(&format!("Severity: {}", r.severity.as_str()));
    if let Some(g) = r.gpu_severity {
        s.push_str(&format!(" ({} for GPU capacity)", g.as_str()));
    }
    s.push_str(&format!(
        "   Category: {}   Declared in: {}\n",
        r.category, r.source
    ));
    s.push_str(&docs::explain_params(r));
    s.push_str(&format!(
        "\nWhat it flags\n  {}\n\nWhy it costs money\n  {}\n\nHow to fix\n  {}\n",
        r.docs.what, r.docs.why, r.docs.fix
    ));
    if let Some((bad, good)) = registry::fixtures(id).filter(|_| !r.custom) {
        s.push_str(&example(id, "bad.yaml", "Example that fires", bad));
        s.push_str(&example(id, "good.yaml", "Example that passes", good));
    }
    write_out(&s)?;
    Ok(0)
}

/// One aligned line per rule: id, category, severity, title; each column as wide as its
/// widest entry.
fn table(rules: &[RuleDef]) -> String {
    let rows: Vec<[String; 4]> = rules
        .iter()
        .map(|r| {
            let sev = match r.gpu_severity {
                Some(g) if g != r.severity => {
                    format!("{} ({} on GPU pools)", r.severity.as_str(), g.as_str())
                }
                _ => r.severity.as_str().to_string(),
            };
            [r.id.clone(), r.category.clone(), sev, r.title.clone()]
        })
        .collect();
    let width = |c: usize| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0);
    let (w0, w1, w2) = (width(0), width(1), width(2));
    rows.iter()
        .map(|[id, cat, sev, title]| format!("{id:w0$}  {cat:w1$}  {sev:w2$}  {title}\n"))
        .collect()
}

/// A fixture shown as an example, without its test markers, with the profiles it is
/// replayed with (profile rules fire only on a recorded profile).
fn example(id: &str, file: &str, heading: &str, text: &str) -> String {
    let mut s = format!(
        "\n{heading} (fixtures/{id}/{file})\n\n{}",
        indent(&docs::example_text(text))
    );
    let specs = registry::fixture_profiles(id, file)
        .map(fixture_profile::ProfileSpec::parse_all)
        .transpose()
        .unwrap_or_default()
        .unwrap_or_default();
    if !specs.is_empty() {
        let stem = file.trim_end_matches(".yaml");
        let what = if specs.len() == 1 {
            "this profile"
        } else {
            "these profiles"
        };
        let args: String = specs
            .iter()
            .enumerate()
            .map(|(i, p)| format!(" --profile {}=profile-{i}.csv", p.workload))
            .collect();
        s.push_str(&format!(
            "\n  Replayed with {what} (described in fixtures/{id}/{stem}.profiles; run as `skinflint check {file}{args}`):\n"
        ));
        for p in &specs {
            s.push_str(&format!("    {}\n", p.describe()));
        }
    }
    s
}

fn indent(text: &str) -> String {
    text.lines().map(|l| format!("    {l}\n")).collect()
}

/// `skinflint init`: a commented `.skinflint.yaml` listing every rule.
pub fn init(path: &Path, force: bool) -> Result<u8, RunError> {
    if path.exists() && !force {
        return Err(RunError::Usage(format!(
            "{} already exists (use --force to overwrite)",
            path.display()
        )));
    }
    let rules = builtin()?;
    write_file(path, &docs::init_config(&rules))?;
    eprintln!(
        "skinflint: wrote {} with all {} rules",
        path.display(),
        rules.len()
    );
    Ok(0)
}

/// `skinflint docs`: regenerate (or with `check`, compare) the rule reference and the
/// config schema in a skinflint checkout.
pub fn docs(check: bool) -> Result<u8, RunError> {
    let rules = builtin()?;
    let files = [
        (docs::RULES_README, docs::rules_readme(&rules)),
        (docs::CONFIG_SCHEMA, docs::config_schema_text(&rules)),
    ];
    if !Path::new("rules").is_dir() {
        return Err(RunError::Usage(
            "run `skinflint docs` from the root of a skinflint checkout".to_string(),
        ));
    }
    let mut stale = Vec::new();
    for (path, text) in &files {
        if std::fs::read_to_string(path).ok().as_deref() != Some(text.as_str()) {
            stale.push(*path);
            if !check {
                write_file(Path::new(path), text)?;
            }
        }
    }
    if check && !stale.is_empty() {
        eprintln!(
            "skinflint: out of date: {} (run `skinflint docs`)",
            stale.join(", ")
        );
        return Ok(1);
    }
    if !check {
        eprintln!("skinflint: {} file(s) rewritten", stale.len());
    }
    Ok(0)
}
