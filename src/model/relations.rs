//! Relations between resources, computed once for all checks: which autoscaler scales
//! which workload, which disruption budgets select it, and which node pools can host it
//! (and why the others cannot).

use super::nodepool::NodePool;
use super::scaling::{Autoscaler, DisruptionBudget};
use super::workload::{NodeReq, Workload};
use super::{same_scope, Resource};
use crate::catalog::requirements::{auto_mode_label, evaluate, is_instance_key, Req};
use crate::catalog::{fit, fits, InstanceType, PodRequests};
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

/// Why a pool cannot host a workload.
#[derive(Debug, Clone)]
pub struct Blocked {
    pub pool: usize,
    pub reason: String,
    /// How close the pool came: 0 taints, 1 labels, 2 capacity (higher is closer).
    pub closeness: u8,
}

/// The relations. Hosting is worked out per class rather than per pair: workloads whose
/// pods ask the same of a node (scope, tolerations, node requirements, requests) share a
/// hosting class, and pools that offer the same (scope, name, taints, labels,
/// requirements, instance types) share a pool class, so a repository of many similar
/// clusters costs what its distinct shapes cost, not the square of its size.
#[derive(Debug, Default)]
pub struct Relations {
    /// Per workload: autoscalers targeting it.
    pub autoscalers: Vec<Vec<usize>>,
    /// Per autoscaler: the workloads it targets.
    pub targets: Vec<Vec<usize>>,
    /// Per workload: disruption budgets selecting its pods.
    pub budgets: Vec<Vec<usize>>,
    /// Per workload: whether it runs on spot capacity.
    pub spot_exposed: Vec<bool>,
    /// Per workload: its hosting class.
    host_class: Vec<usize>,
    /// Per hosting class: pools that can host its pods, ascending (32-bit: these lists
    /// are the largest part of the relations).
    class_hosts: Vec<Vec<u32>>,
    /// Per hosting class: the pools in `class_hosts` that host its pods only because the
    /// ExtendedResourceToleration admission plugin gives them a toleration for a taint
    /// keyed by a resource they request, ascending.
    class_hosts_by_ert: Vec<Vec<u32>>,
    /// Per hosting class: whether its pods are DaemonSet pods (Karpenter provisions no
    /// node for them).
    class_daemon: Vec<bool>,
    /// Per pool: its pool class.
    pool_class: Vec<usize>,
    /// Per pool class: the workloads its pools can host, ascending.
    class_hosted: Vec<Vec<u32>>,
    /// Per pool class: the hosting classes its pools can host, ascending.
    pool_class_hosts: Vec<Vec<usize>>,
    /// Whether two pool classes host a pod in common (see [`Relations::host_a_pod_of`]),
    /// worked out when first asked.
    shared_pods: std::sync::Mutex<HashMap<(usize, usize), bool>>,
}

/// Same namespace; an object without one is applied into whatever namespace the tool
/// gives (`kubectl -n`, kustomize), so it matches any.
fn same_namespace(a: &Option<String>, b: &Option<String>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a == b,
        _ => true,
    }
}

/// Labels Kubernetes or the cloud set on every node, which any pool can satisfy.
pub(crate) fn well_known_any(key: &str) -> bool {
    matches!(
        key,
        "kubernetes.io/os"
            | "beta.kubernetes.io/os"
            | "topology.kubernetes.io/zone"
            | "topology.kubernetes.io/region"
            | "failure-domain.beta.kubernetes.io/zone"
            | "topology.k8s.aws/zone-id"
            | "kubernetes.io/hostname"
    )
}

fn capacity_values(pool: &NodePool) -> Vec<&'static str> {
    let ct = pool.capacity_types();
    let mut v = Vec::new();
    if ct.spot {
        v.push("spot");
    }
    if ct.on_demand {
        v.push("on-demand");
    }
    if ct.reserved {
        v.push("reserved");
    }
    v
}

/// Why a pool cannot produce a node matching one of the pod's node-selector
/// requirements. `wanted` is the requirement as the pod states it (`key In [a, b]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mismatch {
    /// `karpenter.sh/capacity-type` outside what the pool offers.
    CapacityType {
        wanted: String,
        offered: Vec<&'static str>,
    },
    /// An EKS Auto Mode label on a self-managed pool, or the other way round.
    NodeKind { wanted: String, auto_mode: bool },
    /// `karpenter.sh/nodepool` (or `provisioner-name`) naming other pools.
    PoolName { wanted: String },
    /// A label the pool sets on its nodes, with another value.
    Label {
        key: String,
        value: String,
        wanted: String,
    },
    /// A requirement of the pool that excludes what the pod needs.
    Requirement {
        key: String,
        operator: String,
        values: Vec<String>,
        wanted: String,
    },
    /// A label the pool neither sets nor requires.
    Unlabelled { wanted: String },
}

