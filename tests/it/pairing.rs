//! Pairing of spot pools with their on-demand fallbacks, and hosting with the
//! ExtendedResourceToleration admission plugin on and off.

use crate::common::{repo, run};
use skinflint::engine::{self, CheckRequest, ConfigChoice};

/// A GPU pod without a written toleration is hosted by a pool tainted `nvidia.com/gpu`
/// only while the rule counts the plugin's toleration.
#[test]
fn extended_resource_toleration_parameter_switches_hosting() {
    let fixture = repo().join("fixtures/gpu-workload-unschedulable/good.yaml");
    let on = run(&[&fixture], Some(&["gpu-workload-unschedulable"]));
    assert!(on.findings.is_empty(), "{:?}", on.findings);

    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join(".skinflint.yaml");
    std::fs::write(
        &config,
        "rules:\n  gpu-workload-unschedulable:\n    params: {extended-resource-toleration: false}\n",
    )
    .unwrap();
    let mut req = CheckRequest::new(vec![fixture.to_string_lossy().into_owned()]);
    req.config = ConfigChoice::File(config);
    req.select = Some(vec!["gpu-workload-unschedulable".to_string()]);
    let off = engine::check(&req).expect("check runs");
    let names: Vec<String> = off
        .findings
        .iter()
        .filter_map(|f| f.resource.as_ref().and_then(|r| r.name.clone()))
        .collect();
    // Both GPU workloads without a written toleration: the one on the self-managed pool
    // and the one on the EKS Auto Mode pool, each tainted `nvidia.com/gpu`.
    assert_eq!(
        names,
        vec!["embedder".to_string(), "auto-mode-llm".to_string()],
        "{:?}",
        off.findings
    );
    assert!(
        off.findings[0].message.contains("none of the 5 node pools"),
        "{}",
        off.findings[0].message
    );
}

/// No message or help asks for a weight outside what the API accepts (1 to 100).
#[test]
fn weight_advice_stays_within_the_api_range() {
    let o = run(
        &[&repo().join("fixtures/fallback-weight-not-below-spot/bad.yaml")],
        Some(&["fallback-weight-not-below-spot"]),
    );
    assert!(o.findings.len() >= 5, "{:?}", o.findings);
    let number = regex::Regex::new(r"weight(?:: | to )(-?\d+)").unwrap();
    for f in &o.findings {
        for c in number.captures_iter(&f.help) {
            let w: i64 = c[1].parse().unwrap();
            assert!((1..=100).contains(&w), "{}", f.help);
        }
        assert!(!f.help.contains("weight -"), "{}", f.help);
    }
    let edge = o
        .findings
        .iter()
        .find(|f| f.message.contains("`edge-on-demand`"))
        .expect("the unweighted spot pool's fallback is reported");
    assert!(
        edge.help.contains("lower `edge-on-demand`'s weight"),
        "{}",
        edge.help
    );
}

/// The fallback advice for an unweighted spot pool raises its weight instead of asking
/// for a fallback weighted below 0.
#[test]
fn fallback_advice_for_an_unweighted_spot_pool_raises_its_weight() {
    let o = run(
        &[&repo().join("fixtures/spot-without-on-demand-fallback/bad.yaml")],
        Some(&["spot-without-on-demand-fallback"]),
    );
    let web = o
        .findings
        .iter()
        .find(|f| f.message.contains("`web-spot`"))
        .expect("the unweighted web-spot pool is reported");
    assert!(web.help.contains("whose weight you raise"), "{}", web.help);
    let api = o
        .findings
        .iter()
        .find(|f| f.message.contains("`api-spot`"))
        .expect("the spot pool beneath prepaid capacity is reported");
    assert!(api.help.contains("below this pool's 50"), "{}", api.help);
    assert!(
        api.message.contains("`api-savings-plan`") && api.message.contains("prepaid"),
        "{}",
        api.message
    );
}
