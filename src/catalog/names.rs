//! Names AWS uses for instance families, categories and sizes, so that a typo in a
//! requirement is caught even for families whose sizes and prices the catalog does not hold.

use super::catalog;

/// EC2 families that Karpenter's instance-type reference does not list (Mac instances on
/// dedicated hosts, UltraServer families), yet may appear in requirements: known names,
/// so that a requirement naming them is not called a typo.
const OTHER_EC2_FAMILIES: &[&str] = &[
    "mac1",
    "mac2",
    "mac2-m1ultra",
    "mac2-m2",
    "mac2-m2pro",
    "mac-m4",
    "mac-m4pro",
    "p6e-gb200",
    "trn2u",
];

/// GPU names Karpenter may label that no catalog row carries (Grace-Blackwell systems).
const EXTRA_GPU_NAMES: &[&str] = &["gb200", "gb300"];

/// Every known family: the catalog's (current and retired) and [`OTHER_EC2_FAMILIES`].
pub fn known_families() -> &'static [String] {
    static FAMILIES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    FAMILIES.get_or_init(|| {
        let c = catalog();
        let mut v: Vec<String> = c
            .types
            .iter()
            .chain(&c.retired)
            .map(|t| t.family.clone())
            .chain(OTHER_EC2_FAMILIES.iter().map(|f| f.to_string()))
            .collect();
        v.sort();
        v.dedup();
        v
    })
}

/// Split a family into Karpenter's category and generation labels, using the same shape
/// as Karpenter's own pattern `(^[a-z]+)(-[0-9]+tb)?([0-9]+)`.
pub fn category_generation(family: &str) -> (String, u32) {
    let bytes = family.as_bytes();
    let mut i = 0;
    while i < bytes.len() && bytes[i].is_ascii_lowercase() {
        i += 1;
    }
    let category = family[..i].to_string();
    let mut rest = &family[i..];
    // `u-6tb1`: skip the memory part.
    if let Some(r) = rest.strip_prefix('-') {
        if let Some(pos) = r.find("tb") {
            rest = &r[pos + 2..];
        }
    }
    let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
    (category, digits.parse().unwrap_or(0))
}

/// `arm64` for Graviton families (a `g` right after the generation digits), else `amd64`.
pub fn arch_of_family(family: &str) -> &'static str {
    if family == "a1" {
        return "arm64";
    }
    let base = family.split('-').next().unwrap_or(family);
    let after_digits = base
        .trim_start_matches(|c: char| c.is_ascii_lowercase())
        .trim_start_matches(|c: char| c.is_ascii_digit());
    if after_digits.starts_with('g') {
        "arm64"
    } else {
        "amd64"
    }
}

/// Whether a size label is one AWS uses (`large`, `12xlarge`, `metal`, `metal-24xl`, …).
pub fn is_known_size(size: &str) -> bool {
    if matches!(
        size,
        "nano" | "micro" | "small" | "medium" | "large" | "xlarge" | "metal"
    ) {
        return true;
    }
    if let Some(n) = size.strip_suffix("xlarge") {
        return !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit());
    }
    if let Some(n) = size
        .strip_prefix("metal-")
        .and_then(|s| s.strip_suffix("xl"))
    {
        return !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit());
    }
    false
}

pub fn is_known_family(family: &str) -> bool {
    known_families()
        .binary_search_by(|f| f.as_str().cmp(family))
        .is_ok()
}

pub fn is_known_category(category: &str) -> bool {
    known_families()
        .iter()
        .any(|f| category_generation(f).0 == category)
}

pub fn is_known_instance_type(name: &str) -> bool {
    if catalog().get(name).is_some() {
        return true;
    }
    match name.split_once('.') {
        Some((family, size)) => is_known_family(family) && is_known_size(size),
        None => false,
    }
}

pub fn is_known_gpu_name(name: &str) -> bool {
    let c = catalog();
    EXTRA_GPU_NAMES.contains(&name) || c.types.iter().chain(&c.retired).any(|t| t.gpu_name == name)
}

/// Whether a GPU Feature Discovery `nvidia.com/gpu.product` value (`Tesla-T4`,
/// `NVIDIA-A10G`, `NVIDIA-A100-SXM4-80GB`, `NVIDIA-H100-80GB-HBM3`) names a GPU with
/// Karpenter's `instance-gpu-name` label `gpu_name` and `instance-gpu-memory` label
/// `memory_mib`: the name is one of its dash-separated words, and a size word (`80GB`),
/// when present, matches the memory to the GiB.
pub fn gpu_product_matches(product: &str, gpu_name: &str, memory_mib: u64) -> bool {
    if gpu_name.is_empty() {
        return false;
    }
    let p = format!("-{}-", product.to_ascii_lowercase());
    if !p.contains(&format!("-{gpu_name}-")) {
        return false;
    }
    let size = p.split('-').find_map(|w| {
        w.strip_suffix("gb")
            .filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|n| n.parse::<u64>().ok())
    });
    size.is_none_or(|gb| (memory_mib as f64 / 1024.0 - gb as f64).abs() <= 1.0)
}

