//! Inputs the loader dropped: every answer built on them may be missing access, so every answer
//! says so (a banner in text, `"incomplete"` in JSON, the TUI's status line) and queries exit 3.
//!
//! What counts as dropped (and only this):
//! - a file reach reads (`.json`, `.yml`, `.yaml`) that was **not read**: over the size limit
//!   (`--max-file-size`), past the file-count limit, its path over the length limit, not a
//!   regular file (a FIFO, a device), or unreadable (permissions, I/O errors) — and a folder
//!   that could not be listed;
//! - a file read but **not parsed as a whole**: not UTF-8, invalid YAML or JSON, nested past
//!   the depth limit, over the YAML node or alias budgets;
//! - a recognised file **read in part**: any entry or field reported as a `LOAD` error (an
//!   export entry or a reach.yaml entry that is not loaded, a field of the wrong type). A bad
//!   entry is input reach did not load, so it counts like a whole file.
//!
//! Not counted: files that are empty, valid but not recognised (`LOAD` info), broken symlinks
//! and symlinks out of the folder (never followed, by design), PIM schedules (a `LOAD`
//! warning), collection gaps named in `collect-manifest.json` (`COLLECT` findings, shown as
//! notes on the answers they affect), and reference problems (`MODEL` findings: the input was
//! read).
//!
//! In short: every `LOAD` finding of severity error, and every file skipped by the walk.

use super::raw::FileInfo;
use crate::finding::{Finding, Severity};
use serde::Serialize;
use std::collections::BTreeMap;

/// One input that was dropped in whole or in part.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Incomplete {
    /// The file (or folder), relative to the project root.
    pub file: String,
    /// What happened, in words (the first problem; "(+N more)" when there were several).
    pub reason: String,
    /// Why, as a word: `size-limit`, `file-count-limit`, `path-length-limit`, `not-a-file`,
    /// `unreadable`, `parse-error`, `bad-entries`.
    pub kind: Cause,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Cause {
    SizeLimit,
    FileCountLimit,
    PathLengthLimit,
    NotAFile,
    Unreadable,
    ParseError,
    BadEntries,
}

impl Cause {
    /// "skipped (size limit)", "not loaded (parse error)"…: how the TUI's status line says it.
    fn words(self) -> (&'static str, &'static str) {
        match self {
            Cause::SizeLimit => ("skipped", "size limit"),
            Cause::FileCountLimit => ("skipped", "file count limit"),
            Cause::PathLengthLimit => ("skipped", "path length limit"),
            Cause::NotAFile => ("skipped", "not a regular file"),
            Cause::Unreadable => ("not read", "unreadable"),
            Cause::ParseError => ("not loaded", "parse error"),
            Cause::BadEntries => ("loaded in part", "bad entries"),
        }
    }
}

/// Message fragments of the loader's own skip findings (discover.rs, mod.rs), by cause.
pub(crate) const SIZE_LIMIT: &str = "-byte limit for";
pub(crate) const FILE_COUNT_LIMIT: &str = "files in the project folder; the rest are skipped";
pub(crate) const PATH_LIMIT: &str = "path longer than";
pub(crate) const NOT_A_FILE: &str = "not a regular file";
pub(crate) const UNREADABLE: &str = "cannot read";

fn cause_of(message: &str, kind: Option<&str>) -> Cause {
    if message.contains(SIZE_LIMIT) {
        Cause::SizeLimit
    } else if message.contains(FILE_COUNT_LIMIT) {
        Cause::FileCountLimit
    } else if message.starts_with(PATH_LIMIT) {
        Cause::PathLengthLimit
    } else if message.starts_with(NOT_A_FILE) {
        Cause::NotAFile
    } else if message.starts_with(UNREADABLE) {
        Cause::Unreadable
    } else if matches!(kind, Some("error")) {
        Cause::ParseError
    } else {
        Cause::BadEntries
    }
}

/// The inputs dropped, by file (path order), from a project's files and `LOAD` findings.
pub fn incomplete(files: &[FileInfo], findings: &[Finding]) -> Vec<Incomplete> {
    let kinds: BTreeMap<&str, &str> = files
        .iter()
        .map(|f| (f.path.as_str(), f.kind.as_str()))
        .collect();
    // per file: its problems (errors; any LOAD finding of a skipped file)
    let mut by_file: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for f in findings.iter().filter(|f| f.rule == "LOAD") {
        let Some(file) = f.source.file() else {
            continue;
        };
        let skipped = kinds.get(file) == Some(&"skipped");
        if f.severity == Severity::Error || (skipped && f.severity == Severity::Warning) {
            by_file.entry(file).or_default().push(&f.message);
        }
    }
    for f in files.iter().filter(|f| f.kind == "skipped") {
        by_file.entry(&f.path).or_default();
    }
    by_file
        .into_iter()
        .map(|(file, msgs)| {
            let first = msgs.first().copied().unwrap_or("skipped");
            let kind = cause_of(first, kinds.get(file).copied());
            let reason = match msgs.len() {
                0 | 1 => first.to_string(),
                n => format!("{first} (+{} more)", n - 1),
            };
            Incomplete {
                file: file.to_string(),
                reason,
                kind,
            }
        })
        .collect()
}

