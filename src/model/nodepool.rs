//! One node-pool model over Karpenter's three API generations: `karpenter.sh/v1alpha5`
//! Provisioner, `karpenter.sh/v1beta1` NodePool and `karpenter.sh/v1` NodePool.
//!
//! Every field keeps the node it was read from, so a check can point at the value it
//! judges, or at the nearest existing parent key when the field is missing. Values the
//! API server would reject (wrong type, out of range, misplaced) are collected in
//! [`NodePool::invalid`] instead of being guessed at, so no check reasons from them.

use super::units::{self, Delay};
use super::Resource;
use crate::catalog::{self, requirements::Req, InstanceSet};
use crate::source::scalar::Scalar;
use crate::source::NodeRef;
use std::ops::Range;

/// Which Karpenter API generation a pool was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
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

    /// Whether one Karpenter release served both versions (v1alpha5 with v1beta1 in
    /// 0.32, v1beta1 with v1 in 1.0), so pools of both can coexist in one cluster.
    pub fn coexists_with(self, other: PoolApi) -> bool {
        (self as i32 - other as i32).abs() <= 1
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

/// One entry of `taints`. An empty value is the same taint as no value.
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
    /// `reasons` (v1 only; v1beta1 has no such field, so it is not read there).
    pub reasons: Option<Vec<String>>,
    pub node: NodeRef<'a>,
}

/// A value the API server would reject.
#[derive(Debug, Clone)]
pub struct Invalid {
    pub span: Range<usize>,
    pub message: String,
    pub help: String,
}

/// The capacity types a pool allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CapacityTypes {
    pub spot: bool,
    pub on_demand: bool,
    pub reserved: bool,
}

/// Extended resources that count GPUs or accelerator devices.
pub const ACCELERATOR_RESOURCES: &[&str] = &[
    "nvidia.com/gpu",
    "amd.com/gpu",
    "aws.amazon.com/neuron",
    "aws.amazon.com/neuroncore",
    "aws.amazon.com/neurondevice",
    "habana.ai/gaudi",
];

/// Whether a resource name counts accelerators (including MIG slices).
pub fn is_accelerator_resource(name: &str) -> bool {
    ACCELERATOR_RESOURCES.contains(&name) || name.starts_with("nvidia.com/mig-")
}

#[derive(Debug, Clone)]
pub struct NodePool<'a> {
    /// Index into [`super::ModelSet::resources`].
    pub resource: usize,
    pub file: usize,
    /// The cluster of its file (None: shared); see [`super::same_scope`].
    pub cluster: Option<&'a str>,
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
    /// Resource limits that parse (`limits.resources` in v1alpha5, `limits` otherwise).
    pub limits: Vec<(String, Field<'a, f64>)>,
    /// Whether limits are written at all (even if misplaced or unreadable).
    pub limits_written: bool,
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
    /// Labels the pool puts on its nodes (`spec.template.metadata.labels`; v1alpha5 `spec.labels`).
    pub labels: Vec<(String, String)>,
    pub node_class_ref: Option<NodeRef<'a>>,
    pub replicas: Option<Field<'a, i64>>,
    /// Values the API server rejects; checks must not reason from these fields.
    pub invalid: Vec<Invalid>,
    /// Instance types the requirements allow, from the catalog.
    pub instances: InstanceSet,
}

/// Reads fields, recording values the API would reject.
struct Reader {
    invalid: Vec<Invalid>,
}

impl Reader {
    /// A bad value: points at the value.
    fn bad(&mut self, n: NodeRef<'_>, message: String, help: &str) {
        self.invalid.push(Invalid {
            span: n.span(),
            message,
            help: help.to_string(),
        });
    }

    /// A field in the wrong place: points at its key.
    fn misplaced(&mut self, n: NodeRef<'_>, message: String, help: &str) {
        self.invalid.push(Invalid {
            span: n.key_span(),
            message,
            help: help.to_string(),
        });
    }

