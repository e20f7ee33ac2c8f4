//! Cost reports: the calculators of `skinflint cost` and the manifest estimate, each
//! figure with the assumptions behind it.

use crate::catalog::usd;
use crate::costmodel::estimate::Estimate;
use crate::costmodel::{Comparison, Efficiency, Monthly, PerMillion};

/// The seed's three lines, then the other metrics side by side.
pub fn comparison(c: &Comparison) -> String {
    let (b, o) = (&c.baseline, &c.optimized);
    format!(
        "Baseline: ${:.2}/M\nOptimized: ${:.2}/M\nImprovement: {:.1}x\n\
         predictions per dollar: {:.0} -> {:.0}\n\
         cost per accurate million: ${:.2} -> ${:.2}\n\
         cost × p99 latency (s): {:.2} -> {:.2}\n",
        b.cost_per_million_predictions,
        o.cost_per_million_predictions,
        c.improvement,
        b.predictions_per_dollar,
        o.predictions_per_dollar,
        b.cost_per_accurate_million,
        o.cost_per_accurate_million,
        b.cost_latency_product,
        o.cost_latency_product
    )
}

/// `cost per-million`: the figure and what it assumes.
pub fn per_million(
    r: &PerMillion,
    hourly_cost: f64,
    rps: f64,
    utilization: f64,
    instances: u32,
) -> String {
    format!(
        "cost per million predictions: ${:.2} ({} an hour × {instances} instance{}, {rps} requests/s at {:.0}% utilization)\n",
        r.cost_per_million_predictions,
        usd(hourly_cost),
        if instances == 1 { "" } else { "s" },
        utilization * 100.0
    )
}

/// `cost monthly`: the seed's schedule (base 20 h a day, peak 4 h) spelled out.
pub fn monthly(m: &Monthly, hourly_cost: f64) -> String {
    format!(
        "monthly cost: ${:.2} ({} base instances 20 h a day, {} at peak 4 h a day, {} an hour each, 730 h a month)\ncost per million: ${:.3} over {:.0} predictions a month\n",
        m.monthly_cost, m.base_instances, m.peak_instances, usd(hourly_cost), m.cost_per_million, m.total_predictions
    )
}

/// `cost efficiency`: the seed's metrics, one a line.
pub fn efficiency(e: &Efficiency) -> String {
    format!(
        "cost per million predictions: ${:.2}\npredictions per dollar: {:.0}\npredictions per second per dollar-hour: {:.6}\ncost per accurate million: ${:.2}\ncost × p99 latency (s): {:.2}\n",
        e.cost_per_million_predictions, e.predictions_per_dollar, e.predictions_per_second_per_dollar, e.cost_per_accurate_million, e.cost_latency_product
    )
}

/// A monthly amount for the table: `$0` rather than `$0.000` for a workload at zero.
fn money(v: f64) -> String {
    if v == 0.0 {
        "$0".to_string()
    } else {
        usd(v)
    }
}

/// The estimate as a table, with its assumptions.
pub fn estimate(e: &Estimate) -> String {
    let mut s = String::new();
    if !e.pools.is_empty() {
        s.push_str("Node pools (monthly ceiling at their limits):\n");
        for p in &e.pools {
            s.push_str(&format!(
                "  {:<28} {:>12}  {}\n",
                p.name,
                p.ceiling_usd_month.map_or("unbounded".to_string(), usd),
                p.basis
            ));
        }
    }
    if !e.workloads.is_empty() {
        s.push_str("Workloads (monthly):\n");
        for w in &e.workloads {
            let amount = match (w.usd_month_min, w.usd_month_max) {
                (Some(a), Some(b)) if (a - b).abs() < 0.005 => money(a),
                (Some(a), Some(b)) => format!("{} to {}", money(a), money(b)),
                (Some(a), None) => format!("{} to unbounded", money(a)),
                _ => "no fitting instance".to_string(),
            };
            let reps = match w.replicas_max {
                Some(hi) if hi == w.replicas_min => {
                    format!("{} replica{}", hi, if hi == 1 { "" } else { "s" })
                }
                Some(hi) => format!("{}..{hi} replicas", w.replicas_min),
                None => format!("{}+ replicas (no maximum)", w.replicas_min),
            };
            s.push_str(&format!(
                "  {:<28} {:>22}  {} on {}{}\n",
                format!("{}/{}", w.kind, w.name),
                amount,
                reps,
                w.instance.as_deref().unwrap_or("-"),
                if w.spot { " (spot)" } else { "" }
            ));
        }
        s.push_str(&format!(
            "Total: {} to {} a month\n",
            money(e.total_usd_month_min),
            e.total_usd_month_max.map_or(
                "unbounded (a workload has no replica maximum)".to_string(),
                money
            )
        ));
    }
    s.push_str(&format!("Assumes {}.\n", e.assumptions));
    s
}
