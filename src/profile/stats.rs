//! Streaming statistics with constant memory: histograms whose bins bound the error of
//! every quantile (utilisation to 0.1 percentage point, memory to 16 MiB).

use std::collections::BTreeMap;

/// Width of a utilisation bin, in percent.
pub const UTIL_BIN: f64 = 0.1;
/// Width of a memory bin, in MiB.
pub const MEM_BIN_MIB: f64 = 16.0;
/// Memory readings are capped here (1 TiB, far above any GPU), which bounds the memory
/// histogram at 65,536 bins per GPU whatever a corrupt file holds.
pub const MAX_MEM_MIB: f64 = 1_048_576.0;

/// Per-GPU statistics.
#[derive(Debug, Clone, Default)]
pub struct GpuStats {
    pub name: Option<String>,
    /// The node the GPU is on (DCGM `Hostname`, or the nvidia-smi file), when known.
    pub node: Option<String>,
    pub memory_total_mib: Option<f64>,
    util: Vec<u64>,
    mem: BTreeMap<u32, u64>,
    pub util_samples: u64,
    pub mem_samples: u64,
    pub max_util: f64,
    pub peak_mem_mib: f64,
    /// Utilisation over time, for sustained peaks and coverage.
    pub windows: super::windows::Windows,
    /// This GPU's own line in plots; kept for the first [`super::PLOTTED_GPUS`] GPUs of a
    /// profile only, so memory stays bounded however many GPUs a file holds.
    pub series: Option<super::series::Series>,
}

impl GpuStats {
    /// A utilisation sample, at its time when known.
    pub fn add_util_at(&mut self, pct: f64, t: Option<f64>) {
        self.add_at(Some(pct), None, t);
    }

    /// A memory sample, at its time when known.
    pub fn add_mem_at(&mut self, mib: f64, t: Option<f64>) {
        self.add_at(None, Some(mib), t);
    }

    /// The readings of one row (utilisation, memory or both) at its time when known: one
    /// bucket and one plot point for the two.
    pub fn add_at(&mut self, util: Option<f64>, mem: Option<f64>, t: Option<f64>) {
        let util = util.filter(|u| u.is_finite());
        let mem = mem.filter(|m| m.is_finite() && *m >= 0.0);
        if util.is_none() && mem.is_none() {
            return;
        }
        if let Some(u) = util {
            self.add_util(u);
        }
        if let Some(m) = mem {
            self.add_mem(m);
        }
        if let Some(t) = t {
            self.windows.add(t, util);
            if let Some(s) = &mut self.series {
                s.add(t, util.map(|u| u.clamp(0.0, 100.0)), mem);
            }
        }
    }

    pub fn add_util(&mut self, pct: f64) {
        if !pct.is_finite() {
            return;
        }
        let pct = pct.clamp(0.0, 100.0);
        if self.util.is_empty() {
            self.util = vec![0; (100.0 / UTIL_BIN) as usize + 1];
        }
        self.util[(pct / UTIL_BIN).round() as usize] += 1;
        self.util_samples += 1;
        self.max_util = self.max_util.max(pct);
    }

    pub fn add_mem(&mut self, mib: f64) {
        if !mib.is_finite() || mib < 0.0 {
            return;
        }
        let mib = mib.min(MAX_MEM_MIB);
        *self
            .mem
            .entry((mib / MEM_BIN_MIB).ceil() as u32)
            .or_default() += 1;
        self.mem_samples += 1;
        self.peak_mem_mib = self.peak_mem_mib.max(mib);
    }

    /// A utilisation quantile (0 to 1), within [`UTIL_BIN`] of the exact value.
    pub fn util_quantile(&self, q: f64) -> Option<f64> {
        if self.util_samples == 0 {
            return None;
        }
        let rank = (q * self.util_samples as f64).ceil().max(1.0) as u64;
        let mut seen = 0;
        for (i, c) in self.util.iter().enumerate() {
            seen += c;
            if seen >= rank {
                return Some(i as f64 * UTIL_BIN);
            }
        }
        Some(self.max_util)
    }

    /// A memory quantile in MiB, rounded up to the next [`MEM_BIN_MIB`] (never below the
    /// exact value, so headroom computed from it is conservative).
    pub fn mem_quantile(&self, q: f64) -> Option<f64> {
        if self.mem_samples == 0 {
            return None;
        }
        let rank = (q * self.mem_samples as f64).ceil().max(1.0) as u64;
        let mut seen = 0;
        for (bin, c) in &self.mem {
            seen += c;
            if seen >= rank {
                return Some(
                    (*bin as f64 * MEM_BIN_MIB)
                        .min(self.peak_mem_mib.max(0.0))
                        .max(0.0),
                );
            }
        }
        Some(self.peak_mem_mib)
    }

    pub fn merge(&mut self, other: &GpuStats) {
        if self.util.is_empty() {
            self.util = vec![0; (100.0 / UTIL_BIN) as usize + 1];
        }
        for (i, c) in other.util.iter().enumerate() {
            self.util[i] += c;
        }
        for (b, c) in &other.mem {
            *self.mem.entry(*b).or_default() += c;
        }
        self.util_samples += other.util_samples;
        self.mem_samples += other.mem_samples;
        self.max_util = self.max_util.max(other.max_util);
        self.peak_mem_mib = self.peak_mem_mib.max(other.peak_mem_mib);
        if self.name.is_none() {
            self.name = other.name.clone();
        }
        // The later reading of the total wins, as it does within one file.
        if other.memory_total_mib.is_some() {
            self.memory_total_mib = other.memory_total_mib;
        }
        if self.node.is_none() {
            self.node = other.node.clone();
        }
        self.windows.merge(&other.windows);
        if let Some(o) = &other.series {
            self.series.get_or_insert_with(Default::default).merge(o);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_are_within_the_bin_width() {
        let mut s = GpuStats::default();
        for i in 0..1000 {
            s.add_util(i as f64 / 10.0);
            s.add_mem(i as f64 * 10.0);
        }
        assert!((s.util_quantile(0.95).unwrap() - 94.9).abs() <= UTIL_BIN + 1e-9);
        assert!((s.util_quantile(0.5).unwrap() - 49.9).abs() <= UTIL_BIN + 1e-9);
        let p99 = s.mem_quantile(0.99).unwrap();
        assert!((9890.0..=9890.0 + MEM_BIN_MIB).contains(&p99), "{p99}");
        assert_eq!(s.peak_mem_mib, 9990.0);
    }
}
