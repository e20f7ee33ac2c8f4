//! `rate-over-non-counter`: `rate`, `irate` and `increase` assume a counter; over a gauge
//! (DCGM's `DCGM_FI_DEV_XID_ERRORS`, a GPU utilisation) they produce nonsense, and the
//! alert built on them misfires or never fires.

use super::{describe, rule_hit};
use crate::checks::CheckCtx;
use crate::engine::Hit;
use crate::promql::metric_uses;

const COUNTER_SUFFIXES: &[&str] = &["_total", "_count", "_sum", "_bucket"];

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

/// Counters of ML-serving exporters whose names do not follow the `_total` convention
/// (Triton's cumulative request counts and durations, DCGM's energy counter).
const KNOWN_COUNTERS: &[&str] = &[
    "nv_inference_request_success",
    "nv_inference_request_failure",
    "nv_inference_count",
    "nv_inference_exec_count",
    "nv_inference_pending_request_count",
    "nv_inference_request_duration_us",
    "nv_inference_queue_duration_us",
    "nv_inference_compute_input_duration_us",
    "nv_inference_compute_infer_duration_us",
    "nv_inference_compute_output_duration_us",
    "nv_cache_num_hits_per_model",
    "nv_cache_num_misses_per_model",
    "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION",
];

pub fn run(ctx: &CheckCtx) -> Vec<Hit> {
    let extra = ctx.params.list("counters", "");
    let mut hits = Vec::new();
    for (r, expr, node) in super::parsed_rules(ctx) {
        let mut seen = Vec::new();
        for u in metric_uses(expr) {
            let Some(func) = u
                .function
                .as_deref()
                .filter(|f| matches!(*f, "rate" | "irate" | "increase"))
            else {
                continue;
            };
            let lower = u.name.to_ascii_lowercase();
            let counter = COUNTER_SUFFIXES.iter().any(|s| lower.ends_with(s))
                || KNOWN_COUNTERS.contains(&u.name.as_str())
                || extra.contains(&u.name);
            // Many exporters name counters without `_total`; only a metric that is
            // evidently a gauge is flagged, so established rules are not cried wolf on.
            let gauge = GAUGE_PREFIXES.iter().any(|p| u.name.starts_with(p))
                || GAUGE_SUFFIXES.iter().any(|s| lower.ends_with(s));
            if !gauge {
                continue;
            }
            if counter || seen.contains(&u.name) {
                continue;
            }
            seen.push(u.name.clone());
            let span = super::metric_span(ctx, r, node, &u.name);
            hits.push(
                rule_hit(
                    r,
                    span,
                    format!(
                        "{} applies `{func}` to `{}`, whose name does not look like a counter (`_total`, `_count`, `_sum`, `_bucket`); over a gauge `{func}` gives meaningless values",
                        describe(r),
                        u.name
                    ),
                )
                .help("use `delta` or `deriv` for gauges, or `max_over_time`/`changes` for error counts; list real counters with unusual names in this rule's `counters` parameter"),
            );
        }
    }
    hits
}
