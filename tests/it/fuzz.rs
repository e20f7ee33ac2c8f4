//! A seeded fuzzer over the library: the fixtures, the test data and a sample of the
//! real-world corpus, mutated byte by byte and token by token, fed through the whole check
//! in-process. No input may panic or take longer than [`limit`], and the JSON and SARIF
//! reports of a sample must parse. `SKINFLINT_FUZZ_INPUTS` sets the count and
//! `SKINFLINT_FUZZ_SEED` the seed; a failure prints both and saves the input.
//!
//! The campaign is 100,000 inputs: about 65 s on two cores in the unoptimised build of
//! `cargo test` (so CI runs it whole), 9 s with `--release`.

use crate::common;
use skinflint::engine::{self, CheckRequest, ConfigChoice, Inputs};
use skinflint::source::{self, LoadOptions};
use std::time::{Duration, Instant};

/// xorshift64*: small, fast and the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Tokens that steer YAML, Kubernetes and PromQL parsing into their corners.
const TOKENS: &[&str] = &[
    ":",
    ": ",
    "- ",
    "{",
    "}",
    "[",
    "]",
    ",",
    "&a ",
    "*a",
    "<<: *a",
    "!!str ",
    "!!binary ",
    "? ",
    "|",
    ">-",
    "'",
    "\"",
    "\\",
    "#",
    "\t",
    "\n",
    "\r\n",
    "\r",
    "---\n",
    "...\n",
    "%YAML 1.2\n",
    "\u{feff}",
    "\u{202e}",
    "\u{1b}[31m",
    "\0",
    "~",
    "null",
    "true",
    "1e400",
    "-1",
    "0x1F",
    "99999999999999999999",
    "NaN",
    ".inf",
    "nvidia.com/gpu",
    "karpenter.sh/capacity-type",
    "spot",
    "on-demand",
    "p5.48xlarge",
    "g5.xlarge",
    "WhenEmpty",
    "WhenEmptyOrUnderutilized",
    "consolidateAfter: ",
    "expireAfter: Never",
    "1h",
    "720h",
    "0s",
    "apiVersion: karpenter.sh/v1\n",
    "kind: NodePool\n",
    "kind: Deployment\n",
    "kind: PrometheusRule\n",
    "expr: ",
    "rate(x[1m])",
    "sum by (a) (",
    ")",
    "[5m:1m]",
    "offset 1h",
    "@ 0",
    "{{ .Values.x }}",
    "# skinflint: ignore[",
    "skinflint.dev/ignore: ",
    "limits:\n",
    "requests:\n",
];

fn mutate(rng: &mut Rng, seeds: &[Vec<u8>], input: &mut Vec<u8>) {
    for _ in 0..1 + rng.below(4) {
        let len = input.len();
        let at = rng.below(len + 1);
        match rng.below(7) {
            0 if len > 0 => input[at.min(len - 1)] = rng.next() as u8,
            1 if len > 0 => {
                let end = (at + 1 + rng.below(64)).min(len);
                input.drain(at.min(len)..end);
            }
            2 if len > 0 => {
                let end = (at + 1 + rng.below(256)).min(len);
                let chunk = input[at.min(len)..end].to_vec();
                let to = rng.below(input.len() + 1);
                input.splice(to..to, chunk);
            }
            3 => {
                // Splice in part of another seed.
                let other = &seeds[rng.below(seeds.len())];
                let from = rng.below(other.len() + 1);
                let end = (from + rng.below(512)).min(other.len());
                input.splice(at..at, other[from..end].iter().copied());
            }
            4 => {
                // Deepen the line: indentation decides YAML structure.
                input.splice(at..at, b"  ".iter().copied());
            }
            _ => {
                let t = TOKENS[rng.below(TOKENS.len())].as_bytes();
                input.splice(at..at, t.iter().copied());
            }
        }
    }
    input.truncate(64 * 1024);
}

