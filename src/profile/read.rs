//! Profile readers. Text formats are read line by line, so memory stays constant in the
//! number of samples.

use super::{smi, time, Profile, MAX_GPUS_PER_FILE};
pub use smi::nvidia_smi;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// A progress line on standard error for reads that take more than a couple of seconds,
/// only when standard error is a terminal. Ranges of one file read in parallel share it.
pub(super) struct Progress {
    name: String,
    start: std::time::Instant,
    shown: AtomicBool,
    terminal: bool,
    rows: AtomicU64,
}

impl Progress {
    pub(super) fn new(name: &str) -> Self {
        use std::io::IsTerminal;
        Progress {
            name: name.to_string(),
            start: std::time::Instant::now(),
            shown: AtomicBool::new(false),
            terminal: std::io::stderr().is_terminal(),
            rows: AtomicU64::new(0),
        }
    }

    /// Counts `rows` more rows read (callers report in batches of many thousand rows).
    pub(super) fn add(&self, rows: u64) {
        if !self.terminal {
            return;
        }
        let total = self.rows.fetch_add(rows, Ordering::Relaxed) + rows;
        if self.start.elapsed().as_secs_f64() < 2.0 {
            return;
        }
        self.shown.store(true, Ordering::Relaxed);
        eprint!(
            "\rskinflint: reading {}: {} rows ({:.0} s)",
            self.name,
            total,
            self.start.elapsed().as_secs_f64()
        );
    }

    pub(super) fn done(&self, rows: u64) {
        if self.shown.load(Ordering::Relaxed) {
            eprintln!(
                "\rskinflint: read {}: {} rows in {:.1} s",
                self.name,
                rows,
                self.start.elapsed().as_secs_f64()
            );
        }
    }
}

/// Why a profile file cannot be read: the file, where in it when known, and what is
/// wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileError {
    pub file: String,
    pub at: Option<Position>,
    pub problem: ProfileProblem,
}

/// Where in a profile file a problem is: a line of a text format, or a line and column
/// of a JSON one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Position {
    Line(u64),
    LineColumn(usize, usize),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProfileProblem {
    /// The file cannot be opened.
    #[error("cannot read: {0}")]
    Unreadable(String),
    /// Reading stopped part way (the I/O error's text).
    #[error("{0}")]
    Io(String),
    #[error("not a GPU profile skinflint reads (nvidia-smi CSV, DCGM exporter scrape, Prometheus query_range JSON, or ResourceProfile JSON)")]
    UnknownFormat,
    #[error("no `utilization.gpu` or `memory.used` column in the nvidia-smi header")]
    NoUsableColumn,
    #[error("empty nvidia-smi CSV")]
    EmptyCsv,
    #[error("not JSON: {0}")]
    NotJson(String),
    #[error("no `data.result` in the Prometheus response")]
    NoResult,
}

impl ProfileError {
    pub(super) fn new(file: &str, problem: ProfileProblem) -> Self {
        ProfileError {
            file: file.to_string(),
            at: None,
            problem,
        }
    }

    pub(super) fn at_line(file: &str, (line, problem): (u64, ProfileProblem)) -> Self {
        ProfileError {
            at: Some(Position::Line(line)),
            ..ProfileError::new(file, problem)
        }
    }

    fn io(file: &str, e: std::io::Error) -> Self {
        ProfileError::new(file, ProfileProblem::Io(e.to_string()))
    }

    fn json(file: &str, e: serde_json::Error) -> Self {
        ProfileError {
            at: Some(Position::LineColumn(e.line(), e.column())),
            ..ProfileError::new(file, ProfileProblem::NotJson(e.to_string()))
        }
    }
}

impl std::fmt::Display for ProfileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.at {
            None => write!(f, "{}: {}", self.file, self.problem),
            Some(Position::Line(l)) => write!(f, "{}: line {l}: {}", self.file, self.problem),
            Some(Position::LineColumn(l, c)) => {
                write!(f, "{}:{l}:{c}: {}", self.file, self.problem)
            }
        }
    }
}

impl std::error::Error for ProfileError {}

/// What a profile file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    NvidiaSmiCsv,
    DcgmText,
    QueryRangeJson,
    ResourceProfileJson,
}

/// Read one profile file. A file may hold several pods (DCGM labels), so several
/// profiles may come back; a file without pod labels gives one.
pub fn read_path(path: &Path) -> Result<Vec<Profile>, ProfileError> {
    let name = path.to_string_lossy().into_owned();
    let file = std::fs::File::open(path)
        .map_err(|e| ProfileError::new(&name, ProfileProblem::Unreadable(e.to_string())))?;
    let mut reader = BufReader::new(file);
    let head = reader.fill_buf().map_err(|e| ProfileError::io(&name, e))?;
    let head = String::from_utf8_lossy(&head[..head.len().min(4096)]).into_owned();
    let format = detect(&name, &head)
        .ok_or_else(|| ProfileError::new(&name, ProfileProblem::UnknownFormat))?;
    if format == Format::NvidiaSmiCsv {
        drop(reader);
        return smi::read_file(&name, path).map(|p| vec![p]);
    }
    read(&name, format, reader)
}

