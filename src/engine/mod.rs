//! The run: load inputs, build the model, run every enabled rule's check, apply
//! suppressions, the report filter (`--context`, `--changed-since`) and the baseline,
//! sort findings.

pub mod baseline;
pub mod clusters;
pub mod config;
pub mod docs;
pub mod finding;
pub mod fingerprint;
pub mod git;
pub mod located;
pub mod params;
pub mod registry;
pub mod rule;
pub mod suppress;

use crate::checks::{self, Check};
use crate::model::ModelSet;
use crate::source::{self, Input, LoadOptions, Loaded, SourceFile};
pub use baseline::{Baseline, BaselineStats};
pub use finding::{Finding, Hit, Severity};
pub use located::LocatedError;
pub use rule::RuleDef;
use serde::Serialize;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
pub use suppress::Suppressed;

/// Which config file to use.
#[derive(Debug, Clone)]
pub enum ConfigChoice {
    /// Look for `.skinflint.yaml` upward from this directory.
    Discover(PathBuf),
    File(PathBuf),
    None,
}

/// What to check and how.
#[derive(Debug, Clone)]
pub struct CheckRequest {
    /// Files to check and report on.
    pub paths: Vec<String>,
    /// Files and directories loaded for cross-resource context only (not reported on).
    pub context: Vec<String>,
    pub config: ConfigChoice,
    pub load: LoadOptions,
    /// Run only these rules (ids), when given.
    pub select: Option<Vec<String>>,
    /// Never run these rules.
    pub ignore: Vec<String>,
    /// Honour suppression comments and annotations (config `ignore:` entries always apply).
    pub inline_suppressions: bool,
    /// Report only on files changed since this git revision.
    pub changed_since: Option<String>,
    /// Report only findings not recorded in this baseline.
    pub baseline: Option<PathBuf>,
    /// Standard input already read (tests); read lazily when `-` is given otherwise.
    pub stdin: Option<Vec<u8>>,
    /// The name findings on standard input are reported under (default `<stdin>`).
    pub stdin_name: Option<String>,
    /// GPU utilisation profiles to replay against the workloads.
    pub profiles: Vec<crate::profile::attach::ProfileInput>,
    /// Cluster globs (`--cluster`), added to the config's `clusters:`.
    pub clusters: Vec<String>,
    /// Follow symlinks that lead out of the checked paths.
    pub follow_symlinks: bool,
}

impl CheckRequest {
    pub fn new(paths: Vec<String>) -> Self {
        CheckRequest {
            paths,
            context: Vec::new(),
            config: ConfigChoice::None,
            load: LoadOptions::default(),
            select: None,
            ignore: Vec::new(),
            inline_suppressions: true,
            changed_since: None,
            baseline: None,
            stdin: None,
            stdin_name: None,
            profiles: Vec::new(),
            clusters: Vec::new(),
            follow_symlinks: false,
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Summary {
    pub files: usize,
    pub resources: usize,
    pub skipped_resources: usize,
    pub findings: usize,
    pub error: usize,
    pub warning: usize,
    pub info: usize,
    /// Findings hidden by suppressions.
    pub suppressed: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline_matched: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline_fixed: Option<usize>,
}

/// Everything a report needs.
pub struct Outcome {
    /// Loaded inputs; the config file is appended when findings may point into it.
    pub files: Vec<Loaded>,
    pub findings: Vec<Finding>,
    pub suppressed: Vec<Suppressed>,
    pub summary: Summary,
    /// Things worth telling the user that are not findings (skipped paths).
    pub notes: Vec<String>,
    pub rules: Vec<RuleDef>,
    pub config: config::Config,
}

impl Outcome {
    /// The rules that ran, in id order.
    pub fn enabled_rules(&self) -> impl Iterator<Item = &RuleDef> {
        self.rules.iter().filter(|r| r.enabled)
    }
}

/// Why skinflint could not do its job (exit code 2).
#[derive(Debug)]
pub enum ToolError {
    PathNotFound(String),
    Config(LocatedError),
    Rules(LocatedError),
    UnknownRule(String),
    NoInput,
    Git(String),
    Baseline(String),
    NoYaml(String),
    /// A `--cluster` glob that does not compile.
    Cluster(String),
}

impl std::fmt::Display for ToolError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ToolError::PathNotFound(p) => write!(f, "path not found: {p}"),
            ToolError::Config(e) => write!(f, "invalid config: {e}"),
            ToolError::Rules(e) => write!(f, "invalid rule declaration: {e}"),
            ToolError::UnknownRule(id) => {
                write!(f, "unknown rule id `{id}` (`skinflint rules` lists them)")
            }
            ToolError::NoInput => write!(
                f,
                "no paths given (use `.` for the current directory or `-` for standard input)"
            ),
            ToolError::Git(e) => write!(f, "--changed-since: {e}"),
            ToolError::Baseline(e) => write!(f, "{e}"),
            ToolError::NoYaml(p) => write!(f, "no .yaml or .yml files found in: {p}"),
            ToolError::Cluster(e) => write!(f, "--cluster: {e}"),
        }
    }
}

