//! Relations between resources, computed once for all checks: which autoscaler scales
//! which workload, which disruption budgets select it, and which node pools can host it
//! (and why the others cannot).

use super::nodepool::{is_accelerator_resource, NodePool};
use super::scaling::{Autoscaler, DisruptionBudget};
use super::workload::{NodeReq, Workload};
use super::{same_scope, Resource};
use crate::catalog::requirements::{evaluate, is_instance_key, Req};
use crate::catalog::InstanceType;

/// Why a pool cannot host a workload.
#[derive(Debug, Clone)]
pub struct Blocked {
    pub pool: usize,
    pub reason: String,
    /// How close the pool came: 0 taints, 1 labels, 2 capacity (higher is closer).
    pub closeness: u8,
}

#[derive(Debug, Default)]
pub struct Relations {
    /// Per workload: autoscalers targeting it.
    pub autoscalers: Vec<Vec<usize>>,
    /// Per autoscaler: the workloads it targets.
    pub targets: Vec<Vec<usize>>,
    /// Per workload: disruption budgets selecting its pods.
    pub budgets: Vec<Vec<usize>>,
    /// Per workload: pools that can host it.
    pub hosts: Vec<Vec<usize>>,
    /// Per workload: pools that cannot, with the reason.
    pub blocked: Vec<Vec<Blocked>>,
    /// Per workload: whether it runs on spot capacity.
    pub spot_exposed: Vec<bool>,
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

/// Whether the pool can produce a node matching one node-selector requirement.
fn satisfies(pool: &NodePool, r: &NodeReq) -> Result<(), String> {
    let positive = matches!(
        r.operator.as_str(),
        "In" | "Exists" | "Gt" | "Lt" | "Gte" | "Lte"
    );
    let shown = || {
        if r.values.is_empty() {
            format!("{} {}", r.key, r.operator)
        } else {
            format!("{} {} [{}]", r.key, r.operator, r.values.join(", "))
        }
    };
    if r.key == "karpenter.sh/capacity-type" {
        let have = capacity_values(pool);
        let ok = match r.operator.as_str() {
            "In" => r.values.iter().any(|v| have.contains(&v.as_str())),
            "NotIn" => have.iter().any(|h| !r.values.iter().any(|v| v == h)),
            _ => true,
        };
        return if ok {
            Ok(())
        } else {
            Err(format!(
                "the pod asks for {} but the pool offers {}",
                shown(),
                have.join(", ")
            ))
        };
    }
    if r.key == "karpenter.sh/nodepool" || r.key == "karpenter.sh/provisioner-name" {
        let ok = match r.operator.as_str() {
            "In" => r.values.iter().any(|v| v == &pool.name),
            "NotIn" => !r.values.iter().any(|v| v == &pool.name),
            _ => true,
        };
        return if ok {
            Ok(())
        } else {
            Err(format!("the pod selects {}", shown()))
        };
    }
    if let Some((_, v)) = pool.labels.iter().find(|(k, _)| k == &r.key) {
        let ok = match r.operator.as_str() {
            "In" => r.values.contains(v),
            "NotIn" => !r.values.contains(v),
            "Exists" => true,
            "DoesNotExist" => false,
            _ => true,
        };
        return if ok {
            Ok(())
        } else {
            Err(format!(
                "the pool labels nodes {}={v} but the pod needs {}",
                r.key,
                shown()
            ))
        };
    }
    let pool_reqs: Vec<_> = pool
        .requirements
        .iter()
        .filter(|p| p.key == r.key)
        .collect();
    if !pool_reqs.is_empty() && !is_instance_key(&r.key) {
        for p in pool_reqs {
            let pv: Vec<&str> = p.values.iter().map(|v| v.value.as_str()).collect();
            let ok = match (p.operator.as_str(), r.operator.as_str()) {
                ("In", "In") => r.values.iter().any(|v| pv.contains(&v.as_str())),
                ("In", "NotIn") => pv.iter().any(|v| !r.values.iter().any(|x| x == v)),
                ("NotIn", "In") => r.values.iter().any(|v| !pv.contains(&v.as_str())),
                ("DoesNotExist", "In" | "Exists") => false,
                ("In" | "Exists", "DoesNotExist") => false,
                _ => true,
            };
            if !ok {
                return Err(format!(
                    "the pool requires {} {} [{}] but the pod needs {}",
                    p.key,
                    p.operator,
                    pv.join(", "),
                    shown()
                ));
            }
        }
        return Ok(());
    }
    if is_instance_key(&r.key) || r.key == "kubernetes.io/arch" || well_known_any(&r.key) {
        return Ok(()); // judged against instance types below, or satisfiable by any pool
    }
    if positive {
        Err(format!(
            "the pod needs node label {} and the pool neither sets nor requires it",
            shown()
        ))
    } else {
        Ok(())
    }
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

/// Instance types of `pool` that also meet the pod's instance-label requirements.
fn candidate_types<'p>(pool: &'p NodePool, reqs: &[&NodeReq]) -> Vec<&'p InstanceType> {
    let pod_reqs = catalog_reqs(reqs);
    if pod_reqs.is_empty() {
        return pool.instances.types.clone();
    }
    let allowed = evaluate(&pod_reqs);
    pool.instances
        .types
        .iter()
        .filter(|t| allowed.types.iter().any(|a| a.name == t.name))
        .copied()
        .collect()
}

