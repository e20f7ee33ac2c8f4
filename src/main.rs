//! The `skinflint` binary: parse arguments, call the library, map the outcome to an exit
//! code (0 clean, 1 findings at or above --fail-on, 2 could not run).

mod cli;

use clap::Parser;
use cli::{Cli, Color, Command, FailOn, Format, ReplayFormat, RulesFormat};
use skinflint::engine::{self, CheckRequest, ConfigChoice};
use skinflint::report::escape::visible;
use skinflint::rule::Severity;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let result = match cli.command {
        Command::Check(args) => run_check(*args),
        Command::Rules { format } => run_rules(format),
        Command::Explain { id } => run_explain(&id),
        Command::Init { path, force } => run_init(&path, force),
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut cmd, "skinflint", &mut std::io::stdout());
            Ok(0)
        }
        Command::Docs { check } => run_docs(check),
        Command::Cost(args) => run_cost(args),
        Command::Diff(args) => run_diff(*args),
        Command::Replay {
            profiles,
            manifests,
            profile,
            memory_headroom,
            format,
            plot,
        } => run_replay(
            &profiles,
            manifests,
            &profile,
            memory_headroom,
            format,
            plot.as_deref(),
        ),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(message) => {
            eprintln!("skinflint: error: {}", visible(&message));
            ExitCode::from(2)
        }
    }
}

/// Print to standard output. A closed pipe (`| head`) is not an error worth reporting; any
/// other failure (a full disk behind a redirect) is, or the report would be lost silently.
fn write_out(text: &str) -> Result<(), String> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(format!("cannot write to standard output: {e}"))
        }
        _ => Ok(()),
    }
}

