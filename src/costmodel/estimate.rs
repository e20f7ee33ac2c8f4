//! `skinflint cost PATH…`: a monthly estimate per node pool (its limit as the ceiling) and
//! per workload (replicas, or autoscaler minimum and maximum, times its share of the
//! cheapest instance that fits it), with every assumption stated.

use super::HOURS_PER_MONTH;
use crate::catalog::requirements::evaluate;
use crate::catalog::{catalog, fit, names, price_source, usd, InstanceType, PodRequests};
use crate::model::{ModelSet, NodePool, Workload, WorkloadKind};
use crate::source::Loaded;
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct PoolEstimate {
    pub name: String,
    pub file: String,
    /// The most the pool may cost a month when it fills its limit; None when unlimited.
    pub ceiling_usd_month: Option<f64>,
    pub basis: String,
}

#[derive(Debug, Serialize)]
pub struct WorkloadEstimate {
    pub name: String,
    pub kind: String,
    pub file: String,
    pub instance: Option<String>,
    pub replicas_min: i64,
    /// None when nothing caps the replicas (an autoscaler without `maxReplicas`).
    pub replicas_max: Option<i64>,
    pub usd_month_min: Option<f64>,
    /// None when unbounded or when no instance fits.
    pub usd_month_max: Option<f64>,
    pub spot: bool,
}

#[derive(Debug, Serialize)]
pub struct Estimate {
    pub pools: Vec<PoolEstimate>,
    pub workloads: Vec<WorkloadEstimate>,
    pub total_usd_month_min: f64,
    /// None when a workload has no replica maximum.
    pub total_usd_month_max: Option<f64>,
    pub assumptions: String,
}

fn units(t: &InstanceType, resource: &str) -> f64 {
    match resource {
        "cpu" => t.vcpu as f64,
        r => t.units_of(r),
    }
}

/// The share of a node of type `t` one pod takes (the largest of its cpu, memory and
/// accelerator fractions of what the node offers pods), or None when it does not fit.
fn share(t: &InstanceType, pod: &PodRequests) -> Option<f64> {
    fit(t, pod).ok()?;
    let (cpu, mem) = t
        .allocatable
        .map_or((t.vcpu as f64 * 1000.0, t.memory_mib as f64), |a| {
            (a.cpu_millicores as f64, a.memory_mib as f64)
        });
    let mut s: f64 = (pod.cpu_millicores / cpu).max(pod.memory_mib / mem);
    for (r, n) in &pod.accelerators {
        s = s.max(n / t.units_of(r));
    }
    Some(s.max(0.01))
}

/// The instance types the workload's node requirements allow, judged once per workload:
/// the requirements the catalog can evaluate, and GPU Feature Discovery's
/// `nvidia.com/gpu.product` (for example `NVIDIA-A10G`, `Tesla-T4`), which names the GPU
/// model as the NVIDIA driver reports it. `None` when nothing narrows the catalog.
fn pod_allowed(w: &Workload) -> Option<std::collections::HashSet<&'static str>> {
    let reqs: Vec<_> = w.node_selector.iter().collect();
    let judged = crate::model::relations::catalog_reqs(&reqs);
    let products: Vec<_> = w
        .node_selector
        .iter()
        .filter(|r| r.key == "nvidia.com/gpu.product" && r.operator == "In")
        .collect();
    if judged.is_empty() && products.is_empty() {
        return None;
    }
    let base: Vec<&'static InstanceType> = if judged.is_empty() {
        catalog().types.iter().collect()
    } else {
        evaluate(&judged).types.to_vec()
    };
    Some(
        base.into_iter()
            .filter(|t| {
                products.iter().all(|r| {
                    r.values
                        .iter()
                        .any(|v| names::gpu_product_matches(v, &t.gpu_name, t.gpu_memory_mib))
                })
            })
            .map(|t| t.name.as_str())
            .collect(),
    )
}

fn pool_ceiling(p: &NodePool, spot_discount: f64) -> (Option<f64>, String) {
    let res = p.scarce_resource();
    let Some(cap) = p.cap_on(res) else {
        return (None, format!("no `{res}` limit: unbounded"));
    };
    let worst = p
        .instances
        .types
        .iter()
        .filter(|t| units(t, res) > 0.0)
        .filter_map(|t| Some((t, t.on_demand_usd_hour()? / units(t, res))))
        .max_by(|a, b| a.1.partial_cmp(&b.1).unwrap_or(std::cmp::Ordering::Equal));
    let Some((t, per_unit)) = worst else {
        return (None, "no priced instance type".to_string());
    };
    let ct = p.capacity_types();
    let factor = if ct.spot && !ct.on_demand {
        spot_discount
    } else {
        1.0
    };
    (
        Some(cap * per_unit * HOURS_PER_MONTH * factor),
        format!(
            "{} `{res}` × {} per unit ({}){}",
            crate::model::units::amount(cap),
            usd(per_unit),
            t.name,
            if factor < 1.0 {
                format!(" × spot {spot_discount}")
            } else {
                String::new()
            }
        ),
    )
}

