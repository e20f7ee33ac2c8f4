//! Timestamps as nvidia-smi and exporters write them, to Unix seconds.

/// Days since 1970-01-01 of a civil date (proleptic Gregorian).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Parse `2024/01/15 10:30:00.123`, `2024-01-15 10:30:00`, `2025-09-08T17:26:50+08:00`,
/// `…Z`, or a plain number of (milli)seconds since the epoch.
pub fn parse(text: &str) -> Option<f64> {
    let t = text.trim();
    let b = t.as_bytes();
    // A date (`2026/01/01 …`, `2026-01-01T…`) has its separator at byte 4; anything else
    // may be epoch seconds or milliseconds.
    let dated = b.len() >= 19 && matches!(b[4], b'/' | b'-');
    if !dated {
        let n = t.parse::<f64>().ok()?;
        let secs = if n > 1e11 { n / 1000.0 } else { n };
        return plausible(secs);
    }
    let num = |r: std::ops::Range<usize>| t.get(r)?.parse::<i64>().ok();
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi) = (num(11..13)?, num(14..16)?);
    let mut i = 19;
    let mut sec: f64 = t.get(17..19)?.parse().ok()?;
    if b.get(i) == Some(&b'.') {
        let frac_end = t[i + 1..]
            .find(|c: char| !c.is_ascii_digit())
            .map_or(t.len(), |p| i + 1 + p);
        let mut scale = 0.1;
        for &digit in &b[i + 1..frac_end] {
            sec += f64::from(digit - b'0') * scale;
            scale /= 10.0;
        }
        i = frac_end;
    }
    let offset = match t.get(i..) {
        Some("") | Some("Z") | None => 0,
        Some(z) if (z.starts_with('+') || z.starts_with('-')) && z.len() >= 5 => {
            let sign = if z.starts_with('-') { -1 } else { 1 };
            let hh: i64 = z.get(1..3)?.parse().ok()?;
            // `+08:00` or `+0800`.
            let mm: i64 = match z.as_bytes()[3] {
                b':' => z.get(4..6)?.parse().ok()?,
                _ => z.get(3..5)?.parse().ok()?,
            };
            sign * (hh * 3600 + mm * 60)
        }
        _ => 0,
    };
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 {
        return None;
    }
    let days = days_from_civil(y, mo, d);
    plausible((days * 86_400 + h * 3600 + mi * 60 - offset) as f64 + sec)
}

/// Between 1970 and 2100: anything else is a corrupt field, not a sample time.
fn plausible(secs: f64) -> Option<f64> {
    (secs.is_finite() && (0.0..=4_102_444_800.0).contains(&secs)).then_some(secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(parse("1970/01/02 00:00:00.000"), Some(86_400.0));
        assert_eq!(
            parse("2025-09-08T17:26:50+08:00"),
            parse("2025-09-08T09:26:50Z")
        );
        assert_eq!(parse("1700000000000"), Some(1_700_000_000.0));
        assert_eq!(
            parse("2025-09-08T17:26:50+0800"),
            parse("2025-09-08T09:26:50Z")
        );
        for corrupt in ["inf", "NaN", "1e300", "-5", "2025/13/01 00:00:00"] {
            assert_eq!(parse(corrupt), None, "{corrupt}");
        }
        assert!((parse("2026/07/14 08:12:38.696").unwrap().fract() - 0.696).abs() < 1e-6);
    }
}
