//! Every rule over the real-world corpus in `../shared/corpus` (skipped, with a message,
//! when the corpus is absent): no panic, no hang, and the known-bad files are reported
//! as `invalid-yaml` at their real line.

use crate::common;

use crate::common::{corpus, run};
use skinflint::source::{self, LoadOptions};
use std::sync::mpsc;
use std::time::Duration;

fn skip(name: &str) {
    common::skip(&format!(
        "../shared/corpus (for {name}; set SKINFLINT_CORPUS to point elsewhere)"
    ));
}

#[test]
fn every_rule_runs_over_the_whole_corpus_without_panic_or_hang() {
    let Some(dir) = corpus() else {
        return skip("corpus run");
    };
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let o = run(&[&dir], None);
        let _ = tx.send(o);
    });
    let o = rx
        .recv_timeout(Duration::from_secs(300))
        .expect("the corpus run finishes (no panic, no hang)");
    eprintln!(
        "corpus: {} files, {} resources ({} not read by any rule), {} findings",
        o.summary.files, o.summary.resources, o.summary.skipped_resources, o.summary.findings
    );
    assert!(o.summary.files > 500, "{:?}", o.summary);
    assert!(o.summary.resources > 500, "{:?}", o.summary);
    let invalid = |suffix: &str| -> Vec<usize> {
        o.findings
            .iter()
            .filter(|f| f.rule == "invalid-yaml" && o.files[f.file].file.path.ends_with(suffix))
            .map(|f| o.files[f.file].file.line_col(f.span.start).line)
            .collect()
    };
    // `image: {username}/…` opens a flow mapping on line 8.
    assert_eq!(
        invalid("kserve/docs/samples/v1beta1/custom/torchserve/gpu.yaml"),
        vec![8]
    );
    // `autoScaler` appears twice in one mapping; the second is on line 70.
    assert_eq!(
        invalid("EKS_Multinode_Triton_TRTLLM/p5-trtllm-cluster-config.yaml"),
        vec![70]
    );
    // Every Karpenter pool in the corpus is modelled (three API versions).
    let karpenter_files = o
        .files
        .iter()
        .filter(|f| f.file.path.contains("corpus/karpenter/"))
        .count();
    assert!(karpenter_files > 80);
    // The schema rules on Karpenter's own examples: exactly the upstream mistakes (a
    // misspelt `allowPrivilegeEscalation`, taint values written as booleans, a
    // `nodeClassRef.group` with a version in it), nothing else.
    let mut schema: Vec<(String, &str, usize)> = o
        .findings
        .iter()
        .filter(|f| f.rule == "unknown-field" || f.rule == "schema-violation")
        .filter_map(|f| {
            let file = &o.files[f.file].file;
            let rel = file.path.split("corpus/karpenter/").nth(1)?;
            Some((
                rel.to_string(),
                f.rule.as_str(),
                file.line_col(f.span.start).line,
            ))
        })
        .collect();
    schema.sort();
    let expected = [
        ("v1/windows-custom-userdata.yaml", "schema-violation", 32),
        (
            "v1alpha5/docs-snippets/scheduling-01-taints-and-tolerations.yaml",
            "schema-violation",
            14,
        ),
        (
            "v1beta1/docs-snippets/scheduling-01-taints-and-tolerations.yaml",
            "schema-violation",
            16,
        ),
        ("workloads/arm64.yaml", "unknown-field", 27),
        ("workloads/disruption-budget.yaml", "unknown-field", 37),
        ("workloads/gpu-amd.yaml", "unknown-field", 29),
        ("workloads/gpu-nvidia.yaml", "unknown-field", 29),
    ];
    let expected: Vec<(String, &str, usize)> = expected
        .iter()
        .map(|(f, r, l)| (f.to_string(), *r, *l))
        .collect();
    assert_eq!(schema, expected);
}

/// Undo the yaml-test-suite's visual markers (see its SOURCES.md).
fn unescape(s: &str) -> String {
    let mut t = s
        .replace('␣', " ")
        .replace('←', "\r")
        .replace('⇔', "\u{feff}")
        .replace('↵', "");
    let tab = regex::Regex::new("—*»").unwrap();
    t = tab.replace_all(&t, "\t").into_owned();
    if let Some(stripped) = t.strip_suffix("∎\n") {
        t = stripped.to_string();
    }
    t
}

