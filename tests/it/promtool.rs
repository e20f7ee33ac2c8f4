//! Agreement with promtool: on every plain rule file of the alerts corpus and every
//! rule document in the fixtures (PrometheusRule objects unwrapped to their `spec`),
//! skinflint reports `promql-syntax-error`, `invalid-rule-structure` or `invalid-template`
//! exactly where `promtool check rules` rejects the document; the same holds for mutants of
//! the corpus rule files, each with one mistake promtool rejects. Skipped, with a message,
//! without promtool (a failure with `CI` set).

use crate::common;

use crate::common::{corpus, repo};
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

/// The rules that report what `promtool check rules` rejects.
const PARITY_RULES: &[&str] = &[
    "promql-syntax-error",
    "invalid-rule-structure",
    "invalid-template",
    "invalid-yaml",
];

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
        let outcome = common::run(&[path.as_path()], Some(PARITY_RULES));
        for (di, doc) in documents(path).iter().enumerate() {
            let Some((rule_file, range)) = as_rule_file(doc) else {
                continue;
            };
            let file = tmp.path().join(format!("doc-{compared}.json"));
            std::fs::write(&file, rule_file.to_string()).unwrap();
            let out = Command::new(&promtool)
                .args(["check", "rules"])
                .arg(&file)
                .output()
                .unwrap();
            let promtool_rejects = out.status.code() == Some(1);
            let skinflint_rejects = outcome
                .findings
                .iter()
                .any(|f| PARITY_RULES.contains(&f.rule.as_str()) && range.contains(&f.span.start));
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

/// One mistake made in a copy of a rule document (a plain `{groups: …}` JSON value).
type Mutation = (&'static str, fn(&mut serde_json::Value) -> bool);

/// The first rule of the document that has `key` (`alert`: an alerting rule; `expr`:
/// any rule).
fn first_with<'d>(doc: &'d mut serde_json::Value, key: &str) -> Option<&'d mut serde_json::Value> {
    doc["groups"]
        .as_array_mut()?
        .iter_mut()
        .filter_map(|g| g["rules"].as_array_mut())
        .flatten()
        .find(|r| r.get(key).is_some())
}

/// Sets a label of a rule; false when there is no rule or its labels are not a map.
fn set_label(rule: Option<&mut serde_json::Value>, key: &str, value: &str) -> bool {
    let Some(r) = rule.and_then(|r| r.as_object_mut()) else {
        return false;
    };
    let labels = r.entry("labels").or_insert_with(|| serde_json::json!({}));
    let Some(l) = labels.as_object_mut() else {
        return false;
    };
    l.insert(key.into(), value.into());
    true
}

