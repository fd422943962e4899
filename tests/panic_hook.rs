//! The TUI's panic hook: a panic on the TUI's thread restores the terminal and prints as usual;
//! a panic on a worker thread (caught by the engine, which carries on) neither restores the
//! terminal under the running TUI nor prints over it, and its message is kept for after.
//! Its own test binary: the hook is process-wide.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use reach::tui::terminal::{install_panic_hook, take_caught};

#[test]
fn worker_panics_are_kept_for_later_and_the_tui_threads_are_not() {
    install_panic_hook();
    // a worker: caught where it happens (as `par::map` does), message kept
    let worker =
        std::thread::spawn(|| std::panic::catch_unwind(|| panic!("worker item 7 failed")).is_err());
    assert!(worker.join().unwrap(), "the worker's panic was caught");
    let kept = take_caught();
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert!(kept[0].contains("worker item 7 failed"), "{kept:?}");
    assert!(take_caught().is_empty(), "taken once");
    // the TUI's own thread: not kept (it restores the terminal and prints as before)
    assert!(std::panic::catch_unwind(|| panic!("the TUI thread failed")).is_err());
    assert!(
        take_caught().is_empty(),
        "the TUI thread's panic is not kept"
    );
}
