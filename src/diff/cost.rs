//! The monthly cost delta between two trees, per resource, from the cost model of
//! `skinflint cost`: node pools at their limit ceilings (the price of the most expensive
//! unit they can launch), workloads at their autoscaler minimum and maximum (or static
//! replicas) on the instance each lands on, spot at the stated discount.

use crate::catalog::{price_basis, usd};
use crate::costmodel::estimate::{estimate, Estimate};
use crate::source::Loaded;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// What one resource costs a month on one side.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Priced {
    /// At minimum scale (a pool: its ceiling); `None` when unbounded or unpriced.
    pub usd_month_min: Option<f64>,
    /// At maximum scale (a pool: its ceiling).
    pub usd_month_max: Option<f64>,
    /// How the figure was reached.
    pub basis: String,
}

/// One resource's cost before and after.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ResourceDelta {
    /// `node-pool` or `workload`.
    pub category: &'static str,
    pub kind: String,
    pub name: String,
    /// Repository-relative file (the later side's when it exists).
    pub file: String,
    /// `None`: the resource does not exist on that side.
    pub base: Option<Priced>,
    pub head: Option<Priced>,
    /// Difference at minimum scale; `None` when either side is unbounded or unpriced.
    pub delta_usd_month_min: Option<f64>,
    pub delta_usd_month_max: Option<f64>,
}

/// Totals of one category on both sides.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq)]
pub struct Totals {
    pub base_usd_month_min: f64,
    pub base_usd_month_max: f64,
    pub head_usd_month_min: f64,
    pub head_usd_month_max: f64,
    pub delta_usd_month_min: f64,
    pub delta_usd_month_max: f64,
    /// Resources left out of the sums because one side is unbounded or unpriced.
    pub unpriced: usize,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CostDelta {
    /// Resources whose cost changed (added, removed or repriced).
    pub resources: Vec<ResourceDelta>,
    /// Workloads: what runs at minimum and maximum scale.
    pub workloads: Totals,
    /// Node pools: the most they may cost a month at their limits.
    pub node_pool_ceilings: Totals,
    pub spot_discount: f64,
    pub assumptions: String,
}

type Key = (&'static str, String, String, String);

fn priced(
    est: &Estimate,
    key_of: &HashMap<String, String>,
    spot_discount: f64,
) -> BTreeMap<Key, Priced> {
    let key = |file: &str| {
        key_of
            .get(file)
            .cloned()
            .unwrap_or_else(|| file.to_string())
    };
    let mut out = BTreeMap::new();
    for p in &est.pools {
        out.insert(
            (
                "node-pool",
                "NodePool".to_string(),
                key(&p.file),
                p.name.clone(),
            ),
            Priced {
                usd_month_min: p.ceiling_usd_month.map(cents),
                usd_month_max: p.ceiling_usd_month.map(cents),
                basis: p.basis.clone(),
            },
        );
    }
    for w in &est.workloads {
        let reps = match w.replicas_max {
            Some(max) if max == w.replicas_min => {
                format!("{} replica{}", w.replicas_min, plural(w.replicas_min))
            }
            Some(max) => format!("{}..{max} replicas", w.replicas_min),
            None => format!("{} replicas or more (no maximum)", w.replicas_min),
        };
        let basis = match &w.instance {
            Some(t) => format!(
                "{reps} on {t} ({})",
                if w.spot {
                    format!("spot at {spot_discount} of on-demand")
                } else {
                    "on-demand".to_string()
                }
            ),
            None => format!("{reps}; no priced instance type fits it"),
        };
        out.insert(
            ("workload", w.kind.clone(), key(&w.file), w.name.clone()),
            Priced {
                usd_month_min: w.usd_month_min.map(cents),
                usd_month_max: w.usd_month_max.map(cents),
                basis,
            },
        );
    }
    out
}

fn plural(n: i64) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// Round to cents, so sums and differences read as the reports print them.
fn cents(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// The cost of both sides and the delta per resource. `keys` give each loaded file's
/// repository-relative path, so a resource is matched with itself across the sides.
pub fn delta(
    base: (&[Loaded], &[String]),
    head: (&[Loaded], &[String]),
    spot_discount: f64,
) -> CostDelta {
    let key_map = |(files, keys): (&[Loaded], &[String])| -> HashMap<String, String> {
        files
            .iter()
            .zip(keys)
            .map(|(f, k)| (f.file.path.clone(), k.clone()))
            .collect()
    };
    let before_est = estimate(base.0, spot_discount);
    let after_est = estimate(head.0, spot_discount);
    let before = priced(&before_est, &key_map(base), spot_discount);
    let after = priced(&after_est, &key_map(head), spot_discount);
    let mut keys: Vec<&Key> = before.keys().chain(after.keys()).collect();
    keys.sort();
    keys.dedup();
    let mut resources = Vec::new();
    let mut workloads = Totals::default();
    let mut pools = Totals::default();
    for k in keys {
        let (b, h) = (before.get(k), after.get(k));
        let amount = |p: Option<&Priced>, min: bool| match p {
            None => Some(0.0),
            Some(p) if min => p.usd_month_min,
            Some(p) => p.usd_month_max,
        };
        let diff = |min: bool| Some(cents(amount(h, min)? - amount(b, min)?));
        let totals = if k.0 == "node-pool" {
            &mut pools
        } else {
            &mut workloads
        };
        match (
            amount(b, true),
            amount(b, false),
            amount(h, true),
            amount(h, false),
        ) {
            (Some(b0), Some(b1), Some(h0), Some(h1)) => {
                totals.base_usd_month_min += b0;
                totals.base_usd_month_max += b1;
                totals.head_usd_month_min += h0;
                totals.head_usd_month_max += h1;
            }
            _ => totals.unpriced += 1,
        }
        let r = ResourceDelta {
            category: k.0,
            kind: k.1.clone(),
            file: k.2.clone(),
            name: k.3.clone(),
            base: b.cloned(),
            head: h.cloned(),
            delta_usd_month_min: diff(true),
            delta_usd_month_max: diff(false),
        };
        if b != h {
            resources.push(r);
        }
    }
    for t in [&mut workloads, &mut pools] {
        t.base_usd_month_min = cents(t.base_usd_month_min);
        t.base_usd_month_max = cents(t.base_usd_month_max);
        t.head_usd_month_min = cents(t.head_usd_month_min);
        t.head_usd_month_max = cents(t.head_usd_month_max);
        t.delta_usd_month_min = cents(t.head_usd_month_min - t.base_usd_month_min);
        t.delta_usd_month_max = cents(t.head_usd_month_max - t.base_usd_month_max);
    }
    CostDelta {
        resources,
        workloads,
        node_pool_ceilings: pools,
        spot_discount,
        assumptions: format!(
            "{}, spot at {spot_discount} of on-demand; a workload pays its share (cpu, memory or accelerators, whichever is largest) of the cheapest instance type that fits it among the pools that can host it; a node pool's ceiling is its limit times the price per unit of the dearest type it can launch",
            price_basis()
        ),
    }
}

/// A signed monthly amount, `+$1,234` or `-$56.78`.
pub fn signed_usd(x: f64) -> String {
    if x >= 0.005 {
        format!("+{}", usd(x))
    } else if x <= -0.005 {
        format!("-{}", usd(-x))
    } else {
        "$0".to_string()
    }
}
