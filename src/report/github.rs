//! `--format github`: GitHub Actions workflow commands, one annotation per finding,
//! shown on the pull request's diff at the exact line and column.

use super::uri::relative_path;
use crate::engine::{Outcome, Severity};

/// Escape a workflow-command property value.
fn property(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
        .replace(':', "%3A")
        .replace(',', "%2C")
}

/// Escape a workflow-command message.
fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

pub fn render(o: &Outcome) -> String {
    let mut out = String::new();
    for f in &o.findings {
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
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
        assert_eq!(data("50%: a,b\r\n"), "50%25: a,b%0D%0A");
    }
}
