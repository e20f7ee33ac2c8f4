//! Hourly prices and where they come from. The embedded table is Karpenter's generated
//! us-east-1 on-demand list (`data/prices-aws-us-east-1.csv`, its date in the label); a
//! team can use its own (`prices:` in `.skinflint.yaml`: its region, its discounts), a CSV
//! of `instance_type,usd_per_hour`. Every dollar figure names the table it came from
//! through [`price_source`].
//!
//! The table in use is per thread and set for the length of one run ([`use_table`]), so
//! runs with different configurations side by side (tests, a server) do not mix prices.

use super::data;
use super::table;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::OnceLock;

/// A price table: hourly USD per instance type, and how messages name it.
#[derive(Debug, Clone)]
pub struct PriceTable {
    /// "AWS us-east-1 Linux on-demand list price, 2026-07-20", or the team's label.
    pub label: String,
    pub hourly: HashMap<String, f64>,
}

impl PriceTable {
    /// "AWS us-east-1 Linux on-demand list price, 2026-07-20; 730 h a month".
    pub fn basis(&self) -> String {
        format!("{}; {:.0} h a month", self.label, super::HOURS_PER_MONTH)
    }

    /// The embedded table.
    pub fn embedded() -> &'static PriceTable {
        static EMBEDDED: OnceLock<PriceTable> = OnceLock::new();
        EMBEDDED.get_or_init(|| PriceTable {
            label: data::PRICE_LABEL.to_string(),
            hourly: data::PRICES
                .iter()
                .map(|(t, p)| (t.to_string(), *p))
                .collect(),
        })
    }

    /// A team's table: `# label: …` (optional, overridden by `label`), a header
    /// `instance_type,usd_per_hour`, then one row per type. Errors name the line.
    pub fn parse(text: &str, label: Option<&str>, file: &str) -> Result<PriceTable, PriceError> {
        let err = |problem| PriceError {
            file: file.to_string(),
            problem,
        };
        let rows = table::rows(text, "instance_type,usd_per_hour", 2)
            .map_err(|e| err(PriceProblem::Table(e)))?;
        let mut hourly = HashMap::new();
        for r in &rows {
            let name = table::instance_name(r, 0).map_err(|e| err(PriceProblem::Table(e)))?;
            let price = table::price(r, 1)
                .map_err(|e| err(PriceProblem::Table(e)))?
                .ok_or_else(|| err(PriceProblem::NoPrice { line: r.line }))?;
            if hourly.insert(name.to_string(), price).is_some() {
                return Err(err(PriceProblem::Duplicate {
                    line: r.line,
                    name: name.to_string(),
                }));
            }
        }
        if hourly.is_empty() {
            return Err(err(PriceProblem::Empty));
        }
        let label = label
            .map(str::to_string)
            .or_else(|| {
                text.lines()
                    .find_map(|l| l.strip_prefix("# label:"))
                    .map(|l| l.trim().to_string())
            })
            .filter(|l| !l.is_empty())
            .unwrap_or_else(|| format!("prices from {file}"));
        Ok(PriceTable { label, hourly })
    }
}

/// Why a team's price table cannot be used: the file and what is wrong in it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {problem}")]
pub struct PriceError {
    pub file: String,
    pub problem: PriceProblem,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PriceProblem {
    #[error(transparent)]
    Table(#[from] table::TableError),
    #[error("line {line}: no price")]
    NoPrice { line: usize },
    #[error("line {line}: `{name}` listed twice")]
    Duplicate { line: usize, name: String },
    #[error("no prices")]
    Empty,
}

thread_local! {
    static ACTIVE: RefCell<Option<Rc<PriceTable>>> = const { RefCell::new(None) };
}

/// Restores the previous table when dropped.
pub struct TableScope {
    previous: Option<Rc<PriceTable>>,
}

impl Drop for TableScope {
    fn drop(&mut self) {
        let previous = self.previous.take();
        ACTIVE.with(|a| *a.borrow_mut() = previous);
    }
}

/// Use `table` on this thread until the returned scope is dropped.
#[must_use = "the table is in use only while the scope lives"]
pub fn use_table(table: PriceTable) -> TableScope {
    let previous = ACTIVE.with(|a| a.borrow_mut().replace(Rc::new(table)));
    TableScope { previous }
}

fn with_active<T>(f: impl FnOnce(&PriceTable) -> T) -> T {
    ACTIVE.with(|a| match a.borrow().as_ref() {
        Some(t) => f(t),
        None => f(PriceTable::embedded()),
    })
}

/// The hourly price of a type in the table in use.
pub fn hourly(instance_type: &str) -> Option<f64> {
    with_active(|t| t.hourly.get(instance_type).copied())
}

/// How dollar figures name their prices: the table in use's label.
pub fn price_source() -> String {
    with_active(|t| t.label.clone())
}

/// The assumptions behind a monthly dollar figure in the table in use, for messages:
/// "AWS us-east-1 Linux on-demand list price, 2026-07-20; 730 h a month".
pub fn price_basis() -> String {
    with_active(|t| t.basis())
}

/// Spot capacity as a fraction of on-demand, where a figure needs one: a stated estimate,
/// not a market price. AWS quotes spot savings of up to 90%, but GPU types in demand see
/// far less; 0.7 keeps a figure of money at stake from overstating what spot saves.
pub const SPOT_ESTIMATE: f64 = 0.7;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_table_is_dated_and_a_team_table_replaces_it() {
        assert_eq!(
            price_source(),
            "AWS us-east-1 Linux on-demand list price, 2026-07-20"
        );
        assert_eq!(hourly("g4dn.xlarge"), Some(0.526));
        let team = PriceTable::parse(
            "# label: eu-west-1 with our 30% discount\ninstance_type,usd_per_hour\ng4dn.xlarge,0.41\n",
            None,
            "prices.csv",
        )
        .unwrap();
        {
            let _scope = use_table(team);
            assert_eq!(price_source(), "eu-west-1 with our 30% discount");
            assert_eq!(hourly("g4dn.xlarge"), Some(0.41));
            assert_eq!(hourly("g5.xlarge"), None);
        }
        assert_eq!(hourly("g4dn.xlarge"), Some(0.526));
        for bad in [
            "instance_type,usd_per_hour\ng4dn.xlarge,NaN\n",
            "instance_type,usd_per_hour\ng4dn.xlarge,-1\n",
            "instance_type,usd_per_hour\ng4dn.xlarge,inf\n",
            "instance_type,usd_per_hour\nG4DN,1\n",
            "instance_type,usd_per_hour\ng4dn.xlarge,1,2\n",
            "type,price\ng4dn.xlarge,1\n",
            "instance_type,usd_per_hour\n",
        ] {
            assert!(PriceTable::parse(bad, None, "p.csv").is_err(), "{bad}");
        }
    }
}
