//! PromQL for fleet replay: every statistic a recommendation needs, for a batch of
//! workloads, evaluated by the server in one instant query (each statistic tagged with
//! a `skinflint_stat` label), so the number of queries grows with workloads, not samples.

/// DCGM utilisation (%) and frame-buffer (MiB) series.
pub const UTIL: &str = "DCGM_FI_DEV_GPU_UTIL";
pub const FB_USED: &str = "DCGM_FI_DEV_FB_USED";
pub const FB_FREE: &str = "DCGM_FI_DEV_FB_FREE";

/// The label each statistic is tagged with.
pub const STAT_LABEL: &str = "skinflint_stat";

/// The labels a GPU's statistics are grouped by: whose GPU (pod, exported pod), which
/// GPU, on which node, of which model. Labels that change over a GPU's life (driver
/// version, container) are folded together.
pub const GROUP_BY: &[&str] = &[
    "UUID",
    "uuid",
    "gpu",
    "modelName",
    "Hostname",
    "hostname",
    "node",
    "kubernetes_node",
    "nodename",
    "pod",
    "namespace",
    "exported_pod",
    "exported_namespace",
];

/// Utilisation and memory quantiles fetched; the maximum is fetched as well.
pub const QUANTILES: &[f64] = &[0.5, 0.95, 0.99];

/// Which series of a batch: pods whose names one of the workloads' pod patterns
/// fits, in their namespaces (any namespace when a workload names none).
#[derive(Debug, Clone, PartialEq)]
pub struct PodMatch {
    /// RE2 alternation of the workloads' pod patterns (anchored by PromQL).
    pub pods: String,
    /// RE2 alternation of namespaces; `None` for any.
    pub namespaces: Option<String>,
}

impl PodMatch {
    /// From Rust `regex` pod patterns (anchored with `^…$`) and namespaces (`None`: any).
    pub fn new<'a>(
        patterns: impl IntoIterator<Item = &'a str>,
        namespaces: impl IntoIterator<Item = Option<&'a str>>,
    ) -> PodMatch {
        let pods: Vec<String> = patterns
            .into_iter()
            .map(|p| {
                let p = p.strip_prefix('^').unwrap_or(p);
                let p = p.strip_suffix('$').unwrap_or(p);
                format!("(?:{p})")
            })
            .collect();
        let mut ns: Vec<String> = Vec::new();
        let mut any = false;
        for n in namespaces {
            match n {
                Some(n) => ns.push(regex::escape(n)),
                None => any = true,
            }
        }
        ns.sort();
        ns.dedup();
        PodMatch {
            pods: pods.join("|"),
            namespaces: (!any && !ns.is_empty()).then(|| ns.join("|")),
        }
    }

    /// The two selectors for `metric`: pods named by `pod`/`namespace` and by
    /// `exported_pod`/`exported_namespace` (a ServiceMonitor without honorLabels).
    fn selectors(&self, metric: &str) -> [String; 2] {
        let one = |prefix: &str| {
            let mut s = format!("{metric}{{{prefix}pod=~{}", quote(&self.pods));
            if let Some(ns) = &self.namespaces {
                s.push_str(&format!(",{prefix}namespace=~{}", quote(ns)));
            }
            s.push('}');
            s
        };
        [one(""), one("exported_")]
    }
}

/// `,namespace=~NS` (or `,exported_namespace=~NS` with `prefix` `exported_`) for a
/// selector, where `ns` is a quoted PromQL pattern; nothing without one.
pub fn namespace_matcher(prefix: &str, ns: Option<&str>) -> String {
    ns.map(|n| format!(",{prefix}namespace=~{n}"))
        .unwrap_or_default()
}

/// A PromQL string literal: backslashes and quotes escaped.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A duration in PromQL syntax (whole seconds).
pub fn duration(secs: u64) -> String {
    if secs > 0 && secs.is_multiple_of(86_400) {
        format!("{}d", secs / 86_400)
    } else if secs > 0 && secs.is_multiple_of(3600) {
        format!("{}h", secs / 3600)
    } else if secs > 0 && secs.is_multiple_of(60) {
        format!("{}m", secs / 60)
    } else {
        format!("{secs}s")
    }
}

