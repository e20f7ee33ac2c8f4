//! Karpenter requirement evaluation: which instance types a pool's requirements allow.
//!
//! Semantics follow Kubernetes node selector requirements: `In` needs the label present
//! with one of the values, `NotIn` and `DoesNotExist` also match nodes without the label,
//! `Gt`/`Lt`/`Gte`/`Lte` compare integers. Keys the catalog cannot evaluate (zones,
//! custom labels, capacity type) do not narrow the set.

use super::{catalog, fit, names, InstanceType, PodRequests};

/// One requirement as written (operator and values are taken verbatim).
#[derive(Debug, Clone)]
pub struct Req<'r> {
    pub key: &'r str,
    pub operator: &'r str,
    pub values: Vec<&'r str>,
}

/// The instance types a pool may launch.
#[derive(Debug, Clone)]
pub struct InstanceSet {
    /// Catalog types the requirements allow (shared: pools of many clusters often allow
    /// the same hundreds of types; see [`InstanceSet::share`]).
    pub types: std::sync::Arc<[&'static InstanceType]>,
    /// Types named by an `In` list on the instance-type key that the catalog has no facts
    /// for (for example `t3.large`): allowed, but not priced.
    pub unpriced: Vec<String>,
    /// Retired types (p2, g3, …) the requirements would allow: Karpenter no longer
    /// launches them, so they are not in `types` and never priced or recommended.
    pub retired: Vec<String>,
    /// True when `len()` is the real count: the catalog holds every type Karpenter offers,
    /// so this is false only when the requirements name types or families it lacks.
    pub exact: bool,
    /// True when no requirement selects the kind of hardware (instance type, family,
    /// category, GPU or accelerator labels). Such a pool is general-purpose by intent:
    /// Karpenter only picks an accelerator type for pods that request one.
    pub unconstrained: bool,
}

impl InstanceSet {
    /// Make sets that allow the same types hold one list between them.
    pub fn share<'s>(sets: impl Iterator<Item = &'s mut InstanceSet>) {
        let mut lists: std::collections::HashMap<Vec<*const InstanceType>, _> =
            std::collections::HashMap::new();
        for set in sets {
            let key = set.types.iter().map(|t| std::ptr::from_ref(*t)).collect();
            set.types = lists
                .entry(key)
                .or_insert_with(|| set.types.clone())
                .clone();
        }
    }

    pub fn len(&self) -> usize {
        self.types.len() + self.unpriced.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether the allowed types share at least one type with `other`'s.
    pub fn overlaps(&self, other: &InstanceSet) -> bool {
        let mine = self.names();
        other.names().iter().any(|n| mine.binary_search(n).is_ok())
    }

    /// Whether any allowed type carries a requestable accelerator.
    pub fn has_accelerators(&self) -> bool {
        self.types.iter().any(|t| t.has_accelerator())
    }

    /// Whether any allowed type has no accelerator (general-purpose capacity). The catalog
    /// holds every accelerator family in full, so a set it cannot list in full (a CPU
    /// family it does not carry, such as `c7g`) may hold general-purpose types.
    pub fn has_general_purpose(&self) -> bool {
        !self.exact
            || !self.unpriced.is_empty()
            || self.types.iter().any(|t| !t.has_accelerator_hardware())
    }

    /// Accelerator resources the allowed types advertise, sorted.
    pub fn accelerator_resources(&self) -> Vec<&'static str> {
        let mut v: Vec<&str> = self
            .types
            .iter()
            .filter(|t| t.has_accelerator())
            .map(|t| t.accelerator_resource.as_str())
            .collect();
        v.sort();
        v.dedup();
        v
    }

