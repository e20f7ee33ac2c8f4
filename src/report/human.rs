//! `--format human`: findings rendered by miette with the source snippet, rule id,
//! message and help, then a one-line summary.

use super::escape;
use super::uri::{shown_path, PathFormat};
use crate::catalog::usd;
use crate::engine::Outcome;
use crate::rule::{Finding, Severity};
use crate::source::SourceFile;
use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError,
    MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};
use std::fmt;

/// The lines a snippet shows (the finding's lines and one on each side), cut from the
/// file once through its line index, with hostile characters made visible. miette then
/// scans only these lines, not the whole file once per finding.
struct Excerpt {
    name: String,
    text: String,
    /// Byte offset in the file where the excerpt starts: spans given to miette are
    /// `base` plus an offset into `text`.
    base: usize,
    /// 0-based line of the excerpt's first line.
    first_line: usize,
    /// The label, in the same coordinates.
    label: SourceSpan,
}

impl Excerpt {
    fn new(file: &SourceFile, name: &str, span: &std::ops::Range<usize>) -> Excerpt {
        let text = &file.text;
        let start = span.start.min(text.len());
        let end = span.end.clamp(start, text.len());
        let first = file.line_col(start).line.saturating_sub(1).max(1);
        let last = (file.end_line_col(span).line + 1).min(file.line_count());
        let from = file.line_start(first).unwrap_or(0);
        let to = file.line_start(last + 1).unwrap_or(text.len());
        let slice = &text[from..to];
        let (mut out, mut label_start, mut label_end) = (String::new(), None, None);
        let mut chars = slice.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if from + i >= start && label_start.is_none() {
                label_start = Some(out.len());
            }
            if from + i >= end && label_end.is_none() {
                label_end = Some(out.len());
            }
            match c {
                // A lone carriage return ends a line, as in the file's line index.
                '\r' if chars.peek().map(|p| p.1) != Some('\n') => out.push('\n'),
                '\r' => out.push('\r'),
                _ => escape::push_visible(&mut out, c),
            }
        }
        let label_start = label_start.unwrap_or(out.len());
        let mut label_end = label_end.unwrap_or(out.len()).max(label_start);
        // Trim a trailing line break so the label underlines only what was written.
        while label_end > label_start
            && matches!(out.as_bytes()[label_end - 1], b'\n' | b'\r' | b' ')
        {
            label_end -= 1;
        }
        Excerpt {
            name: escape::visible(name).into_owned(),
            text: out,
            base: from,
            first_line: first - 1,
            label: SourceSpan::new((from + label_start).into(), label_end - label_start),
        }
    }
}

impl SourceCode for Excerpt {
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        let local = SourceSpan::new(span.offset().saturating_sub(self.base).into(), span.len());
        let inner =
            self.text
                .as_str()
                .read_span(&local, context_lines_before, context_lines_after)?;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            SourceSpan::new(
                (inner.span().offset() + self.base).into(),
                inner.span().len(),
            ),
            inner.line() + self.first_line,
            inner.column(),
            inner.line_count(),
        )))
    }
}

struct Diag<'a> {
    finding: &'a Finding,
    excerpt: Option<Excerpt>,
    heading: String,
    help: String,
}

impl fmt::Debug for Diag<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.heading)
    }
}

impl fmt::Display for Diag<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.heading)
    }
}

impl std::error::Error for Diag<'_> {}

/// Lines longer than this are not shown as a snippet (minified or generated input would
/// flood the terminal); the position is still in the heading.
const MAX_SNIPPET_LINE: usize = 300;

fn show_snippet(file: &SourceFile, finding: &Finding) -> bool {
    if file.text.is_empty() {
        return false;
    }
    let line = file.line_col(finding.span.start).line;
    let start = file.line_start(line).unwrap_or(0);
    let end = file.line_start(line + 1).unwrap_or(file.text.len());
    end - start <= MAX_SNIPPET_LINE
}

impl Diagnostic for Diag<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(&self.finding.rule))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.finding.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(&self.help))
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.excerpt.as_ref().map(|e| e as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let excerpt = self.excerpt.as_ref()?;
        let label = LabeledSpan::new_with_span(
            Some(self.finding.severity.as_str().to_string()),
            excerpt.label,
        );
        Some(Box::new(std::iter::once(label)))
    }
}

/// The width reports are wrapped to when they do not go to a terminal (files, pipes, CI
/// logs), so that they read the same everywhere.
pub const DEFAULT_WIDTH: usize = 110;

