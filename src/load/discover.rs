//! The folder walk: every `.yml`, `.yaml` and `.json` file under the root, in path order.
//! Hidden folders and `target/` are skipped; no symlink out of the root is followed; symlink
//! loops end; FIFOs, sockets and devices are never opened.

use super::Limits;
use crate::finding::{Finding, Severity};
use crate::source::Source;
use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A file to read: its path relative to the root (`/`-separated) and where it is on disk.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub rel: String,
    pub abs: PathBuf,
    pub len: u64,
}

/// What the walk found.
#[derive(Debug, Default)]
pub struct Walk {
    pub files: Vec<Candidate>,
    pub findings: Vec<Finding>,
    /// Config files seen but not read (too large, not regular, over the file count…).
    pub skipped: Vec<String>,
}

/// `.yml`, `.yaml` or `.json`, any case.
pub fn is_config_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.ends_with(".yml") || lower.ends_with(".yaml") || lower.ends_with(".json")
}

pub fn is_json_name(name: &str) -> bool {
    name.to_ascii_lowercase().ends_with(".json")
}

/// The finding for a file over its size limit (`len` None: it grew past it while read).
pub fn too_big(name: &str, len: Option<u64>, limit: u64) -> String {
    let what = if is_json_name(name) { ".json" } else { "YAML" };
    let size = len.map_or(String::new(), |n| format!(" {n} bytes,"));
    format!(
        "file is{size} over the {limit}-byte limit for {what} files (raise it with --max-file-size); skipped"
    )
}

/// The byte limit for a file of this name.
pub fn limit_for(name: &str, limits: &Limits) -> u64 {
    if is_json_name(name) {
        limits.max_file_bytes
    } else {
        limits.max_yaml_bytes
    }
}

struct Walker<'a> {
    root_canon: PathBuf,
    limits: &'a Limits,
    visited: HashSet<PathBuf>,
    out: Walk,
    stopped: bool,
}

/// Walk `root` (which must be a readable folder; `load_path` checks that).
pub fn walk(root: &Path, limits: &Limits) -> Walk {
    let root_canon = fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let mut w = Walker {
        root_canon: root_canon.clone(),
        limits,
        visited: HashSet::new(),
        out: Walk::default(),
        stopped: false,
    };
    w.visited.insert(root_canon);
    w.dir(root, "");
    w.out.files.sort_by(|a, b| a.rel.cmp(&b.rel));
    w.out.files.dedup_by(|a, b| a.rel == b.rel);
    w.out
}

fn file_src(rel: &str) -> Source {
    Source::File {
        file: Arc::from(rel),
    }
}

fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_string()
    } else {
        format!("{prefix}/{name}")
    }
}

impl Walker<'_> {
    fn note(&mut self, sev: Severity, rel: &str, msg: impl Into<String>) {
        self.out
            .findings
            .push(Finding::load(sev, msg, file_src(rel)));
    }

    fn skip(&mut self, sev: Severity, rel: &str, msg: impl Into<String>) {
        self.note(sev, rel, msg);
        self.out.skipped.push(rel.to_string());
    }

    fn dir(&mut self, dir: &Path, prefix: &str) {
        let entries = match fs::read_dir(dir) {
            Ok(e) => e,
            Err(e) => {
                let rel = if prefix.is_empty() { "." } else { prefix };
                self.note(Severity::Error, rel, format!("cannot read folder: {e}"));
                return;
            }
        };
        let mut names: Vec<(String, PathBuf)> = Vec::new();
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            names.push((name, entry.path()));
        }
        names.sort();
        for (name, path) in names {
            if self.stopped {
                return;
            }
            self.entry(&name, &path, prefix);
        }
    }

    fn entry(&mut self, name: &str, path: &Path, prefix: &str) {
        let rel = join(prefix, name);
        if rel.len() > self.limits.max_path_len {
            let shown: String = rel.chars().take(200).collect();
            self.skip(
                Severity::Error,
                &shown,
                format!(
                    "path longer than {} bytes, skipped",
                    self.limits.max_path_len
                ),
            );
            return;
        }
        let Ok(meta) = fs::symlink_metadata(path) else {
            self.note(Severity::Error, &rel, "cannot read file metadata");
            return;
        };
        let ft = meta.file_type();
        if ft.is_symlink() {
            self.symlink(name, path, &rel);
        } else if ft.is_dir() {
            self.subdir(name, path, &rel);
        } else if is_config_name(name) {
            self.file(path, &rel, &meta);
        }
    }

    fn subdir(&mut self, name: &str, path: &Path, rel: &str) {
        if name.starts_with('.') || name == "target" {
            return;
        }
        let canon = fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        if !self.visited.insert(canon) {
            return; // already walked (a symlink loop or a second link to the same folder)
        }
        self.dir(path, rel);
    }

    fn symlink(&mut self, name: &str, path: &Path, rel: &str) {
        let target = match fs::canonicalize(path) {
            Ok(t) => t,
            Err(_) => {
                if is_config_name(name) {
                    self.note(
                        Severity::Warning,
                        rel,
                        "broken symlink (or a symlink loop), not followed",
                    );
                }
                return;
            }
        };
        if !target.starts_with(&self.root_canon) {
            self.note(
                Severity::Info,
                rel,
                "symlink points outside the project folder, not followed",
            );
            return;
        }
        let Ok(meta) = fs::metadata(&target) else {
            self.note(Severity::Error, rel, "cannot read symlink target metadata");
            return;
        };
        if meta.is_dir() {
            if self.visited.contains(&target) {
                self.note(
                    Severity::Info,
                    rel,
                    "symlink to a folder already read (a loop or a second link), not followed",
                );
                return;
            }
            self.subdir(name, &target, rel);
        } else if is_config_name(name) {
            self.file(&target, rel, &meta);
        }
    }

    fn file(&mut self, path: &Path, rel: &str, meta: &fs::Metadata) {
        if !meta.file_type().is_file() {
            self.skip(Severity::Warning, rel, "not a regular file, skipped");
            return;
        }
        let limit = limit_for(rel, self.limits);
        if meta.len() > limit {
            self.skip(Severity::Error, rel, too_big(rel, Some(meta.len()), limit));
            return;
        }
        if self.out.files.len() >= self.limits.max_files {
            self.skip(
                Severity::Error,
                rel,
                format!(
                    "more than {} files in the project folder; the rest are skipped",
                    self.limits.max_files
                ),
            );
            self.stopped = true;
            return;
        }
        self.out.files.push(Candidate {
            rel: rel.to_string(),
            abs: path.to_path_buf(),
            len: meta.len(),
        });
    }
}

