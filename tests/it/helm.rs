//! Helm charts: templates are skipped with one note saying how to check them, never
//! reported as invalid YAML; chart metadata and values raise nothing; Prometheus rules
//! with `{{ $labels }}` annotations are still checked.

use crate::common::{positions, repo, run};
use skinflint::engine::{self, CheckRequest, ConfigChoice};

#[test]
fn chart_templates_are_skipped_with_one_note() {
    let dir = repo().join("tests/data/helm");
    let o = run(&[&dir], None);
    let found = positions(&o);
    let on = |suffix: &str| -> Vec<String> {
        found
            .iter()
            .filter(|(p, ..)| p.ends_with(suffix))
            .map(|(_, l, c, r)| format!("{l}:{c} {r}"))
            .collect()
    };
    for file in [
        "serving/templates/nodepool.yaml",
        "serving/templates/prometheusrule.yaml",
        "loose/deployment.yaml",
        "serving/Chart.yaml",
        "serving/values.yaml",
    ] {
        assert!(on(file).is_empty(), "{file}: {:?}", on(file));
    }
    assert!(
        !found.iter().any(|(.., r)| r == "invalid-yaml"),
        "{found:?}"
    );
    // The rule file's `{{ $value }}` annotations do not make it a template: it is checked.
    assert_eq!(on("loose/rules.yaml"), vec!["4:16 alert-without-for"]);
    let helm_notes: Vec<&String> = o.notes.iter().filter(|n| n.contains("Helm")).collect();
    assert_eq!(helm_notes.len(), 1, "{:?}", o.notes);
    assert!(
        helm_notes[0].starts_with("3 Helm template files skipped")
            && helm_notes[0].contains("helm template <release> <chart> | skinflint check -"),
        "{}",
        helm_notes[0]
    );
}

#[test]
fn a_template_named_alone_or_piped_in_is_skipped_too() {
    let file = repo().join("tests/data/helm/serving/templates/nodepool.yaml");
    let o = run(&[&file], None);
    assert!(o.findings.is_empty(), "{:?}", positions(&o));
    assert!(o
        .notes
        .iter()
        .any(|n| n.starts_with("1 Helm template file skipped")));

    let mut req = CheckRequest::new(vec!["-".into()]);
    req.config = ConfigChoice::None;
    req.stdin = Some(std::fs::read(repo().join("tests/data/helm/loose/deployment.yaml")).unwrap());
    let o = engine::check(&req).unwrap();
    assert!(o.findings.is_empty(), "{:?}", positions(&o));
    assert!(o.notes.iter().any(|n| n.contains("Helm template")));
}

#[test]
fn an_unquoted_alert_template_is_still_invalid_yaml() {
    // Prometheus rejects this file too; the advice to quote the value is right here.
    let text = "groups:\n  - name: g\n    rules:\n      - alert: Down\n        expr: up == 0\n        annotations:\n          summary: {{ $labels.instance }} is down\n";
    let mut req = CheckRequest::new(vec!["-".into()]);
    req.config = ConfigChoice::None;
    req.stdin = Some(text.as_bytes().to_vec());
    let o = engine::check(&req).unwrap();
    assert!(
        o.findings.iter().any(|f| f.rule == "invalid-yaml"),
        "{:?}",
        positions(&o)
    );
    assert!(!o.notes.iter().any(|n| n.contains("Helm")));
}