/// Expands directories among `inputs` into the profile files beneath them (recursive,
/// hidden and gitignored paths skipped, sorted). Files in a directory that are not GPU
/// profiles (READMEs, other captures) are skipped with one note per directory; a file
/// named directly is kept, so that reading it explains what is wrong with it.
pub fn discover(
    inputs: &[super::attach::ProfileInput],
) -> (Vec<super::attach::ProfileInput>, Vec<String>) {
    let mut out = Vec::new();
    let mut notes = Vec::new();
    for input in inputs {
        if !input.path.is_dir() {
            out.push(input.clone());
            continue;
        }
        let mut files = Vec::new();
        for entry in crate::source::walk(&input.path) {
            match entry {
                Ok(e) if e.path().is_file() => files.push(e.into_path()),
                Ok(_) => {}
                Err(err) => notes.push(format!(
                    "skipped while walking {}: {err}",
                    input.path.display()
                )),
            }
        }
        files.sort();
        let before = out.len();
        let mut skipped = 0;
        for path in files {
            if sniff(&path).is_some() {
                out.push(super::attach::ProfileInput {
                    path,
                    workload: input.workload.clone(),
                });
            } else {
                skipped += 1;
            }
        }
        if skipped > 0 {
            notes.push(format!(
                "{}: skipped {skipped} file(s) that are not GPU profiles",
                input.path.display()
            ));
        }
        if out.len() == before {
            notes.push(format!("{}: no GPU profiles found", input.path.display()));
        }
    }
    (out, notes)
}

/// A profile read, with the workload it was named for (`--profile NS/NAME=PATH`).
pub type NamedProfile = (Profile, Option<String>);

/// Discovers and reads every profile among `inputs` in parallel, each paired with the
/// workload it was named for. A file named directly that cannot be read is an error: the
/// user asked for it, and a run without it would look like one with it. A file found in a
/// named directory that cannot be read is a note.
pub fn read_inputs(
    inputs: &[super::attach::ProfileInput],
) -> Result<(Vec<NamedProfile>, Vec<String>), ProfileError> {
    use rayon::prelude::*;
    let (files, mut notes) = discover(inputs);
    let files = super::attach::once_each(files);
    let read: Vec<Result<Vec<Profile>, ProfileError>> =
        files.par_iter().map(|p| read_path(&p.path)).collect();
    let named: std::collections::HashSet<&Path> = inputs
        .iter()
        .filter(|i| !i.path.is_dir())
        .map(|i| i.path.as_path())
        .collect();
    let mut out = Vec::new();
    for (input, r) in files.iter().zip(read) {
        match r {
            Ok(ps) => {
                for mut p in ps {
                    notes.append(&mut p.notes);
                    if p.gpus
                        .values()
                        .all(|g| g.util_samples == 0 && g.mem_samples == 0)
                    {
                        notes.push(format!(
                            "{}: no GPU utilisation or memory samples read{}",
                            p.source,
                            p.pod
                                .as_deref()
                                .map(|pod| format!(" for pod {pod}"))
                                .unwrap_or_default()
                        ));
                        continue;
                    }
                    out.push((p, input.workload.clone()));
                }
            }
            Err(e) if named.contains(input.path.as_path()) => return Err(e),
            Err(e) => notes.push(e.to_string()),
        }
    }
    Ok((out, notes))
}

