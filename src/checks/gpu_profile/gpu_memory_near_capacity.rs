//! `gpu-memory-near-capacity`: peak GPU memory close to the GPU's capacity, the
//! under-provisioned side: an out-of-memory crash loop restarts pods on paid GPUs.

use super::{evidence, hit};
use crate::checks::CheckCtx;
use crate::rule::Hit;

/// The parameters, declared with their defaults in the rule file.
#[derive(serde::Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Params {
    max_memory_fraction: f64,
}

pub fn run(ctx: &CheckCtx) -> Vec<Hit> {
    let Some(p) = crate::checks::params::<Params>(ctx) else {
        return Vec::new();
    };
    let max = p.max_memory_fraction;
    let model = ctx.model;
    let mut hits = Vec::new();
    for a in ctx.profiles {
        let w = &model.workloads[a.workload];
        let cur = crate::profile::recommend::current(model, a.workload);
        for (id, g) in &a.profile.gpus {
            let total = g
                .memory_total_mib
                .or(cur.map(|c| c.gpu_memory_mib as f64))
                .unwrap_or(0.0);
            if total <= 0.0 || g.peak_mem_mib <= max * total {
                continue;
            }
            hits.push(
                hit(
                    w,
                    format!(
                        "{} peaked at {:.1} of {:.1} GiB GPU memory ({:.0}%) on GPU {id} ({}): close to out-of-memory, so do not downsize it and watch for crash loops",
                        crate::checks::workload::describe(w),
                        g.peak_mem_mib / 1024.0,
                        total / 1024.0,
                        g.peak_mem_mib / total * 100.0,
                        evidence(&a.profile)
                    ),
                )
                .help("cap the model server's memory use (for vLLM, --gpu-memory-utilization), or move to a GPU with more memory"),
            );
            break;
        }
    }
    hits
}
