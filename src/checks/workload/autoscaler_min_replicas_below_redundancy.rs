//! `autoscaler-min-replicas-below-redundancy`: a serving autoscaler allowed to scale to a
//! single replica leaves no redundancy for node replacement or spot interruptions.
//! Deliberate scale-to-zero (`minReplicaCount: 0`) is left alone.

use crate::checks::CheckCtx;
use crate::rule::Hit;

/// The parameters, declared with their defaults in the rule file.
#[derive(serde::Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Params {
    min_replicas: i64,
}

pub fn run(ctx: &CheckCtx) -> Vec<Hit> {
    let Some(p) = crate::checks::params::<Params>(ctx) else {
        return Vec::new();
    };
    let want = p.min_replicas;
    let model = ctx.model;
    let mut hits = Vec::new();
    for (ai, a) in model.autoscalers.iter().enumerate() {
        let targets = &model.relations.targets[ai];
        if targets
            .iter()
            .any(|wi| !model.workloads[*wi].kind.is_serving())
        {
            continue;
        }
        if a.min_replicas() == 0 {
            continue; // scale-to-zero, explicit or KEDA's default, is a deliberate choice
        }
        let min = a.min_replicas();
        if min >= want {
            continue;
        }
        let (span, shown) = match &a.min {
            Some(m) => (m.node.span(), format!("{min}")),
            None => (
                a.spec.unwrap_or(a.root).key_span(),
                format!("{min} (the default)"),
            ),
        };
        hits.push(
            Hit::new(
                a.file,
                span,
                format!(
                    "{} `{}` lets `{}` scale down to {shown} replica{}, so a node replacement or spot interruption takes the service down or forces an emergency scale-up on full-price capacity",
                    a.kind_name(),
                    a.name,
                    a.target_name,
                    if min == 1 { "" } else { "s" }
                ),
            )
            .resource(a.resource)
            .help(format!("set the minimum to at least {want}")),
        );
    }
    for w in &model.workloads {
        // The workload's own bounds, where its controller acts on them (KServe, Ray's
        // autoscaler) and it serves.
        if !w.kind.is_serving() || !w.bounds_enforced {
            continue;
        }
        let (Some(max), min) = (&w.max_replicas, w.min_replicas.as_ref()) else {
            continue;
        };
        let min_v = w.own_min_replicas();
        if max.value <= min_v || min_v >= want || min_v == 0 {
            continue;
        }
        let span = min
            .map(|m| m.node.span())
            .unwrap_or_else(|| max.node.key_span());
        hits.push(
            super::workload_hit(
                w,
                span,
                format!(
                    "{} may scale down to {min_v} replica, so a node replacement or spot interruption takes it down",
                    super::describe(w)
                ),
            )
            .help(format!("set `minReplicas` to at least {want}")),
        );
    }
    hits
}
