//! nvidia-smi `--query-gpu … --format=csv[,nounits]` captures. Rows are read as bytes:
//! each is split once, numbers and timestamps are parsed without allocating, and text is
//! decoded only for the fields that name a GPU. A large file is cut at line boundaries into
//! one byte range per thread; each range is summarised on its own (the statistics merge)
//! and the summaries are merged in file order, so memory does not grow with the file.

use super::read::{each_line_bytes, overlong_note, ProfileError, ProfileProblem, Progress, Tally};
use super::{time, Profile, MAX_GPUS_PER_FILE};
use std::borrow::Cow;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::Path;

/// Files at least this large are read in parallel ranges; smaller ones on one thread,
/// where splitting would cost more than it saves.
pub const PARALLEL_FROM: u64 = 4 << 20;

/// The most ranges one file is cut into.
const MAX_RANGES: usize = 64;

/// Reads an nvidia-smi capture from a stream (standard input, a small file).
pub fn nvidia_smi(name: &str, reader: impl BufRead) -> Result<Profile, ProfileError> {
    let progress = Progress::new(name);
    let mut header: Option<Header> = None;
    let mut part: Option<Part> = None;
    let skipped = each_line_bytes(reader, |line| {
        match &header {
            None => {
                if !trim(line).is_empty() {
                    header = Some(Header::parse(line)?);
                }
            }
            Some(h) => part
                .get_or_insert_with(|| Part::new(name, &progress))
                .line(h, line),
        }
        Ok(true)
    })
    .map_err(|e| ProfileError::at_line(name, e))?;
    if header.is_none() {
        return Err(ProfileError::new(name, ProfileProblem::EmptyCsv));
    }
    let part = part.unwrap_or_else(|| Part::new(name, &progress));
    Ok(finish(name, vec![part], skipped, &progress))
}

/// Reads an nvidia-smi capture file, in parallel ranges when it is large.
pub fn read_file(name: &str, path: &Path) -> Result<Profile, ProfileError> {
    let unreadable = |e: std::io::Error| ProfileError::new(name, ProfileProblem::Io(e.to_string()));
    let len = std::fs::metadata(path).map_err(unreadable)?.len();
    let open = || std::fs::File::open(path).map_err(unreadable);
    if len < PARALLEL_FROM {
        return nvidia_smi(name, BufReader::new(open()?));
    }
    let (header, body_start) = read_header(name, open()?)?;
    let ranges = cut(open()?, body_start, len, threads_for(len)).map_err(unreadable)?;
    let progress = Progress::new(name);
    use rayon::prelude::*;
    let parts: Vec<Result<(Part, u64), ProfileError>> = ranges
        .par_iter()
        .map(|&(start, end)| {
            let mut file = open()?;
            file.seek(SeekFrom::Start(start)).map_err(unreadable)?;
            let reader = BufReader::with_capacity(1 << 20, file.take(end - start));
            let mut part = Part::new(name, &progress);
            let skipped = each_line_bytes(reader, |line| {
                part.line(&header, line);
                Ok(true)
            })
            .map_err(|(_, problem)| ProfileError::new(name, problem))?;
            Ok((part, skipped))
        })
        .collect();
    let mut skipped = 0;
    let mut done = Vec::with_capacity(parts.len());
    for r in parts {
        let (part, s) = r?;
        skipped += s;
        done.push(part);
    }
    Ok(finish(name, done, skipped, &progress))
}

/// How many ranges a file of `len` bytes is cut into: one per thread, none smaller than
/// [`PARALLEL_FROM`].
fn threads_for(len: u64) -> usize {
    let by_size = (len / PARALLEL_FROM).max(1) as usize;
    rayon::current_num_threads()
        .min(by_size)
        .clamp(1, MAX_RANGES)
}

