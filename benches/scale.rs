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
    (
        dir,
        std::fs::read_to_string(target).unwrap().trim().to_string(),
    )
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
    let p = e
        .model()
        .resolve_principal("user00001@contoso.com")
        .unwrap();
    bencher.bench(|| e.what_can(p, None));
}

#[divan::bench(args = SIZES, sample_count = 10)]
fn explain(bencher: divan::Bencher, n: usize) {
    let e = engine(n);
    let s = e.model().resolve_resource(&tenant(n).1).unwrap();
    let p = e
        .model()
        .resolve_principal("user00001@contoso.com")
        .unwrap();
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

// ---------------------------------------------------------------- TUI (src/tui)

use ratatui::backend::TestBackend;
use ratatui::Terminal;
use reach::tui::action::Action;
use reach::tui::app::{AppState, Focus};
use reach::tui::theme::Theme;

thread_local! {
    static APPS: RefCell<HashMap<usize, &'static mut AppState>> = RefCell::new(HashMap::new());
}

fn draw(app: &AppState, term: &mut Terminal<TestBackend>, theme: &Theme) {
    term.draw(|f| reach::tui::ui::draw(f, app, theme)).unwrap();
}

/// Run `f` on the size's TUI state (160×48), created once.
fn with_app<R>(n: usize, f: impl FnOnce(&mut AppState) -> R) -> R {
    APPS.with(|a| {
        let mut map = a.borrow_mut();
        let app = map.entry(n).or_insert_with(|| {
            Box::leak(Box::new(AppState::new(
                Engine::new(reach::model::build(raw(n))),
                160,
                48,
            )))
        });
        f(app)
    })
}

/// First screen once the project is loaded: the app state (panes, lint) and one frame.
#[divan::bench(args = SIZES, sample_count = 3, sample_size = 1)]
fn tui_first_screen(bencher: divan::Bencher, n: usize) {
    let theme = Theme::new(true, false);
    bencher
        .with_inputs(|| Engine::new(reach::model::build(raw(n))))
        .bench_values(|e| {
            let app = AppState::new(e, 160, 48);
            let mut term = Terminal::new(TestBackend::new(160, 48)).unwrap();
            draw(&app, &mut term, &theme);
            app
        });
}

/// Select the benchmark endpoint (full who-can of every operation) and draw the frame.
#[divan::bench(args = SIZES, sample_count = 10)]
fn tui_select_resource(bencher: divan::Bencher, n: usize) {
    let theme = Theme::new(true, false);
    let mut term = Terminal::new(TestBackend::new(160, 48)).unwrap();
    let target = tenant(n).1;
    with_app(n, |app| {
        let s = app.engine().model().resolve_resource(&target).unwrap();
        bencher.bench_local(|| {
            app.select_resource(s);
            draw(app, &mut term, &theme);
        });
    });
}

/// Select storage accounts (whose blob readers include whoever can act as the tenant's managed
/// identities) and draw the frame, once the engine's warm-up (which the TUI starts after its
/// first screen) is done: each sample selects the next of the tenant's accounts.
#[divan::bench(args = SIZES, sample_count = 10)]
fn tui_select_storage(bencher: divan::Bencher, n: usize) {
    let theme = Theme::new(true, false);
    let mut term = Terminal::new(TestBackend::new(160, 48)).unwrap();
    with_app(n, |app| {
        app.warm_engine();
        app.wait_engine_warm();
        let all: Vec<_> = app
            .engine()
            .model()
            .scopes_of_kind(reach::model::ResKind::Storage)
            .collect();
        let mut i = 0;
        bencher.bench_local(|| {
            app.select_resource(all[i % all.len()]);
            i += 1;
            draw(app, &mut term, &theme);
        });
    });
}

/// One filter keystroke in the identities list (every principal) and its frame; each sample
/// types a character and deletes it (two keystrokes, two frames).
#[divan::bench(args = SIZES, sample_count = 20)]
fn tui_filter_keystroke(bencher: divan::Bencher, n: usize) {
    let theme = Theme::new(true, false);
    let mut term = Terminal::new(TestBackend::new(160, 48)).unwrap();
    with_app(n, |app| {
        app.focus = Focus::Identities;
        app.update(Action::StartFilter);
        app.update(Action::FilterChar('u'));
        bencher.bench_local(|| {
            app.update(Action::FilterChar('7'));
            draw(app, &mut term, &theme);
            app.update(Action::FilterBackspace);
            draw(app, &mut term, &theme);
        });
        app.update(Action::Back);
    });
}
