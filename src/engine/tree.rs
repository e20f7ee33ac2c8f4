//! The trees a change is judged between: a commit, the index (what a commit being made
//! holds), the work tree's tracked files, or a directory of rendered manifests. Each is
//! read into memory with repository-relative keys, so the same file has the same
//! identity on both sides whatever the checkout looks like.

use super::git::{self, Content};
use super::ToolError;
use crate::source::{self, Input, LoadOptions, Loaded};
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// One side of a comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Side {
    /// A commit id; `None` is the empty tree (a branch with no commit yet).
    Commit(Option<String>),
    /// The index: staged content, as `git commit` would record it.
    Staged,
    /// Tracked files as they are in the work tree.
    WorkTree,
    /// Every YAML file under a directory (rendered Helm or Kustomize output).
    Dir(PathBuf),
}

/// A path the user named, relative to the repository root.
#[derive(Debug, Clone)]
struct Named {
    rel: String,
    /// Named as a file (not a directory): taken whatever its extension.
    file: bool,
    /// Exists neither as file nor as directory now (deleted): matched both ways.
    missing: bool,
}

impl Named {
    fn matches(&self, path: &str) -> bool {
        if (self.file || self.missing) && path == self.rel {
            return true;
        }
        if self.file {
            return false;
        }
        let rest = if self.rel.is_empty() {
            path
        } else {
            match path
                .strip_prefix(self.rel.as_str())
                .and_then(|r| r.strip_prefix('/'))
            {
                Some(r) => r,
                None => return false,
            }
        };
        // As the directory walk does: YAML names only, hidden paths skipped.
        is_yaml(rest) && !rest.split('/').any(|c| c.starts_with('.'))
    }
}

fn is_yaml(path: &str) -> bool {
    path.ends_with(".yaml") || path.ends_with(".yml")
}

/// Which repository files a run reads: the named paths (reported on) and context paths
/// (read for cross-resource rules only).
#[derive(Debug, Clone)]
pub struct Scope {
    top: PathBuf,
    /// The working directory relative to `top` (`""` at the root).
    cwd: String,
    named: Vec<Named>,
    context: Vec<Named>,
}

impl Scope {
    /// The scope of the user's paths, which must lie inside the repository of the
    /// working directory.
    pub fn new(paths: &[String], context: &[String]) -> Result<Scope, ToolError> {
        let top = git::top_level().map_err(ToolError::Git)?;
        let cwd = git::relative_to(&top, Path::new(".")).unwrap_or_default();
        let convert = |list: &[String]| -> Result<Vec<Named>, ToolError> {
            list.iter()
                .map(|p| {
                    if p == "-" {
                        return Err(ToolError::Git(git::GitError::StdinHasNoHistory));
                    }
                    let path = Path::new(p);
                    let rel = git::relative_to(&top, path).ok_or_else(|| {
                        ToolError::Git(git::GitError::OutsideRepository(p.clone()))
                    })?;
                    Ok(Named {
                        rel,
                        file: path.is_file(),
                        missing: !path.exists(),
                    })
                })
                .collect()
        };
        Ok(Scope {
            named: convert(paths)?,
            context: convert(context)?,
            top,
            cwd,
        })
    }

    /// `Some(true)` for a path reported on, `Some(false)` for context, `None` when out
    /// of scope.
    fn wants(&self, path: &str) -> Option<bool> {
        if self.named.iter().any(|n| n.matches(path)) {
            Some(true)
        } else if self.context.iter().any(|n| n.matches(path)) {
            Some(false)
        } else {
            None
        }
    }

    /// A repository path as the plain check names it: relative to the working
    /// directory when below it, absolute otherwise.
    fn display(&self, rel: &str) -> String {
        let below = if self.cwd.is_empty() {
            Some(rel)
        } else {
            rel.strip_prefix(self.cwd.as_str())
                .and_then(|r| r.strip_prefix('/'))
        };
        match below {
            Some(r) => r.to_string(),
            None => self.top.join(rel).to_string_lossy().into_owned(),
        }
    }
}