/// The header (the first line that is not blank) and the offset of the line after it.
fn read_header(name: &str, file: std::fs::File) -> Result<(Header, u64), ProfileError> {
    let mut header = None;
    let mut offset = 0u64;
    let mut reader = BufReader::new(file);
    let mut line = Vec::new();
    let mut number = 0;
    while header.is_none() {
        line.clear();
        let n = reader
            .by_ref()
            .take(super::read::MAX_LINE as u64 + 1)
            .read_until(b'\n', &mut line)
            .map_err(|e| ProfileError::new(name, ProfileProblem::Io(e.to_string())))?;
        number += 1;
        if n == 0 {
            return Err(ProfileError::new(name, ProfileProblem::EmptyCsv));
        }
        offset += n as u64;
        let text = line.strip_suffix(b"\n").unwrap_or(&line);
        let text = text.strip_suffix(b"\r").unwrap_or(text);
        if !trim(text).is_empty() {
            header =
                Some(Header::parse(text).map_err(|p| ProfileError::at_line(name, (number, p)))?);
        }
    }
    Ok((header.expect("loop ends with a header"), offset))
}

/// Byte ranges of `[start, len)` cut just after a newline, `n` of about equal size.
fn cut(
    mut file: std::fs::File,
    start: u64,
    len: u64,
    n: usize,
) -> std::io::Result<Vec<(u64, u64)>> {
    let mut bounds = vec![start];
    for k in 1..n {
        let guess = start + (len - start) * k as u64 / n as u64;
        let prev = *bounds.last().expect("starts with one");
        if guess <= prev {
            continue;
        }
        file.seek(SeekFrom::Start(guess))?;
        let mut reader = BufReader::with_capacity(64 << 10, &mut file);
        let mut skip = Vec::new();
        // The line the guess falls in belongs to the range before it; skipping it reads
        // at most one line, and the limit bounds a line that never ends.
        let n = reader
            .by_ref()
            .take(len - guess)
            .read_until(b'\n', &mut skip)?;
        let next = guess + n as u64;
        if next < len {
            bounds.push(next);
        }
    }
    bounds.push(len);
    bounds.dedup();
    Ok(bounds.windows(2).map(|w| (w[0], w[1])).collect())
}

/// The parts merged in file order, with what was skipped or dropped in one note.
fn finish(name: &str, parts: Vec<Part>, skipped: u64, progress: &Progress) -> Profile {
    let mut tally = Tally::default();
    let mut too_many_gpus = false;
    let mut rows = 0;
    let mut profile: Option<Profile> = None;
    for part in parts {
        tally.add(&part.tally);
        too_many_gpus |= part.too_many_gpus;
        rows += part.rows;
        match &mut profile {
            None => profile = Some(part.p),
            Some(p) => p.merge(&part.p),
        }
    }
    let mut p = profile.unwrap_or_else(|| Profile {
        source: name.to_string(),
        ..Profile::default()
    });
    if p.gpus.len() > MAX_GPUS_PER_FILE {
        // Ranges read apart may each admit their own GPUs up to the limit.
        too_many_gpus = true;
        let extra: Vec<String> = p.gpus.keys().skip(MAX_GPUS_PER_FILE).cloned().collect();
        for id in extra {
            p.gpus.remove(&id);
            for ids in p.pods.values_mut().chain(p.node_gpus.values_mut()) {
                ids.remove(&id);
            }
        }
    }
    progress.done(rows);
    p.samples = p.samples_per_gpu();
    p.notes.extend(overlong_note(name, skipped));
    p.notes.extend(tally.note(name));
    if too_many_gpus {
        p.notes.push(format!(
            "{name}: more than {MAX_GPUS_PER_FILE} GPUs; the rest were skipped"
        ));
    }
    p
}

/// The header line, trimmed (a repeated header is skipped), and where its columns are.
struct Header {
    line: Vec<u8>,
    cols: SmiColumns,
}

impl Header {
    fn parse(line: &[u8]) -> Result<Header, ProfileProblem> {
        Ok(Header {
            line: trim(line).to_vec(),
            cols: SmiColumns::from_header(&String::from_utf8_lossy(line))?,
        })
    }
}

/// Where each column skinflint reads sits in an nvidia-smi row, found once from the header
/// (by name, lowercase, without the unit), so a row costs no lookups by name.
struct SmiColumns {
    /// Fields a row is split into: up to the last column read (exporters query hundreds).
    width: usize,
    uuid: Option<usize>,
    gpu: Option<usize>,
    index: Option<usize>,
    timestamp: Option<usize>,
    name: Option<usize>,
    hostname: Option<usize>,
    memory_total: Option<usize>,
    utilization: Option<usize>,
    memory_used: Option<usize>,
}

