//! One node-pool model over Karpenter's three API generations: `karpenter.sh/v1alpha5`
//! Provisioner, `karpenter.sh/v1beta1` NodePool and `karpenter.sh/v1` NodePool.
//!
//! Every field keeps the node it was read from, so a check can point at the value it
//! judges, or at the nearest existing parent key when the field is missing.

use super::units::{self, Delay};
use super::Resource;
use crate::catalog::{self, requirements::Req, InstanceSet};
use crate::source::scalar::Scalar;
use crate::source::NodeRef;

/// Which Karpenter API generation a pool was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PoolApi {
    V1Alpha5,
    V1Beta1,
    V1,
}

impl PoolApi {
    pub fn api_version(self) -> &'static str {
        match self {
            PoolApi::V1Alpha5 => "karpenter.sh/v1alpha5",
            PoolApi::V1Beta1 => "karpenter.sh/v1beta1",
            PoolApi::V1 => "karpenter.sh/v1",
        }
    }
}

/// A value and the node it was read from.
#[derive(Debug, Clone)]
pub struct Field<'a, T> {
    pub value: T,
    pub node: NodeRef<'a>,
}

/// One entry of `requirements`.
#[derive(Debug, Clone)]
pub struct Requirement<'a> {
    pub key: String,
    pub operator: String,
    pub values: Vec<Field<'a, String>>,
    /// The requirement's own mapping (the list item).
    pub node: NodeRef<'a>,
    pub values_node: Option<NodeRef<'a>>,
}

/// One entry of `taints`.
#[derive(Debug, Clone)]
pub struct Taint<'a> {
    pub key: String,
    pub value: Option<String>,
    pub effect: String,
    pub node: NodeRef<'a>,
}

/// One entry of `disruption.budgets`.
#[derive(Debug, Clone)]
pub struct Budget<'a> {
    pub nodes: Option<Field<'a, String>>,
    pub schedule: Option<String>,
    pub reasons: Option<Vec<String>>,
    pub node: NodeRef<'a>,
}

/// The capacity types a pool allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CapacityTypes {
    pub spot: bool,
    pub on_demand: bool,
    pub reserved: bool,
}

#[derive(Debug, Clone)]
pub struct NodePool<'a> {
    /// Index into [`super::ModelSet::resources`].
    pub resource: usize,
    pub file: usize,
    pub api: PoolApi,
    pub name: String,
    pub root: NodeRef<'a>,
    pub api_version_node: Option<NodeRef<'a>>,
    pub spec: Option<NodeRef<'a>>,
    /// Where node settings live: `spec` (v1alpha5) or `spec.template.spec`.
    pub node_spec: Option<NodeRef<'a>>,
    pub requirements_node: Option<NodeRef<'a>>,
    pub requirements: Vec<Requirement<'a>>,
    /// The `limits` key's value.
    pub limits_node: Option<NodeRef<'a>>,
    /// The mapping of resource limits (`limits.resources` in v1alpha5, `limits` otherwise).
    pub limits: Vec<(String, Field<'a, f64>)>,
    pub disruption: Option<NodeRef<'a>>,
    pub ttl_after_empty: Option<Field<'a, i64>>,
    pub ttl_until_expired: Option<Field<'a, i64>>,
    pub consolidation_enabled: Option<Field<'a, bool>>,
    pub consolidation_policy: Option<Field<'a, String>>,
    pub consolidate_after: Option<Field<'a, Delay>>,
    pub expire_after: Option<Field<'a, Delay>>,
    pub budgets: Vec<Budget<'a>>,
    pub weight: Option<Field<'a, i64>>,
    pub taints_node: Option<NodeRef<'a>>,
    pub taints: Vec<Taint<'a>>,
    pub node_class_ref: Option<NodeRef<'a>>,
    pub replicas: Option<Field<'a, i64>>,
    /// Instance types the requirements allow, from the catalog.
    pub instances: InstanceSet,
}

fn int_field<'a>(n: Option<NodeRef<'a>>) -> Option<Field<'a, i64>> {
    let n = n?;
    match n.value()? {
        Scalar::Int(v) => Some(Field { value: v, node: n }),
        Scalar::Float(f) if f.fract() == 0.0 => Some(Field {
            value: f as i64,
            node: n,
        }),
        _ => None,
    }
}

fn str_field<'a>(n: Option<NodeRef<'a>>) -> Option<Field<'a, String>> {
    let n = n?;
    Some(Field {
        value: n.as_str()?.to_string(),
        node: n,
    })
}

fn delay_field<'a>(n: Option<NodeRef<'a>>) -> Option<Field<'a, Delay>> {
    let n = n?;
    Some(Field {
        value: units::delay(n.as_str()?)?,
        node: n,
    })
}