    /// The most expensive priced type (by hourly price).
    pub fn most_expensive(&self) -> Option<&'static InstanceType> {
        self.types
            .iter()
            .filter_map(|t| Some((*t, t.on_demand_usd_hour()?)))
            .max_by(|a, b| a.1.partial_cmp(&b.1).unwrap_or(std::cmp::Ordering::Equal))
            .map(|(t, _)| t)
    }

    /// The cheapest priced type that fits `pod`, among those without accelerator hardware
    /// unless the pod requests accelerators: what Karpenter launches for it.
    pub fn cheapest_fitting(&self, pod: &PodRequests) -> Option<&'static InstanceType> {
        self.types
            .iter()
            .filter(|t| !pod.accelerators.is_empty() || !t.has_accelerator_hardware())
            .filter(|t| fit(t, pod).is_ok())
            .filter_map(|t| Some((*t, t.on_demand_usd_hour()?)))
            .min_by(|a, b| {
                a.1.partial_cmp(&b.1)
                    .unwrap_or(std::cmp::Ordering::Equal)
                    .then_with(|| a.0.name.cmp(&b.0.name))
            })
            .map(|(t, _)| t)
    }

    /// The node an idle-capacity figure prices, and on what basis. A pool that selects
    /// GPU or accelerator hardware is priced by the most expensive type it allows (its
    /// stated worst case). A general-purpose pool, or one that selects no hardware at all,
    /// is priced by what Karpenter launches for a typical pod ([`TYPICAL_POD`]): the
    /// cheapest type that fits it, never the largest GPU box it could in theory launch.
    pub fn idle_node(&self) -> Option<(&'static InstanceType, IdleBasis)> {
        if self.unconstrained || !self.has_accelerators() {
            let typical = typical_pod();
            if let Some(t) = self.cheapest_fitting(&typical) {
                return Some((t, IdleBasis::TypicalPod));
            }
            if self.unconstrained {
                return None;
            }
        }
        self.most_expensive().map(|t| (t, IdleBasis::MostExpensive))
    }

    /// All allowed type names, sorted.
    pub fn names(&self) -> Vec<String> {
        let mut v: Vec<String> = self
            .types
            .iter()
            .map(|t| t.name.clone())
            .chain(self.unpriced.iter().cloned())
            .collect();
        v.sort();
        v.dedup();
        v
    }
}

/// How [`InstanceSet::idle_node`] chose its type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdleBasis {
    /// The most expensive type the pool allows.
    MostExpensive,
    /// The cheapest type that fits [`TYPICAL_POD`].
    TypicalPod,
}

/// A typical pod, for pricing general-purpose capacity: (cpu millicores, memory MiB).
pub const TYPICAL_POD: (f64, f64) = (1000.0, 2048.0);

/// [`TYPICAL_POD`] as requests.
pub fn typical_pod() -> PodRequests {
    PodRequests {
        cpu_millicores: TYPICAL_POD.0,
        memory_mib: TYPICAL_POD.1,
        pods: 1,
        accelerators: Vec::new(),
    }
}

/// What a label key means to the catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Attr {
    InstanceType,
    Family,
    Category,
    Generation,
    Size,
    Cpu,
    Memory,
    GpuName,
    GpuCount,
    GpuMemory,
    GpuManufacturer,
    AcceleratorName,
    AcceleratorManufacturer,
    AcceleratorCount,
    Arch,
}

/// Instance labels EKS Auto Mode puts on its nodes under its own domain, with the same
/// values as self-managed Karpenter's `karpenter.k8s.aws/` labels (EKS user guide, "Create
/// a Node Pool for EKS Auto Mode", supported labels). Auto Mode has no accelerator-name or
/// accelerator-count labels.
const AUTO_MODE_INSTANCE_LABELS: &[&str] = &[
    "instance-family",
    "instance-category",
    "instance-generation",
    "instance-size",
    "instance-cpu",
    "instance-memory",
    "instance-gpu-name",
    "instance-gpu-count",
    "instance-gpu-memory",
    "instance-gpu-manufacturer",
];

/// The self-managed Karpenter spelling of an instance label: `eks.amazonaws.com/instance-*`
/// (EKS Auto Mode) becomes `karpenter.k8s.aws/instance-*`; other keys are returned as is.
pub fn canonical_key(key: &str) -> std::borrow::Cow<'_, str> {
    match key.strip_prefix("eks.amazonaws.com/") {
        Some(rest) if AUTO_MODE_INSTANCE_LABELS.contains(&rest) => {
            std::borrow::Cow::Owned(format!("karpenter.k8s.aws/{rest}"))
        }
        _ => std::borrow::Cow::Borrowed(key),
    }
}

/// Which controller puts an instance label on nodes: `Some(true)` for EKS Auto Mode's
/// `eks.amazonaws.com/instance-*`, `Some(false)` for self-managed Karpenter's
/// `karpenter.k8s.aws/instance-*`, None for labels every node carries.
pub fn auto_mode_label(key: &str) -> Option<bool> {
    if key.starts_with("karpenter.k8s.aws/") {
        Some(false)
    } else if key.starts_with("eks.amazonaws.com/instance-")
        || key == "eks.amazonaws.com/compute-type"
    {
        Some(true)
    } else {
        None
    }
}

