//! `--format json`: the stable contract other tools build on. Extend it; never rename.

use crate::engine::Outcome;
use crate::model::ResourceRef;
use serde::Serialize;

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'a str,
    severity: &'a str,
    message: &'a str,
    help: &'a str,
    file: String,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    resource: Option<&'a ResourceRef>,
    /// The cluster of the file (`clusters:`); null for shared files or without clusters.
    cluster: Option<&'a str>,
    savings_usd_month: Option<f64>,
    fingerprint: &'a str,
}

#[derive(Serialize)]
struct JsonReport<'a> {
    version: &'a str,
    findings: Findings<'a>,
    summary: &'a crate::engine::Summary,
}

/// The findings, each converted as it is written rather than all collected first.
struct Findings<'a> {
    outcome: &'a Outcome,
    paths: super::uri::PathFormat,
}

impl Serialize for Findings<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(
            self.outcome
                .findings
                .iter()
                .map(|f| json_finding(self.outcome, f, self.paths)),
        )
    }
}

fn json_finding<'a>(
    outcome: &'a Outcome,
    f: &'a crate::rule::Finding,
    paths: super::uri::PathFormat,
) -> JsonFinding<'a> {
    let file = &outcome.files[f.file].file;
    let start = file.line_col(f.span.start);
    let end = file.end_line_col(&f.span);
    JsonFinding {
        rule: &f.rule,
        severity: f.severity.as_str(),
        message: &f.message,
        help: &f.help,
        file: super::uri::shown_path(&file.path, paths),
        line: start.line,
        column: start.column,
        end_line: end.line,
        end_column: end.column,
        resource: f.resource.as_ref(),
        cluster: f.cluster.as_deref(),
        savings_usd_month: f.savings_usd_month.map(|v| (v * 100.0).round() / 100.0),
        fingerprint: &f.fingerprint,
    }
}

/// The report, naming files as `paths` says.
pub fn render(outcome: &Outcome, paths: super::uri::PathFormat) -> String {
    let mut out = Vec::new();
    // Writing into memory fails only if serialisation does.
    if let Err(e) = write(outcome, paths, &mut out) {
        return format!("{{\"error\":\"{e}\"}}\n");
    }
    String::from_utf8(out).unwrap_or_default()
}

/// [`render`], written to `w` as it is serialised.
pub fn write(
    outcome: &Outcome,
    paths: super::uri::PathFormat,
    w: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let report = JsonReport {
        version: env!("CARGO_PKG_VERSION"),
        findings: Findings { outcome, paths },
        summary: &outcome.summary,
    };
    serde_json::to_writer_pretty(&mut *w, &report)?;
    w.write_all(b"\n")
}
