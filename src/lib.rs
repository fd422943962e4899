//! reach: who can reach this Azure Machine Learning resource, and why?
//!
//! Data flows one way: **load** (files → typed raw config with source locations) → **model**
//! (principals, resources in a scope tree, role definitions, assignments, attachments) →
//! **engine** (rules turn the model into an access graph; queries walk it and return paths of
//! explained steps) → **report** (text/JSON) → **cli**. `load`, `model` and `engine` never import
//! a terminal or CLI crate (`tests/architecture.rs` checks it).

pub mod cli;
pub mod demo;
pub mod engine;
pub mod finding;
pub mod load;
pub mod mask;
pub mod model;
pub mod par;
pub mod report;
pub mod source;
pub mod text;
pub mod tui;
