//! reach: who can reach this Azure Machine Learning resource, and why?
//!
//! Data flows one way: **load** (files → typed raw config with source locations) → **model**
//! (principals, resources in a scope tree, role definitions, assignments, attachments) →
//! **engine** (rules turn the model into an access graph; queries walk it and return paths of
//! explained steps) → **report** (text/JSON) → **cli**. `load`, `model` and `engine` never import
//! a terminal or CLI crate (`tests/architecture.rs` checks it).

/// mimalloc rather than the system allocator: a query allocates many small strings and vectors
/// on several threads, where glibc's malloc spent a quarter of the time (see
/// docs/performance.md). Set here so the binary, tests, examples and benchmarks all measure
/// the same allocator.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

pub mod cli;
pub mod collect;
pub mod demo;
pub mod engine;
pub mod finding;
pub mod load;
pub mod mask;
pub mod model;
pub mod par;
pub mod policy;
pub mod report;
pub mod source;
pub mod text;
pub mod tui;
