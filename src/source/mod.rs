//! Discovery and bounded reading of inputs, and their YAML documents.

pub mod helm;
pub mod scalar;
pub mod text;
pub mod yaml;

use rayon::prelude::*;
use std::io::Read;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use text::{LineCol, SourceFile};

/// Why an input's bytes could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    #[error(
        "file is {size} bytes, larger than the {max} byte limit (raise it with --max-file-size)"
    )]
    TooLarge { size: u64, max: u64 },
    /// The file system refused (the I/O error's text: errors are cloned with contents).
    #[error("cannot read file: {0}")]
    File(String),
    #[error("cannot read standard input: {0}")]
    Stdin(String),
    /// A path the directory walk could not read, and why.
    #[error("{0}")]
    Walk(String),
}
pub use yaml::{Document, Limits, NodeRef, Parsed, ProblemKind, YamlProblem};

/// Largest input skinflint reads whatever `--max-file-size` says: spans and line offsets
/// are 32-bit, which halves what a large run keeps in memory.
pub const MAX_TEXT: u64 = u32::MAX as u64 - 1;

/// Default largest input read, in bytes.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 64 * 1024 * 1024;

/// Where an input comes from.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Input {
    File(PathBuf),
    Stdin,
    /// A file or directory under a checked path that cannot be read (no permission, not a
    /// regular file, an I/O error): reported as an error finding, so the run fails rather
    /// than passing with files never checked.
    Unreadable(PathBuf, String),
}

/// A path the user named that does not exist: skinflint cannot do its job (exit 2).
#[derive(Debug)]
pub struct PathNotFound(pub String);

/// Expand the user's paths into inputs: files as given, directories walked recursively for
/// `.yaml`/`.yml` (gitignore-aware, hidden directories skipped, symlink loops reported and
/// skipped), `-` for standard input. Symlinks that lead out of the given paths are not
/// followed unless `follow_symlinks` (a note names each). Returned sorted and without
/// duplicates.
pub fn discover(
    paths: &[String],
    follow_symlinks: bool,
) -> Result<(Vec<Input>, Vec<String>), PathNotFound> {
    let mut inputs = Vec::new();
    let notes = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let roots: Vec<PathBuf> = paths
        .iter()
        .filter(|p| p.as_str() != "-")
        .filter_map(|p| std::fs::canonicalize(p).ok())
        .collect();
    for p in paths {
        if p == "-" {
            inputs.push(Input::Stdin);
            continue;
        }
        let path = Path::new(p);
        let meta = std::fs::metadata(path).map_err(|_| PathNotFound(p.clone()))?;
        if !meta.is_dir() {
            inputs.push(Input::File(path.to_path_buf()));
            continue;
        }
        let mut builder = walk_builder(path);
        if !follow_symlinks {
            let roots = roots.clone();
            let notes = notes.clone();
            builder.filter_entry(move |e| {
                if !e.path_is_symlink() {
                    return true;
                }
                match std::fs::canonicalize(e.path()) {
                    Ok(target) if !roots.iter().any(|r| target.starts_with(r)) => {
                        if let Ok(mut n) = notes.lock() {
                            n.push(format!(
                                "not following {}: it leads to {}, outside the checked paths (--follow-symlinks follows it)",
                                clean_path(e.path()).display(),
                                target.display()
                            ));
                        }
                        false
                    }
                    _ => true,
                }
            });
        }
        for entry in builder.build() {
            match entry {
                Ok(e) => {
                    let Some(t) = e.file_type() else { continue };
                    if !is_yaml_name(e.path()) || t.is_dir() {
                        continue;
                    }
                    if t.is_file() {
                        inputs.push(Input::File(clean_path(e.path())));
                    } else {
                        inputs.push(Input::Unreadable(
                            clean_path(e.path()),
                            "not a regular file (a pipe, socket or device); skinflint reads only files".to_string(),
                        ));
                    }
                }
                Err(err) => match walk_error(&err) {
                    Some(input) => inputs.push(input),
                    None => {
                        if let Ok(mut n) = notes.lock() {
                            n.push(format!("skipped while walking {p}: {err}"));
                        }
                    }
                },
            }
        }
    }
    inputs.sort();
    inputs.dedup();
    let notes = std::mem::take(&mut *notes.lock().unwrap_or_else(|e| e.into_inner()));
    Ok((inputs, notes))
}

