//! Errors in skinflint's own YAML (rule files, `.skinflint.yaml`), with a location.
//! `Display` is the one-line `path:line:column: message` that JSON and SARIF carry;
//! [`LocatedError::render`] shows the line of the file with the position underlined.

use crate::report::escape::visible;
use crate::source::{yaml, Limits, NodeRef, SourceFile};
use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceCode,
    SourceSpan,
};
use std::fmt;
use std::ops::Range;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocatedError {
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for LocatedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.path, self.line, self.column, self.message
        )
    }
}

impl std::error::Error for LocatedError {}

impl LocatedError {
    /// The error as a report for a person: the message, then the line it points at in
    /// the file with the position underlined (colours only when standard error is a
    /// terminal and `NO_COLOR` is unset). The one-line form when the file cannot be read
    /// again (a config file that does not exist).
    pub fn render(&self) -> String {
        use std::io::IsTerminal;
        let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
        self.render_styled(color)
    }

    /// [`LocatedError::render`] with colours on or off.
    pub fn render_styled(&self, color: bool) -> String {
        let Some(diagnostic) = self.source_text().map(|t| self.diagnostic(t)) else {
            return format!("{self}\n");
        };
        let theme = if color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        let handler = GraphicalReportHandler::new_themed(theme)
            .with_context_lines(1)
            .with_width(110);
        let mut out = String::new();
        match handler.render_report(&mut out, &diagnostic) {
            Ok(()) => out,
            Err(_) => format!("{self}\n"),
        }
    }

    /// The error pointing into `text`, the contents of its file.
    pub fn diagnostic(&self, text: String) -> LocatedDiagnostic {
        let file = SourceFile::new(self.path.clone(), text);
        let count = file.line_count();
        let target = self.line.clamp(1, count);
        // The file as shown: its lines with hostile characters made visible, so a file
        // cannot drive the reader's terminal; the span is measured in that text.
        let mut shown = String::with_capacity(file.text.len());
        let mut span = (0, 0);
        for n in 1..=count {
            let from = file.line_start(n).unwrap_or(file.text.len());
            let to = file.line_start(n + 1).unwrap_or(file.text.len());
            let line = file.text[from..to].trim_end_matches(['\n', '\r']);
            if n == target {
                let (before, word) = word_at(line, self.column);
                span = (shown.len() + visible(before).len(), visible(word).len());
            }
            shown.push_str(&visible(line));
            if n < count {
                shown.push('\n');
            }
        }
        LocatedDiagnostic {
            message: visible(&self.message).into_owned(),
            span: span.into(),
            source: NamedSource::new(visible(&self.path), shown),
        }
    }

    /// The text of the file the error is in: on disk, else a built-in rule file.
    fn source_text(&self) -> Option<String> {
        std::fs::read_to_string(&self.path).ok().or_else(|| {
            super::registry::RULE_FILES
                .iter()
                .find(|(path, _)| *path == self.path)
                .map(|(_, text)| text.to_string())
        })
    }
}

/// The text of `line` before the 1-based character `column`, and the word that starts
/// there (up to white space, without a mapping key's colon).
fn word_at(line: &str, column: usize) -> (&str, &str) {
    let at = line
        .char_indices()
        .nth(column.saturating_sub(1))
        .map_or(line.len(), |(i, _)| i);
    let (before, rest) = line.split_at(at);
    let word = &rest[..rest.find(char::is_whitespace).unwrap_or(rest.len())];
    let word = word
        .strip_suffix(':')
        .filter(|w| !w.is_empty())
        .unwrap_or(word);
    (before, word)
}

/// A [`LocatedError`] with the text of its file and the byte span it points at, for
/// miette to show.
#[derive(Debug)]
pub struct LocatedDiagnostic {
    message: String,
    source: NamedSource<String>,
    span: SourceSpan,
}

impl fmt::Display for LocatedDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for LocatedDiagnostic {}

