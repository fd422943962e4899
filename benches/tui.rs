//! TUI timings without a terminal: one render of the main screen (demo, and with a 100k-row
//! Identities pane, unfiltered and filtered), and one filter keystroke over 100k rows (the
//! target is one frame, 16 ms, even when every row matches). Plain `harness = false` main with
//! `Instant` over many iterations; run with `cargo bench --bench tui`.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use reach::engine::Engine;
use reach::model::{PrincipalId, PrincipalKind};
use reach::tui::action::Action;
use reach::tui::app::AppState;
use reach::tui::listing::Listing;
use reach::tui::panes::identities::{IdRow, IdentitiesPane};
use reach::tui::theme::Theme;
use reach::tui::ui;
use std::hint::black_box;
use std::time::{Duration, Instant};

fn time(label: &str, iters: u32, mut f: impl FnMut()) -> Duration {
    f(); // warm up
    let t = Instant::now();
    for _ in 0..iters {
        f();
    }
    let per = t.elapsed() / iters;
    println!("{label:<55} {per:>12.2?}  ({iters} iterations)");
    per
}

fn synthetic_names(n: usize) -> Vec<String> {
    let words = [
        "fraud", "churn", "scorer", "ops", "ml", "data", "gpu", "batch", "svc", "team",
    ];
    (0..n)
        .map(|i| {
            format!(
                "{}-{}-{}{}@contoso.com",
                words[i % words.len()],
                words[(i / 10) % words.len()],
                words[(i / 100) % words.len()],
                i
            )
        })
        .collect()
}

fn main() {
    let area = Rect::new(0, 0, 120, 40);
    let theme = Theme::new(true, false);
    let engine = Engine::new(reach::model::build(reach::demo::load()));
    let mut app = AppState::new(engine, area.width, area.height);
    for c in "ep-fraud".chars() {
        if c == 'e' {
            app.update(Action::StartFilter);
        }
        app.update(Action::FilterChar(c));
    }
    app.update(Action::Select);
    let mut buf = Buffer::empty(area);
    time(
        "render main screen, demo, ep-fraud selected (120x40)",
        2000,
        || {
            buf.reset();
            ui::render(black_box(&app), &theme, area, &mut buf);
        },
    );

    let n = 100_000;
    let names = synthetic_names(n);
    let rows = names
        .iter()
        .enumerate()
        .map(|(i, name)| IdRow {
            id: PrincipalId(i as u32),
            name: name.clone(),
            kind: PrincipalKind::User,
        })
        .collect();
    app.identities = IdentitiesPane::from_rows(rows);
    app.update(Action::Resize(area.width, area.height));
    time("render main screen, 100k identities (120x40)", 2000, || {
        buf.reset();
        ui::render(black_box(&app), &theme, area, &mut buf);
    });

    // a filtered 100k pane: only the rows drawn get match positions
    app.update(Action::FocusPrev);
    app.update(Action::FocusPrev);
    app.update(Action::StartFilter);
    for c in "fr".chars() {
        app.update(Action::FilterChar(c));
    }
    time(
        "render main screen, 100k identities filtered 'fr' (120x40)",
        2000,
        || {
            buf.reset();
            ui::render(black_box(&app), &theme, area, &mut buf);
        },
    );

    let mut list = Listing::new(names);
    keystroke(
        "filter keystroke over 100k rows: '' -> 'f' (full scan)",
        &mut list,
        "",
        'f',
    );
    keystroke(
        "filter keystroke over 100k rows: '' -> 'c' (all match)",
        &mut list,
        "",
        'c',
    );
    keystroke(
        "filter keystroke over 100k rows: 'co' -> 'con' (all match)",
        &mut list,
        "co",
        'n',
    );
    keystroke(
        "filter keystroke over 100k rows: 'fr' -> 'fra' (narrowing)",
        &mut list,
        "fr",
        'a',
    );
    keystroke(
        "filter keystroke over 100k rows: 'x' -> 'xy' (few matches)",
        &mut list,
        "x",
        'y',
    );
    let mut back = Duration::ZERO;
    for _ in 0..20 {
        list.set_query("fra");
        let t = Instant::now();
        list.pop_char();
        back += t.elapsed();
    }
    println!(
        "{:<55} {:>12.2?}  (20 iterations)",
        "filter keystroke over 100k rows: backspace 'fra' -> 'fr'",
        back / 20
    );
    list.set_query("fr");
    println!("matches for 'fr': {}", list.len());
}

/// Time only the keystroke: the query before it is set up outside the clock.
fn keystroke(label: &str, list: &mut Listing, before: &str, c: char) {
    let mut total = Duration::ZERO;
    let iters = 20;
    for _ in 0..iters {
        list.set_query(before);
        let t = Instant::now();
        list.push_char(c);
        total += t.elapsed();
        black_box(list.len());
    }
    println!(
        "{label:<55} {:>12.2?}  ({iters} iterations, {} matches)",
        total / iters,
        list.len()
    );
}
