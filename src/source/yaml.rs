//! A small arena tree over the YAML pull parser, with a byte span on every node.
//!
//! Built iteratively (no recursion), so deep nesting cannot overflow the stack. Aliases stay
//! references to their anchored node and are never expanded, so an alias bomb costs one node
//! per alias. Every duplicate mapping key is reported with both spans and parsing goes on.
//! Documents parsed before a syntax error are kept.

use granit_parser::{Event, Parser, ScalarStyle};
use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

/// Index of a node inside its [`Document`].
pub type NodeId = u32;

/// Limits that bound the time and memory one input may cost.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Deepest nesting of collections accepted.
    pub max_depth: usize,
    /// Most nodes (scalars, collections, aliases) one input may hold across its documents.
    pub max_nodes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 256,
            max_nodes: 4_000_000,
        }
    }
}

/// How a scalar was written; Kubernetes reads plain scalars with YAML 1.1 rules only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Plain,
    Quoted,
    Block,
}

/// What a node is. Collections keep their children in [`Document::children`]; scalars keep
/// their text in [`Document::text`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Scalar,
    Seq,
    Map,
    /// Reference to an earlier anchored node in the same document (`a`).
    Alias,
}

/// One node in 16 bytes: documents are kept while checks run, so their size is most of
/// what a large run holds in memory.
#[derive(Debug, Clone, Copy)]
struct Node {
    /// Byte range in the source text.
    start: u32,
    end: u32,
    /// Scalar: offset of its text in the source (`in_source`) or in [`Document::text`];
    /// Seq, Map: first child in [`Document::children`]; Alias: the anchored node.
    a: u32,
    /// The low [`COUNT_BITS`] bits: a scalar's text length, a sequence's item count, a
    /// mapping's entry count (keys and values alternate). Above them: the kind (2 bits),
    /// the scalar style (2 bits), whether the scalar has an explicit tag (in
    /// [`Document::tags`]) and whether its text is the source's own bytes (a plain scalar
    /// on one line, a quoted one without escapes: most are, and they are not copied).
    packed: u32,
}

/// Bits of [`Node::packed`] that hold a length or count: scalars of 64 MiB or more are
/// refused (no manifest holds one), and counts stay below the node limit.
const COUNT_BITS: u32 = 26;
const COUNT_MASK: u32 = (1 << COUNT_BITS) - 1;
/// For a mapping (in the bits a scalar keeps its style in): every value is the node right
/// after its key, so only the keys are stored in [`Document::children`].
const KEYS_ONLY: u32 = 1 << (COUNT_BITS + 2);
const TAGGED: u32 = 1 << 30;
const IN_SOURCE: u32 = 1 << 31;

impl Node {
    fn span(&self) -> Range<usize> {
        self.start as usize..self.end as usize
    }

    fn b(&self) -> u32 {
        self.packed & COUNT_MASK
    }

    fn kind(&self) -> Kind {
        match (self.packed >> COUNT_BITS) & 3 {
            0 => Kind::Scalar,
            1 => Kind::Seq,
            2 => Kind::Map,
            _ => Kind::Alias,
        }
    }

    fn style(&self) -> Style {
        match (self.packed >> (COUNT_BITS + 2)) & 3 {
            0 => Style::Plain,
            1 => Style::Quoted,
            _ => Style::Block,
        }
    }

    fn keys_only(&self) -> bool {
        self.kind() == Kind::Map && self.packed & KEYS_ONLY != 0
    }

    fn tagged(&self) -> bool {
        self.packed & TAGGED != 0
    }

    fn in_source(&self) -> bool {
        self.packed & IN_SOURCE != 0
    }

    fn new(kind: Kind, span: Range<usize>) -> Node {
        let kind = match kind {
            Kind::Scalar => 0,
            Kind::Seq => 1,
            Kind::Map => 2,
            Kind::Alias => 3,
        };
        Node {
            start: span.start as u32,
            end: span.end as u32,
            a: 0,
            packed: kind << COUNT_BITS,
        }
    }

    /// Set the length or count (callers keep it under [`COUNT_MASK`]).
    fn set_b(&mut self, b: u32) {
        self.packed = (self.packed & !COUNT_MASK) | (b & COUNT_MASK);
    }

