//! Precision on real repositories: `tests/realworld/` holds Karpenter pools and GPU
//! workloads copied from public repositories (see its SOURCES.md), and `verdicts.tsv` a
//! reviewed verdict for every finding skinflint reports on them. Each repository is
//! checked on its own, with its own `.skinflint.yaml` when it has one (cluster scopes for
//! examples kept side by side), as a user of that repository would run it.
//!
//! The test fails when a finding has no verdict, when a false positive recorded as fixed
//! is reported again, when a recorded true positive is no longer reported, when a false
//! positive is at error severity, or when precision falls under 97%. It prints precision
//! per rule and overall.

use crate::common::repo;
use skinflint::engine::{self, CheckRequest, ConfigChoice, Outcome};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Lowest precision (true positives over all findings) the set may fall to.
const MIN_PRECISION: f64 = 0.97;

/// The set is meant to exercise pool rules on real pools: it holds 48 NodePools and
/// Provisioners (SOURCES.md).
const MIN_POOLS: usize = 40;

fn root() -> PathBuf {
    repo().join("tests/realworld")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    /// A right finding: it must keep being reported.
    Tp,
    /// A wrong finding still reported, waiting for its rule to be fixed.
    Fp,
    /// A wrong finding no longer reported: it must not come back.
    Fixed,
}

/// One line of `verdicts.tsv`: which findings it covers and what they are worth.
#[derive(Debug)]
struct Entry {
    line: usize,
    file: String,
    rule: String,
    /// `Kind/name` of the finding's resource, `-` for findings about no resource.
    resource: String,
    /// Text the message must contain (a container's name, a pool's name), to tell apart
    /// findings of one rule on one resource; empty matches any.
    matches: String,
    verdict: Verdict,
    reason: String,
}

impl Entry {
    fn covers(&self, f: &Found) -> bool {
        self.file == f.file
            && self.rule == f.rule
            && self.resource == f.resource
            && f.message.contains(&self.matches)
    }
}

/// A finding reduced to what a verdict is keyed on.
#[derive(Debug)]
struct Found {
    file: String,
    line: usize,
    rule: String,
    severity: String,
    resource: String,
    message: String,
}

fn read_verdicts(path: &Path) -> Vec<Entry> {
    let text = std::fs::read_to_string(path).expect("verdicts.tsv is readable");
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        assert_eq!(
            cols.len(),
            6,
            "verdicts.tsv:{}: expected 6 tab-separated columns (file, rule, resource, match, verdict, reason), got {}",
            i + 1,
            cols.len()
        );
        let verdict = match cols[4] {
            "tp" => Verdict::Tp,
            "fp" => Verdict::Fp,
            "fixed" => Verdict::Fixed,
            other => panic!(
                "verdicts.tsv:{}: verdict `{other}` is not tp, fp or fixed",
                i + 1
            ),
        };
        assert!(
            !cols[5].trim().is_empty(),
            "verdicts.tsv:{}: every verdict needs a reason",
            i + 1
        );
        out.push(Entry {
            line: i + 1,
            file: cols[0].to_string(),
            rule: cols[1].to_string(),
            resource: cols[2].to_string(),
            matches: cols[3].to_string(),
            verdict,
            reason: cols[5].to_string(),
        });
    }
    out
}

/// Check one repository directory with its own config, when it has one.
fn check_repository(dir: &Path) -> Outcome {
    let mut req = CheckRequest::new(vec![dir.to_string_lossy().into_owned()]);
    let config = dir.join(".skinflint.yaml");
    req.config = if config.is_file() {
        ConfigChoice::File(config)
    } else {
        ConfigChoice::None
    };
    engine::check(&req).unwrap_or_else(|e| panic!("checking {}: {e}", dir.display()))
}

