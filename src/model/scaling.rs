//! Autoscalers (autoscaling/v2 HorizontalPodAutoscaler, KEDA ScaledObject), disruption
//! budgets (policy/v1 PodDisruptionBudget) and PriorityClasses.

use super::nodepool::Field;
use super::Resource;
use crate::source::scalar::Scalar;
use crate::source::NodeRef;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AutoscalerKind {
    Hpa,
    ScaledObject,
}

#[derive(Debug, Clone)]
pub struct Autoscaler<'a> {
    pub resource: usize,
    pub file: usize,
    pub kind: AutoscalerKind,
    pub name: String,
    pub namespace: Option<String>,
    pub root: NodeRef<'a>,
    pub spec: Option<NodeRef<'a>>,
    pub target_kind: String,
    pub target_name: String,
    pub min: Option<Field<'a, i64>>,
    pub max: Option<Field<'a, i64>>,
}

fn int_field(n: Option<NodeRef<'_>>) -> Option<Field<'_, i64>> {
    let n = n?;
    match n.value()? {
        Scalar::Int(v) => Some(Field { value: v, node: n }),
        _ => None,
    }
}

impl<'a> Autoscaler<'a> {
    pub fn from_resource(index: usize, r: &Resource<'a>) -> Option<Self> {
        let kind = match (r.id.api_version.as_str(), r.id.kind.as_str()) {
            (
                "autoscaling/v2" | "autoscaling/v2beta2" | "autoscaling/v1",
                "HorizontalPodAutoscaler",
            ) => AutoscalerKind::Hpa,
            ("keda.sh/v1alpha1", "ScaledObject") => AutoscalerKind::ScaledObject,
            _ => return None,
        };
        let spec = r.root.get("spec");
        let target = spec.and_then(|s| s.get("scaleTargetRef"));
        let (min_key, max_key) = match kind {
            AutoscalerKind::Hpa => ("minReplicas", "maxReplicas"),
            AutoscalerKind::ScaledObject => ("minReplicaCount", "maxReplicaCount"),
        };
        Some(Autoscaler {
            resource: index,
            file: r.file,
            kind,
            name: r.id.name.clone().unwrap_or_else(|| "<unnamed>".to_string()),
            namespace: r.id.namespace.clone(),
            root: r.root,
            spec,
            target_kind: target
                .and_then(|t| t.get("kind"))
                .and_then(|k| k.as_str())
                .unwrap_or("Deployment")
                .to_string(),
            target_name: target
                .and_then(|t| t.get("name"))
                .and_then(|k| k.as_str())
                .unwrap_or_default()
                .to_string(),
            min: int_field(spec.and_then(|s| s.get(min_key))),
            max: int_field(spec.and_then(|s| s.get(max_key))),
        })
    }

    /// minReplicas as the controller reads it (HPA defaults to 1, KEDA to 0).
    pub fn min_replicas(&self) -> i64 {
        self.min.as_ref().map_or(
            match self.kind {
                AutoscalerKind::Hpa => 1,
                AutoscalerKind::ScaledObject => 0,
            },
            |f| f.value,
        )
    }

    /// maxReplicas as the controller reads it (KEDA defaults to 100).
    pub fn max_replicas(&self) -> Option<i64> {
        match (&self.max, self.kind) {
            (Some(f), _) => Some(f.value),
            (None, AutoscalerKind::ScaledObject) => Some(100),
            (None, AutoscalerKind::Hpa) => None,
        }
    }

    pub fn kind_name(&self) -> &'static str {
        match self.kind {
            AutoscalerKind::Hpa => "HorizontalPodAutoscaler",
            AutoscalerKind::ScaledObject => "ScaledObject",
        }
    }
}

/// A label selector (`matchLabels` and `matchExpressions`).
#[derive(Debug, Clone, Default)]
pub struct Selector {
    pub labels: Vec<(String, String)>,
    pub expressions: Vec<(String, String, Vec<String>)>,
    /// Whether an empty selector selects every pod (policy/v1) or none (policy/v1beta1).
    pub empty_matches_all: bool,
}

