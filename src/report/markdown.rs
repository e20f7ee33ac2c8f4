//! `--format markdown`: a pull-request summary for `$GITHUB_STEP_SUMMARY` or a PR
//! comment: totals, a table of findings, money at stake, kept under GitHub's 65,536
//! character comment limit.

use super::escape;
use super::uri::relative_path;
use crate::catalog::usd;
use crate::engine::Outcome;
use crate::rule::Severity;

/// GitHub rejects comments longer than this.
pub const GITHUB_COMMENT_LIMIT: usize = 65_536;
/// Room kept for the notice that says rows were left out.
const RESERVE: usize = 1_000;

/// The most characters of untrusted text one cell shows.
pub const MAX_CELL: usize = 600;

/// Text safe inside a table cell: no row or cell breaks, no HTML, no code spans, links,
/// images or @mentions, controls made visible, at most `MAX_CELL` characters.
pub fn cell(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for (i, c) in s.chars().enumerate() {
        if i == MAX_CELL {
            out.push('…');
            break;
        }
        match c {
            '|' | '`' | '[' | ']' | '!' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            // A zero-width space after `@` keeps GitHub from notifying anyone.
            '@' => out.push_str("@&#8203;"),
            '\n' | '\r' => out.push(' '),
            _ => escape::push_visible(&mut out, c),
        }
    }
    out
}

/// A link to the file and line on GitHub when running in Actions, plain text otherwise.
fn location(path: &str, line: usize) -> String {
    let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    let linkable = !path.starts_with('/') && !path.starts_with("..") && !path.starts_with('<');
    match (
        env("GITHUB_SERVER_URL"),
        env("GITHUB_REPOSITORY"),
        env("GITHUB_SHA"),
    ) {
        (Some(server), Some(repo), Some(sha)) if linkable => format!(
            "[{}:{line}]({server}/{repo}/blob/{sha}/{}#L{line})",
            cell(path),
            super::uri::relative_uri(path)
        ),
        _ => format!("{}:{line}", cell(path)),
    }
}

pub fn render(o: &Outcome) -> String {
    render_limited(o, GITHUB_COMMENT_LIMIT)
}

pub fn render_limited(o: &Outcome, limit: usize) -> String {
    let s = &o.summary;
    let mut out = String::new();
    if s.findings == 0 {
        out.push_str("## skinflint: no findings\n\n");
    } else {
        out.push_str(&format!(
            "## skinflint: {} finding{}\n\n",
            s.findings,
            if s.findings == 1 { "" } else { "s" }
        ));
    }
    out.push_str("| severity | count |\n|---|---:|\n");
    out.push_str(&format!(
        "| error | {} |\n| warning | {} |\n| info | {} |\n",
        s.error, s.warning, s.info
    ));
    if s.suppressed > 0 {
        out.push_str(&format!("| suppressed | {} |\n", s.suppressed));
    }
    if let (Some(m), Some(f)) = (s.baseline_matched, s.baseline_fixed) {
        out.push_str(&format!(
            "| in baseline | {m} |\n| fixed since baseline | {f} |\n"
        ));
    }
    if let (Some(fixed), Some(old)) = (s.fixed_by_change, s.preexisting) {
        out.push_str(&format!(
            "| fixed by the change | {fixed} |\n| already there before it | {old} |\n"
        ));
    }
    out.push_str(&format!(
        "\nChecked {} file{} with {} resource{}.\n\n",
        s.files,
        if s.files == 1 { "" } else { "s" },
        s.resources,
        if s.resources == 1 { "" } else { "s" }
    ));
    let savings: f64 = o.findings.iter().filter_map(|f| f.savings_usd_month).sum();
    let priced = o
        .findings
        .iter()
        .filter(|f| f.savings_usd_month.is_some())
        .count();
    if priced > 0 {
        out.push_str(&format!(
            "**Money at stake:** about {} a month across {priced} finding{} (assumes {}).\n\n",
            usd(savings),
            if priced == 1 { "" } else { "s" },
            o.price_basis()
        ));
    }
    if o.findings.is_empty() {
        return out;
    }
    out.push_str("| | location | rule | resource | message |\n|---|---|---|---|---|\n");
    // Most severe first, so a size cut drops info rows before errors.
    let mut ordered: Vec<&crate::rule::Finding> = o.findings.iter().collect();
    ordered.sort_by_key(|f| std::cmp::Reverse(f.severity));
    let mut shown = 0;
    for f in ordered {
        let file = &o.files[f.file].file;
        let line = file.line_col(f.span.start).line;
        let icon = match f.severity {
            Severity::Error => "🔴",
            Severity::Warning => "🟠",
            Severity::Info => "🔵",
        };
        let resource = f
            .resource
            .as_ref()
            .map(|r| format!("{}/{}", r.kind, r.name.as_deref().unwrap_or("<unnamed>")))
            .unwrap_or_default();
        let row = format!(
            "| {icon} | {} | {} | {} | {} |\n",
            location(&relative_path(&file.path), line),
            cell(&f.rule),
            cell(&resource),
            cell(&f.message)
        );
        if out.len() + row.len() + RESERVE > limit {
            break;
        }
        out.push_str(&row);
        shown += 1;
    }
    if shown < o.findings.len() {
        out.push_str(&format!(
            "\n_{} more finding{} not shown to stay under GitHub's comment size limit; see the job log or the SARIF report for all of them._\n",
            o.findings.len() - shown,
            if o.findings.len() - shown == 1 { "" } else { "s" }
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_carry_no_markup() {
        assert_eq!(
            cell("`x` ![i](http://e/i.png) [l](http://e) @team <b>"),
            "\\`x\\` \\!\\[i\\](http://e/i.png) \\[l\\](http://e) @&#8203;team &lt;b&gt;"
        );
        assert_eq!(cell("a|b\\[c\ne"), "a\\|b\\\\\\[c e");
        assert_eq!(cell("x\u{1b}[2J\u{202e}"), "x\\u{1b}\\[2J\\u{202e}");
        let long = "y".repeat(MAX_CELL + 50);
        assert_eq!(cell(&long).chars().count(), MAX_CELL + 1);
    }
}
