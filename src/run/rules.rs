//! The commands about the rules themselves: `rules`, `explain`, `init` and `docs`.

use super::{write_file, write_out, RunError};
use crate::cli::RulesFormat;
use crate::engine::{self, ConfigChoice, ToolError};
use crate::rule::{docs, registry, RuleDef};
use std::path::Path;

fn builtin() -> Result<Vec<RuleDef>, RunError> {
    Ok(engine::configured_rules(&ConfigChoice::None)?.0)
}

/// `skinflint rules`: every rule with its category, severity and title.
pub fn list(format: RulesFormat) -> Result<u8, RunError> {
    let rules = builtin()?;
    let text = match format {
        RulesFormat::Json => {
            let list: Vec<serde_json::Value> = rules
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "id": r.id, "title": r.title, "severity": r.severity,
                        "gpu_severity": r.gpu_severity, "category": r.category,
                        "check": r.check, "params": docs::params_json(r),
                    })
                })
                .collect();
            super::json_line(&list)
        }
        RulesFormat::Human => {
            let width = rules.iter().map(|r| r.id.len()).max().unwrap_or(10);
            let mut s = String::new();
            for r in &rules {
                let sev = match r.gpu_severity {
                    Some(g) if g != r.severity => {
                        format!("{} ({} on GPU pools)", r.severity.as_str(), g.as_str())
                    }
                    _ => r.severity.as_str().to_string(),
                };
                s.push_str(&format!(
                    "{:width$}  {:<8} {:<12} {}\n",
                    r.id, r.category, sev, r.title
                ));
            }
            s
        }
    };
    write_out(&text)?;
    Ok(0)
}

/// `skinflint explain ID`: the rule's documentation with its two fixtures.
pub fn explain(id: &str) -> Result<u8, RunError> {
    let rules = builtin()?;
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
    if let Some((bad, good)) = registry::fixtures(id) {
        s.push_str(&format!("\nExample that fires (fixtures/{id}/bad.yaml)\n\n{}\nExample that passes (fixtures/{id}/good.yaml)\n\n{}", indent(bad), indent(good)));
    }
    write_out(&s)?;
    Ok(0)
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
