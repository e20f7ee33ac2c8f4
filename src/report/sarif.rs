//! `--format sarif`: SARIF 2.1.0 as GitHub code scanning reads it. Regions carry exact
//! start and end positions (columns in Unicode code points); `partialFingerprints` are
//! skinflint's stable fingerprints; suppressed findings appear with their suppression.

pub use super::sarif_log::*;
use super::uri::relative_uri;
use crate::engine::Outcome;
use crate::rule::{Finding, RuleDef, Severity};
use std::collections::BTreeMap;

pub const INFORMATION_URI: &str = "https://skinflint.dev";
/// The key of skinflint's fingerprint in `partialFingerprints`.
pub const FINGERPRINT_KEY: &str = "skinflint/v2";

fn level_str(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn level(s: Severity) -> String {
    level_str(s).to_string()
}

/// `nodepool-without-limits` → `NodepoolWithoutLimits`.
fn pascal(id: &str) -> String {
    id.split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

fn descriptor(r: &RuleDef) -> ReportingDescriptor {
    let help_text = format!(
        "{}\n\nWhy it costs money: {}\n\nHow to fix: {}",
        r.docs.what, r.docs.why, r.docs.fix
    );
    let more = if r.custom {
        format!("A custom rule, declared in `{}`.", r.source)
    } else {
        format!("Run `skinflint explain {}` for examples.", r.id)
    };
    let help_md = format!(
        "**{}**\n\n{}\n\n**Why it costs money.** {}\n\n**How to fix.** {}\n\n{more}",
        r.title, r.docs.what, r.docs.why, r.docs.fix
    );
    ReportingDescriptor {
        id: r.id.clone(),
        name: Some(pascal(&r.id)),
        short_description: Some(MultiformatMessageString::text(r.title.clone())),
        full_description: Some(MultiformatMessageString::text(r.docs.what.clone())),
        help: Some(MultiformatMessageString {
            text: help_text,
            markdown: Some(help_md),
        }),
        default_configuration: Some(ReportingConfiguration {
            level: Some(level_str(r.severity).to_string()),
        }),
        properties: Some(PropertyBag {
            tags: Some(vec![r.category.clone(), r.domain().to_string()]),
            ..Default::default()
        }),
    }
}

fn result(
    o: &Outcome,
    f: &Finding,
    rule_index: Option<usize>,
    suppression: Option<(bool, &str)>,
) -> SarifResult {
    let file = &o.files[f.file].file;
    let start = file.line_col(f.span.start);
    let end = file.end_line_col(&f.span);
    // SARIF end columns are exclusive; a zero-length span (a syntax error) covers one character.
    let end_column = if end.line == start.line {
        end.column.max(start.column + 1)
    } else {
        end.column
    };
    let region = Region {
        start_line: Some(start.line as i64),
        start_column: Some(start.column as i64),
        end_line: Some(end.line as i64),
        end_column: Some(end_column as i64),
    };
    let uri = relative_uri(&file.path);
    let artifact = if uri.starts_with('/') {
        // Outside the repository: an absolute file URI, with no base to resolve against.
        ArtifactLocation {
            uri: Some(format!("file://{uri}")),
            uri_base_id: None,
        }
    } else {
        ArtifactLocation {
            uri: Some(uri),
            uri_base_id: Some("%SRCROOT%".to_string()),
        }
    };
    let location = Location {
        physical_location: Some(PhysicalLocation {
            artifact_location: Some(artifact),
            region: Some(region),
        }),
    };
    let mut fingerprints = BTreeMap::new();
    fingerprints.insert(FINGERPRINT_KEY.to_string(), f.fingerprint.clone());
    let properties = f.cluster.as_ref().map(|cluster| PropertyBag {
        additional_properties: BTreeMap::from([(
            "cluster".to_string(),
            serde_json::json!(cluster),
        )]),
        tags: None,
    });
    let suppressions = suppression.map(|(in_source, reason)| {
        vec![Suppression {
            kind: if in_source { "inSource" } else { "external" }.to_string(),
            justification: (!reason.is_empty()).then(|| reason.to_string()),
        }]
    });
    SarifResult {
        level: Some(level(f.severity)),
        locations: Some(vec![location]),
        message: Message {
            text: Some(format!("{}\nhelp: {}", f.message, f.help)),
        },
        partial_fingerprints: Some(fingerprints),
        properties,
        rule_id: Some(f.rule.clone()),
        rule_index: rule_index.map(|i| i as i64),
        suppressions,
    }
}

/// GitHub code scanning rejects a run with more results than this.
pub const MAX_RESULTS: usize = 25_000;

/// The SARIF log as a typed value (tests parse the text back into the same types).
pub fn log(o: &Outcome) -> Sarif {
    log_limited(o, MAX_RESULTS)
}

/// The log with at most `limit` results: reported findings before suppressed ones, most
/// severe first; the number left out is in the run's `properties`.
pub fn log_limited(o: &Outcome, limit: usize) -> Sarif {
    let rules: Vec<&RuleDef> = o.enabled_rules().collect();
    let index = |id: &str| rules.iter().position(|r| r.id == id);
    let mut candidates: Vec<(&Finding, Option<(bool, &str)>)> = o
        .findings
        .iter()
        .map(|f| (f, None))
        .chain(
            o.suppressed
                .iter()
                .map(|s| (&s.finding, Some((s.in_source, s.reason.as_str())))),
        )
        .collect();
    let omitted = candidates.len().saturating_sub(limit);
    if omitted > 0 {
        // Rank (stable, so report order holds within a rank), keep the best, restore order.
        let mut ranked: Vec<usize> = (0..candidates.len()).collect();
        ranked.sort_by_key(|&i| {
            let (f, sup) = candidates[i];
            (sup.is_some(), std::cmp::Reverse(f.severity))
        });
        let mut keep = vec![false; candidates.len()];
        for &i in ranked.iter().take(limit) {
            keep[i] = true;
        }
        let mut i = 0;
        candidates.retain(|_| {
            i += 1;
            keep[i - 1]
        });
    }
    let results: Vec<SarifResult> = candidates
        .into_iter()
        .map(|(f, sup)| result(o, f, index(&f.rule), sup))
        .collect();
    let driver = ToolComponent {
        name: "skinflint".to_string(),
        version: Some(env!("CARGO_PKG_VERSION").to_string()),
        semantic_version: Some(env!("CARGO_PKG_VERSION").to_string()),
        information_uri: Some(INFORMATION_URI.to_string()),
        rules: Some(rules.iter().map(|r| descriptor(r)).collect()),
    };
    let mut run = Run {
        tool: Tool { driver },
        results: Some(results),
        column_kind: Some("unicodeCodePoints".to_string()),
        properties: None,
    };
    if omitted > 0 {
        let mut props = BTreeMap::new();
        props.insert(
            "skinflint/omittedResults".to_string(),
            serde_json::json!(omitted),
        );
        props.insert(
            "skinflint/omittedReason".to_string(),
            serde_json::json!(format!(
                "GitHub code scanning accepts at most {limit} results a run; the least severe were left out (the JSON report has all of them)"
            )),
        );
        run.properties = Some(PropertyBag {
            additional_properties: props,
            tags: None,
        });
    }
    Sarif {
        schema: SCHEMA_URL.to_string(),
        version: "2.1.0".to_string(),
        runs: vec![run],
    }
}

pub fn render(o: &Outcome) -> String {
    let mut s = serde_json::to_string_pretty(&log(o)).unwrap_or_default();
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{check, CheckRequest};

    #[test]
    fn results_are_capped_keeping_the_most_severe() {
        let dir = tempfile::tempdir().unwrap();
        let pool = "apiVersion: karpenter.sh/v1\nkind: NodePool\nmetadata: {name: NAME}\nspec:\n  template:\n    spec:\n      requirements:\n        - {key: karpenter.sh/capacity-type, operator: In, values: [spot]}\n        - {key: karpenter.k8s.aws/instance-family, operator: In, values: [g5]}\n      nodeClassRef: {group: karpenter.k8s.aws, kind: EC2NodeClass, name: default}\n";
        let text: String = (0..6)
            .map(|i| pool.replace("NAME", &format!("p{i}")) + "---\n")
            .collect();
        let path = dir.path().join("pools.yaml");
        std::fs::write(&path, text).unwrap();
        let o = check(&CheckRequest::new(vec![path
            .to_string_lossy()
            .into_owned()]))
        .unwrap();
        let all = o.findings.len();
        assert!(all > 4, "{all}");
        let limited = log_limited(&o, 4);
        let run = &limited.runs[0];
        let results = run.results.as_ref().unwrap();
        assert_eq!(results.len(), 4);
        let worst = o.findings.iter().map(|f| f.severity).max().unwrap();
        let kept_worst = o
            .findings
            .iter()
            .filter(|f| f.severity == worst)
            .count()
            .min(4);
        let level = serde_json::to_value(level(worst)).unwrap();
        let got = results
            .iter()
            .filter(|r| {
                r.level.as_ref().map(|l| serde_json::to_value(l).unwrap()) == Some(level.clone())
            })
            .count();
        assert_eq!(got, kept_worst);
        let props = serde_json::to_value(run.properties.as_ref().unwrap()).unwrap();
        assert_eq!(props["skinflint/omittedResults"], all - 4);
        assert!(log(&o).runs[0].properties.is_none());
    }
}
