//! GPU facts (memory bandwidth, tensor throughput, BF16/FP8 support, usable memory) for
//! moves between GPU models, from `data/gpus.csv`, which cites a source per row.
//!
//! A utilisation profile says how busy a GPU was, not how fast another GPU would be: a
//! move to another model multiplies busy time by roughly the ratio of their speeds, and
//! which speed matters depends on the model (LLM decoding is bound by memory bandwidth,
//! vision and embedding models more by tensor throughput). The conservative ratio is the
//! smaller of the two.

use crate::catalog::InstanceType;
use std::sync::OnceLock;

/// One GPU model.
#[derive(Debug, Clone)]
pub struct GpuFacts {
    /// The catalog's `instance-gpu-name`.
    pub gpu: String,
    /// Nominal memory in GiB, which tells variants apart (A100 40 GB and 80 GB).
    pub nominal_gib: f64,
    /// Words that must all appear in the model name nvidia-smi or DCGM reports.
    pub model_tokens: Vec<String>,
    pub bandwidth_gbs: f64,
    pub tensor_tflops: f64,
    pub bf16: bool,
    pub fp8: bool,
    /// Memory a process can allocate, when measured.
    pub usable_mib: Option<f64>,
    pub source: String,
}

const DATA: &str = include_str!("../../data/gpus.csv");

/// Every GPU model with known facts.
pub fn all() -> &'static [GpuFacts] {
    static FACTS: OnceLock<Vec<GpuFacts>> = OnceLock::new();
    FACTS.get_or_init(|| parse(DATA))
}

fn parse(data: &str) -> Vec<GpuFacts> {
    data.lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with("gpu,") && !l.trim().is_empty())
        .filter_map(|l| {
            let f: Vec<&str> = l.splitn(9, ',').collect();
            let num = |i: usize| f.get(i).and_then(|v| v.trim().parse::<f64>().ok());
            Some(GpuFacts {
                gpu: f.first()?.trim().to_string(),
                nominal_gib: num(1)?,
                model_tokens: f
                    .get(2)?
                    .split('+')
                    .map(|t| t.trim().to_ascii_lowercase())
                    .collect(),
                bandwidth_gbs: num(3)?,
                tensor_tflops: num(4)?,
                bf16: f.get(5)?.trim() == "yes",
                fp8: f.get(6)?.trim() == "yes",
                usable_mib: num(7),
                source: f.get(8).unwrap_or(&"").trim().to_string(),
            })
        })
        .collect()
}

/// The facts of a GPU named as nvidia-smi or DCGM name it (`NVIDIA A100-SXM4-40GB`,
/// `Tesla T4`, `NVIDIA L40S`): every token of a row must be a word of the name, so `L4`
/// is not `L40S` and `T4` is not `T4G`.
pub fn by_model_name(name: &str) -> Option<&'static GpuFacts> {
    let lower = name.to_ascii_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    all()
        .iter()
        .find(|f| f.model_tokens.iter().all(|t| words.contains(&t.as_str())))
}

/// The facts of an instance type's GPU: its catalog GPU name, the variant whose nominal
/// memory is closest to the type's.
pub fn of_type(t: &InstanceType) -> Option<&'static GpuFacts> {
    let gib = t.gpu_memory_mib as f64 / 1024.0;
    all().iter().filter(|f| f.gpu == t.gpu_name).min_by(|a, b| {
        (a.nominal_gib - gib)
            .abs()
            .total_cmp(&(b.nominal_gib - gib).abs())
    })
}

impl GpuFacts {
    /// Whether an instance type carries this GPU.
    pub fn is_on(&self, t: &InstanceType) -> bool {
        of_type(t).is_some_and(|f| std::ptr::eq(f, self))
    }

    /// Memory a process can allocate on this GPU of type `t`: the measured figure, never
    /// more than the catalog lists.
    pub fn usable_on(&self, t: &InstanceType) -> f64 {
        let listed = t.gpu_memory_mib as f64;
        self.usable_mib.map_or(listed, |u| u.min(listed))
    }
}

/// How a move from one GPU model to another changes speed.
#[derive(Debug, Clone, PartialEq)]
pub struct Speed {
    /// Target over current memory bandwidth.
    pub bandwidth: f64,
    /// Target over current dense tensor throughput.
    pub tensor: f64,
    /// Number formats the current GPU runs natively and the target does not.
    pub lost_formats: Vec<&'static str>,
}

