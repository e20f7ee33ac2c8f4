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
    let minute = minute_of(t)?;
    let (sec, i) = seconds_of(t)?;
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
    plausible((minute - offset) as f64 + sec)
}

/// Seconds since the epoch of the minute a dated timestamp is in (`2026/01/01 10:30`),
/// when its fields are in range.
fn minute_of(t: &str) -> Option<i64> {
    let num = |r: std::ops::Range<usize>| t.get(r)?.parse::<i64>().ok();
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi) = (num(11..13)?, num(14..16)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 {
        return None;
    }
    Some(days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60)
}

/// The seconds of a dated timestamp (byte 17 on, with any fraction) and where they end.
fn seconds_of(t: &str) -> Option<(f64, usize)> {
    let b = t.as_bytes();
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
    Some((sec, i))
}

/// Parses the timestamps of one file, remembering the hour of the last one: samples a
/// few seconds apart share it, so most only parse their minutes and seconds. Gives what
/// [`parse`] gives for every input.
#[derive(Debug, Default)]
pub struct Clock {
    /// The first 14 bytes (`2026/01/01 10:`) of the last local-time timestamp, and the
    /// start of its hour.
    hour: Option<([u8; 14], i64)>,
}

impl Clock {
    /// A timestamp field, already trimmed.
    pub fn parse(&mut self, field: &[u8]) -> Option<f64> {
        if let Some((key, hour)) = &self.hour {
            if field.len() >= 19 && field[..14] == key[..] {
                if let (Some(mi), Some(sec)) = (two_digits(field, 14), local_seconds(field)) {
                    if mi <= 59 {
                        return plausible((hour + mi * 60) as f64 + sec);
                    }
                }
            }
        }
        let text = std::str::from_utf8(field).ok()?;
        let dated = field.len() >= 19 && matches!(field[4], b'/' | b'-');
        if dated && local_seconds(field).is_some() {
            if let (Some(minute), Some(mi)) = (minute_of(text), two_digits(field, 14)) {
                let key: [u8; 14] = field[..14].try_into().ok()?;
                self.hour = Some((key, minute - mi * 60));
            }
        }
        parse(text)
    }
}

/// Two ASCII digits at `at`, as a number.
fn two_digits(field: &[u8], at: usize) -> Option<i64> {
    match field.get(at..at + 2)? {
        [a, b] if a.is_ascii_digit() && b.is_ascii_digit() => {
            Some(i64::from((a - b'0') * 10 + (b - b'0')))
        }
        _ => None,
    }
}

/// The seconds of a timestamp with two-digit seconds and nothing after them but a fraction
/// (no zone, so no offset), computed as [`seconds_of`] does.
fn local_seconds(field: &[u8]) -> Option<f64> {
    let mut sec = two_digits(field, 17)? as f64;
    match field.get(19) {
        None => Some(sec),
        Some(b'.') => {
            let mut scale = 0.1;
            for &digit in &field[20..] {
                if !digit.is_ascii_digit() {
                    return None;
                }
                sec += f64::from(digit - b'0') * scale;
                scale /= 10.0;
            }
            Some(sec)
        }
        Some(_) => None,
    }
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

    #[test]
    fn the_clock_gives_what_parse_gives() {
        let mut clock = Clock::default();
        for t in [
            "2026/07/14 08:12:38.696",
            "2026/07/14 08:12:39.001",
            "2026/07/14 08:12:40",
            "2026/07/14 08:12:4x",
            "2026/07/14 08:12:41Z",
            "2026/07/14 08:12:42.5+02:00",
            "2026/07/14 08:13:00.000",
            "2026/07/14 08:61:00.000",
            "2026/07/14 08:+5:00.000",
            "2026/07/14 09:00:00.000",
            "2026-07-14T08:13:01.25",
            "2026/07/14 08:13:02.000",
            "2026/13/14 08:13:02.000",
            "1700000000000",
            "garbage",
        ] {
            assert_eq!(
                clock.parse(t.as_bytes()).map(f64::to_bits),
                parse(t).map(f64::to_bits),
                "{t}"
            );
        }
    }
}
