//! `skinflint cost PATH…`: a monthly estimate per node pool (its limit as the ceiling) and
//! per workload (replicas, or autoscaler minimum and maximum, times its share of the
//! cheapest instance that fits it), with every assumption stated.

use super::HOURS_PER_MONTH;
use crate::catalog::{catalog, usd, InstanceType, PRICE_SOURCE};
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
    pub replicas_max: i64,
    pub usd_month_min: Option<f64>,
    pub usd_month_max: Option<f64>,
    pub spot: bool,
}

#[derive(Debug, Serialize)]
pub struct Estimate {
    pub pools: Vec<PoolEstimate>,
    pub workloads: Vec<WorkloadEstimate>,
    pub total_usd_month_min: f64,
    pub total_usd_month_max: f64,
    pub assumptions: String,
}

fn units(t: &InstanceType, resource: &str) -> f64 {
    match resource {
        "cpu" => t.vcpu as f64,
        r if t.accelerator_resource == r => t.accelerator_count() as f64,
        _ => 0.0,
    }
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
        .filter_map(|t| Some((t, t.on_demand_usd_hour? / units(t, res))))
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
            crate::checks::karpenter::fmt_amount(cap),
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
/// replicas, or one) times the pods each replica runs.
fn replicas(model: &ModelSet, wi: usize, w: &Workload) -> (i64, i64) {
    let (lo, hi) = replica_bounds(model, wi, w);
    (lo * w.pods_per_replica, hi * w.pods_per_replica)
}

fn replica_bounds(model: &ModelSet, wi: usize, w: &Workload) -> (i64, i64) {
    let autos: Vec<(i64, i64)> = model.relations.autoscalers[wi]
        .iter()
        .map(|a| {
            let a = &model.autoscalers[*a];
            (
                a.min_replicas(),
                a.max_replicas().unwrap_or(a.min_replicas()),
            )
        })
        .collect();
    if let Some((lo, hi)) = autos.first() {
        return (*lo, *hi);
    }
    if w.bounds_enforced {
        let lo = w.own_min_replicas();
        let hi = w
            .max_replicas
            .as_ref()
            .map_or(w.static_replicas().max(lo), |f| f.value.max(lo));
        return (lo, hi);
    }
    let n = w.static_replicas();
    (n, n)
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
        let hosts = &model.relations.hosts[wi];
        let candidates: Vec<&InstanceType> = if hosts.is_empty() {
            catalog()
                .types
                .iter()
                .filter(|t| t.arch == "amd64")
                .collect()
        } else {
            hosts
                .iter()
                .flat_map(|h| model.node_pools[*h].instances.types.iter().copied())
                .collect()
        };
        let cpu = w.request_of("cpu");
        let mem = w.request_of("memory") / 1048576.0;
        let demand = w.accelerator_demand();
        let share = |t: &InstanceType| -> Option<f64> {
            let mut s: f64 = 0.0;
            if t.vcpu as f64 >= cpu {
                s = s.max(cpu / t.vcpu as f64);
            } else {
                return None;
            }
            if t.memory_mib as f64 >= mem {
                s = s.max(mem / t.memory_mib as f64);
            } else {
                return None;
            }
            for (r, n) in &demand {
                let u = units(t, r);
                if u < *n {
                    return None;
                }
                s = s.max(n / u);
            }
            Some(s.max(0.01))
        };
        let best = candidates
            .iter()
            .filter_map(|t| Some((*t, t.on_demand_usd_hour? * share(t)?)))
            .min_by(|a, b| a.1.partial_cmp(&b.1).unwrap_or(std::cmp::Ordering::Equal));
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
            usd_month_max: monthly(hi),
            spot,
        });
    }
    let total_min = workloads.iter().filter_map(|w| w.usd_month_min).sum();
    let total_max = workloads.iter().filter_map(|w| w.usd_month_max).sum();
    Estimate {
        pools,
        workloads,
        total_usd_month_min: total_min,
        total_usd_month_max: total_max,
        assumptions: format!(
            "{PRICE_SOURCE}s, 730 hours a month, spot at {spot_discount} of on-demand; a workload pays its share (cpu, memory or accelerators, whichever is largest) of the cheapest instance type that fits it among the pools that can host it"
        ),
    }
}

impl Estimate {
    pub fn to_text(&self) -> String {
        let mut s = String::new();
        if !self.pools.is_empty() {
            s.push_str("Node pools (monthly ceiling at their limits):\n");
            for p in &self.pools {
                s.push_str(&format!(
                    "  {:<28} {:>12}  {}\n",
                    p.name,
                    p.ceiling_usd_month.map_or("unbounded".to_string(), usd),
                    p.basis
                ));
            }
        }
        if !self.workloads.is_empty() {
            s.push_str("Workloads (monthly):\n");
            for w in &self.workloads {
                let money = match (w.usd_month_min, w.usd_month_max) {
                    (Some(a), Some(b)) if (a - b).abs() < 0.005 => usd(a),
                    (Some(a), Some(b)) => format!("{} to {}", usd(a), usd(b)),
                    _ => "no fitting instance".to_string(),
                };
                let reps = if w.replicas_min == w.replicas_max {
                    format!(
                        "{} replica{}",
                        w.replicas_min,
                        if w.replicas_min == 1 { "" } else { "s" }
                    )
                } else {
                    format!("{}..{} replicas", w.replicas_min, w.replicas_max)
                };
                s.push_str(&format!(
                    "  {:<28} {:>22}  {} on {}{}\n",
                    format!("{}/{}", w.kind, w.name),
                    money,
                    reps,
                    w.instance.as_deref().unwrap_or("-"),
                    if w.spot { " (spot)" } else { "" }
                ));
            }
            s.push_str(&format!(
                "Total: {} to {} a month\n",
                usd(self.total_usd_month_min),
                usd(self.total_usd_month_max)
            ));
        }
        s.push_str(&format!("Assumes {}.\n", self.assumptions));
        s
    }
}