/// A walk error that hides files from the check, as an unreadable input; None for what
/// hides nothing (a symlink loop, whose files are reached the other way round; a dangling
/// link to something that is not YAML).
fn walk_error(err: &ignore::Error) -> Option<Input> {
    let mut e = err;
    let mut path = None;
    loop {
        match e {
            ignore::Error::Loop { .. } => return None,
            ignore::Error::WithPath { path: p, err } => {
                path.get_or_insert_with(|| p.clone());
                e = err;
            }
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
                e = err
            }
            _ => break,
        }
    }
    let path = path?;
    let dangling = std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink())
        && std::fs::metadata(&path).is_err();
    if dangling && !is_yaml_name(&path) {
        return None;
    }
    let why = match e {
        ignore::Error::Io(io) => io.to_string(),
        other => other.to_string(),
    };
    let what = if dangling {
        "a symlink whose target is missing"
    } else if path.is_dir() {
        "cannot read directory, so the files in it are not checked"
    } else {
        "cannot read"
    };
    Some(Input::Unreadable(
        clean_path(&path),
        format!("{what}: {why}"),
    ))
}

/// A directory walk as users expect: gitignore-aware (in a repository or not), hidden
/// paths skipped, symlinks followed with loops detected.
pub fn walk(dir: &Path) -> ignore::Walk {
    walk_builder(dir).build()
}

fn walk_builder(dir: &Path) -> ignore::WalkBuilder {
    let mut b = ignore::WalkBuilder::new(dir);
    b.hidden(true).follow_links(true).require_git(false);
    b
}

fn is_yaml_name(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yaml") | Some("yml")
    )
}

fn clean_path(path: &Path) -> PathBuf {
    path.strip_prefix("./").unwrap_or(path).to_path_buf()
}

/// The root of the git work tree containing the working directory, found by looking for
/// `.git` upward (no subprocess).
fn repo_root() -> Option<PathBuf> {
    static ROOT: std::sync::OnceLock<Option<PathBuf>> = std::sync::OnceLock::new();
    ROOT.get_or_init(|| {
        let cwd = std::env::current_dir().ok()?;
        let cwd = cwd.canonicalize().unwrap_or(cwd);
        cwd.ancestors()
            .find(|d| d.join(".git").exists())
            .map(Path::to_path_buf)
    })
    .clone()
}

/// A path as reports for code hosts need it: relative to the repository root when the
/// working directory is inside a git work tree (so annotations land on the right file
/// whatever directory skinflint ran in), else relative to the working directory, with `/`
/// separators; absolute when the file lies outside both. Standard input keeps its name.
pub fn display_path(path: &str) -> String {
    let p = Path::new(path);
    if path.starts_with('<') || path.is_empty() {
        return path.to_string();
    }
    let cwd = std::env::current_dir()
        .ok()
        .map(|c| c.canonicalize().unwrap_or(c));
    let abs = match (&cwd, p.is_absolute()) {
        (_, true) => p.to_path_buf(),
        (Some(c), false) => c.join(p),
        (None, false) => p.to_path_buf(),
    };
    let abs = abs.canonicalize().unwrap_or(abs);
    let rel = repo_root()
        .and_then(|root| abs.strip_prefix(&root).ok().map(Path::to_path_buf))
        .or_else(|| cwd.and_then(|c| abs.strip_prefix(&c).ok().map(Path::to_path_buf)))
        .unwrap_or(abs);
    let s = rel.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").map(str::to_string).unwrap_or(s)
}

/// Options for reading and parsing.
#[derive(Debug, Clone, Copy)]
pub struct LoadOptions {
    pub max_file_size: u64,
    pub limits: Limits,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            limits: Limits::default(),
        }
    }
}

