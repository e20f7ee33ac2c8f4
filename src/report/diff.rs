//! Reports for `skinflint diff`: the verdict first (`+$1,234/month, 2 new findings, 1
//! fixed`), then new and fixed findings and the monthly cost per changed resource.

use super::markdown::{cell, GITHUB_COMMENT_LIMIT};
use crate::catalog::usd;
use crate::diff::cost::{signed_usd, Priced, ResourceDelta, Totals};
use crate::diff::{DiffOutcome, SideReport};
use crate::rule::{Finding, Severity};
use serde::Serialize;

/// Marks the comment so a workflow can find and update it.
pub const COMMENT_MARKER: &str = "<!-- skinflint-diff -->";

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// The one-line verdict: the monthly change at minimum scale, the change in node-pool
/// ceilings when there is one, new and fixed findings.
pub fn verdict(o: &DiffOutcome) -> String {
    let mut parts = vec![format!(
        "{}/month",
        signed_usd(o.cost.workloads.delta_usd_month_min)
    )];
    let ceilings = o.cost.node_pool_ceilings.delta_usd_month_min;
    if ceilings.abs() >= 0.005 {
        parts.push(format!("node-pool ceilings {}/month", signed_usd(ceilings)));
    }
    parts.push(plural(o.new.len(), "new finding"));
    parts.push(format!("{} fixed", o.fixed.len()));
    parts.join(", ")
}

fn money(x: Option<f64>) -> String {
    x.map_or("unbounded".to_string(), usd)
}

fn range(p: Option<&Priced>) -> String {
    match p {
        None => "absent".to_string(),
        Some(p) if p.usd_month_min == p.usd_month_max => money(p.usd_month_min),
        Some(p) => format!("{} to {}", money(p.usd_month_min), money(p.usd_month_max)),
    }
}

fn delta_range(r: &ResourceDelta) -> String {
    match (r.delta_usd_month_min, r.delta_usd_month_max) {
        (Some(a), Some(b)) if (a - b).abs() < 0.005 => signed_usd(a),
        (Some(a), Some(b)) => format!("{} to {}", signed_usd(a), signed_usd(b)),
        _ => "not priced".to_string(),
    }
}

fn resource_of(f: &Finding) -> String {
    f.resource
        .as_ref()
        .map(|r| format!("{}/{}", r.kind, r.name.as_deref().unwrap_or("<unnamed>")))
        .unwrap_or_default()
}

fn location(side: &SideReport, f: &Finding) -> (String, usize) {
    let file = &side.checked.files[f.file].file;
    (
        side.checked.keys[f.file].clone(),
        file.line_col(f.span.start).line,
    )
}

// ---------------------------------------------------------------- human

pub fn human(o: &DiffOutcome) -> String {
    let mut s = format!(
        "skinflint diff: {} → {}\n{}\n",
        o.base.label,
        o.head.label,
        verdict(o)
    );
    let list = |s: &mut String, title: &str, side: &SideReport, items: &[&Finding]| {
        if items.is_empty() {
            return;
        }
        s.push_str(&format!("\n{title}:\n"));
        for f in items {
            let (path, line) = location(side, f);
            s.push_str(&format!(
                "  {}:{line}: {}: {} [{}]\n",
                path,
                f.severity.as_str(),
                f.message,
                f.rule
            ));
        }
    };
    let new: Vec<&Finding> = o.new_findings().collect();
    let fixed: Vec<&Finding> = o.fixed_findings().collect();
    list(&mut s, "New findings", &o.head, &new);
    list(&mut s, "Fixed findings", &o.base, &fixed);
    if !o.unchanged.is_empty() {
        s.push_str(&format!(
            "\n{} unchanged.\n",
            plural(o.unchanged.len(), "finding")
        ));
    }
    if !o.cost.resources.is_empty() {
        s.push_str("\nMonthly cost by resource (base → head, difference):\n");
        for r in &o.cost.resources {
            s.push_str(&format!(
                "  {}/{} ({}): {} → {}, {}\n",
                r.kind,
                r.name,
                r.file,
                range(r.base.as_ref()),
                range(r.head.as_ref()),
                delta_range(r)
            ));
            for (side, p) in [("base", &r.base), ("head", &r.head)] {
                if let Some(p) = p {
                    s.push_str(&format!("      {side}: {}\n", p.basis));
                }
            }
        }
    }
    s.push_str(&totals_text(&o.cost.workloads, &o.cost.node_pool_ceilings));
    s.push_str(&format!("Assumes {}.\n", o.cost.assumptions));
    s
}