    fn set_scalar(&mut self, style: Style, tagged: bool, in_source: bool) {
        let style = match style {
            Style::Plain => 0,
            Style::Quoted => 1,
            Style::Block => 2,
        };
        self.packed |= style << (COUNT_BITS + 2);
        if tagged {
            self.packed |= TAGGED;
        }
        if in_source {
            self.packed |= IN_SOURCE;
        }
    }
}

/// One YAML document of a stream, in three flat arrays rather than a tree of allocations.
#[derive(Debug, Clone, Default)]
pub struct Document {
    nodes: Vec<Node>,
    /// Children of every collection, each collection's contiguous: a sequence's items, a
    /// mapping's keys and values alternating.
    children: Vec<NodeId>,
    /// The text of scalars that differ from their source bytes (escapes, folded lines,
    /// block scalars), one after the other.
    text: String,
    /// The input the document was parsed from, shared with its [`super::SourceFile`].
    source: Arc<str>,
    /// Explicit tags of scalars, ascending by node.
    tags: Vec<(NodeId, Box<str>)>,
    pub root: Option<NodeId>,
}

impl Document {
    /// How many nodes the document holds (aliases count one each).
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// Byte ranges of the quoted and block scalars, in document order.
    pub fn quoted_scalar_spans(&self) -> impl Iterator<Item = Range<usize>> + '_ {
        self.nodes
            .iter()
            .filter(|n| n.kind() == Kind::Scalar && n.style() != Style::Plain)
            .map(Node::span)
    }

    fn scalar_text(&self, n: &Node) -> &str {
        let range = n.a as usize..n.a as usize + n.b() as usize;
        let text = if n.in_source() {
            &*self.source
        } else {
            &self.text
        };
        text.get(range).unwrap_or("")
    }

    fn tag(&self, id: NodeId) -> Option<&str> {
        let i = self.tags.binary_search_by_key(&id, |(n, _)| *n).ok()?;
        Some(&self.tags[i].1)
    }

    fn kids(&self, n: &Node) -> &[NodeId] {
        let len = match n.kind() {
            Kind::Seq => n.b() as usize,
            Kind::Map if n.keys_only() => n.b() as usize,
            Kind::Map => 2 * n.b() as usize,
            _ => 0,
        };
        self.children
            .get(n.a as usize..n.a as usize + len)
            .unwrap_or(&[])
    }

    /// A mapping's (key, value) pairs.
    fn pairs(&self, id: NodeId) -> impl Iterator<Item = (NodeId, NodeId)> + '_ {
        let n = &self.nodes[id as usize];
        let (kids, step) = match n.kind() {
            Kind::Map if n.keys_only() => (self.kids(n), 1),
            Kind::Map => (self.kids(n), 2),
            _ => (&[][..], 2),
        };
        kids.chunks_exact(step).map(move |c| {
            if step == 1 {
                (c[0], c[0] + 1)
            } else {
                (c[0], c[1])
            }
        })
    }

    /// The text of a scalar node, None for anything else.
    fn key_text(&self, id: NodeId) -> Option<&str> {
        let n = &self.nodes[id as usize];
        (n.kind() == Kind::Scalar).then(|| self.scalar_text(n))
    }
}

/// A problem found while parsing: a syntax error, a duplicate key or an exceeded limit.
#[derive(Debug, Clone)]
pub struct YamlProblem {
    pub span: Range<usize>,
    pub message: String,
    pub kind: ProblemKind,
}

/// What kind of problem a [`YamlProblem`] is, for callers that explain it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProblemKind {
    Syntax,
    /// A key repeated in one mapping; `first` is where it was first defined.
    DuplicateKey {
        first: Range<usize>,
    },
    /// Collections nested deeper than [`Limits::max_depth`] (or the parser's own limit).
    TooDeep,
    UnknownAlias,
    /// More nodes than [`Limits::max_nodes`].
    TooManyNodes,
}

/// What parsing one input produced.
#[derive(Debug, Default)]
pub struct Parsed {
    pub documents: Vec<Document>,
    pub problems: Vec<YamlProblem>,
}

/// A collection being built: its children wait here until it closes, then move to
/// [`Document::children`] in one piece.
struct Frame {
    id: NodeId,
    is_map: bool,
    /// Items, or keys and values alternating.
    kids: Vec<NodeId>,
}

struct Builder {
    doc: Document,
    stack: Vec<Frame>,
    anchors: HashMap<usize, NodeId>,
    problems: Vec<YamlProblem>,
    /// Between a document's start and end events.
    in_document: bool,
}

