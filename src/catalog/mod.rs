//! The embedded instance catalog: every instance type Karpenter's generated reference
//! lists, with its well-known labels and the resources a node offers to pods
//! (`data/instance-types.csv`, `data/allocatable.csv`), and an hourly price table
//! (`data/prices-aws-us-east-1.csv`, or a team's own, see [`prices`]).
//!
//! Types the reference once listed and has dropped (p2, g3, g3s, p3, dl1, …) are kept
//! apart as [`Catalog::retired`]: known names, never targets.

pub mod fit;
pub mod names;
pub mod prices;
pub mod requirements;
pub mod table;

use std::collections::HashMap;
use std::sync::OnceLock;

pub use fit::{fit, fits, Misfit, PodRequests};
pub use prices::{price_basis, price_source, SPOT_ESTIMATE};
pub use requirements::{evaluate, InstanceSet};

mod data {
    include!(concat!(env!("OUT_DIR"), "/catalog_data.rs"));
}

/// Hours in a month, the convention every dollar figure uses.
pub const HOURS_PER_MONTH: f64 = 730.0;

/// One row of `data/instance-types.csv`, checked and embedded by `build.rs`.
#[derive(Debug)]
pub struct Raw {
    pub name: &'static str,
    pub family: &'static str,
    pub category: &'static str,
    pub generation: u64,
    pub size: &'static str,
    pub arch: &'static str,
    pub cpu_manufacturer: &'static str,
    pub vcpu: u64,
    pub memory_mib: u64,
    pub gpu_name: &'static str,
    pub gpu_manufacturer: &'static str,
    pub gpu_count: u64,
    pub gpu_memory_mib: u64,
    pub accelerator_name: &'static str,
    pub accelerator_manufacturer: &'static str,
    pub accelerator_count: u64,
    pub accelerator_resource: &'static str,
    pub retired_in: &'static str,
}

/// One instance type.
#[derive(Debug, Clone)]
pub struct InstanceType {
    pub name: String,
    pub family: String,
    pub category: String,
    pub generation: u32,
    pub size: String,
    pub arch: &'static str,
    /// `intel`, `amd` or `aws` (Graviton).
    pub cpu_manufacturer: &'static str,
    pub vcpu: u32,
    pub memory_mib: u64,
    /// GPUs, or accelerator chips (Neuron, Qualcomm) for types without GPUs.
    pub gpu_count: u32,
    /// Label value of `instance-gpu-name` (empty when the type has no GPU).
    pub gpu_name: String,
    pub gpu_manufacturer: &'static str,
    /// Label value of `instance-gpu-memory` (MiB per GPU).
    pub gpu_memory_mib: u64,
    /// Label value of `instance-accelerator-name` (Neuron, Qualcomm; empty otherwise).
    pub accelerator_name: String,
    pub accelerator_manufacturer: &'static str,
    /// Extended resource the node advertises (`nvidia.com/gpu`, `aws.amazon.com/neuron`, …).
    pub accelerator_resource: String,
    /// What a node of this type offers to pods (`data/allocatable.csv`).
    pub allocatable: Option<Allocatable>,
    /// The Karpenter release whose reference dropped the type; None for current types.
    pub retired_in: Option<&'static str>,
}

/// A node's allocatable resources: its capacity less kube-reserved, system-reserved,
/// the eviction threshold and the VM memory overhead, as Karpenter computes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Allocatable {
    pub cpu_millicores: u64,
    pub memory_mib: u64,
    /// Maximum pods (ENI-limited by default).
    pub pods: u64,
}