impl Diagnostic for LocatedDiagnostic {
    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(std::iter::once(LabeledSpan::new_with_span(
            Some("here".to_string()),
            self.span,
        ))))
    }
}

/// A parsed settings file and a way to make located errors in it.
pub struct SettingsFile {
    pub file: SourceFile,
    pub doc: Option<yaml::Document>,
}

impl SettingsFile {
    /// Parse; a syntax error or duplicate key is returned as a located error.
    pub fn parse(path: &str, text: &str) -> Result<SettingsFile, LocatedError> {
        let parsed = yaml::parse(text, Limits::default());
        let file = SourceFile::new(path, text.to_string());
        if let Some(p) = parsed.problems.first() {
            let lc = file.line_col(p.span.start);
            return Err(LocatedError {
                path: path.to_string(),
                line: lc.line,
                column: lc.column,
                message: p.message.clone(),
            });
        }
        if parsed.documents.len() > 1 {
            return Err(LocatedError {
                path: path.to_string(),
                line: 1,
                column: 1,
                message: "expected a single YAML document".to_string(),
            });
        }
        Ok(SettingsFile {
            file,
            doc: parsed.documents.into_iter().next(),
        })
    }

    pub fn root(&self) -> Option<NodeRef<'_>> {
        self.doc.as_ref().and_then(NodeRef::root)
    }

    pub fn error_at(&self, span: Range<usize>, message: impl Into<String>) -> LocatedError {
        let lc = self.file.line_col(span.start);
        LocatedError {
            path: self.file.path.clone(),
            line: lc.line,
            column: lc.column,
            message: message.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(path: &str, line: usize, column: usize) -> LocatedError {
        LocatedError {
            path: path.to_string(),
            line,
            column,
            message: "unknown key `rulez`".to_string(),
        }
    }

    #[test]
    fn render_shows_the_line_with_the_position_underlined() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".skinflint.yaml");
        std::fs::write(&path, "fail-on: error\nrulez:\n  x: 1\n").unwrap();
        let e = error(&path.to_string_lossy(), 2, 1);
        let out = e.render_styled(false);
        assert!(out.contains("unknown key `rulez`"), "{out}");
        assert!(out.contains("2 │ rulez:"), "{out}");
        assert!(out.contains(".skinflint.yaml:2:1"), "{out}");
        assert!(out.contains("here"), "{out}");
        assert!(!out.contains('\u{1b}'), "no colours: {out}");
        // The one-line form is unchanged.
        assert!(e
            .to_string()
            .ends_with(".skinflint.yaml:2:1: unknown key `rulez`"));
    }

    #[test]
    fn render_points_at_a_character_column_after_multibyte_text() {
        let d = error("x.yaml", 1, 4).diagnostic("é: ab cd\n".to_string());
        assert_eq!(d.span, SourceSpan::from((4, 2)), "`ab`: column 4, byte 4");
        let d = error("x.yaml", 9, 40).diagnostic("a: b\n".to_string());
        assert_eq!(d.span.offset(), 5, "clamped to the end of the text");
    }

    #[test]
    fn render_shows_hostile_characters_escaped() {
        let d = error("x.yaml", 2, 3).diagnostic("a: 1\r\nb\u{1b}[2J: ab\r\n".to_string());
        let mut out = String::new();
        GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor())
            .render_report(&mut out, &d)
            .unwrap();
        assert!(!out.contains('\u{1b}') && !out.contains('\r'), "{out:?}");
        assert!(out.contains("b\\u{1b}[2J: ab"), "{out}");
        // Column 3 is `[`, after the escape, which is 6 characters wide when shown.
        assert_eq!(d.span, SourceSpan::from((5 + 7, 3)), "{out}");
    }

    #[test]
    fn render_without_the_file_is_the_one_line_form() {
        let e = error("/nonexistent/.skinflint.yaml", 1, 1);
        assert_eq!(e.render_styled(false), format!("{e}\n"));
    }
}
