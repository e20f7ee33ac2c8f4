//! Workloads with a pod template (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job,
//! CronJob, Pod), KServe InferenceService components, and the components of GPU serving
//! and training resources (see [`super::pod_templates`]), as one span-carrying model:
//! containers with their requests and limits (accelerators included), scheduling
//! constraints, shutdown settings and replica counts.

use super::nodepool::{is_accelerator_resource, Field};
use super::pod_templates;
use super::units;
use super::Resource;
use crate::source::scalar::Scalar;
use crate::source::NodeRef;

/// What kind of object carries the pod template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkloadKind {
    Deployment,
    StatefulSet,
    DaemonSet,
    ReplicaSet,
    Job,
    CronJob,
    Pod,
    /// One component (predictor, transformer, explainer) of a KServe InferenceService.
    InferenceService,
    /// The leader or worker template of a LeaderWorkerSet (groups of pods for multi-host
    /// serving).
    LeaderWorkerSet,
    /// The head or a worker group of a Ray cluster, standalone or inside a RayService or
    /// RayJob.
    RayCluster,
    RayService,
    RayJob,
    /// One replica type of a Kubeflow training job.
    PyTorchJob,
    TFJob,
    MPIJob,
    /// One replicated job of a JobSet.
    JobSet,
    /// One task of a Volcano `batch.volcano.sh` Job.
    VolcanoJob,
}

/// What a workload's pods are for, which decides the advice that fits it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Answers requests until deleted: graceful shutdown, disruption budgets, redundancy
    /// and autoscalers all apply.
    Serving,
    /// Runs until deleted, but whether it answers requests is not known: a RayCluster is
    /// as often an interactive or shared compute cluster as a serving one. An idle fixed
    /// size is still paid around the clock, so autoscaler advice applies; the advice about
    /// in-flight requests does not.
    LongRunning,
    /// Runs to completion (Jobs, CronJobs, training jobs, RayJob, JobSet, Volcano Job): an
    /// interruption costs a retry or a restart from a checkpoint, not failed requests, and
    /// there is no traffic to scale with.
    Batch,
    /// One pod per node (DaemonSet).
    PerNode,
    /// A bare Pod, whose purpose the object does not say.
    Single,
}

impl WorkloadKind {
    pub fn purpose(self) -> Purpose {
        use WorkloadKind::*;
        match self {
            Deployment | StatefulSet | ReplicaSet | InferenceService | LeaderWorkerSet
            | RayService => Purpose::Serving,
            RayCluster => Purpose::LongRunning,
            Job | CronJob | RayJob | PyTorchJob | TFJob | MPIJob | JobSet | VolcanoJob => {
                Purpose::Batch
            }
            DaemonSet => Purpose::PerNode,
            Pod => Purpose::Single,
        }
    }

    /// Long-running serving workloads (the ones graceful shutdown, disruption budgets and
    /// redundancy are for).
    pub fn is_serving(self) -> bool {
        self.purpose() == Purpose::Serving
    }
}

/// A part of a resource with its own pod template (an InferenceService predictor, a Ray
/// worker group, a PyTorchJob's workers).
#[derive(Debug, Clone)]
pub struct Component {
    /// As the workload's name shows it (`llm/predictor`, `train/worker`).
    pub id: String,
    /// As messages name it ("predictor", "worker group `gpu`").
    pub shown: String,
}

/// One resource amount as written.
#[derive(Debug, Clone)]
pub struct Amount<'a> {
    pub resource: String,
    pub value: f64,
    pub node: NodeRef<'a>,
}

#[derive(Debug, Clone)]
pub struct Container<'a> {
    pub name: String,
    pub node: NodeRef<'a>,
    pub init: bool,
    /// A native sidecar: an init container with `restartPolicy: Always`, which runs for the
    /// pod's whole life and adds to its requests.
    pub sidecar: bool,
    /// `resources`, when written.
    pub resources: Option<NodeRef<'a>>,
    pub requests_node: Option<NodeRef<'a>>,
    pub limits_node: Option<NodeRef<'a>>,
    pub requests: Vec<Amount<'a>>,
    pub limits: Vec<Amount<'a>>,
    pub pre_stop: bool,
}