/// The format of a file, from its name and first 4 KiB.
fn sniff(path: &Path) -> Option<Format> {
    let mut head = vec![0u8; 4096];
    let mut file = std::fs::File::open(path).ok()?;
    let mut n = 0;
    while n < head.len() {
        match file.read(&mut head[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(_) => return None,
        }
    }
    detect(
        &path.to_string_lossy(),
        &String::from_utf8_lossy(&head[..n]),
    )
}

pub fn detect(name: &str, head: &str) -> Option<Format> {
    let lower = head.to_ascii_lowercase();
    if head.trim_start().starts_with('{') {
        if lower.contains("\"resulttype\"") || lower.contains("\"data\"") {
            return Some(Format::QueryRangeJson);
        }
        if lower.contains("avg_gpu_percent") || lower.contains("avg_gpu_memory_mb") {
            return Some(Format::ResourceProfileJson);
        }
        return None;
    }
    if head.contains("DCGM_FI_") {
        return Some(Format::DcgmText);
    }
    let first = lower.lines().next().unwrap_or("");
    if first.contains("timestamp")
        || first.contains("utilization.gpu")
        || first.contains("memory.used")
        || name.ends_with(".csv")
    {
        return Some(Format::NvidiaSmiCsv);
    }
    None
}

pub fn read(
    name: &str,
    format: Format,
    reader: impl BufRead,
) -> Result<Vec<Profile>, ProfileError> {
    match format {
        Format::NvidiaSmiCsv => nvidia_smi(name, reader).map(|p| vec![p]),
        Format::DcgmText => dcgm_text(name, reader),
        Format::QueryRangeJson => query_range(name, reader),
        Format::ResourceProfileJson => resource_profile(name, reader).map(|p| vec![p]),
    }
}

/// The longest line read; longer ones are skipped (and counted), so memory stays bounded.
pub(super) const MAX_LINE: usize = 64 * 1024;

/// Calls `f` with each line (1-based number, text with invalid UTF-8 replaced) until it
/// returns `false`. Returns the number of lines skipped for being longer than [`MAX_LINE`];
/// an error comes with the number of the line it is about.
fn each_line(
    reader: impl BufRead,
    mut f: impl FnMut(&str) -> Result<bool, ProfileProblem>,
) -> Result<u64, (u64, ProfileProblem)> {
    each_line_bytes(reader, |line| match std::str::from_utf8(line) {
        Ok(text) => f(text),
        Err(_) => f(&String::from_utf8_lossy(line)),
    })
}

/// [`each_line`] on bytes, without a trailing `\r`. Lines that lie whole in the reader's
/// buffer are passed without copying; only a line cut by the buffer's end is assembled.
pub(super) fn each_line_bytes(
    mut reader: impl BufRead,
    mut f: impl FnMut(&[u8]) -> Result<bool, ProfileProblem>,
) -> Result<u64, (u64, ProfileProblem)> {
    let strip = |l: &[u8]| -> usize { l.len() - usize::from(l.last() == Some(&b'\r')) };
    let mut buf: Vec<u8> = Vec::new();
    let mut overlong = false;
    let mut skipped = 0;
    let mut number = 0u64;
    loop {
        let chunk = reader
            .fill_buf()
            .map_err(|e| (number + 1, ProfileProblem::Io(e.to_string())))?;
        if chunk.is_empty() {
            if !buf.is_empty() && !overlong {
                number += 1;
                f(&buf[..strip(&buf)]).map_err(|e| (number, e))?;
            }
            return Ok(skipped + u64::from(overlong));
        }
        let mut start = 0;
        for end in memchr::memchr_iter(b'\n', chunk) {
            number += 1;
            let part = &chunk[start..end];
            start = end + 1;
            let go_on = if overlong || buf.len() + part.len() > MAX_LINE {
                skipped += 1;
                true
            } else if buf.is_empty() {
                f(&part[..strip(part)]).map_err(|e| (number, e))?
            } else {
                buf.extend_from_slice(part);
                f(&buf[..strip(&buf)]).map_err(|e| (number, e))?
            };
            overlong = false;
            buf.clear();
            if !go_on {
                return Ok(skipped);
            }
        }
        let rest = &chunk[start..];
        if !overlong {
            if buf.len() + rest.len() > MAX_LINE {
                overlong = true;
                buf.clear();
            } else {
                buf.extend_from_slice(rest);
            }
        }
        let used = chunk.len();
        reader.consume(used);
    }
}

/// A note about lines [`each_line`] skipped.
pub(super) fn overlong_note(name: &str, skipped: u64) -> Option<String> {
    (skipped > 0).then(|| {
        format!(
            "{name}: skipped {skipped} line(s) longer than {} KiB",
            MAX_LINE / 1024
        )
    })
}

/// A finite, non-negative sample value.
fn sample(v: f64) -> Option<f64> {
    (v.is_finite() && v >= 0.0).then_some(v)
}

/// A reading as a reader found it: a number already parsed, or text to parse.
pub(super) enum Reading<'t> {
    Value(f64),
    Text(Cow<'t, str>),
}

impl<'t> From<&'t str> for Reading<'t> {
    fn from(text: &'t str) -> Self {
        Reading::Text(Cow::Borrowed(text))
    }
}

/// What a reader dropped or changed, so that a profile is never lenient in silence: the
/// counts end up in one note per file.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub(super) struct Tally {
    /// Lines or values that should hold a reading and do not parse.
    malformed: u64,
    /// Readings that parse but cannot be true: negative, not finite.
    out_of_range: u64,
    /// Readings past what the statistics keep: utilisation over 100%, memory over 1 TiB.
    clamped: u64,
}

