//! `invalid-rule-structure`: what Prometheus itself rejects in a rule file, which stops
//! the whole file from loading.

use super::{describe, rule_hit};
use crate::checks::CheckCtx;
use crate::model::alerts::{prom_duration, AlertRule, RuleSource};
use crate::model::ModelSet;
use crate::rule::Hit;
use crate::source::NodeRef;
use std::collections::HashMap;
use std::ops::Range;

const FILE_KEYS: &[&str] = &["groups"];
const GROUP_KEYS: &[&str] = &[
    "name",
    "interval",
    "limit",
    "query_offset",
    "labels",
    "rules",
];
const OPERATOR_GROUP_KEYS: &[&str] = &["partial_response_strategy"];
const RULE_KEYS: &[&str] = &[
    "record",
    "alert",
    "expr",
    "for",
    "keep_firing_for",
    "labels",
    "annotations",
];

fn bad_duration(n: Option<NodeRef<'_>>) -> Option<NodeRef<'_>> {
    let n = n?;
    let text = n.scalar().map(|(t, _)| t)?;
    prom_duration(text).is_none().then_some(n)
}

const FIX: &str =
    "Prometheus refuses to load a rule file with this problem; fix it as the message says";

/// Where a problem is and what it is.
type Problems = Vec<(Range<usize>, String)>;

/// The parameters, declared with their defaults in the rule file.
#[derive(serde::Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Params {
    /// `legacy` (Prometheus 2) or `utf8` (Prometheus 3).
    label_names: String,
}

/// Which names Prometheus accepts for labels, annotations and recorded metrics.
#[derive(Clone, Copy)]
enum Names {
    /// `[a-zA-Z_][a-zA-Z0-9_]*` (metric names may also hold `:`): Prometheus 2.
    Legacy,
    /// Any non-empty UTF-8: Prometheus 3.
    Utf8,
}

impl Names {
    fn valid(self, name: &str, metric: bool) -> bool {
        let mut chars = name.chars();
        match self {
            Names::Utf8 => !name.is_empty(),
            Names::Legacy => {
                let extra = |c: char| c == '_' || (metric && c == ':');
                chars
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic() || extra(c))
                    && chars.all(|c| c.is_ascii_alphanumeric() || extra(c))
            }
        }
    }

    fn rule(self) -> &'static str {
        match self {
            Names::Legacy => "letters, digits and `_`, not starting with a digit (Prometheus 2; set `label-names: utf8` for Prometheus 3)",
            Names::Utf8 => "non-empty",
        }
    }
}

pub fn run(ctx: &CheckCtx) -> Vec<Hit> {
    let Some(p) = crate::checks::params::<Params>(ctx) else {
        return Vec::new();
    };
    let names = if p.label_names == "utf8" {
        Names::Utf8
    } else {
        Names::Legacy
    };
    hits(ctx.model, names)
}

/// What this rule reports on the structure of rule files, with Prometheus 2's label names
/// (the stricter scheme): the lines another rule leaves to this one.
pub fn structure_problems(model: &ModelSet) -> Vec<Hit> {
    hits(model, Names::Legacy)
}

fn hits(model: &ModelSet, names: Names) -> Vec<Hit> {
    let mut hits = Vec::new();
    for s in &model.rule_sources {
        let mut problems = Problems::new();
        source_problems(model, s, names, &mut problems);
        hits.extend(problems.into_iter().map(|(span, message)| {
            let mut h = Hit::new(s.file, span, message).help(FIX);
            h.resource = s.resource;
            h
        }));
    }
    for r in &model.alert_rules {
        let mut problems = Problems::new();
        rule_problems(r, names, &mut problems);
        hits.extend(problems.into_iter().map(|(span, message)| {
            rule_hit(r, span, format!("{}: {message}", describe(r))).help(FIX)
        }));
    }
    hits
}

