//! `--watch`: notice when a file under the project folder changes and say so on a channel,
//! debounced (an editor's save of several files is one change). File-system notifications
//! (`notify`, inotify on Linux, with its mini debouncer) do the noticing; a poll of file sizes and
//! modification times every 250 ms is the fallback when notifications cannot be set up (no
//! inotify watches left, a file system without them) or when `REACH_WATCH_POLL=1` asks for it
//! (network file systems accept a watch and then never notify). Either way the terminal is
//! never touched: the event loop redraws only when it receives a change.

use notify_debouncer_mini::notify::{RecommendedWatcher, RecursiveMode};
use notify_debouncer_mini::{new_debouncer, DebounceEventResult, Debouncer};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender, TryRecvError};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, SystemTime};

/// How often the folder is looked at when polling.
pub const POLL: Duration = Duration::from_millis(250);
/// How long the folder must stay unchanged before a change is reported.
pub const DEBOUNCE: Duration = Duration::from_millis(300);
/// Files looked at, at most, when polling (a huge folder is not a reach project).
const MAX_FILES: usize = 50_000;

/// How changes are noticed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Notify,
    Poll,
}

/// A running watch; dropping it stops it (the poller within one poll).
pub struct Watch {
    rx: Receiver<()>,
    stop: Arc<AtomicBool>,
    /// Kept alive while watching (None when polling).
    _notify: Option<Debouncer<RecommendedWatcher>>,
    pub backend: Backend,
}

type Fingerprint = Vec<(PathBuf, Option<SystemTime>, u64)>;

/// Every file under `root` (hidden entries skipped) with its modification time and size.
pub fn fingerprint(root: &Path) -> Fingerprint {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in rd.flatten() {
            if e.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            let Ok(md) = e.metadata() else { continue };
            if md.is_dir() {
                stack.push(e.path());
            } else if out.len() < MAX_FILES {
                out.push((e.path(), md.modified().ok(), md.len()));
            }
        }
    }
    out.sort();
    out
}

/// The fingerprint of a folder, or of a single file.
fn look(r: &Path) -> Fingerprint {
    if r.is_dir() {
        fingerprint(r)
    } else {
        let md = std::fs::metadata(r).ok();
        vec![(
            r.to_path_buf(),
            md.as_ref().and_then(|m| m.modified().ok()),
            md.map_or(0, |m| m.len()),
        )]
    }
}

impl Watch {
    /// Watch `root` (a folder or a single file): notifications, else polling.
    pub fn spawn(root: PathBuf) -> Watch {
        let force_poll = std::env::var_os("REACH_WATCH_POLL").is_some_and(|v| v == "1");
        if !force_poll {
            if let Some(w) = Self::notify(&root) {
                return w;
            }
        }
        Self::poll(root)
    }

    /// Watch with file-system notifications; None when they cannot be set up.
    pub fn notify(root: &Path) -> Option<Watch> {
        let (tx, rx) = mpsc::channel();
        let base = root.to_path_buf();
        let handler = move |res: DebounceEventResult| {
            let relevant = match res {
                Ok(events) => events
                    .iter()
                    // a folder's own event comes with one for the file that changed in it
                    .any(|e| {
                        !e.path.is_dir() && !hidden(e.path.strip_prefix(&base).unwrap_or(&e.path))
                    }),
                // the watcher lost events (a queue overflow): reload to be safe
                Err(_) => true,
            };
            if relevant {
                let _ = tx.send(());
            }
        };
        let mut d = new_debouncer(DEBOUNCE, handler).ok()?;
        d.watcher().watch(root, RecursiveMode::Recursive).ok()?;
        Some(Watch {
            rx,
            stop: Arc::new(AtomicBool::new(false)),
            _notify: Some(d),
            backend: Backend::Notify,
        })
    }

    /// Watch by polling the folder's fingerprint.
    pub fn poll(root: PathBuf) -> Watch {
        let (tx, rx) = mpsc::channel();
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        // the starting point is taken before returning: a change right after is seen
        let last = look(&root);
        thread::spawn(move || poll_loop(&root, last, &flag, &tx));
        Watch {
            rx,
            stop,
            _notify: None,
            backend: Backend::Poll,
        }
    }

    /// Whether something changed since the last call (drains the channel).
    pub fn changed(&self) -> bool {
        let mut any = false;
        loop {
            match self.rx.try_recv() {
                Ok(()) => any = true,
                Err(TryRecvError::Empty | TryRecvError::Disconnected) => return any,
            }
        }
    }

    /// Wait up to `timeout` for a change.
    pub fn wait(&self, timeout: Duration) -> bool {
        self.rx.recv_timeout(timeout).is_ok() || self.changed()
    }
}

/// A path (below the watched root) under a hidden folder or a hidden file (editors' swap
/// files, `.git`).
fn hidden(p: &Path) -> bool {
    p.components()
        .any(|c| c.as_os_str().to_string_lossy().starts_with('.') && c.as_os_str() != "..")
}

fn poll_loop(root: &Path, mut last: Fingerprint, flag: &AtomicBool, tx: &Sender<()>) {
    while !flag.load(Ordering::Relaxed) {
        thread::sleep(POLL);
        let now = look(root);
        if now == last {
            continue;
        }
        // debounce: wait until it stops changing
        let mut settled = now;
        loop {
            thread::sleep(DEBOUNCE);
            if flag.load(Ordering::Relaxed) {
                return;
            }
            let again = look(root);
            if again == settled {
                break;
            }
            settled = again;
        }
        last = settled;
        if tx.send(()).is_err() {
            return;
        }
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}