impl SmiColumns {
    fn from_header(line: &str) -> Result<SmiColumns, ProfileProblem> {
        let names: Vec<String> = line
            .split(',')
            .map(|f| f.split('[').next().unwrap_or(f).trim().to_ascii_lowercase())
            .collect();
        let at = |key: &str| names.iter().position(|n| n == key);
        let mut cols = SmiColumns {
            width: 0,
            uuid: at("uuid"),
            gpu: at("gpu"),
            index: at("index"),
            timestamp: at("timestamp"),
            name: at("name"),
            hostname: at("hostname"),
            memory_total: at("memory.total"),
            utilization: at("utilization.gpu"),
            memory_used: at("memory.used"),
        };
        if cols.utilization.is_none() && cols.memory_used.is_none() {
            return Err(ProfileProblem::NoUsableColumn);
        }
        cols.width = [
            cols.uuid,
            cols.gpu,
            cols.index,
            cols.timestamp,
            cols.name,
            cols.hostname,
            cols.memory_total,
            cols.utilization,
            cols.memory_used,
        ]
        .into_iter()
        .flatten()
        .max()
        .map_or(0, |i| i + 1);
        Ok(cols)
    }
}

/// Rows between two progress reports of one range.
pub(super) const PROGRESS_EVERY: u64 = 1 << 16;

/// What one range of rows has shown.
struct Part<'a> {
    name: &'a str,
    p: Profile,
    tally: Tally,
    too_many_gpus: bool,
    clock: time::Clock,
    /// Each field's byte range in the current row, reused from row to row.
    fields: Vec<(usize, usize)>,
    /// The id field of the last row, and its text.
    last_id: (Vec<u8>, String),
    rows: u64,
    progress: &'a Progress,
}

impl<'a> Part<'a> {
    fn new(name: &'a str, progress: &'a Progress) -> Self {
        Part {
            name,
            p: Profile {
                source: name.to_string(),
                ..Profile::default()
            },
            tally: Tally::default(),
            too_many_gpus: false,
            clock: time::Clock::default(),
            fields: Vec::new(),
            last_id: (Vec::new(), String::new()),
            rows: 0,
            progress,
        }
    }

    /// One line after the header: a row, or a blank line or repeated header (skipped).
    fn line(&mut self, header: &Header, line: &[u8]) {
        let trimmed = trim(line);
        if trimmed.is_empty() || trimmed == header.line {
            return;
        }
        let c = &header.cols;
        let mut fields = std::mem::take(&mut self.fields);
        fields.clear();
        let mut start = 0;
        for comma in memchr::memchr_iter(b',', line) {
            fields.push((start, comma));
            start = comma + 1;
            if fields.len() == c.width {
                break;
            }
        }
        if fields.len() < c.width {
            fields.push((start, line.len()));
        }
        let admitted = self.row(
            c,
            &SmiRow {
                line,
                fields: &fields,
            },
        );
        self.fields = fields;
        if admitted {
            self.rows += 1;
            if self.rows.is_multiple_of(PROGRESS_EVERY) {
                self.progress.add(PROGRESS_EVERY);
            }
        } else {
            self.too_many_gpus = true;
        }
    }

    /// One data row; false when it is for a GPU past the per-file limit (and skipped).
    fn row(&mut self, c: &SmiColumns, row: &SmiRow<'_>) -> bool {
        let p = &mut self.p;
        let id_field = row
            .get(c.uuid)
            .filter(|u| !u.starts_with(b"["))
            .or_else(|| row.get(c.gpu))
            .or_else(|| row.get(c.index))
            .unwrap_or(b"0");
        // Rows of one GPU often follow each other: its id is decoded once for the run.
        if self.last_id.0 != id_field {
            self.last_id = (id_field.to_vec(), text(id_field).into_owned());
        }
        let gpu_id = self.last_id.1.as_str();
        if !p.gpus.contains_key(gpu_id) {
            if p.gpus.len() >= MAX_GPUS_PER_FILE {
                return false;
            }
            // One nvidia-smi run sees one host: its `hostname` column, else the file.
            let node = row
                .get(c.hostname)
                .filter(|h| !h.starts_with(b"["))
                .map_or_else(|| self.name.to_string(), |h| text(h).into_owned());
            p.node_gpus
                .entry(node.clone())
                .or_default()
                .insert(gpu_id.to_string());
            p.gpu(gpu_id).node = Some(node);
        }
        let ts = row.get(c.timestamp).and_then(|t| self.clock.parse(t));
        p.see_time(ts);
        p.samples += 1;
        let tally = &mut self.tally;
        let total = tally.mem(row.get(c.memory_total).map(reading));
        let util = tally.util(row.get(c.utilization).map(reading));
        let mem = tally.mem(row.get(c.memory_used).map(reading));
        let g = p.gpu(gpu_id);
        if g.name.is_none() {
            g.name = row
                .get(c.name)
                .filter(|n| !n.starts_with(b"["))
                .map(|n| text(n).into_owned());
        }
        if let Some(total) = total {
            g.memory_total_mib = Some(total);
        }
        g.add_at(util, mem, ts);
        if let Some(t) = ts {
            p.series.add(t, util, mem);
        }
        true
    }
}

