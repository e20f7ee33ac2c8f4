//! `--prometheus`: GPU statistics for the workloads of a run, computed by a Prometheus,
//! Thanos or Mimir server, as profiles the replay and the profile rules read.

use super::RunError;
use crate::cli::PrometheusArgs;
use crate::engine::{self, CheckRequest, ToolError};
use crate::model::ModelSet;
use crate::profile::prometheus::{self, client, query, PromError};
use crate::profile::read::NamedProfile;
use crate::profile::recommend::{Params, SUSTAINED_QUANTILE};
use std::time::Duration;

fn err(e: PromError) -> RunError {
    RunError::Tool(ToolError::Prometheus(e))
}

/// The client `args` describe, credentials read from the environment or files.
pub fn client(args: &PrometheusArgs, url: &str) -> Result<client::Client, RunError> {
    let auth = client::Auth::resolve(
        |k| std::env::var(k).ok(),
        args.prometheus_token_file.as_deref(),
        args.prometheus_password_file.as_deref(),
    )
    .map_err(err)?;
    let headers = args
        .prometheus_header
        .iter()
        .map(|h| client::parse_header(h))
        .collect::<Result<Vec<_>, _>>()
        .map_err(err)?;
    client::Client::new(&client::Options {
        url: url.to_string(),
        auth,
        headers,
        ca: args.prometheus_ca.clone(),
        timeout: Duration::from_secs(args.prometheus_timeout.max(1)),
        retries: args.prometheus_retries.min(10),
    })
    .map_err(err)
}

/// The evaluation time: `--until`, else now.
fn until(args: &PrometheusArgs) -> Result<f64, RunError> {
    match &args.until {
        Some(t) => crate::profile::time::parse(t).ok_or_else(|| {
            RunError::Usage(format!(
                "--until {t}: expected an RFC 3339 time (2026-11-30T00:00:00Z) or Unix seconds"
            ))
        }),
        None => Ok(std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs() as f64)),
    }
}

/// Profiles of the GPU workloads in `model` from the server, with a note for each GPU
/// workload the server has no series for. `None` without `--prometheus`.
pub fn fetch(
    args: &PrometheusArgs,
    model: &ModelSet,
    params: &Params,
) -> Result<Option<(Vec<NamedProfile>, Vec<String>)>, RunError> {
    let Some(url) = &args.prometheus else {
        return Ok(None);
    };
    let window_s = query::parse_duration(&args.window).ok_or_else(|| {
        RunError::Usage(format!(
            "--window {}: expected a duration such as 7d, 36h or 90m",
            args.window
        ))
    })?;
    let mut client = client(args, url)?;
    let req = prometheus::Request {
        at: until(args)?,
        window: query::Window {
            window_s,
            sustained_window_s: params.sustained_window_s.round().max(60.0) as u64,
            sustained_q: SUSTAINED_QUANTILE,
        },
        namespaces: &args.namespace,
    };
    let started = std::time::Instant::now();
    let fetched = prometheus::fetch(&mut client, model, &req).map_err(err)?;
    if args.prometheus_stats {
        let s = client.stats;
        eprintln!(
            "skinflint: prometheus: {} queries, {} requests, {} bytes received in {:.2} s",
            s.queries,
            s.requests,
            s.bytes,
            started.elapsed().as_secs_f64()
        );
    }
    let mut notes = fetched.notes;
    let (attached, _) = crate::profile::attach::attach(model, fetched.profiles.clone());
    for (wi, w) in model.workloads.iter().enumerate() {
        let wanted = args.namespace.is_empty()
            || w.namespace
                .as_ref()
                .is_some_and(|n| args.namespace.contains(n));
        if w.uses_accelerators() && wanted && !attached.iter().any(|a| a.workload == wi) {
            notes.push(format!(
                "{url}: no DCGM series for {} in the {} before the evaluation time",
                crate::checks::workload::describe(w),
                args.window
            ));
        }
    }
    Ok(Some((fetched.profiles, notes)))
}

/// For `check`: the workloads of the run (its files read once more, without rules) and
/// their profiles from the server.
pub fn for_check(
    args: &PrometheusArgs,
    req: &CheckRequest,
) -> Result<Option<(Vec<NamedProfile>, Vec<String>)>, RunError> {
    if args.prometheus.is_none() {
        return Ok(None);
    }
    let (rules, _) = engine::configured_rules(&req.config)?;
    let params = crate::checks::gpu_profile::sizing(&rules).ok_or_else(|| {
        RunError::Usage("the configured GPU profile rules declare no sizing parameters".into())
    })?;
    let mut load = req.clone();
    load.select = Some(vec!["invalid-yaml".to_string()]);
    load.changed_since = None;
    load.baseline = None;
    load.profiles = Vec::new();
    let outcome = engine::check(&load)?;
    let model = ModelSet::build(&outcome.files);
    fetch(args, &model, &params)
}
