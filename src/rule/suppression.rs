//! A suppression as the run records it: where it is written, which rules it names, and
//! whether it was used. Parsing and matching live in the engine; the suppression checks
//! read these records.

use std::ops::Range;

/// The annotation key read on every resource.
pub const ANNOTATION: &str = "skinflint.dev/ignore";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Findings on one line of one file.
    Line(usize),
    /// Findings in a byte range of one file: an `ignore-file` directive covers its
    /// document, so one template's directive cannot silence a whole `helm template` stream.
    Range(usize, usize),
    /// Findings about one resource.
    Resource(usize),
    /// A config entry; matched by [`super::config::ConfigIgnore::matches`].
    Config(usize),
}

/// One suppression, wherever it was written.
#[derive(Debug, Clone)]
pub struct Suppression {
    pub scope: Scope,
    /// Rule ids it names, each with the span where it is written. Empty for a config
    /// entry without `rules`, which covers every rule.
    pub rules: Vec<(String, Range<usize>)>,
    pub reason: String,
    /// Where it is written: the file index and span (the config file for config entries).
    pub file: usize,
    pub span: Range<usize>,
    /// In the file or resource (true), or in the config (false): SARIF's inSource/external.
    pub in_source: bool,
    pub used: bool,
    /// Why the suppression is not applied (malformed, names no rule); reported instead.
    pub problem: Option<String>,
    /// Whether it may be reported as unused (a config entry is judged only when the run
    /// covers the config's directory).
    pub judged: bool,
}

impl Suppression {
    pub fn covers_rule(&self, rule: &str) -> bool {
        self.rules.is_empty() || self.rules.iter().any(|(r, _)| r == rule)
    }
}
