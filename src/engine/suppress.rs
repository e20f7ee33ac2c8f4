//! Suppressions, each with a reason: the resource annotation
//! `skinflint.dev/ignore: "rule-id[,rule-id]: reason"` (survives Helm and Kustomize), the
//! comment `# skinflint: ignore[rule-id] reason` on the line above a finding or at the
//! end of its line, `# skinflint: ignore-file[rule-id] reason` before a document's first
//! key (covering that document), and `ignore:` entries in `.skinflint.yaml`.
//!
//! Only real YAML comments count: a directive inside a quoted or block scalar is text.
//! A malformed directive, or one naming no rule, is not applied and is reported.

use crate::model::ModelSet;
use crate::rule::config::ConfigIgnore;
pub use crate::rule::suppression::{Scope, Suppression, ANNOTATION};
use crate::rule::Finding;
use crate::source::Loaded;
use regex::Regex;
use std::ops::Range;
use std::sync::OnceLock;

impl Suppression {
    fn matches(&self, f: &Finding, files: &[Loaded], ignores: &[ConfigIgnore]) -> bool {
        if self.problem.is_some() || !self.covers_rule(&f.rule) {
            return false;
        }
        match self.scope {
            Scope::Line(line) => {
                f.file == self.file && files[f.file].file.line_col(f.span.start).line == line
            }
            Scope::Range(a, b) => f.file == self.file && (a..b).contains(&f.span.start),
            Scope::Resource(r) => f.resource_index == Some(r),
            Scope::Config(i) => ignores
                .get(i)
                .is_some_and(|c| c.matches(f, &files[f.file].file.path)),
        }
    }

    fn new(scope: Scope, file: usize, span: Range<usize>) -> Self {
        Suppression {
            scope,
            rules: Vec::new(),
            reason: String::new(),
            file,
            span,
            in_source: true,
            used: false,
            problem: None,
            judged: true,
        }
    }
}

fn directive_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"^#\s*skinflint:\s*(ignore-file|ignore)\[([^\]]*)\]\s*(.*?)\s*$").unwrap()
    })
}

fn mention_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"#\s*skinflint:").unwrap())
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

/// Byte ranges of quoted and block scalars, where a `#` is text, not a comment.
fn text_ranges(f: &Loaded) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = f
        .documents
        .iter()
        .flat_map(|d| d.quoted_scalar_spans())
        .collect();
    out.sort_by_key(|r| r.start);
    out
}

fn inside(ranges: &[Range<usize>], at: usize) -> bool {
    let i = ranges.partition_point(|r| r.start <= at);
    ranges[..i].iter().rev().take(64).any(|r| r.contains(&at))
}

fn is_comment_or_blank(line: &str) -> bool {
    let t = line.trim();
    t.is_empty() || t.starts_with('#')
}

