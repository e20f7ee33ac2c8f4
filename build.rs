//! Embeds the built-in rule declarations (`rules/**/*.yaml`), each rule's fixtures
//! (`fixtures/<rule-id>/{bad,good}.yaml`, with the `.profiles` beside them) and the
//! instance catalog's tables (`data/*.csv`, checked row by row here so that a bad row
//! fails the build) into the binary.

#[path = "src/catalog/table.rs"]
#[allow(dead_code)]
mod table;

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
    let mut profiles = Vec::new();
    for d in dirs {
        let (bad, good) = (d.join("bad.yaml"), d.join("good.yaml"));
        if bad.exists() && good.exists() {
            println!("cargo:rerun-if-changed={}", bad.display());
            println!("cargo:rerun-if-changed={}", good.display());
            let id = d.file_name().unwrap().to_string_lossy().into_owned();
            for name in ["bad.yaml", "good.yaml"] {
                let spec = d.join(name).with_extension("profiles");
                if spec.exists() {
                    profiles.push((id.clone(), name, spec));
                }
            }
            writeln!(
                code,
                "    ({id:?}, include_str!({:?}), include_str!({:?})),",
                bad.display().to_string(),
                good.display().to_string()
            )
            .unwrap();
        }
    }
    code.push_str("];\n\n/// Profiles fixtures are replayed with: (rule id, fixture file, `<fixture>.profiles`).\npub static FIXTURE_PROFILES: &[(&str, &str, &str)] = &[\n");
    for (id, yaml, spec) in profiles {
        println!("cargo:rerun-if-changed={}", spec.display());
        writeln!(
            code,
            "    ({id:?}, {yaml:?}, include_str!({:?})),",
            spec.display().to_string()
        )
        .unwrap();
    }
    code.push_str("];\n");
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").unwrap());
    std::fs::write(out_dir.join("embedded.rs"), code).unwrap();
    std::fs::write(out_dir.join("catalog_data.rs"), catalog_data(&root)).unwrap();
}

/// Read one data table, failing the build with the file and line of a bad row.
fn data_table(root: &Path, name: &str) -> String {
    let path = root.join("data").join(name);
    println!("cargo:rerun-if-changed={}", path.display());
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("data/{name}: {e}"))
}

fn check<T>(name: &str, r: Result<T, table::TableError>) -> T {
    r.unwrap_or_else(|e| panic!("data/{name}: {e}"))
}

/// The catalog tables as Rust statics.
fn catalog_data(root: &Path) -> String {
    let mut code = String::new();
    let name = "allocatable.csv";
    let text = data_table(root, name);
    let rows = check(
        name,
        table::rows(&text, "instance_type,allocatable_cpu_millicores,", 6),
    );
    code.push_str("/// (instance type, allocatable cpu millicores, allocatable memory MiB, max pods), by name.\npub static ALLOCATABLE: &[(&str, u64, u64, u64)] = &[\n");
    let mut rows = rows;
    rows.sort_by(|a, b| a.fields[0].cmp(b.fields[0]));
    for w in rows.windows(2) {
        if w[0].fields[0] == w[1].fields[0] {
            panic!(
                "data/{name}: line {}: `{}` listed twice",
                w[1].line, w[1].fields[0]
            );
        }
    }
    for r in &rows {
        let t = check(name, table::instance_name(r, 0));
        let cpu = check(name, table::uint(r, 1, None));
        let mem = check(name, table::uint(r, 2, None));
        let pods = check(name, table::uint(r, 3, None));
        for col in [4, 5] {
            check(name, table::uint(r, col, Some(0)));
        }
        if cpu == 0 || mem == 0 || pods == 0 {
            panic!("data/{name}: line {}: zero allocatable figure", r.line);
        }
        writeln!(code, "    ({t:?}, {cpu}, {mem}, {pods}),").unwrap();
    }
    code.push_str("];\n");

    let name = "instance-types.csv";
    let text = data_table(root, name);
    let rows = check(name, table::rows(&text, "instance_type,family,", 18));
    code.push_str("/// Every instance type of `data/instance-types.csv`.\npub static TYPES: &[super::Raw] = &[\n");
    for r in &rows {
        let t = check(name, table::instance_name(r, 0));
        let f = &r.fields;
        if t.split_once('.').map(|x| x.0) != Some(f[1]) {
            panic!(
                "data/{name}: line {}: `{t}` is not of family `{}`",
                r.line, f[1]
            );
        }
        if !matches!(f[5], "amd64" | "arm64") {
            panic!("data/{name}: line {}: arch `{}`", r.line, f[5]);
        }
        let n = |col: usize| check(name, table::uint(r, col, Some(0)));
        writeln!(
            code,
            "    super::Raw {{ name: {t:?}, family: {:?}, category: {:?}, generation: {}, size: {:?}, arch: {:?}, cpu_manufacturer: {:?}, vcpu: {}, memory_mib: {}, gpu_name: {:?}, gpu_manufacturer: {:?}, gpu_count: {}, gpu_memory_mib: {}, accelerator_name: {:?}, accelerator_manufacturer: {:?}, accelerator_count: {}, accelerator_resource: {:?}, retired_in: {:?} }},",
            f[1], f[2], n(3), f[4], f[5], f[6], n(7), n(8), f[9], f[10], n(11), n(12), f[13], f[14], n(15), f[16], f[17]
        )
        .unwrap();
    }
    code.push_str("];\n");

    let name = "prices-aws-us-east-1.csv";
    let text = data_table(root, name);
    let label = text
        .lines()
        .find_map(|l| l.strip_prefix("# label: "))
        .unwrap_or_else(|| panic!("data/{name}: no `# label:` line"));
    let rows = check(name, table::rows(&text, "instance_type,usd_per_hour", 2));
    writeln!(code, "/// How every embedded price is described in messages.\npub const PRICE_LABEL: &str = {label:?};").unwrap();
    code.push_str("/// Embedded hourly prices: (instance type, USD per hour).\npub static PRICES: &[(&str, f64)] = &[\n");
    for r in &rows {
        let t = check(name, table::instance_name(r, 0));
        let p = check(name, table::price(r, 1))
            .unwrap_or_else(|| panic!("data/{name}: line {}: no price", r.line));
        writeln!(code, "    ({t:?}, {p:?}),").unwrap();
    }
    code.push_str("];\n");

    let name = "gpu-memory.csv";
    let text = data_table(root, name);
    let rows = check(
        name,
        table::rows(&text, "gpu_name,label_memory_mib,usable_memory_mib", 3),
    );
    code.push_str("/// Usable memory per GPU: (gpu name, label MiB, usable MiB).\npub static GPU_MEMORY: &[(&str, u64, u64)] = &[\n");
    for r in &rows {
        let (label, usable) = (
            check(name, table::uint(r, 1, None)),
            check(name, table::uint(r, 2, None)),
        );
        if usable > label {
            panic!(
                "data/{name}: line {}: usable memory above the label",
                r.line
            );
        }
        writeln!(code, "    ({:?}, {label}, {usable}),", r.fields[0]).unwrap();
    }
    code.push_str("];\n");
    code
}