fn attr_of(key: &str) -> Option<Attr> {
    Some(match canonical_key(key).as_ref() {
        "node.kubernetes.io/instance-type" | "beta.kubernetes.io/instance-type" => {
            Attr::InstanceType
        }
        "karpenter.k8s.aws/instance-family" => Attr::Family,
        "karpenter.k8s.aws/instance-category" => Attr::Category,
        "karpenter.k8s.aws/instance-generation" => Attr::Generation,
        "karpenter.k8s.aws/instance-size" => Attr::Size,
        "karpenter.k8s.aws/instance-cpu" => Attr::Cpu,
        "karpenter.k8s.aws/instance-memory" => Attr::Memory,
        "karpenter.k8s.aws/instance-gpu-name" => Attr::GpuName,
        "karpenter.k8s.aws/instance-gpu-count" => Attr::GpuCount,
        "karpenter.k8s.aws/instance-gpu-memory" => Attr::GpuMemory,
        "karpenter.k8s.aws/instance-gpu-manufacturer" => Attr::GpuManufacturer,
        "karpenter.k8s.aws/instance-accelerator-name" => Attr::AcceleratorName,
        "karpenter.k8s.aws/instance-accelerator-manufacturer" => Attr::AcceleratorManufacturer,
        "karpenter.k8s.aws/instance-accelerator-count" => Attr::AcceleratorCount,
        "kubernetes.io/arch" | "beta.kubernetes.io/arch" => Attr::Arch,
        _ => return None,
    })
}

/// Whether the catalog narrows on this key (so a value under it names an instance fact).
pub fn is_instance_key(key: &str) -> bool {
    attr_of(key).is_some_and(|a| a != Attr::Arch)
}

/// The label value an instance carries for an attribute, or None when it has no such label.
fn label(t: &InstanceType, attr: Attr) -> Option<String> {
    let s = |v: &str| (!v.is_empty()).then(|| v.to_string());
    match attr {
        Attr::InstanceType => Some(t.name.clone()),
        Attr::Family => Some(t.family.clone()),
        Attr::Category => Some(t.category.clone()),
        Attr::Generation => Some(t.generation.to_string()),
        Attr::Size => Some(t.size.clone()),
        Attr::Cpu => Some(t.vcpu.to_string()),
        Attr::Memory => Some(t.memory_mib.to_string()),
        Attr::GpuName => s(&t.gpu_name),
        Attr::GpuCount => (!t.gpu_name.is_empty()).then(|| t.gpu_count.to_string()),
        Attr::GpuMemory => (!t.gpu_name.is_empty()).then(|| t.gpu_memory_mib.to_string()),
        Attr::GpuManufacturer => s(t.gpu_manufacturer),
        Attr::AcceleratorName => s(&t.accelerator_name),
        Attr::AcceleratorManufacturer => s(t.accelerator_manufacturer),
        Attr::AcceleratorCount => (!t.accelerator_name.is_empty()).then(|| t.gpu_count.to_string()),
        Attr::Arch => Some(t.arch.to_string()),
    }
}

fn matches(t: &InstanceType, attr: Attr, op: &str, values: &[&str]) -> bool {
    let have = label(t, attr);
    let num = |v: &str| v.trim().parse::<i64>().ok();
    let cmp = |f: fn(i64, i64) -> bool| match (
        have.as_deref().and_then(num),
        values.first().and_then(|v| num(v)),
    ) {
        (Some(h), Some(v)) => f(h, v),
        _ => false,
    };
    match op {
        "In" => have.is_some_and(|h| values.contains(&h.as_str())),
        "NotIn" => have.is_none_or(|h| !values.contains(&h.as_str())),
        "Exists" => have.is_some(),
        "DoesNotExist" => have.is_none(),
        "Gt" => cmp(|h, v| h > v),
        "Lt" => cmp(|h, v| h < v),
        "Gte" => cmp(|h, v| h >= v),
        "Lte" => cmp(|h, v| h <= v),
        _ => true,
    }
}

/// Whether a key chooses the kind of hardware (rather than only its size or generation).
fn selects_hardware(attr: Attr) -> bool {
    !matches!(
        attr,
        Attr::Arch | Attr::Generation | Attr::Size | Attr::Cpu | Attr::Memory
    )
}

