//! The TUI's interactive targets on a generated tenant, measured the way the TUI does the work
//! (the app state, its update calls and full frames into a ratatui `TestBackend`):
//!
//! ```text
//! cargo run --release --example interactive -- DIR [--soak N] [--kept-memory MB]
//! ```
//!
//! `--kept-memory MB` holds the engine's kept answers to MB (the TUI's option; default 160).
//!
//! - first screen: load, model, rules, app state and the first frame (one cold pass);
//! - warm-up: the TUI starts the engine's background warm-up once the first screen is drawn; a
//!   storage account is selected at once (answered while it runs), then it is waited for;
//! - select resource: the benchmark endpoint (DIR/bench-target.txt) selected and drawn, 15 times
//!   (median and slowest), and every workspace, endpoint, storage account, key vault and
//!   registry and up to 400 datastores and computes once (median, p95, slowest, slowest by
//!   kind);
//! - select identity: 40 principals spread over the list, each selected and drawn;
//! - filter keystroke: a character typed and drawn, then deleted and drawn, in the identities
//!   list and in a list of every role assignment's edge row (one row per assignment);
//! - memory while browsing: N selections (resources and identities in turn, each with the
//!   access pane's second row explained and drawn); every N/10 the benchmark endpoint is
//!   selected again and resident memory read, after asking the allocator to return the pages
//!   it keeps for reuse (otherwise the samples swing with the last query's working set). The
//!   floors (lowest samples) and tops of the first and last thirds are compared; the peak over
//!   the whole run, read without that, is a query's working memory. REACH_SLOW_LOG=1 names every
//!   selection over 50 ms (100 ms while browsing) on stderr.
//!
//! Prints `key value` lines (milliseconds, MB) for `scripts/bench-scale` to read.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use ratatui::backend::TestBackend;
use ratatui::Terminal;
use reach::engine::Engine;
use reach::model::ResKind;
use reach::tui::action::Action;
use reach::tui::app::{AppState, Focus};
use reach::tui::cursor::Move;
use reach::tui::listing::Listing;
use reach::tui::theme::Theme;
use std::time::Instant;

#[path = "common/mem.rs"]
mod mem;
use mem::{live_rss_mb, rss_mb};

const W: u16 = 160;
const H: u16 = 48;

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1e3
}