impl Tally {
    /// A utilisation reading; `None` when absent (`[N/A]`, empty) or dropped.
    pub(super) fn util<'t>(&mut self, r: Option<impl Into<Reading<'t>>>) -> Option<f64> {
        let v = self.value(r?.into())?;
        if v > 100.0 {
            self.clamped += 1;
            return Some(100.0);
        }
        Some(v)
    }

    /// A memory reading in MiB.
    pub(super) fn mem<'t>(&mut self, r: Option<impl Into<Reading<'t>>>) -> Option<f64> {
        let v = self.value(r?.into())?;
        if v > super::stats::MAX_MEM_MIB {
            self.clamped += 1;
            return Some(super::stats::MAX_MEM_MIB);
        }
        Some(v)
    }

    fn value(&mut self, r: Reading<'_>) -> Option<f64> {
        let v = match r {
            Reading::Value(v) => v,
            Reading::Text(text) => {
                let t = text.trim();
                if t.is_empty() || t.starts_with('[') {
                    return None; // not recorded: `[N/A]`, `[Not Supported]`
                }
                let Some(v) = number(t).or_else(|| t.parse::<f64>().ok()) else {
                    self.malformed += 1;
                    return None;
                };
                v
            }
        };
        if sample(v).is_none() {
            self.out_of_range += 1;
            return None;
        }
        Some(v)
    }

    /// Adds what another part of the same file dropped or changed.
    pub(super) fn add(&mut self, other: &Tally) {
        self.malformed += other.malformed;
        self.out_of_range += other.out_of_range;
        self.clamped += other.clamped;
    }

    /// One note for the file, when anything was dropped or clamped.
    pub(super) fn note(&self, name: &str) -> Option<String> {
        let mut parts = Vec::new();
        if self.malformed > 0 {
            parts.push(format!("skipped {} malformed reading(s)", self.malformed));
        }
        if self.out_of_range > 0 {
            parts.push(format!(
                "dropped {} impossible reading(s) (negative or not finite)",
                self.out_of_range
            ));
        }
        if self.clamped > 0 {
            parts.push(format!(
                "clamped {} reading(s) to 100% utilisation or 1 TiB of memory",
                self.clamped
            ));
        }
        (!parts.is_empty()).then(|| format!("{name}: {}", parts.join("; ")))
    }
}

/// A number from an nvidia-smi field such as `35 %`, `1234 MiB` or `[N/A]`.
pub(super) fn number(field: &str) -> Option<f64> {
    let t = field.trim();
    if t.starts_with('[') || t.is_empty() {
        return None;
    }
    // The number is everything before the unit (`35 %`, `6144 MiB`, `1.5e+03`).
    let number = t.split_whitespace().next().unwrap_or(t);
    let number = number
        .trim_end_matches(|c: char| c == '%' || c.is_ascii_alphabetic() && c != 'e' && c != 'E');
    number.parse().ok().filter(|v: &f64| v.is_finite())
}

/// Labels of one exposition line, and the rest of it.
fn labels(line: &str) -> Option<(&str, BTreeMap<&str, &str>, &str)> {
    let open = line.find('{');
    let (name, rest) = match open {
        Some(i) => (&line[..i], &line[i + 1..]),
        None => {
            let sp = line.find(' ')?;
            return Some((&line[..sp], BTreeMap::new(), &line[sp + 1..]));
        }
    };
    let close = rest.rfind('}')?;
    let mut map = BTreeMap::new();
    let body = &rest[..close];
    let mut i = 0;
    let b = body.as_bytes();
    while i < b.len() {
        let eq = body[i..].find('=')? + i;
        let key = body[i..eq].trim().trim_start_matches(',').trim();
        let start = eq + 2; // after `="`
        let mut j = start;
        while j < b.len() && b[j] != b'"' {
            if b[j] == b'\\' {
                j += 1;
            }
            j += 1;
        }
        map.insert(key, body.get(start..j.min(b.len())).unwrap_or(""));
        i = j + 1;
        while i < b.len() && (b[i] == b',' || b[i] == b' ') {
            i += 1;
        }
    }
    Some((name, map, rest[close + 1..].trim()))
}

/// GPUs pods held per node in one file, whichever pod holds them.
type NodeGpus = BTreeMap<String, std::collections::BTreeSet<String>>;

/// The node a DCGM series is from: `Hostname` (`hostname` on newer exporters), else a
/// node label a relabelling added. Not `instance`: that is the exporter's address.
pub(crate) fn node_label<'v>(get: impl Fn(&str) -> Option<&'v str>) -> Option<String> {
    [
        "Hostname",
        "hostname",
        "node",
        "kubernetes_node",
        "nodename",
    ]
    .iter()
    .find_map(|k| get(k).filter(|v| !v.is_empty()))
    .map(str::to_string)
}

/// Profiles by (namespace, pod).
type ByPod = BTreeMap<(Option<String>, Option<String>), Profile>;

/// The profile of a (namespace, pod), made on first sight.
fn pod_profile<'p>(
    by_pod: &'p mut ByPod,
    name: &str,
    key: &(Option<String>, Option<String>),
) -> &'p mut Profile {
    by_pod.entry(key.clone()).or_insert_with(|| Profile {
        source: name.to_string(),
        namespace: key.0.clone(),
        pod: key.1.clone(),
        ..Profile::default()
    })
}

