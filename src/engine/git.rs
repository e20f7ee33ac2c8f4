//! Reading a repository's YAML as it was at a revision, as it is staged, or as it is in
//! the work tree, without touching the checkout: `git ls-tree` / `git ls-files` list the
//! files and one `git cat-file --batch` process streams their contents.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::source::ReadError;

/// A file's content, or why it could not be read (reported like an unreadable file).
pub type Content = Result<Vec<u8>, ReadError>;

/// Why git could not tell what the repository holds.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GitError {
    #[error("cannot run git: {0}")]
    Spawn(String),
    #[error("`git {command}` failed: {stderr}")]
    Failed { command: String, stderr: String },
    #[error("unknown revision `{0}`")]
    UnknownRevision(String),
    #[error("`{0}` shares no history with the compared revision")]
    NoCommonHistory(String),
    /// Reading blobs from `git cat-file --batch` went wrong.
    #[error("git cat-file: {0}")]
    CatFile(String),
    #[error("standard input has no earlier version to compare with; name files or directories")]
    StdinHasNoHistory,
    #[error("{0} is outside the git repository")]
    OutsideRepository(String),
    /// A revision was to be read without the repository's paths resolved.
    #[error("no repository scope")]
    NoScope,
}

fn git(args: &[&str]) -> Result<Vec<u8>, GitError> {
    let out = Command::new("git")
        .args(args)
        .output()
        .map_err(|e| GitError::Spawn(e.to_string()))?;
    if !out.status.success() {
        return Err(GitError::Failed {
            command: args.join(" "),
            stderr: String::from_utf8_lossy(&out.stderr).trim().to_string(),
        });
    }
    Ok(out.stdout)
}

fn trimmed(bytes: Vec<u8>) -> String {
    String::from_utf8_lossy(&bytes).trim().to_string()
}

/// The root of the work tree the working directory is in.
pub fn top_level() -> Result<PathBuf, GitError> {
    let top = PathBuf::from(trimmed(git(&["rev-parse", "--show-toplevel"])?));
    Ok(top.canonicalize().unwrap_or(top))
}

/// The commit `rev` names, or `None` for `HEAD` on a branch with no commit yet (the
/// first commit of a repository, where everything is new).
pub fn resolve(rev: &str) -> Result<Option<String>, GitError> {
    let spec = format!("{rev}^{{commit}}");
    match git(&["rev-parse", "--verify", "--quiet", &spec]) {
        Ok(id) => Ok(Some(trimmed(id))),
        Err(_) if rev == "HEAD" && git(&["rev-parse", "--verify", "--quiet", "HEAD"]).is_err() => {
            Ok(None)
        }
        Err(_) => Err(GitError::UnknownRevision(rev.to_string())),
    }
}

/// Where a branch forked from `rev`: the merge base of `rev` and `head` (`HEAD` when
/// `None`), so commits that landed on `rev` since do not count as the branch's changes,
/// as a pull request's "Files changed" shows. `None` when `rev` is `HEAD` on a branch
/// with no commit yet.
pub fn fork_point(rev: &str, head: Option<&str>) -> Result<Option<String>, GitError> {
    let Some(commit) = resolve(rev)? else {
        return Ok(None);
    };
    let Some(head) = resolve(head.unwrap_or("HEAD"))? else {
        return Ok(Some(commit));
    };
    git(&["merge-base", &commit, &head])
        .map(|b| Some(trimmed(b)))
        .map_err(|_| GitError::NoCommonHistory(rev.to_string()))
}

/// Paths the caller wants read, repository-relative with `/` separators.
pub type Wanted<'a> = &'a dyn Fn(&str) -> bool;

fn nul_records(bytes: &[u8]) -> impl Iterator<Item = &[u8]> {
    bytes.split(|b| *b == 0).filter(|r| !r.is_empty())
}

/// Regular files (not symlinks or submodules) of a `ls-tree` / `ls-files -s` listing:
/// (path, object id).
fn blobs(listing: &[u8], staged: bool, wanted: Wanted) -> Vec<(String, String)> {
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    for rec in nul_records(listing) {
        let rec = String::from_utf8_lossy(rec);
        let Some((meta, path)) = rec.split_once('\t') else {
            continue;
        };
        let fields: Vec<&str> = meta.split(' ').collect();
        // ls-tree: MODE TYPE OID; ls-files -s: MODE OID STAGE.
        let (mode, oid, ok) = if staged {
            match fields.as_slice() {
                // Unmerged paths: take "ours" (stage 2), as the commit will hold it.
                [mode, oid, stage] => (*mode, *oid, *stage == "0" || *stage == "2"),
                _ => continue,
            }
        } else {
            match fields.as_slice() {
                [mode, kind, oid] => (*mode, *oid, *kind == "blob"),
                _ => continue,
            }
        };
        if ok && (mode == "100644" || mode == "100755") && wanted(path) {
            out.insert(path.to_string(), oid.to_string());
        }
    }
    out.into_iter().collect()
}