/// Pods as the workload runs them: replicas (autoscaler bounds, its own bounds, static
/// replicas, or one) times the pods each replica runs; no maximum when the autoscaler sets
/// none.
fn replicas(model: &ModelSet, wi: usize, w: &Workload) -> (i64, Option<i64>) {
    let (lo, hi) = replica_bounds(model, wi, w);
    (lo * w.pods_per_replica, hi.map(|h| h * w.pods_per_replica))
}

fn replica_bounds(model: &ModelSet, wi: usize, w: &Workload) -> (i64, Option<i64>) {
    if let Some(a) = model.relations.autoscalers[wi].first() {
        let a = &model.autoscalers[*a];
        let lo = a.min_replicas().max(0);
        return (lo, a.max_replicas().map(|hi| hi.max(lo)));
    }
    if w.bounds_enforced {
        let lo = w.own_min_replicas().max(0);
        let hi = w
            .max_replicas
            .as_ref()
            .map_or(w.static_replicas().max(lo), |f| f.value.max(lo));
        return (lo, Some(hi));
    }
    let n = w.static_replicas().max(0);
    (n, Some(n))
}

/// Whether the pod asks for arm64 nodes.
fn wants_arm(w: &Workload) -> bool {
    w.node_selector
        .iter()
        .any(|r| r.key == "kubernetes.io/arch" && r.values.iter().any(|v| v == "arm64"))
}

pub fn estimate(files: &[Loaded], spot_discount: f64) -> Estimate {
    let model = ModelSet::build(files);
    let path = |f: usize| model.files[f].file.path.clone();
    let pools: Vec<PoolEstimate> = model
        .node_pools
        .iter()
        .map(|p| {
            let (ceiling, basis) = pool_ceiling(p, spot_discount);
            PoolEstimate {
                name: p.name.clone(),
                file: path(p.file),
                ceiling_usd_month: ceiling,
                basis,
            }
        })
        .collect();
    let mut workloads = Vec::new();
    for (wi, w) in model.workloads.iter().enumerate() {
        if w.kind == WorkloadKind::DaemonSet {
            continue; // runs once per node; priced with the nodes
        }
        let candidates: Vec<&InstanceType> = if model.relations.hosts(wi).is_empty() {
            catalog()
                .types
                .iter()
                .filter(|t| t.arch == "amd64" || wants_arm(w))
                .collect()
        } else {
            model.host_types(wi)
        };
        let pod = w.pod_requests();
        let allowed = pod_allowed(w);
        let best = candidates
            .iter()
            .filter(|t| allowed.as_ref().is_none_or(|a| a.contains(t.name.as_str())))
            .filter_map(|t| Some((*t, t.on_demand_usd_hour()? * share(t, &pod)?)))
            .min_by(|a, b| {
                a.1.partial_cmp(&b.1)
                    .unwrap_or(std::cmp::Ordering::Equal)
                    .then_with(|| a.0.name.cmp(&b.0.name))
            });
        let (lo, hi) = replicas(&model, wi, w);
        let spot = model.relations.spot_exposed[wi];
        let factor = if spot { spot_discount } else { 1.0 };
        let monthly = |n: i64| best.map(|(_, hourly)| hourly * n as f64 * HOURS_PER_MONTH * factor);
        workloads.push(WorkloadEstimate {
            name: w.name.clone(),
            kind: w.kube_kind().to_string(),
            file: path(w.file),
            instance: best.map(|(t, _)| t.name.clone()),
            replicas_min: lo,
            replicas_max: hi,
            usd_month_min: monthly(lo),
            usd_month_max: hi.and_then(monthly),
            spot,
        });
    }
    let total_min = workloads.iter().filter_map(|w| w.usd_month_min).sum();
    // A workload without a maximum leaves the total without one too.
    let total_max = workloads
        .iter()
        .filter(|w| w.usd_month_min.is_some())
        .map(|w| w.usd_month_max)
        .sum::<Option<f64>>();
    Estimate {
        pools,
        workloads,
        total_usd_month_min: total_min,
        total_usd_month_max: total_max,
        assumptions: format!(
            "{}, 730 hours a month, spot at {spot_discount} of on-demand; a workload pays its share (cpu, memory or accelerators, whichever is largest, of what the node offers pods after Karpenter's overhead) of the cheapest instance type that fits it among the pools that can host it",
            price_source()
        ),
    }
}
