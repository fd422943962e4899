//! The demo project compiled into the binary (`sample-configs/demo/`).

use crate::load::{self, Limits, RawProject};

include!(concat!(env!("OUT_DIR"), "/demo_files.rs"));

/// Load the built-in demo project.
pub fn load() -> RawProject {
    let files = DEMO_FILES
        .iter()
        .map(|(p, b)| (p.to_string(), b.to_vec()))
        .collect();
    load::load_files("demo", files, &Limits::default())
}
