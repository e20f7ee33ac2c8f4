//! `skinflint diff`: check two trees (git revisions, the index, the work tree, or two
//! directories of rendered manifests) and report the findings the change introduced,
//! fixed and left in place, with the monthly cost delta per resource.

pub mod cost;

use crate::engine::tree::{self, Side};
use crate::engine::{self, changes, git, CheckRequest, Evaluated, Inputs, ToolError};
use crate::rule::{Finding, Severity};

/// A side as the user names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A git revision.
    Rev(String),
    /// Tracked files as they are in the work tree.
    WorkTree,
    /// The index (what the commit being made holds).
    Staged,
    /// A directory of rendered manifests.
    Dir(std::path::PathBuf),
}

pub struct DiffRequest {
    pub base: Source,
    pub head: Source,
    /// Paths (scope within the repository; ignored for directories), rules, config and
    /// reading limits, as for `check`.
    pub check: CheckRequest,
    /// Spot price as a fraction of on-demand.
    pub spot_discount: f64,
}

/// One side after checking.
pub struct SideReport {
    /// What the side is: `main (merge base 1a2b3c4d)`, `working tree`, a directory.
    pub label: String,
    /// The commit read, for git revisions.
    pub commit: Option<String>,
    pub checked: Evaluated,
}

pub struct DiffOutcome {
    pub base: SideReport,
    pub head: SideReport,
    /// Indexes into `head.checked.findings`.
    pub new: Vec<usize>,
    /// Indexes into `base.checked.findings`.
    pub fixed: Vec<usize>,
    /// Indexes into `head.checked.findings`.
    pub unchanged: Vec<usize>,
    pub cost: cost::CostDelta,
    pub notes: Vec<String>,
    /// The config's `fail-on`, when it sets one.
    pub fail_on: Option<String>,
}

impl DiffOutcome {
    pub fn new_findings(&self) -> impl Iterator<Item = &Finding> {
        self.new.iter().map(|i| &self.head.checked.findings[*i])
    }

    pub fn fixed_findings(&self) -> impl Iterator<Item = &Finding> {
        self.fixed.iter().map(|i| &self.base.checked.findings[*i])
    }

    /// Whether a new finding is at or above `min`.
    pub fn fails(&self, min: Severity) -> bool {
        self.new_findings().any(|f| f.severity >= min)
    }
}

fn short(id: &str) -> &str {
    &id[..id.len().min(12)]
}

/// Resolve a side to the tree to read and its label. A base revision is compared from
/// where the later side forked from it (its merge base), as a pull request is.
fn resolve(
    source: &Source,
    fork_of: Option<&str>,
) -> Result<(Side, String, Option<String>), ToolError> {
    Ok(match source {
        Source::Rev(rev) => {
            let commit = match fork_of {
                Some(head) => git::fork_point(rev, Some(head)),
                None => git::resolve(rev),
            }
            .map_err(ToolError::Git)?;
            let tip = git::resolve(rev).map_err(ToolError::Git)?;
            let label = match &commit {
                Some(c) if tip.as_ref() != Some(c) => format!("{rev} (merge base {})", short(c)),
                Some(c) => format!("{rev} ({})", short(c)),
                None => format!("{rev} (no commit yet)"),
            };
            (Side::Commit(commit.clone()), label, commit)
        }
        Source::WorkTree => (Side::WorkTree, "working tree".to_string(), None),
        Source::Staged => (Side::Staged, "staged changes".to_string(), None),
        Source::Dir(d) => (Side::Dir(d.clone()), d.display().to_string(), None),
    })
}

/// Check both sides and compare them.
pub fn run(req: &DiffRequest) -> Result<DiffOutcome, ToolError> {
    let setup = engine::prepare(&req.check)?;
    // Every dollar figure of this run comes from the team's price table when it has one.
    let _prices = setup
        .cfg
        .prices
        .clone()
        .map(crate::catalog::prices::use_table);
    let uses_git = |s: &Source| !matches!(s, Source::Dir(_));
    let scope = if uses_git(&req.base) || uses_git(&req.head) {
        Some(tree::Scope::new(&req.check.paths, &req.check.context)?)
    } else {
        None
    };
    let (head_side, head_label, head_commit) = resolve(&req.head, None)?;
    let fork = match (&req.base, &head_commit) {
        (Source::Rev(_), Some(c)) => Some(c.clone()),
        (Source::Rev(_), None) => Some("HEAD".to_string()),
        _ => None,
    };
    let (base_side, base_label, base_commit) = resolve(&req.base, fork.as_deref())?;
    let read = |side: &Side| -> Result<tree::Tree, ToolError> {
        match (side, &scope) {
            (Side::Dir(dir), _) => tree::read_dir(dir, req.check.load),
            (_, Some(scope)) => tree::read(side, scope, req.check.load),
            (_, None) => Err(ToolError::Git(git::GitError::NoScope)),
        }
    };
    let before = read(&base_side)?;
    let after = read(&head_side)?;
    if before.is_empty() && after.is_empty() {
        return Err(ToolError::NoYaml(format!("{base_label} and {head_label}")));
    }
    let before = engine::evaluate(&setup, Inputs::from_tree(before, &req.check, &setup));
    let after = engine::evaluate(&setup, Inputs::from_tree(after, &req.check, &setup));
    let cmp = changes::compare(&before.findings, &after.findings);
    let cost = cost::delta(
        (&before.files, &before.keys),
        (&after.files, &after.keys),
        req.spot_discount,
    );
    let mut notes = setup.notes.clone();
    notes.extend(before.notes.iter().cloned());
    notes.extend(after.notes.iter().cloned());
    Ok(DiffOutcome {
        base: SideReport {
            label: base_label,
            commit: base_commit,
            checked: before,
        },
        head: SideReport {
            label: head_label,
            commit: head_commit,
            checked: after,
        },
        new: cmp.new,
        fixed: cmp.fixed,
        unchanged: cmp.unchanged,
        cost,
        notes,
        fail_on: setup.cfg.fail_on.clone(),
    })
}
