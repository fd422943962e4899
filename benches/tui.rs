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
    matchers(&list_names(n));
}

fn list_names(n: usize) -> Vec<String> {
    synthetic_names(n)
}

/// The choice of matcher: nucleo-matcher (what the filter uses) against fuzzy-matcher's
/// SkimMatcherV2 on a full scan of 100k rows (score every row; no narrowing), ASCII and a
/// tenth of the rows with accented and CJK names.
fn matchers(names: &[String]) {
    use fuzzy_matcher::skim::SkimMatcherV2;
    use fuzzy_matcher::FuzzyMatcher;
    use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
    use nucleo_matcher::{Config, Matcher, Utf32Str};
    let mut mixed: Vec<String> = names.to_vec();
    for (i, s) in mixed.iter_mut().enumerate().filter(|(i, _)| i % 10 == 0) {
        *s = format!("{}-müller-straße-名前{i}", s);
    }
    let skim = SkimMatcherV2::default().smart_case();
    let mut nucleo = Matcher::new(Config::DEFAULT);
    for (label, rows) in [("ascii", names), ("10% unicode", &mixed[..])] {
        for q in ["f", "fr", "fraud", "u7", "ml team", "zzz"] {
            let t = Instant::now();
            let a = rows
                .iter()
                .filter(|r| skim.fuzzy_match(r, q).is_some())
                .count();
            let skim_t = t.elapsed();
            let p = Pattern::parse(q, CaseMatching::Smart, Normalization::Smart);
            let mut buf = Vec::new();
            let t = Instant::now();
            let b = rows
                .iter()
                .filter(|r| p.score(Utf32Str::new(r, &mut buf), &mut nucleo).is_some())
                .count();
            let nucleo_t = t.elapsed();
            println!(
                "matcher {label:<11} {q:<8} fuzzy-matcher {skim_t:>10.2?} ({a} rows)   nucleo-matcher {nucleo_t:>10.2?} ({b} rows)"
            );
        }
    }
    // Unicode: what each finds (accent-free query for an accented name, `ß`, case of `Ä`)
    let texts = ["Müller-Team", "straße-ops", "ÄBC-store", "café"];
    for q in ["muller", "strasse", "straße", "äbc", "cafe"] {
        let skim_hits: Vec<&str> = texts
            .iter()
            .copied()
            .filter(|t| skim.fuzzy_match(t, q).is_some())
            .collect();
        let p = Pattern::parse(q, CaseMatching::Smart, Normalization::Smart);
        let mut buf = Vec::new();
        let nucleo_hits: Vec<&str> = texts
            .iter()
            .copied()
            .filter(|t| p.score(Utf32Str::new(t, &mut buf), &mut nucleo).is_some())
            .collect();
        println!("unicode {q:<8} fuzzy-matcher {skim_hits:?}   nucleo-matcher {nucleo_hits:?}");
    }
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
