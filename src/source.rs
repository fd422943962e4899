//! Where a fact came from: a config file and line (or entry index), the bundled role catalog, or a
//! rule alone. Shared by load, model and engine; no I/O here.

use serde::{Serialize, Serializer};
use std::fmt;
use std::sync::Arc;

/// The origin of a fact, shown as `relative/path:line`, `relative/path#entry`, `builtin` or `rule`.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Source {
    /// A line (1-based) in a project file; path is relative to the project root, `/`-separated.
    Line { file: Arc<str>, line: u32 },
    /// An entry (0-based index) of a JSON array or `value` list in a project file.
    Entry { file: Arc<str>, index: u32 },
    /// A whole file (no better location known).
    File { file: Arc<str> },
    /// The built-in role catalog shipped in `assets/`.
    Builtin,
    /// Implied by an access rule alone (an automatic grant, say).
    #[default]
    Rule,
    /// A what-if assumption given on the command line or in the TUI.
    Assumed,
}

impl Source {
    pub fn line(file: &Arc<str>, line: u32) -> Self {
        Source::Line {
            file: file.clone(),
            line,
        }
    }
    pub fn entry(file: &Arc<str>, index: u32) -> Self {
        Source::Entry {
            file: file.clone(),
            index,
        }
    }
    /// The file this source points into, if any.
    pub fn file(&self) -> Option<&str> {
        match self {
            Source::Line { file, .. } | Source::Entry { file, .. } | Source::File { file } => {
                Some(file)
            }
            Source::Builtin | Source::Rule | Source::Assumed => None,
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Line { file, line } => write!(f, "{file}:{line}"),
            Source::Entry { file, index } => write!(f, "{file}#{index}"),
            Source::File { file } => write!(f, "{file}"),
            Source::Builtin => f.write_str("builtin"),
            Source::Rule => f.write_str("rule"),
            Source::Assumed => f.write_str("assumed"),
        }
    }
}

impl Serialize for Source {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A value with the line it was read from (0 when unknown).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Located<T> {
    pub value: T,
    pub line: u32,
}

impl<T> Located<T> {
    pub fn new(value: T, line: u32) -> Self {
        Located { value, line }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_each_form() {
        let f: Arc<str> = Arc::from("azure/groups.json");
        assert_eq!(Source::line(&f, 14).to_string(), "azure/groups.json:14");
        assert_eq!(Source::entry(&f, 3).to_string(), "azure/groups.json#3");
        assert_eq!(Source::Builtin.to_string(), "builtin");
        assert_eq!(Source::Rule.to_string(), "rule");
        assert_eq!(
            serde_json::to_string(&Source::line(&f, 2)).ok().as_deref(),
            Some("\"azure/groups.json:2\"")
        );
    }
}
