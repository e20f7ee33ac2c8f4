//! The instance a workload runs on today, as its profile shows it, and the cheapest one
//! its recorded use fits: memory with headroom, the GPUs one replica keeps busy, and the
//! busiest sustained period scaled by how much slower another GPU model would be.

use super::confidence::{self, Confidence, Coverage, Thresholds};
use super::gpus::{self, GpuFacts, Speed};
use super::Profile;
use crate::catalog::{catalog, fit, InstanceType, PodRequests, HOURS_PER_MONTH};
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

/// Types the workload's hosting pools allow (the whole catalog when no pool hosts it).
fn allowed(model: &ModelSet, wi: usize) -> Vec<&'static InstanceType> {
    if model.relations.hosts(wi).is_empty() {
        catalog().types.iter().collect()
    } else {
        let mut v = model.host_types(wi);
        v.sort_by(|a, b| a.name.cmp(&b.name));
        v.dedup_by(|a, b| a.name == b.name);
        v
    }
}

/// Whether the pod, as the scheduler sums its requests, fits a node's allocatable
/// resources.
fn fits(w: &Workload, t: &InstanceType) -> bool {
    fit(t, &w.pod_requests()).is_ok()
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

fn wants_arch(w: &Workload) -> &'static str {
    let arm = w
        .node_selector
        .iter()
        .any(|r| r.key == "kubernetes.io/arch" && r.values.iter().any(|v| v == "arm64"));
    if arm {
        "arm64"
    } else {
        "amd64"
    }
}

/// The instance Karpenter would pick from the manifests alone: the pinned type, or the
/// cheapest allowed type that fits the pod's requests (amd64 unless the pod asks
/// otherwise). With a profile, [`current_from`] weighs the evidence first.
pub fn current(model: &ModelSet, wi: usize) -> Option<&'static InstanceType> {
    let w = &model.workloads[wi];
    if let Some(p) = pinned(w) {
        return catalog().get(&p.values[0]);
    }
    let arch = wants_arch(w);
    cheapest(
        allowed(model, wi)
            .into_iter()
            .filter(|t| t.arch == arch && fits(w, t)),
    )
}

/// Where the workload runs, as the evidence shows it.
#[derive(Debug, Clone)]
pub struct Current {
    pub instance: &'static InstanceType,
    /// GPUs one replica holds (its request; what the profile shows without one).
    pub gpus_per_pod: usize,
    /// Whether the profile shows other pods' GPUs on the replicas' nodes: then a replica
    /// costs its GPUs' share of the node's price.
    pub shared: bool,
    /// What one replica costs an hour: the node's price, or its GPUs' share of it.
    pub usd_hour_per_replica: f64,
    /// How the type was found, for messages.
    pub basis: String,
}

/// Why the instance a profiled workload runs on cannot be told: nothing is recommended.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CurrentError {
    #[error("the profile shows GPUs of several models ({}), so which instance it runs on is not clear", .0.join(", "))]
    SeveralModels(Vec<String>),
    #[error("it is pinned to {instance} ({gpu_count} × {gpu_name}), but its profile shows {on_node} × {model} on one node; check which nodes the profile came from")]
    PinContradicted {
        instance: String,
        gpu_count: u64,
        /// The pinned type's GPU, or "no GPU".
        gpu_name: String,
        on_node: usize,
        model: String,
    },
}

/// The GPU model the profile shows, when every GPU is one model with known facts.
/// `Err` when the GPUs are of several models.
fn profile_gpu(p: &Profile) -> Result<Option<&'static GpuFacts>, CurrentError> {
    let mut names: Vec<&str> = p.gpus.values().filter_map(|g| g.name.as_deref()).collect();
    names.sort();
    names.dedup();
    let facts: Vec<Option<&'static GpuFacts>> =
        names.iter().map(|n| gpus::by_model_name(n)).collect();
    let first = facts.first().copied().flatten();
    if facts
        .iter()
        .any(|f| f.map(|f| f as *const GpuFacts) != first.map(|f| f as *const GpuFacts))
    {
        return Err(CurrentError::SeveralModels(
            names.iter().map(|n| n.to_string()).collect(),
        ));
    }
    Ok(first)
}

