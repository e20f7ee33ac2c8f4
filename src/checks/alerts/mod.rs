//! Checks over Prometheus alerting and recording rules.

pub mod cost_coverage;
pub mod duplicate_alert;
pub mod for_duration;
pub mod rate_counter;
pub mod rate_window;
pub mod severity;
pub mod stale_karpenter;
pub mod structure;
pub mod summary;
pub mod syntax;

use crate::engine::Hit;
use crate::model::alerts::AlertRule;
use std::ops::Range;

/// A hit about a rule at a span.
pub fn rule_hit(r: &AlertRule, span: Range<usize>, message: String) -> Hit {
    let mut h = Hit::new(r.file, span, message);
    h.resource = r.resource;
    h
}

/// "alert `HighCost`" / "recording rule `job:x:rate5m`", for messages.
pub fn describe(r: &AlertRule) -> String {
    match (&r.alert, &r.record) {
        (Some(a), _) => format!("alert `{}`", a.value),
        (None, Some(rec)) => format!("recording rule `{}`", rec.value),
        _ => "rule".to_string(),
    }
}
