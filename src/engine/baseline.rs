//! Baselines: adopt skinflint on a repository with existing findings by recording them,
//! then report only new ones. Findings are matched by fingerprint (rule, resource,
//! cluster, file, field path), so edits elsewhere in a file do not resurrect them and a
//! same-named resource added in another file is not mistaken for a recorded one.
//!
//! Format 1 baselines (fingerprints without the file) stay readable: their entries match
//! a finding with the same format-1 fingerprint in the same file.

use super::Finding;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::Path;

/// The format `--write-baseline` writes.
pub const FORMAT: u32 = 2;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Entry {
    pub fingerprint: String,
    pub rule: String,
    pub file: String,
    #[serde(default)]
    pub resource: Option<String>,
    pub message: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Baseline {
    /// Format version of this file.
    pub skinflint_baseline: u32,
    pub findings: Vec<Entry>,
}

/// Why a baseline file cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BaselineError {
    #[error("cannot read baseline {path}: {error}")]
    Unreadable { path: String, error: String },
    #[error("{path}:{line}:{column}: not a skinflint baseline: {error}")]
    Malformed {
        path: String,
        line: usize,
        column: usize,
        error: String,
    },
    #[error("{path}: baseline format {format} is not supported (this skinflint reads formats 1 and {FORMAT}; a newer skinflint wrote it)")]
    UnsupportedFormat { path: String, format: u32 },
}

/// How a run compared with its baseline.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct BaselineStats {
    /// Findings hidden because the baseline has them.
    pub matched: usize,
    /// Baseline entries no finding matched any more (fixed, or moved).
    pub fixed: usize,
}

impl Baseline {
    pub fn from_findings(findings: &[Finding], path_of: impl Fn(usize) -> String) -> Baseline {
        let mut entries: Vec<Entry> = findings
            .iter()
            .map(|f| Entry {
                fingerprint: f.fingerprint.clone(),
                rule: f.rule.clone(),
                file: path_of(f.file),
                resource: f
                    .resource
                    .as_ref()
                    .map(|r| format!("{}/{}", r.kind, r.name.as_deref().unwrap_or("<unnamed>"))),
                message: f.message.clone(),
            })
            .collect();
        entries.sort_by(|a, b| {
            (&a.file, &a.rule, &a.fingerprint).cmp(&(&b.file, &b.rule, &b.fingerprint))
        });
        Baseline {
            skinflint_baseline: FORMAT,
            findings: entries,
        }
    }

    /// Read a baseline file written by `--write-baseline` (format 1 or [`FORMAT`]).
    pub fn read(path: &Path) -> Result<Baseline, BaselineError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| BaselineError::Unreadable {
            path: shown.clone(),
            error: e.to_string(),
        })?;
        let b: Baseline = serde_json::from_str(&text).map_err(|e| BaselineError::Malformed {
            path: shown.clone(),
            line: e.line(),
            column: e.column(),
            error: e.to_string(),
        })?;
        if b.skinflint_baseline == 0 || b.skinflint_baseline > FORMAT {
            return Err(BaselineError::UnsupportedFormat {
                path: shown,
                format: b.skinflint_baseline,
            });
        }
        Ok(b)
    }

    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }

    /// The key an entry matches findings by in this baseline's format.
    fn entry_key(&self, e: &Entry) -> String {
        if self.skinflint_baseline == 1 {
            format!("{}|{}", e.fingerprint, e.file)
        } else {
            e.fingerprint.clone()
        }
    }

    /// Drop findings the baseline has (each entry matches at most one finding). Entries
    /// for files this run did not report on are neither matched nor counted as fixed.
    /// `path_of` gives a finding's repository-relative file (format 1 matches need it).
    pub fn apply(
        &self,
        findings: Vec<Finding>,
        reported_paths: &std::collections::HashSet<String>,
        path_of: impl Fn(usize) -> String,
    ) -> (Vec<Finding>, BaselineStats) {
        let mut left: HashMap<String, usize> = HashMap::new();
        for e in self
            .findings
            .iter()
            .filter(|e| reported_paths.contains(&e.file))
        {
            *left.entry(self.entry_key(e)).or_default() += 1;
        }
        let mut stats = BaselineStats::default();
        let mut kept = Vec::new();
        for f in findings {
            let key = if self.skinflint_baseline == 1 {
                format!("{}|{}", f.legacy_fingerprint, path_of(f.file))
            } else {
                f.fingerprint.clone()
            };
            match left.get_mut(&key) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    stats.matched += 1;
                }
                _ => kept.push(f),
            }
        }
        stats.fixed = left.values().sum();
        (kept, stats)
    }
}
