//! Findings: what a rule reports, where, and what it may cost.

use crate::model::ResourceRef;
use serde::Serialize;
use std::ops::Range;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "error" => Some(Severity::Error),
            "warning" => Some(Severity::Warning),
            "info" => Some(Severity::Info),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// What a check reports, before the engine attaches the rule's id and severity.
#[derive(Debug, Clone)]
pub struct Hit {
    pub file: usize,
    pub span: Range<usize>,
    /// Index into the model's resources, when the hit is about one.
    pub resource: Option<usize>,
    pub message: String,
    /// Specific advice; the rule's `fix` text is used when absent.
    pub help: Option<String>,
    /// The hit concerns GPU or accelerator capacity (selects the rule's `gpu-severity`).
    pub gpu: bool,
    pub savings_usd_month: Option<f64>,
    /// The evidence is thin (a short profile): reported at `info` whatever the rule's
    /// severity, so a guess never fails a build.
    pub low_confidence: bool,
}

impl Hit {
    pub fn new(file: usize, span: Range<usize>, message: impl Into<String>) -> Self {
        Hit {
            file,
            span,
            resource: None,
            message: message.into(),
            help: None,
            gpu: false,
            savings_usd_month: None,
            low_confidence: false,
        }
    }

    pub fn resource(mut self, index: usize) -> Self {
        self.resource = Some(index);
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn gpu(mut self, gpu: bool) -> Self {
        self.gpu = gpu;
        self
    }

    pub fn low_confidence(mut self, low: bool) -> Self {
        self.low_confidence = low;
        self
    }
}

/// A finding as reported.
#[derive(Debug, Clone)]
pub struct Finding {
    pub rule: String,
    pub severity: Severity,
    pub message: String,
    /// Shared by the findings of a rule that use its general advice.
    pub help: std::sync::Arc<str>,
    pub file: usize,
    pub span: Range<usize>,
    pub resource: Option<ResourceRef>,
    /// Index of the resource in the model, for resource-scoped suppressions.
    pub resource_index: Option<usize>,
    pub savings_usd_month: Option<f64>,
    /// Stable identity (rule, resource, cluster, file, field path) for baselines, SARIF
    /// and change comparison.
    pub fingerprint: String,
    /// The identity baseline format 1 recorded, so old baselines keep matching.
    pub legacy_fingerprint: String,
    /// The cluster of the finding's file (`clusters:`); None for shared files.
    pub cluster: Option<String>,
}
