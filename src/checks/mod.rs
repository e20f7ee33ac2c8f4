//! The Rust behind the rules: one file per check, each declaring what it reads.
//! A rule names its check; several rules may share one with different parameters.

pub mod alerts;
pub mod core;
pub mod gpu_profile;
pub mod karpenter;
pub mod policy;
pub mod workload;

use crate::model::ModelSet;
use crate::rule::params::{NoParams, Params};
use crate::rule::{Hit, RuleDef};
use serde::de::DeserializeOwned;

/// What a check sees: the whole model (cross-resource checks need it), the GPU profiles
/// attached to its workloads (`--profiles`), and its rule's effective parameters.
pub struct CheckCtx<'a> {
    pub model: &'a ModelSet<'a>,
    pub profiles: &'a [crate::profile::attach::Attached],
    pub params: &'a Params,
    pub rule: &'a RuleDef,
    /// Every configured rule (enabled or not), for checks that share another rule's
    /// parameters (the GPU profile rules judge confidence by `gpu-profile-too-short`'s).
    pub rules: &'a [RuleDef],
    /// When a Prometheus server was asked for every GPU workload's profile: the
    /// namespaces asked about (all when empty).
    pub asked: Option<&'a [String]>,
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

/// A check, with how to read its parameters: a check with parameters reads them into its
/// own struct (`#[serde(rename_all = "kebab-case", deny_unknown_fields)]`, no defaults);
/// `params` tries that on a rule's parameters, so a rule declaring parameters its check
/// does not read as declared is an error when the rules load, not a silent default.
pub struct CheckDef {
    /// The rule id the check implements (a rule file may name another rule's check).
    pub name: &'static str,
    pub check: Check,
    pub params: fn(&Params) -> Result<(), serde_json::Error>,
}

const fn model<P: DeserializeOwned>(name: &'static str, run: CheckFn) -> CheckDef {
    CheckDef {
        name,
        check: Check::Model(run),
        params: reads::<P>,
    }
}

const fn suppressions(name: &'static str, run: SuppressionCheckFn) -> CheckDef {
    CheckDef {
        name,
        check: Check::Suppressions(run),
        params: reads::<NoParams>,
    }
}

fn reads<P: DeserializeOwned>(params: &Params) -> Result<(), serde_json::Error> {
    params.read::<P>().map(|_| ())
}

