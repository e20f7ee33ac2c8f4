//! Checks that replay recorded GPU profiles against the workloads they belong to.

pub mod count;
pub mod memory_near;
pub mod missing;
pub mod overprovisioned;
pub mod too_short;
pub mod underutilized;

use crate::model::nodepool::is_accelerator_resource;
use crate::model::Workload;
use crate::profile::Profile;
use crate::rule::Hit;
use std::ops::Range;

/// Where profile findings point: the pinned instance type, else the accelerator request
/// (or limit), else the pod.
pub fn anchor(w: &Workload) -> Range<usize> {
    if let Some(p) = crate::profile::recommend::pinned(w) {
        return p.node.span();
    }
    for c in &w.containers {
        if let Some(a) = c
            .requests
            .iter()
            .chain(c.limits.iter())
            .find(|a| is_accelerator_resource(&a.resource))
        {
            return a.node.key_span();
        }
    }
    w.pod_anchor().key_span()
}

pub fn hit(w: &Workload, message: String) -> Hit {
    Hit::new(w.file, anchor(w), message)
        .resource(w.resource)
        .gpu(true)
}

/// "2,016 samples over 7d 0h from profile.csv", for messages.
pub fn evidence(p: &Profile) -> String {
    let d = p.duration_s();
    let dur = if d >= 86_400.0 {
        format!("{:.1} days", d / 86_400.0)
    } else {
        format!("{:.1} hours", d / 3600.0)
    };
    let plural = if p.samples == 1 { "" } else { "s" };
    format!("{} sample{plural} over {dur}", p.samples)
}

/// The low-confidence note for messages, with its reasons; empty at high confidence.
pub fn confidence(p: &Profile) -> String {
    let c = crate::profile::confidence::confidence(p, &Default::default());
    if c.is_high() {
        String::new()
    } else {
        format!(
            " (low confidence, so reported as info and counted in no saving: {})",
            c.reasons.join(", ")
        )
    }
}

/// Under a day, under 100 samples per GPU, coverage under 80%, or no memory samples: too
/// little to act on without a better recording.
pub fn is_short(p: &Profile) -> bool {
    !crate::profile::confidence::confidence(p, &Default::default()).is_high()
}

/// Recommendation parameters from a rule's parameters (defaults for those it lacks).
pub fn params(ctx: &crate::checks::CheckCtx) -> crate::profile::recommend::Params {
    let d = crate::profile::recommend::Params::default();
    let window = crate::model::alerts::prom_duration(&ctx.params.string("sustained-window", "5m"))
        .map_or(d.sustained_window_s, |ms| (ms as f64 / 1000.0).max(60.0));
    crate::profile::recommend::Params {
        memory_headroom: ctx.params.float("memory-headroom", d.memory_headroom),
        cpu_fallback_util: ctx.params.float("cpu-fallback-util", d.cpu_fallback_util),
        busy_util: ctx.params.float("busy-util", d.busy_util),
        max_memory_fraction: ctx
            .params
            .float("max-memory-fraction", d.max_memory_fraction),
        max_sustained_util: ctx
            .params
            .float("max-sustained-utilization", d.max_sustained_util),
        sustained_window_s: window,
        confidence: d.confidence,
    }
}
