//! `container-without-requests`: Karpenter sizes nodes from requests alone; a container
//! without cpu or memory requests is packed as if it needed nothing, and the node it
//! lands on is chosen (and paid for) blind.

use super::{describe, workload_hit};
use crate::checks::CheckCtx;
use crate::engine::Hit;

pub fn run(ctx: &CheckCtx) -> Vec<Hit> {
    let mut hits = Vec::new();
    for w in &ctx.model.workloads {
        // KServe's webhook gives InferenceService containers default requests.
        if w.kind == crate::model::WorkloadKind::InferenceService {
            continue;
        }
        for c in &w.containers {
            let missing: Vec<&str> = ["cpu", "memory"]
                .into_iter()
                .filter(|r| c.effective(r).is_none())
                .collect();
            if missing.is_empty() {
                continue;
            }
            let anchor = c
                .requests_node
                .or(c.resources)
                .map(|n| n.key_span())
                .unwrap_or_else(|| {
                    c.node
                        .get("name")
                        .map(|n| n.key_span())
                        .unwrap_or_else(|| c.node.span())
                });
            let list = missing.join(" and ");
            hits.push(
                workload_hit(
                    w,
                    anchor,
                    format!(
                        "{}container `{}` of {} has no {list} request, so Karpenter and the scheduler size and pack its nodes as if it needed no {list}, which leads to wrong-sized (often oversized) nodes and noisy neighbours",
                        if c.init { "init " } else { "" },
                        c.name,
                        describe(w)
                    ),
                )
                .help(format!(
                    "set `resources.requests.{}` from observed usage (p95), e.g. {}",
                    missing[0],
                    if missing[0] == "cpu" { "`cpu: 500m`" } else { "`memory: 512Mi`" }
                )),
            );
        }
    }
    hits
}