impl InstanceType {
    fn from_raw(r: &Raw) -> InstanceType {
        let alloc = data::ALLOCATABLE
            .binary_search_by(|a| a.0.cmp(r.name))
            .ok()
            .map(|i| {
                let (_, cpu_millicores, memory_mib, pods) = data::ALLOCATABLE[i];
                Allocatable {
                    cpu_millicores,
                    memory_mib,
                    pods,
                }
            });
        InstanceType {
            name: r.name.to_string(),
            family: r.family.to_string(),
            category: r.category.to_string(),
            generation: r.generation as u32,
            size: r.size.to_string(),
            arch: r.arch,
            cpu_manufacturer: r.cpu_manufacturer,
            vcpu: r.vcpu as u32,
            memory_mib: r.memory_mib,
            gpu_count: if r.gpu_name.is_empty() {
                r.accelerator_count as u32
            } else {
                r.gpu_count as u32
            },
            gpu_name: r.gpu_name.to_string(),
            gpu_manufacturer: r.gpu_manufacturer,
            gpu_memory_mib: r.gpu_memory_mib,
            accelerator_name: r.accelerator_name.to_string(),
            accelerator_manufacturer: r.accelerator_manufacturer,
            accelerator_resource: r.accelerator_resource.to_string(),
            allocatable: alloc,
            retired_in: (!r.retired_in.is_empty()).then_some(r.retired_in),
        }
    }

    /// The hourly price in the active price table (see [`prices`]), if it lists the type.
    pub fn on_demand_usd_hour(&self) -> Option<f64> {
        prices::hourly(&self.name)
    }

    /// Usable memory per GPU in MiB: what the driver reports as total where the catalog
    /// knows it (a T4 reports 15,360 MiB, not the 16 GiB of its label), else the label.
    pub fn usable_gpu_memory_mib(&self) -> u64 {
        data::GPU_MEMORY
            .iter()
            .find(|(g, label, _)| *g == self.gpu_name && *label == self.gpu_memory_mib)
            .map_or(self.gpu_memory_mib, |(_, _, usable)| *usable)
    }

    /// Whether pods can request an accelerator on this type (fractional GPUs cannot).
    pub fn has_accelerator(&self) -> bool {
        !self.accelerator_resource.is_empty()
    }

    /// Whether the type carries any GPU or accelerator hardware, requestable or not.
    pub fn has_accelerator_hardware(&self) -> bool {
        self.has_accelerator() || !self.gpu_name.is_empty() || !self.accelerator_name.is_empty()
    }

    /// Number of accelerator devices (GPUs or Neuron chips) a node advertises.
    pub fn accelerator_count(&self) -> u32 {
        self.gpu_count
    }

    /// How many units of an extended resource a node of this type offers.
    pub fn units_of(&self, resource: &str) -> f64 {
        if resource == "aws.amazon.com/neuroncore"
            && self.accelerator_resource == "aws.amazon.com/neuron"
        {
            // Inferentia2 and Trainium1 chips have 2 NeuronCores, Trainium2 has 8.
            let per_chip = if self.accelerator_name == "trainium2" {
                8.0
            } else {
                2.0
            };
            return self.accelerator_count() as f64 * per_chip;
        }
        if resource.starts_with("nvidia.com/mig-") {
            // MIG slices exist on A100, H100 and newer; up to 7 per GPU.
            return if matches!(
                self.gpu_name.as_str(),
                "a100" | "h100" | "h200" | "b200" | "b300"
            ) {
                self.accelerator_count() as f64 * 7.0
            } else {
                0.0
            };
        }
        if self.accelerator_resource == resource {
            self.accelerator_count() as f64
        } else {
            0.0
        }
    }
}

/// A count as Kubernetes writes it: `1`, `0.5`.
pub fn fmt_count(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// The whole catalog.
#[derive(Debug)]
pub struct Catalog {
    /// Types Karpenter offers today: the only ones requirements select and recommendations
    /// target.
    pub types: Vec<InstanceType>,
    /// Types Karpenter's reference has dropped: known names, never targets.
    pub retired: Vec<InstanceType>,
    by_name: HashMap<String, (bool, usize)>,
}

/// The embedded catalog, built once.
pub fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| {
        let (retired, types): (Vec<InstanceType>, Vec<InstanceType>) = data::TYPES
            .iter()
            .map(InstanceType::from_raw)
            .partition(|t| t.retired_in.is_some());
        let mut by_name = HashMap::new();
        for (i, t) in types.iter().enumerate() {
            by_name.insert(t.name.clone(), (false, i));
        }
        for (i, t) in retired.iter().enumerate() {
            by_name.insert(t.name.clone(), (true, i));
        }
        Catalog {
            types,
            retired,
            by_name,
        }
    })
}

