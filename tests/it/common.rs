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

/// Report that a test could not run for want of `what` (the corpus, a tool): a note on a
/// developer's machine, a failure in CI (`CI` set), where everything must be present so
/// that a green run means every test ran.
pub fn skip(what: &str) {
    if std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "false" && v != "0") {
        panic!("{what} is missing, and CI is set: CI must run every test");
    }
    eprintln!("SKIPPED: {what} is missing");
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

/// A GPU serving workload `ml/NAME` of KIND: `replicas` pods of one `server` container
/// with a GPU limit, CPU and memory requests when given, pinned to an instance type when
/// given.
pub fn gpu_serving(
    kind: &str,
    name: &str,
    replicas: u32,
    gpus: u32,
    requests: Option<(&str, &str)>,
    pin: Option<&str>,
) -> String {
    let selector = pin.map_or(String::new(), |t| {
        format!("      nodeSelector: {{node.kubernetes.io/instance-type: {t}}}\n")
    });
    let resources = match requests {
        Some((cpu, memory)) => format!(
            "          resources:
            requests: {{cpu: \"{cpu}\", memory: {memory}}}
            limits: {{nvidia.com/gpu: {gpus}}}
"
        ),
        None => format!("          resources: {{limits: {{nvidia.com/gpu: {gpus}}}}}\n"),
    };
    format!(
        "apiVersion: apps/v1
kind: {kind}
metadata: {{name: {name}, namespace: ml}}
spec:
  replicas: {replicas}
  selector: {{matchLabels: {{app: {name}}}}}
  template:
    metadata: {{labels: {{app: {name}}}}}
    spec:
{selector}      containers:
        - name: server
          image: vllm:1
{resources}"
    )
}

/// Write a generated nvidia-smi CSV of A10Gs: `gpus` GPUs sampled every `interval_s` for
/// `hours`; the first `busy` GPUs cycle utilisation up to `util`% and memory up to
/// `mem_mib`, the others idle with 500 MiB used.
#[allow(clippy::too_many_arguments)]
pub fn generate_nvidia_smi(
    path: &Path,
    hours: f64,
    interval_s: f64,
    util: f64,
    mem_mib: f64,
    total_mib: f64,
    gpus: usize,
    busy: usize,
) {
    generate_nvidia_smi_of(
        path,
        "NVIDIA A10G",
        hours,
        interval_s,
        util,
        mem_mib,
        total_mib,
        gpus,
        busy,
    )
}

/// [`generate_nvidia_smi`] for GPUs of `model` (as nvidia-smi names it).
#[allow(clippy::too_many_arguments)]
pub fn generate_nvidia_smi_of(
    path: &Path,
    model: &str,
    hours: f64,
    interval_s: f64,
    util: f64,
    mem_mib: f64,
    total_mib: f64,
    gpus: usize,
    busy: usize,
) {
    use std::io::Write;
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    writeln!(
        f,
        "timestamp, name, index, uuid, utilization.gpu [%], memory.used [MiB], memory.total [MiB]"
    )
    .unwrap();
    let rows = (hours * 3600.0 / interval_s) as u64;
    let start = 1_767_225_600u64; // 2026-01-01T00:00:00Z
    for i in 0..rows {
        let t = start + (i as f64 * interval_s) as u64;
        let (days, rem) = (t / 86_400, t % 86_400);
        // 2026-01-01 plus `days` (January and on; enough for generated profiles).
        let (mut y, mut m, mut d) = (2026u64, 1u64, 1 + days);
        let month_len = |m: u64| [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][(m - 1) as usize];
        while d > month_len(m) {
            d -= month_len(m);
            m += 1;
            if m > 12 {
                m = 1;
                y += 1;
            }
        }
        let frac = (i % 20) as f64 / 19.0;
        for g in 0..gpus {
            let (u, mem) = if g < busy {
                (util * frac, mem_mib * (0.5 + 0.5 * frac))
            } else {
                (0.0, 500.0)
            };
            writeln!(
                f,
                "{y:04}/{m:02}/{d:02} {:02}:{:02}:{:02}.000, {model}, {g}, GPU-{g:04}, {:.0} %, {:.0} MiB, {total_mib:.0} MiB",
                rem / 3600,
                (rem % 3600) / 60,
                rem % 60,
                u,
                mem
            )
            .unwrap();
        }
    }
}

/// Profiles for a fixture: `<fixture>.profiles` beside it (see
/// [`skinflint::rule::fixture_profile`]), generated as nvidia-smi CSV into `dir`.
pub fn fixture_profiles(
    fixture: &Path,
    dir: &Path,
) -> Vec<skinflint::profile::attach::ProfileInput> {
    let spec = fixture.with_extension("profiles");
    let Ok(text) = std::fs::read_to_string(&spec) else {
        return Vec::new();
    };
    let specs = skinflint::rule::fixture_profile::ProfileSpec::parse_all(&text)
        .unwrap_or_else(|e| panic!("{}: {e}", spec.display()));
    let mut out = Vec::new();
    for (i, p) in specs.into_iter().enumerate() {
        let path = dir.join(format!("profile-{i}.csv"));
        generate_nvidia_smi_of(
            &path,
            &p.model,
            p.hours,
            p.interval_s,
            p.util,
            p.mem_mib,
            p.total_mib,
            p.gpus,
            p.busy,
        );
        out.push(skinflint::profile::attach::ProfileInput {
            path,
            workload: Some(p.workload),
        });
    }
    out
}

/// Standard output of a run as JSON (a clear panic with both streams when it is not).
pub fn json(out: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {} {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// `(file, rule, line)` of each finding in a JSON report.
pub fn file_rule_line(v: &serde_json::Value) -> Vec<(String, String, u64)> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["file"].as_str().unwrap().to_string(),
                f["rule"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// `(baseline_matched, baseline_fixed)` of a JSON report's summary.
pub fn baseline_counts(v: &serde_json::Value) -> (Option<u64>, Option<u64>) {
    (
        v["summary"]["baseline_matched"].as_u64(),
        v["summary"]["baseline_fixed"].as_u64(),
    )
}

/// Compare `actual` with the reviewed snapshot `tests/snapshots/NAME.snap` (insta: on a
/// difference it writes `NAME.snap.new` beside it to review with `cargo insta review`, or
/// rewrites the snapshot under `INSTA_UPDATE=always`).
pub fn snapshot(name: &str, actual: &str) {
    insta::with_settings!({
        snapshot_path => "../snapshots",
        prepend_module_to_snapshot => false,
        omit_expression => true,
    }, {
        insta::assert_snapshot!(name, actual);
    });
}

/// Run git in `dir` with a fixed identity, failing the test when it fails.
pub fn git(dir: &Path, args: &[&str]) {
    let out = std::process::Command::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .output()
        .unwrap();
    succeeded(out, &format!("git {args:?}"));
}

/// A command's output, failing the test with `what` and its standard error when the
/// command failed.
pub fn succeeded(out: std::process::Output, what: &str) -> std::process::Output {
    assert!(
        out.status.success(),
        "{what}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// The built binary, run in `dir` the way a test needs: no colour, no standard input, and
/// none of the variables that CI or pre-commit set and that change what it reports.
pub fn command(dir: &Path) -> std::process::Command {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_skinflint"));
    c.current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::null());
    for k in [
        "PRE_COMMIT",
        "GITHUB_SHA",
        "GITHUB_SERVER_URL",
        "GITHUB_REPOSITORY",
    ] {
        c.env_remove(k);
    }
    c
}

/// Run the binary in `dir` with `args`.
pub fn skinflint(dir: &Path, args: &[&str]) -> std::process::Output {
    command(dir).args(args).output().expect("the binary runs")
}

/// Run the binary in `dir` with `args`, `input` on its standard input.
pub fn skinflint_with_stdin(dir: &Path, args: &[&str], input: &str) -> std::process::Output {
    use std::io::Write;
    let mut child = command(dir)
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let mut stdin = child.stdin.take().expect("piped");
    // A run that stops reading early (an error) closes the pipe; its output says why.
    let _ = stdin.write_all(input.as_bytes());
    drop(stdin);
    child.wait_with_output().expect("the binary runs")
}
