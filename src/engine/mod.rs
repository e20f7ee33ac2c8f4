//! The run: load inputs, build the model, run every enabled rule's check, apply
//! suppressions, the report filter (`--context`, `--changed-since`) and the baseline,
//! sort findings.

pub mod baseline;
pub mod changes;
pub mod fingerprint;
pub mod git;
pub mod suppress;
pub mod tree;

use crate::checks::{self, Check};
use crate::model::ModelSet;
use crate::rule::{clusters, config, registry, Finding, Hit, LocatedError, RuleDef, Severity};
use crate::source::{self, Input, LoadOptions, Loaded, SourceFile};
pub use baseline::{Baseline, BaselineStats};
use serde::Serialize;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
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
    /// Report only the findings that are new since this git revision (see
    /// [`check_changes`]).
    pub changed_since: Option<String>,
    /// With `changed_since`: compare with the staged content (a pre-commit run) rather
    /// than the work tree.
    pub staged: bool,
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
    /// Profiles a Prometheus server was asked for; with them the profile rules run
    /// even when no file is given.
    pub remote_profiles: Option<crate::profile::prometheus::Asked>,
    /// Directories of custom rule files (`--rules`), beside the config's `rules-dirs:`.
    pub rules_dirs: Vec<PathBuf>,
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
            staged: false,
            baseline: None,
            stdin: None,
            stdin_name: None,
            profiles: Vec::new(),
            clusters: Vec::new(),
            follow_symlinks: false,
            remote_profiles: None,
            rules_dirs: Vec::new(),
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
    /// With `--changed-since`: findings of the earlier tree the change fixed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fixed_by_change: Option<usize>,
    /// With `--changed-since`: findings already there before the change (not reported).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preexisting: Option<usize>,
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

    /// The assumptions behind this run's dollar figures (its price table, 730 h a month).
    pub fn price_basis(&self) -> String {
        self.config
            .prices
            .as_ref()
            .unwrap_or(crate::catalog::prices::PriceTable::embedded())
            .basis()
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
    Git(git::GitError),
    Baseline(baseline::BaselineError),
    NoYaml(String),
    /// A `--cluster` glob that does not compile.
    Cluster(clusters::GlobError),
    /// A GPU profile named on the command line or in the config that cannot be read.
    Profile(crate::profile::read::ProfileError),
    /// GPU statistics could not be had from the Prometheus server.
    Prometheus(crate::profile::prometheus::PromError),
}

