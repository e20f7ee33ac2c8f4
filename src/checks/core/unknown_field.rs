//! `unknown-field`: a key the resource's schema does not have. The API server prunes
//! unknown fields of custom resources and drops those of built-in kinds without failing
//! the apply, so the setting silently does not exist; Prometheus refuses a rule file with
//! one. The message names the closest allowed key and what the lost setting costs.

use super::schema_findings::{found, Found};
use crate::checks::CheckCtx;
use crate::rule::Hit;
use crate::schema::ViolationKind;

pub fn run(ctx: &CheckCtx) -> Vec<Hit> {
    let mut hits = Vec::new();
    for f in found(ctx) {
        let ViolationKind::UnknownField {
            name, suggestion, ..
        } = &f.violation.kind
        else {
            continue;
        };
        let (message, help) = describe(&f, name, suggestion.as_deref());
        let mut hit = Hit::new(f.file, f.violation.span.clone(), message).help(help);
        hit.resource = f.resource;
        hits.push(hit);
    }
    hits
}

fn describe(f: &Found, name: &str, suggestion: Option<&str>) -> (String, String) {
    let parent = f.path(false);
    let place = match (f.within.is_empty(), parent.is_empty()) {
        (true, true) => "at the top level".to_string(),
        (true, false) => format!("in `{parent}`"),
        (false, true) => format!("in {}", f.within),
        (false, false) => format!("in `{parent}` of {}", f.within),
    };
    if name == "kubelet" && f.api_version == "karpenter.sh/v1" && f.kind == "NodePool" {
        return (
            format!(
                "{}: `kubelet` is not a field of a `karpenter.sh/v1` NodePool (it moved to the EC2NodeClass in v1); the API server drops it silently, so its max-pods and resource reservations are not applied and nodes are packed by the defaults",
                f.subject
            ),
            "move the block to `spec.kubelet` of the EC2NodeClass this pool's `nodeClassRef` names".to_string(),
        );
    }
    let intended = suggestion.unwrap_or(name);
    let lost = if f.is_rule_file() {
        "Prometheus refuses to load the whole file, so none of its alerts fire".to_string()
    } else {
        format!(
            "the API server drops it silently, so {}",
            consequence(&f.kind, intended)
        )
    };
    let message = match suggestion {
        Some(s) => format!(
            "{}: unknown field `{name}` {place} (did you mean `{s}`?); {lost}",
            f.subject
        ),
        None => format!("{}: unknown field `{name}` {place}; {lost}", f.subject),
    };
    let help = match (suggestion, &f.violation.kind) {
        (Some(s), _) => format!("rename `{name}` to `{s}`"),
        (None, ViolationKind::UnknownField { allowed, .. })
            if !allowed.is_empty() && allowed.len() <= 12 =>
        {
            format!(
                "remove `{name}` or move it where the API reads it; allowed here: {}",
                allowed
                    .iter()
                    .map(|a| format!("`{a}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
        _ => format!("remove `{name}` or move it where the API reads it"),
    };
    (message, help)
}

/// What is lost when the field the user meant is dropped.
fn consequence(kind: &str, intended: &str) -> &'static str {
    let pool = matches!(kind, "Provisioner" | "NodePool");
    match intended {
        "ttlSecondsAfterEmpty" => "empty nodes are never reclaimed and keep billing",
        "consolidateAfter" | "consolidationPolicy" | "consolidation" => {
            "consolidation does not run as written: idle or underused nodes keep billing"
        }
        "ttlSecondsUntilExpired" | "expireAfter" => "nodes never expire on the written schedule",
        "limits" if pool => "the pool's limits cap nothing: it can launch nodes without bound",
        "weight" => "the pool's priority is not applied, so a costlier pool may be chosen first",
        "taints" | "startupTaints" => {
            "nodes come up without the taint and any pod can land on (and hold) them"
        }
        "requirements" => "the instance restrictions are not applied: any type may be launched",
        "budgets" | "disruption" => "the written disruption settings are not applied",
        "resources" | "requests" | "limits" | "claims" => {
            "the container runs without the requests or limits written, and nodes are sized without them"
        }
        "tolerations" | "nodeSelector" | "affinity" | "topologySpreadConstraints"
        | "priorityClassName" => {
            "the pods are scheduled without it, possibly onto costlier nodes or onto none"
        }
        "minReplicas" | "maxReplicas" | "minReplicaCount" | "maxReplicaCount"
        | "idleReplicaCount" => "the autoscaler runs with its default bounds",
        "minAvailable" | "maxUnavailable" => "the budget does not protect the pods as written",
        "replicas" => "the default replica count applies",
        _ => "the setting has no effect and its default applies",
    }
}
