//! The replay table (`skinflint replay`): human, markdown and CSV renderings of the rows
//! `profile::table` computes, with the assumptions behind each dollar figure.

use crate::catalog::{usd, HOURS_PER_MONTH};
use crate::profile::recommend::Params;
use crate::profile::table::ReplayRow;

/// The assumptions behind the table; what low confidence means only when a row has it.
fn footer(rows: &[ReplayRow], params: &Params) -> String {
    let low = if rows.iter().any(|r| r.confidence == "low") {
        " Low confidence (under 24 h, 100 samples per GPU or 80% coverage, or no memory samples): not a basis for a move."
    } else {
        ""
    };
    format!(
        "Savings: (today's cost per replica − the recommended instance's price) × replicas × {HOURS_PER_MONTH:.0} h at {}; \
         a replica sharing a node with other pods costs its GPUs' share of the node. GPU memory headroom {:.0}%; \
         the recommended GPU keeps the busiest {:.0}-minute windows (p99), scaled by the speed ratio, under {:.0}%. \
         Utilisation quantiles are the busiest GPU's, to ±0.1 percentage point.{low}\n",
        crate::catalog::price_source(),
        params.memory_headroom * 100.0,
        params.sustained_window_s / 60.0,
        params.max_sustained_util
    )
}

/// Caveats and notes under a row, indented by `indent`.
fn remarks(r: &ReplayRow, indent: &str) -> String {
    let mut s = String::new();
    if r.confidence == "low" {
        s.push_str(&format!(
            "{indent}low confidence: {}\n",
            r.confidence_reasons.join(", ")
        ));
    }
    for c in r.caveats.iter().chain(&r.notes) {
        s.push_str(&format!("{indent}{c}\n"));
    }
    s
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

pub fn human(rows: &[ReplayRow], params: &Params) -> String {
    let width = rows
        .iter()
        .map(|r| r.full_name().chars().count())
        .chain([8])
        .max()
        .unwrap_or(8);
    let mut s = format!(
        "{:<width$} {:>9} {:>7} {:>17} {:>9} {:>5}  {:<14} {:<14} {:>10}  {}\n",
        "workload",
        "samples",
        "hours",
        "util p50/p95/max",
        "p99 mem",
        "busy",
        "current",
        "recommended",
        "$/month",
        "confidence"
    );
    for r in rows {
        s.push_str(&format!(
            "{:<width$} {:>9} {:>7.1} {:>17} {:>9} {:>2}/{:<2}  {:<14} {:<14} {:>10}  {}\n",
            r.full_name(),
            r.samples,
            r.duration_hours,
            r.util_cell("/"),
            gib_cell(r.p99_memory_gib),
            r.gpus_busy,
            r.gpus,
            dash(&r.current),
            dash(&r.recommended),
            money(r.savings_usd_month),
            r.confidence
        ));
        if let Some(cpu) = &r.cpu_fallback {
            s.push_str(&format!("{:<width$} GPU barely used: try CPU instance {cpu} (a suggestion: check latency first)\n", ""));
        }
        s.push_str(&remarks(r, &format!("{:<width$} ", "")));
    }
    s.push_str(&footer(rows, params));
    s
}

pub fn markdown(rows: &[ReplayRow], params: &Params) -> String {
    let mut s = String::from(
        "| workload | samples | hours | util p50 / p95 / max | p99 memory | GPUs busy | current | recommended | $/month | confidence |\n\
         |---|---:|---:|---:|---:|---:|---|---|---:|---|\n",
    );
    let cell = |t: &str| t.replace('|', "\\|");
    for r in rows {
        s.push_str(&format!(
            "| `{}` | {} | {:.1} | {} | {} | {}/{} | {} | {} | {} | {} |\n",
            cell(&r.full_name()),
            r.samples,
            r.duration_hours,
            r.util_cell(" / "),
            gib_cell(r.p99_memory_gib),
            r.gpus_busy,
            r.gpus,
            cell(dash(&r.current)),
            cell(dash(&r.recommended)),
            money(r.savings_usd_month),
            r.confidence
        ));
    }
    s.push('\n');
    for r in rows {
        let text = remarks(r, "");
        for line in text.lines() {
            s.push_str(&format!("- `{}`: {}\n", cell(&r.full_name()), cell(line)));
        }
    }
    if rows.iter().any(|r| !remarks(r, "").is_empty()) {
        s.push('\n');
    }
    s.push_str(&footer(rows, params));
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
         p99_memory_gib,peak_memory_gib,gpus,gpus_busy,replicas,current,recommended,cpu_fallback,savings_usd_month,\
         confidence,coverage,sustained_utilization,p50_memory_gib,p95_memory_gib,speed_ratio\n",
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
                r.confidence.to_string(),
                opt(r.coverage.as_ref().map(|c| c.fraction())),
                one(r.sustained_utilization),
                opt(r.p50_memory_gib),
                opt(r.p95_memory_gib),
                opt(r.speed_ratio),
            ]
            .join(","),
        );
        s.push('\n');
    }
    s
}
