//! The instance a workload runs on today, and the cheapest one its recorded profile
//! needs.

use super::Profile;
use crate::catalog::{catalog, InstanceType};
use crate::model::workload::NodeReq;
use crate::model::{ModelSet, Workload};

const INSTANCE_TYPE: &[&str] = &[
    "node.kubernetes.io/instance-type",
    "beta.kubernetes.io/instance-type",
];

/// The instance type a workload is pinned to, if any.
pub fn pinned<'w, 'a>(w: &'w Workload<'a>) -> Option<&'w NodeReq<'a>> {
    let single = |r: &&NodeReq| {
        INSTANCE_TYPE.contains(&r.key.as_str()) && r.operator == "In" && r.values.len() == 1
    };
    w.node_selector.iter().find(single).or_else(|| {
        let firsts: Vec<Option<&NodeReq>> = w
            .affinity_terms
            .iter()
            .map(|t| t.as_ref().and_then(|reqs| reqs.iter().find(single)))
            .collect();
        let first = firsts.first().copied().flatten()?;
        firsts
            .iter()
            .all(|t| t.is_some_and(|r| r.values == first.values))
            .then_some(first)
    })
}

fn units(t: &InstanceType, resource: &str) -> f64 {
    if t.accelerator_resource == resource {
        t.accelerator_count() as f64
    } else {
        0.0
    }
}

/// Types the workload's hosting pools allow (the whole catalog when no pool hosts it).
fn allowed(model: &ModelSet, wi: usize) -> Vec<&'static InstanceType> {
    let hosts = &model.relations.hosts[wi];
    if hosts.is_empty() {
        catalog().types.iter().collect()
    } else {
        let mut v: Vec<&'static InstanceType> = hosts
            .iter()
            .flat_map(|h| model.node_pools[*h].instances.types.iter().copied())
            .collect();
        v.sort_by(|a, b| a.name.cmp(&b.name));
        v.dedup_by(|a, b| a.name == b.name);
        v
    }
}

fn fits(w: &Workload, t: &InstanceType) -> bool {
    t.vcpu as f64 >= w.request_of("cpu")
        && t.memory_mib as f64 * 1048576.0 >= w.request_of("memory")
        && w.accelerator_demand()
            .iter()
            .all(|(r, n)| units(t, r) >= *n)
}

fn cheapest<'c>(types: impl Iterator<Item = &'c InstanceType>) -> Option<&'c InstanceType> {
    types
        .filter(|t| t.on_demand_usd_hour().is_some())
        .min_by(|a, b| {
            a.on_demand_usd_hour()
                .partial_cmp(&b.on_demand_usd_hour())
                .unwrap_or(std::cmp::Ordering::Equal)
        })
}

/// The instance Karpenter would pick today: the pinned type, or the cheapest allowed type
/// that fits the pod's requests (amd64 unless the pod asks otherwise).
pub fn current(model: &ModelSet, wi: usize) -> Option<&'static InstanceType> {
    let w = &model.workloads[wi];
    if let Some(p) = pinned(w) {
        return catalog().get(&p.values[0]);
    }
    let wants_arm = w
        .node_selector
        .iter()
        .any(|r| r.key == "kubernetes.io/arch" && r.values.iter().any(|v| v == "arm64"));
    let arch = if wants_arm { "arm64" } else { "amd64" };
    cheapest(
        allowed(model, wi)
            .into_iter()
            .filter(|t| t.arch == arch && fits(w, t)),
    )
}

/// CPU architectures the workload may move to: today's, plus any its pod lists under
/// `kubernetes.io/arch` (a pod that says `In [amd64, arm64]` ships a multi-arch image).
fn accepted_arches(w: &Workload, today: &'static str) -> Vec<String> {
    let mut arches = vec![today.to_string()];
    let listed = w
        .node_selector
        .iter()
        .chain(w.affinity_terms.iter().flatten().flatten())
        .filter(|r| r.key == "kubernetes.io/arch" && r.operator == "In");
    for r in listed {
        arches.extend(r.values.iter().cloned());
    }
    arches.sort();
    arches.dedup();
    arches
}

/// What the profile says the workload needs.
#[derive(Debug, Clone)]
pub struct Recommendation {
    pub current: Option<&'static InstanceType>,
    pub recommended: Option<&'static InstanceType>,
    /// A CPU instance to try when the GPU is barely used.
    pub cpu_fallback: Option<&'static InstanceType>,
    /// `None` when the profile has no memory (or utilisation) samples: then nothing is
    /// recommended on that evidence.
    pub p99_mem_mib: Option<f64>,
    pub p95_util: Option<f64>,
    pub gpus_busy: usize,
    /// Peak memory was above `max_memory_fraction` of the GPU: never downsized.
    pub near_capacity: bool,
}

