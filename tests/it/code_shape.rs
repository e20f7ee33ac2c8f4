//! The shape of the source: the layers of DESIGN.md hold, no function under `src/` is
//! longer than [`MAX_LINES`] lines (so each can be read whole and does one thing), and
//! errors are types rather than strings.

use std::path::{Path, PathBuf};

const MAX_LINES: usize = 120;

#[test]
fn no_function_is_longer_than_the_limit() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    assert!(!files.is_empty(), "no sources found under src/");
    let mut long = Vec::new();
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let rel = path
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        for (name, line, lines) in functions(&code_only(&text)) {
            if lines > MAX_LINES {
                long.push(format!("{rel}:{line}: `{name}` is {lines} lines"));
            }
        }
    }
    assert!(
        long.is_empty(),
        "functions longer than {MAX_LINES} lines; split them along the concepts they mix:\n{}",
        long.join("\n")
    );
}

#[test]
fn the_scanner_skips_braces_in_strings_comments_and_chars() {
    let text = "fn a<'x>(s: &'x str) -> char {\n    let _ = \"}\"; // }\n    /* } */ let _ = r#\"}\"#;\n    '}'\n}\nfn b() {}\n";
    let found = functions(&code_only(text));
    assert_eq!(
        found,
        vec![("a".to_string(), 1, 5), ("b".to_string(), 6, 1)]
    );
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let p = entry.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// The text with comments, strings and character literals blanked out (line breaks
/// kept), so only the code's own braces remain.
fn code_only(text: &str) -> String {
    let c: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let blank = |out: &mut String, ch: char| out.push(if ch == '\n' { '\n' } else { ' ' });
    let ident = |ch: char| ch.is_alphanumeric() || ch == '_';
    let mut i = 0;
    while i < c.len() {
        let next = c.get(i + 1).copied();
        if c[i] == '/' && next == Some('/') {
            while i < c.len() && c[i] != '\n' {
                i += 1;
            }
        } else if c[i] == '/' && next == Some('*') {
            let mut depth = 0;
            while i < c.len() {
                if c[i] == '/' && c.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if c[i] == '*' && c.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    blank(&mut out, c[i]);
                    i += 1;
                }
            }
        } else if c[i] == 'r'
            && (i == 0 || !ident(c[i - 1]) || c[i - 1] == 'b')
            && matches!(next, Some('"' | '#'))
        {
            // A raw string: r"…", r#"…"#.
            let mut j = i + 1;
            let mut hashes = 0;
            while c.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if c.get(j) != Some(&'"') {
                out.push(c[i]);
                i += 1;
                continue;
            }
            j += 1;
            while j < c.len() {
                if c[j] == '"' && (1..=hashes).all(|k| c.get(j + k) == Some(&'#')) {
                    j += 1 + hashes;
                    break;
                }
                blank(&mut out, c[j]);
                j += 1;
            }
            i = j;
        } else if c[i] == '"' {
            i += 1;
            while i < c.len() && c[i] != '"' {
                if c[i] == '\\' {
                    i += 1;
                }
                if let Some(&ch) = c.get(i) {
                    blank(&mut out, ch);
                }
                i += 1;
            }
            i += 1;
        } else if c[i] == '\'' && (next == Some('\\') || c.get(i + 2) == Some(&'\'')) {
            // A character literal ('x', '\n', '\'', '\u{7f}'); a lifetime has no closing
            // quote.
            i += if next == Some('\\') { 3 } else { 2 };
            while i < c.len() && c[i] != '\'' {
                i += 1;
            }
            i += 1;
        } else {
            out.push(c[i]);
            i += 1;
        }
    }
    out
}

/// Every function with a body: (name, first line, number of lines).
fn functions(code: &str) -> Vec<(String, usize, usize)> {
    let lines: Vec<&str> = code.lines().collect();
    let mut out = Vec::new();
    for (start, line) in lines.iter().enumerate() {
        let mut words = line.split(|ch: char| !(ch.is_alphanumeric() || ch == '_'));
        if !words.any(|w| w == "fn") {
            continue;
        }
        let Some(name) = words.find(|w| !w.is_empty()) else {
            continue;
        };
        let mut depth = 0i32;
        let mut opened = false;
        'scan: for (n, l) in lines.iter().enumerate().skip(start) {
            for ch in l.chars() {
                match ch {
                    '{' => {
                        depth += 1;
                        opened = true;
                    }
                    '}' => depth -= 1,
                    ';' if !opened && depth == 0 => break 'scan, // a declaration
                    _ => {}
                }
                if opened && depth == 0 {
                    out.push((name.to_string(), start + 1, n - start + 1));
                    break 'scan;
                }
            }
        }
    }
    out
}

/// Every source file under `src/`: its path from the crate root and its code without
/// comments, strings and character literals.
fn sources() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let rel = p
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (rel, code_only(&std::fs::read_to_string(&p).unwrap()))
        })
        .collect()
}

#[test]
fn layers_hold() {
    // (module, paths it must not use, why)
    let rules: &[(&str, &[&str], &str)] = &[
        (
            "src/model/",
            &[
                "crate::checks",
                "crate::profile",
                "crate::engine",
                "crate::run",
            ],
            "the model knows resources, not checks or profiles",
        ),
        (
            "src/source/",
            &[
                "crate::checks",
                "crate::model",
                "crate::engine",
                "crate::run",
            ],
            "reading files knows no rule",
        ),
        (
            "src/catalog/",
            &["crate::checks", "crate::engine", "crate::run"],
            "the catalog is facts",
        ),
        (
            "src/profile/",
            &["crate::checks", "crate::engine", "crate::run"],
            "profiles know no check",
        ),
        (
            "src/costmodel/",
            &["crate::checks", "crate::engine", "crate::run"],
            "the cost model knows no check",
        ),
        (
            "src/report/",
            &["crate::checks", "crate::run"],
            "reports render outcomes",
        ),
        (
            "src/rule/",
            &["crate::checks", "crate::engine", "crate::run"],
            "the rule vocabulary sits below the checks",
        ),
        (
            "src/checks/",
            &["crate::engine", "crate::run", "crate::report"],
            "checks read the model and return hits",
        ),
        (
            "src/engine/",
            &["crate::run"],
            "the engine is what the run layer calls",
        ),
    ];
    let mut broken = Vec::new();
    for (file, code) in sources() {
        for (module, banned, why) in rules {
            if !file.starts_with(module) {
                continue;
            }
            for (n, line) in code.lines().enumerate() {
                for b in *banned {
                    if line.contains(b) {
                        broken.push(format!("{file}:{}: uses `{b}` ({why})", n + 1));
                    }
                }
            }
        }
    }
    assert!(broken.is_empty(), "layering broken:\n{}", broken.join("\n"));
}

#[test]
fn errors_are_types() {
    let mut stringly = Vec::new();
    for (file, code) in sources() {
        // A signature may span lines: join each function's head up to its body.
        let flat = code.replace('\n', " ");
        for (i, _) in flat.match_indices("fn ") {
            let head = &flat[i..flat[i..].find('{').map_or(flat.len(), |e| i + e)];
            let compact: String = head.chars().filter(|c| !c.is_whitespace()).collect();
            if compact.contains("->Result<") && compact.ends_with(",String>") {
                stringly.push(format!(
                    "{file}: {}",
                    head.split_whitespace().collect::<Vec<_>>().join(" ")
                ));
            }
        }
    }
    assert!(
        stringly.len() <= 2,
        "functions returning Result<_, String> (at most 2; give errors a type):\n{}",
        stringly.join("\n")
    );
}
