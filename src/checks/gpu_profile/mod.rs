//! Checks that replay recorded GPU profiles against the workloads they belong to.

pub mod gpu_count_overprovisioned;
pub mod gpu_memory_near_capacity;
pub mod gpu_overprovisioned;
pub mod gpu_profile_missing;
pub mod gpu_profile_too_short;
pub mod gpu_underutilized;

use crate::model::nodepool::is_accelerator_resource;
use crate::model::Workload;
use crate::profile::confidence::Thresholds;
use crate::profile::{recommend, Profile};
use crate::rule::{Hit, RuleDef};
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

/// A rule's typed parameters, found by id among the configured rules.
fn rule_params<P: serde::de::DeserializeOwned>(rules: &[RuleDef], id: &str) -> Option<P> {
    rules.iter().find(|r| r.id == id)?.params.read().ok()
}

/// The confidence thresholds every profile rule and `replay` judge by:
/// `gpu-profile-too-short`'s parameters.
pub fn thresholds(rules: &[RuleDef]) -> Option<Thresholds> {
    rule_params::<gpu_profile_too_short::Params>(rules, "gpu-profile-too-short")
        .map(|p| p.thresholds())
}

/// The right-sizing parameters `replay` and the profile rules share:
/// `gpu-overprovisioned`'s, with the confidence thresholds.
pub fn sizing(rules: &[RuleDef]) -> Option<recommend::Params> {
    let p = rule_params::<gpu_overprovisioned::Params>(rules, "gpu-overprovisioned")?;
    Some(p.recommend(thresholds(rules)?))
}

/// The low-confidence note for messages, with its reasons; empty at high confidence.
pub fn confidence(p: &Profile, t: &Thresholds) -> String {
    let c = crate::profile::confidence::confidence(p, t);
    if c.is_high() {
        String::new()
    } else {
        format!(
            " (low confidence, so reported as info and counted in no saving: {})",
            c.reasons.join(", ")
        )
    }
}

/// Shorter, sparser or patchier than the thresholds, or without memory samples: too
/// little to act on without a better recording.
pub fn is_short(p: &Profile, t: &Thresholds) -> bool {
    !crate::profile::confidence::confidence(p, t).is_high()
}
