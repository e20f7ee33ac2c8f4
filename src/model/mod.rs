//! Typed, span-carrying views of the resources skinflint reads.
//!
//! Classification turns each YAML document into resources (unwrapping `List` kinds);
//! normalisation builds one model per concept, whatever API version it was written in.

pub mod alerts;
pub mod nodepool;
pub mod pod_templates;
pub mod relations;
pub mod scaling;
pub mod units;
pub mod workload;

use crate::source::{Loaded, NodeRef};
use serde::Serialize;

pub use nodepool::{NodePool, PoolApi};
pub use relations::Relations;
pub use scaling::{Autoscaler, DisruptionBudget, PriorityClass};
pub use workload::{Workload, WorkloadKind};

/// Identity of a resource, as the JSON report shows it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct ResourceRef {
    pub api_version: String,
    pub kind: String,
    pub name: Option<String>,
    pub namespace: Option<String>,
}

/// One Kubernetes object found in an input.
#[derive(Debug, Clone)]
pub struct Resource<'a> {
    pub file: usize,
    pub root: NodeRef<'a>,
    pub id: ResourceRef,
    /// The cluster of its file; None when shared.
    pub cluster: Option<&'a str>,
}

/// Whether two resources can relate (host, scale, back, cover, duplicate each other):
/// resources in two different clusters never do; a shared one relates to every cluster.
pub fn same_scope(a: Option<&str>, b: Option<&str>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a == b,
        _ => true,
    }
}

/// Everything the checks see: the loaded files and the models built from them.
pub struct ModelSet<'a> {
    pub files: &'a [Loaded],
    pub resources: Vec<Resource<'a>>,
    pub node_pools: Vec<NodePool<'a>>,
    pub workloads: Vec<Workload<'a>>,
    pub autoscalers: Vec<Autoscaler<'a>>,
    pub budgets: Vec<DisruptionBudget<'a>>,
    pub priority_classes: Vec<PriorityClass>,
    pub relations: Relations,
    pub rule_sources: Vec<alerts::RuleSource<'a>>,
    pub rule_groups: Vec<alerts::RuleGroup<'a>>,
    pub alert_rules: Vec<alerts::AlertRule<'a>>,
    /// Resources whose kind no rule reads.
    pub skipped: usize,
}

impl<'a> ModelSet<'a> {
    pub fn build(files: &'a [Loaded]) -> Self {
        let mut resources = Vec::new();
        for (fi, f) in files.iter().enumerate() {
            for doc in &f.documents {
                if let Some(root) = NodeRef::root(doc) {
                    classify(fi, f.cluster.as_deref(), root, &mut resources, 0);
                }
            }
        }
        let mut node_pools = Vec::new();
        let mut workloads = Vec::new();
        let mut autoscalers = Vec::new();
        let mut budgets = Vec::new();
        let mut priority_classes = Vec::new();
        let mut skipped = 0;
        for (ri, r) in resources.iter().enumerate() {
            if let Some(p) = NodePool::from_resource(ri, r) {
                node_pools.push(p);
                continue;
            }
            let ws = Workload::from_resource(ri, r);
            if !ws.is_empty() {
                workloads.extend(ws);
                continue;
            }
            if let Some(a) = Autoscaler::from_resource(ri, r) {
                autoscalers.push(a);
            } else if let Some(b) = DisruptionBudget::from_resource(ri, r) {
                budgets.push(b);
            } else if let Some(pc) = PriorityClass::from_resource(ri, r) {
                priority_classes.push(pc);
            } else if r.id.kind == "PrometheusRule"
                && r.id.api_version.starts_with("monitoring.coreos.com/")
            {
                // read by the alert-rule model
            } else {
                skipped += 1;
            }
        }
        crate::catalog::InstanceSet::share(node_pools.iter_mut().map(|p| &mut p.instances));
        let relations =
            Relations::compute(&resources, &workloads, &node_pools, &autoscalers, &budgets);
        let (rule_sources, rule_groups, alert_rules) = alerts::collect(files, &resources);
        ModelSet {
            files,
            resources,
            node_pools,
            workloads,
            autoscalers,
            budgets,
            priority_classes,
            relations,
            rule_sources,
            rule_groups,
            alert_rules,
            skipped,
        }
    }

    /// The cluster of a file (None: shared).
    pub fn cluster(&self, file: usize) -> Option<&'a str> {
        self.files.get(file).and_then(|f| f.cluster.as_deref())
    }

    /// [`same_scope`] for two files.
    pub fn same_scope(&self, a_file: usize, b_file: usize) -> bool {
        same_scope(self.cluster(a_file), self.cluster(b_file))
    }
}

/// Turn a document root into resources: a mapping with `apiVersion` and `kind`, or the
/// items of a `List`.
fn classify<'a>(
    file: usize,
    cluster: Option<&'a str>,
    root: NodeRef<'a>,
    out: &mut Vec<Resource<'a>>,
    depth: usize,
) {
    if !root.is_map() {
        return;
    }
    let api_version = root.get("apiVersion").and_then(|n| n.as_str());
    let kind = root.get("kind").and_then(|n| n.as_str());
    let (Some(api_version), Some(kind)) = (api_version, kind) else {
        return;
    };
    if kind.ends_with("List") && depth < 2 {
        if let Some(items) = root.get("items").and_then(|i| i.items()) {
            for item in items {
                classify(file, cluster, item, out, depth + 1);
            }
            return;
        }
    }
    let meta = root.get("metadata");
    let text = |k: &str| {
        meta.and_then(|m| m.get(k))
            .and_then(|n| n.as_str())
            .map(str::to_string)
    };
    out.push(Resource {
        file,
        root,
        id: ResourceRef {
            api_version: api_version.to_string(),
            kind: kind.to_string(),
            name: text("name").or_else(|| text("generateName")),
            namespace: text("namespace"),
        },
        cluster,
    });
}
