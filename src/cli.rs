//! Command-line definitions (clap only; no logic): `main` parses them and hands them to
//! [`crate::run`].

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

pub use crate::report::uri::PathFormat;

#[derive(Parser, Debug)]
#[command(
    name = "skinflint",
    version,
    about = "Lint Kubernetes, Karpenter and GPU serving YAML for money left on the table",
    after_help = "Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it, 2 skinflint could not run."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Check files, directories (recursively, .yaml/.yml) or `-` for standard input.
    Check(Box<CheckArgs>),
    /// List the rules with their default severity and category.
    Rules {
        #[arg(long, value_enum, default_value_t = RulesFormat::Human)]
        format: RulesFormat,
        /// Also list the custom rules of this directory of rule files (repeatable).
        #[arg(long = "rules", value_name = "DIR", action = clap::ArgAction::Append)]
        rules_dirs: Vec<PathBuf>,
    },
    /// Show a rule's documentation with its bad and good example.
    Explain {
        /// Rule id, e.g. `nodepool-without-limits`.
        #[arg(value_parser = RuleId, hide_possible_values = true)]
        id: String,
        /// Also know the custom rules of this directory of rule files (repeatable).
        #[arg(long = "rules", value_name = "DIR", action = clap::ArgAction::Append)]
        rules_dirs: Vec<PathBuf>,
    },
    /// Write a commented .skinflint.yaml listing every rule and its parameters.
    Init {
        /// Where to write it.
        #[arg(default_value = ".skinflint.yaml")]
        path: PathBuf,
        /// Overwrite an existing file.
        #[arg(long)]
        force: bool,
    },
    /// Print shell completions.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Replay GPU profiles against the workloads in manifests: a per-workload table of the
    /// current and recommended instance, the evidence and the monthly saving.
    Replay {
        /// Profile files or directories (nvidia-smi CSV, DCGM scrape, query_range JSON,
        /// ResourceProfile JSON); optional when every profile is named with --profile
        /// or the statistics come from --prometheus.
        #[arg(required_unless_present_any = ["profile", "prometheus"])]
        profiles: Vec<PathBuf>,
        /// Manifests holding the workloads (and their node pools); with --prometheus they
        /// may be left out, and the workloads are those its DCGM series show.
        #[arg(long, value_name = "PATH", num_args = 1.., action = clap::ArgAction::Append)]
        manifests: Vec<String>,
        /// A profile for one workload: NAMESPACE/WORKLOAD=PATH.
        #[arg(long, value_name = "NS/WORKLOAD=PATH", action = clap::ArgAction::Append)]
        profile: Vec<String>,
        /// GPU memory headroom over p99 memory the recommended GPU must leave (default:
        /// the `memory-headroom` parameter of `gpu-overprovisioned`).
        #[arg(long)]
        memory_headroom: Option<f64>,
        #[arg(long, value_enum, default_value_t = ReplayFormat::Human)]
        format: ReplayFormat,
        /// Write one SVG per workload (utilisation and memory over time against the
        /// current and recommended GPU's memory) into this directory.
        #[arg(long, value_name = "DIR")]
        plot: Option<PathBuf>,
        #[command(flatten)]
        prometheus: Box<PrometheusArgs>,
    },
    /// Monthly cost estimates for manifests, and the design's cost calculators.
    Cost(CostArgs),
    /// Compare two trees: findings new, fixed and unchanged, and the monthly cost delta
    /// per resource. BASE and HEAD are git revisions (HEAD defaults to the working tree;
    /// BASE is compared from where HEAD forked from it), or use --base-dir/--head-dir.
    Diff(Box<DiffArgs>),
    /// Regenerate rules/README.md and schemas/config.schema.json from the rule registry
    /// (run in a skinflint checkout).
    Docs {
        /// Only check that the files are current; exit 1 when they are not.
        #[arg(long)]
        check: bool,
    },
}

