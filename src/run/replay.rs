//! `skinflint replay`: recorded GPU profiles against the workloads they belong to, as a
//! table of right-sizing recommendations (and SVG plots when asked).

use super::{json_line, note, write_out, RunError};
use crate::cli::ReplayFormat;
use crate::engine::{self, CheckRequest, ConfigChoice, ToolError};
use crate::profile::attach::{Attached, ProfileInput};
use crate::profile::confidence::Thresholds;
use crate::profile::{self, table::ReplayRow};
use crate::report::replay as report;
use std::path::{Path, PathBuf};

pub fn run(
    profiles: &[PathBuf],
    manifests: Vec<String>,
    named: &[String],
    headroom: Option<f64>,
    format: ReplayFormat,
    plot: Option<&Path>,
    prometheus: &crate::cli::PrometheusArgs,
) -> Result<u8, RunError> {
    if manifests.is_empty() && prometheus.prometheus.is_none() {
        return Err(RunError::Usage(
            "give the manifests of the workloads with --manifests PATH".to_string(),
        ));
    }
    let inputs = profile_inputs(profiles, named)?;
    // The sizing parameters are the profile rules' built-in ones (`replay` reads no config).
    let rules = engine::configured_rules(&ConfigChoice::None, &[])?.0;
    let mut params = crate::checks::gpu_profile::sizing(&rules).ok_or_else(|| {
        RunError::Usage("the built-in GPU profile rules declare no sizing parameters".into())
    })?;
    if let Some(h) = headroom {
        params.memory_headroom = h;
    }
    let mut session = super::prometheus::Session::open(prometheus, &params)?;
    let (files, discovered) = match &mut session {
        // Without manifests, the workloads are those the server's DCGM series show.
        Some(s) if manifests.is_empty() => {
            let (file, found) = s.discover()?;
            for n in &found.notes {
                note(n);
            }
            (vec![file], Some(found))
        }
        _ => (load_manifests(manifests)?, None),
    };
    let model = crate::model::ModelSet::build(&files);
    let (mut read, notes) = profile::read::read_inputs(&inputs).map_err(ToolError::Profile)?;
    for n in notes {
        note(&n);
    }
    if let Some(s) = &mut session {
        let (profiles, notes) = s.fetch(&model)?;
        for n in notes {
            note(&n);
        }
        read.extend(profiles);
    }
    let (mut attached, unmatched) = profile::attach::attach(&model, read);
    for u in unmatched {
        note(&u);
    }
    let mut rows = profile::table::rows(&model, &attached, &params);
    if let Some(found) = &discovered {
        super::prometheus::unpriced(&mut rows, found);
    }
    if let Some(dir) = plot {
        if let Some(s) = &mut session {
            s.plot_series(&mut attached)?;
        }
        plots(dir, &rows, &attached, &params.confidence)?;
    }
    if let Some(s) = &session {
        s.report();
    }
    write_out(&match format {
        ReplayFormat::Human => report::human(&rows, &params),
        ReplayFormat::Json => json_line(&rows),
        ReplayFormat::Markdown => report::markdown(&rows, &params),
        ReplayFormat::Csv => report::csv(&rows),
    })?;
    Ok(0)
}

/// The manifests' files, with their parse errors on standard error (a file that does not
/// parse holds no workloads: say where, as `check` would).
fn load_manifests(manifests: Vec<String>) -> Result<Vec<crate::source::Loaded>, RunError> {
    let mut req = CheckRequest::new(manifests);
    req.config = ConfigChoice::None;
    req.select = Some(vec!["invalid-yaml".to_string()]);
    let outcome = engine::check(&req)?;
    for n in &outcome.notes {
        note(n);
    }
    for f in &outcome.findings {
        let file = &outcome.files[f.file].file;
        let at = file.line_col(f.span.start);
        eprintln!(
            "skinflint: error: {}:{}:{}: {}",
            crate::source::display_path(&file.path),
            at.line,
            at.column,
            f.message
        );
    }
    Ok(outcome.files)
}

/// One SVG per replayed workload; a plot that cannot be drawn is a note, not a failure.
fn plots(
    dir: &Path,
    rows: &[ReplayRow],
    attached: &[Attached],
    thresholds: &Thresholds,
) -> Result<(), RunError> {
    std::fs::create_dir_all(dir).map_err(|error| RunError::Write {
        path: dir.to_path_buf(),
        error,
    })?;
    for (row, a) in rows.iter().zip(attached) {
        let name = row.full_name();
        let path = dir.join(format!("{}.svg", file_stem(&name)));
        let title = format!("{name} on {}", row.gpu_model.as_deref().unwrap_or("a GPU"));
        match profile::plot::write_svg(
            &path,
            &title,
            &a.profile,
            thresholds,
            row.current_gpu_memory_mib,
            row.recommended_gpu_memory_mib,
        ) {
            Ok(()) => eprintln!("skinflint: wrote {}", path.display()),
            Err(e) => note(&e.to_string()),
        }
    }
    Ok(())
}

/// Profile files from `--profiles` (files or directories) and `--profile NS/NAME=PATH`.
pub fn profile_inputs(paths: &[PathBuf], named: &[String]) -> Result<Vec<ProfileInput>, RunError> {
    let mut out = Vec::new();
    for p in paths {
        if !p.exists() {
            return Err(RunError::ProfileNotFound(p.clone()));
        }
        out.push(ProfileInput {
            path: p.clone(),
            workload: None,
        });
    }
    for spec in named {
        let (workload, path) = spec.split_once('=').ok_or_else(|| {
            RunError::Usage(format!(
                "--profile {spec}: expected NAMESPACE/WORKLOAD=PATH"
            ))
        })?;
        let path = PathBuf::from(path);
        if !path.exists() {
            return Err(RunError::ProfileNotFound(path));
        }
        out.push(ProfileInput {
            path,
            workload: Some(workload.to_string()),
        });
    }
    Ok(out)
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