/// Every check, named after the rule it implements.
pub const CHECKS: &[CheckDef] = &[
    model::<NoParams>("invalid-yaml", core::invalid_yaml::run),
    model::<NoParams>("unknown-field", core::unknown_field::run),
    model::<NoParams>("schema-violation", core::schema_violation::run),
    model::<NoParams>(
        "nodepool-without-limits",
        karpenter::nodepool_without_limits::run,
    ),
    model::<NoParams>(
        "spot-without-on-demand-fallback",
        karpenter::spot_without_on_demand_fallback::run,
    ),
    model::<karpenter::spot_instance_types_too_few::Params>(
        "spot-instance-types-too-few",
        karpenter::spot_instance_types_too_few::run,
    ),
    model::<NoParams>(
        "fallback-weight-not-below-spot",
        karpenter::fallback_weight_not_below_spot::run,
    ),
    model::<NoParams>(
        "on-demand-fallback-uncapped",
        karpenter::on_demand_fallback_uncapped::run,
    ),
    model::<NoParams>(
        "empty-nodes-never-reclaimed",
        karpenter::empty_nodes_never_reclaimed::run,
    ),
    model::<karpenter::empty_node_ttl_too_long::Params>(
        "empty-node-ttl-too-long",
        karpenter::empty_node_ttl_too_long::run,
    ),
    model::<NoParams>("node-expiry-missing", karpenter::node_expiry_missing::run),
    model::<NoParams>(
        "gpu-nodepool-without-taint",
        karpenter::gpu_nodepool_without_taint::run,
    ),
    model::<karpenter::unknown_instance_type::Params>(
        "unknown-instance-type",
        karpenter::unknown_instance_type::run,
    ),
    model::<NoParams>(
        "conflicting-disruption-settings",
        karpenter::conflicting_disruption_settings::run,
    ),
    model::<NoParams>(
        "deprecated-karpenter-api",
        karpenter::deprecated_karpenter_api::run,
    ),
    model::<NoParams>(
        "invalid-nodepool-field",
        karpenter::invalid_nodepool_field::run,
    ),
    model::<NoParams>(
        "gpu-request-without-limit",
        workload::gpu_request_without_limit::run,
    ),
    model::<NoParams>(
        "container-without-requests",
        workload::container_without_requests::run,
    ),
    model::<workload::gpu_workload_without_autoscaler::Params>(
        "gpu-workload-without-autoscaler",
        workload::gpu_workload_without_autoscaler::run,
    ),
    model::<workload::autoscaler_min_replicas_below_redundancy::Params>(
        "autoscaler-min-replicas-below-redundancy",
        workload::autoscaler_min_replicas_below_redundancy::run,
    ),
    model::<workload::autoscaler_max_exceeds_pool_capacity::Params>(
        "autoscaler-max-exceeds-pool-capacity",
        workload::autoscaler_max_exceeds_pool_capacity::run,
    ),
    model::<workload::spot_workload_without_graceful_shutdown::Params>(
        "spot-workload-without-graceful-shutdown",
        workload::spot_workload_without_graceful_shutdown::run,
    ),
    model::<NoParams>(
        "spot-workload-without-disruption-budget",
        workload::spot_workload_without_disruption_budget::run,
    ),
    model::<workload::critical_workload_on_spot_only::Params>(
        "critical-workload-on-spot-only",
        workload::critical_workload_on_spot_only::run,
    ),
    model::<workload::gpu_workload_unschedulable::Params>(
        "gpu-workload-unschedulable",
        workload::gpu_workload_unschedulable::run,
    ),
    model::<NoParams>(
        "cpu-workload-tolerates-gpu-taint",
        workload::cpu_workload_tolerates_gpu_taint::run,
    ),
    model::<NoParams>("instance-type-pinned", workload::instance_type_pinned::run),
    model::<NoParams>(
        "deprecated-karpenter-annotation",
        workload::deprecated_karpenter_annotation::run,
    ),
    model::<NoParams>("promql-syntax-error", alerts::promql_syntax_error::run),
    model::<alerts::invalid_rule_structure::Params>(
        "invalid-rule-structure",
        alerts::invalid_rule_structure::run,
    ),
    model::<NoParams>("alert-without-for", alerts::alert_without_for::run),
    model::<alerts::alert_without_severity::Params>(
        "alert-without-severity",
        alerts::alert_without_severity::run,
    ),
    model::<alerts::alert_without_summary::Params>(
        "alert-without-summary",
        alerts::alert_without_summary::run,
    ),
    model::<alerts::rate_over_non_counter::Params>(
        "rate-over-non-counter",
        alerts::rate_over_non_counter::run,
    ),
    model::<alerts::delta_over_counter::Params>(
        "delta-over-counter",
        alerts::delta_over_counter::run,
    ),
    model::<alerts::rate_window_too_short::Params>(
        "rate-window-too-short",
        alerts::rate_window_too_short::run,
    ),
    model::<NoParams>(
        "stale-karpenter-metric",
        alerts::stale_karpenter_metric::run,
    ),
    model::<alerts::cost_alerts_missing::Params>(
        "cost-alerts-missing",
        alerts::cost_alerts_missing::run,
    ),
    model::<NoParams>("duplicate-alert", alerts::duplicate_alert::run),
    model::<NoParams>("invalid-template", alerts::invalid_template::run),
    model::<gpu_profile::gpu_overprovisioned::Params>(
        "gpu-overprovisioned",
        gpu_profile::gpu_overprovisioned::run,
    ),
    model::<gpu_profile::gpu_underutilized::Params>(
        "gpu-underutilized",
        gpu_profile::gpu_underutilized::run,
    ),
    model::<gpu_profile::gpu_count_overprovisioned::Params>(
        "gpu-count-overprovisioned",
        gpu_profile::gpu_count_overprovisioned::run,
    ),
    model::<gpu_profile::gpu_memory_near_capacity::Params>(
        "gpu-memory-near-capacity",
        gpu_profile::gpu_memory_near_capacity::run,
    ),
    model::<gpu_profile::gpu_profile_too_short::Params>(
        "gpu-profile-too-short",
        gpu_profile::gpu_profile_too_short::run,
    ),
    model::<NoParams>("gpu-profile-missing", gpu_profile::gpu_profile_missing::run),
    suppressions(
        "unknown-rule-in-suppression",
        core::suppressions::unknown_rules,
    ),
    suppressions("unused-suppression", core::suppressions::unused),
    // Generic checks for custom rules (no built-in rule uses them).
    model::<policy::PatternParams>("forbidden-pattern", policy::forbidden_pattern::run),
    model::<policy::json_schema::Params>("json-schema", policy::json_schema::run),
    model::<policy::PatternParams>("required-pattern", policy::required_pattern::run),
];

