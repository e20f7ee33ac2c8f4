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

/// The node class group of self-managed Karpenter's AWS provider (`EC2NodeClass`).
pub const SELF_MANAGED_AWS_GROUP: &str = "karpenter.k8s.aws";

/// The node class group of EKS Auto Mode (`NodeClass`).
pub const AUTO_MODE_GROUP: &str = "eks.amazonaws.com";

/// Which Karpenter API generation a pool was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
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

    /// Resource limits: v1alpha5 nests them under `limits.resources`, later versions
    /// set them directly under `limits`; entries in the other version's place are
    /// misplaced.
    fn limits<'a>(
        &mut self,
        api: PoolApi,
        limits_node: Option<NodeRef<'a>>,
        limits_written: bool,
    ) -> Vec<(String, Field<'a, f64>)> {
        let limits_map = match api {
            PoolApi::V1Alpha5 => {
                let resources = limits_node.and_then(|l| l.get("resources"));
                if let (Some(l), None, true) = (limits_node, resources, limits_written) {
                    self.misplaced(
                        l,
                        "v1alpha5 limits belong under `limits.resources`; these are ignored"
                            .to_string(),
                        "move the entries under `limits: {resources: {...}}`",
                    );
                }
                resources
            }
            _ => {
                if let Some(res) = limits_node.and_then(|l| l.get("resources")) {
                    self.misplaced(
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
            if let Some(q) = self.quantity(k, v) {
                limits.push((k.to_string(), Field { value: q, node: v }));
            }
        }
        limits
    }

    /// A limit's value as a non-negative Kubernetes quantity.
    fn quantity(&mut self, k: &str, v: NodeRef<'_>) -> Option<f64> {
        let q = match v.value() {
            Some(Scalar::Str(s)) => units::quantity(s),
            Some(other) => other.as_f64().filter(|f| f.is_finite()),
            None => None,
        };
        match q {
            Some(q) if q >= 0.0 => Some(q),
            _ => {
                let text = v.scalar().map(|(t, _)| t).unwrap_or("a collection");
                self.bad(
                    v,
                    format!("limit `{k}: {text}` is not a Kubernetes quantity"),
                    "write a quantity such as `100`, `\"1000\"`, `500m` or `4000Gi`",
                );
                None
            }
        }
    }

    /// `disruption.budgets` (v1beta1 and v1).
    fn budgets<'a>(&mut self, api: PoolApi, disruption: Option<NodeRef<'a>>) -> Vec<Budget<'a>> {
        disruption
            .and_then(|d| d.get("budgets"))
            .and_then(|b| b.items())
            .map(|items| items.map(|b| self.budget(api, b)).collect())
            .unwrap_or_default()
    }

    fn budget<'a>(&mut self, api: PoolApi, b: NodeRef<'a>) -> Budget<'a> {
        let budget_nodes = regex_lite_budget();
        let nodes = b.get("nodes").and_then(|n| {
            let text = n.scalar()?.0.to_string();
            if !budget_nodes(&text) {
                self.bad(
                    n,
                    format!("budget `nodes: {text}` must be a count or a percentage such as `10%`"),
                    "quote the value: `nodes: \"10%\"` or `nodes: \"0\"`",
                );
            }
            Some(Field {
                value: text,
                node: n,
            })
        });
        let schedule = b.get("schedule");
        let duration = b.get("duration");
        if schedule.is_some() != duration.is_some() {
            self.bad(
                b,
                "a budget's `schedule` and `duration` must be set together".to_string(),
                "add the missing `schedule` (cron) or `duration` (e.g. 8h)",
            );
        }
        Budget {
            nodes,
            schedule: schedule.and_then(|s| s.as_str()).map(str::to_string),
            reasons: match api {
                PoolApi::V1 => b
                    .get("reasons")
                    .and_then(|r| r.items())
                    .map(|it| it.filter_map(|x| x.as_str().map(str::to_string)).collect()),
                _ => None,
            },
            node: b,
        }
    }

    /// Node expiry, which lives in a different place per version: (`expireAfter`,
    /// v1alpha5's `ttlSecondsUntilExpired`).
    #[allow(clippy::type_complexity)]
    fn expiry<'a>(
        &mut self,
        api: PoolApi,
        spec: Option<NodeRef<'a>>,
        node_spec: Option<NodeRef<'a>>,
        disruption: Option<NodeRef<'a>>,
    ) -> (Option<Field<'a, Delay>>, Option<Field<'a, i64>>) {
        match api {
            PoolApi::V1Alpha5 => (
                None,
                self.int(
                    spec.and_then(|s| s.get("ttlSecondsUntilExpired")),
                    "ttlSecondsUntilExpired",
                    0,
                    i64::MAX,
                ),
            ),
            PoolApi::V1Beta1 => {
                if let Some(misplaced) = node_spec.and_then(|s| s.get("expireAfter")) {
                    self.misplaced(misplaced, "v1beta1 reads `expireAfter` from `spec.disruption`, not the template; this one is ignored".to_string(), "move it to `spec.disruption.expireAfter`");
                }
                let at = disruption.and_then(|d| d.get("expireAfter"));
                (self.delay(at, "expireAfter"), None)
            }
            PoolApi::V1 => {
                if let Some(misplaced) = disruption.and_then(|d| d.get("expireAfter")) {
                    self.misplaced(
                        misplaced,
                        "v1 moved `expireAfter` to `spec.template.spec`; this one is ignored"
                            .to_string(),
                        "move it to `spec.template.spec.expireAfter`",
                    );
                }
                let at = node_spec.and_then(|s| s.get("expireAfter"));
                (self.delay(at, "expireAfter"), None)
            }
        }
    }

    /// `disruption.consolidationPolicy` (the values each version accepts) and
    /// `consolidateAfter`.
    fn consolidation<'a>(
        &mut self,
        api: PoolApi,
        disruption: Option<NodeRef<'a>>,
    ) -> (Option<Field<'a, String>>, Option<Field<'a, Delay>>) {
        let policies: &[&str] = match api {
            PoolApi::V1Alpha5 => &[],
            PoolApi::V1Beta1 => &["WhenEmpty", "WhenUnderutilized"],
            PoolApi::V1 => &["WhenEmpty", "WhenEmptyOrUnderutilized", "Balanced"],
        };
        let policy = self.enum_str(
            disruption.and_then(|d| d.get("consolidationPolicy")),
            "consolidationPolicy",
            policies,
            api,
        );
        let after = self.delay(
            disruption.and_then(|d| d.get("consolidateAfter")),
            "consolidateAfter",
        );
        (policy, after)
    }

    /// The integers under `spec`: (v1alpha5's `ttlSecondsAfterEmpty`, `weight`, v1's
    /// static-capacity `replicas`).
    #[allow(clippy::type_complexity)]
    fn spec_numbers<'a>(
        &mut self,
        api: PoolApi,
        spec: Option<NodeRef<'a>>,
    ) -> (
        Option<Field<'a, i64>>,
        Option<Field<'a, i64>>,
        Option<Field<'a, i64>>,
    ) {
        let at = |k: &str| spec.and_then(|s| s.get(k));
        let ttl_after_empty = match api {
            PoolApi::V1Alpha5 => self.int(
                at("ttlSecondsAfterEmpty"),
                "ttlSecondsAfterEmpty",
                0,
                i64::MAX,
            ),
            _ => None,
        };
        let weight = self.int(at("weight"), "weight", 1, 100);
        let replicas = match api {
            PoolApi::V1 => self.int(at("replicas"), "replicas", 0, i64::MAX),
            _ => None,
        };
        (ttl_after_empty, weight, replicas)
    }

    /// A v1alpha5 Provisioner with both inline `provider` settings and a `providerRef`.
    fn provider_and_ref(&mut self, spec: Option<NodeRef<'_>>) {
        let Some(s) = spec else { return };
        if let (Some(p), Some(_)) = (s.get("provider"), s.get("providerRef")) {
            self.bad(
                p,
                "a Provisioner may set `provider` or `providerRef`, not both".to_string(),
                "keep `providerRef` and move the inline settings to its AWSNodeTemplate",
            );
        }
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
        let limits_node = spec.and_then(|s| s.get("limits"));
        let limits_written = limits_node
            .and_then(|l| l.entries())
            .is_some_and(|mut e| e.next().is_some());
        let limits = rd.limits(api, limits_node, limits_written);
        let taints_node = node_spec.and_then(|s| s.get("taints"));
        let budgets = rd.budgets(api, disruption);
        let (expire_after, ttl_until_expired) = rd.expiry(api, spec, node_spec, disruption);
        let (consolidation_policy, consolidate_after) = rd.consolidation(api, disruption);
        let (ttl_after_empty, weight, replicas) = rd.spec_numbers(api, spec);
        if api == PoolApi::V1Alpha5 {
            rd.provider_and_ref(spec);
        }
        let instances = catalog::evaluate(&catalog_reqs(&requirements));
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
            consolidation_enabled: consolidation_enabled(api, spec),
            consolidation_policy,
            consolidate_after,
            expire_after,
            budgets,
            weight,
            taints_node,
            taints: read_taints(taints_node),
            labels: node_labels(api, spec),
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

    /// The API group of the node class the pool references: it names the controller that
    /// provisions the pool (`karpenter.k8s.aws` for self-managed Karpenter on AWS,
    /// `eks.amazonaws.com` for EKS Auto Mode, another provider's group elsewhere). A
    /// reference without a group (v1beta1 `nodeClassRef: {name}`, v1alpha5 inline
    /// `provider`) means the AWS provider's default node class.
    pub fn node_class_group(&self) -> &str {
        let r = self.node_class_ref;
        let group = r.and_then(|r| r.get("group")).and_then(|g| g.as_str());
        let from_api_version = r
            .and_then(|r| r.get("apiVersion"))
            .and_then(|v| v.as_str())
            .map(|v| v.split('/').next().unwrap_or(v));
        group
            .or(from_api_version)
            .filter(|g| !g.is_empty())
            .unwrap_or(SELF_MANAGED_AWS_GROUP)
    }

    /// An EKS Auto Mode pool: its node class is an `eks.amazonaws.com` NodeClass, so EKS,
    /// not a Karpenter installed in the cluster, provisions it.
    pub fn is_auto_mode(&self) -> bool {
        self.node_class_group() == AUTO_MODE_GROUP
    }

    /// One of EKS Auto Mode's built-in pools (`general-purpose`, `system`) as read back from
    /// a cluster: AWS manages them and they cannot be edited, only enabled or disabled.
    /// Both are on-demand C, M and R pools of generation 5 or newer on the `default`
    /// NodeClass; `system` carries a `CriticalAddonsOnly` taint (EKS user guide, "Enable or
    /// Disable Built-in NodePools").
    pub fn is_auto_mode_builtin(&self) -> bool {
        self.is_auto_mode()
            && matches!(self.name.as_str(), "general-purpose" | "system")
            && self
                .node_class_ref
                .and_then(|r| r.get("name"))
                .and_then(|n| n.as_str())
                == Some("default")
    }

    /// Whether one controller provisions both pools. Karpenter orders only its own pools by
    /// weight, and a pod pending on one controller's pool is not retried on another's.
    pub fn same_controller(&self, other: &NodePool) -> bool {
        self.node_class_group() == other.node_class_group()
    }

    /// `spec.weight`, 0 when unset (Karpenter's default).
    pub fn weight_value(&self) -> i64 {
        self.weight.as_ref().map_or(0, |w| w.value)
    }

    /// Whether Karpenter tries this pool before `other` for a pod both can host: the higher
    /// weight first; at equal weight, NodePools (v1beta1 from Karpenter 0.33.1, and v1)
    /// order by name, the name later in the alphabet first, and come before Provisioners.
    /// None when the order is not defined (two v1alpha5 Provisioners of equal weight).
    pub fn tried_before(&self, other: &NodePool) -> Option<bool> {
        let (a, b) = (self.weight_value(), other.weight_value());
        if a != b {
            return Some(a > b);
        }
        match (
            self.api == PoolApi::V1Alpha5,
            other.api == PoolApi::V1Alpha5,
        ) {
            (false, false) => Some(self.name > other.name),
            (false, true) => Some(true),
            (true, false) => Some(false),
            (true, true) => None,
        }
    }

    /// Whether the pool's growth is bounded by a readable limit (cpu, memory, nodes or an
    /// accelerator): what the documented "prepaid capacity first" pattern relies on.
    pub fn is_capped(&self) -> bool {
        !self.limits.is_empty()
    }

    /// Whether this is a pool of prepaid capacity tried before `spot`: it cannot launch spot,
    /// it is capped by limits, and Karpenter tries it first. Karpenter's docs describe this
    /// for Savings Plans and Reserved Instances (an on-demand pool with a high weight,
    /// limited to the prepaid amount) and ODCRs (`capacity-type: reserved`): pods fill the
    /// prepaid capacity, then fall through to lower-weight pools. Its weight is deliberate,
    /// and it is no fallback for the spot pool beneath it.
    pub fn is_prepaid_before(&self, spot: &NodePool) -> bool {
        !self.capacity_types().spot && self.is_capped() && self.tried_before(spot) == Some(true)
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

    /// Whether a pod that fits `other` could also be placed here as far as labels go: for
    /// every key both pools require with `In`, the value lists overlap; every custom label
    /// `other`'s nodes carry (a template label or a requirement on a key that is not a
    /// well-known one), which its pods may select, is one this pool's nodes can carry too
    /// when this pool constrains it; and the two pools share at least one instance type. A
    /// custom label only `other` mentions is not held against this pool: whether the pods
    /// select it is not known from the pools alone.
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
        if self.custom_label_conflict(other).is_some()
            || self.windows_only() != other.windows_only()
        {
            return false;
        }
        self.instances.is_empty()
            || other.instances.is_empty()
            || self.instances.overlaps(&other.instances)
    }

    /// Whether the pool launches only Windows nodes. Pods of a Linux pool never run on them,
    /// and a pool that does not ask for Windows launches Linux nodes.
    fn windows_only(&self) -> bool {
        self.requirements.iter().any(|r| {
            r.key == "kubernetes.io/os"
                && r.operator == "In"
                && !r.values.is_empty()
                && r.values.iter().all(|v| v.value == "windows")
        })
    }

    /// What this pool says about a node label: its template label, then its requirements.
    fn label_constraints(&self, key: &str) -> Vec<LabelValues> {
        let mut out: Vec<LabelValues> = self
            .labels
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| LabelValues::OneOf(vec![v.clone()]))
            .collect();
        for r in self.requirements.iter().filter(|r| r.key == key) {
            let values = || r.values.iter().map(|v| v.value.clone()).collect();
            out.push(match r.operator.as_str() {
                "In" => LabelValues::OneOf(values()),
                "NotIn" => LabelValues::AnyBut(values()),
                "DoesNotExist" => LabelValues::Absent,
                _ => LabelValues::Any,
            });
        }
        out
    }

    /// The first custom label `other`'s nodes carry that this pool's nodes cannot carry
    /// with a matching value, as `key`.
    pub fn custom_label_conflict(&self, other: &NodePool) -> Option<String> {
        let keys = other
            .labels
            .iter()
            .map(|(k, _)| k.as_str())
            .chain(other.requirements.iter().map(|r| r.key.as_str()))
            .filter(|k| is_custom_label(k));
        for key in keys {
            let theirs = other.label_constraints(key);
            if !theirs.iter().any(LabelValues::is_positive) {
                continue; // pods cannot select a label the nodes do not carry
            }
            let mine = self.label_constraints(key);
            if theirs.iter().any(|t| mine.iter().any(|m| !t.compatible(m))) {
                return Some(key.to_string());
            }
        }
        None
    }
}