impl<'a> Container<'a> {
    pub fn request(&self, resource: &str) -> Option<&Amount<'a>> {
        self.requests.iter().find(|a| a.resource == resource)
    }

    pub fn limit(&self, resource: &str) -> Option<&Amount<'a>> {
        self.limits.iter().find(|a| a.resource == resource)
    }

    /// Effective request: the request, or the limit when only a limit is set (Kubernetes
    /// defaults requests to limits).
    pub fn effective(&self, resource: &str) -> Option<f64> {
        self.request(resource)
            .or_else(|| self.limit(resource))
            .map(|a| a.value)
    }

    /// Accelerator resources this container asks for (request or limit), with the amount.
    pub fn accelerators(&self) -> Vec<(String, f64)> {
        let mut out: Vec<(String, f64)> = Vec::new();
        for a in self.requests.iter().chain(self.limits.iter()) {
            if is_accelerator_resource(&a.resource) && !out.iter().any(|(r, _)| r == &a.resource) {
                out.push((
                    a.resource.clone(),
                    self.effective(&a.resource).unwrap_or(a.value),
                ));
            }
        }
        out
    }
}

/// One node-selector requirement (from `nodeSelector` or required node affinity).
#[derive(Debug, Clone)]
pub struct NodeReq<'a> {
    pub key: String,
    pub operator: String,
    pub values: Vec<String>,
    pub node: NodeRef<'a>,
}

#[derive(Debug, Clone)]
pub struct Toleration {
    pub key: Option<String>,
    pub operator: String,
    pub value: Option<String>,
    pub effect: Option<String>,
}

impl Toleration {
    /// Whether this toleration tolerates a taint (Kubernetes semantics).
    pub fn tolerates(&self, key: &str, value: Option<&str>, effect: &str) -> bool {
        if let Some(e) = &self.effect {
            if !e.is_empty() && e != effect {
                return false;
            }
        }
        match self.key.as_deref() {
            None | Some("") => self.operator == "Exists",
            Some(k) if k != key => false,
            Some(_) => match self.operator.as_str() {
                "Exists" => true,
                _ => self.value.as_deref().unwrap_or("") == value.unwrap_or(""),
            },
        }
    }

    /// Tolerates every taint (`operator: Exists` without a key).
    pub fn tolerates_everything(&self) -> bool {
        self.key.as_deref().unwrap_or("").is_empty()
            && self.operator == "Exists"
            && self.effect.as_deref().unwrap_or("").is_empty()
    }
}

#[derive(Debug, Clone)]
pub struct Workload<'a> {
    pub resource: usize,
    pub file: usize,
    pub kind: WorkloadKind,
    /// `name`, or `name/<component>` for a resource with several pod templates.
    pub name: String,
    pub namespace: Option<String>,
    /// The part of the resource this pod template belongs to, for resources with several.
    pub component: Option<Component>,
    pub root: NodeRef<'a>,
    /// The resource's `spec`, or the component's own mapping (anchor for missing fields).
    pub spec: Option<NodeRef<'a>>,
    /// The pod spec (or the InferenceService component).
    pub pod: Option<NodeRef<'a>>,
    pub containers: Vec<Container<'a>>,
    /// The replica count as written (for a LeaderWorkerSet, its groups).
    pub replicas: Option<Field<'a, i64>>,
    /// Replicas when `replicas` is not written (1, or 0 for a Ray worker group).
    pub default_replicas: i64,
    /// The workload's own scaling bounds: InferenceService and Ray worker group
    /// `minReplicas` / `maxReplicas`.
    pub min_replicas: Option<Field<'a, i64>>,
    pub max_replicas: Option<Field<'a, i64>>,
    /// Whether its own controller scales it between those bounds (KServe; Ray's in-tree
    /// autoscaler when `enableInTreeAutoscaling` is set).
    pub bounds_enforced: bool,
    /// Pods per replica: a LeaderWorkerSet group's workers, a JobSet job's parallelism.
    pub pods_per_replica: i64,
    pub node_selector: Vec<NodeReq<'a>>,
    /// Required node affinity: any term may match; all requirements of a term must. A term
    /// with no requirements (`{}`) matches no node and is `None`; one with only
    /// `matchFields` is kept as an empty list (skinflint does not judge node names).
    pub affinity_terms: Vec<Option<Vec<NodeReq<'a>>>>,
    pub tolerations: Vec<Toleration>,
    pub tolerations_node: Option<NodeRef<'a>>,
    pub grace_period: Option<Field<'a, i64>>,
    pub priority_class: Option<Field<'a, String>>,
    /// Pod template labels (what selectors match).
    pub labels: Vec<(String, String)>,
    /// Annotations on the resource and on its pod template.
    pub annotations: Vec<(String, String, NodeRef<'a>)>,
}

