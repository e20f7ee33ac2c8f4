//! GPU utilisation profiles: readers for nvidia-smi CSV, DCGM exporter scrapes, saved
//! Prometheus `query_range` responses and the design's `ResourceProfile` JSON; streaming
//! statistics; attribution to workloads; instance recommendation.

pub mod attach;
pub mod confidence;
pub mod gpus;
pub mod plot;
pub mod prometheus;
pub mod read;
pub mod recommend;
pub mod series;
pub mod smi;
pub mod stats;
pub mod table;
pub mod time;
pub mod windows;

pub use stats::GpuStats;
use std::collections::{BTreeMap, BTreeSet};

/// Samples of one source (a file, or one pod within a file), per GPU.
#[derive(Debug, Clone, Default)]
pub struct Profile {
    /// The file it came from.
    pub source: String,
    /// Namespace and pod from DCGM labels, when present.
    pub namespace: Option<String>,
    pub pod: Option<String>,
    /// Per GPU (UUID, or index), statistics.
    pub gpus: BTreeMap<String, GpuStats>,
    pub first_ts: Option<f64>,
    pub last_ts: Option<f64>,
    /// Samples per GPU: the most any one GPU had (a 4-GPU scrape is one sample, not 4).
    pub samples: u64,
    /// Peaks over time, for plots (bounded).
    pub series: series::Series,
    /// GPUs seen per pod (or per file, for files without pod labels): replicas merged
    /// into one workload profile are sized per pod, not as one pod holding every GPU.
    pub pods: BTreeMap<String, BTreeSet<String>>,
    /// Every GPU a pod held (any pod, for files without pod labels) on each node this
    /// profile's GPUs are on: how many GPUs on the node were in use, at least.
    pub node_gpus: BTreeMap<String, BTreeSet<String>>,
    /// What the reader skipped (overlong lines, too many GPUs), for the user.
    pub notes: Vec<String>,
}

/// A GPU holding more than this much memory is in use even when its utilisation is low
/// (a model sharded across GPUs keeps its weights on each one).
pub const HOLDS_MEMORY_MIB: f64 = 1024.0;

/// The most GPUs and pods one profile file may introduce: beyond that the file is not a
/// workload's profile, and memory must stay bounded.
pub const MAX_GPUS_PER_FILE: usize = 4096;

/// GPUs drawn as their own line in plots (the others are named by count).
pub const PLOTTED_GPUS: usize = 8;

impl Profile {
    pub fn gpu(&mut self, id: &str) -> &mut GpuStats {
        if !self.gpus.contains_key(id) {
            let pod = self.pod.clone().unwrap_or_else(|| self.source.clone());
            self.pods.entry(pod).or_default().insert(id.to_string());
            let mut g = GpuStats::default();
            g.series = (self.gpus.len() < PLOTTED_GPUS).then(Default::default);
            self.gpus.insert(id.to_string(), g);
        }
        // Looked up by `&str`: a known GPU (every row but its first) costs no allocation.
        self.gpus.get_mut(id).expect("inserted above")
    }

    /// The most utilisation or memory samples any one GPU had.
    pub fn samples_per_gpu(&self) -> u64 {
        self.gpus
            .values()
            .map(|g| g.util_samples.max(g.mem_samples))
            .max()
            .unwrap_or(0)
    }

    /// GPUs per pod: the most any one pod held.
    pub fn gpus_per_pod(&self) -> usize {
        self.pods
            .values()
            .map(|g| g.len())
            .max()
            .unwrap_or(self.gpus.len())
    }

    pub fn see_time(&mut self, ts: Option<f64>) {
        if let Some(t) = ts {
            self.first_ts = Some(self.first_ts.map_or(t, |f| f.min(t)));
            self.last_ts = Some(self.last_ts.map_or(t, |l| l.max(t)));
        }
    }

    /// Seconds between the first and last sample.
    pub fn duration_s(&self) -> f64 {
        match (self.first_ts, self.last_ts) {
            (Some(a), Some(b)) => (b - a).max(0.0),
            _ => 0.0,
        }
    }

    /// Keeps, of a file's GPUs per node, the nodes this profile's GPUs are on.
    pub fn see_nodes(&mut self, nodes: &BTreeMap<String, BTreeSet<String>>) {
        for g in self.gpus.values() {
            if let Some((n, ids)) = g.node.as_ref().and_then(|n| nodes.get_key_value(n)) {
                self.node_gpus
                    .entry(n.clone())
                    .or_default()
                    .extend(ids.iter().cloned());
            }
        }
    }

