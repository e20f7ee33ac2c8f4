//! `deprecated-karpenter-annotation`: `karpenter.sh/do-not-evict` and
//! `karpenter.sh/do-not-consolidate` were replaced by `karpenter.sh/do-not-disrupt` in
//! Karpenter 0.32 and are ignored from 1.0, so the protection they promise is gone (or,
//! on older clusters, they silently keep nodes from being consolidated).

use super::{describe, describe_resource, on_resource, push_once, workload_hit};
use crate::checks::CheckCtx;
use crate::rule::Hit;

const OLD: &[&str] = &[
    "karpenter.sh/do-not-evict",
    "karpenter.sh/do-not-consolidate",
];

pub fn run(ctx: &CheckCtx) -> Vec<Hit> {
    let mut hits = Vec::new();
    for w in &ctx.model.workloads {
        for (k, _, n) in w
            .annotations
            .iter()
            .filter(|(k, _, _)| OLD.contains(&k.as_str()))
        {
            push_once(
                &mut hits,
                workload_hit(
                    w,
                    n.key_span(),
                    format!(
                        "{} uses `{k}`, replaced by `karpenter.sh/do-not-disrupt` in Karpenter 0.32 and ignored from 1.0: on current clusters it protects nothing, on old ones it keeps nodes from being consolidated",
                        if on_resource(w, n) { describe_resource(w) } else { describe(w) }
                    ),
                )
                .help("use `karpenter.sh/do-not-disrupt: \"true\"` on the pod template, only where an interruption is really unacceptable"),
            );
        }
    }
    hits
}
