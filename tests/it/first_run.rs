//! What a new user meets first: the README's quick start, `rules` and `explain`, empty
//! standard input, shell completion, and the same paths in every report format.

use crate::common::repo;
use std::process::Output;

use crate::common::skinflint;

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn rules_table_columns_line_up() {
    let text = stdout(&skinflint(&repo(), &["rules"]));
    let rules = skinflint::rule::registry::builtin_rules().unwrap();
    assert_eq!(text.lines().count(), rules.len());
    // Each column starts at the same character on every line: the title column is where
    // the longest severity ends plus two spaces, the same for every rule.
    let title_at: std::collections::BTreeSet<usize> = text
        .lines()
        .zip(&rules)
        .map(|(line, r)| {
            let byte = line.rfind(r.title.as_str()).unwrap();
            line[..byte].chars().count()
        })
        .collect();
    assert_eq!(title_at.len(), 1, "titles start at {title_at:?}:\n{text}");
    let category_at: std::collections::BTreeSet<usize> = text
        .lines()
        .zip(&rules)
        .map(|(line, r)| line.find(&format!(" {} ", r.category)).unwrap())
        .collect();
    assert_eq!(category_at.len(), 1, "{text}");
}

#[test]
fn explain_shows_examples_without_test_markers() {
    for r in skinflint::rule::registry::builtin_rules().unwrap() {
        let text = stdout(&skinflint(&repo(), &["explain", &r.id]));
        assert!(text.contains("Example that fires"), "{}: {text}", r.id);
        for marker in ["# expect:", "# with:"] {
            assert!(
                !text.contains(marker),
                "{}: shows `{marker}`:\n{text}",
                r.id
            );
        }
    }
    let text = stdout(&skinflint(&repo(), &["explain", "nodepool-without-limits"]));
    // A trailing marker goes with the spaces before it; the key stays.
    assert!(text.contains("\n      limits:\n"), "{text}");
}

#[test]
fn explain_of_a_profile_rule_shows_the_profile_it_replays() {
    let text = stdout(&skinflint(&repo(), &["explain", "gpu-overprovisioned"]));
    let fires =
        &text[text.find("Example that fires").unwrap()..text.find("Example that passes").unwrap()];
    for needle in [
        "fixtures/gpu-overprovisioned/bad.profiles",
        "--profile ml/llm=profile-0.csv",
        "ml/llm: nvidia-smi samples every 300 s for 168 h of 1 × NVIDIA A10G (22888 MiB); utilisation 0 to 35%, memory 3072 to 6144 MiB",
    ] {
        assert!(fires.contains(needle), "lacks {needle}:\n{fires}");
    }
    let passes = &text[text.find("Example that passes").unwrap()..];
    assert!(passes.contains("1 × Tesla T4 (15360 MiB)"), "{passes}");
    // Rules without profiles show none.
    let text = stdout(&skinflint(&repo(), &["explain", "nodepool-without-limits"]));
    assert!(!text.contains("Replayed with"), "{text}");
}

/// A run with `input` on standard input.
use crate::common::skinflint_with_stdin as with_stdin;

#[test]
fn empty_standard_input_is_an_error_unless_allowed() {
    let dir = tempfile::tempdir().unwrap();
    for input in ["", " \n\t\n"] {
        let out = with_stdin(dir.path(), &["check", "--no-config", "-"], input);
        assert_eq!(out.status.code(), Some(2), "{input:?}: {out:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.starts_with("skinflint: error: <stdin>: standard input is empty")
                && err.contains("set -o pipefail")
                && err.contains("--allow-empty"),
            "{err}"
        );
    }
    let out = with_stdin(
        dir.path(),
        &[
            "check",
            "--no-config",
            "--stdin-filename",
            "charts/a.yaml",
            "-",
        ],
        "",
    );
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("error: charts/a.yaml: standard input is empty"));
    let out = with_stdin(
        dir.path(),
        &["check", "--no-config", "--allow-empty", "-"],
        "\n",
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    // A comment-only document is input (a chart that renders nothing but a comment).
    let out = with_stdin(dir.path(), &["check", "--no-config", "-"], "# nothing\n");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    // Input with content is checked as before.
    let pool = std::fs::read_to_string(repo().join("fixtures/seed/spot-nodepool.yaml")).unwrap();
    let out = with_stdin(dir.path(), &["check", "--no-config", "-"], &pool);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
}

