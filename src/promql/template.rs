//! Alert label and annotation templates as Prometheus parses them (Go `text/template`
//! with Prometheus's function set), far enough to find what makes Prometheus refuse the
//! rule file: unclosed actions and strings, blocks never ended, `{{ end }}` or
//! `{{ else }}` without a block, unknown functions and undefined variables. Templates are
//! never executed; type errors that only show when an alert fires are out of scope.

use std::ops::Range;

/// Go `text/template` built-in functions.
const GO_FUNCTIONS: &[&str] = &[
    "and", "or", "not", "len", "index", "print", "printf", "println", "eq", "ne", "lt", "le", "gt",
    "ge", "html", "js", "urlquery", "call", "slice",
];

/// Prometheus's template functions (Prometheus 2.x and 3.x; `toDuration` and `now`
/// arrived in later 2.x releases, `urlQueryEscape` in 3.x: accepted, as the newest
/// Prometheus does, rather than flagged).
const PROMETHEUS_FUNCTIONS: &[&str] = &[
    "query",
    "first",
    "label",
    "value",
    "strvalue",
    "args",
    "reReplaceAll",
    "safeHtml",
    "match",
    "title",
    "toUpper",
    "toLower",
    "graphLink",
    "tableLink",
    "sortByLabel",
    "humanize",
    "humanize1024",
    "humanizeDuration",
    "humanizePercentage",
    "humanizeTimestamp",
    "toTime",
    "toDuration",
    "now",
    "pathPrefix",
    "externalURL",
    "parseDuration",
    "stripPort",
    "stripDomain",
    "urlQueryEscape",
];

/// Variables Prometheus defines before an alert's template (`$` is Go's own).
const PREDEFINED: &[&str] = &["$", "$labels", "$externalLabels", "$externalURL", "$value"];

/// Why a template does not parse, and where (a byte range in the template text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError {
    pub at: Range<usize>,
    pub message: String,
}