fn repositories() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root())
        .expect("tests/realworld exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

/// Path of a finding's file relative to `tests/realworld`, with `/` separators.
fn relative(path: &str) -> String {
    let base = root();
    let p = Path::new(path);
    let rel = p.strip_prefix(&base).unwrap_or(p);
    rel.to_string_lossy().replace('\\', "/")
}

#[derive(Default)]
struct Tally {
    tp: usize,
    fp: usize,
}

#[test]
fn every_finding_on_real_repositories_has_a_reviewed_verdict() {
    let entries = read_verdicts(&root().join("verdicts.tsv"));
    let mut found = Vec::new();
    let (mut pools, mut gpu_workloads) = (0, 0);
    for dir in repositories() {
        let outcome = check_repository(&dir);
        let model = skinflint::model::ModelSet::build(&outcome.files);
        pools += model.node_pools.len();
        gpu_workloads += model
            .workloads
            .iter()
            .filter(|w| !w.accelerator_demand().is_empty())
            .count();
        for f in &outcome.findings {
            let file = &outcome.files[f.file].file;
            found.push(Found {
                file: relative(&file.path),
                line: file.line_col(f.span.start).line,
                rule: f.rule.clone(),
                severity: f.severity.as_str().to_string(),
                resource: f
                    .resource
                    .as_ref()
                    .map(|r| format!("{}/{}", r.kind, r.name.as_deref().unwrap_or("")))
                    .unwrap_or_else(|| "-".to_string()),
                message: f.message.clone(),
            });
        }
    }
    println!("real-world set: {pools} node pools, {gpu_workloads} GPU/accelerator workloads");
    assert!(
        pools >= MIN_POOLS,
        "the real-world set must hold at least {MIN_POOLS} node pools; the model reads {pools}"
    );

    let mut problems = String::new();
    let mut used = vec![false; entries.len()];
    let mut per_rule: BTreeMap<String, Tally> = BTreeMap::new();
    for f in &found {
        // The most specific entry (longest `match`) decides.
        let entry = entries
            .iter()
            .enumerate()
            .filter(|(_, e)| e.covers(f))
            .max_by_key(|(_, e)| e.matches.len());
        let Some((i, e)) = entry else {
            let _ = writeln!(
                problems,
                "no verdict for {}:{} [{}] {}: {}\n  paste into verdicts.tsv (tp or fp, with the reason):\n{}\t{}\t{}\t\tVERDICT\tREASON",
                f.file, f.line, f.rule, f.resource, f.message, f.file, f.rule, f.resource
            );
            continue;
        };
        used[i] = true;
        let tally = per_rule.entry(f.rule.clone()).or_default();
        match e.verdict {
            Verdict::Tp => tally.tp += 1,
            Verdict::Fp | Verdict::Fixed => {
                tally.fp += 1;
                if e.verdict == Verdict::Fixed {
                    let _ = writeln!(
                        problems,
                        "false positive fixed earlier is back (verdicts.tsv:{}): {}:{} [{}] {}: {}\n  why it is wrong: {}",
                        e.line, f.file, f.line, f.rule, f.resource, f.message, e.reason
                    );
                }
                if f.severity == "error" {
                    let _ = writeln!(
                        problems,
                        "false positive at error severity (verdicts.tsv:{}): {}:{} [{}] {}: {}\n  why it is wrong: {}",
                        e.line, f.file, f.line, f.rule, f.resource, f.message, e.reason
                    );
                }
            }
        }
    }
    for (e, used) in entries.iter().zip(&used) {
        match (e.verdict, used) {
            (Verdict::Tp, false) => {
                let _ = writeln!(
                    problems,
                    "true positive no longer reported (verdicts.tsv:{}): {} [{}] {} {}\n  why it was right: {}",
                    e.line, e.file, e.rule, e.resource, e.matches, e.reason
                );
            }
            (Verdict::Fp, false) => println!(
                "fixed: verdicts.tsv:{} ({} [{}] {}) is no longer reported; mark it `fixed`",
                e.line, e.file, e.rule, e.resource
            ),
            _ => {}
        }
    }

    let (mut tp, mut fp) = (0, 0);
    println!("{:<44} {:>4} {:>4} {:>10}", "rule", "tp", "fp", "precision");
    for (rule, t) in &per_rule {
        tp += t.tp;
        fp += t.fp;
        println!(
            "{:<44} {:>4} {:>4} {:>9.1}%",
            rule,
            t.tp,
            t.fp,
            100.0 * t.tp as f64 / (t.tp + t.fp) as f64
        );
    }
    let precision = if tp + fp == 0 {
        1.0
    } else {
        tp as f64 / (tp + fp) as f64
    };
    println!(
        "{:<44} {:>4} {:>4} {:>9.1}%",
        "overall",
        tp,
        fp,
        100.0 * precision
    );
    if precision < MIN_PRECISION {
        let _ = writeln!(
            problems,
            "precision {:.1}% is under {:.0}%",
            100.0 * precision,
            100.0 * MIN_PRECISION
        );
    }
    assert!(problems.is_empty(), "{problems}");
}
