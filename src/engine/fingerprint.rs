//! Stable finding identities for baselines, SARIF `partialFingerprints` and change
//! comparison. A finding about a resource is identified by its rule, the resource (API
//! group, kind, namespace, name), the cluster scope, the repository-relative file and
//! the field path of the finding: never line numbers or document order, so reordering
//! resources, edits elsewhere in the file and same-named resources in other files (a
//! copied environment) leave it unchanged.
//!
//! The API group rather than the full `apiVersion` is used because Kubernetes identifies
//! an object by group, kind, namespace and name; the version is only a representation,
//! and migrating `karpenter.sh/v1beta1` to `karpenter.sh/v1` must not turn every finding
//! on the pool into a new one.

use crate::model::Resource;
use crate::source::NodeRef;

/// Most levels followed when building a field path.
const MAX_PATH_DEPTH: usize = 64;

/// One step of a field path.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    Key(String),
    /// A list item: its identifying field (`name` or `key`) and value when it has one,
    /// and its index.
    Item(Option<(&'static str, String)>, usize),
}

fn steps(root: NodeRef<'_>, offset: usize) -> Vec<Step> {
    let inside = |s: std::ops::Range<usize>| s.start <= offset && offset < s.end.max(s.start + 1);
    let mut out = Vec::new();
    let mut cur = root;
    for _ in 0..MAX_PATH_DEPTH {
        let mut next = None;
        if let Some(entries) = cur.entries() {
            for (k, v) in entries {
                if inside(v.key_span()) {
                    out.push(Step::Key(k.to_string()));
                    return out;
                }
                if inside(v.span()) {
                    out.push(Step::Key(k.to_string()));
                    next = Some(v);
                    break;
                }
            }
        } else if let Some(items) = cur.items() {
            for (i, item) in items.enumerate() {
                if inside(item.span()) {
                    let label = ["name", "key"].iter().find_map(|k| {
                        item.get(k)
                            .and_then(|n| n.as_str())
                            .map(|v| (*k, v.to_string()))
                    });
                    out.push(Step::Item(label, i));
                    next = Some(item);
                    break;
                }
            }
        }
        match next {
            Some(v) => cur = v,
            None => return out,
        }
    }
    out
}

/// The field path from a resource's root to the node at `offset`, such as
/// `.spec.template.spec.containers[name=app].resources`. List items are named by their
/// `name` or `key` field when they have one, so reordering a list does not change the
/// path; others by index.
pub fn field_path(root: NodeRef<'_>, offset: usize) -> String {
    render_path(root, offset, |field, value| format!("[{field}={value}]"))
}

/// The field path as fingerprints of baseline format 1 wrote it (`[value]` for named
/// list items), so old baselines still match.
fn legacy_field_path(root: NodeRef<'_>, offset: usize) -> String {
    render_path(root, offset, |_, value| format!("[{value}]"))
}

/// The steps to `offset` as text, with `named` writing a list item known by a field.
fn render_path(root: NodeRef<'_>, offset: usize, named: impl Fn(&str, &str) -> String) -> String {
    let mut path = String::new();
    for s in steps(root, offset) {
        match s {
            Step::Key(k) => {
                path.push('.');
                path.push_str(&k);
            }
            Step::Item(Some((field, value)), _) => path.push_str(&named(field, &value)),
            Step::Item(None, i) => path.push_str(&format!("[{i}]")),
        }
    }
    path
}

/// 64-bit FNV-1a, as 16 hex digits: stable across runs, platforms and releases.
pub fn stable_hash(text: &str) -> String {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in text.as_bytes() {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x100000001b3);
    }
    format!("{h:016x}")
}

/// A finding's fingerprint, and the one baseline format 1 recorded for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprints {
    pub current: String,
    pub legacy: String,
}

fn group(api_version: &str) -> &str {
    api_version.rsplit_once('/').map_or("", |(g, _)| g)
}

/// The fingerprint of a finding about a resource. `path` is the repository-relative file
/// path; `cluster` the cluster scope the resource belongs to, when the run knows one.
pub fn for_resource(
    rule: &str,
    r: &Resource<'_>,
    offset: usize,
    path: &str,
    cluster: Option<&str>,
) -> Fingerprints {
    let group = group(&r.id.api_version);
    let ns = r.id.namespace.as_deref().unwrap_or("");
    let name = r.id.name.as_deref().unwrap_or("");
    let current = format!(
        "2|{rule}|{group}|{}|{ns}|{name}|{}|{path}|{}",
        r.id.kind,
        cluster.unwrap_or(""),
        field_path(r.root, offset)
    );
    let legacy = format!(
        "{rule}|{group}/{}|{ns}|{name}|{}",
        r.id.kind,
        legacy_field_path(r.root, offset)
    );
    Fingerprints {
        current: stable_hash(&current),
        legacy: stable_hash(&legacy),
    }
}

/// The fingerprint of a finding about a file rather than a resource: the rule, the
/// cluster scope, the repository-relative path and the message without its numbers
/// (which are often line numbers), so edits elsewhere in the file do not change it.
pub fn for_file(rule: &str, path: &str, message: &str, cluster: Option<&str>) -> Fingerprints {
    let shape: String = message.chars().filter(|c| !c.is_ascii_digit()).collect();
    let legacy = stable_hash(&format!("{rule}|{path}|{shape}"));
    let current = match cluster {
        None => legacy.clone(),
        Some(c) => stable_hash(&format!("2|{rule}|{c}|{path}|{shape}")),
    };
    Fingerprints { current, legacy }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{yaml, Limits};

    #[test]
    fn paths_name_list_items_by_key() {
        let src = "spec:\n  requirements:\n    - key: a\n      values: [x]\n    - key: b\n      values: [y, z]\n";
        let p = yaml::parse(src, Limits::default());
        let root = NodeRef::root(&p.documents[0]).unwrap();
        let at = src.find('z').unwrap();
        assert_eq!(field_path(root, at), ".spec.requirements[key=b].values[1]");
        assert_eq!(
            legacy_field_path(root, at),
            ".spec.requirements[b].values[1]"
        );
        assert_eq!(field_path(root, 0), ".spec");
        assert_eq!(stable_hash("x"), stable_hash("x"));
        assert_ne!(stable_hash("x"), stable_hash("y"));
    }
}