/// How many units of an accelerator resource a node of this type offers.
fn units_of(t: &InstanceType, resource: &str) -> f64 {
    if resource == "aws.amazon.com/neuroncore" && t.accelerator_resource == "aws.amazon.com/neuron"
    {
        // Inferentia2 and Trainium1 chips have 2 NeuronCores, Trainium2 has 8.
        let per_chip = if t.accelerator_name == "trainium2" {
            8.0
        } else {
            2.0
        };
        return t.accelerator_count() as f64 * per_chip;
    }
    if resource.starts_with("nvidia.com/mig-") {
        // MIG slices exist on A100, H100 and newer; up to 7 per GPU.
        return if matches!(
            t.gpu_name.as_str(),
            "a100" | "h100" | "h200" | "b200" | "b300"
        ) {
            t.accelerator_count() as f64 * 7.0
        } else {
            0.0
        };
    }
    if t.accelerator_resource == resource {
        t.accelerator_count() as f64
    } else {
        0.0
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
fn check_term(pool: &NodePool, w: &Workload, reqs: &[&NodeReq]) -> Result<(), (String, u8)> {
    for r in reqs {
        satisfies(pool, r).map_err(|e| (e, 1))?;
    }
    let demand = w.accelerator_demand();
    let cpu = w.request_of("cpu");
    let mem_mib = w.request_of("memory") / 1048576.0;
    let types = candidate_types(pool, reqs);
    if types.is_empty() {
        if pool.instances.types.is_empty() || (!pool.instances.exact && demand.is_empty()) {
            return Ok(()); // the catalog cannot judge this pool's types
        }
        return Err((
            "none of its instance types meets the pod's instance requirements".to_string(),
            1,
        ));
    }
    let fits = |t: &InstanceType| {
        t.vcpu as f64 >= cpu
            && t.memory_mib as f64 >= mem_mib
            && demand
                .iter()
                .all(|(r, n)| !is_accelerator_resource(r) || units_of(t, r) >= *n)
    };
    if types.iter().any(|t| fits(t)) || (demand.is_empty() && !pool.instances.exact) {
        return Ok(());
    }
    let reason = match demand.first() {
        Some((r, n)) => {
            let best = types
                .iter()
                .max_by(|a, b| {
                    units_of(a, r)
                        .partial_cmp(&units_of(b, r))
                        .unwrap_or(std::cmp::Ordering::Equal)
                })
                .copied();
            match best {
                Some(b) if units_of(b, r) < *n => format!(
                    "no instance type it allows has {n} `{r}` (the largest, {}, has {})",
                    b.name,
                    units_of(b, r)
                ),
                _ => format!("no instance type it allows has {cpu} vCPU and {mem_mib:.0} MiB besides the requested accelerators"),
            }
        }
        None => format!("no instance type it allows has {cpu} vCPU and {mem_mib:.0} MiB"),
    };
    Err((reason, 2))
}

/// Whether the pool can host the workload, or why not. Required affinity terms are
/// alternatives: the pool hosts the pod when any one of them works in full.
pub fn can_host(pool: &NodePool, w: &Workload) -> Result<(), Blocked> {
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
        if !w
            .tolerations
            .iter()
            .any(|tol| tol.tolerates(&t.key, t.value.as_deref(), &t.effect))
        {
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
    let base: Vec<&NodeReq> = w.node_selector.iter().collect();
    let alternatives: Vec<Vec<&NodeReq>> = if w.affinity_terms.is_empty() {
        vec![base.clone()]
    } else {
        w.affinity_terms
            .iter()
            .filter_map(|term| term.as_ref())
            .map(|term| base.iter().copied().chain(term.iter()).collect())
            .collect()
    };
    if alternatives.is_empty() {
        return Err(block(
            "its required node affinity has only empty terms, which match no node".to_string(),
            1,
        ));
    }
    let mut best: Option<(String, u8)> = None;
    for reqs in &alternatives {
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
        match check_term(pool, w, reqs) {
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
    /// Relations never cross clusters (see [`super::same_scope`]); `resources` gives each
    /// model's cluster.
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
            hosts: vec![Vec::new(); workloads.len()],
            blocked: vec![Vec::new(); workloads.len()],
            spot_exposed: vec![false; workloads.len()],
        };
        let cluster = |ri: usize| resources.get(ri).and_then(|r| r.cluster);
        for (ai, a) in autoscalers.iter().enumerate() {
            for (wi, w) in workloads.iter().enumerate() {
                if same_scope(cluster(a.resource), cluster(w.resource))
                    && a.target_kind == w.kube_kind()
                    && a.target_name == w.object_name()
                    && same_namespace(&a.namespace, &w.namespace)
                {
                    rel.autoscalers[wi].push(ai);
                    rel.targets[ai].push(wi);
                }
            }
        }
        for (bi, b) in budgets.iter().enumerate() {
            let Some(sel) = &b.selector else { continue };
            for (wi, w) in workloads.iter().enumerate() {
                if same_scope(cluster(b.resource), cluster(w.resource))
                    && same_namespace(&b.namespace, &w.namespace)
                    && !w.labels.is_empty()
                    && sel.matches(&w.labels)
                {
                    rel.budgets[wi].push(bi);
                }
            }
        }
        for (wi, w) in workloads.iter().enumerate() {
            let pools_in_scope = pools
                .iter()
                .enumerate()
                .filter(|(_, p)| same_scope(p.cluster, cluster(w.resource)));
            for (pi, p) in pools_in_scope {
                match can_host(p, w) {
                    Ok(()) => rel.hosts[wi].push(pi),
                    Err(mut b) => {
                        b.pool = pi;
                        rel.blocked[wi].push(b);
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
            let hosts = &rel.hosts[wi];
            // Karpenter launches spot first wherever the pod allows it.
            rel.spot_exposed[wi] = asks_spot
                || (!hosts.is_empty()
                    && hosts
                        .iter()
                        .all(|pi| effective_capacity(&pools[*pi], &pod_reqs).contains(&"spot")));
        }
        rel
    }
}
