//! `--mask-names` in the TUI: every config string goes through `show` here — escaped and
//! redacted as everywhere (`text::show`), and with the names replaced by their pseudonyms when
//! masking is on. The mask is copied once per load (not looked up per string).

use crate::mask::Mask;
use std::borrow::Cow;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::RwLock;

static ON: AtomicBool = AtomicBool::new(false);
static MASK: RwLock<Option<Mask>> = RwLock::new(None);

/// Take the mask in force (after a model was loaded or reloaded and `mask::observe`d).
pub fn refresh() {
    let m = crate::mask::active();
    ON.store(m.is_some(), Ordering::SeqCst);
    if let Ok(mut g) = MASK.write() {
        *g = m;
    }
}

/// Config text for the screen or the clipboard: escaped, redacted, masked when asked.
pub fn show(s: &str) -> Cow<'_, str> {
    let shown = crate::text::show(s);
    if !ON.load(Ordering::Relaxed) {
        return shown;
    }
    match MASK.read().ok().as_ref().and_then(|g| g.as_ref()) {
        Some(m) => Cow::Owned(m.text(&shown)),
        None => shown,
    }
}

/// Whether names are masked (`--mask-names`): the status line says so.
pub fn is_on() -> bool {
    ON.load(Ordering::Relaxed)
}