impl std::fmt::Display for ToolError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ToolError::PathNotFound(p) => write!(f, "path not found: {p}"),
            ToolError::Config(e) => write!(f, "invalid config: {e}"),
            ToolError::Rules(e) => write!(f, "invalid rule declaration: {e}"),
            ToolError::UnknownRule(id) => write!(f, "{}", config::unknown_rule_message(id)),
            ToolError::NoInput => write!(
                f,
                "no paths given (use `.` for the current directory or `-` for standard input)"
            ),
            ToolError::Git(e) => write!(f, "git: {e}"),
            ToolError::Baseline(e) => write!(f, "{e}"),
            ToolError::NoYaml(p) => write!(f, "no .yaml or .yml files found in: {p}"),
            ToolError::Cluster(e) => write!(f, "--cluster: {e}"),
            ToolError::Profile(e) => write!(f, "cannot read profile {e}"),
            ToolError::Prometheus(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for ToolError {}

/// The built-in rules and the custom rules of `rules_dirs` and the config's `rules-dirs:`,
/// with the user's config applied.
pub fn configured_rules(
    choice: &ConfigChoice,
    rules_dirs: &[PathBuf],
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
    let mut dirs = rules_dirs.to_vec();
    if let Some(p) = &path {
        dirs.extend(config::rules_dirs(p).map_err(ToolError::Config)?);
    }
    let custom = crate::rule::custom::load(&dirs, &rules).map_err(ToolError::Rules)?;
    if !custom.is_empty() {
        rules.extend(custom);
        rules.sort_by(|a, b| a.id.cmp(&b.id));
    }
    let cfg = match path {
        Some(p) => config::load_and_apply(&p, &mut rules).map_err(ToolError::Config)?,
        None => config::Config::default(),
    };
    // After the config, so the parameters every check will read are the ones checked.
    for rule in &rules {
        checks::validate(rule).map_err(|e| {
            // An unknown parameter is shown where it is declared.
            let path: Vec<&str> = match &e {
                checks::RuleCheckError::NoSuchCheck { .. } => vec!["check"],
                checks::RuleCheckError::ParamsNotRead { error, .. } => {
                    let unknown = error
                        .strip_prefix("unknown field `")
                        .and_then(|s| s.split('`').next());
                    std::iter::once("params").chain(unknown).collect()
                }
            };
            let mut located = crate::rule::custom::locate(rule, &path, e.to_string());
            if let checks::RuleCheckError::NoSuchCheck { check, .. } = &e {
                if let Some(near) =
                    crate::suggest::did_you_mean(check, checks::CHECKS.iter().map(|c| c.name))
                {
                    located
                        .message
                        .push_str(&format!(" (did you mean `{near}`?)"));
                }
            }
            ToolError::Rules(located)
        })?;
    }
    Ok((rules, cfg))
}

fn canonical(p: &Path) -> PathBuf {
    p.canonicalize().unwrap_or_else(|_| p.to_path_buf())
}

/// The rules, config, baseline and profiles of a run, prepared once for the one tree a
/// plain check reads or the two a comparison reads.
pub struct Setup {
    pub rules: Vec<RuleDef>,
    pub cfg: config::Config,
    baseline: Option<Baseline>,
    profiles: Vec<(crate::profile::Profile, Option<String>)>,
    use_profiles: bool,
    /// Namespaces a server was asked to profile every GPU workload of (all when empty).
    asked: Option<Vec<String>>,
    inline_suppressions: bool,
    /// Cluster scopes (`clusters:` and `--cluster`), when any are given.
    clusters: Option<clusters::ClusterGlobs>,
    /// Notes from reading profiles.
    pub notes: Vec<String>,
}

/// Read the config, select the rules, load the baseline and the profiles.
pub fn prepare(req: &CheckRequest) -> Result<Setup, ToolError> {
    let (mut rules, cfg) = configured_rules(&req.config, &req.rules_dirs)?;
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
        Some(p) => Some(Baseline::read(p).map_err(ToolError::Baseline)?),
        None => None,
    };
    // Profiles: read in parallel; a file that cannot be read is a note.
    let given: Vec<crate::profile::attach::ProfileInput> = req
        .profiles
        .iter()
        .chain(cfg.profiles.iter())
        .cloned()
        .collect();
    let (mut profiles, notes) =
        crate::profile::read::read_inputs(&given).map_err(ToolError::Profile)?;
    if let Some(asked) = &req.remote_profiles {
        profiles.extend(asked.profiles.iter().cloned());
    }
    // Cluster globs are relative to the config file's directory, else the working one.
    let globs: Vec<String> = cfg.clusters.iter().chain(&req.clusters).cloned().collect();
    let root = cfg
        .path
        .as_deref()
        .and_then(|p| Path::new(p).parent())
        .filter(|d| !d.as_os_str().is_empty())
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    let clusters = clusters::ClusterGlobs::build(&globs, &root).map_err(ToolError::Cluster)?;
    Ok(Setup {
        clusters,
        use_profiles: !given.is_empty() || req.remote_profiles.is_some(),
        asked: req.remote_profiles.as_ref().map(|a| a.namespaces.clone()),
        rules,
        cfg,
        baseline,
        profiles,
        inline_suppressions: req.inline_suppressions,
        notes,
    })
}

/// Parsed inputs ready to check.
pub struct Inputs {
    pub files: Vec<Loaded>,
    /// Each file's repository-relative path, its identity in fingerprints.
    pub keys: Vec<String>,
    /// Whether findings in each file are reported (named paths) or it is context only.
    pub reported: Vec<bool>,
    /// Whether findings about the config's own `ignore:` entries are reported.
    pub config_reported: bool,
    /// Whether the run covers the config's directory, so its entries can be judged unused.
    pub covers_config: bool,
    /// The path each file's cluster is judged by; `None` keeps it shared by all clusters.
    pub cluster_paths: Vec<Option<String>>,
    pub notes: Vec<String>,
}