impl Builder {
    fn new() -> Self {
        Builder {
            doc: Document::default(),
            stack: Vec::new(),
            anchors: HashMap::new(),
            problems: Vec::new(),
            in_document: false,
        }
    }

    fn push_node(&mut self, kind: Kind, span: Range<usize>, anchor: usize) -> NodeId {
        let id = self.doc.nodes.len() as NodeId;
        self.doc.nodes.push(Node::new(kind, span));
        if anchor != 0 {
            self.anchors.insert(anchor, id);
        }
        id
    }

    /// Attach a finished node to the collection being built, or make it the root.
    fn attach(&mut self, id: NodeId) {
        match self.stack.last_mut() {
            None => self.doc.root = Some(id),
            Some(frame) => frame.kids.push(id),
        }
    }

    fn close(&mut self, end: usize) {
        let Some(mut frame) = self.stack.pop() else {
            return;
        };
        if frame.is_map {
            // A key without its value (only after an error) is dropped.
            if frame.kids.len() % 2 == 1 {
                frame.kids.pop();
            }
            self.report_duplicates(&frame.kids);
        }
        let first = self.doc.children.len() as u32;
        // A key that is one node (a scalar, an alias) has its value right after it.
        let keys_only = frame.is_map && frame.kids.chunks_exact(2).all(|kv| kv[1] == kv[0] + 1);
        if keys_only {
            self.doc.children.extend(frame.kids.iter().step_by(2));
        } else {
            self.doc.children.extend_from_slice(&frame.kids);
        }
        let node = &mut self.doc.nodes[frame.id as usize];
        if keys_only {
            node.packed |= KEYS_ONLY;
        }
        node.a = first;
        // Counts stay under the node limit, far below `COUNT_MASK`.
        node.set_b(if frame.is_map {
            frame.kids.len() as u32 / 2
        } else {
            frame.kids.len() as u32
        });
        node.end = node.end.max(end as u32);
        self.attach(frame.id);
    }

    fn report_duplicates(&mut self, kids: &[NodeId]) {
        let doc = &self.doc;
        let mut seen: HashMap<&str, NodeId> = HashMap::new();
        for k in kids.iter().step_by(2) {
            let Some(text) = doc.key_text(*k) else {
                continue;
            };
            if text == "<<" {
                continue;
            }
            match seen.get(text) {
                Some(first) => {
                    self.problems.push(YamlProblem {
                        span: doc.nodes[*k as usize].span(),
                        message: format!("duplicate mapping key `{text}`"),
                        kind: ProblemKind::DuplicateKey {
                            first: doc.nodes[*first as usize].span(),
                        },
                    });
                }
                None => {
                    seen.insert(text, *k);
                }
            }
        }
    }

    fn finish_document(&mut self) -> Document {
        // Close anything left open (only after an error).
        while !self.stack.is_empty() {
            self.close(0);
        }
        self.anchors.clear();
        let scratch = &mut self.doc;
        let doc = Document {
            nodes: scratch.nodes.as_slice().to_vec(),
            children: scratch.children.as_slice().to_vec(),
            text: scratch.text.as_str().to_owned(),
            tags: std::mem::take(&mut scratch.tags),
            source: scratch.source.clone(),
            root: scratch.root.take(),
        };
        scratch.nodes.clear();
        scratch.children.clear();
        scratch.text.clear();
        doc
    }
}

fn byte_range(span: &granit_parser::Span) -> Range<usize> {
    let start = span
        .start
        .byte_offset()
        .unwrap_or_else(|| span.start.index());
    let end = span.end.byte_offset().unwrap_or_else(|| span.end.index());
    start..end.max(start)
}

/// Where a scalar's text lies in the source when it is the source's own bytes: a plain
/// scalar written on one line, a quoted one without escapes or line breaks.
fn source_offset(source: &str, span: &Range<usize>, style: Style, value: &str) -> Option<usize> {
    let start = match style {
        Style::Plain => span.start,
        Style::Quoted => span.start + 1,
        Style::Block => return None,
    };
    // Equal bytes are the same text, wherever the parser's span ends.
    (source.get(start..start + value.len()) == Some(value)).then_some(start)
}

/// Parse a YAML stream into documents (a copy of `text` is kept with them; see
/// [`parse_shared`]). Never panics; problems are returned as values.
pub fn parse(text: &str, limits: Limits) -> Parsed {
    parse_shared(&Arc::from(text), limits)
}

