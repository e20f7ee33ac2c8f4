//! Stable finding identities for baselines and SARIF `partialFingerprints`: the rule, the
//! resource (API group, kind, namespace, name) and the field path of the finding, never
//! line numbers, so unrelated edits above a finding do not change it.

use crate::model::Resource;
use crate::source::NodeRef;

/// Most levels followed when building a field path.
const MAX_PATH_DEPTH: usize = 64;

/// The field path from a resource's root to the node at `offset`, such as
/// `.spec.template.spec.requirements[karpenter.sh/capacity-type].values[0]`. List items
/// are named by their `name` or `key` field when they have one, so reordering a list
/// does not change the path.
pub fn field_path(root: NodeRef<'_>, offset: usize) -> String {
    let mut path = String::new();
    let mut cur = root;
    for _ in 0..MAX_PATH_DEPTH {
        if let Some(entries) = cur.entries() {
            let mut next = None;
            for (k, v) in entries {
                let ks = v.key_span();
                if ks.start <= offset && offset < ks.end.max(ks.start + 1) {
                    path.push('.');
                    path.push_str(k);
                    return path;
                }
                let vs = v.span();
                if vs.start <= offset && offset < vs.end.max(vs.start + 1) {
                    path.push('.');
                    path.push_str(k);
                    next = Some(v);
                    break;
                }
            }
            match next {
                Some(v) => cur = v,
                None => return path,
            }
        } else if let Some(items) = cur.items() {
            let mut next = None;
            for (i, item) in items.enumerate() {
                let s = item.span();
                if s.start <= offset && offset < s.end.max(s.start + 1) {
                    let label = ["name", "key"]
                        .iter()
                        .find_map(|k| item.get(k).and_then(|n| n.as_str()).map(str::to_string))
                        .unwrap_or_else(|| i.to_string());
                    path.push_str(&format!("[{label}]"));
                    next = Some(item);
                    break;
                }
            }
            match next {
                Some(v) => cur = v,
                None => return path,
            }
        } else {
            return path;
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

/// The fingerprint of a finding about a resource.
pub fn for_resource(rule: &str, r: &Resource<'_>, offset: usize) -> String {
    let group = r.id.api_version.rsplit_once('/').map_or("", |(g, _)| g);
    let key = format!(
        "{rule}|{group}/{}|{}|{}|{}",
        r.id.kind,
        r.id.namespace.as_deref().unwrap_or(""),
        r.id.name.as_deref().unwrap_or(""),
        field_path(r.root, offset)
    );
    stable_hash(&key)
}

/// The fingerprint of a finding about a file rather than a resource: the rule, the
/// repository-relative path and the message without its numbers (which are often line
/// numbers), so edits elsewhere in the file do not change it.
pub fn for_file(rule: &str, path: &str, message: &str) -> String {
    let shape: String = message.chars().filter(|c| !c.is_ascii_digit()).collect();
    stable_hash(&format!("{rule}|{path}|{shape}"))
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
        assert_eq!(field_path(root, at), ".spec.requirements[b].values[1]");
        assert_eq!(field_path(root, 0), ".spec");
        assert_eq!(stable_hash("x"), stable_hash("x"));
        assert_ne!(stable_hash("x"), stable_hash("y"));
    }
}