impl std::fmt::Display for Mismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Mismatch::CapacityType { wanted, offered } => write!(
                f,
                "the pod asks for {wanted} but the pool offers {}",
                offered.join(", ")
            ),
            Mismatch::NodeKind { wanted, auto_mode } => {
                let nodes = if *auto_mode {
                    "EKS Auto Mode"
                } else {
                    "self-managed Karpenter"
                };
                write!(
                    f,
                    "the pod needs {wanted} and the pool's nodes are {nodes} nodes, which do not match it"
                )
            }
            Mismatch::PoolName { wanted } => write!(f, "the pod selects {wanted}"),
            Mismatch::Label { key, value, wanted } => write!(
                f,
                "the pool labels nodes {key}={value} but the pod needs {wanted}"
            ),
            Mismatch::Requirement {
                key,
                operator,
                values,
                wanted,
            } => write!(
                f,
                "the pool requires {key} {operator} [{}] but the pod needs {wanted}",
                values.join(", ")
            ),
            Mismatch::Unlabelled { wanted } => write!(
                f,
                "the pod needs node label {wanted} and the pool neither sets nor requires it"
            ),
        }
    }
}

/// The requirement as the pod states it: `key Op` or `key Op [a, b]`.
fn shown(r: &NodeReq) -> String {
    if r.values.is_empty() {
        format!("{} {}", r.key, r.operator)
    } else {
        format!("{} {} [{}]", r.key, r.operator, r.values.join(", "))
    }
}

/// `Ok` when `ok`, else the mismatch `m` makes.
fn unless(ok: bool, m: impl FnOnce() -> Mismatch) -> Result<(), Mismatch> {
    if ok {
        Ok(())
    } else {
        Err(m())
    }
}

/// Whether the pool can produce a node matching one node-selector requirement.
fn satisfies(pool: &NodePool, r: &NodeReq) -> Result<(), Mismatch> {
    if r.key == "karpenter.sh/capacity-type" {
        return capacity_type(pool, r);
    }
    if let Some(auto) = auto_mode_label(&r.key) {
        let carried = auto == pool.is_auto_mode();
        node_kind(pool, r, carried)?;
        if r.key == "eks.amazonaws.com/compute-type" || !carried {
            return Ok(());
        }
    }
    if r.key == "karpenter.sh/nodepool" || r.key == "karpenter.sh/provisioner-name" {
        let named = r.values.iter().any(|v| v == &pool.name);
        let ok = match r.operator.as_str() {
            "In" => named,
            "NotIn" => !named,
            _ => true,
        };
        return unless(ok, || Mismatch::PoolName { wanted: shown(r) });
    }
    if let Some((_, v)) = pool.labels.iter().find(|(k, _)| k == &r.key) {
        return pool_label(r, v);
    }
    if !is_instance_key(&r.key) && pool.requirements.iter().any(|p| p.key == r.key) {
        return pool_requirements(pool, r);
    }
    if is_instance_key(&r.key) || r.key == "kubernetes.io/arch" || well_known_any(&r.key) {
        return Ok(()); // judged against instance types below, or satisfiable by any pool
    }
    unless(!positive(r), || Mismatch::Unlabelled { wanted: shown(r) })
}

/// Whether the requirement asks for a label to be there (`In`, `Exists`, comparisons).
fn positive(r: &NodeReq) -> bool {
    matches!(
        r.operator.as_str(),
        "In" | "Exists" | "Gt" | "Lt" | "Gte" | "Lte"
    )
}

fn capacity_type(pool: &NodePool, r: &NodeReq) -> Result<(), Mismatch> {
    let have = capacity_values(pool);
    let ok = match r.operator.as_str() {
        "In" => r.values.iter().any(|v| have.contains(&v.as_str())),
        "NotIn" => have.iter().any(|h| !r.values.iter().any(|v| v == h)),
        _ => true,
    };
    unless(ok, || Mismatch::CapacityType {
        wanted: shown(r),
        offered: have.clone(),
    })
}

/// EKS Auto Mode nodes carry `eks.amazonaws.com/` instance labels and
/// `eks.amazonaws.com/compute-type: auto`; self-managed Karpenter's carry
/// `karpenter.k8s.aws/` ones. Neither carries the other's. `carried`: whether the pool's
/// nodes carry the requirement's label family.
fn node_kind(pool: &NodePool, r: &NodeReq, carried: bool) -> Result<(), Mismatch> {
    let ok = if !carried {
        !positive(r)
    } else if r.key == "eks.amazonaws.com/compute-type" {
        match r.operator.as_str() {
            "In" => r.values.iter().any(|v| v == "auto"),
            "NotIn" => !r.values.iter().any(|v| v == "auto"),
            "DoesNotExist" => false,
            _ => true,
        }
    } else {
        true // an instance label, judged against the catalog later
    };
    unless(ok, || Mismatch::NodeKind {
        wanted: shown(r),
        auto_mode: pool.is_auto_mode(),
    })
}

