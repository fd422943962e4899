//! Read a project folder: walk it, recognise each file by content, and turn it into `RawProject`
//! plus `LOAD` findings. Never panics; one bad file never hides the good ones; never resolves
//! references (that is `model::build`).
//!
//! (Placeholder entry points: the real loader lands from the `loader` branch.)

pub mod raw;

pub use raw::RawProject;
use std::path::Path;

/// Limits on the work one project may cause.
#[derive(Clone, Debug)]
pub struct Limits {
    pub max_file_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 512 << 20,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read {path}: {reason}")]
    Root { path: String, reason: String },
}

pub fn load_path(root: &Path, _limits: &Limits) -> Result<RawProject, LoadError> {
    Ok(RawProject {
        root: root.to_path_buf(),
        ..RawProject::default()
    })
}

pub fn load_files(
    root_label: &str,
    _files: Vec<(String, Vec<u8>)>,
    _limits: &Limits,
) -> RawProject {
    RawProject {
        root: root_label.into(),
        ..RawProject::default()
    }
}