/// The values a pool allows for one node label.
#[derive(Debug, Clone)]
enum LabelValues {
    OneOf(Vec<String>),
    AnyBut(Vec<String>),
    Absent,
    Any,
}

impl LabelValues {
    /// Whether nodes carry the label (so a pod can select it).
    fn is_positive(&self) -> bool {
        matches!(self, LabelValues::OneOf(_) | LabelValues::Any)
    }

    /// Whether one node could satisfy both constraints.
    fn compatible(&self, other: &LabelValues) -> bool {
        use LabelValues::*;
        match (self, other) {
            (OneOf(a), OneOf(b)) => a.iter().any(|v| b.contains(v)),
            (OneOf(a), AnyBut(b)) | (AnyBut(b), OneOf(a)) => a.iter().any(|v| !b.contains(v)),
            (Absent, OneOf(_) | Any) | (OneOf(_) | Any, Absent) => false,
            _ => true,
        }
    }
}

/// A label a user defines (team, workload class), not one Kubernetes, Karpenter or the
/// cloud provider sets from the instance (which the catalog and zone checks judge).
pub fn is_custom_label(key: &str) -> bool {
    let domain = key.split_once('/').map_or("", |(d, _)| d);
    !(domain == "kubernetes.io"
        || domain.ends_with(".kubernetes.io")
        || domain == "k8s.io"
        || domain.ends_with(".k8s.io")
        || domain == "karpenter.sh"
        || domain == "karpenter.k8s.aws"
        || domain == "eks.amazonaws.com"
        || domain == "topology.k8s.aws")
}

