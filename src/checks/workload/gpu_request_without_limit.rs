//! `gpu-request-without-limit`: extended resources cannot be overcommitted; the API
//! server rejects an accelerator request without an equal limit.

use super::{describe, workload_hit};
use crate::checks::CheckCtx;
use crate::model::nodepool::is_accelerator_resource;
use crate::rule::Hit;

pub fn run(ctx: &CheckCtx) -> Vec<Hit> {
    let mut hits = Vec::new();
    for w in &ctx.model.workloads {
        for c in &w.containers {
            for req in c
                .requests
                .iter()
                .filter(|a| is_accelerator_resource(&a.resource))
            {
                let limit = c.limit(&req.resource);
                if limit.is_some_and(|l| l.value == req.value) {
                    continue;
                }
                let (what, fix) = match limit {
                    None => (
                        "no limit".to_string(),
                        format!(
                            "add `{}: {}` under `limits`",
                            req.resource,
                            crate::model::units::amount(req.value)
                        ),
                    ),
                    Some(l) => (
                        format!("a limit of {}", crate::model::units::amount(l.value)),
                        "set the request and the limit to the same count (or keep only the limit)"
                            .to_string(),
                    ),
                };
                hits.push(
                    workload_hit(
                        w,
                        req.node.span(),
                        format!(
                            "container `{}` of {} requests {} `{}` with {what}; the API server rejects accelerator requests that differ from their limit, so the workload never starts while its GPU nodes may already be paid for",
                            c.name,
                            describe(w),
                            crate::model::units::amount(req.value),
                            req.resource
                        ),
                    )
                    .help(fix)
                    .gpu(true),
                );
            }
        }
    }
    hits
}