impl Inputs {
    /// Inputs from a tree read into memory.
    pub fn from_tree(t: tree::Tree, req: &CheckRequest, setup: &Setup) -> Inputs {
        let files = t.parse(req.load);
        Inputs {
            files,
            keys: t.keys,
            reported: t.reported,
            config_reported: req.context.is_empty(),
            covers_config: covers_config(req, &setup.cfg),
            cluster_paths: t.cluster_paths.into_iter().map(Some).collect(),
            notes: Vec::new(),
        }
    }
}

/// What checking one tree found, before the baseline: the reported findings, sorted,
/// each with a distinct fingerprint.
pub struct Evaluated {
    pub files: Vec<Loaded>,
    pub keys: Vec<String>,
    pub findings: Vec<Finding>,
    pub suppressed: Vec<Suppressed>,
    pub summary: Summary,
    pub notes: Vec<String>,
    /// Keys of the files reported on (the config file's included when it is).
    pub reported_keys: HashSet<String>,
    /// With `--changed-since`: the fingerprints of the findings new since the revision,
    /// the only ones reported (after the baseline saw them all).
    pub only_new: Option<HashSet<String>>,
}

/// Run a check end to end: the named files, or with `changed_since` the findings the
/// change since that revision introduced (see [`check_changes`]).
pub fn check(req: &CheckRequest) -> Result<Outcome, ToolError> {
    if req.paths.is_empty() {
        return Err(ToolError::NoInput);
    }
    let setup = prepare(req)?;
    // Every dollar figure of this run comes from the team's price table when it has one.
    let _prices = setup
        .cfg
        .prices
        .clone()
        .map(crate::catalog::prices::use_table);
    let evaluated = match &req.changed_since {
        Some(rev) => check_changes(req, &setup, rev)?,
        None => {
            let inputs = disk_inputs(req, &setup)?;
            evaluate(&setup, inputs)
        }
    };
    Ok(finish(setup, evaluated))
}

/// Differential checking: read the tree at the merge base of `rev` from git objects and
/// the tree as it is now (the index with `req.staged`, else the tracked files of the
/// work tree; untracked files only when named), check both, and mark the findings that
/// are new now (`only_new`), wherever they are: in files the change did not touch, or
/// caused by files it deleted. Findings the change fixed, and those it left in place,
/// are counted.
pub fn check_changes(req: &CheckRequest, setup: &Setup, rev: &str) -> Result<Evaluated, ToolError> {
    let scope = tree::Scope::new(&req.paths, &req.context)?;
    let base = git::fork_point(rev, None).map_err(ToolError::Git)?;
    let now = if req.staged {
        tree::Side::Staged
    } else {
        tree::Side::WorkTree
    };
    let before = tree::read(&tree::Side::Commit(base), &scope, req.load)?;
    let after = tree::read(&now, &scope, req.load)?;
    if before.is_empty() && after.is_empty() {
        return Err(ToolError::NoYaml(req.paths.join(" ")));
    }
    let before = evaluate(setup, Inputs::from_tree(before, req, setup));
    let mut after = evaluate(setup, Inputs::from_tree(after, req, setup));
    let cmp = changes::compare(&before.findings, &after.findings);
    after.only_new = Some(
        cmp.new
            .iter()
            .map(|i| after.findings[*i].fingerprint.clone())
            .collect(),
    );
    after.summary.fixed_by_change = Some(cmp.fixed.len());
    after.summary.preexisting = Some(cmp.unchanged.len());
    Ok(after)
}

/// Whether the paths of the run cover the config file's directory.
fn covers_config(req: &CheckRequest, cfg: &config::Config) -> bool {
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
    config_dir.as_ref().is_some_and(|dir| {
        req.paths
            .iter()
            .chain(req.context.iter())
            .any(|p| p != "-" && dir.starts_with(canonical(Path::new(p))))
    })
}

