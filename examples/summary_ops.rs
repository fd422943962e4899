//! Time `who_can_summary` per operation on one resource (a profiling aid for the TUI's Access pane).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
use reach::engine::{action, Engine};
use std::time::Instant;
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let raw = reach::load::load_path(
        std::path::Path::new(&args[0]),
        &reach::load::Limits::default(),
    )
    .unwrap();
    let e = Engine::new(reach::model::build(raw));
    let s = e.model().resolve_resource(&args[1]).unwrap();
    for op in action::summary_ops(e.model().scope(s).kind) {
        let t = Instant::now();
        let n = e.who_can_summary(s, Some(op)).unwrap().len();
        println!(
            "{op:<12} {:>8.1} ms  {n} principals",
            t.elapsed().as_secs_f64() * 1e3
        );
    }
    let t = Instant::now();
    let n = e.who_can_summary(s, None).unwrap().len();
    println!(
        "{:<12} {:>8.1} ms  {n} principals",
        "all",
        t.elapsed().as_secs_f64() * 1e3
    );
}