impl std::error::Error for ToolError {}

/// The built-in rules with the user's config applied.
pub fn configured_rules(
    choice: &ConfigChoice,
) -> Result<(Vec<RuleDef>, config::Config), ToolError> {
    let mut rules = registry::builtin_rules().map_err(ToolError::Rules)?;
    let path = match choice {
        ConfigChoice::Discover(dir) => config::find_config(dir),
        ConfigChoice::File(p) => {
            if !p.is_file() {
                return Err(ToolError::Config(LocatedError {
                    path: p.to_string_lossy().into_owned(),
                    line: 1,
                    column: 1,
                    message: "config file not found".to_string(),
                }));
            }
            Some(p.clone())
        }
        ConfigChoice::None => None,
    };
    let cfg = match path {
        Some(p) => config::load_and_apply(&p, &mut rules).map_err(ToolError::Config)?,
        None => config::Config::default(),
    };
    Ok((rules, cfg))
}

fn canonical(p: &Path) -> PathBuf {
    p.canonicalize().unwrap_or_else(|_| p.to_path_buf())
}

/// Run a check end to end.
pub fn check(req: &CheckRequest) -> Result<Outcome, ToolError> {
    if req.paths.is_empty() {
        return Err(ToolError::NoInput);
    }
    let (mut rules, cfg) = configured_rules(&req.config)?;
    for id in req.select.iter().flatten().chain(req.ignore.iter()) {
        if !rules.iter().any(|r| &r.id == id) {
            return Err(ToolError::UnknownRule(id.clone()));
        }
    }
    for r in rules.iter_mut() {
        if let Some(sel) = &req.select {
            // A file that cannot be read is always worth knowing about.
            r.enabled = r.enabled && (sel.contains(&r.id) || r.id == "invalid-yaml");
        }
        if req.ignore.contains(&r.id) {
            r.enabled = false;
        }
    }
    let baseline = match &req.baseline {
        Some(p) => Some(Baseline::load(p).map_err(ToolError::Baseline)?),
        None => None,
    };
    let changed = match &req.changed_since {
        Some(rev) => Some(git::changed_since(rev).map_err(ToolError::Git)?),
        None => None,
    };

    // Profiles: read in parallel; a file that cannot be read is a note.
    let given: Vec<crate::profile::attach::ProfileInput> = req
        .profiles
        .iter()
        .chain(cfg.profiles.iter())
        .cloned()
        .collect();
    let (profiles, notes_from_profiles) = crate::profile::read::read_inputs(&given);

    // Inputs: the named paths, then context; report on the named ones only.
    let (named, mut notes) = source::discover(&req.paths, req.follow_symlinks)
        .map_err(|e| ToolError::PathNotFound(e.0))?;
    let (context, context_notes) = source::discover(&req.context, req.follow_symlinks)
        .map_err(|e| ToolError::PathNotFound(e.0))?;
    notes.extend(context_notes);
    notes.extend(notes_from_profiles);
    let named_set: HashSet<PathBuf> = named
        .iter()
        .filter_map(|i| match i {
            Input::File(p) | Input::Unreadable(p, _) => Some(canonical(p)),
            Input::Stdin => None,
        })
        .collect();
    // Context files not already named, each canonicalised once: a set lookup, not a
    // comparison with every other path (the pre-commit hook passes a whole tree).
    let mut seen = named_set;
    let mut inputs = named.clone();
    for c in context {
        if let Input::File(p) = &c {
            if !seen.insert(canonical(p)) {
                continue;
            }
        }
        inputs.push(c);
    }
    if inputs.is_empty() {
        return Err(ToolError::NoYaml(req.paths.join(" ")));
    }
    let mut files = source::load_all(
        &inputs,
        req.load,
        req.stdin.clone(),
        req.stdin_name.as_deref(),
    );
    let input_count = files.len();
    assign_clusters(&mut files, &inputs, &cfg, req)?;
    // Whether each file is reported on.
    let reported: Vec<bool> = inputs
        .iter()
        .enumerate()
        .map(|(i, input)| {
            let in_named = i < named.len();
            let in_changed = match (input, &changed) {
                (_, None) => true,
                (Input::Stdin, Some(_)) => true,
                (Input::File(p) | Input::Unreadable(p, _), Some(set)) => {
                    set.contains(&canonical(p))
                }
            };
            in_named && in_changed
        })
        .collect();
    // Config `ignore:` entries are judged unused only when the run covers the config's
    // directory; findings about them are reported on whole runs, or when the config changed.
    let config_dir = cfg
        .path
        .as_deref()
        .and_then(|p| Path::new(p).parent())
        .map(|d| {
            canonical(if d.as_os_str().is_empty() {
                Path::new(".")
            } else {
                d
            })
        });
    let covers_config = config_dir.as_ref().is_some_and(|dir| {
        req.paths
            .iter()
            .chain(req.context.iter())
            .any(|p| p != "-" && dir.starts_with(canonical(Path::new(p))))
    });
    let config_reported = match (&changed, &cfg.path) {
        (Some(set), Some(p)) => set.contains(&canonical(Path::new(p))),
        _ => req.context.is_empty(),
    };
    // The config file hosts findings about its own `ignore:` entries.
    let config_file = if cfg.ignores.is_empty() {
        None
    } else {
        files.push(Loaded {
            file: SourceFile::new(
                source::display_path(cfg.path.as_deref().unwrap_or_default()),
                cfg.text.clone(),
            ),
            documents: Vec::new(),
            problems: Vec::new(),
            cluster: None,
        });
        Some(files.len() - 1)
    };

    let (findings, suppressed, summary) = {
        let mut model = ModelSet::build(&files);
        if !profiles.is_empty() || !req.profiles.is_empty() || !cfg.profiles.is_empty() {
            let (attached, unmatched) = crate::profile::attach::attach(&model, profiles);
            model.profiles = attached;
            notes.extend(unmatched);
        }
        let mut findings = Vec::new();
        for rule in rules.iter().filter(|r| r.enabled) {
            let Some(Check::Model(check)) = checks::lookup(&rule.check) else {
                continue;
            };
            let ctx = checks::CheckCtx {
                model: &model,
                params: &rule.params,
                rule,
            };
            for hit in check(&ctx) {
                findings.push(to_finding(rule, &model, hit));
            }
        }
        let mut sups = suppress::collect(
            &model,
            req.inline_suppressions,
            &cfg.ignores,
            config_file,
            covers_config,
        );
        let (mut kept, suppressed) = suppress::apply(findings, &mut sups, &files, &cfg.ignores);
        let sctx = checks::core::suppressions::SuppressionCtx {
            suppressions: &sups,
            rules: &rules,
        };
        for rule in rules.iter().filter(|r| r.enabled) {
            if let Some(Check::Suppressions(check)) = checks::lookup(&rule.check) {
                for hit in check(&sctx) {
                    kept.push(to_finding(rule, &model, hit));
                }
            }
        }
        // Report only on named (and changed) inputs.
        kept.retain(|f| reported.get(f.file).copied().unwrap_or(config_reported));
        let mut summary = Summary {
            files: input_count,
            resources: model.resources.len(),
            skipped_resources: model.skipped,
            suppressed: suppressed.len(),
            ..Summary::default()
        };
        if let Some(b) = &baseline {
            let reported_paths: HashSet<String> = files
                .iter()
                .enumerate()
                .filter(|(i, _)| reported.get(*i).copied().unwrap_or(config_reported))
                .map(|(_, f)| source::display_path(&f.file.path))
                .collect();
            let (rest, stats) = b.apply(kept, &reported_paths);
            kept = rest;
            summary.baseline_matched = Some(stats.matched);
            summary.baseline_fixed = Some(stats.fixed);
        }
        sort_findings(&mut kept, &files);
        make_unique(&mut kept);
        summary.findings = kept.len();
        for f in &kept {
            match f.severity {
                Severity::Error => summary.error += 1,
                Severity::Warning => summary.warning += 1,
                Severity::Info => summary.info += 1,
            }
        }
        (kept, suppressed, summary)
    };
    Ok(Outcome {
        files,
        findings,
        suppressed,
        summary,
        notes,
        rules,
        config: cfg,
    })
}

