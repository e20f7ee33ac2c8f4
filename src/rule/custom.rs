//! Custom rules: rule files in the built-in format, read from the directories a team names
//! (`--rules DIR`, `rules-dirs:` in `.skinflint.yaml`). A rule file with any error stops
//! the run: a policy that silently does not run is worse than none.

use super::declaration::RuleDef;
use super::located::{LocatedError, SettingsFile};
use std::path::{Path, PathBuf};

/// Every `.yaml`/`.yml` file under `dir`, sorted, or why the directory cannot be read.
fn rule_files(dir: &Path) -> Result<Vec<PathBuf>, LocatedError> {
    let unreadable = |e: std::io::Error| LocatedError {
        path: dir.to_string_lossy().into_owned(),
        line: 1,
        column: 1,
        message: format!("cannot read the rules directory: {e}"),
    };
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(d) = pending.pop() {
        for entry in std::fs::read_dir(&d).map_err(unreadable)? {
            let p = entry.map_err(unreadable)?.path();
            if p.is_dir() {
                pending.push(p);
            } else if matches!(p.extension().and_then(|x| x.to_str()), Some("yaml" | "yml")) {
                files.push(p);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// The rules declared in `dirs`, after `known` (the built-in rules): an unreadable file,
/// a declaration error or an id already taken is an error at its file, line and column.
pub fn load(dirs: &[PathBuf], known: &[RuleDef]) -> Result<Vec<RuleDef>, LocatedError> {
    let mut loaded: Vec<RuleDef> = Vec::new();
    for dir in dirs {
        for file in rule_files(dir)? {
            let path = crate::source::display_path(&file.to_string_lossy());
            let text = std::fs::read_to_string(&file).map_err(|e| LocatedError {
                path: path.clone(),
                line: 1,
                column: 1,
                message: format!("cannot read the rule file: {e}"),
            })?;
            let mut rule = RuleDef::parse(&path, &text)?;
            rule.custom = true;
            if let Some(other) = known.iter().chain(&loaded).find(|r| r.id == rule.id) {
                let whose = if other.custom {
                    format!("the custom rule in {}", other.source)
                } else {
                    "a built-in rule".to_string()
                };
                return Err(locate(
                    &rule,
                    &["id"],
                    format!(
                        "rule id `{}` is already taken by {whose}; give this rule another id",
                        rule.id
                    ),
                ));
            }
            loaded.push(rule);
        }
    }
    Ok(loaded)
}

/// An error about the value at `path` in a rule's file (the key of a mapping), else the
/// nearest part of the path there is, else the start of the file.
pub fn locate(rule: &RuleDef, path: &[&str], message: impl Into<String>) -> LocatedError {
    let message = message.into();
    let text = std::fs::read_to_string(&rule.source).ok().or_else(|| {
        super::registry::RULE_FILES
            .iter()
            .find(|(p, _)| *p == rule.source)
            .map(|(_, t)| t.to_string())
    });
    let at = text.and_then(|t| {
        let sf = SettingsFile::parse(&rule.source, &t).ok()?;
        let mut node = sf.root()?.get(path.first()?)?;
        for key in &path[1..] {
            match node.get(key) {
                Some(n) => node = n,
                None => break,
            }
        }
        let span = if node.is_map() || node.is_seq() {
            node.key_span()
        } else {
            node.span()
        };
        Some(sf.error_at(span, message.clone()))
    });
    at.unwrap_or(LocatedError {
        path: rule.source.clone(),
        line: 1,
        column: 1,
        message,
    })
}