#[test]
fn yaml_test_suite_cases_parse_without_panic_and_mostly_agree() {
    let Some(dir) = corpus() else {
        return skip("yaml-test-suite");
    };
    let suite = dir.join("yaml-test-suite/src");
    let mut cases = 0;
    let mut agree = 0;
    let mut entries: Vec<_> = std::fs::read_dir(&suite)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    entries.sort();
    for path in entries {
        let text = std::fs::read_to_string(&path).unwrap();
        let loaded = source::load_bytes(
            path.display().to_string(),
            Ok(text.into_bytes()),
            LoadOptions::default(),
        );
        let Some(root) = loaded.documents.first().and_then(source::NodeRef::root) else {
            continue;
        };
        let Some(items) = root.items() else { continue };
        let mut last_yaml: Option<String> = None;
        for case in items {
            if case.get("skip").is_some() {
                break;
            }
            if let Some(y) = case.get("yaml").and_then(|n| n.as_str()) {
                last_yaml = Some(y.to_string());
            }
            let Some(y) = &last_yaml else { continue };
            let should_fail = case.get("fail").and_then(|n| n.as_str()) == Some("true");
            let input = unescape(y);
            let got = source::load_bytes(
                "case".into(),
                Ok(input.into_bytes()),
                LoadOptions::default(),
            );
            cases += 1;
            if got.problems.is_empty() != should_fail {
                agree += 1;
            }
        }
    }
    assert!(cases > 350, "{cases} cases");
    let rate = agree as f64 / cases as f64;
    eprintln!("yaml-test-suite: {agree}/{cases} cases agree with the expected outcome");
    assert!(rate > 0.95, "only {agree}/{cases} agree");
}

#[test]
fn hostile_inputs_are_bounded() {
    let opts = LoadOptions::default();
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("alias bomb", {
            let mut s = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
            for i in 1..20 {
                s.push_str(&format!(
                    "a{i}: &a{i} [{}]\n",
                    vec![format!("*a{}", i - 1); 10].join(", ")
                ));
            }
            s.into_bytes()
        }),
        ("invalid UTF-8", b"a: b\nc: \xff\xfe\n".to_vec()),
        (
            "binary",
            (0..4096u32).map(|i| (i * 7 % 256) as u8).collect(),
        ),
        ("NUL in scalar", b"a: b\0c\n".to_vec()),
        ("UTF-16", b"\xff\xfea\0:\0 \0b\0".to_vec()),
    ];
    for (name, bytes) in cases {
        let start = std::time::Instant::now();
        let loaded = source::load_bytes(name.to_string(), Ok(bytes), opts);
        let nodes: usize = loaded.documents.iter().map(|d| d.node_count()).sum();
        assert!(nodes < 1_000_000, "{name}: {nodes} nodes");
        // Generous bound: a hang or quadratic blow-up takes orders of magnitude longer.
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "{name} took {:?}",
            start.elapsed()
        );
        if name != "alias bomb" {
            assert!(!loaded.problems.is_empty(), "{name} should be reported");
        }
    }
    let too_big = source::load_bytes(
        "big".into(),
        Ok(vec![b'a'; 2048]),
        LoadOptions {
            max_file_size: 1024,
            ..LoadOptions::default()
        },
    );
    assert!(too_big.problems[0].message.contains("limit"));
}

