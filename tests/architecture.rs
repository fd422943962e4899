//! The core layers (load, model, engine, and policy on top of them) never import a terminal or
//! CLI crate, nor the layers above them (`crate::tui`, `crate::cli`, `crate::report`; and for
//! load, model and engine also `crate::mask`, which the views apply at output).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

const UI_CRATES: [&str; 3] = ["ratatui", "crossterm", "clap"];

/// Every line of the sources under `src/<layer>` (comments aside) that uses one of `crates` or
/// one of the crate's own `modules` (`crate::tui::…`, `use crate::{cli, …}`), as
/// `file:line: text`.
fn imports(layer: &str, crates: &[&str], modules: &[&str]) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&root.join(layer), &mut files);
    assert!(!files.is_empty(), "no sources in src/{layer}");
    let mut found = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        for (i, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            let krate = crates
                .iter()
                .any(|k| code.contains(&format!("{k}::")) || code.contains(&format!("use {k}")));
            let module = modules.iter().any(|m| {
                code.contains(&format!("crate::{m}::"))
                    || code.contains(&format!("crate::{m};"))
                    || code.split("crate::{").skip(1).any(|group| {
                        group
                            .split([',', '}', ' ', ':'])
                            .any(|name| name.trim() == *m)
                    })
            });
            if krate || module {
                found.push(format!("{}:{}: {}", f.display(), i + 1, line.trim()));
            }
        }
    }
    found
}

#[test]
fn core_layers_do_not_import_ui_cli_or_view_layers() {
    let mut offenders = Vec::new();
    for layer in ["load", "model", "engine"] {
        offenders.extend(imports(
            layer,
            &UI_CRATES,
            &["tui", "cli", "report", "mask"],
        ));
    }
    // policy reads masked references back (`mask::unmask_ref`), so it may use mask
    offenders.extend(imports("policy", &UI_CRATES, &["tui", "cli", "report"]));
    assert!(
        offenders.is_empty(),
        "UI/CLI crates or view layers used in core layers:\n{}",
        offenders.join("\n")
    );
}

/// The same scan finds what is there: clap and the TUI in src/cli, ratatui in src/tui, the
/// engine's use of nothing above it but a `crate::{…}` group written the other way round.
#[test]
fn the_scan_detects_each_kind_of_import() {
    let cli = imports("cli", &["clap"], &["tui"]);
    assert!(cli.iter().any(|l| l.contains("use clap")), "{cli:?}");
    assert!(cli.iter().any(|l| l.contains("crate::tui::")), "{cli:?}");
    let tui = imports("tui", &["ratatui"], &[]);
    assert!(tui.iter().any(|l| l.contains("ratatui")), "{tui:?}");
    // a grouped import: src/policy names `crate::mask` in a path; the scan sees it when asked
    let policy = imports("policy", &[], &["mask"]);
    assert!(
        policy.iter().any(|l| l.contains("crate::mask::")),
        "{policy:?}"
    );
    // and a crate::{…} group (src/tui imports the engine that way or by path)
    let groups = imports("tui", &[], &["engine"]);
    assert!(
        !groups.is_empty(),
        "no crate::engine import found in src/tui"
    );
}
