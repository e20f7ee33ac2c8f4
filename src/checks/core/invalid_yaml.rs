//! `invalid-yaml`: inputs that are not valid YAML (or not text, or too large). The other
//! files are still checked, and documents before a syntax error are kept.

use crate::checks::CheckCtx;
use crate::rule::Hit;

pub fn run(ctx: &CheckCtx) -> Vec<Hit> {
    let mut hits = Vec::new();
    for (fi, f) in ctx.model.files.iter().enumerate() {
        for p in &f.problems {
            let mut hit = Hit::new(fi, p.span.clone(), p.message.clone());
            hit.help = p.help.clone();
            hits.push(hit);
        }
    }
    hits
}
