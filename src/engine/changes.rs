//! Comparing the findings of two trees by fingerprint: which are new, which the change
//! fixed and which it left in place. Fingerprints do not depend on lines or document
//! order, so moving a resource within a file, or editing around it, changes nothing.

use super::Finding;
use std::collections::HashMap;

/// Indexes into the two finding lists.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Comparison {
    /// Findings of the later tree the earlier one lacks.
    pub new: Vec<usize>,
    /// Findings of the earlier tree the later one lacks.
    pub fixed: Vec<usize>,
    /// Findings of the later tree the earlier one has too.
    pub unchanged: Vec<usize>,
}

/// Match findings by fingerprint, each finding of one side with at most one of the other.
pub fn compare(before: &[Finding], after: &[Finding]) -> Comparison {
    let mut left: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, f) in before.iter().enumerate().rev() {
        left.entry(f.fingerprint.as_str()).or_default().push(i);
    }
    let mut out = Comparison::default();
    for (i, f) in after.iter().enumerate() {
        match left.get_mut(f.fingerprint.as_str()).and_then(Vec::pop) {
            Some(_) => out.unchanged.push(i),
            None => out.new.push(i),
        }
    }
    out.fixed = left.into_values().flatten().collect();
    out.fixed.sort_unstable();
    out
}
