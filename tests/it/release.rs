//! The version lives in Cargo.toml alone: everything that names a released version (the
//! pre-commit hook's package, the README's pins, the changelog) agrees with it, the wheel
//! takes it from there, and the action and the release workflow agree on the targets and
//! on how the binary reports its version.

use crate::common::repo;

use regex::Regex;
use std::collections::BTreeSet;

const VERSION: &str = env!("CARGO_PKG_VERSION");

fn read(path: &str) -> String {
    std::fs::read_to_string(repo().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Every capture of `pattern`'s first group in `text`.
fn captures(pattern: &str, text: &str) -> Vec<String> {
    Regex::new(pattern)
        .unwrap()
        .captures_iter(text)
        .map(|c| c[1].to_string())
        .collect()
}

#[test]
fn the_pre_commit_package_pins_the_wheel_of_this_version() {
    let text = read("pyproject.toml");
    assert_eq!(
        captures(r#"(?m)^version = "([^"]+)""#, &text),
        [VERSION],
        "pyproject.toml's version must be Cargo.toml's"
    );
    assert_eq!(
        captures(r#""skinflint==([^"]+)""#, &text),
        [VERSION],
        "the hook must install the wheel of its own version"
    );
}

#[test]
fn the_wheel_takes_its_version_from_cargo_toml() {
    let text = read("pypi/pyproject.toml");
    assert!(text.contains(r#"dynamic = ["version"]"#), "{text}");
    assert!(captures(r"(?m)^(version) *=", &text).is_empty(), "{text}");
    assert!(text.contains(r#"bindings = "bin""#), "{text}");
    assert!(
        text.contains(r#"manifest-path = "../Cargo.toml""#),
        "{text}"
    );
}

#[test]
fn the_changelog_has_this_version_and_an_unreleased_section() {
    let text = read("CHANGELOG.md");
    let sections = captures(r"(?m)^## \[([^\]]+)\]", &text);
    assert_eq!(sections.first().map(String::as_str), Some("Unreleased"));
    assert!(sections.iter().any(|s| s == VERSION), "{sections:?}");
}

#[test]
fn the_readme_pins_this_version_everywhere() {
    let text = read("README.md");
    let pins = captures(
        r"(?:rev: v|skinflint@v|--tag v|skinflint==|skinflint:|\bv=)(\d+\.\d+\.\d+)",
        &text,
    );
    assert!(pins.len() >= 8, "{pins:?}");
    let wrong: Vec<&String> = pins.iter().filter(|v| *v != VERSION).collect();
    assert!(
        wrong.is_empty(),
        "README.md pins {wrong:?}, Cargo.toml says {VERSION}"
    );
}

#[test]
fn the_action_hard_codes_no_version() {
    let text = read("action.yml");
    let literals = captures(r"(\d+\.\d+\.\d+)", &text);
    assert!(literals.is_empty(), "action.yml names {literals:?}");
    // The default comes from the action's own Cargo.toml, at run time.
    assert!(read("scripts/action/install.sh").contains("$action_path/Cargo.toml"));
}

fn targets(text: &str) -> BTreeSet<String> {
    captures(
        r"\b([a-z0-9_]+-(?:unknown-linux-musl|apple-darwin|pc-windows-msvc))\b",
        text,
    )
    .into_iter()
    .collect()
}

#[test]
fn the_action_downloads_what_the_release_builds() {
    let action = targets(&read("scripts/action/install.sh"));
    let release = targets(&read(".github/workflows/release.yml"));
    assert_eq!(action.len(), 5, "{action:?}");
    assert_eq!(action, release);
    // Archive names: the action's and the packaging script's.
    let name = r#"skinflint-$1-$2.tar.gz"#;
    assert!(read("scripts/action/install.sh").contains(name));
    assert!(read("scripts/release/package.sh").contains(r#"name="skinflint-$version-$target""#));
}

#[test]
fn the_binary_reports_its_version_as_the_action_expects() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_skinflint"))
        .arg("--version")
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim_end(),
        format!("skinflint {VERSION}")
    );
}

#[test]
fn the_hooks_install_a_wheel_a_path_binary_or_a_cargo_build() {
    let text = read(".pre-commit-hooks.yaml");
    let hooks: Vec<(String, String)> = Regex::new(r"(?m)^- id: (\S+)$(?s:.*?)^  language: (\S+)$")
        .unwrap()
        .captures_iter(&text)
        .map(|c| (c[1].to_string(), c[2].to_string()))
        .collect();
    let expected = [
        ("skinflint", "python"),
        ("skinflint-system", "system"),
        ("skinflint-cargo", "rust"),
    ];
    assert_eq!(hooks, expected.map(|(i, l)| (i.to_string(), l.to_string())),);
}