impl Speed {
    pub fn between(current: &GpuFacts, target: &GpuFacts) -> Speed {
        let mut lost_formats = Vec::new();
        if current.bf16 && !target.bf16 {
            lost_formats.push("BF16");
        }
        if current.fp8 && !target.fp8 {
            lost_formats.push("FP8");
        }
        Speed {
            bandwidth: target.bandwidth_gbs / current.bandwidth_gbs,
            tensor: target.tensor_tflops / current.tensor_tflops,
            lost_formats,
        }
    }

    /// The conservative ratio: the smaller of the two (below 1 is slower).
    pub fn ratio(&self) -> f64 {
        self.bandwidth.min(self.tensor)
    }

    /// The factor busy time is multiplied by on the target: 1 / ratio, with no credit
    /// taken for a faster GPU (a faster GPU rarely makes a workload proportionally idler).
    pub fn load_factor(&self) -> f64 {
        1.0 / self.ratio().min(1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::catalog;

    #[test]
    fn every_row_parses_with_a_source() {
        assert!(all().len() >= 12, "{}", all().len());
        for f in all() {
            assert!(f.bandwidth_gbs > 0.0 && f.tensor_tflops > 0.0, "{f:?}");
            assert!(!f.source.is_empty(), "{} has no source", f.gpu);
        }
    }

    #[test]
    fn names_as_drivers_report_them() {
        for (name, gpu, gib) in [
            ("Tesla T4", "t4", 16.0),
            ("NVIDIA T4G", "t4g", 16.0),
            ("NVIDIA L4", "l4", 24.0),
            ("NVIDIA L40S", "l40s", 48.0),
            ("NVIDIA A10G", "a10g", 24.0),
            ("NVIDIA A100-SXM4-40GB", "a100", 40.0),
            ("NVIDIA A100 80GB PCIe", "a100", 80.0),
            ("NVIDIA H100 80GB HBM3", "h100", 80.0),
            ("NVIDIA H200", "h200", 141.0),
            ("Tesla V100-SXM2-16GB", "v100", 16.0),
            ("Tesla K80", "k80", 12.0),
        ] {
            let f = by_model_name(name).unwrap_or_else(|| panic!("{name}"));
            assert_eq!((f.gpu.as_str(), f.nominal_gib), (gpu, gib), "{name}");
        }
        assert!(by_model_name("NVIDIA GeForce RTX 4090").is_none());
    }

    #[test]
    fn catalog_types_find_their_variant() {
        let c = catalog();
        let p4d = of_type(c.get("p4d.24xlarge").unwrap()).unwrap();
        let p4de = of_type(c.get("p4de.24xlarge").unwrap()).unwrap();
        assert_eq!((p4d.bandwidth_gbs, p4de.bandwidth_gbs), (1555.0, 2039.0));
        assert!(by_model_name("NVIDIA A100-SXM4-40GB")
            .unwrap()
            .is_on(c.get("p4d.24xlarge").unwrap()));
    }

    #[test]
    fn speed_ratios_are_the_slower_of_bandwidth_and_tensor() {
        let f = |n: &str| by_model_name(n).unwrap();
        // A100 40 GB to L4: 300 / 1555 = 0.193 bandwidth, 121 / 312 = 0.388 tensor.
        let s = Speed::between(f("A100-SXM4-40GB"), f("L4"));
        assert!((s.ratio() - 300.0 / 1555.0).abs() < 1e-9);
        assert!(s.lost_formats.is_empty());
        // H100 to L40S: 864 / 3350 = 0.258; keeps BF16 and FP8.
        let s = Speed::between(f("H100 80GB HBM3"), f("L40S"));
        assert!((s.ratio() - 864.0 / 3350.0).abs() < 1e-9);
        // A10G to T4 loses BF16; H100 to A100 loses FP8.
        assert_eq!(
            Speed::between(f("A10G"), f("Tesla T4")).lost_formats,
            ["BF16"]
        );
        assert_eq!(
            Speed::between(f("H100 80GB HBM3"), f("A100-SXM4-80GB")).lost_formats,
            ["FP8"]
        );
        // No credit for a faster GPU.
        assert_eq!(Speed::between(f("T4"), f("L40S")).load_factor(), 1.0);
    }
}