/// Write a file the user asked for (report, baseline, config) atomically.
fn write_file(path: &std::path::Path, text: &str) -> Result<(), String> {
    skinflint::report::write::write_atomic(path, text.as_bytes())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

fn run_check(args: cli::CheckArgs) -> Result<u8, String> {
    let config = if args.no_config {
        ConfigChoice::None
    } else if let Some(p) = args.config {
        ConfigChoice::File(p)
    } else {
        ConfigChoice::Discover(std::env::current_dir().map_err(|e| e.to_string())?)
    };
    // Pair formats with outputs: the Nth --output goes with the Nth --format.
    let mut formats = args.format.clone();
    if formats.is_empty() {
        formats.push(Format::Human);
    }
    if args.output.len() > formats.len() {
        return Err(
            "more --output files than --format values: give a --format for each --output"
                .to_string(),
        );
    }
    // `-o -` means standard output.
    let outputs: Vec<Option<PathBuf>> = args
        .output
        .iter()
        .map(|p| (p.as_os_str() != "-").then(|| p.clone()))
        .collect();
    let to_stdout = formats.len() - outputs.iter().filter(|o| o.is_some()).count();
    if to_stdout > 1 {
        return Err("only one report can go to standard output: give an --output file for each extra --format".to_string());
    }
    let mut seen = std::collections::HashSet::new();
    for p in outputs.iter().flatten() {
        if !seen.insert(p.clone()) {
            return Err(format!(
                "--output {} is given twice; each report needs its own file",
                p.display()
            ));
        }
    }
    let mut req = CheckRequest::new(args.paths);
    req.config = config;
    req.select = args.select;
    req.ignore = args.ignore;
    req.load.max_file_size = args.max_file_size;
    req.inline_suppressions = !args.no_inline_suppressions;
    req.context = args.context;
    // pre-commit sets PRE_COMMIT=1: compare what the commit will hold.
    req.staged = args.staged
        || (args.changed_since.is_some()
            && std::env::var_os("PRE_COMMIT").is_some_and(|v| v == "1"));
    req.changed_since = args.changed_since;
    req.baseline = args.baseline;
    req.stdin_name = args.stdin_filename;
    req.clusters = args.cluster;
    req.follow_symlinks = args.follow_symlinks;
    req.profiles = profile_inputs(&args.profiles, &args.profile)?;
    let outcome = engine::check(&req).map_err(|e| e.to_string())?;
    for note in &outcome.notes {
        eprintln!("skinflint: note: {}", visible(note));
    }
    if let Some(path) = &args.write_baseline {
        let b = engine::Baseline::from_findings(&outcome.findings, |i| {
            skinflint::report::uri::relative_path(&outcome.files[i].file.path)
        });
        write_file(path, &b.to_json())?;
        eprintln!(
            "skinflint: recorded {} finding{} in {}",
            outcome.findings.len(),
            if outcome.findings.len() == 1 { "" } else { "s" },
            path.display()
        );
    }
    let color = match args.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    for (i, format) in formats.iter().enumerate() {
        let text = match format {
            Format::Json => skinflint::report::json::render(&outcome),
            Format::Human => {
                let to_terminal = outputs.get(i).is_none_or(|o| o.is_none()) && color;
                skinflint::report::human::render(&outcome, to_terminal)
            }
            Format::Sarif => skinflint::report::sarif::render(&outcome),
            Format::Github => skinflint::report::github::render(&outcome),
            Format::Markdown => skinflint::report::markdown::render(&outcome),
        };
        match outputs.get(i).cloned().flatten() {
            Some(path) => write_file(&path, &text)?,
            None => write_out(&text)?,
        }
    }
    let fail_on = fail_severity(args.fail_on, outcome.config.fail_on.as_deref());
    if args.write_baseline.is_some() {
        return Ok(0); // recording a baseline accepts today's findings
    }
    let failed = fail_on.is_some_and(|min| outcome.findings.iter().any(|f| f.severity >= min));
    Ok(u8::from(failed))
}

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

fn run_diff(args: cli::DiffArgs) -> Result<u8, String> {
    use skinflint::diff::{self, Source};
    let config = if args.no_config {
        ConfigChoice::None
    } else if let Some(p) = args.config {
        ConfigChoice::File(p)
    } else {
        ConfigChoice::Discover(std::env::current_dir().map_err(|e| e.to_string())?)
    };
    let base = match (args.base, args.base_dir) {
        (_, Some(d)) => Source::Dir(d),
        (Some(rev), None) => Source::Rev(rev),
        (None, None) => return Err("give a BASE revision or --base-dir".to_string()),
    };
    let head = match (args.head, args.head_dir, args.staged) {
        (_, Some(d), _) => Source::Dir(d),
        (Some(rev), None, _) => Source::Rev(rev),
        (None, None, true) => Source::Staged,
        (None, None, false) => Source::WorkTree,
    };
    let paths = if args.paths.is_empty() {
        vec![".".to_string()]
    } else {
        args.paths
    };
    let mut check = CheckRequest::new(paths);
    check.config = config;
    check.select = args.select;
    check.ignore = args.ignore;
    check.load.max_file_size = args.max_file_size;
    let outcome = diff::run(&diff::DiffRequest {
        base,
        head,
        check,
        spot_discount: args.spot_discount,
    })
    .map_err(|e| e.to_string())?;
    for note in &outcome.notes {
        eprintln!("skinflint: note: {note}");
    }
    use skinflint::report::diff as report;
    let text = match args.format {
        cli::DiffFormat::Human => report::human(&outcome),
        cli::DiffFormat::Json => report::json(&outcome),
        cli::DiffFormat::Markdown => report::markdown(&outcome),
    };
    match &args.output {
        Some(path) if path.as_os_str() != "-" => write_file(path, &text)?,
        _ => write_out(&text)?,
    }
    let fail_on = fail_severity(args.fail_on, outcome.fail_on.as_deref());
    let too_dear = args
        .max_cost_increase
        .is_some_and(|max| outcome.cost.workloads.delta_usd_month_min > max);
    if too_dear {
        eprintln!(
            "skinflint: the monthly cost at minimum scale rises by {}, more than --max-cost-increase {}",
            skinflint::diff::cost::signed_usd(outcome.cost.workloads.delta_usd_month_min),
            skinflint::catalog::usd(args.max_cost_increase.unwrap_or_default())
        );
    }
    Ok(u8::from(
        too_dear || fail_on.is_some_and(|min| outcome.fails(min)),
    ))
}

fn run_init(path: &std::path::Path, force: bool) -> Result<u8, String> {
    if path.exists() && !force {
        return Err(format!(
            "{} already exists (use --force to overwrite)",
            path.display()
        ));
    }
    let (rules, _) = engine::configured_rules(&ConfigChoice::None).map_err(|e| e.to_string())?;
    write_file(path, &skinflint::rule::docs::init_config(&rules))?;
    eprintln!(
        "skinflint: wrote {} with all {} rules",
        path.display(),
        rules.len()
    );
    Ok(0)
}

fn run_docs(check: bool) -> Result<u8, String> {
    use skinflint::rule::docs;
    let (rules, _) = engine::configured_rules(&ConfigChoice::None).map_err(|e| e.to_string())?;
    let files = [
        (docs::RULES_README, docs::rules_readme(&rules)),
        (docs::CONFIG_SCHEMA, docs::config_schema_text(&rules)),
    ];
    if !std::path::Path::new("rules").is_dir() {
        return Err("run `skinflint docs` from the root of a skinflint checkout".to_string());
    }
    let mut stale = Vec::new();
    for (path, text) in &files {
        if std::fs::read_to_string(path).ok().as_deref() != Some(text.as_str()) {
            stale.push(*path);
            if !check {
                write_file(std::path::Path::new(path), text)?;
            }
        }
    }
    if check && !stale.is_empty() {
        eprintln!(
            "skinflint: out of date: {} (run `skinflint docs`)",
            stale.join(", ")
        );
        return Ok(1);
    }
    if !check {
        eprintln!("skinflint: {} file(s) rewritten", stale.len());
    }
    Ok(0)
}

fn run_rules(format: RulesFormat) -> Result<u8, String> {
    let (rules, _) = engine::configured_rules(&ConfigChoice::None).map_err(|e| e.to_string())?;
    match format {
        RulesFormat::Json => {
            let list: Vec<serde_json::Value> = rules
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "id": r.id, "title": r.title, "severity": r.severity,
                        "gpu_severity": r.gpu_severity, "category": r.category,
                        "check": r.check, "params": r.params.0,
                    })
                })
                .collect();
            write_out(&format!(
                "{}\n",
                serde_json::to_string_pretty(&list).unwrap_or_default()
            ))?;
        }
        RulesFormat::Human => {
            let width = rules.iter().map(|r| r.id.len()).max().unwrap_or(10);
            let mut s = String::new();
            for r in &rules {
                let sev = match r.gpu_severity {
                    Some(g) if g != r.severity => {
                        format!("{} ({} on GPU pools)", r.severity.as_str(), g.as_str())
                    }
                    _ => r.severity.as_str().to_string(),
                };
                s.push_str(&format!(
                    "{:width$}  {:<8} {:<12} {}\n",
                    r.id, r.category, sev, r.title
                ));
            }
            write_out(&s)?;
        }
    }
    Ok(0)
}