impl Catalog {
    /// A type by name, current or retired.
    pub fn get(&self, name: &str) -> Option<&InstanceType> {
        self.by_name.get(name).map(|&(retired, i)| {
            if retired {
                &self.retired[i]
            } else {
                &self.types[i]
            }
        })
    }

    /// A type Karpenter offers today, by name.
    pub fn current(&self, name: &str) -> Option<&InstanceType> {
        self.get(name).filter(|t| t.retired_in.is_none())
    }

    /// Whether the catalog holds the family (current or retired).
    pub fn has_family(&self, family: &str) -> bool {
        self.types
            .iter()
            .chain(self.retired.iter())
            .any(|t| t.family == family)
    }
}

/// Format a dollar amount for messages.
pub fn usd(amount: f64) -> String {
    if amount >= 100.0 {
        let whole = amount.round() as i64;
        let s = whole.to_string();
        let mut out = String::new();
        for (i, c) in s.chars().enumerate() {
            if i > 0 && (s.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(c);
        }
        format!("${out}")
    } else if amount >= 1.0 {
        format!("${amount:.2}")
    } else {
        format!("${amount:.3}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalog_has_the_seed_prices() {
        let c = catalog();
        assert_eq!(c.types.len(), 1363);
        assert_eq!(
            c.get("g4dn.xlarge").unwrap().on_demand_usd_hour(),
            Some(0.526)
        );
        assert_eq!(
            c.get("p3.2xlarge").unwrap().on_demand_usd_hour(),
            Some(3.06)
        );
        let g5 = c.get("g5.xlarge").unwrap();
        assert_eq!((g5.category.as_str(), g5.generation), ("g", 5));
        assert_eq!(g5.gpu_name, "a10g");
        assert_eq!(g5.gpu_memory_mib, 22888);
        let inf2 = c.get("inf2.xlarge").unwrap();
        assert_eq!(inf2.accelerator_name, "inferentia2");
        assert_eq!(inf2.accelerator_resource, "aws.amazon.com/neuron");
        assert_eq!(c.get("g5g.xlarge").unwrap().arch, "arm64");
        assert!(!c.get("g6f.large").unwrap().has_accelerator());
        // CPU families users pick are priced: Graviton, AMD, flex sizes.
        for (t, arch) in [
            ("m7g.large", "arm64"),
            ("m7a.large", "amd64"),
            ("m7i-flex.large", "amd64"),
        ] {
            let t = c.get(t).unwrap();
            assert_eq!(t.arch, arch);
            assert!(t.on_demand_usd_hour().is_some() && t.allocatable.is_some());
        }
    }

    #[test]
    fn retired_generations_are_known_but_apart() {
        let c = catalog();
        for name in [
            "p2.xlarge",
            "g3.4xlarge",
            "g3s.xlarge",
            "p3.2xlarge",
            "dl1.24xlarge",
        ] {
            let t = c.get(name).unwrap();
            assert!(t.retired_in.is_some(), "{name}");
            assert!(c.current(name).is_none());
            assert!(!c.types.iter().any(|x| x.name == name));
        }
        assert_eq!(c.get("p2.xlarge").unwrap().retired_in, Some("v1.4.0"));
        assert_eq!(c.get("g3s.xlarge").unwrap().retired_in, Some("v1.1.0"));
    }

    #[test]
    fn usable_gpu_memory() {
        let c = catalog();
        assert_eq!(c.get("g4dn.xlarge").unwrap().gpu_memory_mib, 16384);
        assert_eq!(c.get("g4dn.xlarge").unwrap().usable_gpu_memory_mib(), 15360);
        assert_eq!(c.get("g5.xlarge").unwrap().usable_gpu_memory_mib(), 22888);
    }

    #[test]
    fn dollars_are_readable() {
        assert_eq!(usd(0.526), "$0.526");
        assert_eq!(usd(5.67), "$5.67");
        assert_eq!(usd(40137.6), "$40,138");
    }
}
