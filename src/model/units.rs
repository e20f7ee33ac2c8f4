//! Kubernetes quantities and Karpenter durations.

/// Render a quantity compactly: whole numbers without a fraction (`100`, not `100.0`).
pub fn amount(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// Parse a Kubernetes quantity (`1000`, `"500m"`, `4000Gi`, `1e3`) into base units.
pub fn quantity(text: &str) -> Option<f64> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    const SUFFIXES: &[(&str, f64)] = &[
        ("Ki", 1024.0),
        ("Mi", 1048576.0),
        ("Gi", 1073741824.0),
        ("Ti", 1099511627776.0),
        ("Pi", 1125899906842624.0),
        ("Ei", 1152921504606846976.0),
        ("n", 1e-9),
        ("u", 1e-6),
        ("m", 1e-3),
        ("k", 1e3),
        ("M", 1e6),
        ("G", 1e9),
        ("T", 1e12),
        ("P", 1e15),
        ("E", 1e18),
    ];
    for (s, mult) in SUFFIXES {
        if let Some(num) = t.strip_suffix(s) {
            if let Ok(v) = num.parse::<f64>() {
                return Some(v * mult);
            }
        }
    }
    t.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// A Karpenter delay: `consolidateAfter`, `expireAfter` (or seconds from v1alpha5 TTLs).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Delay {
    Never,
    Seconds(u64),
}

/// Parse `Never` or a duration of `s`/`m`/`h` parts (`1h30m`, `30s`), as Karpenter's
/// schema pattern allows.
pub fn delay(text: &str) -> Option<Delay> {
    let t = text.trim();
    if t == "Never" {
        return Some(Delay::Never);
    }
    if t.is_empty() {
        return None;
    }
    let mut total: u64 = 0;
    let mut num = String::new();
    for c in t.chars() {
        if c.is_ascii_digit() {
            num.push(c);
            continue;
        }
        let n: u64 = num.parse().ok()?;
        num.clear();
        let mult = match c {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            _ => return None,
        };
        total = total.checked_add(n.checked_mul(mult)?)?;
    }
    if !num.is_empty() {
        return None;
    }
    Some(Delay::Seconds(total))
}

/// Render seconds the way people write them (`30s`, `5m`, `1h30m`, `30d`).
pub fn human_seconds(s: u64) -> String {
    if s >= 86400 && s.is_multiple_of(86400) {
        return format!("{}d", s / 86400);
    }
    let (h, m, sec) = (s / 3600, (s % 3600) / 60, s % 60);
    let mut out = String::new();
    if h > 0 {
        out.push_str(&format!("{h}h"));
    }
    if m > 0 {
        out.push_str(&format!("{m}m"));
    }
    if sec > 0 || out.is_empty() {
        out.push_str(&format!("{sec}s"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities() {
        assert_eq!(quantity("1000"), Some(1000.0));
        assert_eq!(quantity("500m"), Some(0.5));
        assert_eq!(quantity("4000Gi"), Some(4000.0 * 1073741824.0));
        assert_eq!(quantity("abc"), None);
    }

    #[test]
    fn delays() {
        assert_eq!(delay("Never"), Some(Delay::Never));
        assert_eq!(delay("1h30m"), Some(Delay::Seconds(5400)));
        assert_eq!(delay("30s"), Some(Delay::Seconds(30)));
        assert_eq!(delay("10"), None);
        assert_eq!(human_seconds(2592000), "30d");
        assert_eq!(human_seconds(5400), "1h30m");
    }
}
