//! Where GPU serving and training resources keep their pod templates: LeaderWorkerSet,
//! Ray (RayCluster, RayService, RayJob), Kubeflow (PyTorchJob, TFJob, MPIJob), JobSet and
//! Volcano Job. Each template becomes one workload component with the replica count and
//! scaling bounds its resource gives it, so every pod-level rule reads them like a
//! Deployment's.

use super::nodepool::Field;
use super::workload::{int_field, WorkloadKind};
use crate::source::scalar::Scalar;
use crate::source::NodeRef;

/// One pod template of a resource, with what decides how many pods it runs.
#[derive(Debug, Clone)]
pub struct TemplateRef<'a> {
    /// Short name used in the workload's name (`llm/worker`).
    pub id: String,
    /// How messages name the component ("worker group `gpu`").
    pub shown: String,
    /// The component's own mapping (anchor for fields it lacks).
    pub node: NodeRef<'a>,
    /// The pod template (`metadata` and `spec`).
    pub template: Option<NodeRef<'a>>,
    pub replicas: Option<Field<'a, i64>>,
    /// Replicas when `replicas` is not written.
    pub default_replicas: i64,
    pub min_replicas: Option<Field<'a, i64>>,
    pub max_replicas: Option<Field<'a, i64>>,
    /// Pods each replica runs (LeaderWorkerSet workers per group, a JobSet job's parallelism).
    pub pods_per_replica: i64,
    /// Whether a controller scales the component between `min_replicas` and `max_replicas`
    /// (Ray's in-tree autoscaler).
    pub bounds_enforced: bool,
    /// Labels the controller adds to the pods, beside the template's own.
    pub labels: Vec<(String, String)>,
}

fn int_value(n: Option<NodeRef<'_>>) -> Option<i64> {
    int_field(n).map(|f| f.value)
}

impl<'a> TemplateRef<'a> {
    fn new(id: String, shown: String, node: NodeRef<'a>, template: Option<NodeRef<'a>>) -> Self {
        TemplateRef {
            id,
            shown,
            node,
            template,
            replicas: None,
            default_replicas: 1,
            min_replicas: None,
            max_replicas: None,
            pods_per_replica: 1,
            bounds_enforced: false,
            labels: Vec::new(),
        }
    }
}

/// The kind of a resource read through [`templates`], from its API group and kind.
pub fn kind_of(api_version: &str, kind: &str) -> Option<WorkloadKind> {
    let group = api_version.split('/').next().unwrap_or_default();
    Some(match (group, kind) {
        ("leaderworkerset.x-k8s.io", "LeaderWorkerSet") => WorkloadKind::LeaderWorkerSet,
        ("ray.io", "RayCluster") => WorkloadKind::RayCluster,
        ("ray.io", "RayService") => WorkloadKind::RayService,
        ("ray.io", "RayJob") => WorkloadKind::RayJob,
        ("kubeflow.org", "PyTorchJob") => WorkloadKind::PyTorchJob,
        ("kubeflow.org", "TFJob") => WorkloadKind::TFJob,
        ("kubeflow.org", "MPIJob") => WorkloadKind::MPIJob,
        ("jobset.x-k8s.io", "JobSet") => WorkloadKind::JobSet,
        ("batch.volcano.sh", "Job") => WorkloadKind::VolcanoJob,
        _ => return None,
    })
}