/// Candidates for the "did you mean" of each kind of name.
pub fn candidates(kind: NameKind) -> Vec<String> {
    let c = catalog();
    let mut out: Vec<String> = match kind {
        NameKind::InstanceType => c
            .types
            .iter()
            .chain(&c.retired)
            .map(|t| t.name.clone())
            .collect(),
        NameKind::Family => known_families().to_vec(),
        NameKind::Category => known_families()
            .iter()
            .map(|f| category_generation(f).0)
            .collect(),
        NameKind::GpuName => c
            .types
            .iter()
            .chain(&c.retired)
            .map(|t| t.gpu_name.clone())
            .chain(EXTRA_GPU_NAMES.iter().map(|s| s.to_string()))
            .filter(|s| !s.is_empty())
            .collect(),
    };
    out.sort();
    out.dedup();
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameKind {
    InstanceType,
    Family,
    Category,
    GpuName,
}

/// The closest candidates by edit distance (all ties, at most three), if they are close
/// enough to be a likely typo ([`crate::suggest::max_distance`]). Ties matter: `a10` is as close to `a10g` as to the far
/// pricier `a100`, and the user should see both.
pub fn closest(name: &str, kind: NameKind) -> Vec<String> {
    let lowered = name.to_ascii_lowercase();
    let mut cands = candidates(kind);
    if kind == NameKind::InstanceType {
        // Suggest a real size of a known family too: `t3.larg` → `t3.large`.
        if let Some((fam, _)) = lowered.split_once('.') {
            if is_known_family(fam) && !catalog().has_family(fam) {
                for size in [
                    "large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge",
                ] {
                    cands.push(format!("{fam}.{size}"));
                }
            }
        }
    }
    let max = crate::suggest::max_distance(name);
    let scored: Vec<(usize, String)> = cands
        .into_iter()
        .filter_map(|c| Some((crate::suggest::distance_within(&lowered, &c, max)?, c)))
        .collect();
    let Some(best) = scored.iter().map(|(d, _)| *d).min() else {
        return Vec::new();
    };
    if best == 0 && lowered == name {
        return Vec::new();
    }
    let mut out: Vec<String> = scored
        .into_iter()
        .filter(|(d, _)| *d == best)
        .map(|(_, c)| c)
        .collect();
    out.sort();
    out.dedup();
    out.truncate(3);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_and_generations() {
        assert_eq!(category_generation("g4dn"), ("g".into(), 4));
        assert_eq!(category_generation("p6-b200"), ("p".into(), 6));
        assert_eq!(category_generation("u-6tb1"), ("u".into(), 1));
        assert_eq!(category_generation("inf2"), ("inf".into(), 2));
        assert_eq!(arch_of_family("c7gn"), "arm64");
        assert_eq!(arch_of_family("c7i-flex"), "amd64");
    }

    #[test]
    fn gpu_feature_discovery_products() {
        assert!(gpu_product_matches("Tesla-T4", "t4", 16384));
        assert!(gpu_product_matches("NVIDIA-A10G", "a10g", 22888));
        assert!(!gpu_product_matches("NVIDIA-A10G", "a100", 40960));
        assert!(gpu_product_matches("NVIDIA-A100-SXM4-80GB", "a100", 81920));
        assert!(!gpu_product_matches("NVIDIA-A100-SXM4-80GB", "a100", 40960));
        assert!(gpu_product_matches("NVIDIA-H100-80GB-HBM3", "h100", 81920));
        assert!(!gpu_product_matches("NVIDIA-L40S", "l4", 22888));
        assert!(gpu_product_matches("NVIDIA-L4", "l4", 22888));
    }

    #[test]
    fn names_and_suggestions() {
        assert!(is_known_instance_type("t3.large"));
        assert!(is_known_instance_type("m7i.metal-24xl"));
        assert!(!is_known_instance_type("g5.xlarg"));
        assert_eq!(
            closest("g5.xlarg", NameKind::InstanceType),
            vec!["g5.xlarge"]
        );
        assert_eq!(closest("a10", NameKind::GpuName), vec!["a100", "a10g"]);
        assert_eq!(closest("t3.larg", NameKind::InstanceType), vec!["t3.large"]);
        assert!(closest("zzzzzzzz", NameKind::Family).is_empty());
        assert!(is_known_category("inf"));
        // Retired generations stay known names.
        assert!(is_known_instance_type("p2.xlarge") && is_known_family("g3s"));
        assert!(is_known_gpu_name("k80") && is_known_gpu_name("m60"));
        assert!(is_known_family("mac2") && !is_known_family("g9z"));
        assert!(!is_known_category("gpu"));
    }
}