/// Budget `nodes` as the schema allows: a count, or a percentage up to 100%.
/// `consolidation.enabled` (v1alpha5 only).
fn consolidation_enabled(api: PoolApi, spec: Option<NodeRef<'_>>) -> Option<Field<'_, bool>> {
    if api != PoolApi::V1Alpha5 {
        return None;
    }
    let n = spec?.path(&["consolidation", "enabled"])?;
    match n.value()? {
        Scalar::Bool(b) => Some(Field { value: b, node: n }),
        _ => None,
    }
}

/// The entries of `taints` with a key.
fn read_taints(taints_node: Option<NodeRef<'_>>) -> Vec<Taint<'_>> {
    let Some(items) = taints_node.and_then(|n| n.items()) else {
        return Vec::new();
    };
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
}

/// Labels the pool puts on its nodes (v1alpha5 `spec.labels`, else
/// `spec.template.metadata.labels`).
fn node_labels(api: PoolApi, spec: Option<NodeRef<'_>>) -> Vec<(String, String)> {
    match api {
        PoolApi::V1Alpha5 => spec.and_then(|s| s.get("labels")),
        _ => spec.and_then(|s| s.path(&["template", "metadata", "labels"])),
    }
    .and_then(|m| m.entries())
    .map(|e| {
        e.filter_map(|(k, v)| Some((k.to_string(), v.scalar()?.0.to_string())))
            .collect()
    })
    .unwrap_or_default()
}

/// The requirements as the catalog evaluates them.
fn catalog_reqs<'r>(requirements: &'r [Requirement<'_>]) -> Vec<Req<'r>> {
    requirements
        .iter()
        .map(|r| Req {
            key: &r.key,
            operator: &r.operator,
            values: r.values.iter().map(|v| v.value.as_str()).collect(),
        })
        .collect()
}

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