/// One data row: the line and its fields' byte ranges.
struct SmiRow<'r> {
    line: &'r [u8],
    fields: &'r [(usize, usize)],
}

impl<'r> SmiRow<'r> {
    /// The trimmed field of a column, when the row has it and it is not empty.
    fn get(&self, col: Option<usize>) -> Option<&'r [u8]> {
        let (a, b) = *self.fields.get(col?)?;
        Some(trim(self.line.get(a..b)?)).filter(|f| !f.is_empty())
    }
}

/// A field as text: borrowed when it is UTF-8, with invalid bytes replaced otherwise.
fn text(field: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(field) {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => String::from_utf8_lossy(field),
    }
}

/// A reading as [`Tally`] takes it: plain numbers (`35 %`, `6144 MiB`, `72.51 W`) parsed
/// here, anything else (exponents, signs, `[N/A]`, invalid text) left to the general path.
fn reading(field: &[u8]) -> super::read::Reading<'_> {
    match plain_number(field) {
        Some(v) => super::read::Reading::Value(v),
        None => super::read::Reading::Text(text(field)),
    }
}

/// Powers of ten a decimal fraction of up to 15 digits is divided by, all exact in f64.
const POW10: [f64; 16] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
];

/// Digits with at most one decimal point, then nothing, a space, or a unit of letters and
/// `%` (not an exponent): the same value the general parser gives, since a mantissa of at
/// most 15 digits and its power of ten are exact and one division rounds correctly.
fn plain_number(b: &[u8]) -> Option<f64> {
    let mut mantissa: u64 = 0;
    let mut digits = 0;
    let mut decimals = 0;
    let mut i = 0;
    let mut point = false;
    while let Some(&c) = b.get(i) {
        match c {
            b'0'..=b'9' => {
                mantissa = mantissa * 10 + u64::from(c - b'0');
                digits += 1;
                decimals += usize::from(point);
                if digits > 15 {
                    return None;
                }
            }
            b'.' if !point && digits > 0 => point = true,
            _ => break,
        }
        i += 1;
    }
    if digits == 0 {
        return None;
    }
    let rest = &b[i..];
    let word = rest
        .iter()
        .position(u8::is_ascii_whitespace)
        .map_or(rest, |end| &rest[..end]);
    let unit = |c: &u8| *c == b'%' || c.is_ascii_alphabetic() && !matches!(c, b'e' | b'E');
    word.iter()
        .all(unit)
        .then(|| mantissa as f64 / POW10[decimals])
}

