//! `unknown-rule-in-suppression` and `unused-suppression`: suppressions must name rules
//! that exist and must still hide something, or they silently stop protecting anything
//! (a typo) or hide a future regression (a stale entry).

use crate::rule::suppression::{Scope, Suppression};
use crate::rule::{Hit, RuleDef};

/// What the suppression checks see: every suppression after it was applied, and the
/// rules of the run (with whether each was enabled).
pub struct SuppressionCtx<'a> {
    pub suppressions: &'a [Suppression],
    pub rules: &'a [RuleDef],
}

fn kind(s: &Suppression) -> &'static str {
    match s.scope {
        Scope::Line(_) => "comment",
        Scope::Range(..) => "file comment",
        Scope::Resource(_) => "annotation",
        Scope::Config(_) => "config `ignore` entry",
    }
}

pub fn unknown_rules(ctx: &SuppressionCtx) -> Vec<Hit> {
    let mut hits = Vec::new();
    for s in ctx.suppressions {
        if let Some(problem) = &s.problem {
            hits.push(
                Hit::new(
                    s.file,
                    s.span.clone(),
                    format!("suppression {} {problem}", kind(s)),
                )
                .help(
                    "write `# skinflint: ignore[rule-id] reason` (rule ids from `skinflint rules`)",
                ),
            );
            continue;
        }
        for (id, span) in &s.rules {
            if ctx.rules.iter().any(|r| &r.id == id) {
                continue;
            }
            let ids: Vec<&str> = ctx.rules.iter().map(|r| r.id.as_str()).collect();
            let suggestion = match crate::suggest::did_you_mean(id, ids.iter().copied()) {
                Some(k) => format!("; did you mean `{k}`?"),
                None => String::new(),
            };
            hits.push(
                Hit::new(
                    s.file,
                    span.clone(),
                    format!("suppression {} names `{id}`, which is not a skinflint rule, so it hides nothing{suggestion}", kind(s)),
                )
                .help("use a rule id from `skinflint rules`"),
            );
        }
    }
    hits
}

pub fn unused(ctx: &SuppressionCtx) -> Vec<Hit> {
    let mut hits = Vec::new();
    for s in ctx
        .suppressions
        .iter()
        .filter(|s| !s.used && s.judged && s.problem.is_none())
    {
        let known: Vec<&RuleDef> = s
            .rules
            .iter()
            .filter_map(|(id, _)| ctx.rules.iter().find(|r| &r.id == id))
            .collect();
        if !s.rules.is_empty() && known.is_empty() {
            continue; // only unknown ids: reported by unknown-rule-in-suppression
        }
        // A suppression of a rule that did not run could not have been used.
        if known.iter().any(|r| !r.enabled) {
            continue;
        }
        let names: Vec<String> = known.iter().map(|r| format!("`{}`", r.id)).collect();
        let what = if names.is_empty() {
            "any rule".to_string()
        } else {
            names.join(", ")
        };
        hits.push(
            Hit::new(
                s.file,
                s.span.clone(),
                format!(
                    "suppression {} for {what} hides no finding; a stale suppression would silently hide the next regression here",
                    kind(s)
                ),
            )
            .help("delete the suppression (the problem it hid is fixed or has moved)"),
        );
    }
    hits
}