/// Inputs nested far deeper than the nesting limit, yet well under the size limit so that
/// it is the nesting limit that stops them: one problem, saying so, at the collection that
/// crosses it.
#[test]
fn deep_nesting_is_reported_where_it_crosses_the_limit() {
    let opts = LoadOptions::default();
    let depth = opts.limits.max_depth;
    // (name, input, where the problem is reported: the collection that opens level 256)
    let cases: Vec<(&str, String, (usize, usize))> = vec![
        ("deep flow nesting", "[".repeat(200_000), (1, 256)),
        ("deep flow maps", "{a: ".repeat(100_000), (1, 4 * 255 + 1)),
        (
            "deep block sequences",
            "- ".repeat(100_000),
            (1, 2 * 255 + 1),
        ),
        (
            "deep block maps",
            (0..2_000)
                .map(|i| format!("{}a:\n", " ".repeat(i)))
                .collect(),
            (256, 256),
        ),
    ];
    for (name, text, (line, column)) in cases {
        assert!(
            (text.len() as u64) < opts.max_file_size,
            "{name}: {} bytes would hit the size limit first",
            text.len()
        );
        let start = std::time::Instant::now();
        let loaded = source::load_bytes(name.to_string(), Ok(text.into_bytes()), opts);
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "{name} took {:?}",
            start.elapsed()
        );
        let messages: Vec<&str> = loaded.problems.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(messages.len(), 1, "{name}: {messages:?}");
        let p = &loaded.problems[0];
        assert!(
            p.message
                .starts_with(&format!("nesting deeper than {} levels", depth.min(255))),
            "{name}: {}",
            p.message
        );
        assert_eq!(loaded.file.path, name);
        let at = loaded.file.line_col(p.span.start);
        assert_eq!(
            (at.line, at.column),
            (line, column),
            "{name}: {}",
            p.message
        );
    }
}

/// The profile rules over real captures: each nvidia-smi capture is attached to a GPU
/// workload of the workloads corpus, and the whole captures folder is given as well (its
/// unlabelled files must be reported as unmatched, not dropped).
#[test]
fn profile_rules_run_over_real_captures_without_panic() {
    use skinflint::engine::{self, CheckRequest, ConfigChoice};
    use skinflint::profile::attach::ProfileInput;
    let Some(dir) = corpus() else {
        return skip("profile rules over real captures");
    };
    let workloads = dir.join("workloads");
    let captures = dir.join("gpu-profiles");
    let base = run(&[&workloads], None);
    let model = skinflint::model::ModelSet::build(&base.files);
    // As a user names them: `NAMESPACE/NAME` or `NAME`, each once.
    let mut gpu_workloads: Vec<String> = Vec::new();
    for w in model
        .workloads
        .iter()
        .filter(|w| !w.accelerator_demand().is_empty())
    {
        let name = match &w.namespace {
            Some(ns) => format!("{ns}/{}", w.object_name()),
            None => w.object_name().to_string(),
        };
        if !gpu_workloads.contains(&name) {
            gpu_workloads.push(name);
        }
    }
    let mut csvs: Vec<_> =
        std::fs::read_dir(captures.join("nvidia_gpu_exporter/extracted-query-gpu-csv"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
    csvs.sort();
    assert!(gpu_workloads.len() >= csvs.len(), "{gpu_workloads:?}");
    let mut profiles: Vec<ProfileInput> = csvs
        .iter()
        .zip(&gpu_workloads)
        .map(|(p, w)| ProfileInput {
            path: p.clone(),
            workload: Some(w.clone()),
        })
        .collect();
    profiles.push(ProfileInput {
        path: captures.clone(),
        workload: None,
    });
    let mut req = CheckRequest::new(vec![workloads.to_string_lossy().into_owned()]);
    req.config = ConfigChoice::None;
    req.profiles = profiles;
    let o = engine::check(&req).expect("the check runs");
    let count = |rule: &str| o.findings.iter().filter(|f| f.rule == rule).count();
    let unmatched = o
        .notes
        .iter()
        .filter(|n| n.contains("has no pod labels"))
        .count();
    eprintln!(
        "profiles over the workloads corpus: {} GPU workloads, {} attached captures, {unmatched} unmatched notes; \
         too-short {}, missing {}, overprovisioned {}, underutilized {}, near-capacity {}",
        gpu_workloads.len(),
        csvs.len(),
        count("gpu-profile-too-short"),
        count("gpu-profile-missing"),
        count("gpu-overprovisioned"),
        count("gpu-underutilized"),
        count("gpu-memory-near-capacity"),
    );
    for f in o
        .findings
        .iter()
        .filter(|f| f.rule.starts_with("gpu-") && f.rule != "gpu-profile-missing")
    {
        eprintln!("{}: {}", f.rule, f.message);
    }
    // The captures are minutes long: every attached one is low-confidence.
    assert!(count("gpu-profile-too-short") >= csvs.len());
    // GPU workloads without a capture are named.
    assert!(count("gpu-profile-missing") > 0);
    assert!(unmatched > 0, "{:?}", o.notes);
}
