//! `--watch`: a background thread that notices when a file under the project folder changes
//! and says so on a channel, debounced (an editor's save of several files is one change). It
//! polls file sizes and modification times — no extra dependency, no platform quirks — and
//! never touches the terminal: the event loop redraws only when it receives a change.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, SystemTime};

/// How often the folder is looked at.
pub const POLL: Duration = Duration::from_millis(250);
/// How long the folder must stay unchanged before a change is reported.
pub const DEBOUNCE: Duration = Duration::from_millis(300);
/// Files looked at, at most (a huge folder is not a reach project).
const MAX_FILES: usize = 50_000;

/// A running watch; dropping it stops the thread (within one poll).
pub struct Watch {
    rx: Receiver<()>,
    stop: Arc<AtomicBool>,
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
    /// Watch `root` (a folder or a single file).
    pub fn spawn(root: PathBuf) -> Watch {
        let (tx, rx) = mpsc::channel();
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        // the starting point is taken before returning: a change right after is seen
        let mut last = look(&root);
        thread::spawn(move || {
            while !flag.load(Ordering::Relaxed) {
                thread::sleep(POLL);
                let now = look(&root);
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
                    let again = look(&root);
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
        });
        Watch { rx, stop }
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

impl Drop for Watch {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}
