//! PromQL: parsing with `promql-parser`, error positions found by skinflint (the parser
//! reports none), and the facts checks read from an expression.

use promql_parser::parser::{self, Expr};
use std::time::Duration;

/// A parse failure with the byte offset of the offending token inside the expression.
#[derive(Debug, Clone)]
pub struct ParseError {
    pub message: String,
    pub offset: usize,
    pub len: usize,
}

/// Parse an expression; on failure, locate the error.
pub fn parse(expr: &str) -> Result<Expr, ParseError> {
    parser::parse(expr).map_err(|message| {
        let (offset, len) = locate(expr);
        ParseError {
            message,
            offset,
            len,
        }
    })
}

/// One token's byte range.
fn tokens(s: &str) -> Vec<std::ops::Range<usize>> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if c == b'#' {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
            continue;
        }
        let start = i;
        if c == b'"' || c == b'\'' || c == b'`' {
            i += 1;
            while i < b.len() && b[i] != c {
                if b[i] == b'\\' && c != b'`' {
                    i += 1;
                }
                i += 1;
            }
            i = (i + 1).min(b.len());
        } else if c.is_ascii_alphanumeric() || c == b'_' || c == b':' || c == b'.' {
            while i < b.len()
                && (b[i].is_ascii_alphanumeric() || matches!(b[i], b'_' | b':' | b'.'))
            {
                i += 1;
            }
        } else {
            let two = s.get(i..i + 2).unwrap_or("");
            i += if matches!(two, "==" | "!=" | ">=" | "<=" | "=~" | "!~") {
                2
            } else {
                c.len_utf8_hint()
            };
        }
        out.push(start..i);
    }
    out
}

trait Utf8Hint {
    fn len_utf8_hint(self) -> usize;
}

impl Utf8Hint for u8 {
    fn len_utf8_hint(self) -> usize {
        match self {
            0x00..=0x7F => 1,
            0xC0..=0xDF => 2,
            0xE0..=0xEF => 3,
            _ => 4,
        }
    }
}

const BINARY_OPS: &[&str] = &[
    "+", "-", "*", "/", "%", "^", "==", "!=", ">", "<", ">=", "<=", "and", "or", "unless", "atan2",
];

/// Where an unparsable expression goes wrong: an unbalanced bracket or quote, else the
/// token after the longest prefix that parses on its own (past a dangling operator).
fn locate(s: &str) -> (usize, usize) {
    // Unbalanced brackets and quotes first.
    let mut stack: Vec<(u8, usize)> = Vec::new();
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            q @ (b'"' | b'\'' | b'`') => {
                let start = i;
                i += 1;
                while i < b.len() && b[i] != q {
                    if b[i] == b'\\' && q != b'`' {
                        i += 1;
                    }
                    i += 1;
                }
                if i >= b.len() {
                    return (start, 1);
                }
            }
            b'#' => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            o @ (b'(' | b'[' | b'{') => stack.push((o, i)),
            c @ (b')' | b']' | b'}') => {
                let want = match c {
                    b')' => b'(',
                    b']' => b'[',
                    _ => b'{',
                };
                match stack.pop() {
                    Some((o, _)) if o == want => {}
                    _ => return (i, 1),
                }
            }
            _ => {}
        }
        i += 1;
    }
    if let Some((_, at)) = stack.last() {
        return (*at, 1);
    }
    let toks = tokens(s);
    if toks.is_empty() {
        return (0, s.len().max(1));
    }
    let mut longest = None;
    for (j, t) in toks.iter().enumerate() {
        if parser::parse(&s[..t.end]).is_ok() {
            longest = Some(j);
        }
    }
    let next = longest.map_or(0, |j| j + 1);
    let Some(t) = toks.get(next) else {
        let last = toks.last().unwrap();
        return (last.start, last.len());
    };
    // A binary operator after a valid prefix is fine; the problem is what follows it.
    if BINARY_OPS.contains(&&s[t.clone()]) {
        if let Some(after) = toks.get(next + 1) {
            return (after.start, after.len());
        }
    }
    (t.start, t.len())
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
        match e {
            Expr::Call(c) => {
                for a in &c.args.args {
                    match a.as_ref() {
                        Expr::MatrixSelector(ms) => out.push((c.func.name.to_string(), ms.range)),
                        Expr::Subquery(sq) => out.push((c.func.name.to_string(), sq.range)),
                        _ => {}
                    }
                    stack.push(a);
                }
            }
            Expr::Aggregate(a) => {
                stack.push(&a.expr);
                if let Some(p) = &a.param {
                    stack.push(p);
                }
            }
            Expr::Binary(b) => {
                stack.push(&b.lhs);
                stack.push(&b.rhs);
            }
            Expr::Paren(p) => stack.push(&p.expr),
            Expr::Unary(u) => stack.push(&u.expr),
            Expr::Subquery(sq) => stack.push(&sq.expr),
            Expr::MatrixSelector(_) | Expr::VectorSelector(_) => {}
            _ => {}
        }
    }
    out
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
