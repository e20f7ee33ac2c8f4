//! `gpu-workload-without-autoscaler`: a GPU serving workload pinned at several replicas
//! pays for peak capacity around the clock. Not for batch kinds (they have no traffic to
//! follow and stop when done), nor at the redundancy minimum, which an autoscaler would
//! keep anyway.

use super::{workload_hit, ScaleUnit};
use crate::catalog::{price_basis, usd, HOURS_PER_MONTH};
use crate::checks::CheckCtx;
use crate::model::workload::Purpose;
use crate::model::{Workload, WorkloadKind};
use crate::rule::Hit;

/// Hours a month at peak in the seed's estimator: 4 hours a day, 30 days.
const PEAK_HOURS: f64 = 120.0;
/// The replica floor the seed's autoscaler keeps.
const SEED_MIN_REPLICAS: i64 = 2;

/// What an autoscaler at the seed's minimum outside peak hours would save, priced per
/// accelerator on the cheapest instance type that fits (hosting pools' types when known).
/// `per_replica` is the accelerators of `res` one replica holds over all its pods.
fn savings(
    ctx: &CheckCtx,
    wi: usize,
    w: &Workload,
    replicas: i64,
    res: &str,
    per_replica: f64,
) -> Option<(f64, String)> {
    if replicas <= SEED_MIN_REPLICAS {
        return None;
    }
    let per_pod = w
        .accelerator_demand()
        .into_iter()
        .find(|(r, _)| r == res)?
        .1;
    let hosts = &ctx.model.relations.hosts(wi);
    let pools: Vec<&crate::model::NodePool> = hosts
        .iter()
        .map(|p| &ctx.model.node_pools[*p as usize])
        .collect();
    let candidates: Vec<&crate::catalog::InstanceType> = if pools.is_empty() {
        // No pool in the checked files: price on the types the pod's own requirements
        // allow (amd64 unless it asks otherwise); a label skinflint cannot resolve (such
        // as GPU feature discovery's product name) means no estimate rather than a wrong one.
        let reqs: Vec<&crate::model::workload::NodeReq> = w
            .node_selector
            .iter()
            .chain(w.affinity_terms.iter().flatten().flatten())
            .collect();
        use crate::catalog::requirements::{evaluate, is_instance_key, Req};
        let known = |k: &str| {
            is_instance_key(k)
                || k == "kubernetes.io/arch"
                || k.starts_with("karpenter.sh/")
                || k.starts_with("topology.")
                || k == "kubernetes.io/os"
        };
        if reqs.iter().any(|r| !known(&r.key)) {
            return None;
        }
        let mut cat = crate::model::relations::catalog_reqs(&reqs);
        if !cat.iter().any(|r| r.key == "kubernetes.io/arch") {
            cat.push(Req {
                key: "kubernetes.io/arch",
                operator: "In",
                values: vec!["amd64"],
            });
        }
        evaluate(&cat).types.to_vec()
    } else {
        pools
            .iter()
            .flat_map(|p| p.instances.types.iter().copied())
            .collect()
    };
    let (t, per_unit) = candidates
        .into_iter()
        .filter(|t| t.accelerator_resource == res && t.accelerator_count() as f64 >= per_pod)
        .filter_map(|t| Some((t, t.on_demand_usd_hour()? / t.accelerator_count() as f64)))
        .min_by(|a, b| a.1.partial_cmp(&b.1).unwrap_or(std::cmp::Ordering::Equal))?;
    let idle = (replicas - SEED_MIN_REPLICAS) as f64;
    let month = idle * per_replica * per_unit * (HOURS_PER_MONTH - PEAK_HOURS);
    Some((
        month,
        format!(
            "; scaling to {SEED_MIN_REPLICAS} replicas outside 4 peak hours a day would save about {} a month (assumes {} per `{res}` on {}; {})",
            usd(month),
            usd(per_unit),
            t.name,
            price_basis()
        ),
    ))
}

/// The parameters, declared with their defaults in the rule file.
#[derive(serde::Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Params {
    max_static_replicas: i64,
}

pub fn run(ctx: &CheckCtx) -> Vec<Hit> {
    let Some(p) = crate::checks::params::<Params>(ctx) else {
        return Vec::new();
    };
    let max_static = p.max_static_replicas;
    let model = ctx.model;
    let rel = &model.relations;
    let mut hits = Vec::new();
    for (wi, w) in model.workloads.iter().enumerate() {
        // Serving and long-running kinds; a bare ReplicaSet is almost always a
        // Deployment's, which is where an autoscaler belongs.
        if !matches!(w.kind.purpose(), Purpose::Serving | Purpose::LongRunning)
            || w.kind == WorkloadKind::ReplicaSet
        {
            continue;
        }
        let Some(unit) = ScaleUnit::of(model, wi) else {
            continue;
        };
        let members: Vec<&Workload> = unit.members.iter().map(|i| &model.workloads[*i]).collect();
        if unit.per_replica.is_empty()
            || unit.members.iter().any(|i| !rel.autoscalers[*i].is_empty())
            || members.iter().any(|m| m.scales_itself())
        {
            continue;
        }
        let replicas = w.static_replicas();
        if replicas <= max_static {
            continue;
        }
        let anchor = w
            .replicas
            .as_ref()
            .or(w.min_replicas.as_ref())
            .map(|f| f.node.span())
            .unwrap_or_else(|| w.spec.unwrap_or(w.root).key_span());
        let fix = match w.kind {
            WorkloadKind::InferenceService => {
                "set `maxReplicas` above `minReplicas` (and a scale metric) so KServe scales with traffic"
            }
            WorkloadKind::RayCluster | WorkloadKind::RayService => {
                "enable Ray's autoscaler (`enableInTreeAutoscaling: true`) and give the group `minReplicas` and `maxReplicas`, so idle GPU workers are released"
            }
            _ => {
                "add a HorizontalPodAutoscaler or KEDA ScaledObject targeting it (the seed's policy: min 2, max 20, 70% target utilisation)"
            }
        };
        let estimate = unit.per_replica.first().and_then(|(res, n)| {
            let m = unit.members.iter().find(|i| {
                model.workloads[**i]
                    .accelerator_demand()
                    .iter()
                    .any(|(r, _)| r == res)
            })?;
            savings(ctx, *m, &model.workloads[*m], replicas, res, *n)
        });
        let mut hit = workload_hit(
            w,
            anchor,
            format!(
                "{} runs {} with no autoscaler, so it pays for peak GPU capacity around the clock, including nights and weekends{}",
                unit.shown,
                unit.replicas_text(replicas),
                estimate.as_ref().map(|(_, text)| text.as_str()).unwrap_or("")
            ),
        )
        .help(fix)
        .gpu(true);
        hit.savings_usd_month = estimate.map(|(usd, _)| usd);
        hits.push(hit);
    }
    hits
}
