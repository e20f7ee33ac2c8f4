//! Utilisation per GPU over time, in buckets whose number is bounded: the busiest
//! sustained period (the p99 of 5-minute means) and the hours with data come from them.
//! Buckets start a minute wide; when a profile is too long for [`MAX_BUCKETS`] of them,
//! adjacent buckets merge and the width doubles (two minutes covers 45 days, four 91).

/// The most buckets per GPU (8 bytes each).
pub const MAX_BUCKETS: usize = 32_768;
/// The starting bucket width, in seconds.
const BASE_WIDTH_S: f64 = 60.0;

#[derive(Debug, Clone, Copy, Default)]
struct Cell {
    util_sum: f32,
    util_n: u16,
    /// Any sample (utilisation or memory) fell in this bucket.
    seen: bool,
}

#[derive(Debug, Clone, Default)]
pub struct Windows {
    /// Start of bucket 0 (a multiple of the width, so merged buckets stay aligned).
    origin: Option<f64>,
    width: f64,
    cells: Vec<Cell>,
}

impl Windows {
    pub fn width_s(&self) -> f64 {
        if self.width == 0.0 {
            BASE_WIDTH_S
        } else {
            self.width
        }
    }

    /// Records a sample at time `t` (utilisation when given).
    pub fn add(&mut self, t: f64, util: Option<f64>) {
        match util.filter(|u| u.is_finite()) {
            Some(u) => self.put(t, u.clamp(0.0, 100.0) as f32, 1),
            None => self.put(t, 0.0, 0),
        }
    }

    /// Adds `n` utilisation samples summing to `sum` (none: a memory sample) at `t`.
    fn put(&mut self, t: f64, sum: f32, n: u16) {
        if !t.is_finite() {
            return;
        }
        if self.width == 0.0 {
            self.width = BASE_WIDTH_S;
        }
        let mut origin = *self
            .origin
            .get_or_insert((t / self.width).floor() * self.width);
        while t < origin {
            origin = self.extend_back(origin, t);
        }
        let mut idx = ((t - origin) / self.width) as usize;
        while idx >= MAX_BUCKETS {
            self.compact();
            origin = self.origin.unwrap_or(origin);
            idx = ((t - origin) / self.width) as usize;
        }
        if self.cells.len() <= idx {
            self.cells.resize(idx + 1, Cell::default());
        }
        let c = &mut self.cells[idx];
        c.seen = true;
        if n > 0 && c.util_n <= u16::MAX - n {
            c.util_sum += sum;
            c.util_n += n;
        }
    }

    /// Moves the origin back to cover `t`, compacting when the buckets would not fit.
    fn extend_back(&mut self, origin: f64, t: f64) -> f64 {
        let k = ((origin - t) / self.width).ceil() as usize;
        if self.cells.len() + k > MAX_BUCKETS {
            self.compact();
            return self.origin.unwrap_or(origin);
        }
        let mut front = vec![Cell::default(); k];
        front.append(&mut self.cells);
        self.cells = front;
        let new_origin = origin - k as f64 * self.width;
        self.origin = Some(new_origin);
        new_origin
    }

    /// Doubles the width: pairs of buckets aligned on the new width merge.
    fn compact(&mut self) {
        let origin = self.origin.unwrap_or(0.0);
        let width = self.width * 2.0;
        let new_origin = (origin / width).floor() * width;
        let shift = ((origin - new_origin) / self.width).round() as usize;
        let mut merged = vec![Cell::default(); (self.cells.len() + shift).div_ceil(2)];
        for (i, c) in self.cells.iter().enumerate() {
            let m = &mut merged[(i + shift) / 2];
            m.seen |= c.seen;
            let n = (m.util_n as u32 + c.util_n as u32).min(u16::MAX as u32) as u16;
            m.util_sum += c.util_sum;
            m.util_n = n;
        }
        self.cells = merged;
        self.width = width;
        self.origin = Some(new_origin);
    }

