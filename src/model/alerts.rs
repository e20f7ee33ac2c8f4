//! Prometheus rules, from plain rule files (a top-level `groups:` list whose items have
//! `rules:`) and from PrometheusRule resources (`spec.groups`), with spans and the parsed
//! PromQL of every expression.

use super::nodepool::Field;
use crate::promql::{self, ParseError};
use crate::source::yaml::Style;
use crate::source::{Document, NodeRef, SourceFile};
use promql_parser::parser::Expr;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

/// Where a set of groups was written.
#[derive(Debug, Clone)]
pub struct RuleSource<'a> {
    pub file: usize,
    /// The PrometheusRule resource, or None for a plain rule file.
    pub resource: Option<usize>,
    /// The document root (plain files) or the `spec` (PrometheusRule).
    pub container: NodeRef<'a>,
    pub groups_node: NodeRef<'a>,
}

#[derive(Debug, Clone)]
pub struct RuleGroup<'a> {
    pub source: usize,
    pub node: NodeRef<'a>,
    pub name: Option<Field<'a, String>>,
    pub rules: Vec<usize>,
}

#[derive(Debug)]
pub struct AlertRule<'a> {
    pub group: usize,
    pub file: usize,
    pub resource: Option<usize>,
    pub node: NodeRef<'a>,
    pub alert: Option<Field<'a, String>>,
    pub record: Option<Field<'a, String>>,
    pub expr: Option<NodeRef<'a>>,
    /// The expression text and, for each of its bytes, where it is in the file.
    pub expr_text: String,
    /// Shared by every rule with the same expression text: repositories repeat rule
    /// files across clusters, and a parsed expression (with its compiled regular
    /// expressions) costs far more memory than its text.
    pub parsed: Option<Arc<Result<Expr, ParseError>>>,
    pub for_: Option<NodeRef<'a>>,
    pub keep_firing_for: Option<NodeRef<'a>>,
    pub labels: Vec<(&'a str, &'a str, NodeRef<'a>)>,
    pub annotations: Vec<(&'a str, &'a str, NodeRef<'a>)>,
}

impl<'a> AlertRule<'a> {
    /// The alert or record name, for messages.
    pub fn name(&self) -> &str {
        self.alert
            .as_ref()
            .or(self.record.as_ref())
            .map(|f| f.value.as_str())
            .unwrap_or("<unnamed>")
    }

    /// Whether the alert is meant to fire without a problem behind it: a heartbeat (a
    /// constant expression, like the Watchdog's `vector(1)`) or an inhibitor reading only
    /// the `ALERTS` series. Such alerts need no `for` and may carry severity `none`.
    pub fn fires_on_purpose(&self) -> bool {
        matches!(self.parsed.as_deref(), Some(Ok(e)) if promql::is_constant(e) || promql::reads_only_alerts(e))
    }

    pub fn label(&self, key: &str) -> Option<&(&'a str, &'a str, NodeRef<'a>)> {
        self.labels.iter().find(|(k, _, _)| *k == key)
    }

    pub fn annotation(&self, key: &str) -> Option<&(&'a str, &'a str, NodeRef<'a>)> {
        self.annotations.iter().find(|(k, _, _)| *k == key)
    }
}

/// A mapping of strings, borrowed from the document (rule annotations are long, and
/// repositories hold thousands of rules).
fn string_map(n: Option<NodeRef<'_>>) -> Vec<(&str, &str, NodeRef<'_>)> {
    n.and_then(|m| m.entries())
        .map(|e| e.filter_map(|(k, v)| Some((k, v.scalar()?.0, v))).collect())
        .unwrap_or_default()
}

fn str_field(n: Option<NodeRef<'_>>) -> Option<Field<'_, String>> {
    let n = n?;
    Some(Field {
        value: n.scalar()?.0.to_string(),
        node: n,
    })
}

/// A plain rule file document: a mapping with `groups`, no `kind`, and rules in a group.
pub fn plain_groups<'a>(doc: &'a Document) -> Option<(NodeRef<'a>, NodeRef<'a>)> {
    let root = NodeRef::root(doc)?;
    if !root.is_map() || root.get("kind").is_some() {
        return None;
    }
    let groups = root.get("groups")?;
    let has_rules = groups.items()?.any(|g| g.get("rules").is_some());
    has_rules.then_some((root, groups))
}

/// The byte range in the file of an offset range inside an expression's text. Exact for
/// plain one-line, quoted one-line and literal block (`|`) expressions; others map to the
/// line the text starts on.
pub fn expr_span(
    file: &SourceFile,
    expr: NodeRef<'_>,
    text: &str,
    at: Range<usize>,
) -> Range<usize> {
    let span = expr.span();
    let Some((_, style)) = expr.scalar() else {
        return span;
    };
    let start_lc = file.line_col(span.start);
    let map = |off: usize| -> usize {
        let off = off.min(text.len());
        let before = &text[..off];
        let k = before.matches('\n').count();
        let col_bytes = off - before.rfind('\n').map_or(0, |p| p + 1);
        match style {
            Style::Quoted if k == 0 => span.start + 1 + off,
            Style::Plain if k == 0 => span.start + off,
            Style::Block => {
                let indent = span.start - file.line_start(start_lc.line).unwrap_or(span.start);
                file.line_start(start_lc.line + k)
                    .map_or(span.start, |ls| ls + indent + col_bytes)
                    .min(file.text.len())
            }
            _ => span.start,
        }
    };
    let a = map(at.start);
    let b = map(at.end).max(a);
    a..b
}

/// Collect rule sources, groups and rules from the loaded files.
pub fn collect<'a>(
    files: &'a [crate::source::Loaded],
    resources: &[super::Resource<'a>],
) -> (Vec<RuleSource<'a>>, Vec<RuleGroup<'a>>, Vec<AlertRule<'a>>) {
    let mut sources = Vec::new();
    for (fi, f) in files.iter().enumerate() {
        for doc in &f.documents {
            if let Some((root, groups)) = plain_groups(doc) {
                sources.push(RuleSource {
                    file: fi,
                    resource: None,
                    container: root,
                    groups_node: groups,
                });
            }
        }
    }
    for (ri, r) in resources.iter().enumerate() {
        if r.id.kind == "PrometheusRule" && r.id.api_version.starts_with("monitoring.coreos.com/") {
            if let Some(spec) = r.root.get("spec") {
                if let Some(groups) = spec.get("groups") {
                    sources.push(RuleSource {
                        file: r.file,
                        resource: Some(ri),
                        container: spec,
                        groups_node: groups,
                    });
                }
            }
        }
    }
    let mut groups = Vec::new();
    let mut rules = Vec::new();
    let mut parses: HashMap<String, Arc<Result<Expr, ParseError>>> = HashMap::new();
    for (si, s) in sources.iter().enumerate() {
        for g in s.groups_node.items().into_iter().flatten() {
            let gi = groups.len();
            let mut group = RuleGroup {
                source: si,
                node: g,
                name: str_field(g.get("name")),
                rules: Vec::new(),
            };
            for r in g.get("rules").and_then(|r| r.items()).into_iter().flatten() {
                let expr = r.get("expr");
                let expr_text = expr
                    .and_then(|e| e.scalar())
                    .map(|(t, _)| t.to_string())
                    .unwrap_or_default();
                let parsed = expr.filter(|e| e.scalar().is_some()).map(|_| {
                    parses
                        .entry(expr_text.clone())
                        .or_insert_with(|| Arc::new(promql::parse(&expr_text)))
                        .clone()
                });
                group.rules.push(rules.len());
                rules.push(AlertRule {
                    group: gi,
                    file: s.file,
                    resource: s.resource,
                    node: r,
                    alert: str_field(r.get("alert")),
                    record: str_field(r.get("record")),
                    expr,
                    expr_text,
                    parsed,
                    for_: r.get("for"),
                    keep_firing_for: r.get("keep_firing_for"),
                    labels: string_map(r.get("labels")),
                    annotations: string_map(r.get("annotations")),
                });
            }
            groups.push(group);
        }
    }
    (sources, groups, rules)
}

/// A Prometheus duration (`1h30m`, `5m`, `0`), in milliseconds.
pub fn prom_duration(text: &str) -> Option<u64> {
    let t = text.trim();
    // Prometheus reads `0` and zero amounts of any unit (`0s`) as zero; the parser used
    // below refuses zero, and reads bare numbers as seconds, which rule files do not.
    if t.is_empty() || (t != "0" && t.parse::<f64>().is_ok()) {
        return None;
    }
    let all_zero = t.chars().filter(char::is_ascii_digit).all(|c| c == '0');
    if all_zero {
        let ones: String = t.chars().map(|c| if c == '0' { '1' } else { c }).collect();
        return (t == "0" || promql_parser::util::parse_duration(&ones).is_ok()).then_some(0);
    }
    promql_parser::util::parse_duration(t)
        .ok()
        .and_then(|d| u64::try_from(d.as_millis()).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(prom_duration("1h30m"), Some(5_400_000));
        assert_eq!(prom_duration("0"), Some(0));
        assert_eq!(prom_duration("500ms"), Some(500));
        assert_eq!(prom_duration("5 m"), None);
        assert_eq!(prom_duration("30m1h"), None);
        assert_eq!(prom_duration("10"), None);
        assert_eq!(prom_duration("0s"), Some(0));
        assert_eq!(prom_duration("0h0m"), Some(0));
        assert_eq!(prom_duration("0x"), None);
        assert_eq!(prom_duration("7d"), Some(604_800_000));
    }
}
