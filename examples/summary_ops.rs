//! Time `who_can_summary` per operation on one resource (a profiling aid for the TUI's Access pane).
//! `summary_ops DIR RESOURCE [N [PRINCIPAL]]`: then repeat the all-operations summary N times, and
//! the same N times cold (the engine's kept answers forgotten first), and `what_can_summary`
//! of PRINCIPAL N times (a loop to run under `perf record`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
use reach::engine::{action, Engine};
use std::time::Instant;

#[path = "common/mem.rs"]
mod mem;
use mem::{live_rss_mb, rss_mb};
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let raw = reach::load::load_path(
        std::path::Path::new(&args[0]),
        &reach::load::Limits::default(),
    )
    .unwrap();
    let e = Engine::new(reach::model::build(raw));
    println!("rss loaded {:.0} MB", live_rss_mb());
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
        let (mut best, mut total) = (f64::MAX, 0.0);
        for _ in 0..n {
            e.forget_kept();
            let t = Instant::now();
            e.who_can_summary(s, None).unwrap();
            let ms = t.elapsed().as_secs_f64() * 1e3;
            best = best.min(ms);
            total += ms;
        }
        let kept = e.kept_answers();
        println!(
            "who_can_summary cold x{n}: fastest {best:.1} ms, mean {:.1} ms; kept {kept:?}",
            total / n as f64
        );
        e.forget_kept();
        let t = Instant::now();
        let warmed = e.warm(&std::sync::atomic::AtomicBool::new(false));
        println!(
            "warm: {:.1} ms, {warmed:?} goals and edges answered, kept {:?}, rss {:.0} MB",
            t.elapsed().as_secs_f64() * 1e3,
            e.kept_answers(),
            rss_mb()
        );
        let mut v: Vec<f64> = (0..n)
            .map(|_| {
                let t = Instant::now();
                e.who_can_summary(s, None).unwrap();
                t.elapsed().as_secs_f64() * 1e3
            })
            .collect();
        v.sort_by(f64::total_cmp);
        println!(
            "who_can_summary after warm x{n}: fastest {:.1} ms, median {:.1} ms",
            v[0],
            v[v.len() / 2]
        );
        println!("rss after mi_collect {:.0} MB", live_rss_mb());
        e.forget_kept();
        println!("rss after forgetting {:.0} MB", live_rss_mb());
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
