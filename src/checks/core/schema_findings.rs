//! What `unknown-field` and `schema-violation` share: every resource with a built-in
//! schema (and every pod template of the kinds that nest them, and every plain Prometheus
//! rule file) validated, each violation located, minus those another rule already
//! reports at the same place.
//!
//! Ownership, so that one mistake gives one finding: `invalid-nodepool-field` keeps the
//! node pool values it explains per API version (a TTL as a string, a policy from another
//! version, limits or `expireAfter` in another version's place), `deprecated-karpenter-api`
//! keeps `nodeClassRef.apiVersion` in v1, and `invalid-rule-structure` keeps what it
//! reports in rule files. A schema violation on a line where one of those rules reports
//! is left to it.

use crate::checks::alerts::invalid_rule_structure;
use crate::checks::karpenter::{deprecated_karpenter_api, invalid_nodepool_field};
use crate::checks::CheckCtx;
use crate::model::pod_templates;
use crate::schema::{embedded, validate, Violation, ViolationKind};
use crate::source::NodeRef;
use std::collections::HashSet;

/// One violation, with what it belongs to.
pub struct Found {
    pub file: usize,
    /// Index into the model's resources; None for a plain rule file.
    pub resource: Option<usize>,
    /// `apiVersion` and `kind` of the resource (empty for a rule file).
    pub api_version: String,
    pub kind: String,
    /// How messages name the object: "NodePool `gpu`", "rule file".
    pub subject: String,
    /// Where the validated node sits, for messages ("" for a whole resource).
    pub within: String,
    pub violation: Violation,
}

impl Found {
    /// The dotted path of the violation's parent object (`spec.template.spec`), or of the
    /// value itself with `own`.
    pub fn path(&self, own: bool) -> String {
        let mut segs: Vec<&str> = self.violation.instance_path.split('/').skip(1).collect();
        if !own {
            segs.pop();
        }
        let mut out = String::new();
        for s in segs {
            if s.parse::<usize>().is_ok() {
                out.push_str(&format!("[{s}]"));
            } else {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(&s.replace("~1", "/").replace("~0", "~"));
            }
        }
        out
    }

    /// Whether a Prometheus rule file or PrometheusRule (Prometheus reads those; the API
    /// server only stores PrometheusRule).
    pub fn is_rule_file(&self) -> bool {
        self.resource.is_none()
    }
}

/// Every schema violation in the model that no other rule reports at the same place.
pub fn found(ctx: &CheckCtx) -> Vec<Found> {
    let model = ctx.model;
    let mut out = Vec::new();
    for (ri, r) in model.resources.iter().enumerate() {
        let subject = format!(
            "{} `{}`",
            r.id.kind,
            r.id.name.as_deref().unwrap_or("<unnamed>")
        );
        let mut push = |node: NodeRef<'_>, within: String, v: &crate::schema::Validator| {
            for violation in validate(v, node) {
                out.push(Found {
                    file: r.file,
                    resource: Some(ri),
                    api_version: r.id.api_version.clone(),
                    kind: r.id.kind.clone(),
                    subject: subject.clone(),
                    within: within.clone(),
                    violation,
                });
            }
        };
        if let Some(v) = embedded::for_resource(&r.id.api_version, &r.id.kind) {
            push(r.root, String::new(), v);
        } else if let Some(kind) = pod_templates::kind_of(&r.id.api_version, &r.id.kind) {
            let (Some(spec), Some(v)) = (
                r.root.get("spec"),
                embedded::validator(embedded::POD_TEMPLATE),
            ) else {
                continue;
            };
            let name = r.id.name.as_deref().unwrap_or_default();
            for t in pod_templates::templates(kind, name, spec) {
                if let Some(template) = t.template {
                    push(template, format!("the pod template of {}", t.shown), v);
                }
            }
        }
    }
    if let Some(v) = embedded::validator(embedded::RULE_FILE) {
        for s in model.rule_sources.iter().filter(|s| s.resource.is_none()) {
            for violation in validate(v, s.container) {
                out.push(Found {
                    file: s.file,
                    resource: None,
                    api_version: String::new(),
                    kind: String::new(),
                    subject: "rule file".to_string(),
                    within: String::new(),
                    violation,
                });
            }
        }
    }
    if out.is_empty() {
        return out;
    }
    let owned = owned_elsewhere(ctx);
    let line = |file: usize, offset: usize| model.files[file].file.line_col(offset).line;
    out.retain(|f| !owned.contains(&(f.file, line(f.file, f.violation.span.start))));
    out.retain(|f| !is_placeholder(model, f));
    out.retain(|f| !is_required(f) || reported_required(f, &model.files[f.file].file.path));
    out
}

/// A bad value that is a placeholder a script or template engine substitutes before the
/// file is applied (`${GPUS}`, `{{ .Values.x }}`, `<<AMI_ID>>`, `<your-role>`,
/// `PLACEHOLDER_NUM_GPU`): the file is a template, not the manifest that is applied.
fn is_placeholder(model: &crate::model::ModelSet, f: &Found) -> bool {
    if matches!(f.violation.kind, ViolationKind::UnknownField { .. }) {
        return false;
    }
    let text = &model.files[f.file].file.text;
    let Some(value) = text.get(f.violation.span.clone()) else {
        return false;
    };
    let value = value.trim_matches(|c| c == '"' || c == '\'');
    value.contains("${")
        || value.contains("{{")
        || value.contains("<<")
        || value.to_ascii_uppercase().contains("PLACEHOLDER")
        || (value.starts_with('<') && value.ends_with('>'))
        || (value.starts_with('$')
            && value.len() > 1
            && value[1..]
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_'))
}

fn is_required(f: &Found) -> bool {
    matches!(f.violation.kind, ViolationKind::Required { .. })
}

/// Whether a missing required field is reported: only inside list items (a container
/// without `name`, a requirement without `operator`, a metric without `target`), where a
/// forgotten key is a mistake. A whole section missing (`selector`, `template`,
/// `nodeClassRef`) is how documentation snippets and kustomize patches are written, and
/// nothing in a file tells them from a complete manifest; a file that a kustomization
/// beside it names is a patch and never reported.
fn reported_required(f: &Found, path: &str) -> bool {
    let in_item = f
        .violation
        .instance_path
        .split('/')
        .any(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()));
    in_item && !is_kustomize_patch(path)
}

/// Lines where the rules that own a problem (see the module documentation) report.
fn owned_elsewhere(ctx: &CheckCtx) -> HashSet<(usize, usize)> {
    let model = ctx.model;
    let mut hits = invalid_nodepool_field::run(ctx);
    hits.extend(deprecated_karpenter_api::run(ctx));
    hits.extend(invalid_rule_structure::structure_problems(model));
    hits.into_iter()
        .map(|h| (h.file, model.files[h.file].file.line_col(h.span.start).line))
        .collect()
}

/// Whether a kustomization beside the file names it: a patch carries only the fields it
/// changes, so a missing required field is not a mistake there.
fn is_kustomize_patch(path: &str) -> bool {
    let path = std::path::Path::new(path);
    let (Some(dir), Some(name)) = (path.parent(), path.file_name().and_then(|n| n.to_str())) else {
        return false;
    };
    ["kustomization.yaml", "kustomization.yml", "Kustomization"]
        .iter()
        .filter_map(|k| std::fs::read_to_string(dir.join(k)).ok())
        .any(|text| text.contains(name))
}
