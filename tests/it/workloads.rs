//! Workload relations and real-world workloads: which pool hosts what, agreement with
//! Polaris where the intent overlaps, and a reviewed snapshot of findings on the
//! workloads corpus.

use crate::common;

use crate::common::{corpus, repo, run};
use skinflint::model::ModelSet;
use std::collections::BTreeMap;

#[test]
fn hosting_pools_and_why_the_others_cannot() {
    let good = skinflint::source::load_all(
        &[skinflint::source::Input::File(
            repo().join("fixtures/gpu-workload-unschedulable/good.yaml"),
        )],
        Default::default(),
        None,
        None,
    );
    let model = ModelSet::build(&good);
    let w = model
        .workloads
        .iter()
        .position(|w| w.name == "llama-8b")
        .unwrap();
    let hosts: Vec<&str> = model
        .relations
        .hosts(w)
        .iter()
        .map(|p| model.node_pools[*p as usize].name.as_str())
        .collect();
    assert_eq!(hosts, ["gpu-small"], "one of three pools");
    let blocked = model.blocked_for(w, true);
    let blocked: BTreeMap<&str, &str> = blocked
        .iter()
        .map(|b| (model.node_pools[b.pool].name.as_str(), b.reason.as_str()))
        .collect();
    assert!(
        blocked["research"].contains("taint team=research:NoSchedule"),
        "{blocked:?}"
    );
    assert!(blocked["general"].contains("nvidia.com/gpu"), "{blocked:?}");

    let bad = skinflint::source::load_all(
        &[skinflint::source::Input::File(
            repo().join("fixtures/gpu-workload-unschedulable/bad.yaml"),
        )],
        Default::default(),
        None,
        None,
    );
    let model = ModelSet::build(&bad);
    let reason = |name: &str, pool: &str| -> String {
        let w = model.workloads.iter().position(|w| w.name == name).unwrap();
        assert!(model.relations.hosts(w).is_empty());
        model
            .blocked_for(w, true)
            .iter()
            .find(|b| model.node_pools[b.pool].name == pool)
            .map(|b| b.reason.clone())
            .unwrap()
    };
    assert!(
        reason("llama-70b", "research").contains("taint"),
        "blocked by a taint"
    );
    let r = reason("mixtral", "gpu-small");
    assert!(
        r.contains("8 nvidia.com/gpu") && r.contains("1 nvidia.com/gpu"),
        "8 GPUs against 1-GPU instances: {r}"
    );
    // Spot exposure follows the hosting pools.
    let fixture = skinflint::source::load_all(
        &[skinflint::source::Input::File(repo().join(
            "fixtures/spot-workload-without-disruption-budget/bad.yaml",
        ))],
        Default::default(),
        None,
        None,
    );
    let model = ModelSet::build(&fixture);
    // Two Deployments, a LeaderWorkerSet (leader, workers) and a RayService (head, workers).
    assert_eq!(model.relations.spot_exposed, vec![true; 6]);
    assert!(model.relations.budgets[0].is_empty());
    assert!(
        model.relations.budgets[1].is_empty(),
        "a v1beta1 empty selector selects nothing"
    );
}

fn skip(what: &str) {
    common::skip(&format!(
        "../shared/corpus (for {what}; set SKINFLINT_CORPUS to point elsewhere)"
    ));
}

