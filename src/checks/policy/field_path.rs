//! Field paths of the pattern policies: `spec.template.spec.containers.*.image`, keys
//! separated by dots, `*` for every item of a list (or value of a mapping), and a key
//! holding dots quoted: `metadata.labels."app.kubernetes.io/name"`.

use crate::source::NodeRef;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Key(String),
    Each,
}

/// A parsed field path (a `string` parameter, read into this when the rules load).
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(try_from = "String")]
pub struct FieldPath {
    segments: Vec<Segment>,
}

impl TryFrom<String> for FieldPath {
    type Error = String;
    fn try_from(text: String) -> Result<Self, String> {
        let mut segments = Vec::new();
        let mut rest = text.as_str();
        loop {
            let (segment, after) = if let Some(q) = rest.strip_prefix('"') {
                let end = q
                    .find('"')
                    .ok_or_else(|| format!("field path `{text}`: a quoted key is never closed"))?;
                (Segment::Key(q[..end].to_string()), &q[end + 1..])
            } else {
                let end = rest.find('.').unwrap_or(rest.len());
                let key = &rest[..end];
                if key.is_empty() {
                    return Err(format!(
                        "field path `{text}` has an empty key (write keys separated by single dots)"
                    ));
                }
                let seg = if key == "*" {
                    Segment::Each
                } else {
                    Segment::Key(key.to_string())
                };
                (seg, &rest[end..])
            };
            segments.push(segment);
            if after.is_empty() {
                break;
            }
            rest = after
                .strip_prefix('.')
                .ok_or_else(|| format!("field path `{text}`: expected `.` after a quoted key"))?;
        }
        Ok(FieldPath { segments })
    }
}

/// What a walk along a path reached.
pub enum Reached<'a> {
    /// A value at the path, with its concrete path (`spec.containers[1].image`).
    Value(NodeRef<'a>, String),
    /// The path stops short: `parent` (at its concrete path) has no `missing`.
    Missing {
        parent: NodeRef<'a>,
        at: String,
        missing: String,
    },
}

impl FieldPath {
    /// Every value at the path under `root`, and every place it stops short.
    pub fn walk<'a>(&self, root: NodeRef<'a>) -> Vec<Reached<'a>> {
        let mut out = Vec::new();
        let mut frontier = vec![(root, String::new())];
        for (i, seg) in self.segments.iter().enumerate() {
            let mut next = Vec::new();
            for (node, at) in frontier {
                match seg {
                    Segment::Key(k) => match node.get(k) {
                        Some(child) => next.push((child, join(&at, k))),
                        None => out.push(Reached::Missing {
                            parent: node,
                            at,
                            missing: self.text_from(i),
                        }),
                    },
                    Segment::Each => {
                        if let Some(items) = node.items() {
                            next.extend(items.enumerate().map(|(n, c)| (c, format!("{at}[{n}]"))));
                        } else if let Some(entries) = node.entries() {
                            next.extend(entries.map(|(k, c)| (c, join(&at, k))));
                        } else {
                            out.push(Reached::Missing {
                                parent: node,
                                at,
                                missing: self.text_from(i),
                            });
                        }
                    }
                }
            }
            frontier = next;
        }
        out.extend(frontier.into_iter().map(|(n, at)| Reached::Value(n, at)));
        out
    }

    /// The path from segment `i` on, as written.
    fn text_from(&self, i: usize) -> String {
        self.segments[i..]
            .iter()
            .map(|s| match s {
                Segment::Each => "*".to_string(),
                Segment::Key(k) if k.contains('.') => format!("\"{k}\""),
                Segment::Key(k) => k.clone(),
            })
            .collect::<Vec<_>>()
            .join(".")
    }
}

fn join(at: &str, key: &str) -> String {
    let key = if key.contains('.') {
        format!("\"{key}\"")
    } else {
        key.to_string()
    };
    if at.is_empty() {
        key
    } else {
        format!("{at}.{key}")
    }
}

/// Where to report a place the path stops short: the parent's key, or for the document
/// itself its `kind`.
pub fn missing_span(parent: NodeRef<'_>, at: &str) -> std::ops::Range<usize> {
    if at.is_empty() {
        return parent
            .get("kind")
            .map(|k| k.key_span())
            .unwrap_or_else(|| parent.span().start..parent.span().start);
    }
    parent.key_span()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_parse_with_wildcards_and_quoted_keys() {
        let p = FieldPath::try_from("spec.containers.*.image".to_string()).unwrap();
        assert_eq!(p.segments.len(), 4);
        assert_eq!(p.segments[2], Segment::Each);
        let q =
            FieldPath::try_from("metadata.labels.\"app.kubernetes.io/name\"".to_string()).unwrap();
        assert_eq!(
            q.segments[2],
            Segment::Key("app.kubernetes.io/name".to_string())
        );
        for bad in ["", "a..b", "a.\"b", "a.\"b\"c", ".a"] {
            assert!(FieldPath::try_from(bad.to_string()).is_err(), "{bad}");
        }
    }
}
