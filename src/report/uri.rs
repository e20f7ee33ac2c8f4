//! File paths as reports show them: relative to the repository root in every format (so
//! a finding names its file the same way wherever skinflint runs and whichever report is
//! read), or relative to the working directory when asked; for SARIF, percent-encoded URIs.

pub use crate::source::display_path as relative_path;

/// How human and JSON reports name files (SARIF, GitHub and Markdown reports are read by
/// code hosts, which need repository paths).
#[derive(clap::ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PathFormat {
    /// Relative to the root of the git work tree holding the working directory (else to
    /// the working directory), as SARIF, GitHub and Markdown reports name them.
    #[default]
    Repo,
    /// Relative to the working directory, as given on the command line or found by the walk.
    Cwd,
}

/// `path` (as loaded) in the chosen form.
pub fn shown_path(path: &str, format: PathFormat) -> String {
    match format {
        PathFormat::Repo => relative_path(path),
        PathFormat::Cwd => {
            let p = std::path::Path::new(path);
            let under_cwd = std::env::current_dir().ok().and_then(|c| {
                p.strip_prefix(c)
                    .ok()
                    .map(|r| r.to_string_lossy().into_owned())
            });
            let s = under_cwd.unwrap_or_else(|| path.to_string());
            s.strip_prefix("./").map(str::to_string).unwrap_or(s)
        }
    }
}

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