/// The instance the workload runs on: the profile's GPU model and GPUs per node decide;
/// a pinned type that agrees is taken as is; one that contradicts the profile is an
/// error (nothing is recommended on a contradiction). Without a GPU model in the profile,
/// the manifests decide ([`current`]).
pub fn current_from(
    model: &ModelSet,
    wi: usize,
    p: &Profile,
) -> Result<Option<Current>, CurrentError> {
    let w = &model.workloads[wi];
    let requested = w
        .accelerator_demand()
        .first()
        .map(|(_, n)| n.ceil() as usize)
        .unwrap_or(0);
    let seen_per_pod = p.gpus_per_pod();
    let gpus_per_pod = if requested > 0 {
        requested
    } else {
        seen_per_pod.max(1)
    };
    // GPUs pods held on the busiest node: the node has at least that many.
    let on_node = p
        .node_gpus
        .values()
        .map(|ids| ids.len())
        .max()
        .unwrap_or(seen_per_pod);
    let shared = on_node > gpus_per_pod;
    let facts = profile_gpu(p)?;
    let model_name = p.model_name().unwrap_or("GPU");
    let instance = match (pinned(w), facts) {
        (Some(pin), Some(f)) => {
            let Some(t) = catalog().get(&pin.values[0]) else {
                return Ok(None);
            };
            if !f.is_on(t) || (t.gpu_count as usize) < on_node {
                return Err(CurrentError::PinContradicted {
                    instance: t.name.clone(),
                    gpu_count: u64::from(t.gpu_count),
                    gpu_name: if t.gpu_name.is_empty() {
                        "no GPU".to_string()
                    } else {
                        t.gpu_name.clone()
                    },
                    on_node,
                    model: model_name.to_string(),
                });
            }
            (t, "pinned, and its profile agrees".to_string())
        }
        (None, Some(f)) => {
            let need = on_node.max(gpus_per_pod);
            let candidate =
                |t: &&InstanceType| f.is_on(t) && t.gpu_count as usize >= need && fits(w, t);
            let from_pools = cheapest(allowed(model, wi).into_iter().filter(candidate));
            let Some(t) = from_pools.or_else(|| cheapest(catalog().types.iter().filter(candidate)))
            else {
                return Ok(None);
            };
            (
                t,
                format!("the cheapest type with {need} × {model_name} the profile shows that fits its requests"),
            )
        }
        (_, None) => match current(model, wi) {
            Some(t) => (t, "from its manifests".to_string()),
            None => return Ok(None),
        },
    };
    let (t, basis) = instance;
    let price = t.on_demand_usd_hour().unwrap_or(0.0);
    let share = if shared && t.gpu_count as usize > gpus_per_pod {
        gpus_per_pod as f64 / t.gpu_count as f64
    } else {
        1.0
    };
    Ok(Some(Current {
        instance: t,
        gpus_per_pod,
        shared: share < 1.0,
        usd_hour_per_replica: price * share,
        basis,
    }))
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
    pub current: Option<Current>,
    pub recommended: Option<&'static InstanceType>,
    /// A CPU instance to try when the GPU is barely used.
    pub cpu_fallback: Option<&'static InstanceType>,
    /// `None` when the profile has no memory (or utilisation) samples: then nothing is
    /// recommended on that evidence.
    pub p99_mem_mib: Option<f64>,
    pub p95_util: Option<f64>,
    /// The busiest GPU's p99 of `sustained_window_s` means.
    pub sustained_util: Option<f64>,
    /// GPUs one replica kept busy or holding memory.
    pub gpus_busy: usize,
    /// Peak memory was above `max_memory_fraction` of the GPU: never downsized.
    pub near_capacity: bool,
    /// How much slower (or faster) the recommended GPU model is; `None` for the same model.
    pub speed: Option<Speed>,
    pub replicas: u32,
    pub confidence: Confidence,
    pub coverage: Option<Coverage>,
    /// Why nothing is recommended, when it is not obvious (a contradiction, a busy peak).
    pub notes: Vec<String>,
}

impl Recommendation {
    /// Monthly saving of moving every replica from its current cost (the node, or its
    /// GPUs' share of the node) to its own recommended instance, at on-demand prices;
    /// never more than the replicas cost today. `None` when it would not save.
    pub fn monthly_savings(&self) -> Option<f64> {
        let current = self.current.as_ref()?.usd_hour_per_replica;
        let recommended = self.recommended?.on_demand_usd_hour()?;
        let replicas = self.replicas.max(1) as f64;
        (recommended < current).then(|| {
            ((current - recommended) * replicas * HOURS_PER_MONTH)
                .min(current * replicas * HOURS_PER_MONTH)
        })
    }

