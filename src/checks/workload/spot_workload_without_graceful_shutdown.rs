//! `spot-workload-without-graceful-shutdown`: spot capacity is reclaimed with a 120 s
//! notice; a pod must drain in-flight requests within it (the seed's handler waits up
//! to 120 s), or requests fail and retries land on pricier capacity. Only serving
//! workloads have in-flight requests: batch pods are retried or resume from a checkpoint.

use super::{describe, workload_hit};
use crate::checks::CheckCtx;
use crate::rule::Hit;

/// The spot interruption notice, in seconds.
const SPOT_NOTICE: i64 = 120;
/// Kubernetes' default grace period.
const DEFAULT_GRACE: i64 = 30;

/// The parameters, declared with their defaults in the rule file.
#[derive(serde::Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Params {
    min_grace_seconds: i64,
}

pub fn run(ctx: &CheckCtx) -> Vec<Hit> {
    let Some(p) = crate::checks::params::<Params>(ctx) else {
        return Vec::new();
    };
    let min_grace = p.min_grace_seconds;
    let model = ctx.model;
    let mut hits = Vec::new();
    for (wi, w) in model.workloads.iter().enumerate() {
        if !model.relations.spot_exposed[wi] || !w.kind.is_serving() {
            continue;
        }
        let grace = w.grace_period.as_ref().map_or(DEFAULT_GRACE, |g| g.value);
        let pre_stop = w
            .containers
            .iter()
            .any(|c| (!c.init || c.sidecar) && c.pre_stop);
        let span = w
            .grace_period
            .as_ref()
            .map(|g| g.node.span())
            .unwrap_or_else(|| w.pod_anchor().key_span());
        if grace > SPOT_NOTICE {
            hits.push(
                workload_hit(
                    w,
                    span,
                    format!(
                        "{} runs on spot capacity with terminationGracePeriodSeconds {grace}, longer than the {SPOT_NOTICE} s spot interruption notice: the node is gone before the pod finishes draining",
                        describe(w)
                    ),
                )
                .help(format!("drain within the notice: set terminationGracePeriodSeconds to at most {SPOT_NOTICE} (the seed's handler drains for up to 120 s)")),
            );
        } else if !pre_stop && grace < min_grace {
            hits.push(
                workload_hit(
                    w,
                    span,
                    format!(
                        "{} runs on spot capacity with no preStop hook and a {grace} s grace period{}, so an interruption cuts in-flight requests instead of draining them",
                        describe(w),
                        if w.grace_period.is_none() { " (the default)" } else { "" }
                    ),
                )
                .help(format!(
                    "add a `lifecycle.preStop` hook that stops accepting traffic, and set terminationGracePeriodSeconds between {min_grace} and {SPOT_NOTICE}"
                )),
            );
        }
    }
    hits
}