impl Recommendation {
    /// Monthly saving of moving `replicas` from the current to the recommended instance at
    /// on-demand prices; `None` when it would not save.
    pub fn monthly_savings(&self, replicas: u32) -> Option<f64> {
        let current = self.current?.on_demand_usd_hour()?;
        let recommended = self.recommended?.on_demand_usd_hour()?;
        (recommended < current).then(|| {
            (current - recommended) * replicas.max(1) as f64 * crate::catalog::HOURS_PER_MONTH
        })
    }
}

/// What a recommendation must respect; defaults are the rules' defaults.
#[derive(Debug, Clone, Copy)]
pub struct Params {
    /// GPU memory headroom over p99 memory (0.2 = 20%).
    pub memory_headroom: f64,
    /// p95 utilisation (%) under which a CPU instance is suggested.
    pub cpu_fallback_util: f64,
    /// Utilisation (%) above which a GPU counts as busy.
    pub busy_util: f64,
    /// p95 utilisation (%) above which only instances with the same GPU model are
    /// recommended: skinflint cannot tell how a busy model's throughput would change on a
    /// different GPU, so it does not guess.
    pub max_util_for_model_change: f64,
    /// Peak memory above this fraction of the GPU's memory is out-of-memory risk: the
    /// workload is not moved to a smaller GPU.
    pub max_memory_fraction: f64,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            memory_headroom: 0.2,
            cpu_fallback_util: 20.0,
            busy_util: 5.0,
            max_util_for_model_change: 50.0,
            max_memory_fraction: 0.95,
        }
    }
}

pub fn recommend(
    model: &ModelSet,
    wi: usize,
    profile: &Profile,
    params: &Params,
) -> Recommendation {
    let Params {
        memory_headroom: headroom,
        cpu_fallback_util,
        busy_util,
        max_util_for_model_change,
        max_memory_fraction,
    } = *params;
    let w = &model.workloads[wi];
    let current = current(model, wi);
    let p99_mem = profile.mem_quantile(0.99);
    let p95_util = profile.util_quantile(0.95);
    let busy = profile.gpus_busy(busy_util).max(1);
    // Rare spikes above p99 still need to fit: size for the larger of p99 + headroom and
    // the peak.
    let need_mem = p99_mem.map(|p| (p * (1.0 + headroom)).max(profile.peak_mem_mib()));
    let total = profile
        .gpus
        .values()
        .find_map(|g| g.memory_total_mib)
        .or_else(|| current.map(|c| c.gpu_memory_mib as f64))
        .filter(|t| *t > 0.0);
    let near_capacity = total.is_some_and(|t| profile.peak_mem_mib() > max_memory_fraction * t);
    // Without utilisation samples, how busy the GPU is is unknown: keep its model.
    let may_change_model = p95_util.is_some_and(|u| u <= max_util_for_model_change);
    let resource = current
        .map(|c| c.accelerator_resource.clone())
        .filter(|r| !r.is_empty())
        .or_else(|| w.accelerator_demand().first().map(|(r, _)| r.clone()))
        .unwrap_or_else(|| "nvidia.com/gpu".to_string());
    let arch = current.map_or("amd64", |c| c.arch);
    let arches = accepted_arches(w, arch);
    let arch_ok = |t: &InstanceType| arches.iter().any(|a| a == t.arch);
    let cpu = w.request_of("cpu");
    let mem = w.request_of("memory");
    let recommended = match need_mem {
        Some(need) if !near_capacity => cheapest(allowed(model, wi).into_iter().filter(|t| {
            t.accelerator_resource == resource
                && arch_ok(t)
                && t.gpu_memory_mib as f64 >= need
                && t.accelerator_count() as usize >= busy
                && t.vcpu as f64 >= cpu
                && t.memory_mib as f64 * 1048576.0 >= mem
                && (may_change_model || current.is_none_or(|c| c.gpu_name == t.gpu_name))
        })),
        _ => None,
    };
    let cpu_fallback = (p95_util.is_some_and(|u| u < cpu_fallback_util) && p99_mem.is_some())
        .then(|| {
            cheapest(catalog().types.iter().filter(|t| {
                !t.has_accelerator_hardware()
                    && arch_ok(t)
                    && t.vcpu as f64 >= cpu.max(1.0)
                    && (t.memory_mib as f64) >= mem / 1048576.0 + profile.peak_mem_mib()
            }))
        })
        .flatten();
    Recommendation {
        current,
        recommended,
        cpu_fallback,
        p99_mem_mib: p99_mem,
        p95_util,
        gpus_busy: profile.gpus_busy(busy_util),
        near_capacity,
    }
}
