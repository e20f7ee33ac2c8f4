//! Files changed since a revision, for `--changed-since`: the diff against the merge
//! base (committed, staged and unstaged changes) plus untracked files.

use std::collections::HashSet;
use std::path::PathBuf;
use std::process::Command;

fn git(args: &[&str]) -> Result<Vec<u8>, String> {
    let out = Command::new("git")
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "`git {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(out.stdout)
}

fn nul_paths(bytes: &[u8]) -> impl Iterator<Item = String> + '_ {
    bytes
        .split(|b| *b == 0)
        .filter(|p| !p.is_empty())
        .map(|p| String::from_utf8_lossy(p).into_owned())
}

/// Canonical paths of files changed since `rev` (plus untracked ones).
pub fn changed_since(rev: &str) -> Result<HashSet<PathBuf>, String> {
    let top = String::from_utf8_lossy(&git(&["rev-parse", "--show-toplevel"])?)
        .trim()
        .to_string();
    let top = PathBuf::from(top);
    let base = String::from_utf8_lossy(&git(&["merge-base", rev, "HEAD"])?)
        .trim()
        .to_string();
    let mut out = HashSet::new();
    let diff = git(&["diff", "--name-only", "-z", "--no-renames", &base])?;
    let untracked = git(&[
        "ls-files",
        "--others",
        "--exclude-standard",
        "--full-name",
        "-z",
        ":/",
    ])?;
    for p in nul_paths(&diff).chain(nul_paths(&untracked)) {
        let abs = top.join(p);
        out.insert(abs.canonicalize().unwrap_or(abs));
    }
    Ok(out)
}