/// A label the pool sets on its nodes, `key=v`, against the requirement.
fn pool_label(r: &NodeReq, v: &str) -> Result<(), Mismatch> {
    let listed = r.values.iter().any(|x| x == v);
    let ok = match r.operator.as_str() {
        "In" => listed,
        "NotIn" => !listed,
        "Exists" => true,
        "DoesNotExist" => false,
        _ => true,
    };
    unless(ok, || Mismatch::Label {
        key: r.key.clone(),
        value: v.to_string(),
        wanted: shown(r),
    })
}

/// The pool's requirements on the requirement's key, each against it.
fn pool_requirements(pool: &NodePool, r: &NodeReq) -> Result<(), Mismatch> {
    for p in pool.requirements.iter().filter(|p| p.key == r.key) {
        let pv: Vec<&str> = p.values.iter().map(|v| v.value.as_str()).collect();
        let ok = match (p.operator.as_str(), r.operator.as_str()) {
            ("In", "In") => r.values.iter().any(|v| pv.contains(&v.as_str())),
            ("In", "NotIn") => pv.iter().any(|v| !r.values.iter().any(|x| x == v)),
            ("NotIn", "In") => r.values.iter().any(|v| !pv.contains(&v.as_str())),
            ("DoesNotExist", "In" | "Exists") => false,
            ("In" | "Exists", "DoesNotExist") => false,
            _ => true,
        };
        unless(ok, || Mismatch::Requirement {
            key: p.key.clone(),
            operator: p.operator.clone(),
            values: pv.iter().map(|v| v.to_string()).collect(),
            wanted: shown(r),
        })?;
    }
    Ok(())
}

/// The pod's requirements the catalog can evaluate (instance labels and architecture).
pub fn catalog_reqs<'a>(reqs: &[&'a NodeReq]) -> Vec<Req<'a>> {
    reqs.iter()
        .filter(|r| is_instance_key(&r.key) || r.key == "kubernetes.io/arch")
        .map(|r| Req {
            key: &r.key,
            operator: &r.operator,
            values: r.values.iter().map(|v| v.as_str()).collect(),
        })
        .collect()
}

/// Instance types of `pool` that also meet the pod's instance-label requirements
/// (`allowed`: the catalog types those requirements allow, None when it has none).
fn candidate_types<'p>(
    pool: &'p NodePool,
    allowed: Option<&HashSet<*const InstanceType>>,
) -> Cow<'p, [&'static InstanceType]> {
    let Some(allowed) = allowed else {
        return Cow::Borrowed(&pool.instances.types);
    };
    pool.instances
        .types
        .iter()
        .filter(|t| allowed.contains(&std::ptr::from_ref::<InstanceType>(t)))
        .copied()
        .collect()
}

/// What hosting asks of a workload whatever the pool, worked out once per workload
/// rather than once per pool it is compared with.
pub struct PodFacts<'w> {
    /// The pod's summed requests.
    req: PodRequests,
    /// Alternatives of node requirements: the nodeSelector with each required affinity
    /// term (or alone when there are none); empty when every term is empty.
    alternatives: Vec<Vec<&'w NodeReq<'w>>>,
    /// Per alternative: the catalog types its instance-label requirements allow, by
    /// address in the embedded catalog; None when it has none.
    allowed: Vec<Option<HashSet<*const InstanceType>>>,
    /// The pod's extended resources (see [`extended_resources`]).
    extended: Vec<&'w str>,
}

impl<'w> PodFacts<'w> {
    pub fn of(w: &'w Workload<'w>) -> Self {
        let base: Vec<&NodeReq> = w.node_selector.iter().collect();
        let alternatives: Vec<Vec<&NodeReq>> = if w.affinity_terms.is_empty() {
            vec![base]
        } else {
            w.affinity_terms
                .iter()
                .filter_map(|term| term.as_ref())
                .map(|term| base.iter().copied().chain(term.iter()).collect())
                .collect()
        };
        let allowed = alternatives
            .iter()
            .map(|reqs| {
                let pod_reqs = catalog_reqs(reqs);
                (!pod_reqs.is_empty()).then(|| {
                    evaluate(&pod_reqs)
                        .types
                        .iter()
                        .map(|t| std::ptr::from_ref::<InstanceType>(t))
                        .collect()
                })
            })
            .collect();
        PodFacts {
            req: w.pod_requests(),
            alternatives,
            allowed,
            extended: extended_resources(w),
        }
    }
}

