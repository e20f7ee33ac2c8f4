//! The replay table: one row per workload with a profile, rendered for a terminal, JSON,
//! Markdown (pull-request comments) or CSV (spreadsheets).

use super::attach::Attached;
use super::confidence::Coverage;
use super::recommend::{recommend, Params};
use crate::model::ModelSet;

/// Quantiles of one GPU.
#[derive(Debug, Clone, serde::Serialize)]
pub struct GpuRow {
    pub id: String,
    pub model: Option<String>,
    pub p50_utilization: Option<f64>,
    pub p95_utilization: Option<f64>,
    pub p99_utilization: Option<f64>,
    pub max_utilization: Option<f64>,
    pub p99_memory_gib: Option<f64>,
    pub peak_memory_gib: f64,
    pub memory_total_gib: Option<f64>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct ReplayRow {
    pub workload: String,
    pub namespace: Option<String>,
    pub gpu_model: Option<String>,
    pub samples: u64,
    pub duration_hours: f64,
    /// `high` or `low`: low under 24 hours, 100 samples per GPU, 80% coverage, or
    /// without memory samples.
    pub confidence: &'static str,
    pub confidence_reasons: Vec<String>,
    pub coverage: Option<Coverage>,
    pub p50_utilization: Option<f64>,
    pub p95_utilization: Option<f64>,
    pub p99_utilization: Option<f64>,
    pub max_utilization: Option<f64>,
    /// The busiest GPU's p99 of 5-minute (`sustained_window_minutes`) means.
    pub sustained_utilization: Option<f64>,
    pub sustained_window_minutes: f64,
    pub p50_memory_gib: Option<f64>,
    pub p95_memory_gib: Option<f64>,
    pub p99_memory_gib: Option<f64>,
    pub peak_memory_gib: f64,
    pub gpus: usize,
    pub gpus_busy: usize,
    pub current: Option<String>,
    /// What one replica costs an hour today: the node, or its GPUs' share of a node
    /// other pods use too.
    pub current_usd_hour_per_replica: Option<f64>,
    pub recommended: Option<String>,
    /// Target over current GPU speed (the smaller of the bandwidth and tensor ratios)
    /// when the GPU model changes.
    pub speed_ratio: Option<f64>,
    pub cpu_fallback: Option<String>,
    pub replicas: u32,
    pub savings_usd_month: Option<f64>,
    /// What to check before acting (speed, number formats), and why nothing is
    /// recommended when the evidence contradicts itself.
    pub caveats: Vec<String>,
    pub notes: Vec<String>,
    pub per_gpu: Vec<GpuRow>,
    #[serde(skip)]
    pub current_gpu_memory_mib: Option<f64>,
    #[serde(skip)]
    pub recommended_gpu_memory_mib: Option<f64>,
}

impl ReplayRow {
    /// For a workload whose instance type is not known: the type its recommendation was
    /// weighed against is an assumption, so no current instance, price or saving is
    /// shown; `why` says so, and how to get them.
    pub fn unpriced(&mut self, why: String) {
        self.current = None;
        self.current_usd_hour_per_replica = None;
        self.savings_usd_month = None;
        self.notes.push(why);
    }
}

pub fn rows(model: &ModelSet, profiles: &[Attached], params: &Params) -> Vec<ReplayRow> {
    let gib = |m: f64| m / 1024.0;
    profiles
        .iter()
        .map(|a| {
            let w = &model.workloads[a.workload];
            let p = &a.profile;
            let r = recommend(model, a.workload, p, params);
            let replicas = r.replicas;
            let per_gpu = p
                .gpus
                .iter()
                .map(|(id, g)| GpuRow {
                    id: id.clone(),
                    model: g.name.clone(),
                    p50_utilization: g.util_quantile(0.50),
                    p95_utilization: g.util_quantile(0.95),
                    p99_utilization: g.util_quantile(0.99),
                    max_utilization: (g.util_samples > 0).then_some(g.max_util),
                    p99_memory_gib: g.mem_quantile(0.99).map(gib),
                    peak_memory_gib: gib(g.peak_mem_mib),
                    memory_total_gib: g.memory_total_mib.map(gib),
                })
                .collect();
            let gpu_mem = |t: Option<&crate::catalog::InstanceType>| {
                t.filter(|t| t.gpu_memory_mib > 0)
                    .map(|t| t.gpu_memory_mib as f64)
            };
            ReplayRow {
                workload: w.name.clone(),
                namespace: w.namespace.clone(),
                gpu_model: p.model_name().map(str::to_string),
                samples: p.samples,
                duration_hours: p.duration_s() / 3600.0,
                confidence: r.confidence.level(),
                confidence_reasons: r.confidence.reasons.clone(),
                coverage: r.coverage.clone(),
                p50_utilization: p.util_quantile(0.50),
                p95_utilization: r.p95_util,
                p99_utilization: p.util_quantile(0.99),
                max_utilization: p.util_quantile(1.0),
                sustained_utilization: r.sustained_util,
                sustained_window_minutes: params.sustained_window_s / 60.0,
                p50_memory_gib: p.mem_quantile(0.50).map(gib),
                p95_memory_gib: p.mem_quantile(0.95).map(gib),
                p99_memory_gib: r.p99_mem_mib.map(gib),
                peak_memory_gib: gib(p.peak_mem_mib()),
                gpus: r
                    .current
                    .as_ref()
                    .map_or(p.gpus_per_pod(), |c| c.gpus_per_pod),
                gpus_busy: r.gpus_busy,
                current: r.current_type().map(|t| t.name.clone()),
                current_usd_hour_per_replica: r.current.as_ref().map(|c| c.usd_hour_per_replica),
                recommended: r.recommended.map(|t| t.name.clone()),
                speed_ratio: r.speed.as_ref().map(|s| s.ratio()),
                cpu_fallback: r.cpu_fallback.map(|t| t.name.clone()),
                replicas,
                savings_usd_month: r.monthly_savings(),
                caveats: r.caveats(),
                notes: r.notes.clone(),
                per_gpu,
                current_gpu_memory_mib: gpu_mem(r.current_type()),
                recommended_gpu_memory_mib: gpu_mem(r.recommended),
            }
        })
        .collect()
}
