//! Rendering engine results as text or JSON (the schemas of `interface.md`). Never queries or
//! loads; every config-derived string passes through `text::show` (text) or `text::redact` (JSON).

pub mod diff;
pub mod dot;
pub mod json;
pub mod markdown;
pub mod matrix;
pub mod mermaid;
pub mod policy;
pub mod sarif;
pub mod text;

/// Output formats of the query commands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
}