/// The capacity types a pod may run on in a pool: the pool's, narrowed by the pod's own
/// `karpenter.sh/capacity-type` requirements.
pub fn effective_capacity(pool: &NodePool, reqs: &[&NodeReq]) -> Vec<&'static str> {
    capacity_values(pool)
        .into_iter()
        .filter(|v| {
            reqs.iter()
                .filter(|r| r.key == "karpenter.sh/capacity-type")
                .all(|r| match r.operator.as_str() {
                    "In" => r.values.iter().any(|x| x == v),
                    "NotIn" => !r.values.iter().any(|x| x == v),
                    "DoesNotExist" => false,
                    _ => true,
                })
        })
        .collect()
}

/// Check one alternative of the pod's node requirements (nodeSelector plus one affinity
/// term) against the pool: labels, then instance types and capacity.
fn check_term(pool: &NodePool, facts: &PodFacts, alternative: usize) -> Result<(), (String, u8)> {
    let reqs = &facts.alternatives[alternative];
    for r in reqs {
        satisfies(pool, r).map_err(|e| (e.to_string(), 1))?;
    }
    let req = &facts.req;
    let demand = &req.accelerators;
    let types = candidate_types(pool, facts.allowed[alternative].as_ref());
    if types.is_empty() {
        if pool.instances.types.is_empty() || (!pool.instances.exact && demand.is_empty()) {
            return Ok(()); // the catalog cannot judge this pool's types
        }
        return Err((
            "none of its instance types meets the pod's instance requirements".to_string(),
            1,
        ));
    }
    if types.iter().any(|t| fits(t, req)) || (demand.is_empty() && !pool.instances.exact) {
        return Ok(());
    }
    // Name the type that came closest: the most accelerators, then the most allocatable
    // cpu and memory.
    let closest = types
        .iter()
        .max_by(|a, b| {
            let key = |t: &InstanceType| {
                let acc: f64 = demand.iter().map(|(r, _)| t.units_of(r)).sum();
                let (cpu, mem) = t
                    .allocatable
                    .map_or((t.vcpu as u64 * 1000, t.memory_mib), |a| {
                        (a.cpu_millicores, a.memory_mib)
                    });
                (acc, cpu, mem)
            };
            key(a)
                .partial_cmp(&key(b))
                .unwrap_or(std::cmp::Ordering::Equal)
        })
        .copied();
    let reason = match closest.map(|t| (t, fit(t, req))) {
        Some((t, Err(m))) => format!(
            "no instance type it allows fits the pod's requests ({}): the largest, {}, {}",
            req.describe(),
            t.name,
            m.shortfall()
        ),
        _ => format!(
            "no instance type it allows fits the pod's requests ({})",
            req.describe()
        ),
    };
    Err((reason, 2))
}

/// Extended resources the pod requests (`nvidia.com/gpu`, `aws.amazon.com/neuron`, …):
/// resource names with a domain outside `kubernetes.io`, as Kubernetes defines them.
fn extended_resources<'w>(w: &'w Workload) -> Vec<&'w str> {
    let mut names: Vec<&str> = w
        .containers
        .iter()
        .flat_map(|c| c.requests.iter().chain(c.limits.iter()))
        .map(|a| a.resource.as_str())
        .filter(|r| match r.split_once('/') {
            Some((domain, _)) => {
                domain != "kubernetes.io"
                    && !domain.ends_with(".kubernetes.io")
                    && !r.starts_with("requests.")
            }
            None => false,
        })
        .collect();
    names.sort_unstable();
    names.dedup();
    names
}

/// Whether the ExtendedResourceToleration admission plugin tolerates this taint for the
/// pod: it adds `{key: <resource>, operator: Exists, effect: NoSchedule}` for every
/// extended resource the pod requests. EKS enables the plugin (since Kubernetes 1.19).
fn ert_tolerates(facts: &PodFacts, key: &str, effect: &str) -> bool {
    effect == "NoSchedule" && facts.extended.contains(&key)
}

/// Whether the pool can host the workload, or why not, with the ExtendedResourceToleration
/// admission plugin enabled (as on EKS). Required affinity terms are alternatives: the
/// pool hosts the pod when any one of them works in full.
pub fn can_host(pool: &NodePool, w: &Workload) -> Result<(), Blocked> {
    can_host_with(pool, w, true)
}

/// [`can_host`], with or without the ExtendedResourceToleration admission plugin.
pub fn can_host_with(pool: &NodePool, w: &Workload, ert: bool) -> Result<(), Blocked> {
    can_host_facts(pool, w, &PodFacts::of(w), ert)
}

