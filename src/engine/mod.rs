//! The run: load inputs, build the model, run every enabled rule's check, sort findings.

pub mod config;
pub mod finding;
pub mod located;
pub mod params;
pub mod registry;
pub mod rule;

use crate::model::ModelSet;
use crate::source::{self, LoadOptions, Loaded};
pub use finding::{Finding, Hit, Severity};
pub use located::LocatedError;
pub use rule::RuleDef;
use serde::Serialize;
use std::path::PathBuf;

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
    pub paths: Vec<String>,
    pub config: ConfigChoice,
    pub load: LoadOptions,
    /// Run only these rules (ids), when given.
    pub select: Option<Vec<String>>,
    /// Never run these rules.
    pub ignore: Vec<String>,
    /// Standard input already read (tests); read lazily when `-` is given otherwise.
    pub stdin: Option<Vec<u8>>,
}

impl CheckRequest {
    pub fn new(paths: Vec<String>) -> Self {
        CheckRequest {
            paths,
            config: ConfigChoice::None,
            load: LoadOptions::default(),
            select: None,
            ignore: Vec::new(),
            stdin: None,
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
}

/// Everything a report needs.
pub struct Outcome {
    pub files: Vec<Loaded>,
    pub findings: Vec<Finding>,
    pub summary: Summary,
    /// Things worth telling the user that are not findings (skipped paths).
    pub notes: Vec<String>,
    pub rules: Vec<RuleDef>,
    pub config: config::Config,
}

/// Why skinflint could not do its job (exit code 2).
#[derive(Debug)]
pub enum ToolError {
    PathNotFound(String),
    Config(LocatedError),
    Rules(LocatedError),
    UnknownRule(String),
    NoInput,
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
            r.enabled = sel.contains(&r.id);
        }
        if req.ignore.contains(&r.id) {
            r.enabled = false;
        }
    }
    let (inputs, notes) = source::discover(&req.paths).map_err(|e| ToolError::PathNotFound(e.0))?;
    let files = source::load_all(&inputs, req.load, req.stdin.clone());
    let (findings, summary) = {
        let model = ModelSet::build(&files);
        let mut findings = Vec::new();
        for rule in rules.iter().filter(|r| r.enabled) {
            let Some(check) = crate::checks::lookup(&rule.check) else {
                continue;
            };
            let ctx = crate::checks::CheckCtx {
                model: &model,
                params: &rule.params,
                rule,
            };
            for hit in check(&ctx) {
                findings.push(to_finding(rule, &model, hit));
            }
        }
        sort_findings(&mut findings, &files);
        let mut summary = Summary {
            files: files.len(),
            resources: model.resources.len(),
            skipped_resources: model.skipped,
            findings: findings.len(),
            ..Summary::default()
        };
        for f in &findings {
            match f.severity {
                Severity::Error => summary.error += 1,
                Severity::Warning => summary.warning += 1,
                Severity::Info => summary.info += 1,
            }
        }
        (findings, summary)
    };
    Ok(Outcome {
        files,
        findings,
        summary,
        notes,
        rules,
        config: cfg,
    })
}

fn to_finding(rule: &RuleDef, model: &ModelSet, hit: Hit) -> Finding {
    let severity = match (hit.gpu, rule.gpu_severity) {
        (true, Some(s)) => s,
        _ => rule.severity,
    };
    Finding {
        rule: rule.id.clone(),
        severity,
        message: hit.message,
        help: hit.help.unwrap_or_else(|| rule.docs.fix.clone()),
        file: hit.file,
        span: hit.span,
        resource: hit
            .resource
            .and_then(|i| model.resources.get(i))
            .map(|r| r.id.clone()),
        savings_usd_month: hit.savings_usd_month,
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
