//! `skinflint cost`: the seed's calculators, or an estimate of what manifests cost.

use super::{json_line, write_out, RunError};
use crate::cli::{CostArgs, CostCalc, RulesFormat};
use crate::costmodel;
use crate::engine::{self, CheckRequest, ConfigChoice};
use crate::report::cost as report;

pub fn run(args: CostArgs) -> Result<u8, RunError> {
    let text = match args.calc {
        Some(calc) => calculate(calc)?,
        None => estimate(args.paths, args.spot_discount, args.format)?,
    };
    write_out(&text)?;
    Ok(0)
}

/// Inputs are validated by the argument parser; a result that is still missing or not
/// finite (an overflow) is an error rather than a misleading figure.
fn finite<T>(
    what: &str,
    value: Option<T>,
    figures: impl Fn(&T) -> Vec<f64>,
) -> Result<T, RunError> {
    let v = value.ok_or_else(|| {
        RunError::Compute(format!(
            "cannot compute {what}: check that the rates and counts are positive"
        ))
    })?;
    if figures(&v).iter().all(|x| x.is_finite()) {
        Ok(v)
    } else {
        Err(RunError::Compute(format!(
            "cannot compute {what}: the inputs overflow"
        )))
    }
}

fn render<T: serde::Serialize>(
    format: RulesFormat,
    value: &T,
    human: impl Fn(&T) -> String,
) -> String {
    match format {
        RulesFormat::Json => json_line(value),
        RulesFormat::Human => human(value),
    }
}

fn calculate(calc: CostCalc) -> Result<String, RunError> {
    Ok(match calc {
        CostCalc::PerMillion {
            hourly_cost,
            rps,
            utilization,
            instances,
            format,
        } => {
            let r = finite(
                "cost per million",
                costmodel::per_million(hourly_cost, rps, utilization, instances),
                |r| vec![r.cost_per_million_predictions],
            )?;
            render(format, &r, |r| {
                report::per_million(r, hourly_cost, rps, utilization, instances)
            })
        }
        CostCalc::Monthly {
            avg_rps,
            peak_multiplier,
            hourly_cost,
            capacity_rps,
            min_instances,
            utilization_target,
            format,
        } => {
            let m = finite(
                "the monthly estimate",
                costmodel::monthly(
                    avg_rps,
                    peak_multiplier,
                    hourly_cost,
                    capacity_rps,
                    min_instances,
                    utilization_target,
                ),
                |m| vec![m.monthly_cost, m.cost_per_million],
            )?;
            render(format, &m, |m| report::monthly(m, hourly_cost))
        }
        CostCalc::Efficiency {
            monthly_cost,
            monthly_predictions,
            latency_p99_ms,
            accuracy,
            format,
        } => {
            let e = finite(
                "efficiency",
                costmodel::efficiency(monthly_cost, monthly_predictions, latency_p99_ms, accuracy),
                |e| {
                    vec![
                        e.cost_per_million_predictions,
                        e.predictions_per_dollar,
                        e.cost_latency_product,
                    ]
                },
            )?;
            render(format, &e, report::efficiency)
        }
        CostCalc::Compare {
            baseline_cost,
            baseline_predictions,
            baseline_latency_ms,
            baseline_accuracy,
            optimized_cost,
            optimized_predictions,
            optimized_latency_ms,
            optimized_accuracy,
            format,
        } => {
            let side = |what: &str, e| finite(what, e, |_: &costmodel::Efficiency| Vec::new());
            let baseline = side(
                "the baseline",
                costmodel::efficiency(
                    baseline_cost,
                    baseline_predictions,
                    baseline_latency_ms,
                    baseline_accuracy,
                ),
            )?;
            let optimized = side(
                "the optimized deployment",
                costmodel::efficiency(
                    optimized_cost,
                    optimized_predictions,
                    optimized_latency_ms,
                    optimized_accuracy,
                ),
            )?;
            let c = finite(
                "the comparison",
                Some(costmodel::compare(baseline, optimized)),
                |c| {
                    vec![
                        c.improvement,
                        c.baseline.cost_per_million_predictions,
                        c.optimized.cost_per_million_predictions,
                    ]
                },
            )?;
            render(format, &c, report::comparison)
        }
    })
}

/// What the manifests' pools and workloads cost a month, at the run's price table.
fn estimate(
    paths: Vec<String>,
    spot_discount: f64,
    format: RulesFormat,
) -> Result<String, RunError> {
    if paths.is_empty() {
        return Err(RunError::Usage(
            "give manifests to estimate, or a calculator: per-million, monthly, efficiency or compare"
                .to_string(),
        ));
    }
    let mut req = CheckRequest::new(paths);
    // The config is read for its `prices:` table.
    req.config = ConfigChoice::Discover(std::env::current_dir().unwrap_or_default());
    req.select = Some(vec!["invalid-yaml".to_string()]);
    let outcome = engine::check(&req)?;
    let _prices = outcome
        .config
        .prices
        .clone()
        .map(crate::catalog::prices::use_table);
    let estimate = costmodel::estimate::estimate(&outcome.files, spot_discount);
    Ok(render(format, &estimate, report::estimate))
}
