//! How far a profile can be trusted: the hours it covers, its gaps, and whether it is
//! long and dense enough to size a workload on.

use super::Profile;
use std::collections::BTreeSet;

/// Hours with data over the hours the profile spans.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Coverage {
    /// Clock hours in which any GPU had a sample.
    pub hours_with_data: u64,
    /// Clock hours from the first sample's to the last's, both included.
    pub hours_spanned: u64,
    /// Runs of hours without data inside the span.
    pub gaps: u64,
    pub longest_gap_hours: u64,
}

impl Coverage {
    pub fn fraction(&self) -> f64 {
        if self.hours_spanned == 0 {
            0.0
        } else {
            self.hours_with_data as f64 / self.hours_spanned as f64
        }
    }
}

/// Coverage of a profile's timed samples; `None` when no sample had a time.
pub fn coverage(p: &Profile) -> Option<Coverage> {
    let hours: BTreeSet<i64> = p.gpus.values().flat_map(|g| g.hours()).collect();
    let (first, last) = (*hours.first()?, *hours.last()?);
    let (mut gaps, mut longest, mut prev) = (0, 0, first);
    for &h in hours.iter().skip(1) {
        let missing = (h - prev - 1) as u64;
        if missing > 0 {
            gaps += 1;
            longest = longest.max(missing);
        }
        prev = h;
    }
    Some(Coverage {
        hours_with_data: hours.len() as u64,
        hours_spanned: (last - first + 1) as u64,
        gaps,
        longest_gap_hours: longest,
    })
}

/// What a profile needs for its recommendations to be acted on.
#[derive(Debug, Clone, Copy)]
pub struct Thresholds {
    pub min_hours: f64,
    pub min_samples: u64,
    pub min_coverage: f64,
}

/// `high`, or `low` with the reasons why.
#[derive(Debug, Clone, PartialEq)]
pub struct Confidence {
    pub reasons: Vec<String>,
}

impl Confidence {
    pub fn is_high(&self) -> bool {
        self.reasons.is_empty()
    }

    /// `high` or `low`, as outputs print it.
    pub fn level(&self) -> &'static str {
        if self.is_high() {
            "high"
        } else {
            "low"
        }
    }
}

/// Low under `min_hours` of data, under `min_samples` samples per GPU, coverage under
/// `min_coverage`, or without memory samples.
pub fn confidence(p: &Profile, t: &Thresholds) -> Confidence {
    let mut reasons = Vec::new();
    let hours = p.duration_s() / 3600.0;
    if hours < t.min_hours {
        reasons.push(format!(
            "{hours:.1} hours of data (under {:.0})",
            t.min_hours
        ));
    }
    if p.samples < t.min_samples {
        reasons.push(format!(
            "{} sample{} per GPU (under {})",
            p.samples,
            if p.samples == 1 { "" } else { "s" },
            t.min_samples
        ));
    }
    if let Some(c) = coverage(p) {
        if c.fraction() < t.min_coverage {
            reasons.push(format!(
                "data in {} of {} hours ({:.0}%, under {:.0}%; longest gap {} h)",
                c.hours_with_data,
                c.hours_spanned,
                c.fraction() * 100.0,
                t.min_coverage * 100.0,
                c.longest_gap_hours
            ));
        }
    }
    if p.gpus.values().all(|g| g.mem_samples == 0) {
        reasons.push("no GPU memory samples".to_string());
    }
    Confidence { reasons }
}