/// [`can_host_with`] for a workload whose [`PodFacts`] are already known.
pub fn can_host_facts(
    pool: &NodePool,
    w: &Workload,
    facts: &PodFacts,
    ert: bool,
) -> Result<(), Blocked> {
    let block = |reason: String, closeness: u8| Blocked {
        pool: 0,
        reason,
        closeness,
    };
    for t in pool
        .taints
        .iter()
        .filter(|t| t.effect == "NoSchedule" || t.effect == "NoExecute")
    {
        let tolerated = w
            .tolerations
            .iter()
            .any(|tol| tol.tolerates(&t.key, t.value.as_deref(), &t.effect))
            || (ert && ert_tolerates(facts, &t.key, &t.effect));
        if !tolerated {
            let value = t
                .value
                .as_deref()
                .map(|v| format!("={v}"))
                .unwrap_or_default();
            return Err(block(
                format!("its taint {}{value}:{} is not tolerated", t.key, t.effect),
                0,
            ));
        }
    }
    if facts.alternatives.is_empty() {
        return Err(block(
            "its required node affinity has only empty terms, which match no node".to_string(),
            1,
        ));
    }
    let mut best: Option<(String, u8)> = None;
    for (i, reqs) in facts.alternatives.iter().enumerate() {
        if effective_capacity(pool, reqs).is_empty() {
            let err = (
                format!(
                    "the pod's capacity-type requirement excludes the pool's {}",
                    capacity_values(pool).join(", ")
                ),
                1,
            );
            if best.as_ref().is_none_or(|b| err.1 > b.1) {
                best = Some(err);
            }
            continue;
        }
        match check_term(pool, facts, i) {
            Ok(()) => return Ok(()),
            Err(e) => {
                if best.as_ref().is_none_or(|b| e.1 > b.1) {
                    best = Some(e);
                }
            }
        }
    }
    let (reason, closeness) =
        best.unwrap_or_else(|| ("no requirement alternative fits".to_string(), 1));
    Err(block(reason, closeness))
}

impl Relations {
    /// Pools that can host workload `wi` (in its scope), ascending.
    pub fn hosts(&self, wi: usize) -> &[u32] {
        self.host_class
            .get(wi)
            .map_or(&[][..], |c| &self.class_hosts[*c])
    }

    /// Workloads pool `pi` can host (in its scope), ascending: the inverse of `hosts`.
    pub fn hosted(&self, pi: usize) -> &[u32] {
        self.pool_class
            .get(pi)
            .map_or(&[][..], |c| &self.class_hosted[*c])
    }

    /// Whether pool `pi` can host workload `wi` (both in one scope), by the computed
    /// relation.
    pub fn hosts_pool(&self, wi: usize, pi: usize) -> bool {
        self.hosts(wi).binary_search(&(pi as u32)).is_ok()
    }

    /// Pools that can host workload `wi`, with or without the ExtendedResourceToleration
    /// admission plugin (a rule's `extended-resource-toleration` parameter).
    pub fn hosts_for(&self, wi: usize, ert: bool) -> Vec<usize> {
        let Some(&c) = self.host_class.get(wi) else {
            return Vec::new();
        };
        let by_ert = &self.class_hosts_by_ert[c];
        self.class_hosts[c]
            .iter()
            .filter(|pi| ert || by_ert.binary_search(pi).is_err())
            .map(|pi| *pi as usize)
            .collect()
    }

    /// Whether pool `other` can host a pod of some workload (not a DaemonSet) that pool
    /// `pool` hosts, both in one scope: answered once per pair of pool classes.
    pub fn host_a_pod_of(&self, pool: usize, other: usize) -> bool {
        let (Some(&a), Some(&b)) = (self.pool_class.get(pool), self.pool_class.get(other)) else {
            return false;
        };
        let mut memo = self
            .shared_pods
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *memo.entry((a, b)).or_insert_with(|| {
            let theirs = &self.pool_class_hosts[b];
            self.pool_class_hosts[a]
                .iter()
                .any(|c| !self.class_daemon[*c] && theirs.binary_search(c).is_ok())
        })
    }

