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
    Check(CheckArgs),
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
}

#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// Files, directories or `-` (standard input).
    #[arg(required = true)]
    pub paths: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
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
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum RulesFormat {
    Human,
    Json,
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
