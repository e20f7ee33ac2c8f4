//! Names AWS uses for instance families, categories and sizes, so that a typo in a
//! requirement is caught even for families whose sizes and prices the catalog does not hold.

use super::catalog;

/// EC2 instance families (current and previous generation) that Karpenter can launch.
pub const KNOWN_FAMILIES: &[&str] = &[
    "a1",
    "c1",
    "c3",
    "c4",
    "c5",
    "c5a",
    "c5ad",
    "c5d",
    "c5n",
    "c6a",
    "c6g",
    "c6gd",
    "c6gn",
    "c6i",
    "c6id",
    "c6in",
    "c7a",
    "c7g",
    "c7gd",
    "c7gn",
    "c7i",
    "c7i-flex",
    "c8a",
    "c8g",
    "c8gd",
    "c8gn",
    "c8i",
    "c8i-flex",
    "d2",
    "d3",
    "d3en",
    "dl1",
    "dl2q",
    "f1",
    "f2",
    "g3",
    "g3s",
    "g4ad",
    "g4dn",
    "g5",
    "g5g",
    "g6",
    "g6e",
    "g6f",
    "g7",
    "g7e",
    "gr6",
    "gr6f",
    "h1",
    "hpc6a",
    "hpc6id",
    "hpc7a",
    "hpc7g",
    "hpc8a",
    "i2",
    "i3",
    "i3en",
    "i4g",
    "i4i",
    "i7i",
    "i7ie",
    "i8g",
    "i8ge",
    "im4gn",
    "inf1",
    "inf2",
    "is4gen",
    "m1",
    "m2",
    "m3",
    "m4",
    "m5",
    "m5a",
    "m5ad",
    "m5d",
    "m5dn",
    "m5n",
    "m5zn",
    "m6a",
    "m6g",
    "m6gd",
    "m6i",
    "m6id",
    "m6idn",
    "m6in",
    "m7a",
    "m7g",
    "m7gd",
    "m7i",
    "m7i-flex",
    "m8a",
    "m8g",
    "m8gd",
    "m8i",
    "m8i-flex",
    "mac1",
    "mac2",
    "mac2-m1ultra",
    "mac2-m2",
    "mac2-m2pro",
    "p2",
    "p3",
    "p3dn",
    "p4d",
    "p4de",
    "p5",
    "p5e",
    "p5en",
    "p6-b200",
    "p6-b300",
    "p6e-gb200",
    "r3",
    "r4",
    "r5",
    "r5a",
    "r5ad",
    "r5b",
    "r5d",
    "r5dn",
    "r5n",
    "r6a",
    "r6g",
    "r6gd",
    "r6i",
    "r6id",
    "r6idn",
    "r6in",
    "r7a",
    "r7g",
    "r7gd",
    "r7i",
    "r7iz",
    "r8a",
    "r8g",
    "r8gd",
    "r8i",
    "r8i-flex",
    "t1",
    "t2",
    "t3",
    "t3a",
    "t4g",
    "trn1",
    "trn1n",
    "trn2",
    "u-3tb1",
    "u-6tb1",
    "u-9tb1",
    "u-12tb1",
    "u-18tb1",
    "u-24tb1",
    "u7i-6tb",
    "u7i-8tb",
    "u7i-12tb",
    "u7in-16tb",
    "u7in-24tb",
    "u7in-32tb",
    "vt1",
    "x1",
    "x1e",
    "x2gd",
    "x2idn",
    "x2iedn",
    "x2iezn",
    "x8g",
    "z1d",
    // Newer families (2025): Graviton4 network/EBS variants, AMD high-frequency, Mac,
    // Trainium UltraServers, Grace-Blackwell.
    "c8gb",
    "m8gb",
    "r8gb",
    "m8gn",
    "r8gn",
    "m8azn",
    "x8aedz",
    "x8i",
    "mac-m4",
    "mac-m4pro",
    "trn2u",
    "p6e-gb200",
    "p6-b300",
    "g6e",
    "i7i",
    "f2",
];

/// GPU names older or rarer than the catalog's rows that Karpenter may still label.
const EXTRA_GPU_NAMES: &[&str] = &["k80", "m60", "a10g", "gaudi-hl-205", "gb200", "gb300"];

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
    KNOWN_FAMILIES.contains(&family) || catalog().has_family(family)
}

pub fn is_known_category(category: &str) -> bool {
    KNOWN_FAMILIES
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
    EXTRA_GPU_NAMES.contains(&name) || catalog().types.iter().any(|t| t.gpu_name == name)
}

/// Candidates for the "did you mean" of each kind of name.
pub fn candidates(kind: NameKind) -> Vec<String> {
    let c = catalog();
    let mut out: Vec<String> = match kind {
        NameKind::InstanceType => c.types.iter().map(|t| t.name.clone()).collect(),
        NameKind::Family => KNOWN_FAMILIES.iter().map(|s| s.to_string()).collect(),
        NameKind::Category => KNOWN_FAMILIES
            .iter()
            .map(|f| category_generation(f).0)
            .collect(),
        NameKind::GpuName => c
            .types
            .iter()
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
/// enough to be a likely typo. Ties matter: `a10` is as close to `a10g` as to the far
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
    let scored: Vec<(usize, String)> = cands
        .into_iter()
        .map(|c| (edit_distance(&lowered, &c), c))
        .collect();
    let Some(best) = scored.iter().map(|(d, _)| *d).min() else {
        return Vec::new();
    };
    let max = (name.chars().count() / 3).max(2);
    if best > max || (best == 0 && lowered == name) {
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

/// Levenshtein distance, for "did you mean" suggestions.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
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
        assert!(!is_known_category("gpu"));
    }
}
