//! The only schema retriever skinflint uses: it serves the embedded schemas and refuses
//! everything else, so no reference ever opens a connection or a file.

use super::embedded;
use serde_json::Value;

pub struct EmbeddedOnly;

impl jsonschema::Retrieve for EmbeddedOnly {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let uri = uri.as_str();
        embedded::document(uri)
            .cloned()
            .ok_or_else(|| refusal(uri).into())
    }
}

fn refusal(uri: &str) -> String {
    format!(
        "`$ref` to `{uri}` refused: skinflint never fetches schemas from the network or \
         disk; a reference may point into the same schema (`#/$defs/...`) or to an embedded \
         schema ({})",
        embedded::uris()
            .map(|u| format!("`{u}`"))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

/// A referencing error as users should read it: the refusal when it is one.
pub fn explain(err: &jsonschema::ReferencingError) -> String {
    let mut text = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(s) = source {
        let s_text = s.to_string();
        if s_text.contains("refused") {
            return s_text;
        }
        text = format!("{text}: {s_text}");
        source = s.source();
    }
    text
}
