//! PromQL: parsing with `promql-parser`, error positions found by skinflint (the parser
//! reports none), and the facts checks read from an expression.

mod locate;
pub mod names;
pub mod template;

use promql_parser::parser::{self, Expr};
use std::time::Duration;

/// The longest expression parsed. Real rules stay far below it (the longest in public
/// rule sets are a few KiB); beyond it parsing and checking would take seconds.
pub const MAX_EXPR_BYTES: usize = 64 * 1024;

/// A parse failure with the byte offset of the offending token inside the expression.
#[derive(Debug, Clone)]
pub struct ParseError {
    pub message: String,
    pub offset: usize,
    pub len: usize,
    /// The expression is longer than [`MAX_EXPR_BYTES`] and was not parsed.
    pub too_large: bool,
}

/// Parse an expression; on failure, locate the error.
pub fn parse(expr: &str) -> Result<Expr, ParseError> {
    if expr.len() > MAX_EXPR_BYTES {
        return Err(ParseError {
            message: format!(
                "the expression is {} KiB, longer than the {} KiB skinflint parses",
                expr.len().div_ceil(1024),
                MAX_EXPR_BYTES / 1024
            ),
            offset: 0,
            len: 0,
            too_large: true,
        });
    }
    parser::parse(expr).map_err(|message| {
        let (offset, len) = locate::locate(expr);
        ParseError {
            message,
            offset,
            len,
            too_large: false,
        }
    })
}

/// A selector of a metric, with the function it is passed to and its range window.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricUse {
    pub name: String,
    /// The innermost function the selector is an argument of (`rate`, `avg_over_time`, …).
    pub function: Option<String>,
    /// The range window when the selector is a range vector, or the subquery range.
    pub window: Option<Duration>,
}

/// Every metric selector in an expression, with the function applied to it.
pub fn metric_uses(e: &Expr) -> Vec<MetricUse> {
    let mut out = Vec::new();
    // Iterative walk: (expression, enclosing function).
    let mut stack: Vec<(&Expr, Option<String>)> = vec![(e, None)];
    while let Some((e, func)) = stack.pop() {
        match e {
            Expr::VectorSelector(vs) => {
                if let Some(name) = selector_name(vs) {
                    out.push(MetricUse {
                        name,
                        function: func,
                        window: None,
                    });
                }
            }
            Expr::MatrixSelector(ms) => {
                if let Some(name) = selector_name(&ms.vs) {
                    out.push(MetricUse {
                        name,
                        function: func,
                        window: Some(ms.range),
                    });
                }
            }
            Expr::Call(c) => {
                for a in &c.args.args {
                    stack.push((a, Some(c.func.name.to_string())));
                }
            }
            Expr::Aggregate(a) => {
                stack.push((&a.expr, None));
                if let Some(p) = &a.param {
                    stack.push((p, None));
                }
            }
            Expr::Binary(b) => {
                stack.push((&b.lhs, None));
                stack.push((&b.rhs, None));
            }
            Expr::Paren(p) => stack.push((&p.expr, func)),
            Expr::Unary(u) => stack.push((&u.expr, None)),
            Expr::Subquery(sq) => stack.push((&sq.expr, None)),
            _ => {}
        }
    }
    out
}

/// Range windows given to functions that need them, with the function name
/// (subqueries included: `avg_over_time(rate(x[1h])[24h:1h])` gives `24h`).
pub fn function_windows(e: &Expr) -> Vec<(String, Duration)> {
    let mut out = Vec::new();
    let mut stack: Vec<&Expr> = vec![e];
    while let Some(e) = stack.pop() {
        if let Expr::Call(c) = e {
            for a in &c.args.args {
                match a.as_ref() {
                    Expr::MatrixSelector(ms) => out.push((c.func.name.to_string(), ms.range)),
                    Expr::Subquery(sq) => out.push((c.func.name.to_string(), sq.range)),
                    _ => {}
                }
            }
        }
        stack.extend(children(e));
    }
    out
}