/// The pod templates of a resource of one of the kinds [`kind_of`] knows.
pub fn templates<'a>(kind: WorkloadKind, name: &str, spec: NodeRef<'a>) -> Vec<TemplateRef<'a>> {
    let mut out = match kind {
        WorkloadKind::LeaderWorkerSet => leader_worker_set(spec),
        WorkloadKind::RayCluster => ray_cluster(Some(spec), Some(name)),
        // KubeRay names the clusters it creates itself, so `ray.io/cluster` is unknown here.
        WorkloadKind::RayService => ray_cluster(spec.get("rayClusterConfig"), None),
        WorkloadKind::RayJob => ray_cluster(spec.get("rayClusterSpec"), None),
        WorkloadKind::PyTorchJob => replica_specs(spec.get("pytorchReplicaSpecs")),
        WorkloadKind::TFJob => replica_specs(spec.get("tfReplicaSpecs")),
        WorkloadKind::MPIJob => replica_specs(spec.get("mpiReplicaSpecs")),
        WorkloadKind::JobSet => job_set(spec),
        WorkloadKind::VolcanoJob => volcano_tasks(spec),
        _ => Vec::new(),
    };
    // The label each controller puts on every pod it creates for the resource.
    let owner = match kind {
        WorkloadKind::LeaderWorkerSet => Some("leaderworkerset.sigs.k8s.io/name"),
        WorkloadKind::PyTorchJob | WorkloadKind::TFJob | WorkloadKind::MPIJob => {
            Some("training.kubeflow.org/job-name")
        }
        WorkloadKind::JobSet => Some("jobset.sigs.k8s.io/jobset-name"),
        WorkloadKind::VolcanoJob => Some("volcano.sh/job-name"),
        _ => None,
    };
    if let Some(key) = owner {
        for c in &mut out {
            c.labels.push((key.to_string(), name.to_string()));
        }
    }
    out
}

/// `spec.replicas` groups of `leaderWorkerTemplate.size` pods: one leader (from
/// `leaderTemplate`, or the worker template when there is none) and `size - 1` workers.
/// An HPA scales the groups.
fn leader_worker_set<'a>(spec: NodeRef<'a>) -> Vec<TemplateRef<'a>> {
    let Some(lwt) = spec.get("leaderWorkerTemplate").filter(|n| n.is_map()) else {
        return Vec::new();
    };
    let size = int_value(lwt.get("size")).unwrap_or(1).max(1);
    let replicas = int_field(spec.get("replicas"));
    let leader = lwt.get("leaderTemplate").filter(|n| n.is_map());
    let worker = lwt.get("workerTemplate").filter(|n| n.is_map());
    let mut out = Vec::new();
    let mut push = |id: &str, shown: &str, t: NodeRef<'a>, pods: i64| {
        let mut c = TemplateRef::new(id.to_string(), shown.to_string(), t, Some(t));
        c.replicas = replicas.clone();
        c.pods_per_replica = pods;
        out.push(c);
    };
    match (leader, worker) {
        (Some(l), w) => {
            push("leader", "leader template", l, 1);
            if let Some(w) = w.filter(|_| size > 1) {
                push("worker", "worker template", w, size - 1);
            }
        }
        (None, Some(w)) => push("worker", "worker template", w, size),
        (None, None) => {}
    }
    out
}

/// The head (one pod) and each worker group of a Ray cluster spec. KubeRay keeps a group
/// between `minReplicas` and `maxReplicas` (`replicas` defaults to 0), and its autoscaler
/// moves it within them when `enableInTreeAutoscaling` is set.
fn ray_cluster<'a>(spec: Option<NodeRef<'a>>, cluster: Option<&str>) -> Vec<TemplateRef<'a>> {
    let Some(spec) = spec.filter(|s| s.is_map()) else {
        return Vec::new();
    };
    let autoscaling = spec
        .get("enableInTreeAutoscaling")
        .and_then(|n| n.value())
        .is_some_and(|v| matches!(v, Scalar::Bool(true)));
    let labels = |node_type: &str, group: &str| {
        let mut l = vec![
            ("ray.io/node-type".to_string(), node_type.to_string()),
            ("ray.io/group".to_string(), group.to_string()),
            ("ray.io/is-ray-node".to_string(), "yes".to_string()),
        ];
        if let Some(c) = cluster {
            l.push(("ray.io/cluster".to_string(), c.to_string()));
        }
        l
    };
    let mut out = Vec::new();
    if let Some(head) = spec.get("headGroupSpec").filter(|n| n.is_map()) {
        let mut c = TemplateRef::new(
            "head".to_string(),
            "head".to_string(),
            head,
            head.get("template"),
        );
        c.labels = labels("head", "headgroup");
        out.push(c);
    }
    for (i, g) in spec
        .get("workerGroupSpecs")
        .and_then(|n| n.items())
        .into_iter()
        .flatten()
        .enumerate()
        .filter(|(_, g)| g.is_map())
    {
        let group = g
            .get("groupName")
            .and_then(|n| n.as_str())
            .map(str::to_string)
            .unwrap_or_else(|| format!("group-{i}"));
        let mut c = TemplateRef::new(
            format!("worker-{group}"),
            format!("worker group `{group}`"),
            g,
            g.get("template"),
        );
        c.replicas = int_field(g.get("replicas"));
        c.default_replicas = 0;
        c.min_replicas = int_field(g.get("minReplicas"));
        c.max_replicas = int_field(g.get("maxReplicas"));
        c.bounds_enforced = autoscaling;
        c.labels = labels("worker", &group);
        out.push(c);
    }
    out
}

