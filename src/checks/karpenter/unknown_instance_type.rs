//! `unknown-instance-type`: a requirement value that names no real instance type,
//! family, category or GPU. `In` then silently matches nothing (pods stay Pending or land
//! elsewhere); `NotIn` silently excludes nothing.

use super::pool_hit;
use crate::catalog::names::{self, NameKind};
use crate::catalog::requirements::canonical_key;
use crate::checks::CheckCtx;
use crate::rule::Hit;

/// The parameters, declared with their defaults in the rule file.
#[derive(serde::Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Params {
    extra_names: Vec<String>,
}

pub fn run(ctx: &CheckCtx) -> Vec<Hit> {
    let Some(p) = crate::checks::params::<Params>(ctx) else {
        return Vec::new();
    };
    let extra = p.extra_names;
    let mut hits = Vec::new();
    for pool in &ctx.model.node_pools {
        for r in &pool.requirements {
            if r.operator != "In" && r.operator != "NotIn" {
                continue;
            }
            let key = canonical_key(&r.key);
            let (kind, what, known): (NameKind, &str, fn(&str) -> bool) = match key.as_ref() {
                "node.kubernetes.io/instance-type" | "beta.kubernetes.io/instance-type" => (
                    NameKind::InstanceType,
                    "instance type",
                    names::is_known_instance_type,
                ),
                "karpenter.k8s.aws/instance-family" => {
                    (NameKind::Family, "instance family", names::is_known_family)
                }
                "karpenter.k8s.aws/instance-category" => (
                    NameKind::Category,
                    "instance category",
                    names::is_known_category,
                ),
                "karpenter.k8s.aws/instance-gpu-name" => {
                    (NameKind::GpuName, "GPU name", names::is_known_gpu_name)
                }
                _ => continue,
            };
            for v in &r.values {
                if known(&v.value) || extra.contains(&v.value) {
                    continue;
                }
                let effect = if r.operator == "In" {
                    "matches no instance, so this entry allows nothing"
                } else {
                    "excludes nothing"
                };
                let suggestions: Vec<String> = names::closest(&v.value, kind)
                    .iter()
                    .map(|s| format!("`{s}`"))
                    .collect();
                let alternatives = suggestions.join(" or ");
                let message = format!(
                    "`{}` is not a known {what} ({effect}) in node pool `{}`{}",
                    v.value,
                    pool.name,
                    if suggestions.is_empty() {
                        String::new()
                    } else {
                        format!("; did you mean {alternatives}?")
                    }
                );
                let help = if suggestions.is_empty() {
                    format!(
                        "use a {what} that AWS offers; if `{}` is newer than skinflint's list, add it to this rule's `extra-names` in .skinflint.yaml",
                        v.value
                    )
                } else {
                    format!(
                        "replace `{}` with {alternatives} (or, if it is real but newer than skinflint's list, add it to this rule's `extra-names`)",
                        v.value
                    )
                };
                hits.push(pool_hit(pool, v.node.span(), message).help(help));
            }
        }
    }
    hits
}