/// A GPU's id: its UUID (unique), else its index, which is only unique on its host.
pub(crate) fn gpu_id(uuid: Option<String>, index: Option<String>, node: Option<&str>) -> String {
    uuid.unwrap_or_else(|| {
        let index = index.unwrap_or_else(|| "0".to_string());
        match node {
            Some(n) => format!("{n}/{index}"),
            None => index,
        }
    })
}

/// The profiles, with samples counted per GPU and the GPUs pods held on their nodes.
fn finish(by_pod: ByPod, nodes: &NodeGpus) -> Vec<Profile> {
    by_pod
        .into_values()
        .map(|mut p| {
            p.samples = p.samples_per_gpu();
            p.see_nodes(nodes);
            p
        })
        .collect()
}

/// A DCGM exporter scrape (or many, concatenated, with or without timestamps).
pub fn dcgm_text(name: &str, reader: impl BufRead) -> Result<Vec<Profile>, ProfileError> {
    let mut scrape = Dcgm {
        name,
        by_pod: BTreeMap::new(),
        free: BTreeMap::new(),
        nodes: BTreeMap::new(),
        too_many: false,
    };
    let progress = Progress::new(name);
    let mut lines = 0u64;
    let mut tally = Tally::default();
    let skipped = each_line(reader, |line| {
        lines += 1;
        if lines.is_multiple_of(smi::PROGRESS_EVERY) {
            progress.add(smi::PROGRESS_EVERY);
        }
        scrape.line(line, &mut tally);
        Ok(true)
    })
    .map_err(|e| ProfileError::at_line(name, e))?;
    progress.done(lines);
    Ok(scrape.finish(skipped, tally))
}

/// What a DCGM scrape has shown so far.
struct Dcgm<'n> {
    name: &'n str,
    by_pod: ByPod,
    /// The last `DCGM_FI_DEV_FB_FREE` per GPU, for its memory total.
    free: BTreeMap<String, f64>,
    nodes: NodeGpus,
    /// Whether series were skipped for the per-file limits.
    too_many: bool,
}

impl Dcgm<'_> {
    /// Read one exposition line: utilisation and frame-buffer series, others skipped.
    fn line(&mut self, line: &str, tally: &mut Tally) {
        if line.starts_with('#') || !line.starts_with("DCGM_FI_DEV_") {
            return;
        }
        let wanted = |m: &str| {
            matches!(
                m,
                "DCGM_FI_DEV_GPU_UTIL" | "DCGM_FI_DEV_FB_USED" | "DCGM_FI_DEV_FB_FREE"
            )
        };
        let Some((metric, l, rest)) = labels(line) else {
            let name = line.split(['{', ' ']).next().unwrap_or_default();
            if wanted(name) {
                tally.malformed += 1; // a series skinflint reads, with broken labels
            }
            return;
        };
        if !wanted(metric) {
            return;
        }
        let mut parts = rest.split_whitespace();
        let Some(raw) = parts.next().map(Some) else {
            tally.malformed += 1; // a sample without a value
            return;
        };
        let value = if metric == "DCGM_FI_DEV_GPU_UTIL" {
            tally.util(raw)
        } else {
            tally.mem(raw)
        };
        let Some(value) = value else {
            return;
        };
        let ts = parts.next().and_then(time::parse);
        // `exported_*` first: without honorLabels, `pod` is the exporter's own pod.
        let pick = |a: &str, b: &str| {
            l.get(a)
                .or_else(|| l.get(b))
                .filter(|v| !v.is_empty())
                .map(|v| v.to_string())
        };
        let key = (
            pick("exported_namespace", "namespace"),
            pick("exported_pod", "pod"),
        );
        let node = node_label(|k| l.get(k).copied());
        let gpu = gpu_id(pick("UUID", "uuid"), pick("gpu", "gpu"), node.as_deref());
        if !self.admit(&key, node.as_deref(), &gpu) {
            self.too_many = true;
            return;
        }
        let p = pod_profile(&mut self.by_pod, self.name, &key);
        p.see_time(ts);
        let g = p.gpu(&gpu);
        if g.name.is_none() {
            g.name = l.get("modelName").map(|s| s.to_string());
        }
        if g.node.is_none() {
            g.node = node;
        }
        match metric {
            "DCGM_FI_DEV_GPU_UTIL" => {
                g.add_util_at(value, ts);
                if let Some(t) = ts {
                    p.series.add(t, Some(value), None);
                }
                p.samples += 1;
            }
            "DCGM_FI_DEV_FB_FREE" => {
                self.free.insert(gpu, value);
            }
            _ => {
                g.add_mem_at(value, ts);
                if let Some(f) = self.free.get(&gpu) {
                    g.memory_total_mib = Some(value + f);
                }
                if let Some(t) = ts {
                    p.series.add(t, None, Some(value));
                }
            }
        }
    }

    /// Whether a series fits the per-file limits on nodes, pods and GPUs per pod; only
    /// GPUs a pod holds are recorded on their node (an unallocated GPU shares nothing).
    fn admit(
        &mut self,
        key: &(Option<String>, Option<String>),
        node: Option<&str>,
        gpu: &str,
    ) -> bool {
        if let (Some(n), Some(_)) = (node, &key.1) {
            if !self.nodes.contains_key(n) && self.nodes.len() >= MAX_GPUS_PER_FILE {
                return false;
            }
            let on = self.nodes.entry(n.to_string()).or_default();
            if on.len() < MAX_GPUS_PER_FILE {
                on.insert(gpu.to_string());
            }
        }
        if !self.by_pod.contains_key(key) && self.by_pod.len() >= MAX_GPUS_PER_FILE {
            return false;
        }
        let p = pod_profile(&mut self.by_pod, self.name, key);
        p.gpus.contains_key(gpu) || p.gpus.len() < MAX_GPUS_PER_FILE
    }

    /// The profiles, with totals from a `FB_FREE` that came after `FB_USED`, and notes
    /// about skipped lines and series on the first.
    fn finish(mut self, skipped: u64, tally: Tally) -> Vec<Profile> {
        for p in self.by_pod.values_mut() {
            for (id, g) in p.gpus.iter_mut() {
                if g.memory_total_mib.is_none() {
                    if let Some(f) = self.free.get(id) {
                        g.memory_total_mib = Some(g.peak_mem_mib + f);
                    }
                }
            }
        }
        let mut out = finish(self.by_pod, &self.nodes);
        if let Some(first) = out.first_mut() {
            first.notes.extend(overlong_note(self.name, skipped));
            first.notes.extend(tally.note(self.name));
            if self.too_many {
                first.notes.push(format!(
                    "{}: more than {MAX_GPUS_PER_FILE} pods or GPUs; the rest were skipped",
                    self.name
                ));
            }
        }
        out
    }
}