/// Framework keys of an InferenceService predictor that hold a container.
const KSERVE_FRAMEWORKS: &[&str] = &[
    "model",
    "tensorflow",
    "pytorch",
    "torchserve",
    "sklearn",
    "xgboost",
    "onnx",
    "triton",
    "pmml",
    "lightgbm",
    "paddle",
    "huggingface",
    "alibi",
    "art",
];

pub(crate) fn int_field(n: Option<NodeRef<'_>>) -> Option<Field<'_, i64>> {
    let n = n?;
    match n.value()? {
        Scalar::Int(v) => Some(Field { value: v, node: n }),
        _ => None,
    }
}

fn amounts(n: Option<NodeRef<'_>>) -> Vec<Amount<'_>> {
    n.and_then(|m| m.entries())
        .map(|e| {
            e.filter_map(|(k, v)| {
                let value = match v.value()? {
                    Scalar::Str(s) => units::quantity(s)?,
                    other => other.as_f64()?,
                };
                Some(Amount {
                    resource: k.to_string(),
                    value,
                    node: v,
                })
            })
            .collect()
        })
        .unwrap_or_default()
}

fn container<'a>(n: NodeRef<'a>, init: bool, fallback_name: &str) -> Container<'a> {
    let resources = n.get("resources");
    let requests_node = resources.and_then(|r| r.get("requests"));
    let limits_node = resources.and_then(|r| r.get("limits"));
    Container {
        name: n
            .get("name")
            .and_then(|x| x.as_str())
            .unwrap_or(fallback_name)
            .to_string(),
        node: n,
        init,
        resources,
        requests_node,
        limits_node,
        requests: amounts(requests_node),
        limits: amounts(limits_node),
        pre_stop: n.path(&["lifecycle", "preStop"]).is_some(),
        sidecar: init && n.get("restartPolicy").and_then(|r| r.as_str()) == Some("Always"),
    }
}

