//! Text from the checked files (resource names, paths, values quoted in messages) is
//! untrusted: an escape sequence in a name would drive the reader's terminal, a
//! bidirectional override would reorder what a reviewer reads. Reports show such
//! characters as `\u{..}` instead.

use std::borrow::Cow;

/// A character a terminal or browser would act on rather than show: controls other than
/// line feed and tab, and the bidirectional formatting characters.
pub fn is_hostile(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(
            c,
            '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
        )
}

/// `s` with every hostile character written as `\u{..}`.
pub fn visible(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_hostile) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        push_visible(&mut out, c);
    }
    Cow::Owned(out)
}

/// Append `c`, escaped when hostile.
pub fn push_visible(out: &mut String, c: char) {
    if is_hostile(c) {
        out.push_str(&format!("\\u{{{:x}}}", c as u32));
    } else {
        out.push(c);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_controls_and_bidi() {
        assert_eq!(visible("a\u{1b}[31mb"), "a\\u{1b}[31mb");
        assert_eq!(visible("x\u{202e}y\u{7}"), "x\\u{202e}y\\u{7}");
        assert_eq!(visible("line\n\tnext é"), "line\n\tnext é");
        assert!(matches!(visible("plain"), Cow::Borrowed(_)));
    }
}