/// One input after reading and parsing.
#[derive(Debug)]
pub struct Loaded {
    pub file: SourceFile,
    pub documents: Vec<Document>,
    /// Reading or parsing problems, each with a byte span in `file`.
    pub problems: Vec<LoadProblem>,
    /// The cluster the file belongs to (`clusters:` globs); None for shared files, which
    /// relate to every cluster.
    pub cluster: Option<String>,
    /// A Helm chart template, not read as YAML (see [`helm`]).
    pub helm_template: bool,
}

#[derive(Debug, Clone)]
pub struct LoadProblem {
    pub span: Range<usize>,
    pub message: String,
    /// What to do about it, when the rule's general advice does not fit.
    pub help: Option<String>,
}

impl LoadProblem {
    fn new(span: Range<usize>, message: impl Into<String>, help: impl Into<String>) -> Self {
        LoadProblem {
            span,
            message: message.into(),
            help: Some(help.into()),
        }
    }
}

const SIZE_HELP: &str =
    "split the file, or raise the limit with --max-file-size if it is a real manifest";
const ENCODING_HELP: &str = "save the file as UTF-8 text; Kubernetes manifests are UTF-8";

/// Read and parse every input, in parallel, keeping the input order.
pub fn load_all(
    inputs: &[Input],
    opts: LoadOptions,
    stdin_text: Option<Vec<u8>>,
    stdin_name: Option<&str>,
) -> Vec<Loaded> {
    let stdin_name = stdin_name.unwrap_or("<stdin>").to_string();
    let stdin_text = stdin_text.map(|b| (b, stdin_name.clone()));
    inputs
        .par_iter()
        .map(|input| match input {
            Input::Stdin => {
                let (bytes, name) = stdin_text
                    .as_ref()
                    .map(|(b, n)| (Ok(b.clone()), n.clone()))
                    .unwrap_or_else(|| (read_stdin(opts.max_file_size), stdin_name.clone()));
                load_bytes(name, bytes, opts)
            }
            Input::File(path) => {
                let name = path.to_string_lossy().into_owned();
                if helm::in_chart_templates(path) {
                    return Loaded::helm_template(name, String::new());
                }
                let loaded = load_bytes(name, read_file(path, opts.max_file_size), opts);
                if loaded.helm_template && helm::is_chart_values(path) {
                    // A values file is YAML; `{{ }}` strings in it are for `tpl`.
                    let Loaded { file, .. } = loaded;
                    return load_text(file.path, file.text, opts);
                }
                loaded
            }
            Input::Unreadable(path, why) => {
                let why = ReadError::Walk(why.clone());
                load_bytes(path.to_string_lossy().into_owned(), Err(why), opts)
            }
        })
        .collect()
}

/// Standard input, up to one byte over `max` (so that an oversized input is reported).
pub fn read_stdin(max: u64) -> Result<Vec<u8>, ReadError> {
    let max = max.min(MAX_TEXT);
    let mut buf = Vec::new();
    std::io::stdin()
        .take(max + 1)
        .read_to_end(&mut buf)
        .map_err(|e| ReadError::Stdin(e.to_string()))?;
    Ok(buf)
}

/// A file's bytes, refused unread when it is larger than `max`.
pub fn read_file(path: &Path, max: u64) -> Result<Vec<u8>, ReadError> {
    let max = max.min(MAX_TEXT);
    let meta = std::fs::metadata(path).map_err(|e| ReadError::File(e.to_string()))?;
    if meta.len() > max {
        return Err(ReadError::TooLarge {
            size: meta.len(),
            max,
        });
    }
    // Sized from the file so the bytes are read into one allocation, not a doubling one.
    let mut buf = Vec::with_capacity(meta.len() as usize + 1);
    std::fs::File::open(path)
        .and_then(|f| f.take(max + 1).read_to_end(&mut buf))
        .map_err(|e| ReadError::File(e.to_string()))?;
    Ok(buf)
}

