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
    /// Statistics a Prometheus server computed over the GPU's series (no samples are
    /// held then): quantiles, the sustained peak and the hours with data come from here.
    pub summary: Option<Box<Summary>>,
}

/// A GPU's statistics as a server summarised them. Quantiles are kept at the levels
/// asked for; a level in between answers with the next one up (never lower, so an idle
/// GPU is not made to look idler than it was).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    /// (quantile, percent), ascending by quantile.
    pub util: Vec<(f64, f64)>,
    /// (quantile, MiB), ascending by quantile.
    pub mem: Vec<(f64, f64)>,
    /// (window seconds, quantile, percent): the quantile of the window means.
    pub sustained: Option<(f64, f64, f64)>,
    /// Start hours (Unix seconds / 3600) in which the GPU had a sample.
    pub hours: std::collections::BTreeSet<i64>,
}

impl Summary {
    fn at(levels: &[(f64, f64)], q: f64) -> Option<f64> {
        levels.iter().find(|(l, _)| *l >= q - 1e-9).map(|(_, v)| *v)
    }

    /// Combines another summary of the same GPU: the larger figure of each.
    fn merge(&mut self, other: &Summary) {
        let up = |a: &mut Vec<(f64, f64)>, b: &[(f64, f64)]| {
            for (q, v) in b {
                match a.iter_mut().find(|(l, _)| (*l - q).abs() < 1e-9) {
                    Some(x) => x.1 = x.1.max(*v),
                    None => a.push((*q, *v)),
                }
            }
            a.sort_by(|x, y| x.0.total_cmp(&y.0));
        };
        up(&mut self.util, &other.util);
        up(&mut self.mem, &other.mem);
        self.sustained = match (self.sustained, other.sustained) {
            (Some(a), Some(b)) if a.0 == b.0 && a.1 == b.1 => Some((a.0, a.1, a.2.max(b.2))),
            (a, b) => a.or(b),
        };
        self.hours.extend(other.hours.iter().copied());
    }
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
        if let Some(s) = &self.summary {
            return Some(Summary::at(&s.util, q).unwrap_or(self.max_util));
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
        if let Some(s) = &self.summary {
            return Some(Summary::at(&s.mem, q).unwrap_or(self.peak_mem_mib));
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

    /// The `q` quantile of the GPU's `window_s` utilisation means.
    pub fn sustained(&self, window_s: f64, q: f64) -> Option<f64> {
        match self.summary.as_ref().and_then(|s| s.sustained) {
            Some((w, l, v)) if (w - window_s).abs() < 1e-9 && l >= q - 1e-9 => Some(v),
            _ => self.windows.sustained(window_s, q),
        }
    }

    /// Start hours (Unix seconds / 3600) in which the GPU had a sample.
    pub fn hours(&self) -> impl Iterator<Item = i64> + '_ {
        let summarised = self.summary.iter().flat_map(|s| s.hours.iter().copied());
        summarised.chain(self.windows.hours())
    }

    pub fn merge(&mut self, other: &GpuStats) {
        match (&mut self.summary, &other.summary) {
            (Some(a), Some(b)) => a.merge(b),
            (None, Some(b)) => self.summary = Some(b.clone()),
            _ => {}
        }
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