/// The width to wrap to: the terminal's when standard output is one (within 60 to 200
/// columns, so that a tiny or huge window stays readable), else [`DEFAULT_WIDTH`].
pub fn terminal_width() -> usize {
    use std::io::IsTerminal;
    if !std::io::stdout().is_terminal() {
        return DEFAULT_WIDTH;
    }
    terminal_size::terminal_size().map_or(DEFAULT_WIDTH, |(w, _)| usize::from(w.0).clamp(60, 200))
}

/// Render every finding, wrapped to `width` columns, naming files as `paths` says, then a
/// summary line.
pub fn render(outcome: &Outcome, color: bool, width: usize, paths: PathFormat) -> String {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_context_lines(1)
        .with_width(width);
    let mut out = String::new();
    for f in &outcome.findings {
        let file = &outcome.files[f.file].file;
        let lc = file.line_col(f.span.start);
        let path = shown_path(&file.path, paths);
        let diag = Diag {
            finding: f,
            excerpt: show_snippet(file, f).then(|| Excerpt::new(file, &path, &f.span)),
            heading: escape::visible(&format!(
                "{}:{}:{}: {}",
                path, lc.line, lc.column, f.message
            ))
            .into_owned(),
            help: escape::visible(&f.help).into_owned(),
        };
        let mut s = String::new();
        if handler.render_report(&mut s, &diag).is_err() {
            s = format!("{}: {} [{}]\n", f.severity.as_str(), diag.heading, f.rule);
        }
        out.push_str(&s);
        out.push('\n');
    }
    out.push_str(&summary_line(outcome));
    out
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

pub fn summary_line(outcome: &Outcome) -> String {
    let s = &outcome.summary;
    let mut line = if s.findings == 0 {
        format!(
            "skinflint: no findings in {}, {} ({} not read by any rule)\n",
            plural(s.files, "file"),
            plural(s.resources, "resource"),
            s.skipped_resources
        )
    } else {
        format!(
            "skinflint: {} ({} error, {} warning, {} info) in {}, {} ({} not read by any rule)\n",
            plural(s.findings, "finding"),
            s.error,
            s.warning,
            s.info,
            plural(s.files, "file"),
            plural(s.resources, "resource"),
            s.skipped_resources
        )
    };
    if s.suppressed > 0 {
        line.push_str(&format!(
            "skinflint: {} suppressed\n",
            plural(s.suppressed, "finding")
        ));
    }
    if let (Some(m), Some(f)) = (s.baseline_matched, s.baseline_fixed) {
        line.push_str(&format!(
            "skinflint: baseline: {} already known, {} fixed since it was written\n",
            plural(m, "finding"),
            plural(f, "entry").replace("entrys", "entries")
        ));
    }
    if let (Some(fixed), Some(old)) = (s.fixed_by_change, s.preexisting) {
        line.push_str(&format!(
            "skinflint: only findings new since the compared revision are shown; the change fixed {}, {} already there\n",
            plural(fixed, "finding"),
            if old == 1 { "1 was".to_string() } else { format!("{old} were") }
        ));
    }
    let savings: f64 = outcome
        .findings
        .iter()
        .filter_map(|f| f.savings_usd_month)
        .sum();
    if savings > 0.0 {
        line.push_str(&format!(
            "skinflint: about {} a month at stake ({})\n",
            usd(savings),
            outcome.price_basis()
        ));
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labelled(e: &Excerpt) -> &str {
        let start = e.label.offset() - e.base;
        &e.text[start..start + e.label.len()]
    }

    #[test]
    fn excerpt_holds_the_lines_around_the_span_made_visible() {
        let text = "l1: a\nl2: b\nl3: \u{1b}[2Jname\nl4: d\nl5: e\n";
        let file = SourceFile::new("f.yaml", text.to_string());
        let start = text.find("name").unwrap();
        let e = Excerpt::new(&file, &file.path, &(start..start + 4));
        assert_eq!(e.text, "l2: b\nl3: \\u{1b}[2Jname\nl4: d\n");
        assert_eq!(e.first_line, 1);
        assert_eq!(labelled(&e), "name");
    }

    #[test]
    fn lone_carriage_returns_end_lines_as_in_the_line_index() {
        let text = "a: 1\rb: 2\rc: 3\r";
        let file = SourceFile::new("f.yaml", text.to_string());
        let start = text.find("2").unwrap();
        let e = Excerpt::new(&file, &file.path, &(start..start + 1));
        assert_eq!(e.text, "a: 1\nb: 2\nc: 3\n");
        assert_eq!(labelled(&e), "2");
        let lines = e.read_span(&e.label, 0, 0).unwrap();
        assert_eq!(lines.line(), 1);
    }
}
