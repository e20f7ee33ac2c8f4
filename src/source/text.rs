//! Source text and byte-offset → line/column conversion.
//!
//! Findings carry byte spans; lines and columns are computed only when a report is rendered.
//! Columns count characters (not bytes), so a non-ASCII value earlier on the line does not
//! shift the column that editors and GitHub show.

use std::ops::Range;

/// One loaded input (a file or standard input) and its line index.
#[derive(Debug)]
pub struct SourceFile {
    /// Path as given by the user or found by the walk (`<stdin>` for standard input).
    pub path: String,
    /// The full text, shared with the file's parsed documents. Empty when the file could
    /// not be decoded.
    pub text: std::sync::Arc<str>,
    /// Byte offset of each line's start; 32-bit, as inputs are capped below 4 GiB
    /// ([`super::MAX_TEXT`]). Built when a position is first asked for: most files of a
    /// large tree have no finding and never need it.
    line_starts: std::sync::OnceLock<Vec<u32>>,
}

/// A 1-based line and 1-based character column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

impl SourceFile {
    pub fn new(path: impl Into<String>, text: impl Into<std::sync::Arc<str>>) -> Self {
        SourceFile {
            path: path.into(),
            text: text.into(),
            line_starts: std::sync::OnceLock::new(),
        }
    }

    /// A line ends at `\n`, `\r\n`, or a lone `\r` (as the YAML parser reads it).
    fn line_starts(&self) -> &[u32] {
        self.line_starts.get_or_init(|| {
            let bytes = self.text.as_bytes();
            let breaks = || {
                bytes.iter().enumerate().filter_map(|(i, b)| match b {
                    b'\n' => Some(i as u32 + 1),
                    b'\r' if bytes.get(i + 1) != Some(&b'\n') => Some(i as u32 + 1),
                    _ => None,
                })
            };
            // Counted first so the index is allocated once, at its size.
            let mut starts = Vec::with_capacity(1 + breaks().count());
            starts.push(0);
            starts.extend(breaks());
            starts
        })
    }

    /// Line and character column of a byte offset (clamped to the text).
    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = self.clamp(offset);
        let line = match self.line_starts().binary_search(&(offset as u32)) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.line_starts()[line] as usize;
        let column = self.text[start..offset].chars().count() + 1;
        LineCol {
            line: line + 1,
            column,
        }
    }

    /// The end position of a span, excluding a trailing line break, so a span that ends at
    /// the start of the next line still reports the line it covers.
    pub fn end_line_col(&self, span: &Range<usize>) -> LineCol {
        let mut end = self.clamp(span.end).max(self.clamp(span.start));
        let bytes = self.text.as_bytes();
        while end > span.start && end > 0 && matches!(bytes[end - 1], b'\n' | b'\r' | b' ' | b'\t')
        {
            end -= 1;
        }
        self.line_col(end)
    }

    /// Byte offset of the first character of a 1-based line.
    pub fn line_start(&self, line: usize) -> Option<usize> {
        self.line_starts()
            .get(line.checked_sub(1)?)
            .map(|&s| s as usize)
    }

    /// Number of lines in the text.
    pub fn line_count(&self) -> usize {
        self.line_starts().len()
    }

    fn clamp(&self, offset: usize) -> usize {
        let mut offset = offset.min(self.text.len()).min(super::MAX_TEXT as usize);
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters() {
        let f = SourceFile::new("x", "a: é\nbé: 1\n".to_string());
        assert_eq!(f.line_col(0), LineCol { line: 1, column: 1 });
        let off = f.text.find('1').unwrap();
        assert_eq!(f.line_col(off), LineCol { line: 2, column: 5 });
        assert_eq!(f.line_col(999).line, 3);
    }

    #[test]
    fn carriage_returns_end_lines() {
        let f = SourceFile::new("x", "a: 1\rb: 2\r\nc: 3\n".to_string());
        assert_eq!(f.line_col(5).line, 2);
        assert_eq!(f.line_col(11).line, 3);
    }

    #[test]
    fn end_excludes_line_break() {
        let f = SourceFile::new("x", "a: b\nc: d\n".to_string());
        assert_eq!(f.end_line_col(&(3..5)), LineCol { line: 1, column: 5 });
    }
}
