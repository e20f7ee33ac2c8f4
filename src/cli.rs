//! Command-line definitions (clap only; no logic).

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

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
    },
    /// Show a rule's documentation with its bad and good example.
    Explain {
        /// Rule id, e.g. `nodepool-without-limits`.
        id: String,
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
        /// ResourceProfile JSON); optional when every profile is named with --profile.
        #[arg(required_unless_present = "profile")]
        profiles: Vec<PathBuf>,
        /// Manifests holding the workloads (and their node pools).
        #[arg(long, value_name = "PATH", num_args = 1.., action = clap::ArgAction::Append)]
        manifests: Vec<String>,
        /// A profile for one workload: NAMESPACE/WORKLOAD=PATH.
        #[arg(long, value_name = "NS/WORKLOAD=PATH", action = clap::ArgAction::Append)]
        profile: Vec<String>,
        /// GPU memory headroom over p99 memory the recommended GPU must leave.
        #[arg(long, default_value_t = 0.2)]
        memory_headroom: f64,
        #[arg(long, value_enum, default_value_t = ReplayFormat::Human)]
        format: ReplayFormat,
        /// Write one SVG per workload (utilisation and memory over time against the
        /// current and recommended GPU's memory) into this directory.
        #[arg(long, value_name = "DIR")]
        plot: Option<PathBuf>,
    },
    /// Monthly cost estimates for manifests, and the design's cost calculators.
    Cost(CostArgs),
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
    /// Config file (default: `.skinflint.yaml` in the current directory or a parent).
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,
    /// Ignore any `.skinflint.yaml`.
    #[arg(long)]
    pub no_config: bool,
    /// Run only these rules (comma-separated ids).
    #[arg(long, value_delimiter = ',', value_name = "IDS")]
    pub select: Option<Vec<String>>,
    /// Skip these rules (comma-separated ids).
    #[arg(long, value_delimiter = ',', value_name = "IDS")]
    pub ignore: Vec<String>,
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
    /// Report only on files changed since this git revision (merge base), plus untracked
    /// files; everything is still loaded for context.
    #[arg(long, value_name = "REV")]
    pub changed_since: Option<String>,
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
    /// A cluster: directories (a glob ending in `/`, such as `clusters/*/`) or files whose
    /// resources never relate to another cluster's; repeatable, added to the config's
    /// `clusters:`. Relative to the config file's directory, else the current directory.
    #[arg(long, value_name = "GLOB", action = clap::ArgAction::Append)]
    pub cluster: Vec<String>,
    /// The file name findings on standard input are reported under (for example the chart
    /// path when piping `helm template` output), so annotations land on a real file.
    #[arg(long, value_name = "NAME")]
    pub stdin_filename: Option<String>,
    /// Largest input read, in bytes; larger files are reported, not parsed.
    #[arg(long, value_name = "BYTES", default_value_t = crate_default_max())]
    pub max_file_size: u64,
    /// Colour in human output.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
}

fn crate_default_max() -> u64 {
    skinflint::source::DEFAULT_MAX_FILE_SIZE
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
    Sarif,
    Github,
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
    /// Spot price as a fraction of on-demand (an assumption, stated in the output).
    #[arg(long, default_value_t = 0.7)]
    pub spot_discount: f64,
    #[arg(long, value_enum, default_value_t = RulesFormat::Human)]
    pub format: RulesFormat,
}

#[derive(Subcommand, Debug)]
pub enum CostCalc {
    /// Cost per million predictions.
    PerMillion {
        #[arg(long)]
        hourly_cost: f64,
        #[arg(long)]
        rps: f64,
        #[arg(long, default_value_t = 0.7)]
        utilization: f64,
        #[arg(long, default_value_t = 1)]
        instances: u32,
        #[arg(long, value_enum, default_value_t = RulesFormat::Human)]
        format: RulesFormat,
    },
    /// Monthly cost with base and peak instances (peak 4 hours a day).
    Monthly {
        #[arg(long)]
        avg_rps: f64,
        #[arg(long, default_value_t = 2.0)]
        peak_multiplier: f64,
        #[arg(long, default_value_t = 3.06)]
        hourly_cost: f64,
        #[arg(long, default_value_t = 500.0)]
        capacity_rps: f64,
        #[arg(long, default_value_t = 2)]
        min_instances: u64,
        #[arg(long, default_value_t = 0.7)]
        utilization_target: f64,
        #[arg(long, value_enum, default_value_t = RulesFormat::Human)]
        format: RulesFormat,
    },
    /// Efficiency metrics for comparing deployments.
    Efficiency {
        #[arg(long)]
        monthly_cost: f64,
        #[arg(long)]
        monthly_predictions: f64,
        #[arg(long)]
        latency_p99_ms: f64,
        #[arg(long)]
        accuracy: f64,
        #[arg(long, value_enum, default_value_t = RulesFormat::Human)]
        format: RulesFormat,
    },
}