    /// Relations never cross clusters (see [`super::same_scope`]); `resources` gives each
    /// model's cluster. Each relation is found through an index (target kind and name,
    /// namespace, cluster) rather than by comparing every pair of resources.
    pub fn compute(
        resources: &[Resource],
        workloads: &[Workload],
        pools: &[NodePool],
        autoscalers: &[Autoscaler],
        budgets: &[DisruptionBudget],
    ) -> Relations {
        let mut rel = Relations {
            autoscalers: vec![Vec::new(); workloads.len()],
            targets: vec![Vec::new(); autoscalers.len()],
            budgets: vec![Vec::new(); workloads.len()],
            spot_exposed: vec![false; workloads.len()],
            ..Relations::default()
        };
        let cluster = |ri: usize| resources.get(ri).and_then(|r| r.cluster);
        let mut by_target: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
        for (wi, w) in workloads.iter().enumerate() {
            by_target
                .entry((w.kube_kind(), w.object_name()))
                .or_default()
                .push(wi);
        }
        for (ai, a) in autoscalers.iter().enumerate() {
            let key = (a.target_kind.as_str(), a.target_name.as_str());
            for &wi in by_target.get(&key).into_iter().flatten() {
                let w = &workloads[wi];
                if same_scope(cluster(a.resource), cluster(w.resource))
                    && same_namespace(&a.namespace, &w.namespace)
                {
                    rel.autoscalers[wi].push(ai);
                    rel.targets[ai].push(wi);
                }
            }
        }
        let by_namespace = NamespaceIndex::new(workloads.iter().map(|w| w.namespace.as_deref()));
        for (bi, b) in budgets.iter().enumerate() {
            let Some(sel) = &b.selector else { continue };
            for wi in by_namespace.matching(b.namespace.as_deref()) {
                let w = &workloads[wi];
                if same_scope(cluster(b.resource), cluster(w.resource))
                    && !w.labels.is_empty()
                    && sel.matches(&w.labels)
                {
                    rel.budgets[wi].push(bi);
                }
            }
        }
        rel.compute_hosting(workloads, pools, cluster);
        rel
    }

    /// Hosting, per hosting class and pool class; see [`Relations`].
    fn compute_hosting<'c>(
        &mut self,
        workloads: &[Workload],
        pools: &[NodePool],
        cluster: impl Fn(usize) -> Option<&'c str>,
    ) {
        let (pool_class, pool_reps) = classes(pools.iter().map(PoolShape::of));
        let (host_class, host_reps) = classes(
            workloads
                .iter()
                .map(|w| PodShape::of(w, cluster(w.resource))),
        );
        let class_scope: Vec<Option<&str>> =
            pool_reps.iter().map(|&pi| pools[pi].cluster).collect();
        let by_cluster = ScopeIndex::new(class_scope.iter().copied());
        // Pool classes that host each hosting class, and those that do only through ERT.
        let mut hosting: Vec<Vec<usize>> = Vec::with_capacity(host_reps.len());
        let mut by_ert: Vec<Vec<usize>> = Vec::with_capacity(host_reps.len());
        let mut spot: Vec<bool> = Vec::with_capacity(host_reps.len());
        for &wi in &host_reps {
            let w = &workloads[wi];
            let facts = PodFacts::of(w);
            let mut yes = Vec::new();
            let mut ert_only = Vec::new();
            for &pc in by_cluster.in_scope(cluster(w.resource)) {
                let p = &pools[pool_reps[pc]];
                if can_host_facts(p, w, &facts, true).is_ok() {
                    yes.push(pc);
                    // Without the plugin only the taints judgement can change.
                    if !taints_tolerated(p, w) && can_host_facts(p, w, &facts, false).is_err() {
                        ert_only.push(pc);
                    }
                }
            }
            let pod_reqs: Vec<&NodeReq> = w
                .node_selector
                .iter()
                .chain(w.affinity_terms.iter().flatten().flatten())
                .collect();
            let asks_spot = pod_reqs.iter().any(|r| {
                r.key == "karpenter.sh/capacity-type"
                    && r.operator == "In"
                    && r.values.iter().all(|v| v == "spot")
            });
            // Karpenter launches spot first wherever the pod allows it.
            spot.push(
                asks_spot
                    || (!yes.is_empty()
                        && yes.iter().all(|pc| {
                            effective_capacity(&pools[pool_reps[*pc]], &pod_reqs).contains(&"spot")
                        })),
            );
            hosting.push(yes);
            by_ert.push(ert_only);
        }
        // Expand pool classes into pools, ascending.
        let mut of_class: Vec<Vec<usize>> = vec![Vec::new(); pool_reps.len()];
        for (pi, &pc) in pool_class.iter().enumerate() {
            of_class[pc].push(pi);
        }
        let members = |classes: &[usize]| -> Vec<u32> {
            let mut v: Vec<u32> = classes
                .iter()
                .flat_map(|&pc| of_class[pc].iter().map(|pi| *pi as u32))
                .collect();
            v.sort_unstable();
            v
        };
        self.class_hosts = hosting.iter().map(|h| members(h)).collect();
        self.class_hosts_by_ert = by_ert.iter().map(|h| members(h)).collect();
        self.class_daemon = host_reps
            .iter()
            .map(|&wi| workloads[wi].kind == super::WorkloadKind::DaemonSet)
            .collect();
        self.pool_class_hosts = vec![Vec::new(); pool_reps.len()];
        for (hc, pcs) in hosting.iter().enumerate() {
            for &pc in pcs {
                self.pool_class_hosts[pc].push(hc);
            }
        }
        self.class_hosted = vec![Vec::new(); pool_reps.len()];
        for (wi, &hc) in host_class.iter().enumerate() {
            self.spot_exposed[wi] = spot[hc];
            for &pc in &hosting[hc] {
                self.class_hosted[pc].push(wi as u32);
            }
        }
        self.host_class = host_class;
        self.pool_class = pool_class;
    }
}