/// Parse a YAML stream into documents that share `text` with the caller.
pub fn parse_shared(text: &Arc<str>, limits: Limits) -> Parsed {
    let options = granit_parser::options! {
        flow_nesting_limit: limits.max_depth.min(255),
        block_nesting_limit: limits.max_depth.min(255),
    };
    let mut out = Parsed::default();
    if text.len() >= u32::MAX as usize {
        // Spans are 32-bit: no manifest comes near 4 GiB.
        out.problems.push(YamlProblem {
            span: 0..0,
            message: "input of 4 GiB or more; skinflint does not parse it".to_string(),
            kind: ProblemKind::TooManyNodes,
        });
        return out;
    }
    let parser = Parser::new_from_str_with_options(text, options);
    let mut b = Builder::new();
    b.doc.source = text.clone();
    let mut total_nodes = 0usize;
    for item in parser {
        let (event, span) = match item {
            Ok(pair) => pair,
            Err(err) => {
                b.problems.push(syntax_problem(text, &err));
                break;
            }
        };
        let range = byte_range(&span);
        let at = range.clone();
        if let Err(p) = b.event(event, range, limits, &mut out.documents) {
            b.problems.push(p);
            break;
        }
        total_nodes += 1;
        if total_nodes > limits.max_nodes {
            b.problems.push(YamlProblem {
                span: at,
                message: format!("more than {} YAML nodes in one file", limits.max_nodes),
                kind: ProblemKind::TooManyNodes,
            });
            break;
        }
    }
    out.problems = std::mem::take(&mut b.problems);
    out.problems.sort_by_key(|p| p.span.start);
    out
}

/// The parser's error, at its position.
fn syntax_problem(text: &str, err: &granit_parser::ScanError) -> YamlProblem {
    let m = err.marker();
    let at = m.byte_offset().unwrap_or_else(|| m.index()).min(text.len());
    let message = err.info().to_string();
    YamlProblem {
        span: at..at,
        message: if message.is_empty() {
            "YAML syntax error".to_string()
        } else {
            format!("YAML syntax error: {message}")
        },
        kind: match err.kind() {
            granit_parser::ErrorKind::RecursionLimitExceeded => ProblemKind::TooDeep,
            _ => ProblemKind::Syntax,
        },
    }
}

impl Builder {
    /// Apply one parser event; a problem that stops the parse is returned.
    fn event(
        &mut self,
        event: Event<'_>,
        range: Range<usize>,
        limits: Limits,
        documents: &mut Vec<Document>,
    ) -> Result<(), YamlProblem> {
        match event {
            Event::DocumentStart(..) => {
                self.in_document = true;
            }
            Event::DocumentEnd => {
                if self.in_document {
                    documents.push(self.finish_document());
                }
                self.in_document = false;
            }
            Event::Scalar(value, style, anchor, tag) => {
                let style = match style {
                    ScalarStyle::Plain => Style::Plain,
                    ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => Style::Quoted,
                    _ => Style::Block,
                };
                if value.len() > COUNT_MASK as usize {
                    return Err(YamlProblem {
                        span: range,
                        message: "a scalar of 64 MiB or more".to_string(),
                        kind: ProblemKind::TooManyNodes,
                    });
                }
                let at = source_offset(&self.doc.source, &range, style, &value);
                let id = self.push_node(Kind::Scalar, range, anchor);
                let offset = at.unwrap_or_else(|| {
                    let o = self.doc.text.len();
                    self.doc.text.push_str(&value);
                    o
                });
                let node = &mut self.doc.nodes[id as usize];
                node.a = offset as u32;
                node.set_b(value.len() as u32);
                node.set_scalar(style, tag.is_some(), at.is_some());
                if let Some(tag) = tag {
                    self.doc.tags.push((id, tag.to_string().into()));
                }
                self.attach(id);
            }
            Event::SequenceStart(_, anchor, _) | Event::MappingStart(_, anchor, _) => {
                if self.stack.len() >= limits.max_depth {
                    return Err(YamlProblem {
                        span: range,
                        message: format!("nesting deeper than {} levels", limits.max_depth),
                        kind: ProblemKind::TooDeep,
                    });
                }
                let is_map = matches!(event, Event::MappingStart(..));
                self.open(is_map, range, anchor);
            }
            Event::SequenceEnd | Event::MappingEnd => self.close(range.end),
            Event::Alias(anchor) => {
                let Some(t) = self.anchors.get(&anchor).copied() else {
                    return Err(YamlProblem {
                        span: range,
                        message: "alias to an unknown anchor".to_string(),
                        kind: ProblemKind::UnknownAlias,
                    });
                };
                let id = self.push_node(Kind::Alias, range, 0);
                self.doc.nodes[id as usize].a = t;
                self.attach(id);
            }
            _ => {}
        }
        Ok(())
    }