/// Read a candidate, re-checking its type and size (it may have changed since the walk).
pub fn read(c: &Candidate, limits: &Limits) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let meta = fs::metadata(&c.abs).map_err(|e| format!("cannot read file: {e}"))?;
    if !meta.file_type().is_file() {
        return Err("not a regular file, skipped".to_string());
    }
    let limit = limit_for(&c.rel, limits);
    let f = fs::File::open(&c.abs).map_err(|e| format!("cannot read file: {e}"))?;
    let mut buf = Vec::with_capacity(usize::try_from(meta.len().min(limit)).unwrap_or(0));
    f.take(limit.saturating_add(1))
        .read_to_end(&mut buf)
        .map_err(|e| format!("cannot read file: {e}"))?;
    if buf.len() as u64 > limit {
        return Err(too_big(&c.rel, None, limit));
    }
    Ok(buf)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn walks_sorted_skips_hidden_target_and_outside_links() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("x.yml"), "a: 1").unwrap();
        let d = tempfile::tempdir().unwrap();
        let r = d.path();
        std::fs::create_dir_all(r.join("b/.git")).unwrap();
        std::fs::create_dir_all(r.join("target")).unwrap();
        std::fs::create_dir_all(r.join("a")).unwrap();
        std::fs::write(r.join("b/.git/h.yml"), "a: 1").unwrap();
        std::fs::write(r.join("target/t.json"), "{}").unwrap();
        std::fs::write(r.join("b/z.YAML"), "a: 1").unwrap();
        std::fs::write(r.join("a/y.Json"), "{}").unwrap();
        std::fs::write(r.join("a/readme.md"), "x").unwrap();
        symlink(outside.path().join("x.yml"), r.join("out.yml")).unwrap();
        symlink(r, r.join("a/loop")).unwrap();
        symlink(r.join("b/z.YAML"), r.join("a/inside.yml")).unwrap();
        let w = walk(r, &Limits::default());
        let rels: Vec<_> = w.files.iter().map(|c| c.rel.as_str()).collect();
        assert_eq!(rels, ["a/inside.yml", "a/y.Json", "b/z.YAML"]);
        assert_eq!(w.findings.len(), 2, "{:?}", w.findings);
        assert!(w.findings[0]
            .message
            .contains("symlink to a folder already read"));
        assert!(w.findings[1].message.contains("outside the project folder"));
    }

    #[test]
    fn fifo_is_not_opened() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("pipe.yml");
        let ok = std::process::Command::new("mkfifo")
            .arg(&p)
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        if !ok {
            eprintln!("mkfifo unavailable; skipped");
            return;
        }
        let w = walk(d.path(), &Limits::default());
        assert!(w.files.is_empty());
        assert!(w.findings[0].message.contains("not a regular file"));
    }

    #[test]
    fn size_and_count_limits() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("big.yml"), "a: 1234567890\n").unwrap();
        std::fs::write(d.path().join("c.yml"), "a: 1\n").unwrap();
        std::fs::write(d.path().join("d.yml"), "a: 1\n").unwrap();
        let limits = Limits {
            max_yaml_bytes: 10,
            max_files: 1,
            ..Limits::default()
        };
        let w = walk(d.path(), &limits);
        assert_eq!(w.files.len(), 1);
        assert!(w
            .findings
            .iter()
            .any(|f| f.message.contains("10-byte limit")));
        assert!(w
            .findings
            .iter()
            .any(|f| f.message.contains("more than 1 files")));
    }
}