    /// Adds another pod's (or another file's) samples. Each GPU stays with the pod that
    /// held it: a GPU id another pod already holds here is kept apart as `POD/ID`.
    pub fn merge(&mut self, other: &Profile) {
        let owner: BTreeMap<&String, &String> = other
            .pods
            .iter()
            .flat_map(|(pod, ids)| ids.iter().map(move |id| (id, pod)))
            .collect();
        for (id, g) in &other.gpus {
            let pod = owner.get(id).map(|p| (*p).clone());
            let held_elsewhere = self.gpus.contains_key(id)
                && pod
                    .as_ref()
                    .is_some_and(|p| !self.pods.get(p).is_some_and(|ids| ids.contains(id)));
            let key = match (&pod, held_elsewhere) {
                (Some(p), true) => format!("{p}/{id}"),
                _ => id.clone(),
            };
            if let Some(p) = pod {
                self.pods.entry(p).or_default().insert(key.clone());
            }
            self.gpus.entry(key).or_default().merge(g);
        }
        self.see_time(other.first_ts);
        self.see_time(other.last_ts);
        self.samples = self.samples_per_gpu();
        self.series.merge(&other.series);
        // Merged replicas keep lines for the first GPUs only.
        for g in self
            .gpus
            .values_mut()
            .filter(|g| g.series.is_some())
            .skip(PLOTTED_GPUS)
        {
            g.series = None;
        }
        for (node, ids) in &other.node_gpus {
            self.node_gpus
                .entry(node.clone())
                .or_default()
                .extend(ids.iter().cloned());
        }
        if !self.source.contains(&other.source) {
            if !self.source.is_empty() {
                self.source.push_str(", ");
            }
            self.source.push_str(&other.source);
        }
    }

    /// The GPU model name, when the profile says.
    pub fn model_name(&self) -> Option<&str> {
        self.gpus.values().find_map(|g| g.name.as_deref())
    }

    /// Largest per-GPU utilisation quantile.
    pub fn util_quantile(&self, q: f64) -> Option<f64> {
        self.gpus
            .values()
            .filter_map(|g| g.util_quantile(q))
            .fold(None, |m, v| Some(m.map_or(v, |x: f64| x.max(v))))
    }

    /// Largest per-GPU memory quantile, in MiB.
    pub fn mem_quantile(&self, q: f64) -> Option<f64> {
        self.gpus
            .values()
            .filter_map(|g| g.mem_quantile(q))
            .fold(None, |m, v| Some(m.map_or(v, |x: f64| x.max(v))))
    }

    /// The busiest GPU's sustained utilisation: the `q` quantile of its `window_s` means.
    pub fn sustained_util(&self, window_s: f64, q: f64) -> Option<f64> {
        self.gpus
            .values()
            .filter_map(|g| g.sustained(window_s, q))
            .reduce(f64::max)
    }

    /// The nodes the profile's pods ran on, with the GPUs each pod held there.
    pub fn pods_per_node(&self) -> BTreeMap<&str, BTreeMap<&str, usize>> {
        let mut out: BTreeMap<&str, BTreeMap<&str, usize>> = BTreeMap::new();
        for (pod, ids) in &self.pods {
            for id in ids {
                if let Some(n) = self.gpus.get(id).and_then(|g| g.node.as_deref()) {
                    *out.entry(n).or_default().entry(pod.as_str()).or_default() += 1;
                }
            }
        }
        out
    }

    pub fn peak_mem_mib(&self) -> f64 {
        self.gpus
            .values()
            .map(|g| g.peak_mem_mib)
            .fold(0.0, f64::max)
    }

    /// GPUs one pod needs: the most, in any one pod, whose utilisation ever exceeded
    /// `busy` percent or that held more than [`HOLDS_MEMORY_MIB`] at p99.
    pub fn gpus_busy(&self, busy: f64) -> usize {
        let needed = |id: &String| {
            self.gpus.get(id).is_some_and(|g| {
                g.max_util > busy || g.mem_quantile(0.99).is_some_and(|m| m > HOLDS_MEMORY_MIB)
            })
        };
        self.pods
            .values()
            .map(|ids| ids.iter().filter(|id| needed(id)).count())
            .max()
            .unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pod(name: &str, gpu: &str, node: &str) -> Profile {
        let mut p = Profile {
            source: "scrape".into(),
            pod: Some(name.into()),
            ..Profile::default()
        };
        let g = p.gpu(gpu);
        g.node = Some(node.into());
        g.add_util_at(60.0, Some(1_767_225_600.0));
        g.add_mem_at(8000.0, Some(1_767_225_600.0));
        p.samples = 1;
        p
    }

    #[test]
    fn merged_replicas_stay_one_gpu_each() {
        // Three replicas, each GPU `0` on its own node (no UUIDs): one GPU per pod, three
        // GPUs in all, none merged into another's.
        let mut all = pod("llm-a", "0", "n1");
        all.merge(&pod("llm-b", "0", "n2"));
        all.merge(&pod("llm-c", "0", "n3"));
        assert_eq!(all.gpus.len(), 3);
        assert_eq!(all.gpus_per_pod(), 1);
        assert_eq!(all.gpus_busy(5.0), 1);
        assert_eq!(all.samples, 1, "samples are per GPU");
        assert_eq!(all.pods_per_node().len(), 3);
    }
}