#[test]
fn completions_offer_rule_ids_after_explain_select_and_ignore() {
    for shell in ["bash", "zsh", "fish"] {
        let text = stdout(&skinflint(&repo(), &["completions", shell]));
        for id in skinflint::rule::registry::builtin_ids() {
            assert!(text.contains(id), "{shell} lacks {id}");
        }
        // The ids belong to `explain` (and the rule options), not only to some option.
        let explain = match shell {
            "bash" => {
                let at = text.find("skinflint__subcmd__explain)\n").unwrap();
                text[at..].lines().nth(1).unwrap().to_string()
            }
            "zsh" => text
                .lines()
                .find(|l| l.starts_with("':id -- Rule id"))
                .unwrap()
                .to_string(),
            _ => text
                .lines()
                .find(|l| l.contains("using_subcommand explain\" -f -a"))
                .unwrap()
                .to_string(),
        };
        assert!(
            explain.contains("empty-node-ttl-too-long") && explain.contains("gpu-overprovisioned"),
            "{shell}: {explain}"
        );
        if shell == "zsh" {
            let select = text
                .lines()
                .find(|l| l.contains("--select") && l.contains("nodepool-without-limits"));
            assert!(select.is_some(), "{shell}");
        }
    }
    // `check --help` does not list every id.
    let help = stdout(&skinflint(&repo(), &["check", "--help"]));
    assert!(!help.contains("nodepool-without-limits"), "{help}");
}

#[test]
fn an_unknown_rule_id_still_gets_the_closest_one() {
    for args in [
        &["explain", "nodepool-without-limit"][..],
        &[
            "check",
            "--no-config",
            "--select",
            "nodepool-without-limit",
            "examples/",
        ],
        &[
            "check",
            "--no-config",
            "--ignore",
            "gpu-overprovisoned",
            "examples/",
        ],
    ] {
        let out = skinflint(&repo(), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.starts_with("skinflint: error: unknown rule id `")
                && err.contains("(did you mean `")
                && err.lines().count() == 1,
            "{args:?}: {err}"
        );
    }
}