/// Kubeflow's `<framework>ReplicaSpecs`: a map from replica type (Master, Worker, Chief,
/// PS, Evaluator, Launcher) to `replicas` and `template`.
fn replica_specs(specs: Option<NodeRef<'_>>) -> Vec<TemplateRef<'_>> {
    specs
        .and_then(|s| s.entries())
        .into_iter()
        .flatten()
        .filter(|(_, v)| v.is_map())
        .map(|(role, v)| {
            let mut c = TemplateRef::new(
                role.to_ascii_lowercase(),
                role.to_string(),
                v,
                v.get("template"),
            );
            c.replicas = int_field(v.get("replicas"));
            c.labels.push((
                "training.kubeflow.org/replica-type".into(),
                role.to_ascii_lowercase(),
            ));
            c
        })
        .collect()
}

/// JobSet's `replicatedJobs`: `replicas` Jobs of `parallelism` pods each.
fn job_set(spec: NodeRef<'_>) -> Vec<TemplateRef<'_>> {
    spec.get("replicatedJobs")
        .and_then(|n| n.items())
        .into_iter()
        .flatten()
        .enumerate()
        .filter(|(_, j)| j.is_map())
        .map(|(i, j)| {
            let job = j
                .get("name")
                .and_then(|n| n.as_str())
                .map(str::to_string)
                .unwrap_or_else(|| format!("job-{i}"));
            let job_spec = j.path(&["template", "spec"]);
            let mut c = TemplateRef::new(
                job.clone(),
                format!("replicated job `{job}`"),
                j,
                job_spec.and_then(|s| s.get("template")),
            );
            c.replicas = int_field(j.get("replicas"));
            c.pods_per_replica = int_value(job_spec.and_then(|s| s.get("parallelism")))
                .unwrap_or(1)
                .max(0);
            c.labels
                .push(("jobset.sigs.k8s.io/replicatedjob-name".into(), job));
            c
        })
        .collect()
}

/// Volcano Job `tasks`: each with its own `replicas` and `template`.
fn volcano_tasks(spec: NodeRef<'_>) -> Vec<TemplateRef<'_>> {
    spec.get("tasks")
        .and_then(|n| n.items())
        .into_iter()
        .flatten()
        .enumerate()
        .filter(|(_, t)| t.is_map())
        .map(|(i, t)| {
            let task = t
                .get("name")
                .and_then(|n| n.as_str())
                .map(str::to_string)
                .unwrap_or_else(|| format!("task-{i}"));
            let mut c =
                TemplateRef::new(task.clone(), format!("task `{task}`"), t, t.get("template"));
            c.replicas = int_field(t.get("replicas"));
            c.labels.push(("volcano.sh/task-spec".into(), task));
            c
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::model::{ModelSet, WorkloadKind};
    use crate::source::load_bytes;

    fn build(text: &str) -> Vec<crate::source::Loaded> {
        vec![load_bytes(
            "t.yaml".to_string(),
            Ok(text.as_bytes().to_vec()),
            Default::default(),
        )]
    }

    /// (name, replicas as the pods see them, pods per replica, line of the pod spec).
    fn summary(text: &str) -> Vec<(String, i64, i64, usize)> {
        let files = build(text);
        let m = ModelSet::build(&files);
        m.workloads
            .iter()
            .map(|w| {
                let line = files[0].file.line_col(w.pod_anchor().key_span().start).line;
                (
                    w.name.clone(),
                    w.static_replicas(),
                    w.pods_per_replica,
                    line,
                )
            })
            .collect()
    }

    #[test]
    fn leader_worker_set_groups() {
        let lws = "apiVersion: leaderworkerset.x-k8s.io/v1\nkind: LeaderWorkerSet\nmetadata: {name: l}\nspec:\n  replicas: 3\n  leaderWorkerTemplate:\n    size: 4\n    leaderTemplate:\n      spec:\n        containers: [{name: a}]\n    workerTemplate:\n      spec:\n        containers: [{name: b}]\n";
        assert_eq!(
            summary(lws),
            [("l/leader".into(), 3, 1, 9), ("l/worker".into(), 3, 3, 12)]
        );
        // Without a leader template the leader runs the worker template.
        let single = lws.replace(
            "    leaderTemplate:\n      spec:\n        containers: [{name: a}]\n",
            "",
        );
        assert_eq!(summary(&single), [("l/worker".into(), 3, 4, 9)]);
        // A group of one is just the leader.
        let one = lws.replace("size: 4", "size: 1");
        assert_eq!(summary(&one), [("l/leader".into(), 3, 1, 9)]);
    }

    #[test]
    fn ray_groups_and_their_autoscaler() {
        let rc = "apiVersion: ray.io/v1\nkind: RayService\nmetadata: {name: r}\nspec:\n  rayClusterConfig:\n    headGroupSpec:\n      template:\n        spec: {containers: [{name: h}]}\n    workerGroupSpecs:\n      - groupName: gpu\n        minReplicas: 2\n        maxReplicas: 6\n        template:\n          spec: {containers: [{name: w}]}\n";
        assert_eq!(
            summary(rc),
            [
                ("r/head".into(), 1, 1, 8),
                ("r/worker-gpu".into(), 2, 1, 14)
            ]
        );
        let files = build(rc);
        let m = ModelSet::build(&files);
        let w = &m.workloads[1];
        assert_eq!(w.kind, WorkloadKind::RayService);
        assert!(!w.bounds_enforced, "min/max only act under the autoscaler");
        assert!(w.scales_itself(), "different bounds count as scaling");
        assert!(w.labels.contains(&("ray.io/group".into(), "gpu".into())));
        let on = rc.replace(
            "  rayClusterConfig:\n",
            "  rayClusterConfig:\n    enableInTreeAutoscaling: true\n",
        );
        let files = build(&on);
        assert!(ModelSet::build(&files).workloads[1].bounds_enforced);
    }

    #[test]
    fn training_jobs_job_sets_and_volcano_tasks() {
        let mpi = "apiVersion: kubeflow.org/v2beta1\nkind: MPIJob\nmetadata: {name: m}\nspec:\n  mpiReplicaSpecs:\n    Launcher:\n      replicas: 1\n      template:\n         spec:\n          containers: [{name: l}]\n    Worker:\n      replicas: 2\n      template:\n        spec:\n          containers: [{name: w}]\n";
        assert_eq!(
            summary(mpi),
            [
                ("m/launcher".into(), 1, 1, 9),
                ("m/worker".into(), 2, 1, 14)
            ]
        );
        let js = "apiVersion: jobset.x-k8s.io/v1alpha2\nkind: JobSet\nmetadata: {name: j}\nspec:\n  replicatedJobs:\n    - name: workers\n      replicas: 2\n      template:\n        spec:\n          parallelism: 4\n          template:\n            spec: {containers: [{name: t}]}\n";
        assert_eq!(summary(js), [("j/workers".into(), 2, 4, 12)]);
        let vc = "apiVersion: batch.volcano.sh/v1alpha1\nkind: Job\nmetadata: {name: v}\nspec:\n  tasks:\n    - name: ps\n      replicas: 2\n      template:\n        spec: {containers: [{name: p}]}\n";
        assert_eq!(summary(vc), [("v/ps".into(), 2, 1, 9)]);
        let files = build(vc);
        let m = ModelSet::build(&files);
        assert_eq!(
            m.workloads[0].kind.purpose(),
            crate::model::workload::Purpose::Batch
        );
    }
}
