//! Read a project folder: walk it, recognise each file by content, and turn it into `RawProject`
//! plus `LOAD` findings. Never panics; one bad file never hides the good ones; never resolves
//! references (that is `model::build`).

// issue 17: user input must never panic on a byte offset inside a character or an index out
// of range (test code may)
#![cfg_attr(not(test), deny(clippy::string_slice, clippy::indexing_slicing))]

mod aml_fields;
mod aml_types;
pub mod arm_ml;
pub mod azureml;
pub mod collect_manifest;
pub mod discover;
pub mod error;
mod export_types;
pub mod exports;
pub mod incomplete;
pub mod manifest;
pub mod raw;
pub mod yaml;

pub use error::LoadError;
pub use incomplete::Incomplete;
pub use raw::{FileInfo, RawProject};

use crate::finding::{Finding, Severity};
use crate::source::Source;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Size and shape limits that keep hostile input from exhausting memory, stack or time.
///
/// They exist to stop hostile files, not real tenants: the defaults load a 1M-assignment tenant
/// (a ≈ 930 MB `az role assignment list`, a ≈ 30 MB reach.yaml). Whatever a limit still drops is
/// reported as an incomplete input (`incomplete`): every answer says so and queries exit 3.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Largest `.json` file read. The file is read into memory whole (and parsed without copying
    /// its strings), so this bounds the memory one export takes; 2 GiB is twice a 1M-assignment
    /// export.
    pub max_file_bytes: u64,
    /// Largest `.yml`/`.yaml` file read. YAML becomes a node tree several times its size, so this
    /// is lower than the JSON limit; 64 MiB is twice a 1M-assignment tenant's reach.yaml.
    pub max_yaml_bytes: u64,
    /// Most files looked at in one folder (a folder of millions of tiny files would otherwise
    /// take the walk's time and memory).
    pub max_files: usize,
    /// Longest relative path accepted (bytes): deeper is a path-bomb, not a project.
    pub max_path_len: usize,
    /// Deepest YAML/JSON nesting (parsers recurse: this bounds the stack).
    pub max_depth: usize,
    /// Most YAML nodes in one file (bounds the node tree's memory: a legitimate file has about
    /// one node per 8 bytes or more).
    pub max_yaml_nodes: usize,
    /// Most YAML aliases (and anchors) in one file: real configs use a handful.
    pub max_aliases: usize,
    /// Most values YAML aliases may expand to in one file: stops an alias bomb ("billion
    /// laughs") whose few bytes expand to billions of nodes.
    pub max_alias_expansion: usize,
}

/// Default `max_file_bytes` (JSON): 2 GiB.
pub const DEFAULT_MAX_JSON_BYTES: u64 = 2 << 30;
/// Default `max_yaml_bytes`: 64 MiB.
pub const DEFAULT_MAX_YAML_BYTES: u64 = 64 << 20;

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: DEFAULT_MAX_JSON_BYTES,
            max_yaml_bytes: DEFAULT_MAX_YAML_BYTES,
            max_files: 200_000,
            max_path_len: 4096,
            max_depth: 128,
            max_yaml_nodes: yaml_nodes_for(DEFAULT_MAX_YAML_BYTES),
            max_aliases: 1_000,
            max_alias_expansion: 100_000,
        }
    }
}

/// The YAML node budget for files up to `bytes`: one node per 8 bytes (`- {a: b}` is 3 nodes
/// in 8 bytes; real manifests take 15–20 bytes a node).
fn yaml_nodes_for(bytes: u64) -> usize {
    usize::try_from(bytes / 8)
        .unwrap_or(usize::MAX)
        .max(1_000_000)
}

impl Limits {
    /// The limits with every file size limit (JSON and YAML) set to `bytes`
    /// (`--max-file-size`); the YAML node budget follows the YAML size.
    pub fn with_max_file_size(mut self, bytes: u64) -> Limits {
        self.max_file_bytes = bytes;
        self.max_yaml_bytes = bytes;
        self.max_yaml_nodes = yaml_nodes_for(bytes);
        self
    }

    /// The limits the command line asked for (`--max-file-size`), or the defaults.
    pub fn configured() -> Limits {
        CONFIGURED.get().cloned().unwrap_or_default()
    }

    /// Set what `configured` returns (once, from the command line).
    pub fn configure(limits: Limits) {
        let _ = CONFIGURED.set(limits);
    }
}

static CONFIGURED: std::sync::OnceLock<Limits> = std::sync::OnceLock::new();