    pub fn current_type(&self) -> Option<&'static InstanceType> {
        self.current.as_ref().map(|c| c.instance)
    }

    /// Caveats a recommendation carries: the speed ratio with a load test to run, and
    /// number formats the target lacks.
    pub fn caveats(&self) -> Vec<String> {
        let (Some(s), Some(cur), Some(rec)) = (&self.speed, self.current_type(), self.recommended)
        else {
            return Vec::new();
        };
        let mut out = vec![format!(
            "{} is {:.2}× the speed of {} (memory bandwidth {:.2}×, tensor throughput {:.2}×; the smaller counts): load-test latency at the busiest hour before moving",
            rec.gpu_name,
            s.ratio(),
            cur.gpu_name,
            s.bandwidth,
            s.tensor
        )];
        if !s.lost_formats.is_empty() {
            out.push(format!(
                "{} has no {} support: a model served in {} must run in another precision there (FP16 can overflow where BF16 does not)",
                rec.gpu_name,
                s.lost_formats.join(" or "),
                s.lost_formats.join(" or ")
            ));
        }
        out
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
    /// Peak memory above this fraction of the GPU's memory is out-of-memory risk: the
    /// workload is not moved to a smaller GPU.
    pub max_memory_fraction: f64,
    /// The busiest sustained utilisation (%) the recommended GPU may reach, after
    /// scaling by the speed ratio.
    pub max_sustained_util: f64,
    /// Width of the windows whose means make the sustained peak, in seconds.
    pub sustained_window_s: f64,
    pub confidence: Thresholds,
}

/// The quantile of window means that makes the sustained peak.
pub const SUSTAINED_QUANTILE: f64 = 0.99;

pub fn recommend(
    model: &ModelSet,
    wi: usize,
    profile: &Profile,
    params: &Params,
) -> Recommendation {
    let w = &model.workloads[wi];
    let mut notes = Vec::new();
    let current = current_from(model, wi, profile).unwrap_or_else(|e| {
        notes.push(e.to_string());
        None
    });
    let cur_type = current.as_ref().map(|c| c.instance);
    let p99_mem = profile.mem_quantile(0.99);
    let p95_util = profile.util_quantile(0.95);
    let sustained = profile.sustained_util(params.sustained_window_s, SUSTAINED_QUANTILE);
    // A replica cannot keep busy more GPUs than it holds (a node-level capture of
    // several replicas is not one replica with every GPU).
    let held = current.as_ref().map_or(usize::MAX, |c| c.gpus_per_pod);
    let gpus_busy = profile.gpus_busy(params.busy_util).min(held);
    // Rare spikes above p99 still need to fit: size for the larger of p99 + headroom and
    // the peak.
    let need_mem =
        p99_mem.map(|p| (p * (1.0 + params.memory_headroom)).max(profile.peak_mem_mib()));
    let near_capacity = gpu_memory_total(profile, cur_type)
        .is_some_and(|t| profile.peak_mem_mib() > params.max_memory_fraction * t);
    let resource = cur_type
        .map(|c| c.accelerator_resource.clone())
        .filter(|r| !r.is_empty())
        .or_else(|| w.accelerator_demand().first().map(|(r, _)| r.clone()))
        .unwrap_or_else(|| "nvidia.com/gpu".to_string());
    let arches = accepted_arches(w, cur_type.map_or(wants_arch(w), |c| c.arch));
    let (recommended, speed) = match (need_mem, &current) {
        (Some(need_mem), Some(cur)) if !near_capacity => {
            let target = Target {
                need_mem,
                // The target holds the pod with as many GPUs as one replica kept busy.
                pod: PodRequests {
                    accelerators: vec![(resource.clone(), gpus_busy.max(1) as f64)],
                    ..w.pod_requests()
                },
                resource,
                arches: arches.clone(),
                sustained,
            };
            let (best, speed) = cheaper_gpu(model, wi, cur, &target, params);
            if best.is_none() {
                if let Some(u) = sustained.filter(|u| *u > params.max_sustained_util) {
                    notes.push(format!(
                        "its busiest {:.0}-minute windows reach {u:.0}% utilisation (p99), above the {:.0}% ceiling even on the same GPU",
                        params.sustained_window_s / 60.0,
                        params.max_sustained_util
                    ));
                }
            }
            (best, speed)
        }
        _ => (None, None),
    };
    let cpu_fallback = (p95_util.is_some_and(|u| u < params.cpu_fallback_util)
        && p99_mem.is_some())
    .then(|| cpu_instance(w, profile, &arches))
    .flatten();
    Recommendation {
        current,
        recommended,
        cpu_fallback,
        p99_mem_mib: p99_mem,
        p95_util,
        sustained_util: sustained,
        gpus_busy,
        near_capacity,
        speed,
        replicas: w.static_replicas().max(1) as u32,
        confidence: confidence::confidence(profile, &params.confidence),
        coverage: confidence::coverage(profile),
        notes,
    }
}