/// Number items by equal keys: each item's class, and each class's first item.
fn classes<K: std::hash::Hash + Eq>(keys: impl Iterator<Item = K>) -> (Vec<usize>, Vec<usize>) {
    let mut ids: HashMap<K, usize> = HashMap::new();
    let mut of = Vec::new();
    let mut reps = Vec::new();
    for (i, k) in keys.enumerate() {
        let next = reps.len();
        let id = *ids.entry(k).or_insert(next);
        if id == next {
            reps.push(i);
        }
        of.push(id);
    }
    (of, reps)
}

/// A node requirement as hosting reads it.
type ReqShape<'a> = (&'a str, &'a str, Vec<&'a str>);

fn req_shape<'a>(r: &'a NodeReq) -> ReqShape<'a> {
    (
        &r.key,
        &r.operator,
        r.values.iter().map(String::as_str).collect(),
    )
}

/// A toleration as hosting reads it: key, operator, value, effect.
type TolerationShape<'a> = (Option<&'a str>, &'a str, Option<&'a str>, Option<&'a str>);

/// Everything hosting reads of a workload: two workloads with equal shapes are hosted by
/// the same pools.
#[derive(PartialEq, Eq, Hash)]
struct PodShape<'a> {
    cluster: Option<&'a str>,
    daemon: bool,
    tolerations: Vec<TolerationShape<'a>>,
    node_selector: Vec<ReqShape<'a>>,
    affinity: Vec<Option<Vec<ReqShape<'a>>>>,
    /// The pod's summed requests, as exact text (they hold floats).
    requests: String,
    extended: Vec<&'a str>,
}

impl<'a> PodShape<'a> {
    fn of(w: &'a Workload<'a>, cluster: Option<&'a str>) -> Self {
        PodShape {
            cluster,
            daemon: w.kind == super::WorkloadKind::DaemonSet,
            tolerations: w
                .tolerations
                .iter()
                .map(|t| {
                    (
                        t.key.as_deref(),
                        t.operator.as_str(),
                        t.value.as_deref(),
                        t.effect.as_deref(),
                    )
                })
                .collect(),
            node_selector: w.node_selector.iter().map(req_shape).collect(),
            affinity: w
                .affinity_terms
                .iter()
                .map(|t| t.as_ref().map(|t| t.iter().map(req_shape).collect()))
                .collect(),
            requests: format!("{:?}", w.pod_requests()),
            extended: extended_resources(w),
        }
    }
}

/// Everything hosting reads of a pool: two pools with equal shapes host the same pods.
#[derive(PartialEq, Eq, Hash)]
struct PoolShape<'a> {
    cluster: Option<&'a str>,
    api: super::PoolApi,
    name: &'a str,
    taints: Vec<(&'a str, Option<&'a str>, &'a str)>,
    labels: Vec<(&'a str, &'a str)>,
    requirements: Vec<(&'a str, &'a str, Vec<&'a str>)>,
    types: Vec<*const InstanceType>,
    exact: bool,
}

impl<'a> PoolShape<'a> {
    fn of(p: &'a NodePool<'a>) -> Self {
        PoolShape {
            cluster: p.cluster,
            api: p.api,
            name: &p.name,
            taints: p
                .taints
                .iter()
                .map(|t| (t.key.as_str(), t.value.as_deref(), t.effect.as_str()))
                .collect(),
            labels: p
                .labels
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect(),
            requirements: p
                .requirements
                .iter()
                .map(|r| {
                    (
                        r.key.as_str(),
                        r.operator.as_str(),
                        r.values.iter().map(|v| v.value.as_str()).collect(),
                    )
                })
                .collect(),
            types: p
                .instances
                .types
                .iter()
                .map(|t| std::ptr::from_ref::<InstanceType>(t))
                .collect(),
            exact: p.instances.exact,
        }
    }
}

impl super::ModelSet<'_> {
    /// The instance types the pools hosting workload `wi` allow, each pool's list once
    /// however many pools share it (see [`crate::catalog::InstanceSet::share`]).
    pub fn host_types(&self, wi: usize) -> Vec<&'static InstanceType> {
        let mut seen: Vec<&std::sync::Arc<[&'static InstanceType]>> = Vec::new();
        let mut out = Vec::new();
        for &pi in self.relations.hosts(wi) {
            let types = &self.node_pools[pi as usize].instances.types;
            if !seen.iter().any(|s| std::sync::Arc::ptr_eq(s, types)) {
                seen.push(types);
                out.extend(types.iter().copied());
            }
        }
        out
    }

    /// The pools of workload `wi`'s scope that cannot host it, each with the reason, with
    /// or without the ExtendedResourceToleration admission plugin: worked out when a
    /// finding needs them.
    pub fn blocked_for(&self, wi: usize, ert: bool) -> Vec<Blocked> {
        let Some(w) = self.workloads.get(wi) else {
            return Vec::new();
        };
        let facts = PodFacts::of(w);
        let cluster = self.resources.get(w.resource).and_then(|r| r.cluster);
        let hosts = self.relations.hosts(wi);
        let in_scope = || {
            self.node_pools
                .iter()
                .enumerate()
                .filter(move |(_, p)| same_scope(p.cluster, cluster))
        };
        let judge = |pi: usize, p: &NodePool, ert: bool| {
            can_host_facts(p, w, &facts, ert).err().map(|mut b| {
                b.pool = pi;
                b
            })
        };
        // Those no pod can use, then (without the plugin) those it could use only
        // through the plugin.
        let mut out: Vec<Blocked> = in_scope()
            .filter(|(pi, _)| hosts.binary_search(&(*pi as u32)).is_err())
            .filter_map(|(pi, p)| judge(pi, p, true))
            .collect();
        if !ert {
            let by_ert = self.relations.hosts_for(wi, true);
            let plain = self.relations.hosts_for(wi, false);
            out.extend(
                by_ert
                    .into_iter()
                    .filter(|pi| plain.binary_search(pi).is_err())
                    .filter_map(|pi| judge(pi, &self.node_pools[pi], false)),
            );
        }
        out
    }
}