fn seeds() -> Vec<Vec<u8>> {
    let mut seeds: Vec<Vec<u8>> = Vec::new();
    for (_, bad, good) in skinflint::rule::registry::FIXTURES {
        seeds.push(bad.as_bytes().to_vec());
        seeds.push(good.as_bytes().to_vec());
    }
    let mut dirs = vec![
        common::repo().join("tests/data"),
        common::repo().join("examples"),
    ];
    match common::corpus() {
        Some(c) => dirs.push(c),
        None => common::skip("the corpus (../shared/corpus), for fuzz seeds"),
    }
    for dir in dirs {
        let mut files: Vec<_> = source::walk(&dir)
            .flatten()
            .map(|e| e.into_path())
            .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
            .collect();
        files.sort();
        // A spread sample keeps the seed set varied and the run quick.
        let step = (files.len() / 300).max(1);
        for p in files.iter().step_by(step) {
            if let Ok(b) = std::fs::read(p) {
                if b.len() <= 64 * 1024 {
                    seeds.push(b);
                }
            }
        }
    }
    seeds
}

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Check one input in full (reports rendered) and return what went wrong, if anything.
fn full_check(bytes: &[u8]) -> Result<(), String> {
    let mut req = CheckRequest::new(vec!["-".to_string()]);
    req.config = ConfigChoice::None;
    req.stdin = Some(bytes.to_vec());
    let outcome = engine::check(&req).map_err(|e| format!("check failed: {e}"))?;
    let json = skinflint::report::json::render(&outcome, skinflint::report::uri::PathFormat::Repo);
    serde_json::from_str::<serde_json::Value>(&json).map_err(|e| format!("JSON: {e}"))?;
    let sarif = skinflint::report::sarif::render(&outcome);
    serde_json::from_str::<serde_json::Value>(&sarif).map_err(|e| format!("SARIF: {e}"))?;
    Ok(())
}

/// The longest any one input may take, in any build: the slowest of the campaign takes
/// about 0.15 s unoptimised on an idle machine, so a busy CI machine stays well inside.
fn limit() -> Duration {
    Duration::from_secs(1)
}

#[test]
fn fuzzed_inputs_never_panic_hang_or_break_reports() {
    let total = env_u64("SKINFLINT_FUZZ_INPUTS", 100_000);
    let seed = env_u64("SKINFLINT_FUZZ_SEED", 0x5eed_f117);
    let seeds = seeds();
    assert!(seeds.len() > 80, "only {} seeds", seeds.len());
    let mut req = CheckRequest::new(vec!["-".to_string()]);
    req.config = ConfigChoice::None;
    let setup = engine::prepare(&req).expect("built-in rules load");
    let threads = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .min(4) as u64;
    let started = Instant::now();
    let slowest = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let (seeds, setup) = (&seeds, &setup);
                scope.spawn(move || {
                    let mut rng = Rng(seed ^ (t + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15));
                    let mut slowest = Duration::ZERO;
                    for i in (t..total).step_by(threads as usize) {
                        let mut input = seeds[rng.below(seeds.len())].clone();
                        mutate(&mut rng, seeds, &mut input);
                        let began = Instant::now();
                        let outcome =
                            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                                if i % 500 == 0 {
                                    return full_check(&input);
                                }
                                let inputs = Inputs {
                                    files: vec![source::load_bytes(
                                        "fuzz.yaml".to_string(),
                                        Ok(input.clone()),
                                        LoadOptions::default(),
                                    )],
                                    keys: vec!["fuzz.yaml".to_string()],
                                    reported: vec![true],
                                    config_reported: false,
                                    covers_config: false,
                                    cluster_paths: vec![None],
                                    notes: Vec::new(),
                                };
                                engine::evaluate(setup, inputs);
                                Ok(())
                            }));
                        let took = began.elapsed();
                        slowest = slowest.max(took);
                        let failure = match outcome {
                            Err(_) => Some("panicked".to_string()),
                            Ok(Err(e)) => Some(e),
                            Ok(Ok(())) if took > limit() => Some(format!("took {took:?}")),
                            Ok(Ok(())) => None,
                        };
                        if let Some(why) = failure {
                            let path = std::env::temp_dir()
                                .join(format!("skinflint-fuzz-{seed}-{i}.yaml"));
                            let _ = std::fs::write(&path, &input);
                            panic!(
                                "input {i} (SKINFLINT_FUZZ_SEED={seed}) {why}; saved to {}",
                                path.display()
                            );
                        }
                    }
                    slowest
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a fuzz thread failed"))
            .max()
            .unwrap_or_default()
    });
    eprintln!(
        "fuzz: {total} inputs from {} seeds in {:.1} s on {threads} threads, slowest {slowest:?}",
        seeds.len(),
        started.elapsed().as_secs_f64()
    );
}

#[test]
fn the_mutator_is_deterministic() {
    let seeds = vec![b"a: 1\n".to_vec(), b"- [x, y]\n".to_vec()];
    let run = || {
        let mut rng = Rng(42);
        let mut v = seeds[0].clone();
        for _ in 0..50 {
            mutate(&mut rng, &seeds, &mut v);
        }
        v
    };
    assert_eq!(run(), run());
    assert_ne!(run(), seeds[0]);
}