fn run_explain(id: &str) -> Result<u8, String> {
    let (rules, _) = engine::configured_rules(&ConfigChoice::None).map_err(|e| e.to_string())?;
    let Some(r) = rules.iter().find(|r| r.id == id) else {
        return Err(engine::ToolError::UnknownRule(id.to_string()).to_string());
    };
    let mut s = format!("{}: {}\n\n", r.id, r.title);
    s.push_str(&format!("Severity: {}", r.severity.as_str()));
    if let Some(g) = r.gpu_severity {
        s.push_str(&format!(" ({} for GPU capacity)", g.as_str()));
    }
    s.push_str(&format!(
        "   Category: {}   Declared in: {}\n",
        r.category, r.source
    ));
    if !r.params.0.is_empty() {
        let params: Vec<String> = r
            .params
            .0
            .iter()
            .map(|(k, v)| format!("{k} = {v}"))
            .collect();
        s.push_str(&format!("Parameters: {}\n", params.join(", ")));
    }
    s.push_str(&format!(
        "\nWhat it flags\n  {}\n\nWhy it costs money\n  {}\n\nHow to fix\n  {}\n",
        r.docs.what, r.docs.why, r.docs.fix
    ));
    if let Some((bad, good)) = skinflint::rule::registry::fixtures(id) {
        s.push_str(&format!("\nExample that fires (fixtures/{id}/bad.yaml)\n\n{}\nExample that passes (fixtures/{id}/good.yaml)\n\n{}", indent(bad), indent(good)));
    }
    write_out(&s)?;
    Ok(0)
}

fn indent(text: &str) -> String {
    text.lines().map(|l| format!("    {l}\n")).collect()
}

fn json_line<T: serde::Serialize>(v: &T) -> String {
    format!("{}\n", serde_json::to_string_pretty(v).unwrap_or_default())
}

