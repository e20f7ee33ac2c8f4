//! Errors in skinflint's own YAML (rule files, `.skinflint.yaml`), with a location.

use crate::source::{yaml, Limits, NodeRef, SourceFile};
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
