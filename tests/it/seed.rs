//! The seed design document's two Provisioners and its cost alerts, exactly as written
//! there, produce exactly this set of findings and nothing else.

use crate::common;

use crate::common::{positions, repo, run};

#[test]
fn seed_provisioners_yield_exactly_the_expected_findings() {
    // The design's two files together: its Provisioners and its cost alerts (which is why
    // cost-alerts-missing does not fire).
    let pools = repo().join("fixtures/seed/spot-nodepool.yaml");
    let alerts = repo().join("fixtures/seed/cost_alerts.yaml");
    let o = run(&[&pools, &alerts], None);
    assert!(positions(&o)
        .iter()
        .all(|(f, ..)| f.ends_with("spot-nodepool.yaml")));
    let got: Vec<(usize, usize, String)> = positions(&o)
        .into_iter()
        .map(|(_, l, c, r)| (l, c, r))
        .collect();
    let want: Vec<(usize, usize, &str)> = vec![
        // Both Provisioners use the removed v1alpha5 API.
        (3, 13, "deprecated-karpenter-api"),
        // The spot pool is GPU-capable and untainted.
        (7, 1, "gpu-nodepool-without-taint"),
        // It lists only 4 instance types.
        (14, 7, "spot-instance-types-too-few"),
        (30, 13, "deprecated-karpenter-api"),
        // The on-demand fallback never reclaims empty nodes (GPU pool: error) ...
        (34, 1, "empty-nodes-never-reclaimed"),
        // ... is not weighted below the spot pool (neither is weighted) ...
        (34, 1, "fallback-weight-not-below-spot"),
        // ... is untainted ...
        (34, 1, "gpu-nodepool-without-taint"),
        // ... and its nodes never expire.
        (34, 1, "node-expiry-missing"),
    ];
    let want: Vec<(usize, usize, String)> = want
        .into_iter()
        .map(|(l, c, r)| (l, c, r.to_string()))
        .collect();
    assert_eq!(got, want);
    let sev: Vec<&str> = o.findings.iter().map(|f| f.severity.as_str()).collect();
    assert_eq!(
        sev,
        ["warning", "warning", "warning", "warning", "error", "warning", "warning", "info"]
    );
    // The count and the types are in the message; the idle node is priced.
    let few = &o.findings[2].message;
    assert!(few.contains("only 4 instance types"), "{few}");
    assert!(
        few.contains("g4dn.xlarge") && few.contains("g5.2xlarge"),
        "{few}"
    );
    assert!(
        o.findings[4].message.contains("$0.526 an hour"),
        "{}",
        o.findings[4].message
    );
}

#[test]
fn seed_file_is_the_seed_verbatim() {
    let seed = repo().join("../shared/seed/cost_optimization.md");
    let Ok(doc) = std::fs::read_to_string(&seed) else {
        common::skip(&format!(
            "{} (no ../shared beside the checkout)",
            seed.display()
        ));
        return;
    };
    for name in ["spot-nodepool.yaml", "cost_alerts.yaml"] {
        let fixture = std::fs::read_to_string(repo().join("fixtures/seed").join(name)).unwrap();
        assert!(
            doc.contains(&format!("```yaml\n{fixture}```")),
            "fixtures/seed/{name} differs from the seed"
        );
    }
}

#[test]
fn seed_cost_alerts_lint_clean() {
    let path = repo().join("fixtures/seed/cost_alerts.yaml");
    let o = run(&[&path], None);
    assert_eq!(o.summary.findings, 0, "{:?}", positions(&o));
    let files = skinflint::source::load_all(
        &[skinflint::source::Input::File(path)],
        Default::default(),
        None,
        None,
    );
    let model = skinflint::model::ModelSet::build(&files);
    let rules: Vec<(String, bool)> = model
        .alert_rules
        .iter()
        .map(|r| {
            (
                r.name().to_string(),
                matches!(r.parsed.as_deref(), Some(Ok(_))),
            )
        })
        .collect();
    assert_eq!(
        rules,
        vec![
            ("HighCostPerPrediction".to_string(), true),
            ("InfrastructureCostSpike".to_string(), true),
            ("LowEfficiency".to_string(), true)
        ]
    );
}