/// A GPU's memory (MiB): as the profile shows it, else the current type's.
fn gpu_memory_total(profile: &Profile, cur_type: Option<&InstanceType>) -> Option<f64> {
    profile
        .gpus
        .values()
        .find_map(|g| g.memory_total_mib)
        .or_else(|| cur_type.map(|c| c.gpu_memory_mib as f64))
        .filter(|t| *t > 0.0)
}

/// What a cheaper GPU instance must offer.
struct Target {
    /// GPU memory (MiB) it must hold.
    need_mem: f64,
    /// The pod with as many GPUs as one replica kept busy.
    pod: PodRequests,
    /// The accelerator resource the workload requests.
    resource: String,
    arches: Vec<String>,
    /// The busiest GPU's sustained utilisation today.
    sustained: Option<f64>,
}

/// The cheapest instance the workload's pools allow that is cheaper than a replica
/// today, holds the target, and stays under the sustained-utilisation ceiling, with
/// how its GPU's speed compares (`None` for the same model).
fn cheaper_gpu(
    model: &ModelSet,
    wi: usize,
    cur: &Current,
    target: &Target,
    params: &Params,
) -> (Option<&'static InstanceType>, Option<Speed>) {
    let candidates: Vec<(&'static InstanceType, Option<Speed>)> = allowed(model, wi)
        .into_iter()
        .filter(|t| {
            t.retired_in.is_none()
                && t.accelerator_resource == target.resource
                && target.arches.iter().any(|a| a == t.arch)
                && usable_gpu_memory(t) >= target.need_mem
                && fit(t, &target.pod).is_ok()
                && t.on_demand_usd_hour()
                    .is_some_and(|p| p < cur.usd_hour_per_replica)
        })
        .filter_map(|t| {
            let (factor, s) = load(cur.instance, t)?;
            let fits_peak = match target.sustained {
                Some(u) => u * factor <= params.max_sustained_util,
                None => s.is_none(),
            };
            fits_peak.then_some((t, s))
        })
        .collect();
    let best = cheapest(candidates.iter().map(|(t, _)| *t));
    let speed = best.and_then(|b| {
        candidates
            .iter()
            .find(|(t, _)| t.name == b.name)
            .and_then(|(_, s)| s.clone())
    });
    (best, speed)
}

/// How much busier `t` would be than the current type: 1 on the same model; unknown
/// without facts for both (then only the same model qualifies).
fn load(cur: &InstanceType, t: &InstanceType) -> Option<(f64, Option<Speed>)> {
    let cur_facts = gpus::of_type(cur);
    let same = cur.gpu_name == t.gpu_name && cur_facts.is_none_or(|f| f.is_on(t));
    if same {
        return Some((1.0, None));
    }
    let s = Speed::between(cur_facts?, gpus::of_type(t)?);
    Some((s.load_factor(), Some(s)))
}

/// The smaller of the catalog's usable GPU memory and the measured figure in gpus.csv.
fn usable_gpu_memory(t: &InstanceType) -> f64 {
    let listed = t.usable_gpu_memory_mib() as f64;
    gpus::of_type(t).map_or(listed, |f| f.usable_on(t).min(listed))
}

/// The cheapest instance without accelerators that holds the pod's cpu request and its
/// memory request plus the GPU memory it used.
fn cpu_instance(
    w: &Workload,
    profile: &Profile,
    arches: &[String],
) -> Option<&'static InstanceType> {
    let cpu = w.request_of("cpu");
    let mem = w.request_of("memory");
    cheapest(catalog().types.iter().filter(|t| {
        !t.has_accelerator_hardware()
            && arches.iter().any(|a| a == t.arch)
            && t.vcpu as f64 >= cpu.max(1.0)
            && (t.memory_mib as f64) >= mem / 1048576.0 + profile.peak_mem_mib()
    }))
}
