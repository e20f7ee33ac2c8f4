//! The schemas built into skinflint (`schemas/karpenter`, `schemas/kubernetes`), each
//! parsed and compiled once, on first use, and the resource kinds they describe.

use super::{compile, to_json, Validator};
use crate::source::{yaml, NodeRef};
use serde_json::Value;
use std::sync::{LazyLock, OnceLock};

/// An embedded schema: its `$id` and its YAML text.
struct Embedded {
    uri: &'static str,
    text: &'static str,
}

macro_rules! embed {
    ($dir:literal, $name:literal) => {
        Embedded {
            uri: concat!("urn:skinflint:", $dir, ":", $name),
            text: include_str!(concat!("../../schemas/", $dir, "/", $name, ".yaml")),
        }
    };
}

const SCHEMAS: &[Embedded] = &[
    embed!("kubernetes", "object-meta"),
    embed!("karpenter", "provisioner-v1alpha5"),
    embed!("karpenter", "awsnodetemplate-v1alpha1"),
    embed!("karpenter", "nodeoverlay-v1alpha1"),
    embed!("karpenter", "nodepool-v1beta1"),
    embed!("karpenter", "ec2nodeclass-v1beta1"),
    embed!("karpenter", "nodepool-v1"),
    embed!("karpenter", "ec2nodeclass-v1"),
];

/// The schema of each resource kind skinflint validates whole, by apiVersion and kind.
const RESOURCES: &[(&str, &str, &str)] = &[
    (
        "karpenter.sh/v1alpha5",
        "Provisioner",
        "urn:skinflint:karpenter:provisioner-v1alpha5",
    ),
    (
        "karpenter.k8s.aws/v1alpha1",
        "AWSNodeTemplate",
        "urn:skinflint:karpenter:awsnodetemplate-v1alpha1",
    ),
    (
        "karpenter.sh/v1alpha1",
        "NodeOverlay",
        "urn:skinflint:karpenter:nodeoverlay-v1alpha1",
    ),
    (
        "karpenter.sh/v1beta1",
        "NodePool",
        "urn:skinflint:karpenter:nodepool-v1beta1",
    ),
    (
        "karpenter.k8s.aws/v1beta1",
        "EC2NodeClass",
        "urn:skinflint:karpenter:ec2nodeclass-v1beta1",
    ),
    (
        "karpenter.sh/v1",
        "NodePool",
        "urn:skinflint:karpenter:nodepool-v1",
    ),
    (
        "karpenter.k8s.aws/v1",
        "EC2NodeClass",
        "urn:skinflint:karpenter:ec2nodeclass-v1",
    ),
];

/// Every embedded schema's JSON, parsed once.
static DOCUMENTS: LazyLock<Vec<Value>> = LazyLock::new(|| SCHEMAS.iter().map(parse).collect());

/// One compiled validator per embedded schema, each compiled on first use.
static VALIDATORS: LazyLock<Vec<OnceLock<Option<Validator>>>> =
    LazyLock::new(|| SCHEMAS.iter().map(|_| OnceLock::new()).collect());

/// An embedded schema's YAML as JSON. The texts are part of the build and a test parses
/// every one, so a failure here is a bug in a schema file.
fn parse(e: &Embedded) -> Value {
    let parsed = yaml::parse(e.text, yaml::Limits::default());
    parsed
        .documents
        .first()
        .and_then(NodeRef::root)
        .and_then(to_json)
        .filter(|_| parsed.problems.is_empty())
        .unwrap_or_else(|| panic!("embedded schema {} is not valid YAML", e.uri))
}

/// The URIs of the embedded schemas (what a `$ref` may name besides its own document).
pub fn uris() -> impl Iterator<Item = &'static str> {
    SCHEMAS.iter().map(|e| e.uri)
}

/// An embedded schema document by its `$id`.
pub fn document(uri: &str) -> Option<&'static Value> {
    let i = SCHEMAS.iter().position(|e| e.uri == uri)?;
    DOCUMENTS.get(i)
}

/// The compiled embedded schema with this `$id`.
pub fn validator(uri: &str) -> Option<&'static Validator> {
    let i = SCHEMAS.iter().position(|e| e.uri == uri)?;
    VALIDATORS[i]
        .get_or_init(|| compile(&DOCUMENTS[i]).ok())
        .as_ref()
}

/// The built-in schema of a whole resource, if skinflint has one for its kind.
pub fn for_resource(api_version: &str, kind: &str) -> Option<&'static Validator> {
    let (_, _, uri) = RESOURCES
        .iter()
        .find(|(a, k, _)| *a == api_version && *k == kind)?;
    validator(uri)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_embedded_schema_parses_compiles_and_names_itself() {
        for e in SCHEMAS {
            let doc = document(e.uri).unwrap();
            assert_eq!(doc["$id"], e.uri, "{}: $id", e.uri);
            compile(doc).unwrap_or_else(|err| panic!("{}: {err}", e.uri));
        }
        for (api, kind, uri) in RESOURCES {
            assert!(for_resource(api, kind).is_some(), "{uri}");
        }
    }
}