#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// Files, directories or `-` (standard input) to check and report on.
    #[arg(required = true)]
    pub paths: Vec<String>,
    /// Output format; repeat with --output to write several reports from one run.
    #[arg(long, value_enum, action = clap::ArgAction::Append)]
    pub format: Vec<Format>,
    /// Write the report to FILE instead of standard output; the Nth --output goes with
    /// the Nth --format.
    #[arg(long, short = 'o', value_name = "FILE", action = clap::ArgAction::Append)]
    pub output: Vec<PathBuf>,
    /// Lowest severity that makes the run fail (exit 1). Default: the config's `fail-on`, else warning.
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    #[command(flatten)]
    pub rules: RuleArgs,
    /// Ignore suppression comments and annotations (config `ignore:` entries still apply).
    #[arg(long)]
    pub no_inline_suppressions: bool,
    /// Load these files or directories as context for cross-resource rules, without
    /// reporting on them (pre-commit passes only staged files: use `--context .`).
    #[arg(long, value_name = "PATH", action = clap::ArgAction::Append)]
    pub context: Vec<String>,
    /// Follow symlinks that lead out of the checked paths (by default they are skipped
    /// with a note).
    #[arg(long)]
    pub follow_symlinks: bool,
    /// Report only the findings that are new since this git revision (its merge base),
    /// wherever they are: the tree at REV (read from git objects) and the tree now are
    /// both checked. Untracked files count only when named as files.
    #[arg(long, value_name = "REV")]
    pub changed_since: Option<String>,
    /// With --changed-since: compare the staged content (what the commit will hold), as
    /// a pre-commit hook needs; implied when PRE_COMMIT=1 is set.
    #[arg(long, requires = "changed_since")]
    pub staged: bool,
    /// Report only findings that are not in this baseline file.
    #[arg(long, value_name = "FILE", conflicts_with = "write_baseline")]
    pub baseline: Option<PathBuf>,
    /// Record the current findings in FILE (and exit 0).
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// GPU utilisation profiles (nvidia-smi CSV, DCGM scrapes, Prometheus query_range
    /// JSON, ResourceProfile JSON; files or directories) to replay against the workloads.
    #[arg(long, value_name = "PATH", num_args = 1.., action = clap::ArgAction::Append)]
    pub profiles: Vec<PathBuf>,
    /// A profile for one workload, for files without pod labels: NAMESPACE/WORKLOAD=PATH.
    #[arg(long, value_name = "NS/WORKLOAD=PATH", action = clap::ArgAction::Append)]
    pub profile: Vec<String>,
    #[command(flatten)]
    pub prometheus: PrometheusArgs,
    /// A cluster: directories (a glob ending in `/`, such as `clusters/*/`) or files whose
    /// resources never relate to another cluster's; repeatable, added to the config's
    /// `clusters:`. Relative to the config file's directory, else the current directory.
    #[arg(long, value_name = "GLOB", action = clap::ArgAction::Append)]
    pub cluster: Vec<String>,
    /// The file name findings on standard input are reported under (for example the chart
    /// path when piping `helm template` output), so annotations land on a real file.
    #[arg(long, value_name = "NAME")]
    pub stdin_filename: Option<String>,
    /// How human and JSON reports name files: `repo`, relative to the repository root
    /// as SARIF, GitHub and Markdown reports do; `cwd`, relative to the working directory.
    #[arg(long, value_enum, default_value_t = PathFormat::Repo)]
    pub path_format: PathFormat,
    /// Accept empty standard input (`-` with no bytes or only whitespace) as nothing to
    /// check; by default it is an error, as a failed command before the pipe gives it.
    #[arg(long)]
    pub allow_empty: bool,
    /// Colour in human output.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
}

