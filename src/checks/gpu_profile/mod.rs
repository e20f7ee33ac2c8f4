//! Checks that replay recorded GPU profiles against the workloads they belong to.

pub mod count;
pub mod memory_near;
pub mod missing;
pub mod overprovisioned;
pub mod too_short;
pub mod underutilized;

use crate::engine::Hit;
use crate::model::nodepool::is_accelerator_resource;
use crate::model::Workload;
use crate::profile::Profile;
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

/// A low-confidence note when the profile is short.
pub fn confidence(p: &Profile) -> &'static str {
    if is_short(p) {
        " (low confidence, so reported as info: the profile is short)"
    } else {
        ""
    }
}

/// Under a day or 100 samples: too little to act on without a longer recording.
pub fn is_short(p: &Profile) -> bool {
    p.duration_s() < 86_400.0 || p.samples < 100
}