/// ASCII whitespace trimmed from both ends.
fn trim(b: &[u8]) -> &[u8] {
    b.trim_ascii()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn plain_numbers_equal_the_general_parser() {
        for field in [
            "35 %",
            "35%",
            "6144 MiB",
            "6144MiB",
            "72.51 W",
            "0",
            "100",
            "1.",
            "0.1",
            "35 x",
            "35%x",
            "123456789012345",
            "99.999999999999",
        ] {
            let fast = plain_number(field.as_bytes());
            assert_eq!(fast, super::super::read::number(field), "{field:?}");
        }
        for general in [
            "5e+03 MiB",
            "35e",
            "-5",
            "+5",
            ".5",
            "1.2.3",
            "1234567890123456",
            "[N/A]",
            "NaN",
        ] {
            assert_eq!(plain_number(general.as_bytes()), None, "{general:?}");
        }
    }

    /// A capture of `rows` rows over `gpus` GPUs, 10 s apart per GPU.
    fn capture(rows: usize, gpus: usize) -> String {
        let mut s = String::from("timestamp, name, index, uuid, utilization.gpu [%], memory.used [MiB], memory.total [MiB]\n");
        for i in 0..rows {
            let t = (i / gpus) * 10;
            let g = i % gpus;
            s.push_str(&format!(
                "2026/01/{:02} {:02}:{:02}:{:02}.{:03}, NVIDIA A10G, {g}, GPU-{g}, {} %, {} MiB, 22888 MiB\n",
                1 + t / 86_400,
                t % 86_400 / 3600,
                t % 3600 / 60,
                t % 60,
                i % 1000,
                (i * 7) % 101,
                3000 + (i * 13) % 4000
            ));
            if i == rows / 2 {
                s.push('\n');
            }
        }
        s
    }

    #[test]
    fn ranges_read_in_parallel_equal_one_stream() {
        let csv = capture(60_000, 3);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.csv");
        std::fs::File::create(&path)
            .unwrap()
            .write_all(csv.as_bytes())
            .unwrap();
        let one = nvidia_smi("p.csv", csv.as_bytes()).unwrap();
        let header = read_header("p.csv", std::fs::File::open(&path).unwrap()).unwrap();
        for n in [2, 3, 7] {
            let ranges = cut(
                std::fs::File::open(&path).unwrap(),
                header.1,
                csv.len() as u64,
                n,
            )
            .unwrap();
            assert_eq!(ranges.len(), n);
            let progress = Progress::new("p.csv");
            let parts: Vec<Part> = ranges
                .iter()
                .map(|&(a, b)| {
                    let mut part = Part::new("p.csv", &progress);
                    each_line_bytes(&csv.as_bytes()[a as usize..b as usize], |line| {
                        part.line(&header.0, line);
                        Ok(true)
                    })
                    .unwrap();
                    part
                })
                .collect();
            let many = finish("p.csv", parts, 0, &progress);
            assert_eq!(many.samples, one.samples);
            assert_eq!((many.first_ts, many.last_ts), (one.first_ts, one.last_ts));
            assert_eq!(many.node_gpus, one.node_gpus);
            assert_eq!(many.pods, one.pods);
            for (id, g) in &one.gpus {
                let m = &many.gpus[id];
                assert_eq!(
                    (m.util_samples, m.mem_samples),
                    (g.util_samples, g.mem_samples)
                );
                for q in [0.5, 0.9, 0.99] {
                    assert_eq!(m.util_quantile(q), g.util_quantile(q));
                    assert_eq!(m.mem_quantile(q), g.mem_quantile(q));
                }
                assert_eq!(m.memory_total_mib, g.memory_total_mib);
                assert_eq!(m.name, g.name);
                let (a, b) = (m.windows.means(300.0), g.windows.means(300.0));
                assert_eq!(a.len(), b.len());
                for (x, y) in a.iter().zip(&b) {
                    assert!((x - y).abs() < 1e-3, "{x} {y}");
                }
            }
        }
        let whole = read_file("p.csv", &path).unwrap();
        assert_eq!(whole.samples, one.samples);
    }

    #[test]
    fn columns_past_the_last_one_read_are_not_part_of_it() {
        let csv = "timestamp,gpu,index,memory.used,memory.total,power.draw\n\
            2025-09-08T17:26:50+08:00,1, 0, 4, 81559, 74.01\n";
        let p = nvidia_smi("g.csv", csv.as_bytes()).unwrap();
        assert_eq!(p.gpus["1"].memory_total_mib, Some(81559.0));
        assert_eq!(p.gpus["1"].peak_mem_mib, 4.0);
    }

    #[test]
    fn a_header_alone_or_nothing() {
        let p = nvidia_smi("h.csv", "\n\nutilization.gpu [%]\n".as_bytes()).unwrap();
        assert!(p.gpus.is_empty());
        assert!(matches!(
            nvidia_smi("e.csv", "\n \n".as_bytes()),
            Err(ProfileError {
                problem: ProfileProblem::EmptyCsv,
                ..
            })
        ));
    }
}
