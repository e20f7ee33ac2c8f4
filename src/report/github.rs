//! `--format github`: GitHub Actions workflow commands, one annotation per finding,
//! shown on the pull request's diff at the exact line and column.

use super::escape;
use super::uri::relative_path;
use crate::engine::Outcome;
use crate::rule::Severity;

/// GitHub shows at most this many annotations of each kind (error, warning, notice) per
/// step; the rest would be dropped without a word.
pub const ANNOTATIONS_PER_KIND: usize = 10;

/// Escape a workflow-command property value.
fn property(s: &str) -> String {
    escape::visible(s)
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
        .replace(':', "%3A")
        .replace(',', "%2C")
}

/// Escape a workflow-command message.
fn data(s: &str) -> String {
    escape::visible(s)
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

pub fn render(o: &Outcome) -> String {
    let count = |s: Severity| o.findings.iter().filter(|f| f.severity == s).count();
    let (errors, warnings, notices) = (
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Info),
    );
    let over = errors > ANNOTATIONS_PER_KIND
        || warnings > ANNOTATIONS_PER_KIND
        || notices > ANNOTATIONS_PER_KIND;
    // The summary of what was left out is itself a notice: keep a slot for it.
    let notice_cap = if over {
        ANNOTATIONS_PER_KIND - 1
    } else {
        ANNOTATIONS_PER_KIND
    };
    let mut shown = [0usize; 3];
    let mut out = String::new();
    for f in &o.findings {
        let (slot, cap) = match f.severity {
            Severity::Error => (0, ANNOTATIONS_PER_KIND),
            Severity::Warning => (1, ANNOTATIONS_PER_KIND),
            Severity::Info => (2, notice_cap),
        };
        if shown[slot] >= cap {
            continue;
        }
        shown[slot] += 1;
        let file = &o.files[f.file].file;
        let path = relative_path(&file.path);
        let start = file.line_col(f.span.start);
        let end = file.end_line_col(&f.span);
        let command = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        out.push_str(&format!(
            "::{command} file={},line={},endLine={},col={},endColumn={},title={}::{}\n",
            property(&path),
            start.line,
            end.line,
            start.column,
            end.column,
            property(&f.rule),
            data(&format!(
                "{path}:{}:{} {}\nhelp: {}",
                start.line, start.column, f.message, f.help
            ))
        ));
    }
    let left = o.findings.len() - shown.iter().sum::<usize>();
    if left > 0 {
        let n = |k: usize, shown: usize, word: &str| match k - shown {
            0 => None,
            d => Some(format!("{d} {word}")),
        };
        let parts: Vec<String> = [
            n(errors, shown[0], "error"),
            n(warnings, shown[1], "warning"),
            n(notices, shown[2], "info"),
        ]
        .into_iter()
        .flatten()
        .collect();
        out.push_str(&format!(
            "::notice title=skinflint::{left} more finding{} not annotated ({}): GitHub shows {ANNOTATIONS_PER_KIND} annotations of each kind per step; the job log or the SARIF report has all of them\n",
            if left == 1 { "" } else { "s" },
            parts.join(", ")
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
        assert_eq!(data("50%: a,b\r\n"), "50%25: a,b\\u{d}%0A");
        assert_eq!(data("pool\u{1b}]8;;x\u{7}"), "pool\\u{1b}]8;;x\\u{7}");
        assert_eq!(property("a\u{202e}b"), "a\\u{202e}b");
    }
}
