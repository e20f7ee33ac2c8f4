//! Agreement with promtool: on every plain rule file of the alerts corpus and every
//! rule document in the fixtures (PrometheusRule objects unwrapped to their `spec`),
//! skinflint reports `promql-syntax-error` or `invalid-rule-structure` exactly where
//! `promtool check rules` rejects the document. Skipped, with a message, without promtool.

use crate::common;

use crate::common::{corpus, repo};
use skinflint::engine::{self, CheckRequest, ConfigChoice};
use skinflint::source::scalar::Scalar;
use skinflint::source::{Input, NodeRef};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Where promtool 2.42 (Debian's) and current Prometheus disagree; skinflint follows
/// current Prometheus. (file suffix, document index, why)
const EXCEPTIONS: &[(&str, usize, &str)] = &[(
    "fixtures/invalid-rule-structure/good.yaml",
    1,
    "`partial_response_strategy` is valid in a PrometheusRule (for Thanos Ruler); the operator drops it before Prometheus reads the group, while promtool sees it as an unknown field",
)];

fn promtool() -> Option<PathBuf> {
    let out = Command::new("promtool").arg("--version").output().ok()?;
    out.status.success().then(|| PathBuf::from("promtool"))
}

fn to_json(n: NodeRef<'_>, depth: usize) -> serde_json::Value {
    use serde_json::Value;
    if depth > 64 {
        return Value::Null;
    }
    if let Some(entries) = n.entries() {
        let mut m = serde_json::Map::new();
        for (k, v) in entries {
            m.insert(k.to_string(), to_json(v, depth + 1));
        }
        return Value::Object(m);
    }
    if let Some(items) = n.items() {
        return Value::Array(items.map(|i| to_json(i, depth + 1)).collect());
    }
    match n.value() {
        Some(Scalar::Str(s)) => Value::String(s.to_string()),
        Some(Scalar::Int(i)) => Value::from(i),
        Some(Scalar::Float(f)) => serde_json::Number::from_f64(f)
            .map(Value::Number)
            .unwrap_or(Value::Null),
        Some(Scalar::Bool(b)) => Value::Bool(b),
        _ => Value::Null,
    }
}

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            yaml_files(&p, out);
        } else if matches!(p.extension().and_then(|x| x.to_str()), Some("yml" | "yaml")) {
            out.push(p);
        }
    }
}

#[test]
fn skinflint_rejects_exactly_what_promtool_rejects() {
    let Some(promtool) = promtool() else {
        common::skip("`promtool` (Debian package `prometheus`, for the promtool agreement)");
        return;
    };
    let mut files = Vec::new();
    yaml_files(&repo().join("fixtures"), &mut files);
    // Project fixtures alone hold 39 rule documents; the corpus adds about 40 more.
    let expected_at_least = match corpus() {
        Some(c) => {
            yaml_files(&c.join("alerts"), &mut files);
            70
        }
        None => {
            common::skip("../shared/corpus (for the alerts corpus part)");
            35
        }
    };
    files.sort();
    let tmp = tempfile::tempdir().unwrap();
    let mut compared = 0;
    let mut disagreements = Vec::new();
    for path in &files {
        let mut req = CheckRequest::new(vec![path.to_string_lossy().into_owned()]);
        req.config = ConfigChoice::None;
        req.select = Some(vec![
            "promql-syntax-error".into(),
            "invalid-rule-structure".into(),
        ]);
        let outcome = engine::check(&req).unwrap();
        let loaded = skinflint::source::load_all(
            &[Input::File(path.clone())],
            Default::default(),
            None,
            None,
        );
        for (di, doc) in loaded[0].documents.iter().enumerate() {
            let Some(root) = NodeRef::root(doc) else {
                continue;
            };
            let (groups, range) =
                if let Some((_, groups)) = skinflint::model::alerts::plain_groups(doc) {
                    (groups, root.span())
                } else if root.get("kind").and_then(|k| k.as_str()) == Some("PrometheusRule") {
                    match root.path(&["spec", "groups"]) {
                        Some(g) => (g, g.span()),
                        None => continue,
                    }
                } else {
                    continue;
                };
            let mut obj = serde_json::Map::new();
            // A plain file's own top-level keys matter to promtool too.
            if let Some(entries) = root.entries().filter(|_| range == root.span()) {
                for (k, v) in entries {
                    obj.insert(k.to_string(), to_json(v, 0));
                }
            } else {
                obj.insert("groups".into(), to_json(groups, 0));
            }
            let file = tmp.path().join(format!("doc-{compared}.json"));
            std::fs::write(&file, serde_json::Value::Object(obj).to_string()).unwrap();
            let out = Command::new(&promtool)
                .args(["check", "rules"])
                .arg(&file)
                .output()
                .unwrap();
            let promtool_rejects = out.status.code() == Some(1);
            let skinflint_rejects = outcome.findings.iter().any(|f| {
                (f.rule == "promql-syntax-error" || f.rule == "invalid-rule-structure")
                    && range.contains(&f.span.start)
            });
            compared += 1;
            let name = path.to_string_lossy();
            let excepted = EXCEPTIONS
                .iter()
                .any(|(suffix, d, _)| name.ends_with(suffix) && *d == di);
            if promtool_rejects != skinflint_rejects && !excepted {
                disagreements.push(format!(
                    "{name} document {di}: promtool {} but skinflint {}\n{}",
                    if promtool_rejects {
                        "rejects"
                    } else {
                        "accepts"
                    },
                    if skinflint_rejects {
                        "rejects"
                    } else {
                        "accepts"
                    },
                    String::from_utf8_lossy(&out.stderr)
                        .lines()
                        .take(3)
                        .collect::<Vec<_>>()
                        .join("\n")
                ));
            }
        }
    }
    eprintln!("promtool agreement: {compared} rule documents compared");
    assert!(
        compared >= expected_at_least,
        "{compared} documents compared, expected at least {expected_at_least}"
    );
    assert!(disagreements.is_empty(), "\n{}", disagreements.join("\n"));
}
