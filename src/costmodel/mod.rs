//! The design's cost calculators, with its parameter names and defaults: cost per million
//! predictions, the monthly estimate with a peak window, and efficiency metrics.

use serde::Serialize;

/// Hours in a month (the design's convention).
pub use crate::catalog::HOURS_PER_MONTH;
/// Peak hours a month: 4 hours a day for 30 days.
pub const PEAK_HOURS_PER_MONTH: f64 = 4.0 * 30.0;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PerMillion {
    pub hourly_cost: f64,
    pub requests_per_second: f64,
    pub utilization: f64,
    pub instances: u32,
    pub cost_per_million_predictions: f64,
}

/// Cost per million predictions: hourly cost over predictions served in an hour.
pub fn per_million(
    hourly_cost: f64,
    rps: f64,
    utilization: f64,
    instances: u32,
) -> Option<PerMillion> {
    let requests_per_hour = rps * 3600.0 * utilization * instances as f64;
    if requests_per_hour <= 0.0 {
        return None;
    }
    let total_hourly = hourly_cost * instances as f64;
    Some(PerMillion {
        hourly_cost,
        requests_per_second: rps,
        utilization,
        instances,
        cost_per_million_predictions: total_hourly / requests_per_hour * 1_000_000.0,
    })
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Monthly {
    pub base_instances: u64,
    pub peak_instances: u64,
    pub monthly_cost: f64,
    pub cost_per_million: f64,
    pub total_predictions: f64,
}

/// The monthly estimate: base instances for the average load 20 hours a day, peak
/// instances 4 hours a day, 730 hours a month, predictions over 30 days.
pub fn monthly(
    avg_rps: f64,
    peak_multiplier: f64,
    hourly_cost: f64,
    capacity_rps: f64,
    min_instances: u64,
    utilization_target: f64,
) -> Option<Monthly> {
    let per_instance = capacity_rps * utilization_target;
    if per_instance <= 0.0 || avg_rps < 0.0 {
        return None;
    }
    let base = min_instances.max((avg_rps / per_instance).floor() as u64 + 1);
    let peak = (avg_rps * peak_multiplier / per_instance).floor() as u64 + 1;
    let base_hours = HOURS_PER_MONTH - PEAK_HOURS_PER_MONTH;
    let cost =
        base as f64 * hourly_cost * base_hours + peak as f64 * hourly_cost * PEAK_HOURS_PER_MONTH;
    let predictions = avg_rps * 3600.0 * 24.0 * 30.0;
    Some(Monthly {
        base_instances: base,
        peak_instances: peak,
        monthly_cost: cost,
        cost_per_million: if predictions > 0.0 {
            cost / (predictions / 1_000_000.0)
        } else {
            0.0
        },
        total_predictions: predictions,
    })
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Efficiency {
    pub cost_per_million_predictions: f64,
    pub predictions_per_dollar: f64,
    pub predictions_per_second_per_dollar: f64,
    pub cost_per_accurate_million: f64,
    pub cost_latency_product: f64,
}

/// Efficiency metrics for comparing deployments.
pub fn efficiency(
    monthly_cost: f64,
    monthly_predictions: f64,
    latency_p99_ms: f64,
    accuracy: f64,
) -> Option<Efficiency> {
    if monthly_cost <= 0.0 || monthly_predictions <= 0.0 || accuracy <= 0.0 {
        return None;
    }
    Some(Efficiency {
        cost_per_million_predictions: monthly_cost / (monthly_predictions / 1_000_000.0),
        predictions_per_dollar: monthly_predictions / monthly_cost,
        predictions_per_second_per_dollar: monthly_predictions
            / (monthly_cost * HOURS_PER_MONTH * 3600.0),
        cost_per_accurate_million: monthly_cost / (monthly_predictions * accuracy / 1_000_000.0),
        cost_latency_product: monthly_cost * latency_p99_ms / 1000.0,
    })
}

/// Two deployments side by side: the seed's "Improvement: 25.0x".
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Comparison {
    pub baseline: Efficiency,
    pub optimized: Efficiency,
    /// Baseline cost per million predictions over the optimized one.
    pub improvement: f64,
}

/// Compare a baseline with an optimized deployment by cost per million predictions.
pub fn compare(baseline: Efficiency, optimized: Efficiency) -> Comparison {
    Comparison {
        improvement: baseline.cost_per_million_predictions / optimized.cost_per_million_predictions,
        baseline,
        optimized,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cents(x: f64) -> String {
        format!("{x:.2}")
    }

    #[test]
    fn seed_per_million_example() {
        let gpu = per_million(3.06, 500.0, 0.7, 1).unwrap();
        let cpu = per_million(0.68, 100.0, 0.7, 1).unwrap();
        assert_eq!(cents(gpu.cost_per_million_predictions), "2.43");
        assert_eq!(cents(cpu.cost_per_million_predictions), "2.70");
    }

    #[test]
    fn seed_monthly_example() {
        let m = monthly(200.0, 3.0, 3.06, 500.0, 2, 0.7).unwrap();
        assert_eq!(cents(m.monthly_cost), "4467.60");
        assert_eq!(format!("{:.3}", m.cost_per_million), "8.618");
        assert_eq!((m.base_instances, m.peak_instances), (2, 2));
    }

    #[test]
    fn seed_efficiency_example() {
        let b = efficiency(1000.0, 100_000_000.0, 100.0, 0.95).unwrap();
        let o = efficiency(200.0, 500_000_000.0, 20.0, 0.94).unwrap();
        assert_eq!(cents(b.cost_per_million_predictions), "10.00");
        assert_eq!(cents(o.cost_per_million_predictions), "0.40");
        assert_eq!(
            format!(
                "{:.1}",
                b.cost_per_million_predictions / o.cost_per_million_predictions
            ),
            "25.0"
        );
        let c = compare(b, o);
        assert!(crate::report::cost::comparison(&c)
            .starts_with("Baseline: $10.00/M\nOptimized: $0.40/M\nImprovement: 25.0x\n"));
    }
}

pub mod estimate;
