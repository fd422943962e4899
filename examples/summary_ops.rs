//! Time `who_can_summary` per operation on one resource (a profiling aid for the TUI's Access pane).
//! `summary_ops DIR RESOURCE [N [PRINCIPAL]]`: then repeat the all-operations summary N times, and
//! `what_can_summary` of PRINCIPAL N times (a loop to run under `perf record`).
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
    let n: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(0);
    if n > 0 {
        let mut best = f64::MAX;
        for _ in 0..n {
            let t = Instant::now();
            e.who_can_summary(s, None).unwrap();
            best = best.min(t.elapsed().as_secs_f64() * 1e3);
        }
        println!("who_can_summary x{n}: fastest {best:.1} ms");
    }
    if let Some(p) = args.get(3) {
        let p = e.model().resolve_principal(p).unwrap();
        let (mut best, mut reached) = (f64::MAX, 0);
        for _ in 0..n.max(1) {
            let t = Instant::now();
            reached = e.what_can_summary(p, None).resources.len();
            best = best.min(t.elapsed().as_secs_f64() * 1e3);
        }
        println!("what_can_summary x{n}: fastest {best:.1} ms, {reached} resources");
    }
}
