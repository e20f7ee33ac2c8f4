//! Embeds the built-in rule declarations (`rules/**/*.yaml`) and each rule's fixtures
//! (`fixtures/<rule-id>/{bad,good}.yaml`) into the binary.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            yaml_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "yaml") {
            out.push(p);
        }
    }
}

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    println!("cargo:rerun-if-changed=rules");
    println!("cargo:rerun-if-changed=fixtures");
    let mut rules = Vec::new();
    yaml_files(&root.join("rules"), &mut rules);
    rules.sort();
    let mut code = String::from("/// Built-in rule files: (path in the repository, contents).\npub static RULE_FILES: &[(&str, &str)] = &[\n");
    for p in &rules {
        let rel = p
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        println!("cargo:rerun-if-changed={}", p.display());
        writeln!(
            code,
            "    ({rel:?}, include_str!({:?})),",
            p.display().to_string()
        )
        .unwrap();
    }
    code.push_str("];\n\n/// Fixtures per rule: (rule id, bad.yaml, good.yaml).\npub static FIXTURES: &[(&str, &str, &str)] = &[\n");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root.join("fixtures"))
        .map(|r| {
            r.flatten()
                .map(|e| e.path())
                .filter(|p| p.is_dir())
                .collect()
        })
        .unwrap_or_default();
    dirs.sort();
    for d in dirs {
        let (bad, good) = (d.join("bad.yaml"), d.join("good.yaml"));
        if bad.exists() && good.exists() {
            println!("cargo:rerun-if-changed={}", bad.display());
            println!("cargo:rerun-if-changed={}", good.display());
            let id = d.file_name().unwrap().to_string_lossy().into_owned();
            writeln!(
                code,
                "    ({id:?}, include_str!({:?}), include_str!({:?})),",
                bad.display().to_string(),
                good.display().to_string()
            )
            .unwrap();
        }
    }
    code.push_str("];\n");
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("embedded.rs");
    std::fs::write(out, code).unwrap();
}
