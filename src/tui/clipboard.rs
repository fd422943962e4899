//! Copy what is on screen. Inside tmux, through tmux (`load-buffer -w`): what tmux actually
//! forwards with its default settings. Elsewhere OSC 52 (`ESC ] 52 ; c ; base64 BEL`), which
//! works over SSH when the terminal allows it. The message says honestly which happened: a
//! terminal never confirms an OSC 52. The text handed in is already redacted. (crossterm 0.29's
//! `clipboard` feature writes the same OSC 52; the base64 here saves a dependency.)

/// Standard base64 with padding.
pub fn base64(data: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                out.push(T[((n >> shift) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The escape sequence that sets the clipboard to `text` (OSC 52, ended by BEL).
pub fn osc52(text: &str) -> String {
    format!("\x1b]52;c;{}\x07", base64(text.as_bytes()))
}

/// How a copy went, in words for the hint line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Copied {
    /// tmux took it into a paste buffer and passed it to the clipboard (`load-buffer -w`).
    TmuxBufferAndClipboard,
    /// tmux took it into a paste buffer only (an older tmux).
    TmuxBuffer,
    /// Sent as OSC 52: the terminal decides whether to accept it; nothing says whether it did.
    Osc52,
}

impl Copied {
    pub fn message(&self, lines: usize) -> String {
        match self {
            Copied::TmuxBufferAndClipboard => format!(
                "copied {lines} lines to a tmux buffer (prefix ] pastes) and to the clipboard if tmux's set-clipboard allows"
            ),
            Copied::TmuxBuffer => format!(
                "copied {lines} lines to a tmux buffer (prefix ] pastes); this tmux cannot pass it to the clipboard"
            ),
            Copied::Osc52 => format!(
                "sent {lines} lines to the clipboard (OSC 52); if nothing pastes, the terminal does not allow clipboard writes"
            ),
        }
    }
}

/// Inside tmux (`$TMUX` set): hand the text to tmux, which keeps it as a paste buffer and,
/// with `-w` (tmux 3.2+), sets the outer terminal's clipboard as its `set-clipboard` allows.
/// (An OSC 52 written by the program is ignored under tmux's default `set-clipboard external`,
/// and the DCS passthrough wrapper is dropped unless `allow-passthrough` is on.) Elsewhere,
/// and when tmux refuses, OSC 52 to the terminal.
pub fn copy(out: &mut impl std::io::Write, text: &str) -> std::io::Result<Copied> {
    if std::env::var_os("TMUX").is_some_and(|v| !v.is_empty()) {
        if tmux_load(text, true) {
            return Ok(Copied::TmuxBufferAndClipboard);
        }
        if tmux_load(text, false) {
            return Ok(Copied::TmuxBuffer);
        }
    }
    out.write_all(osc52(text).as_bytes())?;
    out.flush()?;
    Ok(Copied::Osc52)
}

/// `tmux load-buffer [-w] -` with `text` on its input; whether tmux took it.
fn tmux_load(text: &str, clipboard: bool) -> bool {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut args = vec!["load-buffer"];
    if clipboard {
        args.push("-w");
    }
    args.push("-");
    let child = Command::new("tmux")
        .args(&args)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    let Ok(mut child) = child else {
        return false;
    };
    let wrote = child
        .stdin
        .take()
        .is_some_and(|mut i| i.write_all(text.as_bytes()).is_ok());
    child.wait().is_ok_and(|s| s.success()) && wrote
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc4648_vectors() {
        for (i, o) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(i.as_bytes()), o);
        }
    }

    #[test]
    fn osc52_is_plain_never_wrapped_for_passthrough() {
        assert_eq!(osc52("hi"), "\x1b]52;c;aGk=\x07");
        assert!(!osc52("hi").contains("Ptmux"));
    }
}
