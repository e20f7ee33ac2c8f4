//! Pull-request and CI surfaces: one snapshot per output format over the same small tree,
//! SARIF read back into its object model, encoded URIs and character columns.

use crate::common;
use skinflint::report::sarif::Sarif;
use std::path::PathBuf;

const TREE: &str = "tests/data/surfaces";

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

use crate::common::skinflint;

/// Compare with the reviewed snapshot `tests/snapshots/NAME.snap`, the version masked.
fn snapshot(name: &str, actual: &str) {
    common::snapshot(
        name,
        &actual.replace(env!("CARGO_PKG_VERSION"), "<version>"),
    );
}

fn report(format: &str) -> String {
    let out = skinflint(&repo(), &["check", "--no-config", "--format", format, TREE]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn snapshot_human() {
    snapshot("human", &report("human"));
}

#[test]
fn snapshot_json() {
    snapshot("json", &report("json"));
}

#[test]
fn snapshot_sarif() {
    snapshot("sarif", &report("sarif"));
}

#[test]
fn snapshot_github() {
    snapshot("github", &report("github"));
}

#[test]
fn snapshot_markdown() {
    snapshot("markdown", &report("markdown"));
}

#[test]
fn sarif_parses_back_with_every_field_github_reads() {
    let text = report("sarif");
    let log: Sarif = serde_json::from_str(&text).expect("SARIF that reads back");
    let raw: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        raw["$schema"],
        "https://schemastore.azurewebsites.net/schemas/json/sarif-2.1.0.json"
    );
    assert_eq!(log.version, "2.1.0");
    let run = &log.runs[0];
    let driver = &run.tool.driver;
    assert_eq!(driver.name, "skinflint");
    assert_eq!(driver.version.as_deref(), Some(env!("CARGO_PKG_VERSION")));
    assert!(driver
        .information_uri
        .as_deref()
        .is_some_and(|u| u.starts_with("https://")));
    assert_eq!(run.column_kind.as_deref(), Some("unicodeCodePoints"));
    let rules = driver.rules.as_ref().unwrap();
    // One descriptor per built-in rule.
    assert_eq!(
        rules.len(),
        skinflint::rule::registry::builtin_rules().unwrap().len()
    );
    for r in rules {
        assert!(r.name.is_some() && r.short_description.is_some() && r.full_description.is_some());
        let help = r.help.as_ref().unwrap();
        assert!(
            !help.text.is_empty()
                && help
                    .markdown
                    .as_deref()
                    .is_some_and(|m| m.contains("Why it costs money"))
        );
        let level = r
            .default_configuration
            .as_ref()
            .and_then(|c| c.level.clone())
            .unwrap();
        assert!(["error", "warning", "note"].contains(&level.as_str()));
        let tags = r.properties.as_ref().and_then(|p| p.tags.clone()).unwrap();
        assert!(tags
            .iter()
            .any(|t| ["cost", "correctness", "reliability", "hygiene"].contains(&t.as_str())));
        assert!(!r
            .properties
            .as_ref()
            .unwrap()
            .additional_properties
            .contains_key("security-severity"));
    }
    let results = run.results.as_ref().unwrap();
    assert_eq!(results.len(), 7, "6 findings and 1 suppressed");
    for res in results {
        let id = res.rule_id.as_deref().unwrap();
        let idx = res.rule_index.unwrap() as usize;
        assert_eq!(rules[idx].id, id, "ruleIndex points at the rule");
        assert!(res.level.is_some());
        assert!(res.message.text.as_deref().is_some_and(|t| !t.is_empty()));
        let loc = res.locations.as_ref().unwrap()[0]
            .physical_location
            .as_ref()
            .unwrap();
        let uri = loc
            .artifact_location
            .as_ref()
            .unwrap()
            .uri
            .as_deref()
            .unwrap();
        assert!(uri.starts_with("tests/data/surfaces/"), "{uri}");
        let region = loc.region.as_ref().unwrap();
        assert!(region.start_line.unwrap() >= 1 && region.start_column.unwrap() >= 1);
        assert!(region.end_line.unwrap() >= region.start_line.unwrap());
        assert!(region.end_column.is_some());
        let fp = res.partial_fingerprints.as_ref().unwrap();
        assert_eq!(fp.get("skinflint/v2").map(|s| s.len()), Some(16));
    }
    let suppressed: Vec<_> = results
        .iter()
        .filter(|r| r.suppressions.is_some())
        .collect();
    assert_eq!(suppressed.len(), 1);
    let s = &suppressed[0].suppressions.as_ref().unwrap()[0];
    assert_eq!(s.kind, serde_json::json!("inSource"));
    assert_eq!(
        s.justification.as_deref(),
        Some("model weights take 20 minutes to load")
    );
    assert_eq!(
        suppressed[0].rule_id.as_deref(),
        Some("empty-node-ttl-too-long")
    );
    // The seed-style finding sits exactly where the human report says.
    let few = results
        .iter()
        .find(|r| r.rule_id.as_deref() == Some("spot-instance-types-too-few"))
        .unwrap();
    let region = few.locations.as_ref().unwrap()[0]
        .physical_location
        .as_ref()
        .unwrap()
        .region
        .as_ref()
        .unwrap();
    assert_eq!(
        (
            region.start_line,
            region.start_column,
            region.end_line,
            region.end_column
        ),
        (Some(15), Some(11), Some(15), Some(17))
    );
}

#[test]
fn non_ascii_file_names_are_encoded_and_columns_count_characters() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("déploiement")).unwrap();
    std::fs::write(
        dir.path().join("déploiement/pool ü.yaml"),
        "apiVersion: karpenter.sh/v1\nkind: NodePool\nmetadata: {name: \"modèle-ü\"}\nspec:\n  template:\n    spec:\n      requirements:\n        - {key: node.kubernetes.io/instance-type, operator: In, values: [\"é-ü\", g5.xlarg]}\n      nodeClassRef: {group: karpenter.k8s.aws, kind: EC2NodeClass, name: default}\n",
    )
    .unwrap();
    let out = skinflint(
        dir.path(),
        &[
            "check",
            "--no-config",
            "--select",
            "unknown-instance-type",
            "--format",
            "sarif",
            ".",
        ],
    );
    let log: Sarif = serde_json::from_slice(&out.stdout).unwrap();
    let results = log.runs[0].results.as_ref().unwrap();
    assert_eq!(results.len(), 2);
    let loc = results[1].locations.as_ref().unwrap()[0]
        .physical_location
        .as_ref()
        .unwrap();
    assert_eq!(
        loc.artifact_location.as_ref().unwrap().uri.as_deref(),
        Some("d%C3%A9ploiement/pool%20%C3%BC.yaml")
    );
    // `g5.xlarg` follows `"é-ü", ` : character column 81, though `é` and `ü` take two bytes each.
    let region = loc.region.as_ref().unwrap();
    assert_eq!(
        (region.start_column, region.end_column),
        (Some(81), Some(89))
    );
    let gh = skinflint(
        dir.path(),
        &[
            "check",
            "--no-config",
            "--select",
            "unknown-instance-type",
            "--format",
            "github",
            ".",
        ],
    );
    let text = String::from_utf8_lossy(&gh.stdout);
    assert!(
        text.contains("file=déploiement/pool ü.yaml,line=8,endLine=8,col=81,endColumn=89"),
        "{text}"
    );
}

