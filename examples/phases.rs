//! Time each phase of one `who-can` on a project folder, in one process (for profiling the scale
//! benchmark; `scripts/bench-scale` prints it under the table).
//!
//! ```text
//! cargo run --release --example phases -- DIR RESOURCE [ACTION]
//! ```
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use reach::engine::Engine;
use reach::load::{load_path, Limits};
use std::path::Path;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dir = args.first().expect("DIR RESOURCE [ACTION]");
    let res = args.get(1).expect("DIR RESOURCE [ACTION]");
    let action = args.get(2).map_or("score", String::as_str);
    let t = Instant::now();
    let mut last = t;
    let mut lap = |what: &str| {
        let now = Instant::now();
        eprintln!(
            "{what:<14} {:>8.1} ms",
            now.duration_since(last).as_secs_f64() * 1e3
        );
        last = now;
    };
    let raw = load_path(Path::new(dir), &Limits::default()).unwrap();
    lap("load");
    let model = reach::model::build(raw);
    lap("model build");
    let engine = Engine::new(model);
    lap("rules/graph");
    let s = engine.model().resolve_resource(res).unwrap();
    // "all": every summarised operation, as the TUI's Access pane asks
    let w = engine
        .who_can(s, (action != "all").then_some(action))
        .unwrap();
    lap("who_can");
    let _ = engine.who_can_summary(s, None).unwrap();
    lap("who_can_summary");
    let out = reach::report::json::to_string(&w);
    lap("json output");
    let p = engine
        .model()
        .resolve_principal(&w.principals[0].principal.name)
        .unwrap();
    let _ = engine.what_can(p, None);
    lap("what_can");
    let _ = engine.what_can_summary(p, None);
    lap("what_can_summary");
    let _ = engine.lint();
    lap("lint");
    eprintln!(
        "total          {:>8.1} ms  ({} principals, {} bytes of JSON)",
        t.elapsed().as_secs_f64() * 1e3,
        w.principals.len(),
        out.len()
    );
}
