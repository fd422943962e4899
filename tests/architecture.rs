//! The core layers (load, model, engine, and policy on top of them) never import a terminal or
//! CLI crate.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn core_layers_do_not_import_ui_or_cli_crates() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut offenders = Vec::new();
    for layer in ["load", "model", "engine", "policy"] {
        let mut files = Vec::new();
        rust_files(&root.join(layer), &mut files);
        assert!(!files.is_empty(), "no sources in src/{layer}");
        for f in files {
            let text = std::fs::read_to_string(&f).unwrap();
            for (i, line) in text.lines().enumerate() {
                let code = line.split("//").next().unwrap_or("");
                for krate in ["ratatui", "crossterm", "clap"] {
                    if code.contains(&format!("{krate}::"))
                        || code.contains(&format!("use {krate}"))
                    {
                        offenders.push(format!("{}:{}: {}", f.display(), i + 1, line.trim()));
                    }
                }
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "UI/CLI crates used in core layers:\n{}",
        offenders.join("\n")
    );
}

#[test]
fn the_check_itself_detects_an_import() {
    // guard against a scan that cannot fail: the same scan over src/cli finds clap
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/cli/mod.rs"))
            .unwrap();
    assert!(text.contains("use clap"), "src/cli/mod.rs should use clap");
}