/// Comment directives in one file.
fn comments(fi: usize, f: &Loaded) -> Vec<Suppression> {
    let text = &f.file.text;
    if !text.contains("skinflint:") {
        return Vec::new();
    }
    let texts = text_ranges(f);
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let mut starts = Vec::with_capacity(lines.len());
    let mut off = 0;
    for l in &lines {
        starts.push(off);
        off += l.len();
    }
    let mut out = Vec::new();
    let mut doc_start = 0; // byte offset where the current document starts
    let mut doc_has_content = false;
    for (i, line) in lines.iter().enumerate() {
        let offset = starts[i];
        if let Some(rest) = line.strip_prefix("---") {
            doc_start = offset;
            let rest = rest.trim();
            doc_has_content = !rest.is_empty() && !rest.starts_with('#');
            continue;
        }
        let mention = mention_re().find_iter(line).find(|m| {
            let before = &line[..m.start()];
            (before.is_empty() || before.ends_with(' ') || before.ends_with('\t'))
                && !inside(&texts, offset + m.start())
        });
        let Some(mention) = mention else {
            if !is_comment_or_blank(line) && !line.starts_with('%') {
                doc_has_content = true;
            }
            continue;
        };
        let alone = line[..mention.start()].trim().is_empty();
        let directive = &line[mention.start()..];
        let mut s = Suppression::new(
            Scope::Line(i + 1),
            fi,
            offset + mention.start()..offset + line.trim_end().len(),
        );
        match directive_re().captures(directive) {
            None => {
                s.problem = Some(
                    "is not a valid directive (expected `# skinflint: ignore[rule-id] reason` or `# skinflint: ignore-file[rule-id] reason`)"
                        .to_string(),
                );
            }
            Some(c) => {
                let list = c.get(2).unwrap();
                s.rules = rule_list(list.as_str(), offset + mention.start() + list.start());
                s.reason = c[3].to_string();
                if s.rules.is_empty() {
                    s.problem = Some(
                        "names no rule, so it would hide every finding; name the rules it is for"
                            .to_string(),
                    );
                }
                if &c[1] == "ignore-file" {
                    if doc_has_content || !alone {
                        s.problem = Some(
                            "uses `ignore-file` after the document's first key; it must come before it, and is not applied here"
                                .to_string(),
                        );
                    }
                    let end = lines[i + 1..]
                        .iter()
                        .position(|l| l.starts_with("---"))
                        .map_or(text.len(), |p| starts[i + 1 + p]);
                    s.scope = Scope::Range(doc_start, end);
                } else if alone {
                    // Covers the next line with content, past other comments and blanks.
                    let next = lines[i + 1..]
                        .iter()
                        .position(|l| !is_comment_or_blank(l))
                        .map(|p| i + 2 + p);
                    s.scope = Scope::Line(next.unwrap_or(i + 2));
                }
            }
        }
        if !alone {
            doc_has_content = true;
        }
        out.push(s);
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
        let mut s = Suppression::new(Scope::Resource(ri), r.file, span.clone());
        s.rules = if exact {
            rule_list(list, at)
        } else {
            rule_list(list, 0)
                .into_iter()
                .map(|(id, _)| (id, span.clone()))
                .collect()
        };
        s.reason = reason.trim().to_string();
        if s.rules.is_empty() {
            s.problem = Some(format!(
                "names no rule, so it would hide every finding; write `{ANNOTATION}: \"rule-id: reason\"`"
            ));
        }
        out.push(s);
    }
    out
}

/// Every suppression in the inputs (unless `inline` is off) and the config. Config
/// entries are judged for use only when `judge_config` says the run covers them.
pub fn collect(
    model: &ModelSet,
    inline: bool,
    ignores: &[ConfigIgnore],
    config_file: Option<usize>,
    judge_config: bool,
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
            let mut s = Suppression::new(Scope::Config(i), cf, c.span.clone());
            s.rules = c.rules.clone();
            s.reason = c.reason.clone();
            s.in_source = false;
            s.judged = judge_config;
            out.push(s);
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
    mut findings: Vec<Finding>,
    sups: &mut [Suppression],
    files: &[Loaded],
    ignores: &[ConfigIgnore],
) -> (Vec<Finding>, Vec<Suppressed>) {
    // Suppressed findings are taken out in place: a large run holds many findings, and a
    // second list of them would double what they cost.
    let mut by_sup = Vec::new();
    let taken: Vec<Finding> = findings
        .extract_if(.., |f| {
            let mut by = None;
            for (i, s) in sups.iter_mut().enumerate() {
                if s.matches(f, files, ignores) {
                    s.used = true;
                    by.get_or_insert(i);
                }
            }
            by_sup.extend(by);
            by.is_some()
        })
        .collect();
    let hidden = taken
        .into_iter()
        .zip(by_sup)
        .map(|(finding, i)| Suppressed {
            finding,
            in_source: sups[i].in_source,
            reason: sups[i].reason.clone(),
        })
        .collect();
    (findings, hidden)
}