const MUTATIONS: &[Mutation] = &[
    ("unchanged", |_| true),
    ("broken template", |doc| {
        let Some(r) = first_with(doc, "alert") else {
            return false;
        };
        let annotations = r
            .as_object_mut()
            .unwrap()
            .entry("annotations")
            .or_insert_with(|| serde_json::json!({}));
        let Some(a) = annotations.as_object_mut() else {
            return false;
        };
        let text = a
            .get("summary")
            .and_then(|s| s.as_str())
            .unwrap_or("Instance down")
            .to_string();
        a.insert(
            "summary".into(),
            format!("{text} on {{{{ $labels.instance ").into(),
        );
        true
    }),
    ("undefined template variable", |doc| {
        set_label(
            first_with(doc, "alert"),
            "instance",
            "{{ $label.instance }}",
        )
    }),
    ("invalid label name", |doc| {
        set_label(first_with(doc, "expr"), "cost-center", "ml-serving")
    }),
    ("bad duration", |doc| {
        let Some(r) = first_with(doc, "alert") else {
            return false;
        };
        r["for"] = "5x".into();
        true
    }),
    ("bad expression", |doc| {
        let Some(r) = first_with(doc, "expr") else {
            return false;
        };
        let expr = match &r["expr"] {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        r["expr"] = format!("sum by (job) ({expr}").into();
        true
    }),
    ("repeated group name", |doc| {
        let Some(groups) = doc["groups"].as_array_mut() else {
            return false;
        };
        let Some(first) = groups.first().cloned() else {
            return false;
        };
        let mut copy = first;
        // Another group of the same name (its rules renamed so they are not duplicates).
        for r in copy["rules"].as_array_mut().into_iter().flatten() {
            for key in ["alert", "record"] {
                if let Some(name) = r.get(key).and_then(|n| n.as_str()) {
                    r[key] = format!("{name}Copy").into();
                }
            }
        }
        groups.push(copy);
        true
    }),
];

/// The YAML documents of a file.
fn documents(path: &Path) -> Vec<skinflint::source::Document> {
    let mut loaded = skinflint::source::load_all(
        &[Input::File(path.to_path_buf())],
        Default::default(),
        None,
        None,
    );
    std::mem::take(&mut loaded[0].documents)
}

/// A rule document as the plain rule file promtool checks (a plain file with its own
/// top-level keys, which matter to promtool too; a PrometheusRule unwrapped to its
/// `spec.groups`), with the bytes its rules span.
fn as_rule_file(
    doc: &skinflint::source::Document,
) -> Option<(serde_json::Value, std::ops::Range<usize>)> {
    let root = NodeRef::root(doc)?;
    if skinflint::model::alerts::plain_groups(doc).is_some() {
        Some((to_json(root, 0), root.span()))
    } else if root.get("kind").and_then(|k| k.as_str()) == Some("PrometheusRule") {
        let groups = root.path(&["spec", "groups"])?;
        Some((
            serde_json::json!({ "groups": to_json(groups, 0) }),
            groups.span(),
        ))
    } else {
        None
    }
}

/// Every rule document of the alerts corpus as a plain rule file (PrometheusRule objects
/// unwrapped to their `spec`), with its name.
fn corpus_rule_documents(dir: &Path) -> Vec<(String, serde_json::Value)> {
    let mut files = Vec::new();
    yaml_files(dir, &mut files);
    files.sort();
    let mut docs = Vec::new();
    for path in &files {
        for (di, doc) in documents(path).iter().enumerate() {
            let Some((value, _)) = as_rule_file(doc) else {
                continue;
            };
            let name = path.strip_prefix(dir).unwrap_or(path).to_string_lossy();
            docs.push((format!("{name} document {di}"), value));
        }
    }
    docs
}

/// Which of `files` `promtool check rules` accepts, in one run (it reports each file).
fn promtool_accepts(promtool: &Path, files: &[PathBuf]) -> Vec<bool> {
    let out = Command::new(promtool)
        .args(["check", "rules", "--lint=none"])
        .args(files)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let mut verdicts = std::collections::HashMap::new();
    let mut current = None;
    for line in stdout.lines() {
        if let Some(f) = line.strip_prefix("Checking ") {
            current = Some(f.to_string());
            verdicts.insert(f.to_string(), false);
        } else if line.trim_start().starts_with("SUCCESS") {
            if let Some(f) = &current {
                verdicts.insert(f.clone(), true);
            }
        }
    }
    files
        .iter()
        .map(|f| {
            *verdicts
                .get(f.to_string_lossy().as_ref())
                .unwrap_or_else(|| panic!("promtool did not report {}", f.display()))
        })
        .collect()
}

#[test]
fn skinflint_and_promtool_agree_on_mutated_corpus_rule_files() {
    let Some(promtool) = promtool() else {
        common::skip("`promtool` (Debian package `prometheus`, for the promtool agreement)");
        return;
    };
    let Some(corpus) = corpus() else {
        common::skip("../shared/corpus (for the mutated rule files)");
        return;
    };
    let started = std::time::Instant::now();
    let docs = corpus_rule_documents(&corpus.join("alerts"));
    assert!(docs.len() >= 30, "only {} rule documents found", docs.len());
    let tmp = tempfile::tempdir().unwrap();
    // (mutation, document name, file)
    let mut mutants = Vec::new();
    for (di, (name, doc)) in docs.iter().enumerate() {
        for (mi, (mutation, apply)) in MUTATIONS.iter().enumerate() {
            let mut m = doc.clone();
            if !apply(&mut m) {
                continue;
            }
            let file = tmp.path().join(format!("d{di}-m{mi}.yaml"));
            std::fs::write(&file, serde_json::to_string_pretty(&m).unwrap()).unwrap();
            mutants.push((*mutation, name.as_str(), file));
        }
    }
    let files: Vec<PathBuf> = mutants.iter().map(|m| m.2.clone()).collect();
    let mut promtool_ok = Vec::new();
    for chunk in files.chunks(100) {
        promtool_ok.extend(promtool_accepts(&promtool, chunk));
    }
    let promtool_time = started.elapsed();
    let paths: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
    let outcome = common::run(&paths, Some(PARITY_RULES));
    let rejected: std::collections::HashSet<&str> = outcome
        .findings
        .iter()
        .filter(|f| PARITY_RULES.contains(&f.rule.as_str()))
        .map(|f| outcome.files[f.file].file.path.as_str())
        .collect();
    // mutation -> (mutants, promtool rejects, skinflint rejects, agreed)
    let mut table: Vec<(&str, [usize; 4])> = MUTATIONS.iter().map(|m| (m.0, [0; 4])).collect();
    let mut disagreements = Vec::new();
    for ((mutation, name, file), ok) in mutants.iter().zip(&promtool_ok) {
        let skinflint_rejects = rejected.contains(file.to_string_lossy().as_ref());
        let row = &mut table.iter_mut().find(|r| r.0 == *mutation).unwrap().1;
        row[0] += 1;
        row[1] += usize::from(!ok);
        row[2] += usize::from(skinflint_rejects);
        if skinflint_rejects != *ok {
            row[3] += 1;
        } else {
            disagreements.push(format!(
                "{name}, {mutation}: promtool {}, skinflint {} ({})",
                if *ok { "accepts" } else { "rejects" },
                if skinflint_rejects {
                    "rejects"
                } else {
                    "accepts"
                },
                file.display()
            ));
        }
    }
    eprintln!(
        "{:<28} {:>7} {:>16} {:>17} {:>7}",
        "mutation", "mutants", "promtool rejects", "skinflint rejects", "agreed"
    );
    for (m, [n, p, s, a]) in &table {
        eprintln!("{m:<28} {n:>7} {p:>16} {s:>17} {a:>7}");
    }
    eprintln!(
        "{} mutants of {} rule documents in {:.1}s ({:.1}s writing them and running promtool, {} runs)",
        mutants.len(),
        docs.len(),
        started.elapsed().as_secs_f64(),
        promtool_time.as_secs_f64(),
        files.len().div_ceil(100)
    );
    if !disagreements.is_empty() {
        // Keep the files to look at.
        let kept = tmp.keep();
        eprintln!("mutants kept in {}", kept.display());
    }
    assert!(disagreements.is_empty(), "\n{}", disagreements.join("\n"));
}
