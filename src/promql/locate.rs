//! Where an unparsable expression goes wrong. `promql-parser` says what is wrong but not
//! where, so the expression is read again, each step linear in its length:
//! 1. an unbalanced bracket or quote, found by one scan;
//! 2. a lexical error, found by a binary search over token boundaries for the shortest
//!    prefix that fails the same way (the lexer stops at its first error);
//! 3. a syntax error, found by one LR parse with the parser's own grammar (`grammar.y`,
//!    promql-parser's, kept beside this file), which stops at the first token no valid
//!    expression continues with;
//! 4. otherwise a rejected meaning (`rate` over an instant vector, an unknown function),
//!    found by descending the parse tree into the smallest subexpression that does not
//!    parse on its own, within a work budget proportional to the expression's length.

use cfgrammar::yacc::{YaccGrammar, YaccKind};
use lrpar::{LexParseError, Lexeme, NonStreamingLexer, RTParserBuilder, RecoveryKind};
use lrtable::{Minimiser, StateTable};
use promql_parser::parser::value::ValueType;
use promql_parser::parser::{self, lex, token, Expr};
use std::ops::Range;
use std::sync::OnceLock;

/// The byte offset and length of the token where `s` (which does not parse) goes wrong.
pub fn locate(s: &str) -> (usize, usize) {
    if let Some(at) = unbalanced(s) {
        return at;
    }
    let toks = tokens(s);
    let Some(last) = toks.last().cloned() else {
        return (0, s.len().max(1));
    };
    let whole = (0, s.len().max(1));
    let at = match lex::lexer(s) {
        Err(message) => lexical(s, &toks, &message),
        Ok(lexer) => match grammar() {
            Some(g) => parsed(s, g, &lexer, &last),
            None => None,
        },
    };
    at.unwrap_or(whole)
}

/// An unclosed or stray bracket, or an unterminated quote.
fn unbalanced(s: &str) -> Option<(usize, usize)> {
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
                    return Some((start, 1));
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
                    _ => return Some((i, 1)),
                }
            }
            _ => {}
        }
        i += 1;
    }
    stack.last().map(|(_, at)| (*at, 1))
}

/// Byte ranges of the tokens, as far as locating needs them (strings, words, operators).
fn tokens(s: &str) -> Vec<Range<usize>> {
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
                s[i..].chars().next().map_or(1, char::len_utf8)
            };
        }
        out.push(start..i.min(b.len()));
    }
    out
}

/// The first token whose prefix fails to lex with the whole expression's message.
fn lexical(s: &str, toks: &[Range<usize>], message: &str) -> Option<(usize, usize)> {
    let fails_alike = |j: usize| {
        s.get(..toks[j].end)
            .is_some_and(|p| lex::lexer(p).err().as_deref() == Some(message))
    };
    // Prefixes before the error lex, or fail at their end with another message; every
    // prefix from the error on fails alike.
    let (mut lo, mut hi) = (0, toks.len() - 1);
    if !fails_alike(hi) {
        return None;
    }
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if fails_alike(mid) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    Some((toks[lo].start, toks[lo].len()))
}

/// The grammar and its LR table, built once; None if the grammar's token numbers are not
/// the lexer's (a promql-parser version with another grammar).
struct Grammar {
    grm: YaccGrammar<u16>,
    table: StateTable<u16>,
}

