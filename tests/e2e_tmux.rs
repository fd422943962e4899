//! End to end: the real binary in a detached tmux session (80×24). Polls `capture-pane` for
//! expected text until a deadline; never asserts after a fixed sleep. Skips (with a note) when
//! tmux is not installed.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod crafted;

use std::process::Command;
use std::time::{Duration, Instant};

struct Session(String);

impl Session {
    fn tmux(&self, args: &[&str]) -> String {
        let out = Command::new("tmux").args(args).output().unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", self.0.as_str()];
        args.extend_from_slice(keys);
        self.tmux(&args);
    }
    fn literal(&self, text: &str) {
        self.tmux(&["send-keys", "-t", &self.0, "-l", text]);
    }
    fn screen(&self) -> String {
        self.tmux(&["capture-pane", "-p", "-t", &self.0])
    }
    /// Wait until every needle is on screen; the screen at that moment.
    fn wait_for(&self, needles: &[&str]) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let s = self.screen();
            if needles.iter().all(|n| s.contains(n)) {
                return s;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {needles:?}; screen:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["kill-session", "-t", &self.0])
            .output();
    }
}

fn have_tmux() -> bool {
    Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// A detached 80×24 session running `sh` with `env` settings; its raw output is also written
/// to `log` (tmux `pipe-pane`) when given.
fn session(name: &str, env: &[&str], log: Option<&std::path::Path>) -> Session {
    let s = Session(format!("{name}-{}", std::process::id()));
    let mut args = vec![
        "new-session",
        "-d",
        "-s",
        &s.0,
        "-x",
        "80",
        "-y",
        "24",
        "env",
    ];
    args.extend_from_slice(env);
    args.push("sh");
    s.tmux(&args);
    s.tmux(&["set-option", "-t", &s.0, "escape-time", "0"]);
    if let Some(l) = log {
        s.tmux(&[
            "pipe-pane",
            "-o",
            "-t",
            &s.0,
            &format!("cat >> '{}'", l.display()),
        ]);
    }
    s
}

/// Wait until no needle is on screen.
fn wait_gone(s: &Session, needles: &[&str]) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let scr = s.screen();
        if needles.iter().all(|n| !scr.contains(n)) {
            return scr;
        }
        assert!(
            Instant::now() < deadline,
            "{needles:?} stayed on screen:\n{scr}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn demo_in_tmux_filter_select_help_quit_and_the_terminal_is_restored() {
    if !have_tmux() {
        eprintln!("note: tmux is not installed; skipping the end-to-end TUI test");
        return;
    }
    let bin = env!("CARGO_BIN_EXE_reach");
    // a shell in the pane, so that after reach exits we can check the tty from inside it;
    // TMUX stays set, so `y` goes through tmux's paste buffer
    let s = session("reach-e2e", &["TERM=xterm-256color", "LANG=C.UTF-8"], None);
    s.literal(&format!("stty sane; clear; {bin}; echo EXIT=$?\n"));
    let start = s.wait_for(&["Resources (", "Identities (", "? help"]);
    assert!(start.contains("reach"), "{start}");

    // issue 18, item 1: j and k are text in a filter
    s.literal("/kv");
    s.wait_for(&["/kv_"]);
    s.keys(&["Enter"]);
    s.wait_for(&["Access to kv-"]);
    s.keys(&["Escape"]);
    s.literal("1/judy");
    s.wait_for(&["/judy_"]);
    s.keys(&["Enter"]);
    s.wait_for(&["What judy@contoso.com reaches"]);

    // item 3: q closes help, and reach goes on
    s.literal("?");
    s.wait_for(&["Help", "next pane"]);
    s.literal("q");
    let after = wait_gone(&s, &["next pane"]);
    assert!(!after.contains("EXIT="), "q in help quit reach:\n{after}");

    // item 4: junk written to the terminal stays until Ctrl-L repaints everything
    let tty = s.tmux(&["display-message", "-p", "-t", &s.0, "#{pane_tty}"]);
    std::fs::write(tty.trim(), "\x1b[5;5HJUNKJUNKJUNK").unwrap();
    s.wait_for(&["JUNKJUNKJUNK"]);
    s.keys(&["C-l"]);
    wait_gone(&s, &["JUNKJUNKJUNK"]);

    // filter Resources to the fraud endpoint and select it
    s.literal("2/ep-fraud");
    s.wait_for(&["/ep-fraud"]);
    s.keys(&["Enter"]);
    let sel = s.wait_for(&["Access to ep-fraud", "alice@contoso.com", "fraud-squad"]);
    // a user and the group that gives it access: the path shows the membership
    assert!(sel.contains("RBAC-GROUP"), "{sel}");

    // item 2: y inside tmux lands in tmux's paste buffer, and the message says so
    s.literal("y");
    s.wait_for(&["tmux buffer"]);
    let buffer = s.tmux(&["show-buffer"]);
    assert!(buffer.contains("path 1"), "{buffer}");

    s.literal("q");
    let done = s.wait_for(&["EXIT=0"]);
    assert!(
        !done.contains("Resources ("),
        "the alternate screen was left: {done}"
    );

    // cooked mode again: canonical input and echo on
    s.literal(
        "stty -a | tr ' ' '\\n' | grep -E '^-?(icanon|echo)$' | tr '\\n' ' '; echo STTY-DONE\n",
    );
    let tty = s.wait_for(&["STTY-DONE"]);
    let line = tty
        .lines()
        .find(|l| l.contains("icanon") && !l.contains("grep"))
        .unwrap_or_else(|| panic!("no stty output:\n{tty}"));
    assert!(
        line.contains("icanon") && !line.contains("-icanon"),
        "{line}"
    );
    assert!(line.split_whitespace().any(|w| w == "echo"), "{line}");
}

/// Item 12: on `TERM=linux` every colour is a 16-colour escape, there are no italics, and a
/// C locale gets ASCII borders.
#[test]
fn term_linux_gets_16_colour_escapes_and_ascii_in_a_c_locale() {
    if !have_tmux() {
        eprintln!("note: tmux is not installed; skipping the TERM=linux test");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("out.bin");
    let bin = env!("CARGO_BIN_EXE_reach");
    let s = session(
        "reach-e2e-linux",
        &["-u", "TMUX", "TERM=linux", "LANG=C", "LC_ALL="],
        Some(&log),
    );
    s.literal(&format!("clear; {bin}; echo EXIT=$?\n"));
    s.wait_for(&["Resources (", "? help"]);
    s.literal("/ep-fraud");
    s.wait_for(&["/ep-fraud"]);
    s.keys(&["Enter"]);
    let scr = s.wait_for(&["Access to ep-fraud", "RBAC-GROUP"]);
    assert!(
        !scr.contains('┌') && !scr.contains('▸'),
        "not ASCII:\n{scr}"
    );
    s.literal("q");
    s.wait_for(&["EXIT=0"]);
    let out = std::fs::read(&log).unwrap();
    let text = String::from_utf8_lossy(&out);
    assert!(
        !text.contains("\x1b[38;5;"),
        "a 256-colour escape on TERM=linux"
    );
    assert!(
        !text.contains("\x1b[48;5;"),
        "a 256-colour escape on TERM=linux"
    );
    assert!(!text.contains("\x1b[3m"), "italics on TERM=linux");
    assert!(text.contains("\x1b[3"), "no colour at all: {}", text.len());
}

/// `reach --diff OLD NEW` on the crafted snapshots: the status line counts the diff, ep-fraud
/// lists the principals that lost access with the gone path, D lists only what changed.
#[test]
fn diff_in_tmux_marks_gained_and_lost_access_and_d_filters() {
    if !have_tmux() {
        eprintln!("note: tmux is not installed; skipping the end-to-end --diff test");
        return;
    }
    let (_dir, old, _new) = crafted::crafted_with_losses();
    let bin = env!("CARGO_BIN_EXE_reach");
    let s = session(
        "reach-e2e-diff",
        &["-u", "TMUX", "TERM=xterm-256color", "LANG=C.UTF-8"],
        None,
    );
    // run from the snapshots' parent so that OLD is named `old` on screen
    s.literal(&format!(
        "cd '{}' && clear; {bin} --diff old new; echo EXIT=$?\n",
        old.parent().unwrap().display()
    ));
    // NEW holds a broken file: the INCOMPLETE marker leads, and the counts take their short
    // form at 80 columns (issue 20)
    let start = s.wait_for(&[
        " INCOMPLETE: 1 file ",
        "diff +",
        "vs old (D)",
        "Resources (",
    ]);
    assert!(start.contains("+ gained  - lost"), "{start}");
    assert!(start.contains("~"), "{start}");

    s.literal("/ep-fraud");
    s.wait_for(&["/ep-fraud"]);
    s.keys(&["Enter"]);
    let sel = s.wait_for(&["Access to ep-fraud", "- judy@contoso.com", "- scorers"]);
    assert!(sel.contains("- gone path 1"), "{sel}");
    assert!(sel.contains("- lost: score"), "{sel}");

    s.keys(&["Escape"]);
    s.literal("D");
    let only = s.wait_for(&["Resources (", " changed)", "listing only what changed"]);
    assert!(!only.contains("grace@contoso.com"), "{only}");
    s.literal("q");
    s.wait_for(&["EXIT=0"]);
}

#[test]
fn piped_stdout_prints_the_text_summary() {
    let out = Command::new(env!("CARGO_BIN_EXE_reach")).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("reach"), "{text}");
    assert!(
        !text.contains("\x1b["),
        "no terminal control sequences in a pipe"
    );
}
