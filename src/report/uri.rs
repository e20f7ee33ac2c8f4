//! File paths as reports show them: relative to the working directory, and for SARIF
//! percent-encoded URIs.

pub use crate::source::display_path as relative_path;

/// A relative URI reference: each byte outside RFC 3986's unreserved set (and `/`)
/// percent-encoded, so spaces and non-ASCII names survive.
pub fn relative_uri(path: &str) -> String {
    let rel = relative_path(path);
    let mut out = String::with_capacity(rel.len());
    for b in rel.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_encoded() {
        assert_eq!(relative_uri("deploy/pools.yaml"), "deploy/pools.yaml");
        assert_eq!(relative_uri("./dé ploy/a.yaml"), "d%C3%A9%20ploy/a.yaml");
        assert_eq!(relative_uri("<stdin>"), "%3Cstdin%3E");
    }
}
