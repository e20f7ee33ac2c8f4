//! The commands as pipelines: each wires source, model, checks, suppressions and reports
//! for one subcommand and returns the exit code, so that `main` only parses arguments.
//! Exit codes: 0 clean, 1 findings at or above `--fail-on`, 2 could not run ([`RunError`]).

pub mod check;
pub mod completions;
pub mod cost;
pub mod diff;
pub mod prometheus;
pub mod replay;
pub mod rules;

use crate::cli::{Cli, Command, FailOn};
use crate::engine::{ConfigChoice, ToolError};
use crate::rule::Severity;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Why a command could not do its job (exit code 2).
#[derive(Debug)]
pub enum RunError {
    /// The engine could not run: a bad config or rule file, a missing path, git.
    Tool(ToolError),
    /// Arguments that do not fit together, with what to do instead.
    Usage(String),
    /// A report, baseline, plot or config could not be written.
    Write {
        path: PathBuf,
        error: std::io::Error,
    },
    /// Standard output failed (a full disk behind a redirect; a closed pipe is not an error).
    Stdout(std::io::Error),
    /// A profile named on the command line does not exist.
    ProfileNotFound(PathBuf),
    /// A calculator whose inputs give no finite answer.
    Compute(String),
    /// Standard input (named as reported) held nothing to check: most often a failed
    /// `helm template` or `kustomize build` in a pipeline without `pipefail`.
    EmptyStdin(String),
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RunError::Tool(e) => write!(f, "{e}"),
            RunError::Usage(m) | RunError::Compute(m) => write!(f, "{m}"),
            RunError::Write { path, error } => {
                write!(f, "cannot write {}: {error}", path.display())
            }
            RunError::Stdout(e) => write!(f, "cannot write to standard output: {e}"),
            RunError::ProfileNotFound(p) => write!(f, "profile not found: {}", p.display()),
            RunError::EmptyStdin(name) => write!(
                f,
                "{name}: standard input is empty, so nothing was checked; when it comes from a \
                 pipeline (`helm template … | skinflint check -`), the command before the pipe \
                 probably failed: run the pipeline under `set -o pipefail` so its failure fails \
                 the step, or pass --allow-empty if empty input is expected"
            ),
        }
    }
}

impl std::error::Error for RunError {}

impl RunError {
    /// The config or rule-file error behind this one, which can be shown in its file.
    pub fn located(&self) -> Option<&crate::rule::LocatedError> {
        match self {
            RunError::Tool(ToolError::Config(e) | ToolError::Rules(e)) => Some(e),
            _ => None,
        }
    }
}

impl From<ToolError> for RunError {
    fn from(e: ToolError) -> Self {
        RunError::Tool(e)
    }
}

/// Run one parsed command line.
pub fn run(cli: Cli) -> Result<u8, RunError> {
    match cli.command {
        Command::Check(args) => check::run(*args),
        Command::Rules { format, rules_dirs } => rules::list(format, &rules_dirs),
        Command::Explain { id, rules_dirs } => rules::explain(&id, &rules_dirs),
        Command::Init { path, force } => rules::init(&path, force),
        Command::Completions { shell } => completions::run(shell),
        Command::Docs { check } => rules::docs(check),
        Command::Cost(args) => cost::run(args),
        Command::Diff(args) => diff::run(*args),
        Command::Replay {
            profiles,
            manifests,
            profile,
            memory_headroom,
            format,
            plot,
            prometheus,
        } => replay::run(
            &profiles,
            manifests,
            &profile,
            memory_headroom,
            format,
            plot.as_deref(),
            &prometheus,
        ),
    }
}

/// Print to standard output. A closed pipe (`| head`) is not an error worth reporting; any
/// other failure is, or the report would be lost silently.
pub fn write_out(text: &str) -> Result<(), RunError> {
    write_out_with(|w| w.write_all(text.as_bytes()))
}

/// [`write_out`] for output written piece by piece, so a large report is never held
/// whole in memory.
pub fn write_out_with(
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), RunError> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match fill(&mut out).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(RunError::Stdout(e)),
        _ => Ok(()),
    }
}

/// Write a file the user asked for (report, baseline, config) whole: a temporary file
/// in the same directory, renamed into place.
pub fn write_file(path: &Path, text: &str) -> Result<(), RunError> {
    write_file_with(path, |w| w.write_all(text.as_bytes()))
}

/// [`write_file`] for output written piece by piece.
pub fn write_file_with(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), RunError> {
    crate::report::write::write_atomic_with(path, |f| {
        let mut w = std::io::BufWriter::new(f);
        fill(&mut w)?;
        w.flush()
    })
    .map_err(|error| RunError::Write {
        path: path.to_path_buf(),
        error,
    })
}

/// The config to read: `--no-config`, `--config FILE`, or `.skinflint.yaml` found upward
/// from the current directory.
fn config_choice(no_config: bool, file: Option<PathBuf>) -> Result<ConfigChoice, RunError> {
    Ok(if no_config {
        ConfigChoice::None
    } else if let Some(p) = file {
        ConfigChoice::File(p)
    } else {
        let dir = std::env::current_dir()
            .map_err(|e| RunError::Usage(format!("cannot read the current directory: {e}")))?;
        ConfigChoice::Discover(dir)
    })
}

/// The lowest severity that fails the run: `--fail-on`, else the config's `fail-on`, else
/// warning.
fn fail_severity(flag: Option<FailOn>, config: Option<&str>) -> Option<Severity> {
    match flag {
        Some(FailOn::Error) => Some(Severity::Error),
        Some(FailOn::Warning) => Some(Severity::Warning),
        Some(FailOn::Info) => Some(Severity::Info),
        Some(FailOn::Never) => None,
        None => match config {
            Some("never") => None,
            Some(s) => Severity::parse(s),
            None => Some(Severity::Warning),
        },
    }
}

/// Pretty JSON and a newline, for the commands' `--format json`.
fn json_line<T: serde::Serialize>(v: &T) -> String {
    format!("{}\n", serde_json::to_string_pretty(v).unwrap_or_default())
}

/// A note on standard error, with terminal escapes in untrusted text made visible.
fn note(text: &str) {
    eprintln!("skinflint: note: {}", crate::report::escape::visible(text));
}