/// The file a report names for its first finding, in each format.
fn first_file(format: &str, text: &str) -> String {
    match format {
        "human" => {
            let line = text.lines().find(|l| l.contains(".yaml:")).unwrap();
            let start = line.find(|c: char| c.is_ascii_alphanumeric()).unwrap();
            line[start..line.find(".yaml:").unwrap() + 5].to_string()
        }
        "json" => serde_json::from_str::<serde_json::Value>(text).unwrap()["findings"][0]["file"]
            .as_str()
            .unwrap()
            .to_string(),
        "sarif" => serde_json::from_str::<serde_json::Value>(text).unwrap()["runs"][0]["results"]
            [0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap()
            .to_string(),
        "github" => {
            let at = text.find("file=").unwrap() + 5;
            text[at..at + text[at..].find(',').unwrap()].to_string()
        }
        _ => {
            // Markdown: the first table row's location cell, `[path:line](path#Lline)`.
            let row = text.lines().find(|l| l.contains(".yaml:")).unwrap();
            let at = row.find(".yaml:").unwrap() + 5;
            let start = row[..at].rfind(['[', '|', ' ']).unwrap() + 1;
            row[start..at].to_string()
        }
    }
}

#[test]
fn every_format_names_files_from_the_repository_root() {
    let sub = repo().join("examples");
    for format in ["human", "json", "sarif", "github", "markdown"] {
        let out = skinflint(
            &sub,
            &[
                "check",
                "--no-config",
                "--format",
                format,
                "needs-work/spot-nodepool.yaml",
            ],
        );
        assert_eq!(out.status.code(), Some(1), "{format}: {out:?}");
        assert_eq!(
            first_file(format, &stdout(&out)),
            "examples/needs-work/spot-nodepool.yaml",
            "{format}"
        );
    }
    // The working directory's form, for human and JSON reports, on request.
    for format in ["human", "json"] {
        let out = skinflint(
            &sub,
            &[
                "check",
                "--no-config",
                "--path-format",
                "cwd",
                "--format",
                format,
                "needs-work/spot-nodepool.yaml",
            ],
        );
        assert_eq!(
            first_file(format, &stdout(&out)),
            "needs-work/spot-nodepool.yaml",
            "{format}"
        );
    }
    // A file named in a message (another pool) follows the same convention.
    let out = skinflint(
        &sub,
        &[
            "check",
            "--no-config",
            "--select",
            "fallback-weight-not-below-spot",
            "needs-work/spot-nodepool.yaml",
        ],
    );
    assert!(
        stdout(&out).contains("(examples/needs-work/spot-nodepool.yaml:3)"),
        "{}",
        stdout(&out)
    );
}

/// The README's fenced block right after `marker` (a line of prose or a heading).
fn readme_block_after(readme: &str, marker: &str) -> String {
    let at = readme
        .find(marker)
        .unwrap_or_else(|| panic!("README lacks {marker}"));
    let open = at + readme[at..].find("\n```\n").unwrap() + 5;
    let close = open + readme[open..].find("\n```\n").unwrap();
    readme[open..close + 1].to_string()
}

#[test]
fn the_readme_quick_start_shows_what_the_command_prints() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    assert!(readme.contains("cargo run --release -- check examples/"));
    // The quick start as a new user runs it: from the root of the clone, no flags, the
    // report in a pipe (110 columns, no colour).
    let out = skinflint(&repo(), &["check", "examples/"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "the README says the quick start exits 1"
    );
    assert!(readme.contains("**exits with code 1**"));
    let actual = stdout(&out);
    let block = readme_block_after(&readme, "Among them (shown as in a pipe");
    // Each part of the block, between `…` lines, is printed as it stands, in order.
    let mut from = 0;
    for part in block.split("…\n").filter(|p| !p.trim().is_empty()) {
        match actual[from..].find(part) {
            Some(i) => from += i + part.len(),
            None => panic!(
                "README quick-start output is stale; this part is not printed:\n{part}\n--- actual output:\n{actual}"
            ),
        }
    }
    // The summary is the report's last line, and the prose counts the same findings.
    let summary = actual.lines().last().unwrap();
    assert!(block.ends_with(&format!("{summary}\n")), "{summary}");
    let n = summary
        .strip_prefix("skinflint: ")
        .and_then(|s| s.split_whitespace().next())
        .unwrap();
    assert!(
        readme.contains(&format!("skinflint reports {n} findings")),
        "README prose should say {n} findings"
    );
    // `examples/clean/` passes, as the README says.
    let clean = skinflint(&repo(), &["check", "examples/clean/"]);
    assert_eq!(clean.status.code(), Some(0), "{}", stdout(&clean));
}

const LLM: &str = "apiVersion: apps/v1
kind: Deployment
metadata: {name: llm, namespace: ml}
spec:
  replicas: 2
  selector: {matchLabels: {app: llm}}
  template:
    metadata: {labels: {app: llm}}
    spec:
      nodeSelector:
        node.kubernetes.io/instance-type: g5.12xlarge
      containers:
        - name: server
          image: vllm:1
          resources:
            requests: {cpu: \"2\", memory: 8Gi}
            limits: {nvidia.com/gpu: 2}
";

/// The texts of an SVG's `<text>` elements.
fn svg_texts(svg: &str) -> Vec<String> {
    svg.split("<text")
        .skip(1)
        .filter_map(|t| {
            let body = &t[t.find('>')? + 1..t.find("</text>")?];
            Some(body.trim().replace("&apos;", "'"))
        })
        .collect()
}

#[test]
fn replay_notes_only_what_applies_and_plots_name_every_gpu() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(p.join("deploy.yaml"), LLM).unwrap();
    crate::common::generate_nvidia_smi(
        &p.join("llm.csv"),
        48.0,
        300.0,
        60.0,
        9000.0,
        22888.0,
        2,
        2,
    );
    let only_named = skinflint(
        p,
        &[
            "replay",
            "--manifests",
            "deploy.yaml",
            "--profile",
            "ml/llm=llm.csv",
            "--format",
            "json",
        ],
    );
    // The same file also given as a profile path (or inside a directory given): read
    // once, for the workload it is named for, with no note asking for that --profile.
    for extra in ["llm.csv", "."] {
        let out = skinflint(
            p,
            &[
                "replay",
                extra,
                "--manifests",
                "deploy.yaml",
                "--profile",
                "ml/llm=./llm.csv",
                "--format",
                "json",
            ],
        );
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains("has no pod labels"), "{extra}: {err}");
        assert_eq!(
            crate::common::json(&out)[0]["samples"],
            crate::common::json(&only_named)[0]["samples"],
            "{extra}: samples counted once"
        );
    }
    // The table explains low confidence only when a row has it.
    let out = skinflint(
        p,
        &[
            "replay",
            "--manifests",
            "deploy.yaml",
            "--profile",
            "ml/llm=llm.csv",
        ],
    );
    let table = stdout(&out);
    assert!(
        table.contains(" high\n") && !table.contains("Low confidence"),
        "{table}"
    );
    // A file without pod labels and without --profile still gets the note.
    let out = skinflint(p, &["replay", "llm.csv", "--manifests", "deploy.yaml"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("has no pod labels"));

    let out = skinflint(
        p,
        &[
            "replay",
            "--manifests",
            "deploy.yaml",
            "--profile",
            "ml/llm=llm.csv",
            "--plot",
            "plots",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let svg = std::fs::read_to_string(p.join("plots/ml_llm.svg")).unwrap();
    let texts = svg_texts(&svg);
    for label in [
        "GPU-0000 (NVIDIA A10G)",
        "GPU-0001 (NVIDIA A10G)",
        "utilisation %",
        "memory GiB",
        "current GPU's memory",
    ] {
        assert!(texts.iter().any(|t| t == label), "no {label} in {texts:?}");
    }
    assert!(
        texts.iter().any(|t| t.ends_with("one line per GPU")),
        "{texts:?}"
    );
    // The two GPUs' lines differ in colour and width, so one on top of the other shows.
    let lines: std::collections::BTreeSet<&str> = svg
        .split("<polyline")
        .skip(1)
        .filter_map(|l| l.split("stroke=\"").nth(1)?.get(..7))
        // Not the axes, nor the capacity lines.
        .filter(|c| !["#000000", "#FF0000", "#00FF00"].contains(c))
        .collect();
    assert!(lines.len() >= 2, "{lines:?}");

    // One sample: said so in the plot, not an empty chart.
    crate::common::generate_nvidia_smi(
        &p.join("one.csv"),
        60.0 / 3600.0,
        60.0,
        60.0,
        9000.0,
        22888.0,
        2,
        2,
    );
    let out = skinflint(
        p,
        &[
            "replay",
            "--manifests",
            "deploy.yaml",
            "--profile",
            "ml/llm=one.csv",
            "--plot",
            "short",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(
        stdout(&out).contains("Low confidence ("),
        "{}",
        stdout(&out)
    );
    let texts = svg_texts(&std::fs::read_to_string(p.join("short/ml_llm.svg")).unwrap());
    assert!(
        texts
            .iter()
            .any(|t| t.starts_with("too short to plot (1 sample per GPU)")),
        "{texts:?}"
    );
    assert!(
        texts.iter().any(|t| t.contains("GPU-0001 (NVIDIA A10G)")),
        "{texts:?}"
    );
}

#[test]
fn the_human_report_wraps_to_the_width_it_is_given() {
    let o = crate::common::run(&[&repo().join("examples")], None);
    let paths = skinflint::report::uri::PathFormat::Repo;
    let narrow = skinflint::report::human::render(&o, false, 80, paths);
    // Findings wrap; the one-line summary at the end does not.
    let findings = narrow.lines().filter(|l| !l.starts_with("skinflint: "));
    assert!(findings.clone().count() > 100);
    assert!(
        findings.into_iter().all(|l| l.chars().count() <= 80),
        "{narrow}"
    );
    let wide = skinflint::report::human::render(&o, false, 160, paths);
    assert!(wide.lines().any(|l| l.chars().count() > 110), "{wide}");
    assert!(wide.lines().all(|l| l.chars().count() <= 160));
}

#[test]
fn config_type_errors_read_as_english() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(p.join("pool.yaml"), LLM).unwrap();
    for (param, value, expected) in [
        (
            "alert-without-severity: {params: {allowed-severities",
            "3",
            "`allowed-severities` must be a list of strings (got integer `3`)",
        ),
        (
            "spot-instance-types-too-few: {params: {min-instance-types",
            "1.5",
            "`min-instance-types` must be a whole number (got number `1.5`)",
        ),
        (
            "gpu-workload-unschedulable: {params: {extended-resource-toleration",
            "1",
            "`extended-resource-toleration` must be true or false (got integer `1`)",
        ),
    ] {
        std::fs::write(
            p.join(".skinflint.yaml"),
            format!("rules: {{{param}: {value}}}}}}}\n"),
        )
        .unwrap();
        let out = skinflint(p, &["check", "pool.yaml"]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(err.contains(expected), "{err}");
        assert!(
            !err.contains("a integer") && !err.contains("a number `"),
            "{err}"
        );
    }
}
