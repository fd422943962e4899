//! The floor for the scale comparison: read every config file of a project folder and only parse
//! it into memory (JSON into `serde_json::Value`, YAML with reach's YAML parser), on as many
//! threads as reach's loader uses, keeping every parsed tree until the end. No recognition,
//! no model, no query, no output. `scripts/bench-scale` runs it as a cold process.
//!
//! ```text
//! cargo run --release --example parse_floor -- DIR
//! ```
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use reach::load::{discover, yaml, Limits};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

enum Parsed {
    Json(#[allow(dead_code)] serde_json::Value),
    Yaml(#[allow(dead_code)] Option<yaml::Y>),
    Failed,
}

fn main() {
    let dir = std::env::args().nth(1).expect("DIR");
    let limits = Limits::default();
    let walk = discover::walk(Path::new(&dir), &limits);
    let next = AtomicUsize::new(0);
    let kept: Mutex<Vec<Parsed>> = Mutex::new(Vec::new());
    let bytes = AtomicUsize::new(0);
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                let mut mine = Vec::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(c) = walk.files.get(i) else { break };
                    let data = std::fs::read(&c.abs).unwrap();
                    bytes.fetch_add(data.len(), Ordering::Relaxed);
                    let parsed = if discover::is_json_name(&c.rel) {
                        serde_json::from_slice(&data).map_or(Parsed::Failed, Parsed::Json)
                    } else {
                        match std::str::from_utf8(&data) {
                            Ok(t) => yaml::parse(t, &limits).map_or(Parsed::Failed, Parsed::Yaml),
                            Err(_) => Parsed::Failed,
                        }
                    };
                    mine.push(parsed);
                }
                kept.lock().unwrap().extend(mine);
            });
        }
    });
    let kept = kept.into_inner().unwrap();
    let failed = kept.iter().filter(|p| matches!(p, Parsed::Failed)).count();
    println!(
        "parsed {} files, {} bytes, {failed} failed",
        kept.len(),
        bytes.load(Ordering::Relaxed)
    );
}