fn totals_text(w: &Totals, p: &Totals) -> String {
    let mut s = format!(
        "Workloads: {} → {} a month at minimum scale ({}), {} → {} at maximum ({})\n",
        usd(w.base_usd_month_min),
        usd(w.head_usd_month_min),
        signed_usd(w.delta_usd_month_min),
        usd(w.base_usd_month_max),
        usd(w.head_usd_month_max),
        signed_usd(w.delta_usd_month_max),
    );
    s.push_str(&format!(
        "Node-pool ceilings: {} → {} a month ({}){}\n",
        usd(p.base_usd_month_min),
        usd(p.head_usd_month_min),
        signed_usd(p.delta_usd_month_min),
        if p.unpriced > 0 {
            format!(
                "; {} unbounded or unpriced on a side, left out",
                plural(p.unpriced, "pool")
            )
        } else {
            String::new()
        }
    ));
    s
}

// ---------------------------------------------------------------- json

#[derive(Serialize)]
struct JsonSide<'a> {
    label: &'a str,
    commit: Option<&'a str>,
    files: usize,
    resources: usize,
    findings: usize,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'a str,
    severity: &'a str,
    message: &'a str,
    file: String,
    line: usize,
    column: usize,
    resource: Option<&'a crate::model::ResourceRef>,
    fingerprint: &'a str,
}

#[derive(Serialize)]
struct JsonFindings<'a> {
    new: Vec<JsonFinding<'a>>,
    fixed: Vec<JsonFinding<'a>>,
    unchanged: Vec<JsonFinding<'a>>,
}

#[derive(Serialize)]
struct JsonDiff<'a> {
    version: &'a str,
    verdict: String,
    base: JsonSide<'a>,
    head: JsonSide<'a>,
    delta: &'a crate::diff::cost::CostDelta,
    findings: JsonFindings<'a>,
}

fn json_side(s: &SideReport) -> JsonSide<'_> {
    JsonSide {
        label: &s.label,
        commit: s.commit.as_deref(),
        files: s.checked.summary.files,
        resources: s.checked.summary.resources,
        findings: s.checked.findings.len(),
    }
}

fn json_findings<'a>(side: &'a SideReport, idx: &[usize]) -> Vec<JsonFinding<'a>> {
    idx.iter()
        .map(|i| {
            let f = &side.checked.findings[*i];
            let lc = side.checked.files[f.file].file.line_col(f.span.start);
            JsonFinding {
                rule: &f.rule,
                severity: f.severity.as_str(),
                message: &f.message,
                file: side.checked.keys[f.file].clone(),
                line: lc.line,
                column: lc.column,
                resource: f.resource.as_ref(),
                fingerprint: &f.fingerprint,
            }
        })
        .collect()
}

pub fn json(o: &DiffOutcome) -> String {
    let report = JsonDiff {
        version: env!("CARGO_PKG_VERSION"),
        verdict: verdict(o),
        base: json_side(&o.base),
        head: json_side(&o.head),
        delta: &o.cost,
        findings: JsonFindings {
            new: json_findings(&o.head, &o.new),
            fixed: json_findings(&o.base, &o.fixed),
            unchanged: json_findings(&o.head, &o.unchanged),
        },
    };
    let mut s =
        serde_json::to_string_pretty(&report).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
    s.push('\n');
    s
}

// ---------------------------------------------------------------- markdown

fn icon(s: Severity) -> &'static str {
    match s {
        Severity::Error => "🔴",
        Severity::Warning => "🟠",
        Severity::Info => "🔵",
    }
}

fn finding_rows(side: &SideReport, items: &[&Finding]) -> Vec<String> {
    items
        .iter()
        .map(|f| {
            let (path, line) = location(side, f);
            format!(
                "| {} | {}:{line} | {} | {} | {} |\n",
                icon(f.severity),
                cell(&path),
                cell(&f.rule),
                cell(&resource_of(f)),
                cell(&f.message)
            )
        })
        .collect()
}