pub fn lookup(name: &str) -> Option<&'static CheckDef> {
    CHECKS.iter().find(|c| c.name == name)
}

/// Why a rule cannot run: its check, or the parameters it declares for it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleCheckError {
    #[error("rule `{rule}` names check `{check}`, which does not exist")]
    NoSuchCheck { rule: String, check: String },
    /// `error` says which field the check's parameter struct did not accept.
    #[error("the parameters of rule `{rule}` do not fit check `{check}`: {error}")]
    ParamsNotRead {
        rule: String,
        check: String,
        error: String,
    },
}

/// Whether a rule names an existing check that reads its declared parameters.
pub fn validate(rule: &RuleDef) -> Result<(), RuleCheckError> {
    let Some(def) = lookup(&rule.check) else {
        return Err(RuleCheckError::NoSuchCheck {
            rule: rule.id.clone(),
            check: rule.check.clone(),
        });
    };
    (def.params)(&rule.params).map_err(|e| RuleCheckError::ParamsNotRead {
        rule: rule.id.clone(),
        check: rule.check.clone(),
        error: e.to_string(),
    })
}

/// A check's typed parameters. Every rule's parameters were read successfully when the
/// rules loaded ([`validate`]), so this cannot fail for a rule that runs; should it, the
/// check reports nothing rather than guess a value.
pub fn params<P: DeserializeOwned>(ctx: &CheckCtx) -> Option<P> {
    ctx.params.read().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_rule_names_a_check_that_reads_its_declared_params() {
        let rules = crate::rule::registry::builtin_rules().unwrap();
        for r in &rules {
            validate(r).unwrap();
        }
        // A declaration that a check does not read, or reads with another type, fails.
        let mut r = rules
            .iter()
            .find(|r| r.id == "spot-instance-types-too-few")
            .unwrap()
            .clone();
        let text = crate::rule::registry::RULE_FILES
            .iter()
            .find(|(p, _)| p.ends_with("/spot-instance-types-too-few.yaml"))
            .unwrap()
            .1;
        let retyped = text.replace("type: integer", "type: number");
        assert!(retyped != text);
        let reparsed = RuleDef::parse("rules/karpenter/x.yaml", &retyped).unwrap();
        assert!(validate(&reparsed).is_err());
        r.check = "invalid-yaml".into();
        assert!(matches!(
            validate(&r),
            Err(RuleCheckError::ParamsNotRead { error, .. }) if error.contains("unknown field")
        ));
        r.check = "no-such-check".into();
        assert!(matches!(
            validate(&r),
            Err(RuleCheckError::NoSuchCheck { .. })
        ));
    }
}
