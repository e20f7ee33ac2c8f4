//! The Rust behind the rules: one file per check, each declaring what it reads.
//! A rule names its check; several rules may share one with different parameters.

pub mod alerts;
pub mod core;
pub mod gpu_profile;
pub mod karpenter;
pub mod workload;

use crate::model::ModelSet;
use crate::rule::params::Params;
use crate::rule::{Hit, RuleDef};

/// What a check sees: the whole model (cross-resource checks need it), the GPU profiles
/// attached to its workloads (`--profiles`), and its rule's effective parameters.
pub struct CheckCtx<'a> {
    pub model: &'a ModelSet<'a>,
    pub profiles: &'a [crate::profile::attach::Attached],
    pub params: &'a Params,
    pub rule: &'a RuleDef,
}

pub type CheckFn = fn(&CheckCtx) -> Vec<Hit>;

/// Where a cross-resource check looked, for messages: "in the checked files", or "in
/// cluster `clusters/prod` or the shared files" when the resource belongs to a cluster.
pub fn in_scope(cluster: Option<&str>) -> String {
    match cluster {
        Some(c) => format!("in cluster `{c}` or the shared files"),
        None => "in the checked files".to_string(),
    }
}

/// A check over the suppressions after they were applied.
pub type SuppressionCheckFn = fn(&core::suppressions::SuppressionCtx) -> Vec<Hit>;

/// A check, by what it reads.
#[derive(Clone, Copy)]
pub enum Check {
    Model(CheckFn),
    Suppressions(SuppressionCheckFn),
}

/// Every check by name.
pub const CHECKS: &[(&str, CheckFn)] = &[
    ("yaml-parse", core::yaml_parse::run),
    ("nodepool-limits", karpenter::nodepool_limits::run),
    ("spot-fallback", karpenter::spot_fallback::run),
    ("instance-flexibility", karpenter::instance_flexibility::run),
    ("fallback-weight", karpenter::fallback_weight::run),
    ("fallback-cap", karpenter::fallback_cap::run),
    ("empty-node-reclaim", karpenter::empty_node_reclaim::run),
    ("empty-node-delay", karpenter::empty_node_delay::run),
    ("node-expiry", karpenter::node_expiry::run),
    ("gpu-pool-taint", karpenter::gpu_pool_taint::run),
    ("instance-names", karpenter::instance_names::run),
    ("disruption-conflicts", karpenter::disruption_conflicts::run),
    ("karpenter-api-deprecation", karpenter::api_deprecation::run),
    ("nodepool-invalid-fields", karpenter::invalid_fields::run),
    ("accelerator-limits", workload::gpu_limits::run),
    ("container-requests", workload::container_requests::run),
    ("gpu-autoscaler", workload::gpu_autoscaler::run),
    (
        "autoscaler-min-replicas",
        workload::autoscaler_min_replicas::run,
    ),
    (
        "autoscaler-max-capacity",
        workload::autoscaler_max_capacity::run,
    ),
    ("spot-shutdown", workload::spot_shutdown::run),
    ("spot-disruption-budget", workload::spot_budget::run),
    ("critical-on-spot", workload::critical_on_spot::run),
    ("gpu-unschedulable", workload::gpu_unschedulable::run),
    ("gpu-toleration", workload::gpu_toleration::run),
    ("instance-pinned", workload::instance_pinned::run),
    (
        "karpenter-annotation-deprecation",
        workload::deprecated_annotations::run,
    ),
    ("promql-syntax", alerts::syntax::run),
    ("rule-structure", alerts::structure::run),
    ("alert-for", alerts::for_duration::run),
    ("alert-severity", alerts::severity::run),
    ("alert-summary", alerts::summary::run),
    ("rate-counter", alerts::rate_counter::run),
    ("delta-counter", alerts::delta_counter::run),
    ("rate-window", alerts::rate_window::run),
    ("karpenter-metric-names", alerts::stale_karpenter::run),
    ("cost-alert-coverage", alerts::cost_coverage::run),
    ("duplicate-alerts", alerts::duplicate_alert::run),
    ("gpu-overprovisioned", gpu_profile::overprovisioned::run),
    ("gpu-underutilized", gpu_profile::underutilized::run),
    ("gpu-count", gpu_profile::count::run),
    ("gpu-memory-near-capacity", gpu_profile::memory_near::run),
    ("gpu-profile-short", gpu_profile::too_short::run),
    ("gpu-profile-missing", gpu_profile::missing::run),
];

/// Checks that read suppressions rather than the model.
pub const SUPPRESSION_CHECKS: &[(&str, SuppressionCheckFn)] = &[
    (
        "suppression-unknown-rule",
        core::suppressions::unknown_rules,
    ),
    ("suppression-unused", core::suppressions::unused),
];

pub fn lookup(name: &str) -> Option<Check> {
    CHECKS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, f)| Check::Model(*f))
        .or_else(|| {
            SUPPRESSION_CHECKS
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, f)| Check::Suppressions(*f))
        })
}
