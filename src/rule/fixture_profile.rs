//! The GPU profiles a profile rule's fixture is replayed with, described in
//! `fixtures/<rule-id>/<name>.profiles` beside the fixture: one line per workload,
//! `NS/NAME hours=… interval=… util=… mem=… total=… gpus=… busy=… [model=Tesla_T4]`
//! (`_` for spaces in the model; an NVIDIA A10G without it). The tests generate
//! nvidia-smi CSV from these lines and `explain` describes them, so both read one format.

/// One generated profile: `gpus` GPUs sampled every `interval_s` seconds for `hours`; the
/// first `busy` GPUs ramp from 0 to `util` percent and from half of `mem_mib` to `mem_mib`
/// in cycles of 20 samples, the others stay idle at 500 MiB.
#[derive(Debug, Clone, PartialEq)]
pub struct ProfileSpec {
    /// `NAMESPACE/WORKLOAD`, as `--profile` names it.
    pub workload: String,
    /// The GPU model as nvidia-smi names it.
    pub model: String,
    pub hours: f64,
    pub interval_s: f64,
    pub util: f64,
    pub mem_mib: f64,
    pub total_mib: f64,
    pub gpus: usize,
    pub busy: usize,
}

/// The GPU model of a line without `model=`.
const DEFAULT_MODEL: &str = "NVIDIA A10G";

/// A `.profiles` line that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {problem}")]
pub struct SpecError {
    pub line: usize,
    pub problem: SpecProblem,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SpecProblem {
    #[error("`{0}` is not key=value")]
    NotKeyValue(String),
    #[error("`{0}`: not a number")]
    NotANumber(String),
    #[error("no `{0}=`")]
    Missing(&'static str),
}

impl ProfileSpec {
    /// Every profile of a `.profiles` file (blank lines and `#` comments skipped).
    pub fn parse_all(text: &str) -> Result<Vec<ProfileSpec>, SpecError> {
        text.lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
            .map(|(i, l)| {
                ProfileSpec::parse(l).map_err(|problem| SpecError {
                    line: i + 1,
                    problem,
                })
            })
            .collect()
    }

    fn parse(line: &str) -> Result<ProfileSpec, SpecProblem> {
        let mut parts = line.split_whitespace();
        let workload = parts.next().unwrap_or_default().to_string();
        let mut model = DEFAULT_MODEL.to_string();
        let mut num = std::collections::HashMap::new();
        for p in parts {
            let (k, v) = p
                .split_once('=')
                .ok_or_else(|| SpecProblem::NotKeyValue(p.to_string()))?;
            if k == "model" {
                model = v.replace('_', " ");
            } else {
                let v: f64 = v
                    .parse()
                    .map_err(|_| SpecProblem::NotANumber(p.to_string()))?;
                num.insert(k, v);
            }
        }
        let get = |k: &'static str| num.get(k).copied().ok_or(SpecProblem::Missing(k));
        Ok(ProfileSpec {
            workload,
            model,
            hours: get("hours")?,
            interval_s: get("interval")?,
            util: get("util")?,
            mem_mib: get("mem")?,
            total_mib: get("total")?,
            gpus: get("gpus")? as usize,
            busy: get("busy")? as usize,
        })
    }

    /// One line for a reader: what the recorded profile shows.
    pub fn describe(&self) -> String {
        let idle = self.gpus.saturating_sub(self.busy);
        let busy = if idle == 0 {
            String::new()
        } else {
            format!(", {} of them busy and {idle} idle", self.busy)
        };
        format!(
            "{}: nvidia-smi samples every {} s for {} h of {} × {} ({} MiB){busy}; utilisation 0 to {}%, memory {} to {} MiB",
            self.workload,
            self.interval_s,
            self.hours,
            self.gpus,
            self.model,
            self.total_mib,
            self.util,
            self.mem_mib / 2.0,
            self.mem_mib
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_is_read_and_described() {
        let specs = ProfileSpec::parse_all(
            "# comment\n\nml/llm hours=48 interval=300 util=80 mem=20000 total=22888 gpus=4 busy=1 model=Tesla_T4\n",
        )
        .unwrap();
        assert_eq!(specs.len(), 1);
        assert_eq!(specs[0].model, "Tesla T4");
        assert_eq!(
            specs[0].describe(),
            "ml/llm: nvidia-smi samples every 300 s for 48 h of 4 × Tesla T4 (22888 MiB), 1 of them busy and 3 idle; utilisation 0 to 80%, memory 10000 to 20000 MiB"
        );
        assert!(ProfileSpec::parse_all("ml/llm hours=x").is_err());
        assert!(ProfileSpec::parse_all("ml/llm hours=1").is_err());
    }
}