/// Put each input in its cluster (`clusters:` and `--cluster` globs, relative to the
/// config file's directory, else the working directory). Standard input is shared unless
/// `--stdin-filename` places it.
fn assign_clusters(
    files: &mut [Loaded],
    inputs: &[Input],
    cfg: &config::Config,
    req: &CheckRequest,
) -> Result<(), ToolError> {
    let globs: Vec<String> = cfg.clusters.iter().chain(&req.clusters).cloned().collect();
    let root = cfg
        .path
        .as_deref()
        .and_then(|p| Path::new(p).parent())
        .filter(|d| !d.as_os_str().is_empty())
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    let Some(scopes) = clusters::ClusterGlobs::new(&globs, &root).map_err(ToolError::Cluster)?
    else {
        return Ok(());
    };
    for (loaded, input) in files.iter_mut().zip(inputs) {
        if matches!(input, Input::Stdin) && req.stdin_name.is_none() {
            continue;
        }
        loaded.cluster = scopes.cluster_of(&loaded.file.path);
    }
    Ok(())
}

fn to_finding(rule: &RuleDef, model: &ModelSet, hit: Hit) -> Finding {
    let severity = match (hit.gpu, rule.gpu_severity) {
        _ if hit.low_confidence => Severity::Info,
        (true, Some(s)) => s,
        _ => rule.severity,
    };
    let resource = hit.resource.and_then(|i| model.resources.get(i));
    let fingerprint = match resource {
        Some(r) => fingerprint::for_resource(&rule.id, r, hit.span.start),
        None => fingerprint::for_file(
            &rule.id,
            &source::display_path(&model.files[hit.file].file.path),
            &hit.message,
        ),
    };
    Finding {
        rule: rule.id.clone(),
        severity,
        message: hit.message,
        help: hit.help.unwrap_or_else(|| rule.docs.fix.clone()),
        file: hit.file,
        span: hit.span,
        resource: resource.map(|r| r.id.clone()),
        resource_index: hit.resource,
        savings_usd_month: hit.savings_usd_month,
        fingerprint,
        cluster: model.files[hit.file].cluster.clone(),
    }
}

/// Give findings that share a fingerprint (two unused suppressions of one rule in one
/// file) distinct ones, numbered in report order.
fn make_unique(findings: &mut [Finding]) {
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for f in findings.iter_mut() {
        let n = seen.entry(f.fingerprint.clone()).or_default();
        *n += 1;
        if *n > 1 {
            f.fingerprint = fingerprint::stable_hash(&format!("{}#{}", f.fingerprint, n));
        }
    }
}

/// Sort by file, line, column, rule; drop exact duplicates.
fn sort_findings(findings: &mut Vec<Finding>, files: &[Loaded]) {
    findings.sort_by(|a, b| {
        let fa = &files[a.file];
        let fb = &files[b.file];
        fa.file
            .path
            .cmp(&fb.file.path)
            .then(a.file.cmp(&b.file))
            .then(
                fa.file
                    .line_col(a.span.start)
                    .cmp(&fb.file.line_col(b.span.start)),
            )
            .then(a.rule.cmp(&b.rule))
            .then(a.message.cmp(&b.message))
    });
    findings.dedup_by(|a, b| {
        a.file == b.file && a.span == b.span && a.rule == b.rule && a.message == b.message
    });
}