    pub fn merge(&mut self, other: &Windows) {
        let Some(o) = other.origin else { return };
        if self.origin.is_none() {
            *self = other.clone();
            return;
        }
        // Widths are the base width times a power of two and origins multiples of them:
        // once as wide as the other, each of its buckets falls in exactly one of ours.
        while self.width < other.width {
            self.compact();
        }
        for (i, c) in other.cells.iter().enumerate() {
            if c.seen {
                self.put(o + (i as f64 + 0.5) * other.width, c.util_sum, c.util_n);
            }
        }
    }

    /// Mean utilisation of each `window_s` window that has samples (aligned on the epoch;
    /// a window shorter than the bucket width is the bucket width).
    pub fn means(&self, window_s: f64) -> Vec<f64> {
        let Some(origin) = self.origin else {
            return Vec::new();
        };
        let per = ((window_s / self.width).round() as usize).max(1);
        let first = ((origin / self.width).round() as i64).rem_euclid(per as i64) as usize;
        let mut out = Vec::new();
        let (mut sum, mut n) = (0.0f64, 0u64);
        for (i, c) in self.cells.iter().enumerate() {
            if (i + first).is_multiple_of(per) && n > 0 {
                out.push(sum / n as f64);
                (sum, n) = (0.0, 0);
            }
            sum += c.util_sum as f64;
            n += c.util_n as u64;
        }
        if n > 0 {
            out.push(sum / n as f64);
        }
        out
    }

    /// The `q` quantile of the `window_s` means (nearest rank), or `None` without
    /// utilisation samples.
    pub fn sustained(&self, window_s: f64, q: f64) -> Option<f64> {
        let mut m = self.means(window_s);
        if m.is_empty() {
            return None;
        }
        m.sort_by(f64::total_cmp);
        let rank = ((q * m.len() as f64).ceil() as usize).clamp(1, m.len());
        Some(m[rank - 1])
    }

    /// Start times of the hours (Unix seconds / 3600) in which any sample fell.
    pub fn hours(&self) -> impl Iterator<Item = i64> + '_ {
        let origin = self.origin.unwrap_or(0.0);
        self.cells
            .iter()
            .enumerate()
            .filter(|(_, c)| c.seen)
            .map(move |(i, _)| ((origin + i as f64 * self.width) / 3600.0).floor() as i64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_minute_means_and_their_p99() {
        let mut w = Windows::default();
        // A day at 30 s: 20% except one hour at 95%.
        for i in 0..2880 {
            let t = 1_767_225_600.0 + i as f64 * 30.0;
            let u = if (1200..1320).contains(&i) {
                95.0
            } else {
                20.0
            };
            w.add(t, Some(u));
        }
        let means = w.means(300.0);
        assert_eq!(means.len(), 288);
        // 12 of 288 windows (4.2%) are at 95%: the p99 is 95, the p95 not.
        assert_eq!(w.sustained(300.0, 0.99), Some(95.0));
        assert_eq!(w.sustained(300.0, 0.95), Some(20.0));
        assert_eq!(
            w.hours().collect::<std::collections::BTreeSet<_>>().len(),
            24
        );
    }

    #[test]
    fn stays_bounded_and_keeps_the_peak_window() {
        let mut w = Windows::default();
        // 60 days at 30 s: compaction to 2- and 4-minute buckets.
        for i in 0..172_800u64 {
            let u = if i % 2880 < 20 { 90.0 } else { 10.0 };
            w.add(i as f64 * 30.0, Some(u));
        }
        assert!(w.cells.len() <= MAX_BUCKETS);
        assert_eq!(w.width_s(), 240.0);
        // Ten minutes at 90% a day: 5-minute windows (here one 4-minute bucket, rounded)
        // still see it.
        assert!(w.sustained(300.0, 1.0).unwrap() >= 89.0);
    }

    #[test]
    fn out_of_order_and_merged() {
        let mut a = Windows::default();
        a.add(10_000.0, Some(50.0));
        a.add(1_000.0, Some(10.0));
        let mut b = Windows::default();
        b.add(5_000.0, Some(30.0));
        a.merge(&b);
        let mut m = a.means(300.0);
        m.sort_by(f64::total_cmp);
        assert_eq!(m, vec![10.0, 30.0, 50.0]);
    }
}