    /// An integer field within `min..=max`.
    fn int<'a>(
        &mut self,
        n: Option<NodeRef<'a>>,
        name: &str,
        min: i64,
        max: i64,
    ) -> Option<Field<'a, i64>> {
        let n = n?;
        let v = match n.value() {
            Some(Scalar::Int(v)) => Some(v),
            Some(Scalar::Float(f)) if f.fract() == 0.0 && f.abs() < 9.0e15 => Some(f as i64),
            _ => None,
        };
        match v {
            Some(v) if (min..=max).contains(&v) => Some(Field { value: v, node: n }),
            Some(v) => {
                self.bad(
                    n,
                    format!("`{name}` is {v}, outside the range {min} to {max} the API accepts"),
                    "use a value in range",
                );
                None
            }
            None => {
                let text = n.scalar().map(|(t, _)| t).unwrap_or("a collection");
                self.bad(
                    n,
                    format!("`{name}` must be an integer, not `{text}`"),
                    "write a plain integer without quotes",
                );
                None
            }
        }
    }

    fn delay<'a>(&mut self, n: Option<NodeRef<'a>>, name: &str) -> Option<Field<'a, Delay>> {
        let n = n?;
        match n.as_str().and_then(units::delay) {
            Some(value) => Some(Field { value, node: n }),
            None => {
                let text = n.scalar().map(|(t, _)| t).unwrap_or("a collection");
                self.bad(
                    n,
                    format!("`{name}` must be `Never` or a duration such as `30s`, `5m` or `1h30m`, not `{text}`"),
                    "write the duration with a unit (s, m or h) as a string",
                );
                None
            }
        }
    }

    fn enum_str<'a>(
        &mut self,
        n: Option<NodeRef<'a>>,
        name: &str,
        allowed: &[&str],
        api: PoolApi,
    ) -> Option<Field<'a, String>> {
        let n = n?;
        let v = n.as_str().unwrap_or_default();
        if allowed.contains(&v) {
            return Some(Field {
                value: v.to_string(),
                node: n,
            });
        }
        self.bad(
            n,
            format!(
                "`{name}: {v}` is not accepted by {}; it allows {}",
                api.api_version(),
                allowed.join(", ")
            ),
            "use one of the allowed values",
        );
        None
    }
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
        let mut rd = Reader {
            invalid: Vec::new(),
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

        // Limits: v1alpha5 nests them under `resources`, later versions do not.
        let limits_node = spec.and_then(|s| s.get("limits"));
        let limits_written = limits_node
            .and_then(|l| l.entries())
            .is_some_and(|mut e| e.next().is_some());
        let limits_map = match api {
            PoolApi::V1Alpha5 => {
                let resources = limits_node.and_then(|l| l.get("resources"));
                if let (Some(l), None) = (limits_node, resources) {
                    if limits_written {
                        rd.misplaced(
                            l,
                            "v1alpha5 limits belong under `limits.resources`; these are ignored"
                                .to_string(),
                            "move the entries under `limits: {resources: {...}}`",
                        );
                    }
                }
                resources
            }
            _ => {
                if let Some(res) = limits_node.and_then(|l| l.get("resources")) {
                    rd.misplaced(
                        res,
                        format!("{} limits are set directly under `limits`; the `resources:` level was removed", api.api_version()),
                        "move the entries up one level, directly under `limits`",
                    );
                }
                limits_node
            }
        };
        let mut limits = Vec::new();
        for (k, v) in limits_map.and_then(|m| m.entries()).into_iter().flatten() {
            if k == "resources" && api != PoolApi::V1Alpha5 {
                continue;
            }
            let q = match v.value() {
                Some(Scalar::Str(s)) => units::quantity(s),
                Some(other) => other.as_f64().filter(|f| f.is_finite()),
                None => None,
            };
            match q {
                Some(q) if q >= 0.0 => limits.push((k.to_string(), Field { value: q, node: v })),
                _ => {
                    let text = v.scalar().map(|(t, _)| t).unwrap_or("a collection");
                    rd.bad(
                        v,
                        format!("limit `{k}: {text}` is not a Kubernetes quantity"),
                        "write a quantity such as `100`, `\"1000\"`, `500m` or `4000Gi`",
                    );
                }
            }
        }

        let taints_node = node_spec.and_then(|s| s.get("taints"));
        let taints = taints_node
            .and_then(|n| n.items())
            .map(|items| {
                items
                    .filter_map(|t| {
                        Some(Taint {
                            key: t.get("key")?.as_str()?.to_string(),
                            value: t
                                .get("value")
                                .and_then(|v| v.as_str())
                                .filter(|v| !v.is_empty())
                                .map(str::to_string),
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

        let budget_nodes = regex_lite_budget();
        let budgets = disruption
            .and_then(|d| d.get("budgets"))
            .and_then(|b| b.items())
            .map(|items| {
                items
                    .map(|b| {
                        let nodes = b.get("nodes").and_then(|n| {
                            let text = n.scalar()?.0.to_string();
                            if !budget_nodes(&text) {
                                rd.bad(
                                    n,
                                    format!("budget `nodes: {text}` must be a count or a percentage such as `10%`"),
                                    "quote the value: `nodes: \"10%\"` or `nodes: \"0\"`",
                                );
                            }
                            Some(Field { value: text, node: n })
                        });
                        let schedule = b.get("schedule");
                        let duration = b.get("duration");
                        if schedule.is_some() != duration.is_some() {
                            rd.bad(
                                b,
                                "a budget's `schedule` and `duration` must be set together".to_string(),
                                "add the missing `schedule` (cron) or `duration` (e.g. 8h)",
                            );
                        }
                        Budget {
                            nodes,
                            schedule: schedule.and_then(|s| s.as_str()).map(str::to_string),
                            reasons: match api {
                                PoolApi::V1 => b.get("reasons").and_then(|r| r.items()).map(|it| {
                                    it.filter_map(|x| x.as_str().map(str::to_string)).collect()
                                }),
                                _ => None,
                            },
                            node: b,
                        }
                    })
                    .collect()
            })
            .unwrap_or_default();

        // Expiry and empty-node settings live in different places per version.
        let (expire_after, ttl_until_expired) = match api {
            PoolApi::V1Alpha5 => (
                None,
                rd.int(
                    spec.and_then(|s| s.get("ttlSecondsUntilExpired")),
                    "ttlSecondsUntilExpired",
                    0,
                    i64::MAX,
                ),
            ),
            PoolApi::V1Beta1 => {
                if let Some(misplaced) = node_spec.and_then(|s| s.get("expireAfter")) {
                    rd.misplaced(misplaced, "v1beta1 reads `expireAfter` from `spec.disruption`, not the template; this one is ignored".to_string(), "move it to `spec.disruption.expireAfter`");
                }
                (
                    rd.delay(disruption.and_then(|d| d.get("expireAfter")), "expireAfter"),
                    None,
                )
            }
            PoolApi::V1 => {
                if let Some(misplaced) = disruption.and_then(|d| d.get("expireAfter")) {
                    rd.misplaced(
                        misplaced,
                        "v1 moved `expireAfter` to `spec.template.spec`; this one is ignored"
                            .to_string(),
                        "move it to `spec.template.spec.expireAfter`",
                    );
                }
                (
                    rd.delay(node_spec.and_then(|s| s.get("expireAfter")), "expireAfter"),
                    None,
                )
            }
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
        let policies: &[&str] = match api {
            PoolApi::V1Alpha5 => &[],
            PoolApi::V1Beta1 => &["WhenEmpty", "WhenUnderutilized"],
            PoolApi::V1 => &["WhenEmpty", "WhenEmptyOrUnderutilized", "Balanced"],
        };
        let consolidation_policy = rd.enum_str(
            disruption.and_then(|d| d.get("consolidationPolicy")),
            "consolidationPolicy",
            policies,
            api,
        );
        let consolidate_after = rd.delay(
            disruption.and_then(|d| d.get("consolidateAfter")),
            "consolidateAfter",
        );
        let ttl_after_empty = match api {
            PoolApi::V1Alpha5 => rd.int(
                spec.and_then(|s| s.get("ttlSecondsAfterEmpty")),
                "ttlSecondsAfterEmpty",
                0,
                i64::MAX,
            ),
            _ => None,
        };
        let weight = rd.int(spec.and_then(|s| s.get("weight")), "weight", 1, 100);
        let replicas = match api {
            PoolApi::V1 => rd.int(
                spec.and_then(|s| s.get("replicas")),
                "replicas",
                0,
                i64::MAX,
            ),
            _ => None,
        };
        if api == PoolApi::V1Alpha5 {
            if let (Some(s), true) = (
                spec,
                spec.is_some_and(|s| s.get("provider").is_some() && s.get("providerRef").is_some()),
            ) {
                let p = s.get("provider").unwrap_or(s);
                rd.bad(
                    p,
                    "a Provisioner may set `provider` or `providerRef`, not both".to_string(),
                    "keep `providerRef` and move the inline settings to its AWSNodeTemplate",
                );
            }
        }

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
            cluster: r.cluster,
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
            limits_written,
            disruption,
            ttl_after_empty,
            ttl_until_expired,
            consolidation_enabled,
            consolidation_policy,
            consolidate_after,
            expire_after,
            budgets,
            weight,
            taints_node,
            taints,
            labels: match api {
                PoolApi::V1Alpha5 => spec.and_then(|s| s.get("labels")),
                _ => spec.and_then(|s| s.path(&["template", "metadata", "labels"])),
            }
            .and_then(|m| m.entries())
            .map(|e| {
                e.filter_map(|(k, v)| Some((k.to_string(), v.scalar()?.0.to_string())))
                    .collect()
            })
            .unwrap_or_default(),
            node_class_ref: match api {
                PoolApi::V1Alpha5 => spec.and_then(|s| s.get("providerRef")),
                _ => node_spec.and_then(|s| s.get("nodeClassRef")),
            },
            replicas,
            invalid: rd.invalid,
            instances,
        })
    }

    /// Whether the API server would reject a value at this key under `spec` (or under
    /// `disruption`), so checks can stay silent about it rather than guess.
    pub fn written_but_invalid(&self, n: Option<NodeRef<'_>>) -> bool {
        n.is_some_and(|n| self.invalid.iter().any(|i| i.span == n.span()))
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

    /// Whether the pool is meant for, and can launch, instance types with a requestable
    /// accelerator. A pool whose requirements select no kind of hardware is
    /// general-purpose: Karpenter only picks accelerator types for pods that ask for them.
    pub fn gpu_capable(&self) -> bool {
        !self.instances.unconstrained && self.instances.has_accelerators()
    }

    /// A static pool (`replicas`) keeps a fixed node count and does not scale for pods.
    pub fn is_static(&self) -> bool {
        self.replicas.is_some() || self.spec.is_some_and(|s| s.get("replicas").is_some())
    }

    /// A limit by resource name.
    pub fn limit(&self, resource: &str) -> Option<&Field<'a, f64>> {
        self.limits
            .iter()
            .find(|(k, _)| k == resource)
            .map(|(_, f)| f)
    }

    /// The first limit on an accelerator resource, if any.
    pub fn accelerator_limit(&self) -> Option<(&str, &Field<'a, f64>)> {
        self.limits
            .iter()
            .find(|(k, _)| is_accelerator_resource(k))
            .map(|(k, f)| (k.as_str(), f))
    }

    /// The resource that is scarce for this pool: its main accelerator for GPU pools
    /// (NVIDIA first, as it dominates), else cpu.
    pub fn scarce_resource(&self) -> &'static str {
        if !self.gpu_capable() {
            return "cpu";
        }
        let res = self.instances.accelerator_resources();
        if res.contains(&"nvidia.com/gpu") {
            "nvidia.com/gpu"
        } else {
            res.first().copied().unwrap_or("cpu")
        }
    }

    /// The most of `resource` this pool may hold: its explicit limit, else `limits.nodes`
    /// times the largest per-node amount among its types (when the catalog knows them all).
    pub fn cap_on(&self, resource: &str) -> Option<f64> {
        if let Some(f) = self.limit(resource) {
            return Some(f.value);
        }
        let nodes = self.limit("nodes")?.value;
        if !self.instances.exact || !self.instances.unpriced.is_empty() {
            return None;
        }
        let per_node = self
            .instances
            .types
            .iter()
            .map(|t| match resource {
                "cpu" => t.vcpu as f64,
                r if t.accelerator_resource == r => t.accelerator_count() as f64,
                _ => 0.0,
            })
            .fold(0.0, f64::max);
        Some(nodes * per_node)
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

    /// Whether every NoSchedule/NoExecute taint of this pool is tolerated by a pod that
    /// tolerates `other`'s taints (same key, value and effect), i.e. a pod that schedules
    /// on `other` can also schedule here.
    pub fn taints_tolerated_by_pods_of(&self, other: &NodePool) -> bool {
        self.taints
            .iter()
            .filter(|t| t.effect == "NoSchedule" || t.effect == "NoExecute")
            .all(|t| {
                other
                    .taints
                    .iter()
                    .any(|o| o.key == t.key && o.value == t.value && o.effect == t.effect)
            })
    }

    /// Whether a pod that fits `other` could also be placed here as far as labels go:
    /// for every key both pools require with `In`, the value lists overlap, and the two
    /// pools share at least one instance type.
    pub fn can_host_pods_of(&self, other: &NodePool) -> bool {
        for mine in self.requirements.iter().filter(|r| r.operator == "In") {
            if mine.key == "karpenter.sh/capacity-type" {
                continue;
            }
            for theirs in other
                .requirements
                .iter()
                .filter(|r| r.operator == "In" && r.key == mine.key)
            {
                let overlap = mine
                    .values
                    .iter()
                    .any(|v| theirs.values.iter().any(|w| w.value == v.value));
                if !overlap {
                    return false;
                }
            }
        }
        self.instances.is_empty()
            || other.instances.is_empty()
            || self.instances.overlaps(&other.instances)
    }
}

/// Budget `nodes` as the schema allows: a count, or a percentage up to 100%.
fn regex_lite_budget() -> impl Fn(&str) -> bool {
    |t: &str| match t.strip_suffix('%') {
        Some(p) => {
            !p.is_empty()
                && p.len() <= 3
                && p.bytes().all(|b| b.is_ascii_digit())
                && p.parse::<u32>().is_ok_and(|n| n <= 100)
        }
        None => !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()),
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