/// Median and slowest of `v` (sorted in place), and the 95th percentile.
fn stats(v: &mut [f64]) -> (f64, f64, f64) {
    v.sort_by(f64::total_cmp);
    let at = |q: f64| v[((v.len() - 1) as f64 * q).round() as usize];
    (at(0.5), at(0.95), v[v.len() - 1])
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dir = std::path::PathBuf::from(args.first().expect("usage: interactive DIR [--soak N]"));
    let soak: usize = match args.iter().position(|a| a == "--soak") {
        Some(i) => args[i + 1].parse().expect("--soak N"),
        None => 2000,
    };
    if let Some(i) = args.iter().position(|a| a == "--kept-memory") {
        let mb: usize = args[i + 1].parse().expect("--kept-memory MB");
        reach::engine::set_default_kept_budget(mb << 20);
    }
    let target = std::fs::read_to_string(dir.join("bench-target.txt")).expect("bench-target.txt");
    let theme = Theme::new(true, false);
    let mut term = Terminal::new(TestBackend::new(W, H)).unwrap();
    let mut frame = |app: &AppState| {
        term.draw(|f| reach::tui::ui::draw(f, app, &theme)).unwrap();
    };

    // first screen, cold
    let t = Instant::now();
    let raw = reach::load::load_path(&dir, &reach::load::Limits::default()).unwrap();
    let engine = Engine::new(reach::model::build(raw));
    let mut app = AppState::new(engine, W, H);
    frame(&app);
    println!("first_screen_ms {:.1}", ms(t));

    // the TUI starts the engine's warm-up once the first screen is drawn; a storage account
    // selected at once is answered while it runs, then the warm-up is waited for
    let t = Instant::now();
    app.warm_engine();
    let first_storage = app
        .engine()
        .model()
        .scopes_of_kind(ResKind::Storage)
        .next()
        .unwrap();
    let t1 = Instant::now();
    app.select_resource(first_storage);
    frame(&app);
    println!("select_storage_while_warming_ms {:.1}", ms(t1));
    let warmed = app.wait_engine_warm();
    println!("warm_ms {:.1}", ms(t));
    println!("rss_after_warm_mb {:.0}", live_rss_mb());
    let kept = app.engine().kept_answers();
    println!(
        "warm_answered {:?} kept_goals {} kept_edges {} kept_reaches {} kept_principals {}",
        warmed.unwrap_or_default(),
        kept[0],
        kept[1],
        kept[2],
        kept[3]
    );
    println!(
        "kept_bytes_and_evictions_after_warm {:?}",
        app.engine().kept_memory()
    );

    // select the benchmark endpoint
    let ep = app
        .engine()
        .model()
        .resolve_resource(target.trim())
        .unwrap();
    let mut v: Vec<f64> = (0..15)
        .map(|_| {
            let t = Instant::now();
            app.select_resource(ep);
            frame(&app);
            ms(t)
        })
        .collect();
    let (med, _, max) = stats(&mut v);
    println!("select_endpoint_median_ms {med:.1}");
    println!("select_endpoint_max_ms {max:.1}");

    // every workspace, endpoint, storage account, key vault, registry and (up to 400)
    // datastores and computes once; the slowest kind is named
    let m = app.engine().model();
    let mut scopes: Vec<_> = Vec::new();
    for kind in [
        ResKind::Workspace,
        ResKind::OnlineEndpoint,
        ResKind::Storage,
        ResKind::KeyVault,
        ResKind::Registry,
        ResKind::Datastore,
        ResKind::Compute,
    ] {
        let all: Vec<_> = m.scopes_of_kind(kind).collect();
        let step = all.len().div_ceil(400).max(1);
        scopes.extend(all.into_iter().step_by(step).map(|s| (kind, s)));
    }
    let mut by_kind: Vec<(ResKind, f64, String)> = Vec::new();
    let slow_log = std::env::var_os("REACH_SLOW_LOG").is_some();
    let mut v: Vec<f64> = scopes
        .iter()
        .map(|&(kind, s)| {
            let t = Instant::now();
            app.select_resource(s);
            frame(&app);
            let d = ms(t);
            let name = || app.engine().model().scope_label(s);
            if slow_log && d > 50.0 {
                eprintln!("slow: resource {}: {d:.0} ms", name());
            }
            match by_kind.iter_mut().find(|(k, _, _)| *k == kind) {
                Some((_, worst, _)) if *worst >= d => {}
                Some(slot) => *slot = (kind, d, name()),
                None => by_kind.push((kind, d, name())),
            }
            d
        })
        .collect();
    let (med, p95, max) = stats(&mut v);
    println!("select_resources {}", v.len());
    println!("select_resource_median_ms {med:.1}");
    println!("select_resource_p95_ms {p95:.1}");
    println!("select_resource_max_ms {max:.1}");
    for (kind, worst, name) in by_kind {
        println!(
            "select_max_ms_{} {worst:.1} ({name})",
            kind.word().replace(' ', "_")
        );
    }
    println!(
        "rss_after_resources_mb {:.0} kept {:?}",
        live_rss_mb(),
        app.engine().kept_answers()
    );

    // identities spread over the list
    let ids: Vec<_> = app.engine().model().principal_ids().collect();
    let step = (ids.len() / 40).max(1);
    let picks: Vec<_> = ids.iter().step_by(step).copied().collect();
    let mut v: Vec<f64> = picks
        .iter()
        .map(|&p| {
            let t = Instant::now();
            app.select_principal(p);
            frame(&app);
            ms(t)
        })
        .collect();
    let (med, p95, max) = stats(&mut v);
    println!("select_identity_median_ms {med:.1}");
    println!("select_identity_p95_ms {p95:.1}");
    println!("select_identity_max_ms {max:.1}");

    // a keystroke in the identities list: type and draw, delete and draw
    app.focus = Focus::Identities;
    app.update(Action::StartFilter);
    app.update(Action::FilterChar('u'));
    let mut v: Vec<f64> = (0..20)
        .flat_map(|_| {
            let t = Instant::now();
            app.update(Action::FilterChar('7'));
            frame(&app);
            let a = ms(t);
            let t = Instant::now();
            app.update(Action::FilterBackspace);
            frame(&app);
            [a, ms(t)]
        })
        .collect();
    app.update(Action::Back);
    let (med, _, max) = stats(&mut v);
    println!("identity_rows {}", ids.len());
    println!("keystroke_identities_median_ms {med:.1}");
    println!("keystroke_identities_max_ms {max:.1}");

    // a keystroke over one row per role assignment (the filter the panes use, on real rows)
    let m = app.engine().model();
    let hay: Vec<String> = m
        .assignments
        .iter()
        .map(|a| {
            format!(
                "{} {} {}",
                m.principal(a.principal).name,
                m.role(a.role).name,
                m.scope_label(a.scope)
            )
        })
        .collect();
    let rows = hay.len();
    let mut list = Listing::new(hay);
    list.set_height(usize::from(H));
    list.start_filter();
    list.push_char('u');
    let mut v: Vec<f64> = (0..20)
        .flat_map(|_| {
            let t = Instant::now();
            list.push_char('7');
            let _ = (0..usize::from(H)).filter_map(|i| list.at(i)).count();
            let a = ms(t);
            let t = Instant::now();
            list.pop_char();
            let _ = (0..usize::from(H)).filter_map(|i| list.at(i)).count();
            [a, ms(t)]
        })
        .collect();
    let (med, _, max) = stats(&mut v);
    println!("assignment_rows {rows}");
    println!("keystroke_assignments_median_ms {med:.1}");
    println!("keystroke_assignments_max_ms {max:.1}");

    // browsing: resources and identities in turn; every tenth of the way the benchmark
    // endpoint is selected again and resident memory read, so the samples compare like states
    let all_scopes: Vec<_> = app.engine().model().scope_ids().collect();
    let mut samples = Vec::new();
    let mut peak: f64 = 0.0;
    let t = Instant::now();
    for i in 0..soak {
        if i % (soak / 10).max(1) == 0 {
            app.select_resource(ep);
            frame(&app);
            samples.push(live_rss_mb());
        }
        let t1 = Instant::now();
        let what = if i % 2 == 0 {
            let s = all_scopes[(i * 7919) % all_scopes.len()];
            app.select_resource(s);
            format!("resource {}", app.engine().model().scope_label(s))
        } else {
            let p = ids[(i * 104_729) % ids.len()];
            app.select_principal(p);
            format!("principal {}", app.engine().model().principal(p).name)
        };
        app.focus = Focus::Access;
        app.update(Action::Move(Move::Down));
        frame(&app);
        peak = peak.max(rss_mb());
        if slow_log && ms(t1) > 100.0 {
            eprintln!("slow: {what}: {:.0} ms, rss {:.0} MB", ms(t1), rss_mb());
        }
    }
    app.select_resource(ep);
    frame(&app);
    samples.push(live_rss_mb());
    // compare the floors and the tops of the first and last thirds
    let third = (samples.len() / 3).max(1);
    let (early, late) = (&samples[..third], &samples[samples.len() - third..]);
    let floor = |v: &[f64]| v.iter().copied().fold(f64::MAX, f64::min);
    let top = |v: &[f64]| v.iter().copied().fold(0.0, f64::max);
    println!("soak_selections {soak}");
    println!("soak_seconds {:.1}", t.elapsed().as_secs_f64());
    println!(
        "soak_rss_mb {}",
        samples
            .iter()
            .map(|s| format!("{s:.0}"))
            .collect::<Vec<_>>()
            .join(",")
    );
    println!("soak_floor_first_third_mb {:.0}", floor(early));
    println!("soak_floor_last_third_mb {:.0}", floor(late));
    println!("soak_top_first_third_mb {:.0}", top(early));
    println!("soak_top_last_third_mb {:.0}", top(late));
    println!("soak_peak_mb {peak:.0}");
    println!(
        "soak_kept_bytes_and_evictions {:?}",
        app.engine().kept_memory()
    );
}
