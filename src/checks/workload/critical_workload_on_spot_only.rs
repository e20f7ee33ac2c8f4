//! `critical-workload-on-spot-only`: a workload marked critical that every hosting pool
//! would place on spot capacity.

use super::{describe, describe_resource, on_resource, push_once, workload_hit};
use crate::checks::CheckCtx;
use crate::rule::params::ParamRegex;
use crate::rule::Hit;

pub const CRITICALITY_ANNOTATION: &str = "skinflint.dev/criticality";

/// The parameters, declared with their defaults in the rule file.
#[derive(serde::Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Params {
    critical_priority_pattern: ParamRegex,
}

pub fn run(ctx: &CheckCtx) -> Vec<Hit> {
    let Some(p) = crate::checks::params::<Params>(ctx) else {
        return Vec::new();
    };
    let re = p.critical_priority_pattern.0;
    let model = ctx.model;
    let mut hits = Vec::new();
    for (wi, w) in model.workloads.iter().enumerate() {
        if !model.relations.spot_exposed[wi] {
            continue;
        }
        let by_annotation = w
            .annotation(CRITICALITY_ANNOTATION)
            .filter(|(_, v, _)| v.eq_ignore_ascii_case("critical"));
        let lowered = |v: &str| v.to_ascii_lowercase();
        let negated = |v: &str| {
            let v = lowered(v);
            [
                "non-critical",
                "noncritical",
                "not-critical",
                "non_critical",
                "low-priority",
                "low_priority",
            ]
            .iter()
            .any(|n| v.contains(n))
        };
        let by_priority = w
            .priority_class
            .as_ref()
            .filter(|p| re.is_match(&p.value) && !negated(&p.value));
        // Marked on the resource itself: say which of its pod templates is on spot.
        let (span, why, who, part) = match (by_annotation, by_priority) {
            (Some((_, _, n)), _) => (
                n.key_span(),
                format!("`{CRITICALITY_ANNOTATION}: critical`"),
                if on_resource(w, n) {
                    describe_resource(w)
                } else {
                    describe(w)
                },
                match &w.component {
                    Some(c) if on_resource(w, n) => format!("its {}", c.shown),
                    _ => "it".to_string(),
                },
            ),
            (None, Some(p)) => {
                let value = model
                    .priority_classes
                    .iter()
                    .find(|pc| {
                        pc.name == p.value
                            && crate::model::same_scope(
                                model.resources[pc.resource].cluster,
                                model.cluster(w.file),
                            )
                    })
                    .and_then(|pc| pc.value)
                    .map(|v| format!(", value {v}"))
                    .unwrap_or_default();
                (
                    p.node.span(),
                    format!("priority class `{}`{value}", p.value),
                    describe(w),
                    "it".to_string(),
                )
            }
            (None, None) => continue,
        };
        push_once(
            &mut hits,
            workload_hit(
                w,
                span,
                format!(
                    "{who} is marked critical ({why}) but every node pool that can host {part} runs spot capacity, so a spot reclaim takes it down"
                ),
            )
            .help("give it an on-demand path: a nodeSelector or affinity for `karpenter.sh/capacity-type: on-demand`, or an on-demand pool it tolerates"),
        );
    }
    hits
}