fn run_cost(args: cli::CostArgs) -> Result<u8, String> {
    use cli::CostCalc;
    use skinflint::catalog::usd;
    use skinflint::costmodel;
    let bad =
        |what: &str| format!("cannot compute {what}: check that the rates and counts are positive");
    // Inputs are validated by the argument parser; a result that still overflows is an error.
    let finite = |what: &str, values: &[f64]| {
        if values.iter().all(|v| v.is_finite()) {
            Ok(())
        } else {
            Err(format!("cannot compute {what}: the inputs overflow"))
        }
    };
    match args.calc {
        Some(CostCalc::PerMillion {
            hourly_cost,
            rps,
            utilization,
            instances,
            format,
        }) => {
            let r = costmodel::per_million(hourly_cost, rps, utilization, instances)
                .ok_or_else(|| bad("cost per million"))?;
            finite("cost per million", &[r.cost_per_million_predictions])?;
            write_out(&match format {
                RulesFormat::Json => json_line(&r),
                RulesFormat::Human => format!(
                    "cost per million predictions: ${:.2} ({} an hour × {instances} instance{}, {rps} requests/s at {:.0}% utilization)\n",
                    r.cost_per_million_predictions,
                    usd(hourly_cost),
                    if instances == 1 { "" } else { "s" },
                    utilization * 100.0
                ),
            })?;
        }
        Some(CostCalc::Monthly {
            avg_rps,
            peak_multiplier,
            hourly_cost,
            capacity_rps,
            min_instances,
            utilization_target,
            format,
        }) => {
            let m = costmodel::monthly(
                avg_rps,
                peak_multiplier,
                hourly_cost,
                capacity_rps,
                min_instances,
                utilization_target,
            )
            .ok_or_else(|| bad("the monthly estimate"))?;
            finite(
                "the monthly estimate",
                &[m.monthly_cost, m.cost_per_million],
            )?;
            write_out(&match format {
                RulesFormat::Json => json_line(&m),
                RulesFormat::Human => format!(
                    "monthly cost: ${:.2} ({} base instances 20 h a day, {} at peak 4 h a day, {} an hour each, 730 h a month)\ncost per million: ${:.3} over {:.0} predictions a month\n",
                    m.monthly_cost, m.base_instances, m.peak_instances, usd(hourly_cost), m.cost_per_million, m.total_predictions
                ),
            })?;
        }
        Some(CostCalc::Efficiency {
            monthly_cost,
            monthly_predictions,
            latency_p99_ms,
            accuracy,
            format,
        }) => {
            let e =
                costmodel::efficiency(monthly_cost, monthly_predictions, latency_p99_ms, accuracy)
                    .ok_or_else(|| bad("efficiency"))?;
            finite(
                "efficiency",
                &[
                    e.cost_per_million_predictions,
                    e.predictions_per_dollar,
                    e.cost_latency_product,
                ],
            )?;
            write_out(&match format {
                RulesFormat::Json => json_line(&e),
                RulesFormat::Human => format!(
                    "cost per million predictions: ${:.2}\npredictions per dollar: {:.0}\npredictions per second per dollar-hour: {:.6}\ncost per accurate million: ${:.2}\ncost × p99 latency (s): {:.2}\n",
                    e.cost_per_million_predictions, e.predictions_per_dollar, e.predictions_per_second_per_dollar, e.cost_per_accurate_million, e.cost_latency_product
                ),
            })?;
        }
        Some(CostCalc::Compare {
            baseline_cost,
            baseline_predictions,
            baseline_latency_ms,
            baseline_accuracy,
            optimized_cost,
            optimized_predictions,
            optimized_latency_ms,
            optimized_accuracy,
            format,
        }) => {
            let c = costmodel::compare(
                costmodel::efficiency(
                    baseline_cost,
                    baseline_predictions,
                    baseline_latency_ms,
                    baseline_accuracy,
                )
                .ok_or_else(|| bad("the baseline"))?,
                costmodel::efficiency(
                    optimized_cost,
                    optimized_predictions,
                    optimized_latency_ms,
                    optimized_accuracy,
                )
                .ok_or_else(|| bad("the optimized deployment"))?,
            );
            finite(
                "the comparison",
                &[
                    c.improvement,
                    c.baseline.cost_per_million_predictions,
                    c.optimized.cost_per_million_predictions,
                ],
            )?;
            write_out(&match format {
                RulesFormat::Json => json_line(&c),
                RulesFormat::Human => c.to_text(),
            })?;
        }
        None => {
            if args.paths.is_empty() {
                return Err("give manifests to estimate, or a calculator: per-million, monthly, efficiency or compare".to_string());
            }
            let mut req = CheckRequest::new(args.paths);
            // The config is read for its `prices:` table.
            req.config = ConfigChoice::Discover(std::env::current_dir().unwrap_or_default());
            req.select = Some(vec!["invalid-yaml".to_string()]);
            let outcome = engine::check(&req).map_err(|e| e.to_string())?;
            let _prices = outcome
                .config
                .prices
                .clone()
                .map(skinflint::catalog::prices::use_table);
            let estimate =
                skinflint::costmodel::estimate::estimate(&outcome.files, args.spot_discount);
            write_out(&match args.format {
                RulesFormat::Json => json_line(&estimate),
                RulesFormat::Human => estimate.to_text(),
            })?;
        }
    }
    Ok(0)
}

