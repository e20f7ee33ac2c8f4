//! What a metric's name says about its type. Exporters do not all follow the naming
//! conventions, so each answer is "evidently": a name that says nothing is not judged.

/// Exporters whose metrics are gauges unless listed as counters: DCGM fields and the
/// nvidia-smi exporter.
const GAUGE_PREFIXES: &[&str] = &["DCGM_FI_", "nvidia_smi_"];

/// Name endings that mark a gauge (a price, a share, a temperature, a state).
const GAUGE_SUFFIXES: &[&str] = &[
    "_usd",
    "_ratio",
    "_percent",
    "_pct",
    "_celsius",
    "_temperature",
    "_utilization",
    "_util",
    "_info",
    "_gauge",
];

/// Endings a counter may have, including those gauges sometimes borrow (`_count`).
const COUNTER_SUFFIXES: &[&str] = &["_total", "_count", "_sum", "_bucket"];

/// Units a histogram or summary is named with: `<name>_<unit>_count` and
/// `<name>_<unit>_sum` are then its cumulative series (`http_request_duration_seconds_sum`),
/// whereas a bare `_count` is often a gauge (`pg_stat_activity_count`).
const HISTOGRAM_UNITS: &[&str] = &[
    "_seconds",
    "_milliseconds",
    "_microseconds",
    "_ms",
    "_us",
    "_bytes",
];

/// Counters of ML-serving exporters whose names do not follow the `_total` convention
/// (Triton's cumulative request counts and durations, DCGM's energy counter).
const KNOWN_COUNTERS: &[&str] = &[
    "nv_inference_request_success",
    "nv_inference_request_failure",
    "nv_inference_count",
    "nv_inference_exec_count",
    "nv_inference_request_duration_us",
    "nv_inference_queue_duration_us",
    "nv_inference_compute_input_duration_us",
    "nv_inference_compute_infer_duration_us",
    "nv_inference_compute_output_duration_us",
    "nv_cache_num_hits_per_model",
    "nv_cache_num_misses_per_model",
    "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION",
];

/// A name that marks a gauge: a DCGM or nvidia-smi field, or a unit or state ending.
pub fn evident_gauge(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    !KNOWN_COUNTERS.contains(&name)
        && (GAUGE_PREFIXES.iter().any(|p| name.starts_with(p))
            || GAUGE_SUFFIXES.iter().any(|s| lower.ends_with(s)))
}

/// A name a counter could have: a counter ending (gauges borrow `_count` too) or a known
/// counter. Enough to hold back a finding that assumes a gauge.
pub fn may_be_counter(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    COUNTER_SUFFIXES.iter().any(|s| lower.ends_with(s)) || KNOWN_COUNTERS.contains(&name)
}

/// A name that marks a counter: `_total` (required of counters by OpenMetrics),
/// `_bucket`, a histogram or summary `_<unit>_count`/`_<unit>_sum`, or a known counter;
/// never a name that also marks a gauge (`DCGM_FI_DEV_FB_TOTAL`).
pub fn evident_counter(name: &str) -> bool {
    if KNOWN_COUNTERS.contains(&name) {
        return true;
    }
    if evident_gauge(name) {
        return false;
    }
    let histogram_series = ["_count", "_sum"].iter().any(|s| {
        name.strip_suffix(s)
            .is_some_and(|base| HISTOGRAM_UNITS.iter().any(|u| base.ends_with(u)))
    });
    name.ends_with("_total") || name.ends_with("_bucket") || histogram_series
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evidence_from_names() {
        assert!(evident_counter("ml_serving_infrastructure_cost_usd_total"));
        assert!(evident_counter("http_request_duration_seconds_count"));
        assert!(evident_counter("nv_inference_request_success"));
        assert!(!evident_counter("pg_stat_activity_count"));
        assert!(!evident_counter("kafka_consumergroup_lag_sum"));
        assert!(!evident_counter("DCGM_FI_DEV_FB_TOTAL"));
        assert!(!evident_counter("nv_inference_pending_request_count"));
        assert!(may_be_counter("pg_stat_activity_count"));
        assert!(evident_gauge("DCGM_FI_DEV_XID_ERRORS"));
        assert!(!evident_gauge("DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION"));
        assert!(evident_gauge("ml_serving_estimated_hourly_cost_usd"));
        assert!(!evident_gauge("up"));
    }
}
