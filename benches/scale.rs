//! Growth benchmarks (divan): load, model build, rules, who-can, what-can, explain and lint at
//! 10k / 100k / 300k role assignments. Tenants come from `examples/gen_tenant.rs` (seed 42), written
//! once to `/tmp/reach-bench-<N/1000>k` and reused.
//!
//! ```text
//! cargo bench --bench scale                 # all sizes
//! cargo bench --bench scale -- who_can      # one group
//! ```
//!
//! divan rather than criterion: far fewer dependencies to build on a shared 2-core machine,
//! `args = [...]` gives the 10k/100k/300k growth table directly, and per-benchmark sample counts
//! keep the 300k cases (seconds each) short.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[allow(dead_code)]
#[path = "../examples/gen_tenant.rs"]
mod gen_tenant;

use reach::engine::Engine;
use reach::load::{load_path, Limits, RawProject};
use std::cell::RefCell;
use std::collections::HashMap;
use std::path::PathBuf;

const SIZES: [usize; 3] = [10_000, 100_000, 300_000];

fn main() {
    divan::main();
}

/// The tenant folder for `n` assignments and its target endpoint, generated on first use.
fn tenant(n: usize) -> (PathBuf, String) {
    let dir = PathBuf::from(format!("/tmp/reach-bench-{}k", n / 1000));
    let target = dir.join("bench-target.txt");
    if !target.exists() {
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        gen_tenant::generate(n, 42, &dir);
    }
    (dir, std::fs::read_to_string(target).unwrap().trim().to_string())
}

fn raw(n: usize) -> RawProject {
    load_path(&tenant(n).0, &Limits::default()).unwrap()
}

thread_local! {
    static ENGINES: RefCell<HashMap<usize, &'static Engine>> = RefCell::new(HashMap::new());
}

/// A loaded engine per size, built once and kept for the process.
fn engine(n: usize) -> &'static Engine {
    ENGINES.with(|e| {
        *e.borrow_mut()
            .entry(n)
            .or_insert_with(|| Box::leak(Box::new(Engine::new(reach::model::build(raw(n))))))
    })
}

#[divan::bench(args = SIZES, sample_count = 5, sample_size = 1)]
fn load(n: usize) -> RawProject {
    let dir = tenant(n).0;
    load_path(&dir, &Limits::default()).unwrap()
}

#[divan::bench(args = SIZES, sample_count = 5, sample_size = 1)]
fn model_build(bencher: divan::Bencher, n: usize) {
    bencher
        .with_inputs(|| raw(n))
        .bench_values(reach::model::build);
}

#[divan::bench(args = SIZES, sample_count = 5, sample_size = 1)]
fn rules(bencher: divan::Bencher, n: usize) {
    bencher
        .with_inputs(|| reach::model::build(raw(n)))
        .bench_values(Engine::new);
}

#[divan::bench(args = SIZES, sample_count = 10)]
fn who_can_score(bencher: divan::Bencher, n: usize) {
    let e = engine(n);
    let s = e.model().resolve_resource(&tenant(n).1).unwrap();
    bencher.bench(|| e.who_can(s, Some("score")).unwrap());
}

#[divan::bench(args = SIZES, sample_count = 10)]
fn who_can_all_ops(bencher: divan::Bencher, n: usize) {
    let e = engine(n);
    let s = e.model().resolve_resource(&tenant(n).1).unwrap();
    bencher.bench(|| e.who_can(s, None).unwrap());
}

#[divan::bench(args = SIZES, sample_count = 10)]
fn what_can(bencher: divan::Bencher, n: usize) {
    let e = engine(n);
    let p = e.model().resolve_principal("user00001@contoso.com").unwrap();
    bencher.bench(|| e.what_can(p, None));
}

#[divan::bench(args = SIZES, sample_count = 10)]
fn explain(bencher: divan::Bencher, n: usize) {
    let e = engine(n);
    let s = e.model().resolve_resource(&tenant(n).1).unwrap();
    let p = e.model().resolve_principal("user00001@contoso.com").unwrap();
    bencher.bench(|| e.explain(p, s, "score").unwrap());
}

#[divan::bench(args = SIZES, sample_count = 10)]
fn lint(bencher: divan::Bencher, n: usize) {
    let e = engine(n);
    bencher.bench(|| e.lint());
}

#[divan::bench(args = SIZES, sample_count = 5, sample_size = 1)]
fn who_can_json(bencher: divan::Bencher, n: usize) {
    let e = engine(n);
    let s = e.model().resolve_resource(&tenant(n).1).unwrap();
    let w = e.who_can(s, Some("score")).unwrap();
    bencher.bench(|| reach::report::json::to_string(&w));
}