/// Profile files from `--profiles` (files or directories) and `--profile NS/NAME=PATH`.
fn profile_inputs(
    paths: &[PathBuf],
    named: &[String],
) -> Result<Vec<skinflint::profile::attach::ProfileInput>, String> {
    use skinflint::profile::attach::ProfileInput;
    let mut out = Vec::new();
    for p in paths {
        if !p.exists() {
            return Err(format!("profile not found: {}", p.display()));
        }
        out.push(ProfileInput {
            path: p.clone(),
            workload: None,
        });
    }
    for spec in named {
        let (workload, path) = spec
            .split_once('=')
            .ok_or_else(|| format!("--profile {spec}: expected NAMESPACE/WORKLOAD=PATH"))?;
        let path = PathBuf::from(path);
        if !path.exists() {
            return Err(format!("profile not found: {}", path.display()));
        }
        out.push(ProfileInput {
            path,
            workload: Some(workload.to_string()),
        });
    }
    Ok(out)
}

fn run_replay(
    profiles: &[PathBuf],
    manifests: Vec<String>,
    named: &[String],
    headroom: f64,
    format: ReplayFormat,
    plot: Option<&std::path::Path>,
) -> Result<u8, String> {
    if manifests.is_empty() {
        return Err("give the manifests of the workloads with --manifests PATH".to_string());
    }
    let mut req = CheckRequest::new(manifests);
    req.config = ConfigChoice::None;
    req.select = Some(vec!["invalid-yaml".to_string()]);
    let inputs = profile_inputs(profiles, named)?;
    let outcome = engine::check(&req).map_err(|e| e.to_string())?;
    for note in &outcome.notes {
        eprintln!("skinflint: note: {}", visible(note));
    }
    // Manifests that do not parse hold no workloads: say where, as `check` would.
    for f in &outcome.findings {
        let file = &outcome.files[f.file].file;
        let at = file.line_col(f.span.start);
        eprintln!(
            "skinflint: error: {}:{}:{}: {}",
            skinflint::source::display_path(&file.path),
            at.line,
            at.column,
            f.message
        );
    }
    let mut model = skinflint::model::ModelSet::build(&outcome.files);
    let (read, notes) = skinflint::profile::read::read_inputs(&inputs);
    for note in notes {
        eprintln!("skinflint: note: {}", visible(&note));
    }
    let (attached, unmatched) = skinflint::profile::attach::attach(&model, read);
    for u in unmatched {
        eprintln!("skinflint: note: {}", visible(&u));
    }
    model.profiles = attached;
    let params = skinflint::profile::recommend::Params {
        memory_headroom: headroom,
        ..Default::default()
    };
    let rows = skinflint::profile::table::rows(&model, &model.profiles, &params);
    if let Some(dir) = plot {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        for (row, a) in rows.iter().zip(&model.profiles) {
            let name = match &row.namespace {
                Some(ns) => format!("{ns}/{}", row.workload),
                None => row.workload.clone(),
            };
            let path = dir.join(format!("{}.svg", file_stem(&name)));
            let title = format!("{name} on {}", row.gpu_model.as_deref().unwrap_or("a GPU"));
            match skinflint::profile::plot::write_svg(
                &path,
                &title,
                &a.profile,
                row.current_gpu_memory_mib,
                row.recommended_gpu_memory_mib,
            ) {
                Ok(()) => eprintln!("skinflint: wrote {}", path.display()),
                Err(e) => eprintln!("skinflint: note: {e}"),
            }
        }
    }
    use skinflint::profile::table;
    write_out(&match format {
        ReplayFormat::Human => table::human(&rows, &params),
        ReplayFormat::Json => json_line(&rows),
        ReplayFormat::Markdown => table::markdown(&rows, &params),
        ReplayFormat::Csv => table::csv(&rows),
    })?;
    Ok(0)
}

/// A file name from a workload name: path separators and other awkward characters become `_`.
fn file_stem(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '.' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}