impl Selector {
    pub fn read(n: Option<NodeRef<'_>>) -> Option<Selector> {
        let n = n?;
        let labels = n
            .get("matchLabels")
            .and_then(|m| m.entries())
            .map(|e| {
                e.filter_map(|(k, v)| Some((k.to_string(), v.scalar()?.0.to_string())))
                    .collect()
            })
            .unwrap_or_default();
        let expressions = n
            .get("matchExpressions")
            .and_then(|m| m.items())
            .map(|it| {
                it.filter_map(|e| {
                    Some((
                        e.get("key")?.as_str()?.to_string(),
                        e.get("operator")?.as_str()?.to_string(),
                        e.get("values")
                            .and_then(|v| v.items())
                            .map(|vs| {
                                vs.filter_map(|x| x.scalar().map(|(t, _)| t.to_string()))
                                    .collect()
                            })
                            .unwrap_or_default(),
                    ))
                })
                .collect()
            })
            .unwrap_or_default();
        Some(Selector {
            labels,
            expressions,
            empty_matches_all: true,
        })
    }

    /// Whether the selector matches a set of labels (an empty selector matches all).
    pub fn matches(&self, labels: &[(String, String)]) -> bool {
        if self.labels.is_empty() && self.expressions.is_empty() && !self.empty_matches_all {
            return false;
        }
        let get = |k: &str| {
            labels
                .iter()
                .find(|(lk, _)| lk == k)
                .map(|(_, v)| v.as_str())
        };
        self.labels.iter().all(|(k, v)| get(k) == Some(v.as_str()))
            && self
                .expressions
                .iter()
                .all(|(k, op, vals)| match op.as_str() {
                    "In" => get(k).is_some_and(|v| vals.iter().any(|x| x == v)),
                    "NotIn" => get(k).is_none_or(|v| !vals.iter().any(|x| x == v)),
                    "Exists" => get(k).is_some(),
                    "DoesNotExist" => get(k).is_none(),
                    _ => false,
                })
    }
}

#[derive(Debug, Clone)]
pub struct DisruptionBudget<'a> {
    pub resource: usize,
    pub file: usize,
    pub name: String,
    pub namespace: Option<String>,
    pub root: NodeRef<'a>,
    pub selector: Option<Selector>,
}

impl<'a> DisruptionBudget<'a> {
    pub fn from_resource(index: usize, r: &Resource<'a>) -> Option<Self> {
        if r.id.kind != "PodDisruptionBudget" || !r.id.api_version.starts_with("policy/") {
            return None;
        }
        Some(DisruptionBudget {
            resource: index,
            file: r.file,
            name: r.id.name.clone().unwrap_or_else(|| "<unnamed>".to_string()),
            namespace: r.id.namespace.clone(),
            root: r.root,
            selector: Selector::read(r.root.path(&["spec", "selector"])).map(|mut s| {
                // policy/v1beta1: an empty selector matches no pods (v1 made it match all).
                s.empty_matches_all = r.id.api_version != "policy/v1beta1";
                s
            }),
        })
    }
}

#[derive(Debug, Clone)]
pub struct PriorityClass {
    pub resource: usize,
    pub name: String,
    pub value: Option<i64>,
}

impl PriorityClass {
    pub fn from_resource(index: usize, r: &Resource<'_>) -> Option<Self> {
        if r.id.kind != "PriorityClass" || !r.id.api_version.starts_with("scheduling.k8s.io/") {
            return None;
        }
        Some(PriorityClass {
            resource: index,
            name: r.id.name.clone().unwrap_or_default(),
            value: r.root.get("value").and_then(|v| match v.value()? {
                Scalar::Int(i) => Some(i),
                _ => None,
            }),
        })
    }
}
