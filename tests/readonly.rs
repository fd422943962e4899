#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! No command writes into the project folder: the tree (names, types, modes, contents, link
//! targets) hashes the same before and after every command, run from inside the folder.

mod common;

use common::*;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::Path;

fn tree_hash(dir: &Path, h: &mut DefaultHasher) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let meta = std::fs::symlink_metadata(e.path()).unwrap();
        e.file_name().hash(h);
        #[cfg(unix)]
        std::os::unix::fs::PermissionsExt::mode(&meta.permissions()).hash(h);
        let ft = meta.file_type();
        if ft.is_symlink() {
            std::fs::read_link(e.path()).unwrap().hash(h);
        } else if ft.is_dir() {
            tree_hash(&e.path(), h);
        } else if ft.is_file() {
            meta.len().hash(h);
            if let Ok(bytes) = std::fs::read(e.path()) {
                bytes.hash(h);
            }
            meta.modified().ok().hash(h);
        }
    }
}

fn hash(dir: &Path) -> u64 {
    let mut h = DefaultHasher::new();
    tree_hash(dir, &mut h);
    h.finish()
}

fn commands() -> Vec<Vec<&'static str>> {
    let mut v = Vec::new();
    for f in ["text", "json"] {
        v.push(vec!["who-can", "workspace:ws-main", "--format", f]);
        v.push(vec!["who-can", "endpoint:ep-good", "--format", f]);
        v.push(vec!["what-can", "alice@contoso.com", "--format", f]);
        v.push(vec![
            "explain",
            "alice@contoso.com",
            "endpoint:ep-good",
            "--format",
            f,
        ]);
        v.push(vec!["lint", "--format", f]);
        v.push(vec!["rules", "--format", f]);
    }
    v.push(vec!["export", "--format", "json"]);
    v.push(vec!["export", "--format", "dot"]);
    v.push(vec![
        "who-can",
        "workspace:ws-main",
        "--assume-assignment",
        "bob@contoso.com",
        "Owner",
        "workspace:ws-main",
    ]);
    v.push(vec!["who-can", "no-such-thing"]);
    v
}

#[test]
fn no_command_writes_into_the_project_folder() {
    let root = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    let made = broken_copy(root.path(), outside.path());
    let demo = tempfile::tempdir().unwrap();
    copy_tree(&sample("demo"), demo.path());
    for dir in [root.path(), demo.path()] {
        for args in commands() {
            let before = hash(dir);
            let _ = run_in(dir, &args);
            let mut with_path = args.clone();
            with_path.extend(["-p", "."]);
            if args[0] != "rules" {
                let _ = run_in(dir, &with_path);
            }
            assert_eq!(
                before,
                hash(dir),
                "reach {args:?} changed {}",
                dir.display()
            );
        }
        let before = hash(dir);
        let _ = run_in(dir, &["."]);
        assert_eq!(before, hash(dir), "reach . changed the folder");
    }
    drop(made);
}
