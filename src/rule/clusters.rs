//! Cluster scopes: which cluster each input belongs to. A repository that holds several
//! clusters (`clusters/prod/`, `clusters/staging/`) or alternative examples side by side
//! names them with path globs (`clusters:` in `.skinflint.yaml`, `--cluster`); resources in
//! two different clusters never relate, and files under no cluster are shared by all.
//!
//! Globs are matched against paths relative to the root (the config file's directory, else
//! the working directory). A glob ending in `/` matches directories only; any other glob
//! matches directories and files. The outermost matching directory on a file's path is its
//! cluster (everything below a cluster directory belongs to it); a file matched by a glob
//! itself, with no matching directory above it, is a cluster of its own.

use globset::{Glob, GlobBuilder, GlobSet, GlobSetBuilder};
use std::path::{Component, Path, PathBuf};

/// Why a cluster glob cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GlobError {
    #[error("cluster glob `{0}` matches the whole repository; name the cluster directories, such as `clusters/*/`")]
    WholeRepository(String),
    #[error("invalid cluster glob `{glob}`: {error}")]
    Invalid { glob: String, error: String },
}

/// Compile one cluster glob; the error says what is wrong with it.
pub fn compile(text: &str) -> Result<(Glob, bool), GlobError> {
    let trimmed = text.trim();
    let dirs_only = trimmed.ends_with('/');
    let pattern = trimmed.strip_prefix("./").unwrap_or(trimmed);
    let pattern = pattern.trim_end_matches('/');
    if pattern.is_empty() {
        return Err(GlobError::WholeRepository(text.to_string()));
    }
    GlobBuilder::new(pattern)
        .literal_separator(true)
        .build()
        .map(|g| (g, dirs_only))
        .map_err(|e| GlobError::Invalid {
            glob: text.to_string(),
            error: e.to_string(),
        })
}

/// The compiled cluster globs and the root they are relative to.
#[derive(Debug, Clone)]
pub struct ClusterGlobs {
    /// Every glob: a directory on the path matching one is a cluster.
    dirs: GlobSet,
    /// Globs not ending in `/`: a file matching one is a cluster.
    files: GlobSet,
    root: PathBuf,
}

impl ClusterGlobs {
    /// None when no glob is given (every file is shared).
    pub fn build(globs: &[String], root: &Path) -> Result<Option<ClusterGlobs>, GlobError> {
        if globs.is_empty() {
            return Ok(None);
        }
        let mut dirs = GlobSetBuilder::new();
        let mut files = GlobSetBuilder::new();
        for g in globs {
            let (glob, dirs_only) = compile(g)?;
            if !dirs_only {
                files.add(glob.clone());
            }
            dirs.add(glob);
        }
        let set = |b: GlobSetBuilder| {
            b.build().map_err(|e| GlobError::Invalid {
                glob: globs.join(", "),
                error: e.to_string(),
            })
        };
        Ok(Some(ClusterGlobs {
            dirs: set(dirs)?,
            files: set(files)?,
            root: absolute(root),
        }))
    }

    /// The cluster of the file at `path` (as given on the command line or found by the
    /// walk): its repository-relative cluster directory or file, or None when shared.
    pub fn cluster_of(&self, path: &str) -> Option<String> {
        let rel = self.relative(path);
        let parts: Vec<&str> = rel.split('/').filter(|p| !p.is_empty()).collect();
        let (dirs, _) = parts.split_at(parts.len().saturating_sub(1));
        for end in 1..=dirs.len() {
            let dir = dirs[..end].join("/");
            if self.dirs.is_match(&dir) {
                return Some(dir);
            }
        }
        (!parts.is_empty() && self.files.is_match(&rel)).then_some(rel)
    }

    /// `path` relative to the root, with `/` separators; the path as given (without a
    /// leading `./`) when it lies outside the root.
    fn relative(&self, path: &str) -> String {
        let abs = absolute(Path::new(path));
        let rel = match abs.strip_prefix(&self.root) {
            Ok(r) => r.to_path_buf(),
            Err(_) => PathBuf::from(path.strip_prefix("./").unwrap_or(path)),
        };
        rel.components()
            .filter_map(|c| match c {
                Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
                _ => None,
            })
            .collect::<Vec<_>>()
            .join("/")
    }
}

/// An absolute path with symlinks resolved where it exists (a `--stdin-filename` need
/// not), and `.`/`..` resolved lexically where it does not.
fn absolute(p: &Path) -> PathBuf {
    if let Ok(c) = p.canonicalize() {
        return c;
    }
    let joined = if p.is_absolute() {
        p.to_path_buf()
    } else {
        let cwd = std::env::current_dir().unwrap_or_default();
        cwd.canonicalize().unwrap_or(cwd).join(p)
    };
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn globs(g: &[&str]) -> ClusterGlobs {
        let dir = tempfile::tempdir().unwrap();
        let g: Vec<String> = g.iter().map(|s| s.to_string()).collect();
        ClusterGlobs::build(&g, dir.path()).unwrap().unwrap()
    }

    #[test]
    fn directory_globs_make_each_matched_directory_a_cluster() {
        let root = std::env::current_dir().unwrap();
        let c = ClusterGlobs::build(&["clusters/*/".to_string()], &root)
            .unwrap()
            .unwrap();
        assert_eq!(
            c.cluster_of("clusters/prod/pools/gpu.yaml").as_deref(),
            Some("clusters/prod")
        );
        assert_eq!(
            c.cluster_of("./clusters/staging/a.yaml").as_deref(),
            Some("clusters/staging")
        );
        assert_eq!(c.cluster_of("base/pools.yaml"), None);
        // A directory glob never makes a file a cluster.
        assert_eq!(c.cluster_of("clusters/common.yaml"), None);
    }

    #[test]
    fn file_globs_make_each_file_a_cluster_and_the_outermost_directory_wins() {
        let root = std::env::current_dir().unwrap();
        let g = ["examples/*.yaml".to_string(), "envs/*".to_string()];
        let c = ClusterGlobs::build(&g, &root).unwrap().unwrap();
        assert_eq!(
            c.cluster_of("examples/spot.yaml").as_deref(),
            Some("examples/spot.yaml")
        );
        assert_eq!(
            c.cluster_of("envs/eu/nested/x.yaml").as_deref(),
            Some("envs/eu")
        );
        assert_eq!(c.cluster_of("other/x.yaml"), None);
    }

    #[test]
    fn paths_outside_the_root_are_matched_as_given() {
        let c = globs(&["clusters/*/"]);
        assert_eq!(c.cluster_of("-"), None);
        assert_eq!(
            c.cluster_of("clusters/prod/x.yaml").as_deref(),
            Some("clusters/prod")
        );
    }

    #[test]
    fn bad_globs_are_errors() {
        assert!(compile("clusters/[prod/").is_err());
        assert!(compile("/").is_err());
        assert!(compile("clusters/*/").unwrap().1);
    }
}