/// Whether a requirement names types, families or categories the catalog does not hold
/// (so the allowed set it computes may be short of what Karpenter would consider).
fn names_unknown(attr: Attr, op: &str, values: &[&str]) -> bool {
    let cat = super::catalog();
    if op != "In" {
        return false;
    }
    match attr {
        Attr::InstanceType => values.iter().any(|v| cat.get(v).is_none()),
        Attr::Family => values.iter().any(|f| !cat.has_family(f)),
        Attr::Category => values.iter().any(|c| {
            !cat.types
                .iter()
                .chain(&cat.retired)
                .any(|t| t.category == *c)
        }),
        _ => false,
    }
}

/// Evaluate requirements against the catalog.
pub fn evaluate(reqs: &[Req<'_>]) -> InstanceSet {
    let cat = catalog();
    let mut exact = true;
    let mut unconstrained = true;
    let mut evaluated: Vec<(Attr, &Req)> = Vec::new();
    for r in reqs {
        if let Some(attr) = attr_of(r.key) {
            if selects_hardware(attr) {
                unconstrained = false;
            }
            exact &= !names_unknown(attr, r.operator, &r.values);
            evaluated.push((attr, r));
        }
    }
    let allows = |t: &InstanceType| {
        evaluated
            .iter()
            .all(|(attr, r)| matches(t, *attr, r.operator, &r.values))
    };
    let types: std::sync::Arc<[&'static InstanceType]> =
        cat.types.iter().filter(|t| allows(t)).collect();
    // Retired types count only when named: a pool written before they were dropped.
    let retired: Vec<String> = cat
        .retired
        .iter()
        .filter(|t| allows(t))
        .filter(|t| {
            evaluated.iter().any(|(a, r)| {
                r.operator == "In"
                    && match a {
                        Attr::InstanceType => r.values.contains(&t.name.as_str()),
                        Attr::Family => r.values.contains(&t.family.as_str()),
                        _ => false,
                    }
            })
        })
        .map(|t| t.name.clone())
        .collect();
    // Named types outside the catalog: allowed when every other requirement that can be
    // judged from the name alone (type, family, category, size) lets them through.
    let mut unpriced = Vec::new();
    for (attr, r) in &evaluated {
        if *attr != Attr::InstanceType || r.operator != "In" {
            continue;
        }
        for name in &r.values {
            if cat.get(name).is_some() || !names::is_known_instance_type(name) {
                continue;
            }
            let (family, size) = name.split_once('.').unwrap_or((name, ""));
            let (category, generation) = names::category_generation(family);
            let ok = evaluated.iter().all(|(a, rr)| {
                let v = match a {
                    Attr::InstanceType => name.to_string(),
                    Attr::Family => family.to_string(),
                    Attr::Category => category.clone(),
                    Attr::Size => size.to_string(),
                    Attr::Generation => generation.to_string(),
                    Attr::Arch => names::arch_of_family(family).to_string(),
                    _ => return rr.operator == "NotIn" || rr.operator == "DoesNotExist",
                };
                match rr.operator {
                    "In" => rr.values.contains(&v.as_str()),
                    "NotIn" => !rr.values.contains(&v.as_str()),
                    "Exists" => true,
                    "DoesNotExist" => false,
                    op => {
                        let (h, x) = (
                            v.parse::<i64>().ok(),
                            rr.values.first().and_then(|x| x.parse::<i64>().ok()),
                        );
                        match (h, x, op) {
                            (Some(h), Some(x), "Gt") => h > x,
                            (Some(h), Some(x), "Lt") => h < x,
                            (Some(h), Some(x), "Gte") => h >= x,
                            (Some(h), Some(x), "Lte") => h <= x,
                            _ => false,
                        }
                    }
                }
            });
            if ok && !unpriced.contains(&name.to_string()) {
                unpriced.push(name.to_string());
            }
        }
    }
    InstanceSet {
        types,
        unpriced,
        retired,
        exact,
        unconstrained,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req<'a>(key: &'a str, operator: &'a str, values: &[&'a str]) -> Req<'a> {
        Req {
            key,
            operator,
            values: values.to_vec(),
        }
    }

    #[test]
    fn seed_spot_pool_allows_four_types() {
        let set = evaluate(&[
            req("karpenter.sh/capacity-type", "In", &["spot"]),
            req(
                "node.kubernetes.io/instance-type",
                "In",
                &["g4dn.xlarge", "g4dn.2xlarge", "g5.xlarge", "g5.2xlarge"],
            ),
        ]);
        assert_eq!(set.len(), 4);
        assert!(set.exact);
        assert!(set.has_accelerators());
        assert_eq!(set.most_expensive().unwrap().name, "g5.2xlarge");
    }

    #[test]
    fn cpu_categories_are_counted_in_full() {
        let set = evaluate(&[
            req(
                "karpenter.k8s.aws/instance-category",
                "In",
                &["c", "m", "r"],
            ),
            req("karpenter.k8s.aws/instance-generation", "Gt", &["2"]),
        ]);
        // The catalog holds every type Karpenter offers, CPU families included.
        assert!(set.exact);
        assert!(!set.has_accelerators());
        assert!(set.len() > 500);
        // Families outside Karpenter's reference (Mac) leave the count a lower bound.
        let mac = evaluate(&[req(
            "karpenter.k8s.aws/instance-family",
            "In",
            &["mac2", "m7i"],
        )]);
        assert!(!mac.exact && mac.len() > 5);
    }

    #[test]
    fn gpu_labels_and_operators() {
        let set = evaluate(&[
            req("karpenter.k8s.aws/instance-gpu-name", "In", &["t4"]),
            req("karpenter.k8s.aws/instance-gpu-count", "Lte", &["1"]),
            req("kubernetes.io/arch", "In", &["amd64"]),
        ]);
        assert!(set.exact);
        assert!(set
            .types
            .iter()
            .all(|t| t.family == "g4dn" && t.gpu_count == 1));
        // Neuron devices carry accelerator labels, not GPU ones.
        let no_gpu = evaluate(&[req(
            "karpenter.k8s.aws/instance-gpu-count",
            "DoesNotExist",
            &[],
        )]);
        assert!(no_gpu.types.iter().any(|t| t.family == "inf2"));
        let none = evaluate(&[
            req("karpenter.k8s.aws/instance-gpu-count", "DoesNotExist", &[]),
            req(
                "karpenter.k8s.aws/instance-accelerator-count",
                "DoesNotExist",
                &[],
            ),
        ]);
        assert!(!none.has_accelerators());
        let unconstrained = evaluate(&[req("topology.kubernetes.io/zone", "In", &["us-east-1a"])]);
        assert!(unconstrained.unconstrained);
        assert_eq!(unconstrained.len(), catalog().types.len());
        let sized = evaluate(&[req("karpenter.k8s.aws/instance-generation", "Gt", &["4"])]);
        assert!(sized.unconstrained && sized.has_accelerators());
        let mixed = evaluate(&[req(
            "karpenter.k8s.aws/instance-category",
            "In",
            &["c", "g"],
        )]);
        assert!(!mixed.unconstrained && mixed.has_accelerators());
    }

    #[test]
    fn auto_mode_instance_labels_evaluate_like_self_managed_ones() {
        let auto = evaluate(&[req(
            "eks.amazonaws.com/instance-family",
            "In",
            &["p5", "p4d"],
        )]);
        let own = evaluate(&[req(
            "karpenter.k8s.aws/instance-family",
            "In",
            &["p5", "p4d"],
        )]);
        assert!(auto.exact && !auto.unconstrained && auto.has_accelerators());
        assert_eq!(auto.names(), own.names());
        let gpu = evaluate(&[req(
            "eks.amazonaws.com/instance-gpu-memory",
            "Gte",
            &["45000"],
        )]);
        assert!(gpu.types.iter().all(|t| t.gpu_memory_mib >= 45000));
        assert!(is_instance_key("eks.amazonaws.com/instance-gpu-name"));
        // Auto Mode documents no accelerator labels, and compute-type is not an instance fact.
        assert!(!is_instance_key(
            "eks.amazonaws.com/instance-accelerator-name"
        ));
        assert!(!is_instance_key("eks.amazonaws.com/compute-type"));
        assert_eq!(
            auto_mode_label("eks.amazonaws.com/compute-type"),
            Some(true)
        );
        assert_eq!(
            auto_mode_label("karpenter.k8s.aws/instance-family"),
            Some(false)
        );
        assert_eq!(auto_mode_label("topology.kubernetes.io/zone"), None);
    }

    #[test]
    fn named_types_outside_the_catalog_count() {
        let set = evaluate(&[req(
            "node.kubernetes.io/instance-type",
            "In",
            &["t3.large", "m5.large", "nonsense"],
        )]);
        assert_eq!(
            set.names(),
            vec!["m5.large".to_string(), "t3.large".to_string()]
        );
    }
}