fn node_reqs(items: Option<NodeRef<'_>>) -> Vec<NodeReq<'_>> {
    items
        .and_then(|i| i.items())
        .map(|it| {
            it.filter_map(|e| {
                Some(NodeReq {
                    key: e.get("key")?.as_str()?.to_string(),
                    operator: e
                        .get("operator")
                        .and_then(|o| o.as_str())
                        .unwrap_or("In")
                        .to_string(),
                    values: e
                        .get("values")
                        .and_then(|v| v.items())
                        .map(|vs| {
                            vs.filter_map(|x| x.scalar().map(|(t, _)| t.to_string()))
                                .collect()
                        })
                        .unwrap_or_default(),
                    node: e,
                })
            })
            .collect()
        })
        .unwrap_or_default()
}

/// `nodeSelector` as `In` requirements.
fn node_selector(pod: Option<NodeRef<'_>>) -> Vec<NodeReq<'_>> {
    string_map(pod.and_then(|p| p.get("nodeSelector")))
        .into_iter()
        .map(|(k, v, n)| NodeReq {
            key: k,
            operator: "In".to_string(),
            values: vec![v],
            node: n,
        })
        .collect()
}

/// The required node affinity terms (alternatives); a term with only `matchFields` is
/// `None`, as skinflint cannot judge it.
fn affinity_terms(pod: Option<NodeRef<'_>>) -> Vec<Option<Vec<NodeReq<'_>>>> {
    pod.and_then(|p| {
        p.path(&[
            "affinity",
            "nodeAffinity",
            "requiredDuringSchedulingIgnoredDuringExecution",
            "nodeSelectorTerms",
        ])
    })
    .and_then(|t| t.items())
    .map(|terms| {
        terms
            .map(|t| {
                let exprs = node_reqs(t.get("matchExpressions"));
                (!exprs.is_empty() || t.get("matchFields").is_some()).then_some(exprs)
            })
            .collect()
    })
    .unwrap_or_default()
}

/// The pod's tolerations (`operator` defaults to `Equal`).
fn tolerations(tolerations_node: Option<NodeRef<'_>>) -> Vec<Toleration> {
    tolerations_node
        .and_then(|t| t.items())
        .map(|it| {
            it.map(|t| {
                let s = |k: &str| t.get(k).and_then(|x| x.as_str()).map(str::to_string);
                Toleration {
                    key: s("key"),
                    operator: s("operator").unwrap_or_else(|| "Equal".to_string()),
                    value: s("value"),
                    effect: s("effect"),
                }
            })
            .collect()
        })
        .unwrap_or_default()
}

/// The workload kind of an apiVersion and kind; None when it holds no pod template
/// skinflint reads.
fn workload_kind(api_version: &str, kind: &str) -> Option<WorkloadKind> {
    let apps = api_version.starts_with("apps/");
    Some(match (api_version, kind) {
        (_, "Deployment") if apps => WorkloadKind::Deployment,
        (_, "StatefulSet") if apps => WorkloadKind::StatefulSet,
        (_, "DaemonSet") if apps => WorkloadKind::DaemonSet,
        (_, "ReplicaSet") if apps => WorkloadKind::ReplicaSet,
        ("batch/v1", "Job") => WorkloadKind::Job,
        ("batch/v1" | "batch/v1beta1", "CronJob") => WorkloadKind::CronJob,
        ("v1", "Pod") => WorkloadKind::Pod,
        ("serving.kserve.io/v1beta1", "InferenceService") => WorkloadKind::InferenceService,
        (api, k) => pod_templates::kind_of(api, k)?,
    })
}

fn string_map(n: Option<NodeRef<'_>>) -> Vec<(String, String, NodeRef<'_>)> {
    n.and_then(|m| m.entries())
        .map(|e| {
            e.filter_map(|(k, v)| Some((k.to_string(), v.scalar()?.0.to_string(), v)))
                .collect()
        })
        .unwrap_or_default()
}

impl<'a> Workload<'a> {
    /// Build the workloads a resource holds (one per pod template: InferenceService
    /// components, LeaderWorkerSet leader and workers, Ray head and worker groups, training
    /// job replica types, JobSet replicated jobs, Volcano tasks).
    pub fn from_resource(index: usize, r: &Resource<'a>) -> Vec<Self> {
        let Some(kind) = workload_kind(&r.id.api_version, &r.id.kind) else {
            return Vec::new();
        };
        let root = r.root;
        let spec = root.get("spec");
        let name = r.id.name.clone().unwrap_or_else(|| "<unnamed>".to_string());
        let annotations = string_map(root.path(&["metadata", "annotations"]));
        if kind == WorkloadKind::InferenceService {
            return Self::inference_service(index, r, &name, spec, &annotations);
        }
        if pod_templates::kind_of(&r.id.api_version, &r.id.kind).is_some() {
            let Some(spec) = spec else {
                return Vec::new();
            };
            return Self::from_pod_templates(index, r, kind, &name, spec, &annotations);
        }
        let (pod, template_meta) = match kind {
            WorkloadKind::Pod => (spec, None),
            WorkloadKind::CronJob => (
                spec.and_then(|s| s.path(&["jobTemplate", "spec", "template", "spec"])),
                spec.and_then(|s| s.path(&["jobTemplate", "spec", "template", "metadata"])),
            ),
            _ => (
                spec.and_then(|s| s.path(&["template", "spec"])),
                spec.and_then(|s| s.path(&["template", "metadata"])),
            ),
        };
        let mut w =
            Self::from_template(index, r, kind, name, spec, pod, template_meta, &annotations);
        if kind == WorkloadKind::Pod {
            w.labels = string_map(root.path(&["metadata", "labels"]))
                .into_iter()
                .map(|(k, v, _)| (k, v))
                .collect();
        }
        w.replicas = match kind {
            WorkloadKind::Deployment | WorkloadKind::StatefulSet | WorkloadKind::ReplicaSet => {
                int_field(spec.and_then(|s| s.get("replicas")))
            }
            _ => None,
        };
        vec![w]
    }

    /// A KServe InferenceService: one workload per component (predictor, transformer,
    /// explainer), its containers and framework blocks.
    fn inference_service(
        index: usize,
        r: &Resource<'a>,
        name: &str,
        spec: Option<NodeRef<'a>>,
        annotations: &[(String, String, NodeRef<'a>)],
    ) -> Vec<Self> {
        let kind = WorkloadKind::InferenceService;
        let mut out = Vec::new();
        for component in ["predictor", "transformer", "explainer"] {
            let Some(c) = spec.and_then(|s| s.get(component)).filter(|c| c.is_map()) else {
                continue;
            };
            let mut containers: Vec<Container> = c
                .get("containers")
                .and_then(|cs| cs.items())
                .map(|it| it.map(|x| container(x, false, component)).collect())
                .unwrap_or_default();
            for fw in KSERVE_FRAMEWORKS {
                if let Some(x) = c.get(fw).filter(|x| x.is_map()) {
                    containers.push(container(x, false, fw));
                }
            }
            let shown = format!("{name}/{component}");
            let mut w = Self::pod_fields(
                index,
                r,
                kind,
                shown,
                spec,
                Some(c),
                containers,
                annotations,
            );
            w.component = Some(Component {
                id: component.to_string(),
                shown: component.to_string(),
            });
            // The labels KServe puts on the component's pods.
            w.labels = vec![
                (
                    "serving.kserve.io/inferenceservice".to_string(),
                    name.to_string(),
                ),
                ("component".to_string(), component.to_string()),
            ];
            w.min_replicas = int_field(c.get("minReplicas"));
            w.max_replicas = int_field(c.get("maxReplicas"));
            w.bounds_enforced = true;
            out.push(w);
        }
        out
    }

    /// A resource with several pod templates (LeaderWorkerSet, Ray, training jobs,
    /// JobSet, Volcano): one workload per template.
    fn from_pod_templates(
        index: usize,
        r: &Resource<'a>,
        kind: WorkloadKind,
        name: &str,
        spec: NodeRef<'a>,
        annotations: &[(String, String, NodeRef<'a>)],
    ) -> Vec<Self> {
        pod_templates::templates(kind, name, spec)
            .into_iter()
            .map(|t| {
                let mut w = Self::from_template(
                    index,
                    r,
                    kind,
                    format!("{name}/{}", t.id),
                    Some(t.node),
                    t.template.and_then(|x| x.get("spec")),
                    t.template.and_then(|x| x.get("metadata")),
                    annotations,
                );
                w.component = Some(Component {
                    id: t.id,
                    shown: t.shown,
                });
                w.labels.extend(t.labels);
                w.replicas = t.replicas;
                w.default_replicas = t.default_replicas;
                w.min_replicas = t.min_replicas;
                w.max_replicas = t.max_replicas;
                w.bounds_enforced = t.bounds_enforced;
                w.pods_per_replica = t.pods_per_replica;
                w
            })
            .collect()
    }

    /// A workload from a pod spec and its template's metadata (labels, annotations).
    #[allow(clippy::too_many_arguments)]
    fn from_template(
        index: usize,
        r: &Resource<'a>,
        kind: WorkloadKind,
        name: String,
        spec: Option<NodeRef<'a>>,
        pod: Option<NodeRef<'a>>,
        template_meta: Option<NodeRef<'a>>,
        resource_annotations: &[(String, String, NodeRef<'a>)],
    ) -> Self {
        let mut containers: Vec<Container> = Vec::new();
        for (key, init) in [("initContainers", true), ("containers", false)] {
            if let Some(items) = pod.and_then(|p| p.get(key)).and_then(|c| c.items()) {
                containers.extend(items.map(|x| container(x, init, "container")));
            }
        }
        let mut w = Self::pod_fields(
            index,
            r,
            kind,
            name,
            spec,
            pod,
            containers,
            resource_annotations,
        );
        w.labels = string_map(template_meta.and_then(|m| m.get("labels")))
            .into_iter()
            .map(|(k, v, _)| (k, v))
            .collect();
        w.annotations
            .extend(string_map(template_meta.and_then(|m| m.get("annotations"))));
        w
    }

    #[allow(clippy::too_many_arguments)]
    fn pod_fields(
        index: usize,
        r: &Resource<'a>,
        kind: WorkloadKind,
        name: String,
        spec: Option<NodeRef<'a>>,
        pod: Option<NodeRef<'a>>,
        containers: Vec<Container<'a>>,
        annotations: &[(String, String, NodeRef<'a>)],
    ) -> Self {
        let tolerations_node = pod.and_then(|p| p.get("tolerations"));
        Workload {
            resource: index,
            file: r.file,
            kind,
            name,
            namespace: r.id.namespace.clone(),
            component: None,
            root: r.root,
            spec,
            pod,
            containers,
            replicas: None,
            default_replicas: 1,
            min_replicas: None,
            max_replicas: None,
            bounds_enforced: false,
            pods_per_replica: 1,
            node_selector: node_selector(pod),
            affinity_terms: affinity_terms(pod),
            tolerations: tolerations(tolerations_node),
            tolerations_node,
            grace_period: int_field(pod.and_then(|p| p.get("terminationGracePeriodSeconds"))),
            priority_class: pod.and_then(|p| p.get("priorityClassName")).and_then(|n| {
                Some(Field {
                    value: n.as_str()?.to_string(),
                    node: n,
                })
            }),
            labels: Vec::new(),
            annotations: annotations.to_vec(),
        }
    }

    /// The pod's accelerator demand: the largest of any init container and the sum over
    /// the app containers, per resource.
    pub fn accelerator_demand(&self) -> Vec<(String, f64)> {
        self.demand_by(|c| c.accelerators())
    }

    /// The pod's effective request of a resource as the scheduler counts it: the larger of
    /// the app containers plus native sidecars, and each init container plus the sidecars
    /// started before it.
    pub fn request_of(&self, resource: &str) -> f64 {
        // App containers and native sidecars run together; an ordinary init container runs
        // alone, next to the sidecars started before it.
        let long_running: f64 = self
            .containers
            .iter()
            .filter(|c| !c.init || c.sidecar)
            .filter_map(|c| c.effective(resource))
            .sum();
        let mut sidecars_so_far = 0.0;
        let mut init_peak: f64 = 0.0;
        for c in self.containers.iter().filter(|c| c.init) {
            if c.sidecar {
                sidecars_so_far += c.effective(resource).unwrap_or(0.0);
            } else {
                init_peak = init_peak.max(sidecars_so_far + c.effective(resource).unwrap_or(0.0));
            }
        }
        long_running.max(init_peak)
    }

    /// The pod's requests as the scheduler sums them, for [`crate::catalog::fit`].
    pub fn pod_requests(&self) -> crate::catalog::PodRequests {
        crate::catalog::PodRequests {
            cpu_millicores: self.request_of("cpu") * 1000.0,
            memory_mib: self.request_of("memory") / 1048576.0,
            pods: 1,
            accelerators: self.accelerator_demand(),
        }
    }

    /// Whether the pod uses accelerators without requesting them as extended resources
    /// (Dynamic Resource Allocation claims, or `NVIDIA_VISIBLE_DEVICES` set by hand).
    pub fn uses_accelerators_without_requests(&self) -> bool {
        self.pod.is_some_and(|p| p.get("resourceClaims").is_some())
            || self.containers.iter().any(|c| {
                c.node
                    .get("env")
                    .and_then(|e| e.items())
                    .is_some_and(|mut it| {
                        it.any(|v| {
                            v.get("name").and_then(|n| n.as_str()) == Some("NVIDIA_VISIBLE_DEVICES")
                        })
                    })
            })
    }

    fn demand_by(&self, f: impl Fn(&Container<'a>) -> Vec<(String, f64)>) -> Vec<(String, f64)> {
        let mut names: Vec<String> = self
            .containers
            .iter()
            .flat_map(|c| f(c).into_iter().map(|(r, _)| r))
            .collect();
        names.sort();
        names.dedup();
        names
            .into_iter()
            .map(|r| {
                let v = self.request_of(&r);
                (r, v)
            })
            .filter(|(_, v)| *v > 0.0)
            .collect()
    }

    /// Whether the pod requests any accelerator.
    pub fn uses_accelerators(&self) -> bool {
        !self.accelerator_demand().is_empty()
    }

    /// An annotation on the resource or its pod template.
    pub fn annotation(&self, key: &str) -> Option<&(String, String, NodeRef<'a>)> {
        self.annotations.iter().find(|(k, _, _)| k == key)
    }

    /// Replicas the workload runs without an autoscaler: as written, else the kind's
    /// default (Kubernetes' 1); an InferenceService runs `minReplicas`, and KubeRay keeps a
    /// worker group at no fewer than its `minReplicas`.
    pub fn static_replicas(&self) -> i64 {
        let written = self
            .replicas
            .as_ref()
            .map_or(self.default_replicas, |f| f.value);
        match self.kind {
            WorkloadKind::InferenceService => self.min_replicas.as_ref().map_or(1, |f| f.value),
            WorkloadKind::RayCluster | WorkloadKind::RayService | WorkloadKind::RayJob => {
                written.max(self.min_replicas.as_ref().map_or(0, |f| f.value))
            }
            _ => written,
        }
    }

    /// The lower bound of the workload's own scaling (KServe's default is 1, KubeRay's 0).
    pub fn own_min_replicas(&self) -> i64 {
        let default = match self.kind {
            WorkloadKind::InferenceService => 1,
            _ => 0,
        };
        self.min_replicas.as_ref().map_or(default, |f| f.value)
    }

    /// Whether the workload scales itself, without an HPA or ScaledObject: an
    /// InferenceService whose `maxReplicas` is above `minReplicas`, a Ray worker group under
    /// the in-tree autoscaler or with different bounds written.
    pub fn scales_itself(&self) -> bool {
        let ray = matches!(
            self.kind,
            WorkloadKind::RayCluster | WorkloadKind::RayService | WorkloadKind::RayJob
        );
        (ray && self.bounds_enforced)
            || self
                .max_replicas
                .as_ref()
                .is_some_and(|m| m.value > self.own_min_replicas())
    }

    /// The anchor for findings about the pod as a whole.
    pub fn pod_anchor(&self) -> NodeRef<'a> {
        self.pod.or(self.spec).unwrap_or(self.root)
    }

    /// The object's kind as Kubernetes names it, for matching scale targets.
    pub fn kube_kind(&self) -> &'static str {
        match self.kind {
            WorkloadKind::Deployment => "Deployment",
            WorkloadKind::StatefulSet => "StatefulSet",
            WorkloadKind::DaemonSet => "DaemonSet",
            WorkloadKind::ReplicaSet => "ReplicaSet",
            WorkloadKind::Job => "Job",
            WorkloadKind::CronJob => "CronJob",
            WorkloadKind::Pod => "Pod",
            WorkloadKind::InferenceService => "InferenceService",
            WorkloadKind::LeaderWorkerSet => "LeaderWorkerSet",
            WorkloadKind::RayCluster => "RayCluster",
            WorkloadKind::RayService => "RayService",
            WorkloadKind::RayJob => "RayJob",
            WorkloadKind::PyTorchJob => "PyTorchJob",
            WorkloadKind::TFJob => "TFJob",
            WorkloadKind::MPIJob => "MPIJob",
            WorkloadKind::JobSet => "JobSet",
            WorkloadKind::VolcanoJob => "Job",
        }
    }

    /// The kind as messages show it (`Job` of Volcano is told apart from `batch/v1`'s).
    pub fn kind_shown(&self) -> &'static str {
        match self.kind {
            WorkloadKind::VolcanoJob => "Volcano Job",
            _ => self.kube_kind(),
        }
    }

    /// The object's own name (without the component).
    pub fn object_name(&self) -> &str {
        self.name.split('/').next().unwrap_or(&self.name)
    }
}