/// GPU statistics from a Prometheus-compatible server (Prometheus, Thanos, Mimir)
/// instead of files. Credentials come from the environment or a file, never a flag:
/// SKINFLINT_PROMETHEUS_TOKEN (bearer) or SKINFLINT_PROMETHEUS_USER and
/// SKINFLINT_PROMETHEUS_PASSWORD (basic).
#[derive(clap::Args, Debug, Clone, Default)]
pub struct PrometheusArgs {
    /// Query DCGM series on this server (for example http://prometheus:9090, or
    /// https://mimir/prometheus) for every GPU workload in the manifests (for replay
    /// without manifests, every workload the DCGM series show).
    #[arg(long, value_name = "URL")]
    pub prometheus: Option<String>,
    /// How far back the statistics reach from the evaluation time.
    #[arg(
        long,
        value_name = "DURATION",
        default_value = "7d",
        requires = "prometheus"
    )]
    pub window: String,
    /// The evaluation time: RFC 3339 or Unix seconds (default: now).
    #[arg(long, value_name = "TIME", requires = "prometheus")]
    pub until: Option<String>,
    /// Only workloads in this namespace (repeatable).
    #[arg(long, value_name = "NS", action = clap::ArgAction::Append, requires = "prometheus")]
    pub namespace: Vec<String>,
    /// A file holding the bearer token (instead of SKINFLINT_PROMETHEUS_TOKEN).
    #[arg(long, value_name = "FILE", requires = "prometheus")]
    pub prometheus_token_file: Option<PathBuf>,
    /// A file holding the basic-auth password (with SKINFLINT_PROMETHEUS_USER).
    #[arg(long, value_name = "FILE", requires = "prometheus")]
    pub prometheus_password_file: Option<PathBuf>,
    /// An extra request header, such as `X-Scope-OrgID: tenant` (repeatable).
    #[arg(long, value_name = "NAME: VALUE", action = clap::ArgAction::Append, requires = "prometheus")]
    pub prometheus_header: Vec<String>,
    /// PEM certificates to trust besides the public roots (a private CA).
    #[arg(long, value_name = "FILE", requires = "prometheus")]
    pub prometheus_ca: Option<PathBuf>,
    /// Seconds one request may take.
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = 120,
        requires = "prometheus"
    )]
    pub prometheus_timeout: u64,
    /// Further tries after a connection error, 429 or 5xx answer (with backoff).
    #[arg(long, value_name = "N", default_value_t = 3, requires = "prometheus")]
    pub prometheus_retries: u32,
    /// Print the number of requests and bytes exchanged with the server on standard error.
    #[arg(long, requires = "prometheus")]
    pub prometheus_stats: bool,
}

/// The config and rule selection shared by `check` and `diff`.
#[derive(clap::Args, Debug)]
pub struct RuleArgs {
    /// Config file (default: `.skinflint.yaml` in the current directory or a parent).
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,
    /// Ignore any `.skinflint.yaml`.
    #[arg(long)]
    pub no_config: bool,
    /// Also run the custom rules of this directory of rule files (repeatable; added to the
    /// config's `rules-dirs:`).
    #[arg(long = "rules", value_name = "DIR", action = clap::ArgAction::Append)]
    pub rules_dirs: Vec<PathBuf>,
    /// Run only these rules (comma-separated ids).
    #[arg(long, value_delimiter = ',', value_name = "IDS", value_parser = RuleId, hide_possible_values = true)]
    pub select: Option<Vec<String>>,
    /// Skip these rules (comma-separated ids).
    #[arg(long, value_delimiter = ',', value_name = "IDS", value_parser = RuleId, hide_possible_values = true)]
    pub ignore: Vec<String>,
    /// Largest input read, in bytes; larger files are reported, not parsed.
    #[arg(long, value_name = "BYTES", default_value_t = crate::source::DEFAULT_MAX_FILE_SIZE)]
    pub max_file_size: u64,
}

/// A rule id: offers the built-in ids to shell completion and accepts any text, so that an
/// unknown id gets skinflint's own error with the closest id (and config-defined rules
/// stay possible).
#[derive(Clone)]
pub struct RuleId;

impl clap::builder::TypedValueParser for RuleId {
    type Value = String;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<String, clap::Error> {
        clap::builder::StringValueParser::new().parse_ref(cmd, arg, value)
    }

    fn possible_values(
        &self,
    ) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        Some(Box::new(
            crate::rule::registry::builtin_ids()
                .into_iter()
                .map(clap::builder::PossibleValue::new),
        ))
    }
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
    Sarif,
    Github,
    Markdown,
}