/// Read blobs through one `git cat-file --batch`: ids are written from a thread while
/// contents are read, so neither pipe fills up. Blobs over `max` bytes are skipped
/// unread and reported as too large.
fn cat_blobs(list: Vec<(String, String)>, max: u64) -> Result<Vec<(String, Content)>, GitError> {
    if list.is_empty() {
        return Ok(Vec::new());
    }
    let mut child = Command::new("git")
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| GitError::Spawn(e.to_string()))?;
    let cat_err = |e: std::io::Error| GitError::CatFile(e.to_string());
    let mut stdin = child
        .stdin
        .take()
        .ok_or_else(|| GitError::CatFile("cannot write to it".to_string()))?;
    let ids: Vec<String> = list.iter().map(|(_, oid)| oid.clone()).collect();
    let writer = std::thread::spawn(move || {
        for id in ids {
            if writeln!(stdin, "{id}").is_err() {
                break;
            }
        }
    });
    let stdout = child
        .stdout
        .take()
        .ok_or_else(|| GitError::CatFile("cannot read from it".to_string()))?;
    let mut reader = BufReader::new(stdout);
    let mut out = Vec::with_capacity(list.len());
    for (path, _) in list {
        let mut header = String::new();
        reader.read_line(&mut header).map_err(cat_err)?;
        // "<oid> blob <size>" or "<oid> missing".
        let size: u64 = header
            .split_whitespace()
            .nth(2)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| GitError::CatFile(format!("cannot read {path}: {}", header.trim())))?;
        let mut body = Vec::with_capacity(size.min(max) as usize);
        if size > max {
            std::io::copy(&mut (&mut reader).take(size), &mut std::io::sink()).map_err(cat_err)?;
            out.push((path, Err(ReadError::TooLarge { size, max })));
        } else {
            (&mut reader)
                .take(size)
                .read_to_end(&mut body)
                .map_err(cat_err)?;
            out.push((path, Ok(body)));
        }
        let mut newline = [0u8; 1];
        reader.read_exact(&mut newline).map_err(cat_err)?;
    }
    let _ = writer.join();
    let _ = child.wait();
    Ok(out)
}

/// The wanted files of commit `rev` (`None`: the empty tree of an unborn branch).
pub fn files_at(
    rev: Option<&str>,
    wanted: Wanted,
    max: u64,
) -> Result<Vec<(String, Content)>, GitError> {
    let Some(rev) = rev else {
        return Ok(Vec::new());
    };
    let listing = git(&["ls-tree", "-r", "-z", "--full-tree", rev])?;
    cat_blobs(blobs(&listing, false, wanted), max)
}

/// The wanted files as staged in the index (what the commit being made will hold).
pub fn files_staged(wanted: Wanted, max: u64) -> Result<Vec<(String, Content)>, GitError> {
    let listing = git(&["ls-files", "-s", "-z", "--full-name", ":/"])?;
    cat_blobs(blobs(&listing, true, wanted), max)
}

/// The wanted tracked files as they are in the work tree now; files deleted from the
/// work tree are left out.
pub fn tracked_paths(wanted: Wanted) -> Result<Vec<String>, GitError> {
    let listing = git(&["ls-files", "-z", "--cached", "--full-name", ":/"])?;
    let mut out: Vec<String> = nul_records(&listing)
        .map(|p| String::from_utf8_lossy(p).into_owned())
        .filter(|p| wanted(p))
        .collect();
    out.dedup();
    Ok(out)
}

/// `path` relative to `top`, with `/` separators, when it lies inside it.
pub fn relative_to(top: &Path, path: &Path) -> Option<String> {
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        let cwd = std::env::current_dir().ok()?;
        cwd.canonicalize().unwrap_or(cwd).join(path)
    };
    let abs = abs.canonicalize().unwrap_or_else(|_| normalize(&abs));
    let rel = abs.strip_prefix(top).ok()?;
    Some(rel.to_string_lossy().replace('\\', "/"))
}

/// Resolve `.` and `..` without touching the file system (for paths that may not exist).
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}
