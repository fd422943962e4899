//! The one error `load_path` returns: the project root itself cannot be read. Problems inside the
//! folder are `LOAD` findings, never errors.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("project folder {} not found", .0.display())]
    NotFound(PathBuf),
    #[error("{} is not a folder", .0.display())]
    NotADirectory(PathBuf),
    #[error("cannot read project folder {}: {}", .0.display(), .1)]
    Unreadable(PathBuf, String),
}
