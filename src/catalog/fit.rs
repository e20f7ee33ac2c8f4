//! Whether a pod fits a node of an instance type, judged as the scheduler judges it: the
//! pod's summed requests against the node's *allocatable* resources (what is left for
//! pods after kube-reserved, system-reserved, the eviction threshold and the VM's memory
//! overhead), not against the brochure's vCPU and GiB. A pod requesting `cpu: 4,
//! memory: 16Gi` does not fit a g4dn.xlarge (4 vCPU, 16 GiB), which offers pods 3920m
//! and 14481Mi.

use super::InstanceType;

/// What one pod asks of a node, summed as the scheduler sums it (see
/// `Workload::pod_requests`): app containers and native sidecars together, or the
/// largest init container with the sidecars started before it, whichever is more.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PodRequests {
    /// CPU in millicores.
    pub cpu_millicores: f64,
    /// Memory in MiB.
    pub memory_mib: f64,
    /// Pod slots (1 for one pod).
    pub pods: u64,
    /// Extended resources (accelerators) with the amount.
    pub accelerators: Vec<(String, f64)>,
}

impl PodRequests {
    /// The requests in the form Kubernetes writes them: `4000m cpu, 16384Mi memory, 1 nvidia.com/gpu`.
    pub fn describe(&self) -> String {
        // `+ 0.0` turns a -0.0 (from empty sums) into 0 so it never prints as "-0".
        let mut parts = vec![
            format!("{:.0}m cpu", self.cpu_millicores.max(0.0) + 0.0),
            format!("{:.0}Mi memory", self.memory_mib.max(0.0) + 0.0),
        ];
        for (r, n) in &self.accelerators {
            parts.push(format!("{} {r}", super::fmt_count(*n)));
        }
        parts.join(", ")
    }
}

/// Why a pod does not fit a type: the resources that fall short, with both figures.
#[derive(Debug, Clone, PartialEq)]
pub struct Misfit {
    /// Each shortfall: (resource, what the node offers pods, what the pod needs), as text.
    pub short: Vec<(String, String, String)>,
    /// True when the figures are the brochure's because the catalog has no allocatable
    /// figures for the type (then a misfit is certain but a fit is not).
    pub brochure: bool,
}

impl Misfit {
    /// "offers pods 3920m cpu and 14481Mi memory (allocatable, after Karpenter's node
    /// overhead), less than the pod's 4000m and 16384Mi".
    pub fn shortfall(&self) -> String {
        let offers: Vec<String> = self
            .short
            .iter()
            .map(|(r, have, _)| format!("{have} {r}"))
            .collect();
        let needs: Vec<String> = self.short.iter().map(|(_, _, need)| need.clone()).collect();
        format!(
            "offers pods {} ({}), less than the pod's {}",
            offers.join(" and "),
            if self.brochure {
                "its full size; Karpenter's allocatable figures for it are not known"
            } else {
                "allocatable, after Karpenter's node overhead"
            },
            needs.join(" and ")
        )
    }

    /// "g4dn.xlarge offers pods 3920m cpu and 14481Mi memory (…), less than …".
    pub fn reason(&self, t: &InstanceType) -> String {
        format!("{} {}", t.name, self.shortfall())
    }
}

/// Whether one pod with these requests fits an empty node of type `t`.
pub fn fit(t: &InstanceType, req: &PodRequests) -> Result<(), Misfit> {
    judge(t, req, true)
}

/// [`fit`] as a yes or no, without writing the shortfall: hosting asks it of every
/// instance type of every pool in scope, and most answers are no.
pub fn fits(t: &InstanceType, req: &PodRequests) -> bool {
    judge(t, req, false).is_ok()
}

/// The comparison behind [`fit`] and [`fits`]; `describe` writes each shortfall, else
/// the first one ends the judgement with an empty [`Misfit`].
fn judge(t: &InstanceType, req: &PodRequests, describe: bool) -> Result<(), Misfit> {
    let (cpu_m, mem_mib, pods, brochure) = match &t.allocatable {
        Some(a) => (
            a.cpu_millicores as f64,
            a.memory_mib as f64,
            Some(a.pods),
            false,
        ),
        None => (t.vcpu as f64 * 1000.0, t.memory_mib as f64, None, true),
    };
    let misfit = |short| Err(Misfit { short, brochure });
    let mut short = Vec::new();
    if req.cpu_millicores > cpu_m {
        if !describe {
            return misfit(short);
        }
        short.push((
            "cpu".to_string(),
            format!("{cpu_m:.0}m"),
            format!("{:.0}m", req.cpu_millicores),
        ));
    }
    if req.memory_mib > mem_mib {
        if !describe {
            return misfit(short);
        }
        short.push((
            "memory".to_string(),
            format!("{mem_mib:.0}Mi"),
            format!("{:.0}Mi", req.memory_mib),
        ));
    }
    if let Some(p) = pods {
        if req.pods > p {
            if !describe {
                return misfit(short);
            }
            short.push(("pods".to_string(), p.to_string(), req.pods.to_string()));
        }
    }
    for (r, n) in &req.accelerators {
        let have = t.units_of(r);
        if have < *n {
            if !describe {
                return misfit(short);
            }
            short.push((r.clone(), super::fmt_count(have), super::fmt_count(*n)));
        }
    }
    if short.is_empty() {
        Ok(())
    } else {
        misfit(short)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::catalog;

    fn pod(cpu_m: f64, mem_mib: f64, acc: &[(&str, f64)]) -> PodRequests {
        PodRequests {
            cpu_millicores: cpu_m,
            memory_mib: mem_mib,
            pods: 1,
            accelerators: acc.iter().map(|(r, n)| (r.to_string(), *n)).collect(),
        }
    }

    #[test]
    fn four_cpu_sixteen_gib_does_not_fit_g4dn_xlarge() {
        // data/allocatable.csv: g4dn.xlarge,3920,14481,29 — the brochure's 4 vCPU / 16 GiB
        // less Karpenter's overhead. 4000m > 3920m and 16384Mi > 14481Mi.
        let t = catalog().get("g4dn.xlarge").unwrap();
        let req = pod(4000.0, 16384.0, &[("nvidia.com/gpu", 1.0)]);
        let m = fit(t, &req).unwrap_err();
        assert_eq!(
            m.reason(t),
            "g4dn.xlarge offers pods 3920m cpu and 14481Mi memory (allocatable, after Karpenter's node overhead), less than the pod's 4000m and 16384Mi"
        );
        // g4dn.2xlarge offers 7910m and 29636Mi: it fits.
        assert!(fit(catalog().get("g4dn.2xlarge").unwrap(), &req).is_ok());
        // Up to the allocatable figures, the xlarge fits.
        assert!(fit(t, &pod(3920.0, 14481.0, &[("nvidia.com/gpu", 1.0)])).is_ok());
        let two_gpus = fit(t, &pod(1000.0, 1024.0, &[("nvidia.com/gpu", 2.0)])).unwrap_err();
        assert_eq!(
            two_gpus.short,
            vec![("nvidia.com/gpu".into(), "1".into(), "2".into())]
        );
    }
}