/// `--max-file-size`: a byte count with an optional binary suffix: `1048576`, `512K`, `512M`,
/// `2G` (also `KiB`/`MB`-style spellings, any case; all powers of 1024).
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let digits = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, unit) = t.split_at(digits);
    let bad = || {
        format!(
            "expected a size such as 1048576, 512K, 512M or 2G, found '{}'",
            crate::text::show(s)
        )
    };
    let n: u64 = num.parse().map_err(|_| bad())?;
    let shift = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        "t" | "tb" | "tib" => 40,
        _ => return Err(bad()),
    };
    if n == 0 {
        return Err(format!(
            "expected a size above 0, found '{}'",
            crate::text::show(s)
        ));
    }
    n.checked_mul(1u64 << shift)
        .ok_or_else(|| format!("size '{}' is too large", crate::text::show(s)))
}

/// Per-file output while loading (merged into one `RawProject` in path order).
pub(crate) type Out = RawProject;

/// Read a project folder. `Err` only when `root` itself cannot be read; every problem inside it
/// is a `LOAD` finding.
pub fn load_path(root: &Path, limits: &Limits) -> Result<RawProject, LoadError> {
    let meta = match fs::metadata(root) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(LoadError::NotFound(root.to_path_buf()))
        }
        Err(e) => return Err(LoadError::Unreadable(root.to_path_buf(), e.to_string())),
    };
    if !meta.is_dir() {
        return Err(LoadError::NotADirectory(root.to_path_buf()));
    }
    if let Err(e) = fs::read_dir(root) {
        return Err(LoadError::Unreadable(root.to_path_buf(), e.to_string()));
    }
    let walk = discover::walk(root, limits);
    let parts = parallel(&walk.files, |c| match discover::read(c, limits) {
        Ok(bytes) => parse_file(&c.rel, &bytes, limits),
        Err(msg) => failed(&c.rel, msg),
    });
    let mut project = RawProject {
        root: root.to_path_buf(),
        findings: walk.findings,
        ..RawProject::default()
    };
    for rel in walk.skipped {
        project.files.push(FileInfo {
            path: rel,
            kind: "skipped".to_string(),
        });
    }
    Ok(finish(project, parts))
}