/// A window in whole seconds, written as Prometheus writes durations (`7d`, `36h`, `90m`,
/// `1w`, `1d12h`); zero and sub-second windows are refused.
pub fn parse_duration(text: &str) -> Option<u64> {
    crate::rule::params::parse_duration(text)
        .map(|d| d.as_secs())
        .filter(|s| *s > 0)
}

/// The `by (…)` clause.
fn by() -> String {
    format!("by ({})", GROUP_BY.join(", "))
}

/// What one batch query measures: over `window_s` before the evaluation time, with
/// sustained peaks as the `sustained_q` quantile of `sustained_window_s` means.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Window {
    pub window_s: u64,
    pub sustained_window_s: u64,
    pub sustained_q: f64,
}

impl Window {
    /// Resolution of the subqueries for first and last sample times and memory totals:
    /// a minute, whole minutes more for long windows so a subquery holds at most 11,000
    /// points per series.
    pub fn step_s(&self) -> u64 {
        self.window_s.div_ceil(11_000).div_ceil(60).max(1) * 60
    }
}

/// One tagged statistic: `label_replace(AGG by (…) (f(sel_a) or f(sel_b)), stat)`.
fn stat(name: &str, agg: &str, sels: &[String; 2], f: impl Fn(&str) -> String) -> String {
    format!(
        "label_replace({agg} {} ({} or {}), {}, {}, \"\", \"\")",
        by(),
        f(&sels[0]),
        f(&sels[1]),
        quote(STAT_LABEL),
        quote(name)
    )
}

/// The instant query for a batch: utilisation and memory quantiles, maxima, sample
/// counts, the sustained peak, memory totals and first and last sample times, each
/// series tagged with its statistic.
pub fn batch_stats(m: &PodMatch, w: &Window) -> String {
    let range = duration(w.window_s);
    let step = duration(w.step_s());
    let util = m.selectors(UTIL);
    let used = m.selectors(FB_USED);
    let free = m.selectors(FB_FREE);
    let mut parts = Vec::new();
    for (kind, sels) in [("util", &util), ("mem", &used)] {
        for q in QUANTILES {
            parts.push(stat(&format!("{kind}_q{q}"), "max", sels, |s| {
                format!("quantile_over_time({q}, {s}[{range}])")
            }));
        }
        parts.push(stat(&format!("{kind}_max"), "max", sels, |s| {
            format!("max_over_time({s}[{range}])")
        }));
        parts.push(stat(&format!("{kind}_count"), "sum", sels, |s| {
            format!("count_over_time({s}[{range}])")
        }));
        // First and last sample times, to the step: the first and last subquery steps
        // with a sample in the step before them (`timestamp()` in a subquery is two
        // orders of magnitude slower on Prometheus 2.x).
        let seen = |s: &str| format!("(last_over_time({s}[{step}]) * 0 + time())");
        parts.push(stat(&format!("{kind}_first"), "min", sels, |s| {
            format!("min_over_time({}[{range}:{step}])", seen(s))
        }));
        parts.push(stat(&format!("{kind}_last"), "max", sels, |s| {
            format!("max_over_time({}[{range}:{step}])", seen(s))
        }));
    }
    // Means of aligned windows [t - w, t): the offset keeps a sample at t out, as a
    // file replay puts it in the next window.
    let sw = duration(w.sustained_window_s);
    parts.push(stat("util_sustained", "max", &util, |s| {
        format!(
            "quantile_over_time({}, avg_over_time({s}[{sw}] offset 1ms)[{range}:{sw}])",
            w.sustained_q
        )
    }));
    // used + free: the GPU's memory, matched on every label but the name.
    let totals = [
        format!("({} + {})", used[0], free[0]),
        format!("({} + {})", used[1], free[1]),
    ];
    parts.push(stat("mem_total", "max", &totals, |s| {
        format!("max_over_time({s}[{range}:{step}])")
    }));
    parts.join(" or ")
}

/// The range query (step one hour) for the hours in which each GPU had a sample:
/// evaluated at the end of each clock hour, over that hour.
pub fn batch_hours(m: &PodMatch) -> String {
    let util = m.selectors(UTIL);
    let used = m.selectors(FB_USED);
    let present = |sels: &[String; 2]| {
        format!(
            "max {} (present_over_time({}[1h] offset 1ms) or present_over_time({}[1h] offset 1ms))",
            by(),
            sels[0],
            sels[1]
        )
    };
    format!("{} or {}", present(&util), present(&used))
}