/// The named paths and the context, discovered and read from disk.
fn disk_inputs(req: &CheckRequest, setup: &Setup) -> Result<Inputs, ToolError> {
    // Inputs: the named paths, then context; report on the named ones only.
    let (named, mut notes) = source::discover(&req.paths, req.follow_symlinks)
        .map_err(|e| ToolError::PathNotFound(e.0))?;
    let (context, context_notes) = source::discover(&req.context, req.follow_symlinks)
        .map_err(|e| ToolError::PathNotFound(e.0))?;
    notes.extend(context_notes);
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
    let files = source::load_all(
        &inputs,
        req.load,
        req.stdin.clone(),
        req.stdin_name.as_deref(),
    );
    notes.extend(source::helm::skipped_note(&files));
    let keys = files
        .iter()
        .map(|f| source::display_path(&f.file.path))
        .collect();
    // Standard input is shared by all clusters unless `--stdin-filename` places it.
    let cluster_paths = files
        .iter()
        .zip(&inputs)
        .map(|(f, i)| {
            (!matches!(i, Input::Stdin) || req.stdin_name.is_some()).then(|| f.file.path.clone())
        })
        .collect();
    Ok(Inputs {
        files,
        keys,
        reported: (0..inputs.len()).map(|i| i < named.len()).collect(),
        // Config `ignore:` entries are judged unused only when the run covers the
        // config's directory; findings about them are reported on whole runs.
        config_reported: req.context.is_empty(),
        covers_config: covers_config(req, &setup.cfg),
        cluster_paths,
        notes,
    })
}

/// Check one set of inputs: build the model, run the enabled rules, apply suppressions,
/// keep the findings in reported files, sort them and make fingerprints distinct.
pub fn evaluate(setup: &Setup, inputs: Inputs) -> Evaluated {
    let Inputs {
        mut files,
        mut keys,
        reported,
        config_reported,
        covers_config,
        cluster_paths,
        mut notes,
    } = inputs;
    if let Some(globs) = &setup.clusters {
        for (f, path) in files.iter_mut().zip(&cluster_paths) {
            f.cluster = path.as_deref().and_then(|p| globs.cluster_of(p));
        }
    }
    let rules = &setup.rules;
    let cfg = &setup.cfg;
    let input_count = files.len();
    // The config file hosts findings about its own `ignore:` entries.
    let config_file = if cfg.ignores.is_empty() {
        None
    } else {
        let path = cfg.path.as_deref().unwrap_or_default();
        files.push(Loaded {
            file: SourceFile::new(source::display_path(path), cfg.text.clone()),
            documents: Vec::new(),
            problems: Vec::new(),
            cluster: None,
            helm_template: false,
        });
        keys.push(source::display_path(path));
        Some(files.len() - 1)
    };
    let is_reported = |file: usize| reported.get(file).copied().unwrap_or(config_reported);
    let (findings, suppressed, summary) = {
        let model = ModelSet::build(&files);
        let mut profiles = Vec::new();
        if setup.use_profiles {
            let (attached, unmatched) =
                crate::profile::attach::attach(&model, setup.profiles.clone());
            profiles = attached;
            notes.extend(unmatched);
        }
        let mut findings = Vec::new();
        for rule in rules.iter().filter(|r| r.enabled) {
            let Some(Check::Model(check)) = checks::lookup(&rule.check).map(|c| c.check) else {
                continue;
            };
            let ctx = checks::CheckCtx {
                model: &model,
                profiles: &profiles,
                params: &rule.params,
                rule,
                rules,
                asked: setup.asked.as_deref(),
            };
            let fix = Arc::from(rule.docs.fix.as_str());
            for hit in check(&ctx) {
                findings.push(to_finding_with(rule, &fix, &model, &keys, hit));
            }
        }
        let mut sups = suppress::collect(
            &model,
            setup.inline_suppressions,
            &cfg.ignores,
            config_file,
            covers_config,
        );
        let (mut kept, suppressed) = suppress::apply(findings, &mut sups, &files, &cfg.ignores);
        let sctx = checks::core::suppressions::SuppressionCtx {
            suppressions: &sups,
            rules,
        };
        for rule in rules.iter().filter(|r| r.enabled) {
            if let Some(Check::Suppressions(check)) = checks::lookup(&rule.check).map(|c| c.check) {
                for hit in check(&sctx) {
                    kept.push(to_finding(rule, &model, &keys, hit));
                }
            }
        }
        // Report only on named inputs.
        kept.retain(|f| is_reported(f.file));
        sort_findings(&mut kept, &files);
        make_unique(&mut kept);
        let summary = Summary {
            files: input_count,
            resources: model.resources.len(),
            skipped_resources: model.skipped,
            suppressed: suppressed.len(),
            ..Summary::default()
        };
        (kept, suppressed, summary)
    };
    let reported_keys = keys
        .iter()
        .enumerate()
        .filter(|(i, _)| is_reported(*i))
        .map(|(_, k)| k.clone())
        .collect();
    Evaluated {
        files,
        keys,
        findings,
        suppressed,
        summary,
        notes,
        reported_keys,
        only_new: None,
    }
}