/// A saved `/api/v1/query_range` (or `/api/v1/query`) response of DCGM series.
pub fn query_range(name: &str, reader: impl Read) -> Result<Vec<Profile>, ProfileError> {
    let v = read_json(name, reader)?;
    let result = v
        .pointer("/data/result")
        .and_then(|r| r.as_array())
        .ok_or_else(|| ProfileError::new(name, ProfileProblem::NoResult))?;
    let mut by_pod = ByPod::new();
    let mut nodes: NodeGpus = BTreeMap::new();
    for series in result {
        query_series(name, series, &mut by_pod, &mut nodes);
    }
    Ok(finish(by_pod, &nodes))
}

/// One series of a Prometheus response: its labels say whose GPU it is, its values
/// (a range, or one instant sample) are utilisation or memory.
fn query_series(name: &str, series: &serde_json::Value, by_pod: &mut ByPod, nodes: &mut NodeGpus) {
    let m = &series["metric"];
    let s = |k: &str| {
        m.get(k)
            .and_then(|v| v.as_str())
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    };
    let metric = s("__name__").unwrap_or_default();
    // `exported_*` first: without honorLabels, `pod` is the exporter's own pod.
    let key = (
        s("exported_namespace").or_else(|| s("namespace")),
        s("exported_pod").or_else(|| s("pod")),
    );
    let node = node_label(|k| m.get(k).and_then(|v| v.as_str()));
    let gpu = gpu_id(s("UUID"), s("gpu"), node.as_deref());
    if let (Some(n), Some(_)) = (&node, &key.1) {
        nodes.entry(n.clone()).or_default().insert(gpu.clone());
    }
    let p = pod_profile(by_pod, name, &key);
    let values: Vec<&serde_json::Value> = match (series.get("values"), series.get("value")) {
        (Some(vs), _) => vs
            .as_array()
            .map(|a| a.iter().collect())
            .unwrap_or_default(),
        (None, Some(v)) => vec![v],
        _ => Vec::new(),
    };
    let model = s("modelName");
    for pair in values {
        let ts = pair
            .get(0)
            .and_then(|t| t.as_f64())
            .and_then(|t| time::parse(&t.to_string()));
        let val = pair
            .get(1)
            .and_then(|x| x.as_str())
            .and_then(|x| x.parse::<f64>().ok())
            .and_then(sample);
        let Some(val) = val else { continue };
        let (util, mem) = match metric.as_str() {
            "DCGM_FI_DEV_GPU_UTIL" => (Some(val), None),
            "DCGM_FI_DEV_FB_USED" => (None, Some(val)),
            _ => continue,
        };
        p.see_time(ts);
        let g = p.gpu(&gpu);
        if g.name.is_none() {
            g.name = model.clone();
        }
        if g.node.is_none() {
            g.node = node.clone();
        }
        if let Some(u) = util {
            g.add_util_at(u, ts);
        }
        if let Some(m) = mem {
            g.add_mem_at(m, ts);
        }
        if util.is_some() {
            p.samples += 1;
        }
        if let Some(t) = ts {
            p.series.add(t, util, mem);
        }
    }
}