/// The dropped inputs of a loaded model.
pub fn of_model(m: &crate::model::Model) -> Vec<Incomplete> {
    incomplete(&m.files, &m.findings)
}

/// One short line for a status bar: `1 file skipped (size limit)`,
/// `3 files not fully loaded (size limit, parse error)`.
pub fn summary(list: &[Incomplete]) -> String {
    let n = list.len();
    let files = if n == 1 { "file" } else { "files" };
    let mut causes: Vec<Cause> = list.iter().map(|i| i.kind).collect();
    causes.sort();
    causes.dedup();
    match causes.as_slice() {
        [one] => {
            let (verb, label) = one.words();
            format!("{n} {files} {verb} ({label})")
        }
        many => {
            let labels: Vec<&str> = many.iter().map(|c| c.words().1).collect();
            format!("{n} {files} not fully loaded ({})", labels.join(", "))
        }
    }
}

/// Most files a text banner lists one by one.
const BANNER_FILES: usize = 10;

/// The banner text answers start with (each line ends in `\n`; empty when nothing was
/// dropped). `prefix` starts every line (`"> "` for Markdown).
pub fn banner(list: &[Incomplete], prefix: &str) -> String {
    if list.is_empty() {
        return String::new();
    }
    let hint = if list.iter().any(|i| i.kind == Cause::SizeLimit) {
        " --max-file-size raises the size limit."
    } else {
        ""
    };
    let mut out = format!(
        "{prefix}INCOMPLETE: {}; this answer may be missing access (exit 3).{hint}\n",
        summary(list)
    );
    for i in list.iter().take(BANNER_FILES) {
        out.push_str(&format!(
            "{prefix}  {}: {}\n",
            crate::text::show(&i.file),
            crate::text::show(&i.reason)
        ));
    }
    if list.len() > BANNER_FILES {
        out.push_str(&format!(
            "{prefix}  … and {} more\n",
            list.len() - BANNER_FILES
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Source;
    use std::sync::Arc;

    fn info(path: &str, kind: &str) -> FileInfo {
        FileInfo {
            path: path.into(),
            kind: kind.into(),
        }
    }

    fn load(sev: Severity, file: &str, msg: &str) -> Finding {
        Finding::load(
            sev,
            msg,
            Source::File {
                file: Arc::from(file),
            },
        )
    }

    #[test]
    fn every_load_error_and_skipped_file_counts_and_nothing_else() {
        let files = [
            info("a.json", "skipped"),
            info("b.yml", "error"),
            info("c.json", "az/role-assignments"),
            info("d.yml", "unrecognised"),
            info("e.yml", "skipped"),
            info("f.json", "az/role-assignments"),
        ];
        let findings = [
            load(
                Severity::Error,
                "a.json",
                "file is 9 bytes, over the 4-byte limit for .json files; skipped",
            ),
            load(Severity::Error, "b.yml", "invalid YAML: oops"),
            load(
                Severity::Error,
                "c.json",
                "expected a role assignment at entry 2",
            ),
            load(
                Severity::Error,
                "c.json",
                "expected a role assignment at entry 5",
            ),
            load(Severity::Info, "d.yml", "not recognised"),
            load(Severity::Warning, "e.yml", "not a regular file, skipped"),
            load(Severity::Warning, "f.json", "3 PIM schedule entries"),
        ];
        let got = incomplete(&files, &findings);
        let short: Vec<(&str, Cause)> = got.iter().map(|i| (i.file.as_str(), i.kind)).collect();
        assert_eq!(
            short,
            [
                ("a.json", Cause::SizeLimit),
                ("b.yml", Cause::ParseError),
                ("c.json", Cause::BadEntries),
                ("e.yml", Cause::NotAFile),
            ]
        );
        assert!(got[2].reason.ends_with("(+1 more)"), "{}", got[2].reason);
        assert_eq!(
            summary(&got),
            "4 files not fully loaded (size limit, not a regular file, parse error, bad entries)"
        );
        assert_eq!(summary(&got[..1]), "1 file skipped (size limit)");
        assert!(banner(&got, "").starts_with("INCOMPLETE: 4 files"));
        assert_eq!(banner(&[], ""), "");
    }
}
