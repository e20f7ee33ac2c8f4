//! The replay table: one row per workload with a profile, rendered for a terminal, JSON,
//! Markdown (pull-request comments) or CSV (spreadsheets).

use super::attach::Attached;
use super::recommend::{recommend, Params};
use crate::catalog::{usd, HOURS_PER_MONTH};
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
    pub p50_utilization: Option<f64>,
    pub p95_utilization: Option<f64>,
    pub p99_utilization: Option<f64>,
    pub max_utilization: Option<f64>,
    pub p99_memory_gib: Option<f64>,
    pub peak_memory_gib: f64,
    pub gpus: usize,
    pub gpus_busy: usize,
    pub current: Option<String>,
    pub recommended: Option<String>,
    pub cpu_fallback: Option<String>,
    pub replicas: u32,
    pub savings_usd_month: Option<f64>,
    pub per_gpu: Vec<GpuRow>,
    #[serde(skip)]
    pub current_gpu_memory_mib: Option<f64>,
    #[serde(skip)]
    pub recommended_gpu_memory_mib: Option<f64>,
}

pub fn rows(model: &ModelSet, profiles: &[Attached], headroom: f64) -> Vec<ReplayRow> {
    let gib = |m: f64| m / 1024.0;
    profiles
        .iter()
        .map(|a| {
            let w = &model.workloads[a.workload];
            let p = &a.profile;
            let params = Params {
                memory_headroom: headroom,
                ..Params::default()
            };
            let r = recommend(model, a.workload, p, &params);
            let replicas = w.static_replicas().max(1) as u32;
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
                p50_utilization: p.util_quantile(0.50),
                p95_utilization: r.p95_util,
                p99_utilization: p.util_quantile(0.99),
                max_utilization: p.util_quantile(1.0),
                p99_memory_gib: r.p99_mem_mib.map(gib),
                peak_memory_gib: gib(p.peak_mem_mib()),
                gpus: p.gpus_per_pod(),
                gpus_busy: r.gpus_busy,
                current: r.current.map(|t| t.name.clone()),
                recommended: r.recommended.map(|t| t.name.clone()),
                cpu_fallback: r.cpu_fallback.map(|t| t.name.clone()),
                replicas,
                savings_usd_month: r.monthly_savings(replicas),
                per_gpu,
                current_gpu_memory_mib: gpu_mem(r.current),
                recommended_gpu_memory_mib: gpu_mem(r.recommended),
            }
        })
        .collect()
}

fn footer(headroom: f64) -> String {
    format!(
        "Savings: price difference × replicas × {HOURS_PER_MONTH:.0} h at {}; \
         GPU memory headroom {:.0}%; utilisation quantiles are the busiest GPU's, to ±0.1 percentage point.\n",
        crate::catalog::price_source(),
        headroom * 100.0
    )
}

fn dash(v: &Option<String>) -> &str {
    v.as_deref().unwrap_or("-")
}

fn money(v: Option<f64>) -> String {
    v.map_or("-".to_string(), usd)
}

/// `12%`, or `-` when the profile had no such samples.
fn pct(v: Option<f64>) -> String {
    v.map_or("-".to_string(), |x| format!("{x:.0}%"))
}

fn gib_cell(v: Option<f64>) -> String {
    v.map_or("-".to_string(), |x| format!("{x:.1} GiB"))
}

impl ReplayRow {
    /// `namespace/workload`, as the user names it.
    pub fn full_name(&self) -> String {
        match &self.namespace {
            Some(ns) => format!("{ns}/{}", self.workload),
            None => self.workload.clone(),
        }
    }

    fn util_cell(&self, sep: &str) -> String {
        [
            self.p50_utilization,
            self.p95_utilization,
            self.max_utilization,
        ]
        .map(pct)
        .join(sep)
    }
}

pub fn human(rows: &[ReplayRow], headroom: f64) -> String {
    let width = rows
        .iter()
        .map(|r| r.full_name().chars().count())
        .chain([8])
        .max()
        .unwrap_or(8);
    let mut s = format!(
        "{:<width$} {:>9} {:>7} {:>17} {:>9} {:>5}  {:<14} {:<14} {:>10}\n",
        "workload",
        "samples",
        "hours",
        "util p50/p95/max",
        "p99 mem",
        "busy",
        "current",
        "recommended",
        "$/month"
    );
    for r in rows {
        s.push_str(&format!(
            "{:<width$} {:>9} {:>7.1} {:>17} {:>9} {:>2}/{:<2}  {:<14} {:<14} {:>10}\n",
            r.full_name(),
            r.samples,
            r.duration_hours,
            r.util_cell("/"),
            gib_cell(r.p99_memory_gib),
            r.gpus_busy,
            r.gpus,
            dash(&r.current),
            dash(&r.recommended),
            money(r.savings_usd_month)
        ));
        if let Some(cpu) = &r.cpu_fallback {
            s.push_str(&format!("{:<width$} GPU barely used: try CPU instance {cpu} (a suggestion: check latency first)\n", ""));
        }
    }
    s.push_str(&footer(headroom));
    s
}

pub fn markdown(rows: &[ReplayRow], headroom: f64) -> String {
    let mut s = String::from(
        "| workload | samples | hours | util p50 / p95 / max | p99 memory | GPUs busy | current | recommended | $/month |\n\
         |---|---:|---:|---:|---:|---:|---|---|---:|\n",
    );
    let cell = |t: &str| t.replace('|', "\\|");
    for r in rows {
        s.push_str(&format!(
            "| `{}` | {} | {:.1} | {} | {} | {}/{} | {} | {} | {} |\n",
            cell(&r.full_name()),
            r.samples,
            r.duration_hours,
            r.util_cell(" / "),
            gib_cell(r.p99_memory_gib),
            r.gpus_busy,
            r.gpus,
            cell(dash(&r.current)),
            cell(dash(&r.recommended)),
            money(r.savings_usd_month)
        ));
    }
    s.push('\n');
    s.push_str(&footer(headroom));
    s
}

pub fn csv(rows: &[ReplayRow]) -> String {
    let field = |t: &str| {
        if t.contains([',', '"', '\n']) {
            format!("\"{}\"", t.replace('"', "\"\""))
        } else {
            t.to_string()
        }
    };
    let opt = |v: Option<f64>| v.map_or(String::new(), |x| format!("{x:.2}"));
    let one = |v: Option<f64>| v.map_or(String::new(), |x| format!("{x:.1}"));
    let mut s = String::from(
        "namespace,workload,gpu_model,samples,duration_hours,p50_utilization,p95_utilization,p99_utilization,max_utilization,\
         p99_memory_gib,peak_memory_gib,gpus,gpus_busy,replicas,current,recommended,cpu_fallback,savings_usd_month\n",
    );
    for r in rows {
        s.push_str(
            &[
                field(r.namespace.as_deref().unwrap_or("")),
                field(&r.workload),
                field(r.gpu_model.as_deref().unwrap_or("")),
                r.samples.to_string(),
                format!("{:.2}", r.duration_hours),
                one(r.p50_utilization),
                one(r.p95_utilization),
                one(r.p99_utilization),
                one(r.max_utilization),
                opt(r.p99_memory_gib),
                format!("{:.2}", r.peak_memory_gib),
                r.gpus.to_string(),
                r.gpus_busy.to_string(),
                r.replicas.to_string(),
                field(r.current.as_deref().unwrap_or("")),
                field(r.recommended.as_deref().unwrap_or("")),
                field(r.cpu_fallback.as_deref().unwrap_or("")),
                opt(r.savings_usd_month),
            ]
            .join(","),
        );
        s.push('\n');
    }
    s
}
