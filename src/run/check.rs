//! `skinflint check`: the run's findings, rendered in each requested format, with the
//! baseline recorded when asked.

use super::{
    config_choice, fail_severity, note, write_file, write_file_with, write_out_with, RunError,
};
use crate::cli::{CheckArgs, Color, Format, PathFormat};
use crate::engine::{self, Baseline, CheckRequest, Outcome};
use crate::report;
use std::io::IsTerminal;
use std::path::PathBuf;

pub fn run(args: CheckArgs) -> Result<u8, RunError> {
    let reports = reports(&args.format, &args.output)?;
    let req = request(&args)?;
    let outcome = engine::check(&req)?;
    for n in &outcome.notes {
        note(n);
    }
    if let Some(path) = &args.write_baseline {
        write_baseline(&outcome, path)?;
    }
    let color = match args.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    for (format, output) in &reports {
        // JSON is written as it is serialised: on a large tree it is the largest output.
        let fill = |w: &mut dyn std::io::Write| match format {
            Format::Json => report::json::write(&outcome, args.path_format, w),
            _ => {
                let text = render(&outcome, *format, output.is_none(), color, args.path_format);
                w.write_all(text.as_bytes())
            }
        };
        match output {
            Some(path) => write_file_with(path, fill)?,
            None => write_out_with(fill)?,
        }
    }
    if args.write_baseline.is_some() {
        return Ok(0); // recording a baseline accepts today's findings
    }
    let fail_on = fail_severity(args.fail_on, outcome.config.fail_on.as_deref());
    let failed = fail_on.is_some_and(|min| outcome.findings.iter().any(|f| f.severity >= min));
    Ok(u8::from(failed))
}

/// Each format with where it goes (`None`: standard output). The Nth `--output` goes with
/// the Nth `--format`; `-o -` means standard output, which only one report may use.
fn reports(
    formats: &[Format],
    outputs: &[PathBuf],
) -> Result<Vec<(Format, Option<PathBuf>)>, RunError> {
    let mut formats = formats.to_vec();
    if formats.is_empty() {
        formats.push(Format::Human);
    }
    if outputs.len() > formats.len() {
        return Err(RunError::Usage(
            "more --output files than --format values: give a --format for each --output"
                .to_string(),
        ));
    }
    let outputs: Vec<Option<PathBuf>> = outputs
        .iter()
        .map(|p| (p.as_os_str() != "-").then(|| p.clone()))
        .collect();
    let reports: Vec<(Format, Option<PathBuf>)> = formats
        .into_iter()
        .enumerate()
        .map(|(i, f)| (f, outputs.get(i).cloned().flatten()))
        .collect();
    if reports.iter().filter(|(_, o)| o.is_none()).count() > 1 {
        return Err(RunError::Usage("only one report can go to standard output: give an --output file for each extra --format".to_string()));
    }
    let mut seen = std::collections::HashSet::new();
    for p in outputs.iter().flatten() {
        if !seen.insert(p) {
            return Err(RunError::Usage(format!(
                "--output {} is given twice; each report needs its own file",
                p.display()
            )));
        }
    }
    Ok(reports)
}

fn request(args: &CheckArgs) -> Result<CheckRequest, RunError> {
    let mut req = CheckRequest::new(args.paths.clone());
    req.config = config_choice(args.rules.no_config, args.rules.config.clone())?;
    req.select = args.rules.select.clone();
    req.rules_dirs = args.rules.rules_dirs.clone();
    req.ignore = args.rules.ignore.clone();
    req.load.max_file_size = args.rules.max_file_size;
    req.inline_suppressions = !args.no_inline_suppressions;
    req.context = args.context.clone();
    // pre-commit sets PRE_COMMIT=1: compare what the commit will hold.
    req.staged = args.staged
        || (args.changed_since.is_some()
            && std::env::var_os("PRE_COMMIT").is_some_and(|v| v == "1"));
    req.changed_since = args.changed_since.clone();
    req.baseline = args.baseline.clone();
    req.stdin_name = args.stdin_filename.clone();
    req.clusters = args.cluster.clone();
    req.follow_symlinks = args.follow_symlinks;
    req.profiles = super::replay::profile_inputs(&args.profiles, &args.profile)?;
    if args.paths.iter().any(|p| p == "-") {
        req.stdin = Some(stdin(args)?);
    }
    if let Some((profiles, notes)) = super::prometheus::for_check(&args.prometheus, &req)? {
        for n in &notes {
            note(n);
        }
        req.remote_profiles = Some(crate::profile::prometheus::Asked {
            profiles,
            namespaces: args.prometheus.namespace.clone(),
        });
    }
    Ok(req)
}

/// Standard input, read here so that an empty one fails the run (exit 2) instead of
/// passing: `helm template … | skinflint check -` gives empty input when helm fails, and
/// without `pipefail` only skinflint's exit code reaches CI.
fn stdin(args: &CheckArgs) -> Result<Vec<u8>, RunError> {
    let bytes = crate::source::read_stdin(args.rules.max_file_size)
        .map_err(|e| RunError::Usage(e.to_string()))?;
    if !args.allow_empty && bytes.iter().all(u8::is_ascii_whitespace) {
        let name = args.stdin_filename.as_deref().unwrap_or("<stdin>");
        return Err(RunError::EmptyStdin(name.to_string()));
    }
    Ok(bytes)
}

fn write_baseline(outcome: &Outcome, path: &std::path::Path) -> Result<(), RunError> {
    let b = Baseline::from_findings(&outcome.findings, |i| {
        report::uri::relative_path(&outcome.files[i].file.path)
    });
    write_file(path, &b.to_json())?;
    let n = outcome.findings.len();
    eprintln!(
        "skinflint: recorded {n} finding{} in {}",
        if n == 1 { "" } else { "s" },
        path.display()
    );
    Ok(())
}

/// One report; a human report on standard output takes the terminal's width and, when
/// `color`, its colours.
fn render(
    outcome: &Outcome,
    format: Format,
    to_stdout: bool,
    color: bool,
    paths: PathFormat,
) -> String {
    match format {
        Format::Json => report::json::render(outcome, paths),
        Format::Human => {
            let width = if to_stdout {
                report::human::terminal_width()
            } else {
                report::human::DEFAULT_WIDTH
            };
            report::human::render(outcome, to_stdout && color, width, paths)
        }
        Format::Sarif => report::sarif::render(outcome),
        Format::Github => report::github::render(outcome),
        Format::Markdown => report::markdown::render(outcome),
    }
}