/// Files read into memory, not yet parsed.
#[derive(Debug, Default)]
pub struct Tree {
    /// Name reports show.
    pub names: Vec<String>,
    /// Repository-relative path (relative to the directory for [`Side::Dir`]): the
    /// file's identity in fingerprints.
    pub keys: Vec<String>,
    pub contents: Vec<Content>,
    /// Whether findings in the file are reported (named paths) or it is context only.
    pub reported: Vec<bool>,
    /// The path the file's cluster scope is judged by: where it lies in the checkout,
    /// or for a rendered directory its path inside it (as if the directory were the
    /// repository).
    pub cluster_paths: Vec<String>,
}

impl Tree {
    fn push(&mut self, name: String, key: String, content: Content, reported: bool) {
        self.cluster_paths.push(name.clone());
        self.names.push(name);
        self.keys.push(key);
        self.contents.push(content);
        self.reported.push(reported);
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// Parse every file, in parallel, keeping the order.
    pub fn parse(&self, opts: LoadOptions) -> Vec<Loaded> {
        self.names
            .par_iter()
            .zip(self.contents.par_iter())
            .map(|(name, content)| source::load_bytes(name.clone(), content.clone(), opts))
            .collect()
    }
}

/// Read one side of a repository comparison. Untracked files are read only when named
/// as files, so a stray local file never satisfies a rule for a commit that lacks it.
pub fn read(side: &Side, scope: &Scope, opts: LoadOptions) -> Result<Tree, ToolError> {
    let max = opts.max_file_size;
    let wanted = |p: &str| scope.wants(p).is_some();
    let mut files: Vec<(String, Content)> = match side {
        Side::Commit(id) => git::files_at(id.as_deref(), &wanted, max),
        Side::Staged => git::files_staged(&wanted, max),
        Side::WorkTree => git::tracked_paths(&wanted).map(|paths| {
            paths
                .into_iter()
                .filter_map(|rel| {
                    let abs = scope.top.join(&rel);
                    abs.is_file().then(|| (rel, source::read_file(&abs, max)))
                })
                .collect()
        }),
        Side::Dir(dir) => return read_dir(dir, opts),
    }
    .map_err(ToolError::Git)?;
    if !matches!(side, Side::Commit(_)) {
        for n in scope.named.iter().filter(|n| n.file) {
            if !files.iter().any(|(rel, _)| rel == &n.rel) {
                let abs = scope.top.join(&n.rel);
                files.push((n.rel.clone(), source::read_file(&abs, max)));
            }
        }
        files.sort_by(|a, b| a.0.cmp(&b.0));
    }
    let mut tree = Tree::default();
    for (rel, content) in files {
        let reported = scope.wants(&rel).unwrap_or(false);
        tree.push(scope.display(&rel), rel, content, reported);
    }
    Ok(tree)
}

/// Every YAML file under `dir`, keyed by its path relative to `dir`.
pub fn read_dir(dir: &Path, opts: LoadOptions) -> Result<Tree, ToolError> {
    let shown = dir.to_string_lossy().into_owned();
    if !dir.is_dir() {
        return Err(ToolError::PathNotFound(shown));
    }
    let (inputs, _) = source::discover(std::slice::from_ref(&shown), false)
        .map_err(|e| ToolError::PathNotFound(e.0))?;
    let mut tree = Tree::default();
    for input in inputs {
        let Input::File(path) = input else { continue };
        let clean = dir.strip_prefix("./").unwrap_or(dir);
        let key = path
            .strip_prefix(dir)
            .or_else(|_| path.strip_prefix(clean))
            .unwrap_or(&path)
            .to_string_lossy()
            .replace('\\', "/");
        let content = source::read_file(&path, opts.max_file_size);
        tree.push(
            path.to_string_lossy().into_owned(),
            key.clone(),
            content,
            true,
        );
        if let Some(last) = tree.cluster_paths.last_mut() {
            *last = key;
        }
    }
    Ok(tree)
}