const TABLE_HEAD: &str = "| | location | rule | resource | message |\n|---|---|---|---|---|\n";

/// A pull-request comment: the verdict on the first line, new findings, then fixed
/// findings and the cost per changed resource in collapsible sections; kept under
/// GitHub's comment size limit, dropping rows (and saying so) when it must.
pub fn markdown(o: &DiffOutcome) -> String {
    markdown_limited(o, GITHUB_COMMENT_LIMIT)
}

pub fn markdown_limited(o: &DiffOutcome, limit: usize) -> String {
    // Room for the closing lines and the notices about rows left out.
    let budget = limit.saturating_sub(1_500);
    let mut out = format!("**{}**\n\n", verdict(o));
    out.push_str(&format!(
        "skinflint compared `{}` with `{}`.\n\n",
        cell(&o.base.label),
        cell(&o.head.label)
    ));
    let mut left_out = 0;
    let mut push_rows = |out: &mut String, rows: Vec<String>| {
        for row in rows {
            if out.len() + row.len() > budget {
                left_out += 1;
                continue;
            }
            out.push_str(&row);
        }
    };
    let mut new: Vec<&Finding> = o.new_findings().collect();
    new.sort_by_key(|f| std::cmp::Reverse(f.severity));
    if !new.is_empty() {
        out.push_str(&format!(
            "### {}\n\n{TABLE_HEAD}",
            plural(new.len(), "new finding")
        ));
        push_rows(&mut out, finding_rows(&o.head, &new));
        out.push('\n');
    }
    // Cost per changed resource, each collapsible.
    let w = &o.cost.workloads;
    out.push_str(&format!(
        "### Monthly cost\n\n| | base | head | difference |\n|---|---:|---:|---:|\n| workloads at minimum scale | {} | {} | {} |\n| workloads at maximum scale | {} | {} | {} |\n| node-pool ceilings | {} | {} | {} |\n\n",
        usd(w.base_usd_month_min),
        usd(w.head_usd_month_min),
        signed_usd(w.delta_usd_month_min),
        usd(w.base_usd_month_max),
        usd(w.head_usd_month_max),
        signed_usd(w.delta_usd_month_max),
        usd(o.cost.node_pool_ceilings.base_usd_month_min),
        usd(o.cost.node_pool_ceilings.head_usd_month_min),
        signed_usd(o.cost.node_pool_ceilings.delta_usd_month_min),
    ));
    let details: Vec<String> = o
        .cost
        .resources
        .iter()
        .map(|r| {
            let mut d = format!(
                "<details><summary>{}/{} ({}): {}/month</summary>\n\n| | monthly | basis |\n|---|---:|---|\n",
                cell(&r.kind),
                cell(&r.name),
                cell(&r.file),
                delta_range(r)
            );
            for (side, p) in [("base", &r.base), ("head", &r.head)] {
                d.push_str(&format!(
                    "| {side} | {} | {} |\n",
                    range(p.as_ref()),
                    p.as_ref().map_or("absent".to_string(), |p| cell(&p.basis))
                ));
            }
            d.push_str(&format!("| difference | {} | |\n\n</details>\n", delta_range(r)));
            d
        })
        .collect();
    push_rows(&mut out, details);
    let fixed: Vec<&Finding> = o.fixed_findings().collect();
    if !fixed.is_empty() {
        out.push_str(&format!(
            "\n<details><summary>{} fixed</summary>\n\n{TABLE_HEAD}",
            plural(fixed.len(), "finding")
        ));
        push_rows(&mut out, finding_rows(&o.base, &fixed));
        out.push_str("\n</details>\n");
    }
    if !o.unchanged.is_empty() {
        out.push_str(&format!(
            "\n{} were already there before the change.\n",
            plural(o.unchanged.len(), "finding")
        ));
    }
    if left_out > 0 {
        out.push_str(&format!(
            "\n_{left_out} rows not shown to stay under GitHub's comment size limit; run `skinflint diff` locally or see the job log for all of them._\n"
        ));
    }
    out.push_str(&format!(
        "\n_Assumes {}._\n\n{COMMENT_MARKER}\n",
        o.cost.assumptions
    ));
    out
}