#[test]
fn several_reports_from_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("r.json");
    let sarif = dir.path().join("r.sarif");
    let tree = repo().join(TREE);
    let out = skinflint(
        &repo(),
        &[
            "check",
            "--no-config",
            tree.to_str().unwrap(),
            "--format",
            "json",
            "--output",
            json.to_str().unwrap(),
            "--format",
            "sarif",
            "--output",
            sarif.to_str().unwrap(),
            "--format",
            "github",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("::"));
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(v["summary"]["findings"], 6);
    let _: Sarif = serde_json::from_str(&std::fs::read_to_string(&sarif).unwrap()).unwrap();
    let bad = skinflint(
        &repo(),
        &[
            "check",
            "--no-config",
            TREE,
            "--format",
            "json",
            "--format",
            "sarif",
        ],
    );
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn markdown_stays_under_the_comment_limit() {
    // Many findings: one invalid file per line of a big directory.
    let dir = tempfile::tempdir().unwrap();
    for i in 0..600 {
        std::fs::write(
            dir.path().join(format!("pool-{i:03}.yaml")),
            format!("apiVersion: karpenter.sh/v1\nkind: NodePool\nmetadata: {{name: pool-with-a-rather-long-name-{i}}}\nspec:\n  template:\n    spec:\n      requirements:\n        - {{key: karpenter.k8s.aws/instance-category, operator: In, values: [c]}}\n      nodeClassRef: {{group: karpenter.k8s.aws, kind: EC2NodeClass, name: default}}\n"),
        )
        .unwrap();
    }
    let out = skinflint(
        dir.path(),
        &["check", "--no-config", "--format", "markdown", "."],
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.len() < 65_536, "{} characters", text.len());
    assert!(
        text.contains("more findings not shown"),
        "{}",
        &text[text.len() - 300..]
    );
}

#[test]
fn multi_line_regions_and_hostile_markdown() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.yaml"),
        "apiVersion: karpenter.sh/v1\nkind: NodePool\nmetadata: {name: \"x|<!--y\"}\nspec:\n  template:\n    spec:\n      expireAfter: |\n        720 hours\n      nodeClassRef: {group: karpenter.k8s.aws, kind: EC2NodeClass, name: default}\n",
    )
    .unwrap();
    let out = skinflint(
        dir.path(),
        &[
            "check",
            "--no-config",
            "--select",
            "invalid-nodepool-field",
            "--format",
            "sarif",
            "a.yaml",
        ],
    );
    let log: Sarif = serde_json::from_slice(&out.stdout).unwrap();
    let res = &log.runs[0].results.as_ref().unwrap()[0];
    let region = res.locations.as_ref().unwrap()[0]
        .physical_location
        .as_ref()
        .unwrap()
        .region
        .as_ref()
        .unwrap();
    assert_eq!(
        (
            region.start_line,
            region.start_column,
            region.end_line,
            region.end_column
        ),
        (Some(8), Some(9), Some(8), Some(18))
    );
    let md = skinflint(
        dir.path(),
        &["check", "--no-config", "--format", "markdown", "a.yaml"],
    );
    let text = String::from_utf8(md.stdout).unwrap();
    assert!(text.contains("x\\|&lt;\\!--y"), "{text}");
    assert!(!text.contains("<!--"), "{text}");
}