/// A whole JSON file.
fn read_json(name: &str, mut reader: impl Read) -> Result<serde_json::Value, ProfileError> {
    let mut text = String::new();
    reader
        .read_to_string(&mut text)
        .map_err(|e| ProfileError::io(name, e))?;
    serde_json::from_str(&text).map_err(|e| ProfileError::json(name, e))
}

/// The design's `ResourceProfile` as JSON: averages only, so one sample.
pub fn resource_profile(name: &str, reader: impl Read) -> Result<Profile, ProfileError> {
    let v = read_json(name, reader)?;
    let f = |k: &str| v.get(k).and_then(|x| x.as_f64());
    let mut p = Profile {
        source: name.to_string(),
        samples: 1,
        ..Profile::default()
    };
    let g = p.gpu("0");
    if let Some(u) = f("avg_gpu_percent") {
        g.add_util(u);
    }
    if let Some(m) = f("avg_gpu_memory_mb") {
        g.add_mem(m);
    }
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dropped_and_clamped_readings_are_counted_in_a_note() {
        let csv = "timestamp, name, index, uuid, utilization.gpu [%], memory.used [MiB], memory.total [MiB]\n\
            2026/01/01 00:00:00.000, A10G, 0, GPU-0, 150 %, 3000 MiB, 22888 MiB\n\
            2026/01/01 00:01:00.000, A10G, 0, GPU-0, abc %, -5 MiB, 22888 MiB\n\
            2026/01/01 00:02:00.000, A10G, 0, GPU-0, [N/A], 4000 MiB, 22888 MiB\n";
        let p = nvidia_smi("p.csv", csv.as_bytes()).unwrap();
        let g = &p.gpus["GPU-0"];
        assert_eq!((g.util_samples, g.mem_samples), (1, 2));
        assert_eq!(g.max_util, 100.0);
        assert_eq!(
            p.notes,
            ["p.csv: skipped 1 malformed reading(s); dropped 1 impossible reading(s) (negative or not finite); clamped 1 reading(s) to 100% utilisation or 1 TiB of memory"]
        );
        // `[N/A]` is a reading not taken, not a malformed one; a clean file has no note.
        let clean = "utilization.gpu [%], memory.used [MiB]\n[N/A], 10 MiB\n5 %, 12 MiB\n";
        assert!(nvidia_smi("c.csv", clean.as_bytes())
            .unwrap()
            .notes
            .is_empty());
    }

    #[test]
    fn malformed_dcgm_lines_are_counted() {
        let text = "# HELP DCGM_FI_DEV_GPU_UTIL x\n\
            DCGM_FI_DEV_GPU_UTIL{gpu=\"0\",UUID=\"GPU-0\",pod=\"a\",namespace=\"ml\"} 40\n\
            DCGM_FI_DEV_GPU_UTIL{gpu=\"0\",UUID=\"GPU-0\",pod=\"a\" 41\n\
            DCGM_FI_DEV_FB_USED{gpu=\"0\",UUID=\"GPU-0\",pod=\"a\",namespace=\"ml\"} NaN\n\
            DCGM_FI_DEV_FB_USED{gpu=\"0\",UUID=\"GPU-0\",pod=\"a\",namespace=\"ml\"}\n\
            DCGM_FI_DEV_SM_CLOCK{gpu=\"0\"} broken\n";
        let ps = dcgm_text("d.prom", text.as_bytes()).unwrap();
        assert_eq!(ps.len(), 1);
        assert_eq!(
            ps[0].notes,
            ["d.prom: skipped 2 malformed reading(s); dropped 1 impossible reading(s) (negative or not finite)"]
        );
    }

    #[test]
    fn numbers_with_units() {
        for (field, want) in [
            ("35 %", Some(35.0)),
            ("35%", Some(35.0)),
            ("6144 MiB", Some(6144.0)),
            ("6144MiB", Some(6144.0)),
            ("72.51 W", Some(72.51)),
            ("5e+03 MiB", Some(5000.0)),
            ("[N/A]", None),
            ("[Not Supported]", None),
            ("", None),
            ("NaN", None),
        ] {
            assert_eq!(number(field), want, "{field:?}");
        }
    }

    #[test]
    fn nvidia_smi_with_units_and_any_order() {
        let csv = "name, memory.used [MiB], timestamp, utilization.gpu [%], memory.total [MiB], uuid\nNVIDIA A10G, 6144 MiB, 2026/01/01 00:00:00.000, 35 %, 22888 MiB, GPU-1\nNVIDIA A10G, [N/A], 2026/01/01 00:00:10.000, 40 %, 22888 MiB, GPU-1\n";
        let p = nvidia_smi("x", csv.as_bytes()).unwrap();
        let g = &p.gpus["GPU-1"];
        assert_eq!(g.name.as_deref(), Some("NVIDIA A10G"));
        assert_eq!(g.memory_total_mib, Some(22888.0));
        assert_eq!((g.util_samples, g.mem_samples), (2, 1));
        assert_eq!(p.duration_s(), 10.0);
    }

    #[test]
    fn one_column_csv_invalid_utf8_and_overlong_lines() {
        let csv = b"utilization.gpu [%]\n35 %\n\xff\xfe garbage\n40 %\n";
        let p = nvidia_smi("x", &csv[..]).unwrap();
        assert_eq!(p.gpus["0"].util_samples, 2);
        let mut text = String::from("DCGM_FI_DEV_GPU_UTIL{gpu=\"0\",pod=\"a\"} 10\n# \u{e9}\n");
        text.push_str(&"x".repeat(MAX_LINE + 10));
        text.push_str("\nDCGM_FI_DEV_GPU_UTIL{gpu=\"0\",pod=\"a\"} 20\n");
        let mut bytes = text.into_bytes();
        bytes.extend_from_slice(b"# \xe9 Latin-1\nDCGM_FI_DEV_GPU_UTIL{gpu=\"0\",pod=\"a\"} 30\n");
        let ps = dcgm_text("x", &bytes[..]).unwrap();
        assert_eq!(
            ps[0].gpus["0"].util_samples, 3,
            "reading goes on past bad lines"
        );
        assert!(
            ps[0].notes.iter().any(|n| n.contains("skipped 1 line")),
            "{:?}",
            ps[0].notes
        );
    }

    #[test]
    fn exported_labels_win_and_corrupt_values_are_dropped() {
        let text = "DCGM_FI_DEV_GPU_UTIL{gpu=\"0\",UUID=\"G\",pod=\"dcgm-exporter-x7k2p\",namespace=\"gpu-operator\",exported_pod=\"llm-7d9f8c6b5-abcde\",exported_namespace=\"ml\"} 35\n\
DCGM_FI_DEV_FB_FREE{gpu=\"0\",UUID=\"G\",exported_pod=\"llm-7d9f8c6b5-abcde\",exported_namespace=\"ml\"} NaN\n\
DCGM_FI_DEV_FB_USED{gpu=\"0\",UUID=\"G\",exported_pod=\"llm-7d9f8c6b5-abcde\",exported_namespace=\"ml\"} 6000 +Inf\n";
        let ps = dcgm_text("x", text.as_bytes()).unwrap();
        assert_eq!(ps.len(), 1);
        assert_eq!(ps[0].pod.as_deref(), Some("llm-7d9f8c6b5-abcde"));
        assert_eq!(ps[0].namespace.as_deref(), Some("ml"));
        let g = &ps[0].gpus["G"];
        assert_eq!(g.memory_total_mib, None, "a NaN FB_FREE gives no total");
        assert_eq!(ps[0].last_ts, None, "an infinite timestamp is no time");
    }

    #[test]
    fn samples_are_counted_per_gpu() {
        let mut text = String::new();
        for t in 0..3 {
            for g in 0..2 {
                text.push_str(&format!(
                    "DCGM_FI_DEV_GPU_UTIL{{gpu=\"{g}\",pod=\"p\"}} 50 {}\n",
                    1_767_225_600 + t * 60
                ));
            }
        }
        let ps = dcgm_text("x", text.as_bytes()).unwrap();
        assert_eq!((ps[0].samples, ps[0].gpus.len()), (3, 2));
    }

    #[test]
    fn dcgm_labels_and_pods() {
        let text = "# HELP x\nDCGM_FI_DEV_GPU_UTIL{gpu=\"0\",UUID=\"GPU-a\",modelName=\"NVIDIA L4\",namespace=\"ml\",pod=\"llm-7d9f8-abcde\"} 35 1700000000000\nDCGM_FI_DEV_FB_USED{gpu=\"0\",UUID=\"GPU-a\",modelName=\"NVIDIA L4\",namespace=\"ml\",pod=\"llm-7d9f8-abcde\"} 6000 1700000000000\nDCGM_FI_DEV_FB_FREE{gpu=\"0\",UUID=\"GPU-a\",namespace=\"ml\",pod=\"llm-7d9f8-abcde\"} 16888 1700000010000\n";
        let ps = dcgm_text("x", text.as_bytes()).unwrap();
        assert_eq!(ps.len(), 1);
        assert_eq!(ps[0].pod.as_deref(), Some("llm-7d9f8-abcde"));
        assert_eq!(ps[0].gpus["GPU-a"].memory_total_mib, Some(22888.0));
        assert_eq!(ps[0].duration_s(), 10.0);
    }
}