impl<'a> NodePool<'a> {
    /// Build the model when the resource is a Karpenter node pool of a known version.
    pub fn from_resource(index: usize, r: &Resource<'a>) -> Option<Self> {
        let api = match (r.id.api_version.as_str(), r.id.kind.as_str()) {
            ("karpenter.sh/v1alpha5", "Provisioner") => PoolApi::V1Alpha5,
            ("karpenter.sh/v1beta1", "NodePool") => PoolApi::V1Beta1,
            ("karpenter.sh/v1", "NodePool") => PoolApi::V1,
            _ => return None,
        };
        let root = r.root;
        let spec = root.get("spec").filter(|s| s.is_map());
        let node_spec = match api {
            PoolApi::V1Alpha5 => spec,
            _ => spec.and_then(|s| s.path(&["template", "spec"])),
        };
        let disruption = match api {
            PoolApi::V1Alpha5 => None,
            _ => spec.and_then(|s| s.get("disruption")),
        };
        let requirements_node = node_spec.and_then(|s| s.get("requirements"));
        let requirements: Vec<Requirement> = requirements_node
            .and_then(|n| n.items())
            .map(|items| items.filter_map(read_requirement).collect())
            .unwrap_or_default();
        let limits_node = spec.and_then(|s| s.get("limits"));
        let limits_map = match api {
            PoolApi::V1Alpha5 => limits_node.and_then(|l| l.get("resources")),
            _ => limits_node,
        };
        let limits = limits_map
            .and_then(|m| m.entries())
            .map(|e| {
                e.filter_map(|(k, v)| {
                    let q = match v.value()? {
                        Scalar::Str(s) => units::quantity(s)?,
                        other => other.as_f64()?,
                    };
                    Some((k.to_string(), Field { value: q, node: v }))
                })
                .collect()
            })
            .unwrap_or_default();
        let taints_node = node_spec.and_then(|s| s.get("taints"));
        let taints = taints_node
            .and_then(|n| n.items())
            .map(|items| {
                items
                    .filter_map(|t| {
                        Some(Taint {
                            key: t.get("key")?.as_str()?.to_string(),
                            value: t.get("value").and_then(|v| v.as_str()).map(str::to_string),
                            effect: t
                                .get("effect")
                                .and_then(|v| v.as_str())
                                .unwrap_or_default()
                                .to_string(),
                            node: t,
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        let budgets = disruption
            .and_then(|d| d.get("budgets"))
            .and_then(|b| b.items())
            .map(|items| {
                items
                    .map(|b| Budget {
                        nodes: str_field(b.get("nodes")),
                        schedule: b
                            .get("schedule")
                            .and_then(|s| s.as_str())
                            .map(str::to_string),
                        reasons: b
                            .get("reasons")
                            .and_then(|r| r.items())
                            .map(|it| it.filter_map(|x| x.as_str().map(str::to_string)).collect()),
                        node: b,
                    })
                    .collect()
            })
            .unwrap_or_default();
        let (expire_after, ttl_until_expired) = match api {
            PoolApi::V1Alpha5 => (
                None,
                int_field(spec.and_then(|s| s.get("ttlSecondsUntilExpired"))),
            ),
            PoolApi::V1Beta1 => (
                delay_field(disruption.and_then(|d| d.get("expireAfter"))),
                None,
            ),
            PoolApi::V1 => (
                delay_field(node_spec.and_then(|s| s.get("expireAfter"))),
                None,
            ),
        };
        let consolidation_enabled = match api {
            PoolApi::V1Alpha5 => spec
                .and_then(|s| s.path(&["consolidation", "enabled"]))
                .and_then(|n| match n.value()? {
                    Scalar::Bool(b) => Some(Field { value: b, node: n }),
                    _ => None,
                }),
            _ => None,
        };
        let reqs: Vec<Req> = requirements
            .iter()
            .map(|r: &Requirement| Req {
                key: &r.key,
                operator: &r.operator,
                values: r.values.iter().map(|v| v.value.as_str()).collect(),
            })
            .collect();
        let instances = catalog::evaluate(&reqs);
        Some(NodePool {
            resource: index,
            file: r.file,
            api,
            name: r.id.name.clone().unwrap_or_else(|| "<unnamed>".to_string()),
            root,
            api_version_node: root.get("apiVersion"),
            spec,
            node_spec,
            requirements_node,
            requirements,
            limits_node,
            limits,
            disruption,
            ttl_after_empty: match api {
                PoolApi::V1Alpha5 => int_field(spec.and_then(|s| s.get("ttlSecondsAfterEmpty"))),
                _ => None,
            },
            ttl_until_expired,
            consolidation_enabled,
            consolidation_policy: str_field(disruption.and_then(|d| d.get("consolidationPolicy"))),
            consolidate_after: delay_field(disruption.and_then(|d| d.get("consolidateAfter"))),
            expire_after,
            budgets,
            weight: int_field(spec.and_then(|s| s.get("weight"))),
            taints_node,
            taints,
            node_class_ref: match api {
                PoolApi::V1Alpha5 => spec.and_then(|s| s.get("providerRef")),
                _ => node_spec.and_then(|s| s.get("nodeClassRef")),
            },
            replicas: int_field(spec.and_then(|s| s.get("replicas"))),
            instances,
        })
    }

    /// Capacity types after Karpenter's defaulting: v1alpha5 defaults to on-demand, later
    /// versions allow every type when the requirement is absent.
    pub fn capacity_types(&self) -> CapacityTypes {
        let all = CapacityTypes {
            spot: true,
            on_demand: true,
            reserved: self.api == PoolApi::V1,
        };
        let mut ct = all;
        let mut seen = false;
        for r in self
            .requirements
            .iter()
            .filter(|r| r.key == "karpenter.sh/capacity-type")
        {
            seen = true;
            let has = |v: &str| r.values.iter().any(|x| x.value == v);
            let allowed = |v: &str| match r.operator.as_str() {
                "In" => has(v),
                "NotIn" => !has(v),
                "Exists" => true,
                "DoesNotExist" => false,
                _ => true,
            };
            ct.spot &= allowed("spot");
            ct.on_demand &= allowed("on-demand");
            ct.reserved &= allowed("reserved");
        }
        if !seen && self.api == PoolApi::V1Alpha5 {
            return CapacityTypes {
                spot: false,
                on_demand: true,
                reserved: false,
            };
        }
        ct
    }

    /// The capacity-type requirement, if one is written.
    pub fn capacity_requirement(&self) -> Option<&Requirement<'a>> {
        self.requirements
            .iter()
            .find(|r| r.key == "karpenter.sh/capacity-type")
    }

    /// Whether the pool can launch instance types with a requestable accelerator.
    pub fn gpu_capable(&self) -> bool {
        self.instances.has_accelerators()
    }

    /// A limit by resource name.
    pub fn limit(&self, resource: &str) -> Option<&Field<'a, f64>> {
        self.limits
            .iter()
            .find(|(k, _)| k == resource)
            .map(|(_, f)| f)
    }

    /// The resource that is scarce for this pool: its accelerator for GPU pools, else cpu.
    pub fn scarce_resource(&self) -> &'static str {
        self.instances
            .accelerator_resources()
            .first()
            .copied()
            .unwrap_or("cpu")
    }

    /// The empty-node delay in seconds, when one is configured (v1alpha5
    /// `ttlSecondsAfterEmpty`, later `consolidateAfter`), with the node it was read from.
    pub fn empty_delay(&self) -> Option<(u64, NodeRef<'a>)> {
        match self.api {
            PoolApi::V1Alpha5 => self
                .ttl_after_empty
                .as_ref()
                .map(|f| (f.value.max(0) as u64, f.node)),
            _ => match &self.consolidate_after {
                Some(Field {
                    value: Delay::Seconds(s),
                    node,
                }) => Some((*s, *node)),
                _ => None,
            },
        }
    }

    /// The closest existing node to anchor a finding about a missing field under `spec`.
    pub fn spec_anchor(&self) -> NodeRef<'a> {
        self.spec.unwrap_or(self.root)
    }

    /// Anchor for a finding about node settings (taints, expiry in v1).
    pub fn node_spec_anchor(&self) -> NodeRef<'a> {
        self.node_spec.or(self.spec).unwrap_or(self.root)
    }

    /// Whether the pool's taints only use keys a pod of `other` already tolerates,
    /// i.e. a pod that schedules on `other` can also schedule here.
    pub fn taints_tolerated_by_pods_of(&self, other: &NodePool) -> bool {
        self.taints
            .iter()
            .filter(|t| t.effect == "NoSchedule" || t.effect == "NoExecute")
            .all(|t| {
                other.taints.iter().any(|o| {
                    o.key == t.key
                        && (o.value == t.value || o.value.is_none() && t.value.is_none())
                        && o.effect == t.effect
                })
            })
    }
}

fn read_requirement(item: NodeRef<'_>) -> Option<Requirement<'_>> {
    let key = item.get("key")?.as_str()?.to_string();
    let operator = item
        .get("operator")
        .and_then(|o| o.as_str())
        .unwrap_or_default()
        .to_string();
    let values_node = item.get("values");
    let values = values_node
        .and_then(|v| v.items())
        .map(|it| {
            it.filter_map(|v| {
                Some(Field {
                    value: v.scalar()?.0.to_string(),
                    node: v,
                })
            })
            .collect()
        })
        .unwrap_or_default();
    Some(Requirement {
        key,
        operator,
        values,
        node: item,
        values_node,
    })
}