/// Whether the workload's own tolerations tolerate every taint of the pool that keeps
/// pods off (`NoSchedule`, `NoExecute`), without the ExtendedResourceToleration plugin.
fn taints_tolerated(pool: &NodePool, w: &Workload) -> bool {
    pool.taints
        .iter()
        .filter(|t| t.effect == "NoSchedule" || t.effect == "NoExecute")
        .all(|t| {
            w.tolerations
                .iter()
                .any(|tol| tol.tolerates(&t.key, t.value.as_deref(), &t.effect))
        })
}

/// Resources by namespace, for relations that hold within one namespace; a resource
/// without one matches any (see [`same_namespace`]).
struct NamespaceIndex<'a> {
    by_namespace: HashMap<&'a str, Vec<usize>>,
    without: Vec<usize>,
    count: usize,
}

impl<'a> NamespaceIndex<'a> {
    fn new(namespaces: impl Iterator<Item = Option<&'a str>>) -> Self {
        let mut index = NamespaceIndex {
            by_namespace: HashMap::new(),
            without: Vec::new(),
            count: 0,
        };
        for (i, ns) in namespaces.enumerate() {
            match ns {
                Some(ns) => index.by_namespace.entry(ns).or_default().push(i),
                None => index.without.push(i),
            }
            index.count = i + 1;
        }
        index
    }

    /// The resources in the same namespace as one in `ns`, ascending.
    fn matching(&self, ns: Option<&str>) -> Vec<usize> {
        match ns {
            None => (0..self.count).collect(),
            Some(ns) => merge_sorted(
                self.by_namespace.get(ns).map_or(&[][..], Vec::as_slice),
                &self.without,
            ),
        }
    }
}

/// Resources by cluster, for relations that never cross clusters (see
/// [`super::same_scope`]): each cluster's own merged with the shared ones, once.
pub struct ScopeIndex<'a> {
    all: Vec<usize>,
    by_cluster: HashMap<&'a str, Vec<usize>>,
    shared: Vec<usize>,
}

impl<'a> ScopeIndex<'a> {
    pub fn new(clusters: impl Iterator<Item = Option<&'a str>>) -> Self {
        let mut all = Vec::new();
        let mut own: HashMap<&str, Vec<usize>> = HashMap::new();
        let mut shared = Vec::new();
        for (i, c) in clusters.enumerate() {
            all.push(i);
            match c {
                Some(c) => own.entry(c).or_default().push(i),
                None => shared.push(i),
            }
        }
        let by_cluster = own
            .into_iter()
            .map(|(c, mine)| (c, merge_sorted(&mine, &shared)))
            .collect();
        ScopeIndex {
            all,
            by_cluster,
            shared,
        }
    }

    /// The resources in the same scope as one in `cluster`, ascending.
    pub fn in_scope(&self, cluster: Option<&str>) -> &[usize] {
        match cluster {
            None => &self.all,
            Some(c) => self.by_cluster.get(c).unwrap_or(&self.shared),
        }
    }
}

/// The union of two ascending lists of distinct indexes, ascending.
fn merge_sorted(a: &[usize], b: &[usize]) -> Vec<usize> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if a[i] < b[j] {
            out.push(a[i]);
            i += 1;
        } else {
            out.push(b[j]);
            j += 1;
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    out
}
