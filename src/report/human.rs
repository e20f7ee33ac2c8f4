//! `--format human`: findings rendered by miette with the source snippet, rule id,
//! message and help, then a one-line summary.

use crate::catalog::usd;
use crate::engine::{Finding, Outcome, Severity};
use crate::source::SourceFile;
use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError,
    MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};
use std::fmt;

/// A source file as miette sees it: the text, with the file's name on every snippet.
struct NamedText<'a>(&'a SourceFile);

impl SourceCode for NamedText<'_> {
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        let inner =
            self.0
                .text
                .as_str()
                .read_span(span, context_lines_before, context_lines_after)?;
        Ok(Box::new(MietteSpanContents::new_named(
            self.0.path.clone(),
            inner.data(),
            *inner.span(),
            inner.line(),
            inner.column(),
            inner.line_count(),
        )))
    }
}

struct Diag<'a> {
    finding: &'a Finding,
    source: NamedText<'a>,
    heading: String,
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

impl Diag<'_> {
    fn show_snippet(&self) -> bool {
        let file = self.source.0;
        if file.text.is_empty() {
            return false;
        }
        let line = file.line_col(self.finding.span.start).line;
        let start = file.line_start(line).unwrap_or(0);
        let end = file.line_start(line + 1).unwrap_or(file.text.len());
        end - start <= MAX_SNIPPET_LINE
    }
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
        Some(Box::new(&self.finding.help))
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.show_snippet()
            .then_some(&self.source as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if !self.show_snippet() {
            return None;
        }
        let text = &self.source.0.text;
        let start = self.finding.span.start.min(text.len());
        let mut end = self.finding.span.end.clamp(start, text.len());
        // Trim a trailing line break so the label underlines only what was written.
        while end > start && matches!(text.as_bytes()[end - 1], b'\n' | b'\r' | b' ') {
            end -= 1;
        }
        let label = LabeledSpan::new_with_span(
            Some(self.finding.severity.as_str().to_string()),
            SourceSpan::new(start.into(), end - start),
        );
        Some(Box::new(std::iter::once(label)))
    }
}

/// Render every finding, then a summary line.
pub fn render(outcome: &Outcome, color: bool) -> String {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_context_lines(1)
        .with_width(110);
    let mut out = String::new();
    for f in &outcome.findings {
        let file = &outcome.files[f.file].file;
        let lc = file.line_col(f.span.start);
        let diag = Diag {
            finding: f,
            source: NamedText(file),
            heading: format!("{}:{}:{}: {}", file.path, lc.line, lc.column, f.message),
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
