//! Writing the folder: every file goes to `<name>.reach-tmp` first and is renamed into place, so
//! an interrupted run leaves only whole files (the loader reads `.json` names only). sha256 of
//! every file, for the manifest and `--resume`.

use sha2::{Digest, Sha256};
use std::fs;
use std::io::{self, Write};
use std::path::Path;

pub const TMP_SUFFIX: &str = ".reach-tmp";

pub fn sha256(bytes: &[u8]) -> String {
    let d = Sha256::digest(bytes);
    d.iter().map(|b| format!("{b:02x}")).collect()
}

/// Write `bytes` to `root/rel` atomically (temp file, flush, rename).
pub fn write(root: &Path, rel: &str, bytes: &[u8]) -> io::Result<()> {
    let path = root.join(rel);
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir)?;
    }
    let mut tmp = path.clone().into_os_string();
    tmp.push(TMP_SUFFIX);
    {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
    }
    fs::rename(&tmp, &path)
}

/// Remove temp files an interrupted run left under `root`.
pub fn clean_tmp(root: &Path) {
    let Ok(entries) = fs::read_dir(root) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        let Ok(ft) = e.file_type() else { continue };
        if ft.is_dir() {
            clean_tmp(&p);
        } else if ft.is_file() && p.to_string_lossy().ends_with(TMP_SUFFIX) {
            let _ = fs::remove_file(&p);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_whole_files_and_hashes_them() {
        let d = tempfile::tempdir().unwrap();
        write(d.path(), "a/b.json", b"[]\n").unwrap();
        assert_eq!(fs::read(d.path().join("a/b.json")).unwrap(), b"[]\n");
        assert_eq!(
            sha256(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        fs::write(d.path().join("a/c.json.reach-tmp"), "{").unwrap();
        clean_tmp(d.path());
        assert!(!d.path().join("a/c.json.reach-tmp").exists());
        assert!(d.path().join("a/b.json").exists());
    }
}