/// The instant query for the GPUs any pod held on these nodes (by the node label each
/// was seen under): whether a workload shares its nodes with others.
pub fn node_gpus(nodes: &[(String, String)], window_s: u64) -> String {
    let mut by_label: std::collections::BTreeMap<&str, Vec<String>> = Default::default();
    for (label, node) in nodes {
        by_label
            .entry(label.as_str())
            .or_default()
            .push(regex::escape(node));
    }
    let range = duration(window_s);
    let mut parts = Vec::new();
    for (label, names) in by_label {
        let names = quote(&names.join("|"));
        for pod in ["pod", "exported_pod"] {
            parts.push(format!(
                "max_over_time({UTIL}{{{label}=~{names},{pod}!=\"\"}}[{range}])"
            ));
        }
    }
    format!("count {} ({})", by(), parts.join(" or "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_both_ways() {
        assert_eq!(parse_duration("7d"), Some(604_800));
        assert_eq!(parse_duration("1d12h"), Some(129_600));
        assert_eq!(parse_duration("90m"), Some(5400));
        assert_eq!(parse_duration("2w"), Some(1_209_600));
        for bad in ["", "7", "d", "7x", "0d", "-1d"] {
            assert_eq!(parse_duration(bad), None, "{bad}");
        }
        assert_eq!(duration(604_800), "7d");
        assert_eq!(duration(300), "5m");
        assert_eq!(duration(5400), "90m");
        assert_eq!(duration(61), "61s");
    }

    #[test]
    fn quoting_escapes_backslashes_and_quotes() {
        assert_eq!(quote(r#"a\.b"c"#), r#""a\\.b\"c""#);
    }

    #[test]
    fn pod_match_from_patterns() {
        let m = PodMatch::new(["^llm-[0-9]+$", "^chat\\-x$"], [Some("ml"), Some("web")]);
        assert_eq!(m.pods, "(?:llm-[0-9]+)|(?:chat\\-x)");
        assert_eq!(m.namespaces.as_deref(), Some("ml|web"));
        // One workload without a namespace: any namespace.
        let m = PodMatch::new(["^a$"], [Some("ml"), None]);
        assert_eq!(m.namespaces, None);
        let sels = PodMatch::new(["^a\\.b$"], [Some("ml")]).selectors(UTIL);
        assert_eq!(
            sels[0],
            r#"DCGM_FI_DEV_GPU_UTIL{pod=~"(?:a\\.b)",namespace=~"ml"}"#
        );
        assert_eq!(
            sels[1],
            r#"DCGM_FI_DEV_GPU_UTIL{exported_pod=~"(?:a\\.b)",exported_namespace=~"ml"}"#
        );
    }

    #[test]
    fn one_query_holds_every_statistic_and_parses() {
        let m = PodMatch::new(["^llm-[0-9]+$"], [Some("ml")]);
        let w = Window {
            window_s: 604_800,
            sustained_window_s: 300,
            sustained_q: 0.99,
        };
        let q = batch_stats(&m, &w);
        for s in [
            "util_q0.95",
            "util_q0.99",
            "mem_q0.99",
            "util_max",
            "mem_count",
            "util_first",
            "mem_last",
            "util_sustained",
            "mem_total",
        ] {
            assert!(q.contains(&format!("\"{s}\"")), "{s} missing");
        }
        assert!(q.contains("quantile_over_time(0.95, DCGM_FI_DEV_GPU_UTIL{pod=~"));
        assert!(q.contains("avg_over_time(DCGM_FI_DEV_GPU_UTIL{exported_pod=~\"(?:llm-[0-9]+)\",exported_namespace=~\"ml\"}[5m] offset 1ms)[7d:5m]"));
        assert!(q.contains("[7d:1m]"));
        // The server's grammar accepts every query built here.
        for text in [
            q,
            batch_hours(&m),
            node_gpus(&[("Hostname".into(), "node-a".into())], 604_800),
        ] {
            promql_parser::parser::parse(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
        }
    }

    #[test]
    fn subquery_steps_stay_bounded() {
        let w = |days: u64| Window {
            window_s: days * 86_400,
            sustained_window_s: 300,
            sustained_q: 0.99,
        };
        assert_eq!(w(7).step_s(), 60);
        assert_eq!(w(1).step_s(), 60);
        assert_eq!(w(30).step_s(), 240);
        assert!(w(365).window_s / w(365).step_s() <= 11_000);
    }
}