/// Decode and parse one input's bytes. Exposed for tests and benchmarks.
pub fn load_bytes(name: String, bytes: Result<Vec<u8>, ReadError>, opts: LoadOptions) -> Loaded {
    let bytes = match bytes {
        Ok(b) => b,
        Err(error) => {
            let help = match error {
                ReadError::TooLarge { .. } => SIZE_HELP,
                _ => "make the path readable (permissions, file type), or list it in .gitignore if it is not a manifest",
            };
            return Loaded::unread(
                name,
                String::new(),
                LoadProblem::new(0..0, error.to_string(), help),
            );
        }
    };
    if bytes.len() as u64 > opts.max_file_size.min(MAX_TEXT) {
        let message = format!(
            "input is larger than the {} byte limit (raise it with --max-file-size)",
            opts.max_file_size.min(MAX_TEXT)
        );
        return Loaded::unread(
            name,
            String::new(),
            LoadProblem::new(0..0, message, SIZE_HELP),
        );
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        let message = "file is UTF-16 encoded; Kubernetes manifests must be UTF-8";
        return Loaded::unread(
            name,
            String::new(),
            LoadProblem::new(0..0, message, ENCODING_HELP),
        );
    }
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(err) => {
            let valid = err.utf8_error().valid_up_to();
            let bytes = err.into_bytes();
            // Keep the valid prefix so the error can be shown at its line and column.
            let prefix = String::from_utf8_lossy(&bytes[..valid]).into_owned();
            let message = format!("invalid UTF-8 at byte {valid}; the file is not UTF-8 text");
            let problem = LoadProblem::new(valid..valid, message, ENCODING_HELP);
            return Loaded::unread(name, prefix, problem);
        }
    };
    // Drop a UTF-8 byte order mark so columns on line 1 match what editors show.
    let text = match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    };
    if helm::names_helm_objects(&text) {
        return Loaded::helm_template(name, text);
    }
    let loaded = load_text(name, text, opts);
    if !loaded.problems.is_empty() && helm::has_structural_actions(&loaded.file.text) {
        let Loaded { file, .. } = loaded;
        return Loaded::helm_template(file.path, file.text);
    }
    loaded
}

impl Loaded {
    /// An input that could not be read as text: `text` is what could be (for the
    /// problem's line and column), and no documents.
    fn unread(name: String, text: impl Into<Arc<str>>, problem: LoadProblem) -> Loaded {
        Loaded {
            file: SourceFile::new(name, text),
            documents: Vec::new(),
            problems: vec![problem],
            cluster: None,
            helm_template: false,
        }
    }

    /// A chart template, kept (for its name) but not parsed.
    fn helm_template(name: String, text: impl Into<Arc<str>>) -> Loaded {
        Loaded {
            file: SourceFile::new(name, text),
            documents: Vec::new(),
            problems: Vec::new(),
            cluster: None,
            helm_template: true,
        }
    }
}

/// Parse decoded text as YAML.
fn load_text(name: String, text: impl Into<Arc<str>>, opts: LoadOptions) -> Loaded {
    let text: Arc<str> = text.into();
    let parsed = yaml::parse_shared(&text, opts.limits);
    let file = SourceFile::new(name, text);
    let problems = parsed
        .problems
        .into_iter()
        .map(|p| match &p.kind {
            ProblemKind::DuplicateKey { first } => {
                let line = file.line_col(first.start).line;
                LoadProblem::new(
                    p.span,
                    format!(
                        "{} (first defined on line {line}); the Kubernetes API server rejects duplicate keys",
                        p.message
                    ),
                    format!("keep one of the two entries (line {line} or this one) and delete the other"),
                )
            }
            ProblemKind::TooDeep => {
                LoadProblem::new(
                    p.span,
                    format!(
                        "nesting deeper than {} levels; skinflint stops reading the file here",
                        opts.limits.max_depth.min(255)
                    ),
                    "no Kubernetes manifest nests this deep: check that this is the file you meant",
                )
            }
            ProblemKind::TooManyNodes => LoadProblem::new(p.span, p.message, SIZE_HELP),
            ProblemKind::Syntax | ProblemKind::UnknownAlias => LoadProblem {
                span: p.span,
                message: p.message,
                help: None,
            },
        })
        .collect();
    Loaded {
        file,
        documents: parsed.documents,
        problems,
        cluster: None,
        helm_template: false,
    }
}