fn grammar() -> Option<&'static Grammar> {
    static G: OnceLock<Option<Grammar>> = OnceLock::new();
    G.get_or_init(|| {
        let grm =
            YaccGrammar::<u16>::new_with_storaget(YaccKind::Grmtools, include_str!("grammar.y"))
                .ok()?;
        let same_tokens = [
            ("EOF", token::T_EOF),
            ("IDENTIFIER", token::T_IDENTIFIER),
            ("METRIC_IDENTIFIER", token::T_METRIC_IDENTIFIER),
            ("LEFT_PAREN", token::T_LEFT_PAREN),
            ("RIGHT_BRACE", token::T_RIGHT_BRACE),
            ("COMMA", token::T_COMMA),
            ("ADD", token::T_ADD),
            ("SUM", token::T_SUM),
            ("BY", token::T_BY),
            ("NUMBER", token::T_NUMBER),
            ("STRING", token::T_STRING),
            ("DURATION", token::T_DURATION),
            ("OFFSET", token::T_OFFSET),
        ]
        .iter()
        .all(|(name, id)| grm.token_idx(name).map(|t| t.as_storaget()) == Some(*id));
        if !same_tokens {
            return None;
        }
        let (_, table) = lrtable::from_yacc(&grm, Minimiser::Pager).ok()?;
        Some(Grammar { grm, table })
    })
    .as_ref()
}

/// A parse tree: token spans, and rule applications with the span they cover.
enum Tree {
    Token(Range<usize>),
    Rule(u16, Option<Range<usize>>, Vec<Tree>),
}

impl Tree {
    fn rule(rule: u16, kids: Vec<Tree>) -> Tree {
        let first = kids.iter().find_map(Tree::span);
        let last = kids.iter().rev().find_map(Tree::span);
        let span = first.zip(last).map(|(f, l)| f.start..l.end);
        Tree::Rule(rule, span, kids)
    }

    fn span(&self) -> Option<Range<usize>> {
        match self {
            Tree::Token(r) => (!r.is_empty()).then(|| r.clone()),
            Tree::Rule(_, span, _) => span.clone(),
        }
    }

    /// The nearest subtrees for `rule` below this one.
    fn nearest<'t>(&'t self, rule: u16, out: &mut Vec<&'t Tree>) {
        if let Tree::Rule(_, _, kids) = self {
            for k in kids {
                match k {
                    Tree::Rule(r, _, _) if *r == rule => out.push(k),
                    _ => k.nearest(rule, out),
                }
            }
        }
    }
}

/// The syntax error the LR parse stops at, or else the rejected subexpression.
fn parsed<'i>(
    s: &'i str,
    g: &Grammar,
    lexer: &dyn NonStreamingLexer<'i, lrlex::DefaultLexerTypes<u16>>,
    last: &Range<usize>,
) -> Option<(usize, usize)> {
    let (tree, errors) = RTParserBuilder::new(&g.grm, &g.table)
        .recoverer(RecoveryKind::None)
        .parse_map(
            lexer,
            &|l: lrlex::DefaultLexeme<u16>| Tree::Token(l.span().start()..l.span().end()),
            &|r, kids| Tree::rule(r.as_storaget(), kids),
        );
    if let Some(e) = errors.first() {
        let span = match e {
            LexParseError::ParseError(p) => p.lexeme().span(),
            LexParseError::LexError(l) => lrpar::LexError::span(l),
        };
        // Stopped at the end: the expression is cut short after its last token.
        if span.start() >= s.trim_end().len() || span.is_empty() {
            return Some((last.start, last.len()));
        }
        return Some((span.start(), span.len()));
    }
    let expr = g.grm.rule_idx("expr")?.as_storaget();
    rejected(s, &tree?, expr)
}