fn error(at: Range<usize>, message: impl Into<String>) -> TemplateError {
    TemplateError {
        at,
        message: message.into(),
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok<'a> {
    Ident(&'a str),
    Keyword(&'a str),
    Var(&'a str),
    Declare,
    Assign,
    Comma,
    Open,
    Close,
    Other,
}

/// An action's tokens, each with its byte range in the template.
type Tokens<'a> = Vec<(Tok<'a>, Range<usize>)>;

/// A control structure still open: its keyword, where it opened, the variables
/// declared inside it.
struct Block<'a> {
    keyword: &'a str,
    at: Range<usize>,
    vars: Vec<&'a str>,
}

/// The first problem that makes Prometheus refuse `text`, if any.
pub fn check(text: &str) -> Result<(), TemplateError> {
    let mut blocks: Vec<Block> = vec![Block {
        keyword: "",
        at: 0..0,
        vars: PREDEFINED.to_vec(),
    }];
    let mut pos = 0;
    while let Some(rel) = text[pos..].find("{{") {
        let open = pos + rel;
        let mut i = open + 2;
        let b = text.as_bytes();
        if b.get(i) == Some(&b'-') && b.get(i + 1).is_some_and(|c| c.is_ascii_whitespace()) {
            i += 1;
        }
        let after_trim = i;
        while b.get(i).is_some_and(|c| c.is_ascii_whitespace()) {
            i += 1;
        }
        if text[i..].starts_with("/*") && (i == open + 2 || after_trim != open + 2) {
            pos = comment(text, open, i)?;
            continue;
        }
        let (tokens, end) = lex_action(text, open, after_trim)?;
        pos = end;
        action(&tokens, open..end, &mut blocks)?;
    }
    if let Some(open) = blocks.get(1..).and_then(|b| b.last()) {
        return Err(error(
            open.at.clone(),
            format!(
                "`{{{{ {} }}}}` is never closed with `{{{{ end }}}}`",
                open.keyword
            ),
        ));
    }
    Ok(())
}

/// A `{{/* … */}}` comment starting at `open` with `/*` at `at`; where it ends.
fn comment(text: &str, open: usize, at: usize) -> Result<usize, TemplateError> {
    let Some(rel) = text[at + 2..].find("*/") else {
        return Err(error(
            open..text.len(),
            "the comment is never closed with `*/}}`",
        ));
    };
    let mut i = at + 2 + rel + 2;
    let rest = &text[i..];
    let trimmed = rest.trim_start_matches([' ', '\t', '\r', '\n']);
    if let Some(t) = trimmed.strip_prefix('-') {
        if trimmed.len() < rest.len() && t.starts_with("}}") {
            return Ok(text.len() - t.len() + 2);
        }
    }
    if rest.starts_with("}}") {
        i += 2;
        return Ok(i);
    }
    Err(error(
        open..i,
        "the comment must end right before `}}` (as `*/}}`)",
    ))
}

/// The tokens of the action opened at `open`, its body starting at `from`, and where
/// the action ends (after `}}`).
fn lex_action(text: &str, open: usize, from: usize) -> Result<(Tokens<'_>, usize), TemplateError> {
    let b = text.as_bytes();
    let mut i = from;
    let mut toks = Vec::new();
    let unclosed = || error(open..open + 2, "the action `{{` is never closed with `}}`");
    loop {
        let Some(&c) = b.get(i) else {
            return Err(unclosed());
        };
        let start = i;
        match c {
            b'}' if b.get(i + 1) == Some(&b'}') => return Ok((toks, i + 2)),
            b' ' | b'\t' | b'\r' | b'\n' => {
                i += 1;
                if b.get(i) == Some(&b'-') && text[i + 1..].starts_with("}}") {
                    return Ok((toks, i + 3));
                }
            }
            b'"' | b'`' | b'\'' => {
                i = quoted(text, i).ok_or_else(|| match c {
                    b'`' => error(start..text.len(), "the raw string is never closed with `"),
                    b'\'' => error(start..start + 1, "the character constant is never closed"),
                    _ => error(start..start + 1, "the quoted string is never closed"),
                })?;
                toks.push((Tok::Other, start..i));
            }
            b':' => {
                if b.get(i + 1) != Some(&b'=') {
                    return Err(error(start..start + 1, "expected `:=`"));
                }
                i += 2;
                toks.push((Tok::Declare, start..i));
            }
            b'=' => {
                i += 1;
                toks.push((Tok::Assign, start..i));
            }
            b',' => {
                i += 1;
                toks.push((Tok::Comma, start..i));
            }
            b'(' => {
                i += 1;
                toks.push((Tok::Open, start..i));
            }
            b')' => {
                i += 1;
                toks.push((Tok::Close, start..i));
            }
            b'|' => {
                i += 1;
                toks.push((Tok::Other, start..i));
            }
            b'$' => {
                i = word_end(text, i + 1);
                toks.push((Tok::Var(&text[start..i]), start..i));
                i = fields_end(text, i);
            }
            b'.' => {
                i = fields_end(text, i);
                if i == start + 1 && b.get(i).is_some_and(u8::is_ascii_digit) {
                    i = word_end(text, i);
                }
                if i == start {
                    i += 1;
                }
                toks.push((Tok::Other, start..i));
            }
            b'+' | b'-' | b'0'..=b'9' => {
                i = number_end(text, i + 1);
                toks.push((Tok::Other, start..i));
            }
            _ if word_end(text, i) > i => {
                i = word_end(text, i);
                let word = &text[start..i];
                let tok = match word {
                    "if" | "else" | "end" | "range" | "with" | "define" | "template" | "block"
                    | "break" | "continue" | "nil" | "true" | "false" => Tok::Keyword(word),
                    _ => Tok::Ident(word),
                };
                toks.push((tok, start..i));
                i = fields_end(text, i);
            }
            _ => {
                let ch = text[i..].chars().next().unwrap_or('?');
                return Err(error(
                    start..start + ch.len_utf8(),
                    format!("unexpected character `{ch}` in an action"),
                ));
            }
        }
    }
}

/// The end of a quoted (`"…"`, `'…'`) or raw (`` `…` ``) string starting at `at`;
/// `None` when it is not closed (a quoted string also ends at a new line).
fn quoted(text: &str, at: usize) -> Option<usize> {
    let b = text.as_bytes();
    let q = b[at];
    let mut i = at + 1;
    while let Some(&c) = b.get(i) {
        match c {
            b'\\' if q != b'`' => i += 2,
            b'\n' if q != b'`' => return None,
            _ if c == q => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

fn word_end(text: &str, from: usize) -> usize {
    text[from..]
        .char_indices()
        .find(|(_, c)| !(c.is_alphanumeric() || *c == '_'))
        .map_or(text.len(), |(k, _)| from + k)
}

fn number_end(text: &str, from: usize) -> usize {
    text[from..]
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '+' | '-')))
        .map_or(text.len(), |(k, _)| from + k)
}

/// The end of a chain of `.field` accesses starting at `from`.
fn fields_end(text: &str, mut from: usize) -> usize {
    while text[from..].starts_with('.') {
        let e = word_end(text, from + 1);
        if e == from + 1 {
            break;
        }
        from = e;
    }
    from
}

/// One action's effect on the open blocks and the variables in scope.
fn action<'a>(
    toks: &[(Tok<'a>, Range<usize>)],
    span: Range<usize>,
    blocks: &mut Vec<Block<'a>>,
) -> Result<(), TemplateError> {
    let Some((first, first_at)) = toks.first() else {
        return Err(error(span, "the action `{{ }}` is empty"));
    };
    let mut rest = toks;
    match first {
        Tok::Keyword(k @ ("if" | "range" | "with" | "block" | "define")) => {
            blocks.push(Block {
                keyword: k,
                at: first_at.clone(),
                vars: Vec::new(),
            });
            rest = &toks[1..];
            if rest.is_empty() {
                return Err(error(first_at.clone(), format!("`{k}` needs a value")));
            }
        }
        Tok::Keyword("else") => {
            let open = blocks.last().map_or("", |b| b.keyword);
            if !matches!(open, "if" | "range" | "with") {
                return Err(error(
                    first_at.clone(),
                    "`{{ else }}` outside an `if`, `range` or `with` block",
                ));
            }
            rest = &toks[1..];
            if let Some((Tok::Keyword(k @ ("if" | "with")), at)) = rest.first() {
                if rest.len() == 1 {
                    return Err(error(at.clone(), format!("`{k}` needs a value")));
                }
                rest = &rest[1..];
            }
        }
        Tok::Keyword("end") => {
            if blocks.len() == 1 {
                return Err(error(
                    first_at.clone(),
                    "`{{ end }}` without an `if`, `range`, `with`, `define` or `block` to close",
                ));
            }
            blocks.pop();
            return Ok(());
        }
        _ => {}
    }
    pipeline(rest, blocks)
}

/// Declarations, variables, function names and parentheses of a pipeline.
fn pipeline<'a>(
    toks: &[(Tok<'a>, Range<usize>)],
    blocks: &mut [Block<'a>],
) -> Result<(), TemplateError> {
    // `$x :=` or `$i, $x :=` (range) declares; `$x = …` assigns a defined variable.
    let mut declared = Vec::new();
    let mut body = toks;
    let mut vars = Vec::new();
    let mut k = 0;
    while let Some((Tok::Var(v), _)) = toks.get(k) {
        vars.push(*v);
        match toks.get(k + 1) {
            Some((Tok::Comma, _)) => k += 2,
            Some((Tok::Declare, at)) => {
                body = &toks[k + 2..];
                if body.is_empty() {
                    return Err(error(at.clone(), "missing value after `:=`"));
                }
                declared = vars;
                break;
            }
            _ => break,
        }
    }
    let mut depth = 0usize;
    for (t, at) in body {
        match t {
            Tok::Ident(name)
                if !GO_FUNCTIONS.contains(name) && !PROMETHEUS_FUNCTIONS.contains(name) =>
            {
                let hint = crate::suggest::did_you_mean(
                    name,
                    GO_FUNCTIONS.iter().chain(PROMETHEUS_FUNCTIONS).copied(),
                )
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
                return Err(error(
                    at.clone(),
                    format!("function `{name}` is not defined{hint}"),
                ));
            }
            Tok::Var(v) if !blocks.iter().any(|b| b.vars.contains(v)) => {
                let hint = crate::suggest::did_you_mean(
                    v,
                    blocks.iter().flat_map(|b| b.vars.iter().copied()),
                )
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
                return Err(error(
                    at.clone(),
                    format!("variable `{v}` is not defined{hint}"),
                ));
            }
            Tok::Open => depth += 1,
            Tok::Close => {
                if depth == 0 {
                    return Err(error(at.clone(), "`)` without a matching `(`"));
                }
                depth -= 1;
            }
            Tok::Declare => return Err(error(at.clone(), "unexpected `:=`")),
            _ => {}
        }
    }
    if depth > 0 {
        let at = body
            .iter()
            .rev()
            .find(|t| t.0 == Tok::Open)
            .map_or(0..0, |t| t.1.clone());
        return Err(error(at, "`(` is never closed with `)`"));
    }
    if let Some(b) = blocks.last_mut() {
        b.vars.extend(declared);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(t: &str) -> (String, String) {
        let e = check(t).unwrap_err();
        (t[e.at.clone()].to_string(), e.message)
    }

    #[test]
    fn prometheus_templates_parse() {
        for t in [
            "Instance {{ $labels.instance }} down",
            "{{ $value | humanizePercentage }} of {{ $labels.job }}",
            "{{- if gt $value 0.5 -}}high{{- else if lt $value 0.1 }}low{{ else }}mid{{ end }}",
            "{{ range $i, $s := query \"up\" }}{{ $i }} {{ .Labels.instance }} {{ $s.Value }}{{ end }}",
            "{{ with query \"x\" }}{{ . | first | value | humanize }}{{ end }}",
            "{{ $x := 1 }}{{ $x = 2 }}{{ $x }}",
            "{{/* a comment */}}{{- /* trimmed */ -}}",
            "{{ printf \"%.2f\" $value }} {{ `raw }}` }} {{ 'a' }} {{ -1.5e3 }}",
            "{{ $externalLabels.cluster }} {{ $externalURL }} {{ $.Labels }}",
            "{{ (index $labels \"pod\") | toUpper }}",
            "no template at all }} {",
        ] {
            assert_eq!(check(t), Ok(()), "{t}");
        }
    }

    #[test]
    fn broken_templates_point_at_the_problem() {
        for (t, at, needle) in [
            ("{{ $labels.instance ", "{{", "never closed with `}}`"),
            ("a {{ if $value }}b", "if", "never closed with `{{ end }}`"),
            ("a {{ end }}", "end", "without an `if`"),
            ("{{ else }}", "else", "outside"),
            ("{{ $label.instance }}", "$label", "did you mean `$labels`"),
            (
                "{{ humanise $value }}",
                "humanise",
                "did you mean `humanize`",
            ),
            ("{{ \"abc }}", "\"", "quoted string"),
            ("{{ }}", "{{ }}", "empty"),
            (
                "{{ if $value }}{{ $x := 1 }}{{ end }}{{ $x }}",
                "$x",
                "not defined",
            ),
            ("{{ (len $labels }}", "(", "never closed with `)`"),
            ("{{ len $labels) }}", ")", "without a matching"),
            ("{{ $y = 1 }}", "$y", "not defined"),
            ("{{ if }}{{ end }}", "if", "needs a value"),
            ("{{ $v # }}", "#", "unexpected character"),
            ("{{/* open }}", "{{/* open }}", "comment"),
            ("{{ € }}", "€", "unexpected character"),
        ] {
            let (got_at, msg) = err(t);
            assert_eq!(got_at, at, "{t}: {msg}");
            assert!(msg.contains(needle), "{t}: {msg}");
        }
    }
}
