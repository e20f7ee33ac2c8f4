//! A bounded time series for plots: at most [`MAX_BUCKETS`] buckets; when full, adjacent
//! buckets merge and the width doubles, so memory stays constant however long the profile.

/// The most buckets kept.
pub const MAX_BUCKETS: usize = 1024;

#[derive(Debug, Clone, Copy)]
pub struct Bucket {
    pub start: f64,
    pub max_util: f64,
    pub max_mem_mib: f64,
}

#[derive(Debug, Clone, Default)]
pub struct Series {
    origin: Option<f64>,
    width: f64,
    pub buckets: Vec<Bucket>,
}

impl Series {
    pub fn add(&mut self, t: f64, util: Option<f64>, mem: Option<f64>) {
        let origin = *self.origin.get_or_insert(t);
        if self.width == 0.0 {
            self.width = 60.0;
        }
        let origin = if t < origin {
            self.extend_back(origin, t)
        } else {
            origin
        };
        let mut idx = ((t - origin) / self.width) as usize;
        while idx >= MAX_BUCKETS {
            self.compact();
            idx = ((t - origin) / self.width) as usize;
        }
        while self.buckets.len() <= idx {
            let start = origin + self.buckets.len() as f64 * self.width;
            self.buckets.push(Bucket {
                start,
                max_util: f64::NAN,
                max_mem_mib: f64::NAN,
            });
        }
        let b = &mut self.buckets[idx];
        if let Some(u) = util {
            b.max_util = if b.max_util.is_nan() {
                u
            } else {
                b.max_util.max(u)
            };
        }
        if let Some(m) = mem {
            b.max_mem_mib = if b.max_mem_mib.is_nan() {
                m
            } else {
                b.max_mem_mib.max(m)
            };
        }
    }

    /// Moves the origin back to cover `t` (merging buckets when that would exceed
    /// [`MAX_BUCKETS`]), so samples arriving out of order are kept; returns the new origin.
    fn extend_back(&mut self, origin: f64, t: f64) -> f64 {
        loop {
            let k = ((origin - t) / self.width).ceil() as usize;
            if self.buckets.len() + k <= MAX_BUCKETS {
                let width = self.width;
                let mut front: Vec<Bucket> = (0..k)
                    .map(|j| Bucket {
                        start: origin - (k - j) as f64 * width,
                        max_util: f64::NAN,
                        max_mem_mib: f64::NAN,
                    })
                    .collect();
                front.append(&mut self.buckets);
                self.buckets = front;
                let new_origin = origin - k as f64 * width;
                self.origin = Some(new_origin);
                return new_origin;
            }
            self.compact();
        }
    }

    fn compact(&mut self) {
        let merged: Vec<Bucket> = self
            .buckets
            .chunks(2)
            .map(|c| {
                let mx = |f: fn(&Bucket) -> f64| {
                    c.iter()
                        .map(f)
                        .filter(|v| !v.is_nan())
                        .fold(f64::NAN, |a, b| if a.is_nan() { b } else { a.max(b) })
                };
                Bucket {
                    start: c[0].start,
                    max_util: mx(|b| b.max_util),
                    max_mem_mib: mx(|b| b.max_mem_mib),
                }
            })
            .collect();
        self.buckets = merged;
        self.width *= 2.0;
    }

    pub fn merge(&mut self, other: &Series) {
        for b in &other.buckets {
            self.add(
                b.start,
                (!b.max_util.is_nan()).then_some(b.max_util),
                (!b.max_mem_mib.is_nan()).then_some(b.max_mem_mib),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stays_bounded() {
        let mut s = Series::default();
        for i in 0..100_000 {
            s.add(i as f64 * 10.0, Some((i % 100) as f64), Some(i as f64));
        }
        assert!(s.buckets.len() <= MAX_BUCKETS);
        assert_eq!(
            s.buckets.iter().map(|b| b.max_mem_mib).fold(0.0, f64::max),
            99_999.0
        );
    }

    #[test]
    fn earlier_samples_are_kept() {
        let mut s = Series::default();
        s.add(1_000_000.0, Some(10.0), None);
        s.add(1_000_000.0 - 86_400.0 * 10.0, Some(90.0), None);
        s.add(0.0, Some(50.0), None);
        assert!(s.buckets.len() <= MAX_BUCKETS);
        let utils: Vec<f64> = s
            .buckets
            .iter()
            .map(|b| b.max_util)
            .filter(|u| !u.is_nan())
            .collect();
        assert_eq!(utils.iter().cloned().fold(0.0, f64::max), 90.0);
        assert_eq!(
            utils.len(),
            3,
            "three samples far apart stay in three buckets"
        );
        assert!(s.buckets[0].start <= 0.0);
    }
}