/// Apply the baseline, count findings by severity and assemble the outcome.
fn finish(setup: Setup, ev: Evaluated) -> Outcome {
    let Evaluated {
        files,
        keys,
        mut findings,
        suppressed,
        mut summary,
        notes: tree_notes,
        reported_keys,
        only_new,
    } = ev;
    if let Some(b) = &setup.baseline {
        let (rest, stats) = b.apply(findings, &reported_keys, |i| {
            keys.get(i).cloned().unwrap_or_default()
        });
        findings = rest;
        summary.baseline_matched = Some(stats.matched);
        summary.baseline_fixed = Some(stats.fixed);
    }
    if let Some(new) = only_new {
        findings.retain(|f| new.contains(&f.fingerprint));
    }
    summary.count(&findings);
    let mut notes = tree_notes;
    notes.extend(setup.notes);
    Outcome {
        files,
        findings,
        suppressed,
        summary,
        notes,
        rules: setup.rules,
        config: setup.cfg,
    }
}

impl Summary {
    /// Set the finding totals from `findings`.
    pub fn count(&mut self, findings: &[Finding]) {
        self.findings = findings.len();
        self.error = 0;
        self.warning = 0;
        self.info = 0;
        for f in findings {
            match f.severity {
                Severity::Error => self.error += 1,
                Severity::Warning => self.warning += 1,
                Severity::Info => self.info += 1,
            }
        }
    }
}

fn to_finding(rule: &RuleDef, model: &ModelSet, keys: &[String], hit: Hit) -> Finding {
    to_finding_with(rule, &Arc::from(rule.docs.fix.as_str()), model, keys, hit)
}

/// [`to_finding`], with the rule's general advice (`fix`) shared by its findings.
fn to_finding_with(
    rule: &RuleDef,
    fix: &Arc<str>,
    model: &ModelSet,
    keys: &[String],
    hit: Hit,
) -> Finding {
    let severity = match (hit.gpu, rule.gpu_severity) {
        _ if hit.low_confidence => Severity::Info,
        (true, Some(s)) => s,
        _ => rule.severity,
    };
    let resource = hit.resource.and_then(|i| model.resources.get(i));
    let cluster = model.files[hit.file].cluster.clone();
    let key = keys.get(hit.file).map(String::as_str).unwrap_or_default();
    let prints = match resource {
        Some(r) => fingerprint::for_resource(&rule.id, r, hit.span.start, key, cluster.as_deref()),
        None => fingerprint::for_file(&rule.id, key, &hit.message, cluster.as_deref()),
    };
    Finding {
        rule: rule.id.clone(),
        severity,
        message: hit.message,
        help: hit.help.map_or_else(|| fix.clone(), Arc::from),
        file: hit.file,
        span: hit.span,
        resource: resource.map(|r| r.id.clone()),
        resource_index: hit.resource,
        savings_usd_month: hit.savings_usd_month,
        fingerprint: prints.current,
        legacy_fingerprint: prints.legacy,
        cluster,
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
