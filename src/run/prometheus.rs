//! `--prometheus`: GPU statistics for the workloads of a run, computed by a Prometheus,
//! Thanos or Mimir server, as profiles the replay and the profile rules read.

use super::RunError;
use crate::cli::PrometheusArgs;
use crate::engine::{self, CheckRequest, ToolError};
use crate::model::ModelSet;
use crate::profile::prometheus::discover::{self, Discovered, NODE_LABELS_HELP};
use crate::profile::prometheus::{self, client, query, PromError};
use crate::profile::read::NamedProfile;
use crate::profile::recommend::{Params, SUSTAINED_QUANTILE};
use crate::profile::table::ReplayRow;
use std::time::Duration;

/// Profiles from the server, and notes for the user.
pub type Remote = (Vec<NamedProfile>, Vec<String>);

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

/// The window, evaluation time and namespaces `args` ask for.
fn request<'a>(
    args: &'a PrometheusArgs,
    params: &Params,
) -> Result<prometheus::Request<'a>, RunError> {
    let window_s = query::parse_duration(&args.window).ok_or_else(|| {
        RunError::Usage(format!(
            "--window {}: expected a duration such as 7d, 36h or 90m",
            args.window
        ))
    })?;
    Ok(prometheus::Request {
        at: until(args)?,
        window: query::Window {
            window_s,
            sustained_window_s: params.sustained_window_s.round().max(60.0) as u64,
            sustained_q: SUSTAINED_QUANTILE,
        },
        namespaces: &args.namespace,
    })
}

/// A run's conversation with the server: one client, one window and evaluation time.
pub struct Session<'a> {
    args: &'a PrometheusArgs,
    url: &'a str,
    client: client::Client,
    req: prometheus::Request<'a>,
    started: std::time::Instant,
}

impl<'a> Session<'a> {
    /// `None` without `--prometheus`.
    pub fn open(args: &'a PrometheusArgs, params: &Params) -> Result<Option<Self>, RunError> {
        let Some(url) = &args.prometheus else {
            return Ok(None);
        };
        Ok(Some(Session {
            args,
            url,
            client: client(args, url)?,
            req: request(args, params)?,
            started: std::time::Instant::now(),
        }))
    }

    /// Profiles of the GPU workloads in `model`, with a note for each GPU workload the
    /// server has no series for.
    pub fn fetch(&mut self, model: &ModelSet) -> Result<Remote, RunError> {
        let fetched = prometheus::fetch(&mut self.client, model, &self.req).map_err(err)?;
        let mut notes = fetched.notes;
        let (attached, _) = crate::profile::attach::attach(model, fetched.profiles.clone());
        let ns = &self.args.namespace;
        for (wi, w) in model.workloads.iter().enumerate() {
            let wanted = ns.is_empty() || w.namespace.as_ref().is_some_and(|n| ns.contains(n));
            if w.uses_accelerators() && wanted && !attached.iter().any(|a| a.workload == wi) {
                notes.push(format!(
                    "{}: no DCGM series for {} in the {} before the evaluation time",
                    self.url,
                    crate::checks::workload::describe(w),
                    self.args.window
                ));
            }
        }
        Ok((fetched.profiles, notes))
    }

    /// Without manifests: the GPU workloads the server's DCGM series show, as the
    /// manifests the workload model reads, and what was found about them.
    pub fn discover(&mut self) -> Result<(crate::source::Loaded, Discovered), RunError> {
        let mut found = discover::discover(&mut self.client, &self.req).map_err(err)?;
        if found.workloads.is_empty() {
            found.notes.push(format!(
                "{}: no pod has DCGM GPU series in the {} before the evaluation time{}",
                self.url,
                self.args.window,
                if self.args.namespace.is_empty() {
                    String::new()
                } else {
                    format!(" in namespace {}", self.args.namespace.join(", "))
                }
            ));
        }
        let file = crate::source::load_bytes(
            format!("{} (workloads from its DCGM series)", self.url),
            Ok(found.manifests().into_bytes()),
            Default::default(),
        );
        Ok((file, found))
    }

    /// For `replay --plot`: each workload's raw series over the window, so its plot
    /// shows what the statistics summarise.
    pub fn plot_series(
        &mut self,
        attached: &mut [crate::profile::attach::Attached],
    ) -> Result<(), RunError> {
        for a in attached.iter_mut() {
            if a.profile.gpus.values().any(|g| g.summary.is_some()) {
                prometheus::plot_series(&mut self.client, &mut a.profile, &self.req)
                    .map_err(err)?;
            }
        }
        Ok(())
    }

    /// With `--prometheus-stats`: queries, requests and bytes on standard error.
    pub fn report(&self) {
        if self.args.prometheus_stats {
            let s = self.client.stats;
            eprintln!(
                "skinflint: prometheus: {} queries, {} requests, {} bytes received in {:.2} s",
                s.queries,
                s.requests,
                s.bytes,
                self.started.elapsed().as_secs_f64()
            );
        }
    }
}

/// For `check`: the workloads of the run (its files read once more, without rules) and
/// their profiles from the server.
pub fn for_check(args: &PrometheusArgs, req: &CheckRequest) -> Result<Option<Remote>, RunError> {
    if args.prometheus.is_none() {
        return Ok(None);
    }
    let (rules, _) = engine::configured_rules(&req.config, &req.rules_dirs)?;
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
    let Some(mut session) = Session::open(args, &params)? else {
        return Ok(None);
    };
    let remote = session.fetch(&model)?;
    session.report();
    Ok(Some(remote))
}

/// Rows of discovered workloads whose instance type the server does not know: the type
/// the recommendation was weighed against is an assumption, so neither it nor a dollar
/// figure is shown, and the note says how to get them.
pub fn unpriced(rows: &mut [ReplayRow], found: &Discovered) {
    for r in rows {
        let Some(w) = found
            .workloads
            .iter()
            .find(|w| w.namespace == r.namespace && w.owner.name == r.workload)
        else {
            continue;
        };
        let Err(why) = w.instance_type() else {
            continue;
        };
        let weighed = match (&r.current, &r.recommended) {
            (Some(c), Some(rec)) => {
                format!("; {rec} was weighed against {c}, the cheapest type that holds its GPUs")
            }
            _ => String::new(),
        };
        r.unpriced(format!(
            "current instance unknown: {why}, so no dollar figure is given{weighed}; for one, give the manifests with --manifests, or have kube-state-metrics export node labels ({NODE_LABELS_HELP})"
        ));
    }
}
