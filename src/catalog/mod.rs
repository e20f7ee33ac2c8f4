//! The embedded instance catalog: AWS instance facts as Karpenter's well-known labels
//! report them, with us-east-1 on-demand prices.
//!
//! The catalog holds every GPU and accelerator family and a handful of CPU families, so
//! a question about accelerators ("can this pool launch a GPU?") has an exact answer,
//! while a CPU-only count may be a lower bound (see [`InstanceSet::exact`]).

pub mod names;
pub mod requirements;

use std::sync::OnceLock;

pub use requirements::{evaluate, InstanceSet};

/// Hours in a month, the convention every dollar figure uses.
pub const HOURS_PER_MONTH: f64 = 730.0;

/// Where the prices come from, quoted in every message that shows dollars.
pub const PRICE_SOURCE: &str = "us-east-1 on-demand list price";

/// One instance type.
#[derive(Debug, Clone)]
pub struct InstanceType {
    pub name: String,
    pub family: String,
    pub category: String,
    pub generation: u32,
    pub size: String,
    pub arch: &'static str,
    pub vcpu: u32,
    pub memory_mib: u64,
    pub gpu_count: u32,
    /// Label value of `instance-gpu-name` (empty when the type has no GPU).
    pub gpu_name: String,
    pub gpu_manufacturer: &'static str,
    pub gpu_memory_mib: u64,
    /// Label value of `instance-accelerator-name` (Neuron, Qualcomm; empty otherwise).
    pub accelerator_name: String,
    pub accelerator_manufacturer: &'static str,
    /// Extended resource the node advertises (`nvidia.com/gpu`, `aws.amazon.com/neuron`, …).
    pub accelerator_resource: String,
    pub on_demand_usd_hour: Option<f64>,
}

impl InstanceType {
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
}

/// The whole catalog.
#[derive(Debug)]
pub struct Catalog {
    pub types: Vec<InstanceType>,
}

const DATA: &str = include_str!("../../data/aws-instances.csv");

/// The embedded catalog, parsed once.
pub fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| Catalog::parse(DATA))
}

impl Catalog {
    fn parse(data: &str) -> Catalog {
        let mut types = Vec::new();
        for line in data.lines() {
            if line.starts_with('#') || line.starts_with("instance_type,") || line.is_empty() {
                continue;
            }
            let f: Vec<&str> = line.split(',').collect();
            if f.len() < 8 {
                continue;
            }
            let name = f[0].to_string();
            let (family, size) = name.split_once('.').unwrap_or((&name, ""));
            let (category, generation) = names::category_generation(family);
            let gpu_model = f[4];
            let accelerator = f[6];
            let is_neuron_like = matches!(
                gpu_model,
                "inferentia" | "inferentia2" | "trainium" | "trainium2" | "qualcomm-ai100"
            );
            let gpu_manufacturer = if is_neuron_like || gpu_model.is_empty() {
                ""
            } else {
                match accelerator {
                    "amd.com/gpu" => "amd",
                    "habana.ai/gaudi" => "habana",
                    _ => "nvidia",
                }
            };
            types.push(InstanceType {
                family: family.to_string(),
                size: size.to_string(),
                category,
                generation,
                arch: names::arch_of_family(family),
                vcpu: f[1].parse().unwrap_or(0),
                memory_mib: f[2].parse().unwrap_or(0),
                gpu_count: f[3].parse().unwrap_or(0),
                gpu_name: if is_neuron_like {
                    String::new()
                } else {
                    gpu_model.to_string()
                },
                gpu_manufacturer,
                gpu_memory_mib: f[5].parse().unwrap_or(0),
                accelerator_name: if is_neuron_like {
                    gpu_model.to_string()
                } else {
                    String::new()
                },
                accelerator_manufacturer: match gpu_model {
                    "qualcomm-ai100" => "qualcomm",
                    _ if is_neuron_like => "aws",
                    _ => "",
                },
                accelerator_resource: accelerator.to_string(),
                on_demand_usd_hour: f[7].parse().ok(),
                name,
            });
        }
        Catalog { types }
    }

    pub fn get(&self, name: &str) -> Option<&InstanceType> {
        self.types.iter().find(|t| t.name == name)
    }

    /// Whether every size of this family is in the catalog.
    pub fn has_family(&self, family: &str) -> bool {
        self.types.iter().any(|t| t.family == family)
    }
}

/// Format a dollar amount for messages.
pub fn usd(amount: f64) -> String {
    if amount >= 100.0 {
        let whole = amount.round() as i64;
        let s = whole.to_string();
        let mut out = String::new();
        for (i, c) in s.chars().enumerate() {
            if i > 0 && (s.len() - i) % 3 == 0 {
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
        assert!(c.types.len() > 150);
        assert_eq!(
            c.get("g4dn.xlarge").unwrap().on_demand_usd_hour,
            Some(0.526)
        );
        assert_eq!(c.get("p3.2xlarge").unwrap().on_demand_usd_hour, Some(3.06));
        let g5 = c.get("g5.xlarge").unwrap();
        assert_eq!((g5.category.as_str(), g5.generation), ("g", 5));
        assert_eq!(g5.gpu_name, "a10g");
        assert_eq!(g5.gpu_memory_mib, 22888);
        let inf2 = c.get("inf2.xlarge").unwrap();
        assert_eq!(inf2.accelerator_name, "inferentia2");
        assert_eq!(inf2.accelerator_resource, "aws.amazon.com/neuron");
        assert_eq!(c.get("g5g.xlarge").unwrap().arch, "arm64");
        assert!(!c.get("g6f.large").unwrap().has_accelerator());
    }

    #[test]
    fn dollars_are_readable() {
        assert_eq!(usd(0.526), "$0.526");
        assert_eq!(usd(5.67), "$5.67");
        assert_eq!(usd(40137.6), "$40,138");
    }
}