/// Polaris' cpuRequestsMissing / memoryRequestsMissing cases: every failure file yields a
/// container-without-requests finding about that resource, no success file does.
#[test]
fn agrees_with_polaris_on_missing_requests() {
    let Some(dir) = corpus() else {
        return skip("Polaris agreement");
    };
    for (check, resource) in [
        ("cpuRequestsMissing", "cpu"),
        ("memoryRequestsMissing", "memory"),
    ] {
        let cases = dir.join("peers-fixtures/polaris/test/checks").join(check);
        let mut judged = 0;
        for entry in std::fs::read_dir(&cases).unwrap().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let failure = name.starts_with("failure");
            if !failure && !name.starts_with("success") {
                continue;
            }
            let o = run(&[&entry.path()], Some(&["container-without-requests"]));
            let about = o
                .findings
                .iter()
                .filter(|f| {
                    f.rule == "container-without-requests"
                        && f.message.contains(&format!("no {resource}"))
                        || f.message.contains(&format!("{resource} and"))
                        || f.message.contains(&format!("and {resource}"))
                })
                .count();
            if failure {
                assert!(
                    about > 0,
                    "{check}/{name}: expected a finding about {resource}"
                );
            } else {
                assert_eq!(
                    about, 0,
                    "{check}/{name}: expected no finding about {resource}"
                );
            }
            judged += 1;
        }
        assert!(judged >= 2, "{check}: {judged} cases");
    }
}

/// Findings per rule on the workloads corpus, compared with a reviewed snapshot, so a
/// change in what fires is reviewed rather than noticed by accident.
#[test]
fn workloads_corpus_snapshot() {
    let Some(dir) = corpus() else {
        return skip("workloads corpus snapshot");
    };
    let o = run(&[&dir.join("workloads")], None);
    let mut lines: Vec<String> = o
        .findings
        .iter()
        .map(|f| {
            let file = &o.files[f.file].file;
            let path = file
                .path
                .split("corpus/workloads/")
                .nth(1)
                .unwrap_or(&file.path)
                .to_string();
            let lc = file.line_col(f.span.start);
            format!(
                "{}\t{path}:{}:{}\t{}",
                f.rule,
                lc.line,
                lc.column,
                f.resource
                    .as_ref()
                    .and_then(|r| r.name.clone())
                    .unwrap_or_default()
            )
        })
        .collect();
    lines.sort();
    let mut by_rule: BTreeMap<String, usize> = BTreeMap::new();
    for l in &lines {
        *by_rule
            .entry(l.split('\t').next().unwrap().to_string())
            .or_default() += 1;
    }
    let mut text = String::from("# Findings on ../shared/corpus/workloads, reviewed\n");
    for (rule, n) in &by_rule {
        text.push_str(&format!("## {rule}: {n}\n"));
    }
    for l in &lines {
        text.push_str(l);
        text.push('\n');
    }
    common::snapshot("workloads-corpus", &text);
}

/// Hosting is worked out per class of pod and pool shapes; it must say what judging
/// every pair says. Every fixture, and every third one again (the copies share classes),
/// against every pool.
#[test]
fn hosting_by_class_equals_judging_every_pair() {
    let (inputs, _) =
        skinflint::source::discover(&[repo().join("fixtures").display().to_string()], false)
            .unwrap();
    let twice: Vec<_> = inputs
        .iter()
        .chain(inputs.iter().step_by(3))
        .cloned()
        .collect();
    let files = skinflint::source::load_all(&twice, Default::default(), None, None);
    let model = ModelSet::build(&files);
    assert!(model.node_pools.len() > 100 && model.workloads.len() > 100);
    let mut pairs = 0;
    for (wi, w) in model.workloads.iter().enumerate() {
        let cluster = model.resources[w.resource].cluster;
        for (pi, p) in model.node_pools.iter().enumerate() {
            if !skinflint::model::same_scope(p.cluster, cluster) {
                continue;
            }
            let judged = skinflint::model::relations::can_host(p, w).is_ok();
            assert_eq!(
                model.relations.hosts_pool(wi, pi),
                judged,
                "{} on {}",
                w.name,
                p.name
            );
            assert_eq!(
                model
                    .relations
                    .hosted(pi)
                    .binary_search(&(wi as u32))
                    .is_ok(),
                judged
            );
            pairs += 1;
        }
        let blocked = model.blocked_for(wi, true);
        assert_eq!(
            blocked.len() + model.relations.hosts(wi).len(),
            model.node_pools.len(),
            "{}: every pool hosts the pod or says why not",
            w.name
        );
    }
    assert!(pairs > 5_000, "{pairs} pairs");
}