    /// Start a sequence or mapping; [`Builder::close`] finishes it.
    fn open(&mut self, is_map: bool, range: Range<usize>, anchor: usize) {
        let kind = if is_map { Kind::Map } else { Kind::Seq };
        let id = self.push_node(kind, range, anchor);
        self.stack.push(Frame {
            id,
            is_map,
            kids: Vec::new(),
        });
    }
}

/// A cursor on a node, remembering the mapping key that led to it (for "missing field"
/// findings, which point at the nearest existing parent key).
#[derive(Clone, Copy)]
pub struct NodeRef<'a> {
    pub doc: &'a Document,
    pub id: NodeId,
    pub key: Option<NodeId>,
}

impl std::fmt::Debug for NodeRef<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "NodeRef({}@{:?})", self.id, self.span())
    }
}

/// How many mappings one lookup may visit through `<<` merge keys.
const MAX_MERGE_MAPS: usize = 64;

impl<'a> NodeRef<'a> {
    pub fn root(doc: &'a Document) -> Option<Self> {
        doc.root.map(|id| NodeRef { doc, id, key: None })
    }

    /// The node itself, with aliases followed (one hop: aliases always point at a real node).
    fn node(&self) -> &'a Node {
        &self.doc.nodes[self.resolved_id() as usize]
    }

    /// Span of the value as written (an alias's own `*name` token, not its target).
    pub fn span(&self) -> Range<usize> {
        self.doc.nodes[self.id as usize].span()
    }

    /// Span of the key that led here, or of the value when there is no key.
    pub fn key_span(&self) -> Range<usize> {
        match self.key {
            Some(k) => self.doc.nodes[k as usize].span(),
            None => self.span(),
        }
    }

    /// Look up a key in a mapping, honouring `<<` merge keys (explicit keys win, then
    /// merge sources in order).
    pub fn get(&self, key: &str) -> Option<NodeRef<'a>> {
        if key == "<<" {
            return None;
        }
        let doc = self.doc;
        for map in self.merge_chain() {
            for (k, v) in doc.pairs(map) {
                if doc.key_text(k) == Some(key) {
                    return Some(NodeRef {
                        doc,
                        id: v,
                        key: Some(k),
                    });
                }
            }
        }
        None
    }

    /// This mapping followed by the mappings it merges with `<<`, breadth first, each at
    /// most once and at most [`MAX_MERGE_MAPS`] in all, so a merge bomb costs nothing.
    fn merge_chain(&self) -> Vec<NodeId> {
        let doc = self.doc;
        let start = self.resolved_id();
        if doc.nodes[start as usize].kind() != Kind::Map {
            return Vec::new();
        }
        let mut chain = vec![start];
        let mut i = 0;
        while i < chain.len() && chain.len() < MAX_MERGE_MAPS {
            for (k, v) in doc.pairs(chain[i]) {
                if doc.key_text(k) != Some("<<") {
                    continue;
                }
                let v = self.resolve(v);
                let n = &doc.nodes[v as usize];
                let sources: Vec<NodeId> = match n.kind() {
                    Kind::Seq => doc.kids(n).iter().map(|x| self.resolve(*x)).collect(),
                    _ => vec![v],
                };
                for src in sources {
                    let is_map = doc.nodes[src as usize].kind() == Kind::Map;
                    if is_map && !chain.contains(&src) && chain.len() < MAX_MERGE_MAPS {
                        chain.push(src);
                    }
                }
            }
            i += 1;
        }
        chain
    }

    fn resolve(&self, id: NodeId) -> NodeId {
        let n = &self.doc.nodes[id as usize];
        match n.kind() {
            Kind::Alias => n.a,
            _ => id,
        }
    }

    fn resolved_id(&self) -> NodeId {
        self.resolve(self.id)
    }

    /// Follow a path of keys.
    pub fn path(&self, keys: &[&str]) -> Option<NodeRef<'a>> {
        let mut cur = *self;
        for k in keys {
            cur = cur.get(k)?;
        }
        Some(cur)
    }

    /// Items of a sequence.
    pub fn items(&self) -> Option<impl Iterator<Item = NodeRef<'a>> + 'a> {
        let doc = self.doc;
        let n = self.node();
        (n.kind() == Kind::Seq).then(|| {
            doc.kids(n).iter().map(move |id| NodeRef {
                doc,
                id: *id,
                key: None,
            })
        })
    }

    /// Entries of a mapping as (key text, value) pairs, with `<<` merges applied (an
    /// explicit key hides a merged one); non-scalar keys are skipped.
    pub fn entries(&self) -> Option<impl Iterator<Item = (&'a str, NodeRef<'a>)> + 'a> {
        let doc = self.doc;
        if !self.is_map() {
            return None;
        }
        let mut out: Vec<(&'a str, NodeRef<'a>)> = Vec::new();
        let chain = self.merge_chain();
        let merged = chain.len() > 1;
        let mut seen: std::collections::HashSet<&'a str> = std::collections::HashSet::new();
        for map in chain {
            for (k, v) in doc.pairs(map) {
                let Some(text) = doc.key_text(k) else {
                    continue;
                };
                if text == "<<" || (merged && !seen.insert(text)) {
                    continue;
                }
                out.push((
                    text,
                    NodeRef {
                        doc,
                        id: v,
                        key: Some(k),
                    },
                ));
            }
        }
        Some(out.into_iter())
    }

    pub fn is_map(&self) -> bool {
        self.node().kind() == Kind::Map
    }

    pub fn is_seq(&self) -> bool {
        self.node().kind() == Kind::Seq
    }

    /// The scalar's text and style, if this is a scalar.
    pub fn scalar(&self) -> Option<(&'a str, Style)> {
        let n = self.node();
        (n.kind() == Kind::Scalar).then(|| (self.doc.scalar_text(n), n.style()))
    }

    /// The scalar resolved the way Kubernetes reads YAML (YAML 1.1).
    pub fn value(&self) -> Option<super::scalar::Scalar<'a>> {
        let n = self.node();
        if n.kind() != Kind::Scalar {
            return None;
        }
        let tag = if n.tagged() {
            self.doc.tag(self.resolved_id())
        } else {
            None
        };
        Some(super::scalar::resolve(
            self.doc.scalar_text(n),
            n.style(),
            tag,
        ))
    }

    /// The scalar as a string when it resolves to a string (or to anything but null when
    /// `lenient`), for fields such as names and label values.
    pub fn as_str(&self) -> Option<&'a str> {
        let (text, _) = self.scalar()?;
        match self.value()? {
            super::scalar::Scalar::Null => None,
            _ => Some(text),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_cover_keys_and_values() {
        let src = "a:\n  b: [1, 2]\n  c: x\n";
        let p = parse(src, Limits::default());
        assert!(p.problems.is_empty());
        let root = NodeRef::root(&p.documents[0]).unwrap();
        let c = root.path(&["a", "c"]).unwrap();
        assert_eq!(&src[c.span()], "x");
        assert_eq!(&src[c.key_span()], "c");
        let b = root.path(&["a", "b"]).unwrap();
        assert_eq!(&src[b.span()], "[1, 2]");
    }

    #[test]
    fn nodes_are_sixteen_bytes() {
        assert_eq!(std::mem::size_of::<Node>(), 16);
    }

    #[test]
    fn scalars_are_read_from_the_source_or_copied() {
        let src = "a: plain\nb: 'it''s'\nc: \"tab\\there\"\nd: |\n  block\ne: !!str 5\nf: \"as is\"\ng: two\n  lines\n";
        let p = parse(src, Limits::default());
        assert!(p.problems.is_empty(), "{:?}", p.problems);
        let root = NodeRef::root(&p.documents[0]).unwrap();
        let text = |k: &str| root.get(k).and_then(|n| n.scalar()).unwrap();
        assert_eq!(text("a"), ("plain", Style::Plain));
        assert_eq!(text("b"), ("it's", Style::Quoted));
        assert_eq!(text("c"), ("tab\there", Style::Quoted));
        assert_eq!(text("d"), ("block\n", Style::Block));
        assert_eq!(text("f"), ("as is", Style::Quoted));
        assert_eq!(text("g"), ("two lines", Style::Plain));
        assert_eq!(
            root.get("e").and_then(|n| n.value()),
            Some(super::super::scalar::Scalar::Str("5"))
        );
        // Only the scalars that differ from their bytes are copied.
        assert_eq!(p.documents[0].text, "it'stab\thereblock\ntwo lines");
    }

    #[test]
    fn values_follow_keys_simple_or_complex() {
        let src = "k: &k key\nm:\n  ? [a, b]\n  : complex\n  *k : by alias\n  d: {e: f}\n";
        let p = parse(src, Limits::default());
        assert!(p.problems.is_empty(), "{:?}", p.problems);
        let root = NodeRef::root(&p.documents[0]).unwrap();
        assert_eq!(root.get("k").and_then(|n| n.as_str()), Some("key"));
        let m = root.get("m").unwrap();
        assert_eq!(m.path(&["d", "e"]).and_then(|n| n.as_str()), Some("f"));
        // Keys that are not scalars (a sequence, an alias) are skipped by lookups; each
        // value is still its own.
        let keys: Vec<&str> = m.entries().unwrap().map(|(k, _)| k).collect();
        assert_eq!(keys, ["d"]);
        let doc = &p.documents[0];
        let values: Vec<&str> = doc
            .pairs(m.resolved_id())
            .map(|(_, v)| &src[doc.nodes[v as usize].span()])
            .collect();
        assert_eq!(values, ["complex", "by alias", "{e: f}"]);
    }

    #[test]
    fn duplicate_keys_are_all_reported() {
        let src = "a: 1\nb: 2\na: 3\na: 4\n";
        let p = parse(src, Limits::default());
        assert_eq!(p.problems.len(), 2);
        assert_eq!(p.problems[0].span.start, src.find("a: 3").unwrap());
        assert_eq!(p.documents.len(), 1);
    }

    #[test]
    fn alias_bomb_is_not_expanded() {
        let mut src = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            src.push_str(&format!("a{i}: &a{i} ["));
            src.push_str(&vec![format!("*a{}", i - 1); 10].join(", "));
            src.push_str("]\n");
        }
        let p = parse(&src, Limits::default());
        assert!(p.problems.is_empty());
        assert!(p.documents[0].node_count() < 200);
    }

    #[test]
    fn deep_nesting_is_bounded() {
        let src = "[".repeat(100_000);
        let p = parse(&src, Limits::default());
        assert!(!p.problems.is_empty());
        let src = "- ".repeat(100_000);
        let p = parse(&src, Limits::default());
        assert!(!p.problems.is_empty());
    }

    #[test]
    fn documents_before_an_error_are_kept() {
        let src = "a: 1\n---\nb: 2\n---\nc: [\n";
        let p = parse(src, Limits::default());
        assert_eq!(p.documents.len(), 2);
        assert_eq!(p.problems.len(), 1);
    }

    #[test]
    fn merge_bombs_are_bounded() {
        let mut src = String::from("a0: &a0 {x: 1}\n");
        for i in 1..10 {
            src.push_str(&format!(
                "a{i}: &a{i} {{<<: [{}]}}\n",
                vec![format!("*a{}", i - 1); 40].join(", ")
            ));
        }
        src.push_str("m: {<<: [*a9, *a9, *a9]}\n");
        let p = parse(&src, Limits::default());
        let root = NodeRef::root(&p.documents[0]).unwrap();
        let start = std::time::Instant::now();
        assert!(root.path(&["m", "missing"]).is_none());
        assert_eq!(root.path(&["m", "x"]).and_then(|n| n.as_str()), Some("1"));
        assert_eq!(root.get("m").unwrap().entries().unwrap().count(), 1);
        assert!(start.elapsed().as_secs() < 2);
    }

    #[test]
    fn merge_keys_are_followed() {
        let src = "base: &b {x: 1}\nm:\n  <<: *b\n  y: 2\n";
        let p = parse(src, Limits::default());
        let root = NodeRef::root(&p.documents[0]).unwrap();
        assert_eq!(root.path(&["m", "x"]).unwrap().as_str(), Some("1"));
        let keys: Vec<&str> = root
            .get("m")
            .unwrap()
            .entries()
            .unwrap()
            .map(|(k, _)| k)
            .collect();
        assert_eq!(keys, ["y", "x"]);
    }
}
