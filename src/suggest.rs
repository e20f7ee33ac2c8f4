//! "Did you mean" suggestions for misspelt names (rule ids, parameters, instance types),
//! with one notion of "close enough" everywhere.

/// Edits between two names; swapping two neighbouring letters counts as one edit.
pub fn distance(a: &str, b: &str) -> usize {
    strsim::damerau_levenshtein(a, b)
}

/// [`distance`] when it is at most `max`. Names whose lengths differ by more than `max`
/// are that many edits apart at least, so they are skipped without comparing letters:
/// an unknown name is often checked against the whole instance catalog.
pub fn distance_within(a: &str, b: &str, max: usize) -> Option<usize> {
    let (la, lb) = (a.chars().count(), b.chars().count());
    if la.abs_diff(lb) > max {
        return None;
    }
    Some(distance(a, b)).filter(|d| *d <= max)
}

/// The most edits a suggestion may be away from `name`: a third of its length, at least
/// two, so short names still get suggestions and long ones do not match anything.
pub fn max_distance(name: &str) -> usize {
    (name.chars().count() / 3).max(2)
}

/// The closest candidate within [`max_distance`] (the first one on ties), if any.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    closest_within(name, candidates, max_distance(name))
}

/// The closest candidate at most `max` edits away (the first one on ties), if any.
pub fn closest_within<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    max: usize,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .filter_map(|c| Some((distance_within(name, c, max)?, c)))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_closest_name_within_reach() {
        let ids = ["empty-node-ttl-too-long", "node-expiry-missing"];
        assert_eq!(
            did_you_mean("empty-node-ttl-to-long", ids),
            Some("empty-node-ttl-too-long")
        );
        assert_eq!(
            did_you_mean("nodee-expiry-mising", ids),
            Some("node-expiry-missing")
        );
        assert_eq!(did_you_mean("something-else", ids), None);
        // A swap of two letters is one edit.
        assert_eq!(distance("max-secnods", "max-seconds"), 1);
        assert_eq!(did_you_mean("mxa", ["max", "min"]), Some("max"));
        assert_eq!(distance_within("g5.xlarge", "g5.xlarg", 2), Some(1));
        assert_eq!(distance_within("g5.xlarge", "p5.48xlarge", 2), None);
        assert_eq!(distance_within("abc", "xyz", 2), None);
    }
}
