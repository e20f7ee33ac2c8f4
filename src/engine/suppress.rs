//! Suppressions, each with a reason: the resource annotation
//! `skinflint.dev/ignore: "rule-id[,rule-id]: reason"` (survives Helm and Kustomize), the
//! comment `# skinflint: ignore[rule-id] reason` on the line above a finding or at the
//! end of its line, `# skinflint: ignore-file[rule-id] reason` for a whole file, and
//! `ignore:` entries in `.skinflint.yaml`.

use super::config::ConfigIgnore;
use super::Finding;
use crate::model::ModelSet;
use crate::source::Loaded;
use regex::Regex;
use std::ops::Range;
use std::sync::OnceLock;

/// The annotation key read on every resource.
pub const ANNOTATION: &str = "skinflint.dev/ignore";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Findings on one line of one file.
    Line(usize),
    /// Findings anywhere in one file.
    File,
    /// Findings about one resource.
    Resource(usize),
    /// A config entry; matched by [`ConfigIgnore::matches`].
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
}

impl Suppression {
    pub fn covers_rule(&self, rule: &str) -> bool {
        self.rules.is_empty() || self.rules.iter().any(|(r, _)| r == rule)
    }

    fn matches(&self, f: &Finding, files: &[Loaded], ignores: &[ConfigIgnore]) -> bool {
        if !self.covers_rule(&f.rule) {
            return false;
        }
        match self.scope {
            Scope::Line(line) => {
                f.file == self.file && files[f.file].file.line_col(f.span.start).line == line
            }
            Scope::File => f.file == self.file,
            Scope::Resource(r) => f.resource_index == Some(r),
            Scope::Config(i) => ignores
                .get(i)
                .is_some_and(|c| c.matches(f, &files[f.file].file.path)),
        }
    }
}

fn directive_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"#\s*skinflint:\s*(ignore-file|ignore)\[([^\]]*)\]\s*(.*?)\s*$").unwrap()
    })
}

/// Split `a, b` into ids with their spans, given the byte offset of the list.
fn rule_list(list: &str, at: usize) -> Vec<(String, Range<usize>)> {
    let mut out = Vec::new();
    let mut pos = 0;
    for part in list.split(',') {
        let trimmed = part.trim();
        if !trimmed.is_empty() {
            let lead = part.len() - part.trim_start().len();
            let start = at + pos + lead;
            out.push((trimmed.to_string(), start..start + trimmed.len()));
        }
        pos += part.len() + 1;
    }
    out
}

/// Comment directives in one file.
fn comments(fi: usize, f: &Loaded) -> Vec<Suppression> {
    let text = &f.file.text;
    if !text.contains("skinflint:") {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut offset = 0;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let line_no = i + 1;
        if let Some(c) = directive_re().captures(line) {
            let m = c.get(0).unwrap();
            // The `#` must start a comment: at the start of the line or after a space.
            let before = &line[..m.start()];
            if before.is_empty() || before.ends_with(' ') || before.ends_with('\t') {
                let alone = before.trim().is_empty();
                let whole_file = &c[1] == "ignore-file";
                let list = c.get(2).unwrap();
                out.push(Suppression {
                    scope: if whole_file {
                        Scope::File
                    } else if alone {
                        Scope::Line(line_no + 1)
                    } else {
                        Scope::Line(line_no)
                    },
                    rules: rule_list(list.as_str(), offset + list.start()),
                    reason: c[3].to_string(),
                    file: fi,
                    span: offset + m.start()..offset + m.end(),
                    in_source: true,
                    used: false,
                });
            }
        }
        offset += line.len();
    }
    out
}

/// Annotations on resources.
fn annotations(model: &ModelSet) -> Vec<Suppression> {
    let mut out = Vec::new();
    for (ri, r) in model.resources.iter().enumerate() {
        let Some(v) = r.root.path(&["metadata", "annotations", ANNOTATION]) else {
            continue;
        };
        let Some((text, _)) = v.scalar() else {
            continue;
        };
        let (list, reason) = text.split_once(':').unwrap_or((text, ""));
        // Spans of ids inside a quoted scalar: skip the opening quote when there is one.
        let span = v.span();
        let raw = &model.files[r.file].file.text[span.clone()];
        let at = span.start + usize::from(raw.starts_with('"') || raw.starts_with('\''));
        let exact = raw.trim_matches(|c| c == '"' || c == '\'') == text;
        let rules = if exact {
            rule_list(list, at)
        } else {
            rule_list(list, 0)
                .into_iter()
                .map(|(id, _)| (id, span.clone()))
                .collect()
        };
        out.push(Suppression {
            scope: Scope::Resource(ri),
            rules,
            reason: reason.trim().to_string(),
            file: r.file,
            span,
            in_source: true,
            used: false,
        });
    }
    out
}

/// Every suppression in the inputs (unless `inline` is off) and the config.
pub fn collect(
    model: &ModelSet,
    inline: bool,
    ignores: &[ConfigIgnore],
    config_file: Option<usize>,
) -> Vec<Suppression> {
    let mut out = Vec::new();
    if inline {
        for (fi, f) in model.files.iter().enumerate() {
            if Some(fi) != config_file {
                out.extend(comments(fi, f));
            }
        }
        out.extend(annotations(model));
    }
    if let Some(cf) = config_file {
        for (i, c) in ignores.iter().enumerate() {
            out.push(Suppression {
                scope: Scope::Config(i),
                rules: c.rules.clone(),
                reason: c.reason.clone(),
                file: cf,
                span: c.span.clone(),
                in_source: false,
                used: false,
            });
        }
    }
    out
}

/// A finding that a suppression hid, with the suppression's kind and reason.
#[derive(Debug, Clone)]
pub struct Suppressed {
    pub finding: Finding,
    pub in_source: bool,
    pub reason: String,
}

/// Split findings into kept and suppressed, marking the suppressions that were used.
pub fn apply(
    findings: Vec<Finding>,
    sups: &mut [Suppression],
    files: &[Loaded],
    ignores: &[ConfigIgnore],
) -> (Vec<Finding>, Vec<Suppressed>) {
    let mut kept = Vec::new();
    let mut hidden = Vec::new();
    for f in findings {
        let mut by = None;
        for (i, s) in sups.iter_mut().enumerate() {
            if s.matches(&f, files, ignores) {
                s.used = true;
                by.get_or_insert(i);
            }
        }
        match by {
            Some(i) => hidden.push(Suppressed {
                finding: f,
                in_source: sups[i].in_source,
                reason: sups[i].reason.clone(),
            }),
            None => kept.push(f),
        }
    }
    (kept, hidden)
}