#[derive(clap::Args, Debug)]
pub struct DiffArgs {
    /// The earlier git revision (for a pull request, its base branch).
    #[arg(required_unless_present = "base_dir", conflicts_with = "base_dir")]
    pub base: Option<String>,
    /// The later git revision; default: the working tree (tracked files).
    #[arg(conflicts_with_all = ["head_dir", "staged"])]
    pub head: Option<String>,
    /// Paths within the repository to compare (default: the whole repository).
    #[arg(last = true, value_name = "PATH")]
    pub paths: Vec<String>,
    /// A directory of rendered manifests (Helm or Kustomize output) as the earlier side.
    #[arg(long, value_name = "DIR")]
    pub base_dir: Option<PathBuf>,
    /// A directory of rendered manifests as the later side.
    #[arg(long, value_name = "DIR")]
    pub head_dir: Option<PathBuf>,
    /// Compare the staged content rather than the working tree.
    #[arg(long)]
    pub staged: bool,
    #[arg(long, value_enum, default_value_t = DiffFormat::Human)]
    pub format: DiffFormat,
    /// Write the report to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Lowest severity of a new finding that fails the run (exit 1). Default: the
    /// config's `fail-on`, else warning.
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// Fail the run when the monthly increase at minimum scale exceeds this many dollars.
    #[arg(long, value_name = "USD")]
    pub max_cost_increase: Option<f64>,
    /// Spot price as a fraction of on-demand (an assumption, stated in the report).
    #[arg(long, default_value_t = 0.7)]
    pub spot_discount: f64,
    #[command(flatten)]
    pub rules: RuleArgs,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum DiffFormat {
    Human,
    Json,
    /// A pull-request comment: the verdict first, details collapsible.
    Markdown,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum RulesFormat {
    Human,
    Json,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReplayFormat {
    Human,
    Json,
    /// A table for pull-request comments.
    Markdown,
    Csv,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailOn {
    Error,
    Warning,
    Info,
    Never,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Color {
    Auto,
    Always,
    Never,
}

#[derive(clap::Args, Debug)]
#[command(args_conflicts_with_subcommands = true)]
pub struct CostArgs {
    #[command(subcommand)]
    pub calc: Option<CostCalc>,
    /// Manifests to estimate (files, directories or `-`): a monthly figure per node pool
    /// (its limit as the ceiling) and per workload.
    pub paths: Vec<String>,
    /// Spot price as a fraction of on-demand, above 0 and at most 1 (an assumption,
    /// stated in the output).
    #[arg(long, default_value_t = crate::catalog::SPOT_ESTIMATE, value_parser = fraction)]
    pub spot_discount: f64,
    /// Output format.
    #[arg(long, value_enum, default_value_t = RulesFormat::Human)]
    pub format: RulesFormat,
}

/// Why a number given on the command line was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NumberError {
    #[error("`{0}` is not a number")]
    NotANumber(String),
    /// The range it must lie in, as the message completes "must be …".
    #[error("must be {0}")]
    OutOfRange(&'static str),
}

/// A finite number `s` for which `ok` holds; `range` describes what `ok` accepts.
fn number_in(s: &str, ok: fn(f64) -> bool, range: &'static str) -> Result<f64, NumberError> {
    match s.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && ok(v) => Ok(v),
        Ok(_) => Err(NumberError::OutOfRange(range)),
        Err(_) => Err(NumberError::NotANumber(s.to_string())),
    }
}

/// A finite number above zero.
fn positive(s: &str) -> Result<f64, NumberError> {
    number_in(s, |v| v > 0.0, "a finite number above 0")
}

/// A finite number of at least zero.
fn non_negative(s: &str) -> Result<f64, NumberError> {
    number_in(s, |v| v >= 0.0, "a finite number of at least 0")
}

/// A fraction above 0 and at most 1 (`0.7` for 70%; above 100% is an error).
fn fraction(s: &str) -> Result<f64, NumberError> {
    number_in(
        s,
        |v| v > 0.0 && v <= 1.0,
        "a fraction above 0 and at most 1 (0.7 for 70%)",
    )
}

/// A multiplier of at least 1.
fn at_least_one(s: &str) -> Result<f64, NumberError> {
    number_in(s, |v| v >= 1.0, "a finite number of at least 1")
}

#[derive(Subcommand, Debug)]
pub enum CostCalc {
    /// Cost per million predictions: hourly cost × instances over the predictions they
    /// serve in an hour.
    PerMillion {
        /// Hourly cost of one instance, in dollars.
        #[arg(long, value_parser = positive)]
        hourly_cost: f64,
        /// Requests per second one instance serves at full utilization.
        #[arg(long, value_parser = positive)]
        rps: f64,
        /// Average utilization, a fraction above 0 and at most 1.
        #[arg(long, default_value_t = 0.7, value_parser = fraction)]
        utilization: f64,
        /// Number of instances (1 to 1,000,000).
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
        instances: u32,
        /// Output format.
        #[arg(long, value_enum, default_value_t = RulesFormat::Human)]
        format: RulesFormat,
    },
    /// Monthly cost with base and peak instances (peak 4 hours a day).
    Monthly {
        /// Average requests per second.
        #[arg(long, value_parser = non_negative)]
        avg_rps: f64,
        /// Peak load as a multiple of the average (at least 1).
        #[arg(long, default_value_t = 2.0, value_parser = at_least_one)]
        peak_multiplier: f64,
        /// Hourly cost of one instance, in dollars.
        #[arg(long, default_value_t = 3.06, value_parser = positive)]
        hourly_cost: f64,
        /// Requests per second one instance serves at full utilization.
        #[arg(long, default_value_t = 500.0, value_parser = positive)]
        capacity_rps: f64,
        /// Instances kept running at all times (0 to 1,000,000).
        #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u64).range(0..=1_000_000))]
        min_instances: u64,
        /// Target utilization per instance, a fraction above 0 and at most 1.
        #[arg(long, default_value_t = 0.7, value_parser = fraction)]
        utilization_target: f64,
        /// Output format.
        #[arg(long, value_enum, default_value_t = RulesFormat::Human)]
        format: RulesFormat,
    },
    /// Efficiency metrics for comparing deployments.
    Efficiency {
        /// Monthly cost of the deployment, in dollars.
        #[arg(long, value_parser = positive)]
        monthly_cost: f64,
        /// Predictions served in a month.
        #[arg(long, value_parser = positive)]
        monthly_predictions: f64,
        /// p99 latency in milliseconds.
        #[arg(long, value_parser = non_negative)]
        latency_p99_ms: f64,
        /// Accuracy, a fraction above 0 and at most 1.
        #[arg(long, value_parser = fraction)]
        accuracy: f64,
        /// Output format.
        #[arg(long, value_enum, default_value_t = RulesFormat::Human)]
        format: RulesFormat,
    },
    /// Compare a baseline and an optimized deployment: cost per million predictions of
    /// each and the improvement factor (the seed's "25.0x").
    Compare {
        /// Baseline: monthly cost in dollars.
        #[arg(long, value_parser = positive)]
        baseline_cost: f64,
        /// Baseline: predictions a month.
        #[arg(long, value_parser = positive)]
        baseline_predictions: f64,
        /// Baseline: p99 latency in milliseconds.
        #[arg(long, default_value_t = 0.0, value_parser = non_negative)]
        baseline_latency_ms: f64,
        /// Baseline: accuracy, a fraction above 0 and at most 1.
        #[arg(long, default_value_t = 1.0, value_parser = fraction)]
        baseline_accuracy: f64,
        /// Optimized: monthly cost in dollars.
        #[arg(long, value_parser = positive)]
        optimized_cost: f64,
        /// Optimized: predictions a month.
        #[arg(long, value_parser = positive)]
        optimized_predictions: f64,
        /// Optimized: p99 latency in milliseconds.
        #[arg(long, default_value_t = 0.0, value_parser = non_negative)]
        optimized_latency_ms: f64,
        /// Optimized: accuracy, a fraction above 0 and at most 1.
        #[arg(long, default_value_t = 1.0, value_parser = fraction)]
        optimized_accuracy: f64,
        /// Output format.
        #[arg(long, value_enum, default_value_t = RulesFormat::Human)]
        format: RulesFormat,
    },
}
