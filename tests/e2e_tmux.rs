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

#[test]
fn demo_in_tmux_filter_select_help_quit_and_the_terminal_is_restored() {
    if !have_tmux() {
        eprintln!("note: tmux is not installed; skipping the end-to-end TUI test");
        return;
    }
    let bin = env!("CARGO_BIN_EXE_reach");
    let s = Session(format!("reach-e2e-{}", std::process::id()));
    // a shell in the pane, so that after reach exits we can check the tty from inside it
    s.tmux(&[
        "new-session",
        "-d",
        "-s",
        &s.0,
        "-x",
        "80",
        "-y",
        "24",
        "env",
        "-u",
        "TMUX",
        "TERM=xterm-256color",
        "sh",
    ]);
    s.tmux(&["set-option", "-t", &s.0, "escape-time", "0"]);
    s.literal(&format!("stty sane; clear; {bin}; echo EXIT=$?\n"));
    let start = s.wait_for(&["Resources (", "Identities (", "? help"]);
    assert!(start.contains("reach"), "{start}");

    // filter Resources to the fraud endpoint and select it
    s.literal("/ep-fraud");
    s.wait_for(&["/ep-fraud"]);
    s.keys(&["Enter"]);
    let sel = s.wait_for(&["Access to ep-fraud", "alice@contoso.com", "fraud-squad"]);
    // a user and the group that gives it access: the path shows the membership
    assert!(sel.contains("RBAC-GROUP"), "{sel}");

    s.literal("?");
    s.wait_for(&["Help", "next pane"]);
    s.literal("q");
    let done = s.wait_for(&["EXIT=0"]);
    assert!(
        !done.contains("Help "),
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
    let s = Session(format!("reach-e2e-diff-{}", std::process::id()));
    s.tmux(&[
        "new-session",
        "-d",
        "-s",
        &s.0,
        "-x",
        "80",
        "-y",
        "24",
        "env",
        "-u",
        "TMUX",
        "TERM=xterm-256color",
        "sh",
    ]);
    s.tmux(&["set-option", "-t", &s.0, "escape-time", "0"]);
    // run from the snapshots' parent so that OLD is named `old` on screen
    s.literal(&format!(
        "cd '{}' && clear; {bin} --diff old new; echo EXIT=$?\n",
        old.parent().unwrap().display()
    ));
    let start = s.wait_for(&["diff: ", " lost, ", "vs old (D)", "Resources ("]);
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
