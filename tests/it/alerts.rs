//! Alert rules end to end: messages that say what they mean, and PromQL errors located
//! in expressions of any size.

use crate::common::positions;
use skinflint::engine::{self, CheckRequest, ConfigChoice, Outcome};

fn check_text(text: &str, select: &[&str]) -> Outcome {
    let mut req = CheckRequest::new(vec!["-".into()]);
    req.config = ConfigChoice::None;
    req.select = Some(select.iter().map(|s| s.to_string()).collect());
    req.stdin = Some(text.as_bytes().to_vec());
    engine::check(&req).expect("check runs")
}

const GPU_POOL: &str = "apiVersion: karpenter.sh/v1
kind: NodePool
metadata:
  name: NAME
spec:
  limits: {nvidia.com/gpu: 16}
  template:
    spec:
      requirements:
        - {key: karpenter.k8s.aws/instance-family, operator: In, values: [g5]}
      nodeClassRef: {group: karpenter.k8s.aws, kind: EC2NodeClass, name: gpu}
";

#[test]
fn cost_alerts_missing_mentions_others_only_when_there_are_others() {
    let one = check_text(&GPU_POOL.replace("NAME", "gpu-a"), &["cost-alerts-missing"]);
    assert_eq!(one.findings.len(), 1);
    let m = &one.findings[0].message;
    assert!(m.contains("(GPU-capable node pool `gpu-a`)"), "{m}");
    assert!(!m.contains("other"), "{m}");

    let three = [
        GPU_POOL.replace("NAME", "gpu-a"),
        GPU_POOL.replace("NAME", "gpu-b"),
        GPU_POOL.replace("NAME", "gpu-c"),
    ]
    .join("---\n");
    let o = check_text(&three, &["cost-alerts-missing"]);
    assert_eq!(o.findings.len(), 1);
    let m = &o.findings[0].message;
    assert!(
        m.contains("(GPU-capable node pool `gpu-a` and 2 other GPU pools or workloads)"),
        "{m}"
    );
}

/// A one-line expression of about `bytes` bytes: `sum(rate(m0_total{job="a"}[5m])) + …`,
/// with `bad` written before the term at two thirds of it. Returns the expression and the
/// byte offset of `bad`.
fn long_expression(bytes: usize, bad: &str) -> (String, usize) {
    let term = |i: usize| format!("sum(rate(m{i}_total{{job=\"a\"}}[5m]))");
    let n = bytes / term(100).len().max(1);
    let mut expr = String::new();
    let mut at = 0;
    for i in 0..n {
        if i > 0 {
            expr.push_str(" + ");
        }
        if i == 2 * n / 3 {
            at = expr.len();
            expr.push_str(bad);
        }
        expr.push_str(&term(i));
    }
    (expr, at)
}

fn located(expr: &str) -> Vec<(usize, usize, String)> {
    let file = format!(
        "groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: {expr}\n        for: 5m\n"
    );
    let o = check_text(&file, &["promql-syntax-error"]);
    positions(&o)
        .into_iter()
        .map(|(_, l, c, r)| (l, c, r))
        .collect()
}

#[test]
fn a_16_kib_expression_with_a_doubled_operator_is_located() {
    let (expr, at) = long_expression(16 * 1024, "* ");
    assert!(expr.len() >= 16 * 1000, "{}", expr.len());
    // Line 5, after `        expr: ` (14 columns).
    assert_eq!(
        located(&expr),
        vec![(5, 15 + at, "promql-syntax-error".to_string())]
    );
}

#[test]
fn a_16_kib_expression_with_a_rejected_function_call_is_located() {
    // `rate` needs a range vector: the parser rejects the meaning, not the syntax.
    let (expr, at) = long_expression(16 * 1024, "rate(m_total) + ");
    assert_eq!(
        located(&expr),
        vec![(5, 15 + at, "promql-syntax-error".to_string())]
    );
}

#[test]
fn a_16_kib_expression_with_a_stray_character_is_located() {
    let (expr, at) = long_expression(16 * 1024, "$ ");
    assert_eq!(
        located(&expr),
        vec![(5, 15 + at, "promql-syntax-error".to_string())]
    );
}

#[test]
fn an_expression_over_the_size_limit_is_reported_unchecked_at_info() {
    let (expr, _) = long_expression(80 * 1024, "");
    let file = format!(
        "groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: {expr}\n        for: 5m\n"
    );
    let o = check_text(&file, &["promql-syntax-error"]);
    assert_eq!(o.findings.len(), 1, "{:?}", positions(&o));
    let f = &o.findings[0];
    assert_eq!(f.severity, skinflint::rule::Severity::Info);
    assert!(
        f.message.contains(&format!(
            "was not checked: the expression is {} KiB, longer than the 64 KiB",
            expr.len().div_ceil(1024)
        )),
        "{}",
        f.message
    );
}