/// The file's own keys and each group's.
fn source_problems(model: &ModelSet, s: &RuleSource, scheme: Names, out: &mut Problems) {
    if s.resource.is_none() {
        for (k, v) in s.container.entries().into_iter().flatten() {
            if !FILE_KEYS.contains(&k) {
                out.push((
                    v.key_span(),
                    format!("unknown key `{k}` in a rule file (only `groups` is allowed)"),
                ));
            }
        }
    }
    let mut names: HashMap<String, usize> = HashMap::new();
    for g in s.groups_node.items().into_iter().flatten() {
        for (k, v) in g.entries().into_iter().flatten() {
            let allowed = GROUP_KEYS.contains(&k)
                || (s.resource.is_some() && OPERATOR_GROUP_KEYS.contains(&k));
            if !allowed {
                out.push((v.key_span(), format!("unknown key `{k}` in a rule group")));
            }
        }
        match g.get("name").and_then(|n| n.scalar()) {
            None | Some(("", _)) => out.push((
                g.get("name")
                    .map(|n| n.key_span())
                    .unwrap_or_else(|| g.span().start..g.span().start),
                "a rule group needs a non-empty `name`".to_string(),
            )),
            Some((name, _)) => {
                let line = model.files[s.file].file.line_col(g.span().start).line;
                if let Some(first) = names.insert(name.to_string(), line) {
                    out.push((
                        g.get("name").map(|n| n.span()).unwrap_or_else(|| g.span()),
                        format!("group name `{name}` is repeated (first on line {first}); group names must be unique in a file"),
                    ));
                }
            }
        }
        group_values(g, out);
        for (k, v) in g
            .get("labels")
            .and_then(|l| l.entries())
            .into_iter()
            .flatten()
        {
            label_name(k, v, "label", scheme, out);
        }
    }
}

/// A label or annotation name Prometheus refuses.
fn label_name(k: &str, v: NodeRef<'_>, what: &str, names: Names, out: &mut Problems) {
    if k == "__name__" && what == "label" {
        out.push((
            v.key_span(),
            "`__name__` is not a valid label name".to_string(),
        ));
    } else if !names.valid(k, false) {
        out.push((
            v.key_span(),
            format!(
                "`{k}` is not a valid {what} name: names must be {}",
                names.rule()
            ),
        ));
    }
}

/// A group's `interval`, `query_offset` and `limit`.
fn group_values(g: NodeRef<'_>, out: &mut Problems) {
    for key in ["interval", "query_offset"] {
        if let Some(n) = bad_duration(g.get(key)) {
            out.push((
                n.span(),
                format!("`{key}` is not a Prometheus duration (such as `30s`, `1m` or `1h30m`)"),
            ));
        }
    }
    if let Some(l) = g.get("limit") {
        if !matches!(l.value(), Some(crate::source::scalar::Scalar::Int(i)) if i >= 0) {
            out.push((
                l.span(),
                "`limit` must be a non-negative integer".to_string(),
            ));
        }
    }
}

/// One rule's keys, kind (alert or record) and values.
fn rule_problems(r: &AlertRule, names: Names, out: &mut Problems) {
    for (k, v) in r.node.entries().into_iter().flatten() {
        if !RULE_KEYS.contains(&k) {
            out.push((v.key_span(), format!("unknown key `{k}` in a rule")));
        }
    }
    let start = r.node.span().start..r.node.span().start;
    match (&r.alert, &r.record) {
        (Some(a), Some(_)) => out.push((
            a.node.key_span(),
            "only one of `alert` and `record` may be set".to_string(),
        )),
        (None, None) => out.push((
            start.clone(),
            "one of `alert` or `record` must be set".to_string(),
        )),
        _ => {}
    }
    if r.expr.is_none() {
        out.push((start, "`expr` must be set".to_string()));
    }
    if let (Some(rec), None) = (&r.record, &r.alert) {
        if rec.value.contains('{') || rec.value.contains('}') || !names.valid(&rec.value, true) {
            out.push((
                rec.node.span(),
                format!("`{}` is not a valid recording rule name", rec.value),
            ));
        }
        for key in ["for", "keep_firing_for", "annotations"] {
            if let Some(n) = r.node.get(key) {
                out.push((
                    n.key_span(),
                    format!("`{key}` is not allowed in a recording rule"),
                ));
            }
        }
    }
    if let Some(a) = r.alert.as_ref().filter(|a| a.value.is_empty()) {
        out.push((
            a.node.span(),
            "the alert name must not be empty".to_string(),
        ));
    }
    rule_values(r, names, out);
}

/// A rule's durations and label and annotation names.
fn rule_values(r: &AlertRule, names: Names, out: &mut Problems) {
    for (key, node) in [("for", r.for_), ("keep_firing_for", r.keep_firing_for)] {
        if let Some(n) = bad_duration(node) {
            out.push((
                n.span(),
                format!("`{key}` is not a Prometheus duration (such as `5m` or `1h`)"),
            ));
        }
    }
    for (what, map) in [("label", &r.labels), ("annotation", &r.annotations)] {
        for (k, _, v) in map {
            label_name(k, *v, what, names, out);
        }
    }
}
