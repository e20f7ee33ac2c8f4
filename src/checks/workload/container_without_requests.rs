//! `container-without-requests`: Karpenter sizes nodes from requests alone; a container
//! without cpu or memory requests is packed as if it needed nothing, and the node it
//! lands on is chosen (and paid for) blind. A pod is sized by the larger of its largest
//! init container and the sum of the others, so an init container is only blind on a
//! resource no long-running container requests. Spark's driver and executor containers in
//! a pod template get their requests from the Spark configuration, which overwrites the
//! template's.

use super::{describe, workload_hit};
use crate::checks::CheckCtx;
use crate::model::workload::{Container, Workload, WorkloadKind};
use crate::rule::Hit;

/// Spark's default names for the container it builds the driver or executor from; Spark
/// overwrites that container's cpu and memory requests from `spark.driver.*` and
/// `spark.executor.*` whatever the pod template says.
const SPARK_CONTAINERS: &[&str] = &["spark-kubernetes-driver", "spark-kubernetes-executor"];

/// Whether the pod is sized for `resource` without this container's request: it is a
/// plain init container and a container running for the pod's life requests it.
fn covered_by_long_running(w: &Workload, c: &Container, resource: &str) -> bool {
    c.init
        && !c.sidecar
        && w.containers
            .iter()
            .any(|o| (!o.init || o.sidecar) && o.effective(resource).is_some_and(|v| v > 0.0))
}

pub fn run(ctx: &CheckCtx) -> Vec<Hit> {
    let mut hits = Vec::new();
    for w in &ctx.model.workloads {
        // KServe's webhook gives InferenceService containers default requests.
        if w.kind == WorkloadKind::InferenceService {
            continue;
        }
        for c in &w.containers {
            if w.kind == WorkloadKind::Pod && SPARK_CONTAINERS.contains(&c.name.as_str()) {
                continue;
            }
            let missing: Vec<&str> = ["cpu", "memory"]
                .into_iter()
                .filter(|r| c.effective(r).is_none() && !covered_by_long_running(w, c, r))
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
