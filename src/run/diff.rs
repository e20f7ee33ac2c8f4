//! `skinflint diff`: what a change adds, fixes and costs between two trees.

use super::{config_choice, fail_severity, note, write_file, write_out, RunError};
use crate::cli::{DiffArgs, DiffFormat};
use crate::diff::{self, Source};
use crate::engine::CheckRequest;
use crate::report::diff as report;

pub fn run(args: DiffArgs) -> Result<u8, RunError> {
    let base = match (args.base, args.base_dir) {
        (_, Some(d)) => Source::Dir(d),
        (Some(rev), None) => Source::Rev(rev),
        (None, None) => return Err(RunError::Usage("give a BASE revision or --base-dir".into())),
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
    check.config = config_choice(args.rules.no_config, args.rules.config)?;
    check.select = args.rules.select;
    check.rules_dirs = args.rules.rules_dirs;
    check.ignore = args.rules.ignore;
    check.load.max_file_size = args.rules.max_file_size;
    let outcome = diff::run(&diff::DiffRequest {
        base,
        head,
        check,
        spot_discount: args.spot_discount,
    })?;
    for n in &outcome.notes {
        note(n);
    }
    let text = match args.format {
        DiffFormat::Human => report::human(&outcome),
        DiffFormat::Json => report::json(&outcome),
        DiffFormat::Markdown => report::markdown(&outcome),
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
            crate::diff::cost::signed_usd(outcome.cost.workloads.delta_usd_month_min),
            crate::catalog::usd(args.max_cost_increase.unwrap_or_default())
        );
    }
    Ok(u8::from(
        too_dear || fail_on.is_some_and(|min| outcome.fails(min)),
    ))
}
