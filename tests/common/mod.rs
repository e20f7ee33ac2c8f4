//! Shared helpers for the integration tests.
#![allow(dead_code)]

use skinflint::engine::{self, CheckRequest, ConfigChoice, Outcome};
use std::path::{Path, PathBuf};

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `../shared/corpus` beside the checkout (or `$SKINFLINT_CORPUS`), when present.
pub fn corpus() -> Option<PathBuf> {
    let p = std::env::var_os("SKINFLINT_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("../shared/corpus"));
    p.is_dir().then_some(p)
}

/// Run a check over paths with only the given rules (all when `None`) and no config.
pub fn run(paths: &[&Path], select: Option<&[&str]>) -> Outcome {
    let mut req = CheckRequest::new(
        paths
            .iter()
            .map(|p| p.to_string_lossy().into_owned())
            .collect(),
    );
    req.config = ConfigChoice::None;
    req.select = select.map(|s| s.iter().map(|x| x.to_string()).collect());
    engine::check(&req).expect("check runs")
}

/// (line, column, rule) of every finding.
pub fn positions(o: &Outcome) -> Vec<(String, usize, usize, String)> {
    o.findings
        .iter()
        .map(|f| {
            let file = &o.files[f.file].file;
            let lc = file.line_col(f.span.start);
            (file.path.clone(), lc.line, lc.column, f.rule.clone())
        })
        .collect()
}

/// One `# expect:` assertion: the finding's line, optional column, and rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expect {
    pub line: usize,
    pub column: Option<usize>,
    pub rule: String,
}

/// Read `# expect: [rule]` / `# expect: 7 [rule]` comments. A comment at the end of a
/// line applies to that line; one alone on its line applies to the next line that is
/// not itself an expectation.
pub fn expectations(text: &str) -> Vec<Expect> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some(pos) = line.find("# expect:") else {
            continue;
        };
        let alone = line[..pos].trim().is_empty();
        let mut target = i + 1;
        if alone {
            target = i + 2;
            while target <= lines.len() && lines[target - 1].trim_start().starts_with("# expect:") {
                target += 1;
            }
        }
        let spec = &line[pos + "# expect:".len()..];
        let mut column = None;
        for token in spec
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|t| !t.is_empty())
        {
            if let Some(rule) = token.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
                out.push(Expect {
                    line: target,
                    column: column.take(),
                    rule: rule.to_string(),
                });
            } else if let Ok(c) = token.parse::<usize>() {
                column = Some(c);
            } else {
                panic!("bad expectation token `{token}` on line {}", i + 1);
            }
        }
    }
    out
}

/// Compare findings with expectations; returns a readable list of mismatches.
pub fn mismatches(found: &[(usize, usize, String)], expected: &[Expect]) -> Vec<String> {
    let mut unmatched_found: Vec<&(usize, usize, String)> = found.iter().collect();
    let mut problems = Vec::new();
    for e in expected {
        let idx = unmatched_found.iter().position(|(l, c, r)| {
            *l == e.line && *r == e.rule && e.column.is_none_or(|ec| ec == *c)
        });
        match idx {
            Some(i) => {
                unmatched_found.remove(i);
            }
            None => problems.push(format!(
                "expected [{}] at line {}{} but it did not fire there",
                e.rule,
                e.line,
                e.column.map(|c| format!(" column {c}")).unwrap_or_default()
            )),
        }
    }
    for (l, c, r) in unmatched_found {
        problems.push(format!("unexpected [{r}] at line {l} column {c}"));
    }
    problems
}