/// The direct subexpressions of an expression.
fn children(e: &Expr) -> Vec<&Expr> {
    match e {
        Expr::Call(c) => c.args.args.iter().map(|a| a.as_ref()).collect(),
        Expr::Aggregate(a) => std::iter::once(a.expr.as_ref())
            .chain(a.param.as_deref())
            .collect(),
        Expr::Binary(b) => vec![&b.lhs, &b.rhs],
        Expr::Paren(p) => vec![&p.expr],
        Expr::Unary(u) => vec![&u.expr],
        Expr::Subquery(sq) => vec![&sq.expr],
        Expr::MatrixSelector(_) | Expr::VectorSelector(_) => Vec::new(),
        _ => Vec::new(),
    }
}

/// Whether the expression reads no series at all (`vector(1)`, `1`, `vector(1) > 0`):
/// its value does not depend on what was scraped, so an alert on it fires on purpose
/// (a heartbeat such as the Watchdog).
pub fn is_constant(e: &Expr) -> bool {
    let mut stack = vec![e];
    while let Some(e) = stack.pop() {
        if matches!(e, Expr::VectorSelector(_) | Expr::MatrixSelector(_)) {
            return false;
        }
        stack.extend(children(e));
    }
    true
}

/// Whether every series the expression reads is one Prometheus derives from alerts
/// (`ALERTS`, `ALERTS_FOR_STATE`): an inhibiting alert, such as kube-prometheus's
/// InfoInhibitor, whose inputs already waited out their own `for`.
pub fn reads_only_alerts(e: &Expr) -> bool {
    let mut selectors = 0;
    let mut stack = vec![e];
    while let Some(e) = stack.pop() {
        let vs = match e {
            Expr::VectorSelector(vs) => Some(vs),
            Expr::MatrixSelector(ms) => Some(&ms.vs),
            _ => None,
        };
        if let Some(vs) = vs {
            selectors += 1;
            if !matches!(
                selector_name(vs).as_deref(),
                Some("ALERTS" | "ALERTS_FOR_STATE")
            ) {
                return false;
            }
        }
        stack.extend(children(e));
    }
    selectors > 0
}

fn selector_name(vs: &promql_parser::parser::VectorSelector) -> Option<String> {
    vs.name.clone().or_else(|| {
        vs.matchers
            .matchers
            .iter()
            .find(|m| m.name == "__name__" && matches!(m.op, promql_parser::label::MatchOp::Equal))
            .map(|m| m.value.clone())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_located() {
        let e = parse("sum(rate(x[5m])) by (a").unwrap_err();
        assert_eq!(e.offset, 20);
        let e = parse("x +* y").unwrap_err();
        assert_eq!(e.offset, 3);
        let e = parse("rate(x[5m]) >").unwrap_err();
        assert_eq!(e.offset, 12);
        let e = parse("foo{a=\"b").unwrap_err();
        assert_eq!(e.offset, 6);
    }

    #[test]
    fn uses_and_windows() {
        let e =
            parse("rate(a_total[1m]) > 1.5 * avg_over_time(rate(a_total[1h])[24h:1h])").unwrap();
        let uses = metric_uses(&e);
        assert!(uses
            .iter()
            .all(|u| u.name == "a_total" && u.function.as_deref() == Some("rate")));
        let mut w: Vec<(String, u64)> = function_windows(&e)
            .into_iter()
            .map(|(f, d)| (f, d.as_secs()))
            .collect();
        w.sort();
        assert_eq!(
            w,
            vec![
                ("avg_over_time".into(), 86400),
                ("rate".into(), 60),
                ("rate".into(), 3600)
            ]
        );
        let sel = parse("{__name__=\"up\"}").unwrap();
        assert_eq!(metric_uses(&sel)[0].name, "up");
    }
}