/// The first (innermost, leftmost) `expr` the parser rejects once its subexpressions, which
/// it accepts, are replaced by small stand-ins of the same kind (`x`, `x[1m]`, `0`, ...):
/// each parse then reads only the expression's own tokens, so the whole search is linear.
/// In it, the token that names what it does (a function, an operator, a bracket).
fn rejected(s: &str, root: &Tree, expr: u16) -> Option<(usize, usize)> {
    // Post-order walk: (node, children visited); stand-ins of accepted `expr`s by span start.
    let mut stand_ins: std::collections::HashMap<usize, String> = Default::default();
    let mut stack: Vec<(&Tree, bool)> = vec![(root, false)];
    while let Some((node, visited)) = stack.pop() {
        let Tree::Rule(rule, _, kids) = node else {
            continue;
        };
        if !visited {
            stack.push((node, true));
            stack.extend(kids.iter().rev().map(|k| (k, false)));
            continue;
        }
        if *rule != expr {
            continue;
        }
        let span = node.span()?;
        let mut inner = Vec::new();
        node.nearest(expr, &mut inner);
        let mut text = String::new();
        let mut at = span.start;
        for k in inner {
            let Some(ks) = k.span() else { continue };
            let stand_in = stand_ins.remove(&ks.start)?;
            text.push_str(&s[at..ks.start]);
            text.push_str(&stand_in);
            at = ks.end;
        }
        text.push_str(&s[at..span.end]);
        match parser::parse(&text) {
            Ok(e) => {
                stand_ins.insert(span.start, stand_in(&e));
            }
            Err(_) => {
                // `expr` has one child, the kind of expression; its own token says which.
                let kind = match node {
                    Tree::Rule(_, _, kids) if kids.len() == 1 => &kids[0],
                    _ => node,
                };
                let own = match kind {
                    Tree::Rule(_, _, kids) => kids.iter().find_map(|k| match k {
                        Tree::Token(r) if !r.is_empty() => Some(r.clone()),
                        _ => None,
                    }),
                    Tree::Token(r) => Some(r.clone()),
                };
                let at = own.or(Some(span))?;
                return Some((at.start, at.len()));
            }
        }
    }
    None
}

/// A short expression the parser judges like `e`: same kind of value, and a selector or
/// subquery (with its modifiers) where `e` is one, since ranges and modifiers need those.
fn stand_in(e: &Expr) -> String {
    let modifiers = |offset: bool, at: bool| {
        format!(
            "{}{}",
            if offset { " offset 1m" } else { "" },
            if at { " @ 0" } else { "" }
        )
    };
    match e {
        Expr::VectorSelector(v) => format!("x{}", modifiers(v.offset.is_some(), v.at.is_some())),
        Expr::MatrixSelector(m) => format!(
            "x[1m]{}",
            modifiers(m.vs.offset.is_some(), m.vs.at.is_some())
        ),
        Expr::Subquery(q) => format!("x[1m:1m]{}", modifiers(q.offset.is_some(), q.at.is_some())),
        Expr::NumberLiteral(_) => "0".to_string(),
        Expr::StringLiteral(_) => "\"s\"".to_string(),
        _ => match e.value_type() {
            ValueType::Scalar => "scalar(x)",
            ValueType::String => "\"s\"",
            ValueType::Matrix => "x[1m]",
            ValueType::Vector => "vector(0)",
        }
        .to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> &str {
        let (o, l) = locate(s);
        &s[o..o + l]
    }

    #[test]
    fn the_grammar_is_the_lexers() {
        assert!(grammar().is_some());
    }

    #[test]
    fn syntax_errors_point_at_the_offending_token() {
        assert_eq!(locate("sum(rate(x[5m])) by (a"), (20, 1));
        assert_eq!(locate("x +* y"), (3, 1));
        assert_eq!(locate("rate(x[5m]) >"), (12, 1));
        assert_eq!(locate("foo{a=\"b"), (6, 1));
        assert_eq!(at("sum(x) by (a) by (b)"), "by");
        assert_eq!(at("rate(x[5m]) > > 1"), ">");
        assert_eq!(at("1.5 ** avg(x)"), "*");
    }

    #[test]
    fn lexical_errors_point_at_the_offending_token() {
        assert_eq!(at("x + y $ z"), "$");
        assert_eq!(at("rate(x[5m]) > 1 ; 2"), ";");
    }

    #[test]
    fn rejected_meanings_point_at_the_function_or_operator() {
        assert_eq!(at("sum(x) + rate(y) > 1"), "rate");
        assert_eq!(at("nosuchfunc(x) > 1"), "nosuchfunc");
        assert_eq!(at("sum(rate(x[5m])) > bool on(a) 1"), ">");
    }
}
