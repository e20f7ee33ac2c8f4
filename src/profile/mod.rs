//! GPU utilisation profiles: readers for nvidia-smi CSV, DCGM exporter scrapes, saved
//! Prometheus `query_range` responses and the design's `ResourceProfile` JSON; streaming
//! statistics; attribution to workloads; instance recommendation.

pub mod attach;
pub mod plot;
pub mod read;
pub mod recommend;
pub mod series;
pub mod stats;
pub mod table;
pub mod time;

pub use stats::GpuStats;
use std::collections::BTreeMap;

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
    pub pods: BTreeMap<String, std::collections::BTreeSet<String>>,
    /// What the reader skipped (overlong lines, too many GPUs), for the user.
    pub notes: Vec<String>,
}

/// A GPU holding more than this much memory is in use even when its utilisation is low
/// (a model sharded across GPUs keeps its weights on each one).
pub const HOLDS_MEMORY_MIB: f64 = 1024.0;

/// The most GPUs and pods one profile file may introduce: beyond that the file is not a
/// workload's profile, and memory must stay bounded.
pub const MAX_GPUS_PER_FILE: usize = 4096;

impl Profile {
    pub fn gpu(&mut self, id: &str) -> &mut GpuStats {
        if !self.gpus.contains_key(id) {
            let pod = self.pod.clone().unwrap_or_else(|| self.source.clone());
            self.pods.entry(pod).or_default().insert(id.to_string());
        }
        self.gpus.entry(id.to_string()).or_default()
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

    pub fn merge(&mut self, other: &Profile) {
        for (id, g) in &other.gpus {
            self.gpu(id).merge(g);
        }
        self.see_time(other.first_ts);
        self.see_time(other.last_ts);
        self.samples += other.samples;
        self.series.merge(&other.series);
        for (pod, gpus) in &other.pods {
            self.pods
                .entry(pod.clone())
                .or_default()
                .extend(gpus.iter().cloned());
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