/// Load in-memory files (relative path, bytes): the demo compiled into the binary, and tests.
/// Only `.yml`/`.yaml`/`.json` names are read; the same size and count limits apply.
pub fn load_files(
    root_label: &str,
    mut files: Vec<(String, Vec<u8>)>,
    limits: &Limits,
) -> RawProject {
    let mut project = RawProject {
        root: PathBuf::from(root_label),
        ..RawProject::default()
    };
    for f in &mut files {
        f.0 = f.0.replace('\\', "/").trim_start_matches("./").to_string();
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files.dedup_by(|a, b| a.0 == b.0);
    let mut accepted = Vec::new();
    for (rel, bytes) in files {
        let name = rel.rsplit('/').next().unwrap_or(&rel);
        if !discover::is_config_name(name)
            || rel.split('/').any(|p| p.starts_with('.') || p == "target")
        {
            continue;
        }
        let limit = discover::limit_for(&rel, limits);
        let problem = if rel.len() > limits.max_path_len {
            Some(format!(
                "path longer than {} bytes, skipped",
                limits.max_path_len
            ))
        } else if bytes.len() as u64 > limit {
            Some(discover::too_big(&rel, Some(bytes.len() as u64), limit))
        } else if accepted.len() >= limits.max_files {
            Some(format!(
                "more than {} files in the project folder; the rest are skipped",
                limits.max_files
            ))
        } else {
            None
        };
        match problem {
            Some(msg) => {
                let src = Source::File {
                    file: Arc::from(rel.as_str()),
                };
                project
                    .findings
                    .push(Finding::load(Severity::Error, msg, src));
                project.files.push(FileInfo {
                    path: rel,
                    kind: "skipped".to_string(),
                });
            }
            None => accepted.push((rel, bytes)),
        }
    }
    let parts = parallel(&accepted, |(rel, bytes)| parse_file(rel, bytes, limits));
    finish(project, parts)
}

fn finish(mut project: RawProject, parts: Vec<RawProject>) -> RawProject {
    // one allocation each for the big lists (100k assignments would otherwise be copied on
    // every doubling)
    project
        .assignments
        .reserve(parts.iter().map(|p| p.assignments.len()).sum());
    project
        .principals
        .reserve(parts.iter().map(|p| p.principals.len()).sum());
    for p in parts {
        project.files.extend(p.files);
        project.findings.extend(p.findings);
        project.manifests.extend(p.manifests);
        project.aml.extend(p.aml);
        project.assignments.extend(p.assignments);
        project.role_defs.extend(p.role_defs);
        project.denies.extend(p.denies);
        project.principals.extend(p.principals);
        project.resources.extend(p.resources);
        project.facts.extend(p.facts);
    }
    project.files.sort_by(|a, b| a.path.cmp(&b.path));
    project
        .findings
        .sort_by(|a, b| (a.source.file(), a.sort_key()).cmp(&(b.source.file(), b.sort_key())));
    project
}

/// Run `f` over `items` on all cores; results in input order. An item whose parse panicked
/// (a bug) contributes nothing rather than taking the other files with it.
fn parallel<T: Sync, F: Fn(&T) -> RawProject + Sync>(items: &[T], f: F) -> Vec<RawProject> {
    crate::par::map(items, Some(STACK), f)
        .into_iter()
        .map(Option::unwrap_or_default)
        .collect()
}

/// Stack for parser threads: deep (but within-limit) nesting recurses.
const STACK: usize = 64 << 20;

fn failed(rel: &str, msg: String) -> RawProject {
    let src = Source::File {
        file: Arc::from(rel),
    };
    RawProject {
        files: vec![FileInfo {
            path: rel.to_string(),
            kind: "error".to_string(),
        }],
        findings: vec![Finding::load(Severity::Error, msg, src)],
        ..RawProject::default()
    }
}

/// Parse one file's bytes into a partial project (one `FileInfo`, its findings and values).
pub(crate) fn parse_file(rel: &str, bytes: &[u8], limits: &Limits) -> RawProject {
    let file: Arc<str> = Arc::from(rel);
    let mut out = RawProject::default();
    let kind = classify_and_read(&file, bytes, limits, &mut out);
    out.files.push(FileInfo {
        path: rel.to_string(),
        kind,
    });
    out
}

fn classify_and_read(file: &Arc<str>, bytes: &[u8], limits: &Limits, out: &mut Out) -> String {
    let whole = Source::File { file: file.clone() };
    if yaml::strip_bom(bytes).iter().all(u8::is_ascii_whitespace) {
        out.findings
            .push(Finding::load(Severity::Info, "empty file", whole));
        return "empty".to_string();
    }
    let text = match yaml::utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            out.findings.push(Finding::load(
                Severity::Error,
                e.message,
                Source::line(file, e.line.max(1)),
            ));
            return "error".to_string();
        }
    };
    let name = file.rsplit('/').next().unwrap_or(file);
    if discover::is_json_name(name) {
        // `reach collect`'s manifest: its incomplete inputs become COLLECT findings
        if collect_manifest::is_name(name) {
            return collect_manifest::read(text, file, out);
        }
        if let Some(kind) = exports::read(text, file, limits.max_depth, out) {
            return kind;
        }
        return unrecognised(file, out);
    }
    let y = match yaml::parse(text, limits) {
        Ok(Some(y)) => y,
        Ok(None) => {
            out.findings.push(Finding::load(
                Severity::Info,
                "empty file (no YAML content)",
                whole,
            ));
            return "empty".to_string();
        }
        Err(e) => {
            let msg = format!("invalid YAML: {}", e.message);
            out.findings.push(Finding::load(
                Severity::Error,
                msg,
                Source::line(file, e.line.max(1)),
            ));
            return "error".to_string();
        }
    };
    // a `reach check` policy kept beside the configs: read by `reach check`, not here
    if y.has("reach-policy") {
        return "reach-policy".to_string();
    }
    if manifest::is_manifest(&y) {
        manifest::read(&y, file, out);
        return "reach.yaml".to_string();
    }
    if let Some(rec) = azureml::recognise(&y) {
        for (line, msg) in aml_types::check(&y, rec.family) {
            let src = Source::line(file, line.max(y.line).max(1));
            out.findings.push(Finding::load(Severity::Error, msg, src));
        }
        let dir = file.rsplit_once('/').map_or("", |(d, _)| d);
        out.aml.push(azureml::build(&y, &rec, file, dir));
        return rec.label();
    }
    unrecognised(file, out)
}

fn unrecognised(file: &Arc<str>, out: &mut Out) -> String {
    let msg = "not recognised as an Azure ML, Azure export or reach.yaml file";
    out.findings.push(Finding::load(
        Severity::Info,
        msg,
        Source::File { file: file.clone() },
    ));
    "unrecognised".to_string()
}

#[cfg(test)]
mod tests;
