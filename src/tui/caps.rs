//! What the terminal can show, decided from the environment once at start: colour or none,
//! italics, dim, and whether the locale takes UTF-8 (else ASCII glyphs and borders). The theme
//! asks these before it uses a modifier; `Sgr16` makes every colour a 16-colour escape.
//!
//! - Colour: off with `NO_COLOR`, `--no-color` or `TERM=dumb`. The theme names only the 16 ANSI
//!   colours, and they are always sent as `ESC[3Xm`/`ESC[9Xm` (never crossterm's `38;5;N`), which
//!   every colour terminal understands: the Linux console, `xterm`, `vt100`-compatible emulators.
//! - The terminfo entry of `TERM` decides where there is one (`Terminfo`, read with `termini`,
//!   no C library): no colour when it has fewer than 8 colours (`colors#`); italics only with
//!   `sitm`, dim only with `dim`. An entry with no `colors#` (`vt100`) keeps colour: the
//!   emulators that claim it draw the 16 colours.
//! - Without an entry, the name: italics only where the terminal is known to draw them
//!   (`COLORTERM=truecolor|24bit`, or a `TERM` of a modern emulator or tmux); never on
//!   `linux`, `vt*`, `screen`, plain `xterm`. Dim not on `vt*` terminals (they show it as
//!   nothing, or as bold). `COLORTERM=truecolor|24bit` turns italics on either way.
//! - UTF-8: the first set of `LC_ALL`, `LC_CTYPE`, `LANG` names UTF-8; unset or `C`/`POSIX`
//!   means ASCII.

/// The terminal's capabilities.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Caps {
    pub color: bool,
    pub italic: bool,
    pub dim: bool,
    pub unicode: bool,
}

impl Caps {
    /// Everything on (tests, snapshots).
    pub const FULL: Caps = Caps {
        color: true,
        italic: true,
        dim: true,
        unicode: true,
    };

    /// From the process environment and the terminfo entry of its `TERM`.
    pub fn from_env() -> Caps {
        let term = std::env::var("TERM").unwrap_or_default();
        Caps::detect_with(|k| std::env::var(k).ok(), Terminfo::read(&term))
    }

    /// From an environment given as a lookup (`var("TERM")`), and `TERM`'s terminfo entry when
    /// there is one: the entry decides colours, italics and dim over the name.
    pub fn detect_with(var: impl Fn(&str) -> Option<String>, info: Option<Terminfo>) -> Caps {
        let by_name = Caps::detect(&var);
        let Some(info) = info else {
            return by_name;
        };
        let truecolor = truecolor(&var);
        Caps {
            color: by_name.color && info.colors.is_none_or(|n| !(0..8).contains(&n)),
            italic: truecolor || info.italic,
            dim: info.dim && var("TERM").is_none_or(|t| !t.eq_ignore_ascii_case("dumb")),
            unicode: by_name.unicode,
        }
    }

    /// From an environment given as a lookup (`var("TERM")`), by the terminal's name alone.
    pub fn detect(var: impl Fn(&str) -> Option<String>) -> Caps {
        let get = |k: &str| var(k).filter(|v| !v.is_empty());
        let term = get("TERM").unwrap_or_default().to_ascii_lowercase();
        let truecolor = truecolor(&var);
        let vt = term.starts_with("vt");
        let modern = [
            "256color",
            "direct",
            "kitty",
            "alacritty",
            "foot",
            "wezterm",
            "ghostty",
            "tmux",
            "rxvt-unicode",
            "st-",
        ]
        .iter()
        .any(|m| term.contains(m));
        let no_italic = term == "linux" || vt || term.starts_with("screen") || term == "xterm";
        let locale = ["LC_ALL", "LC_CTYPE", "LANG"]
            .iter()
            .find_map(|k| get(k))
            .unwrap_or_default()
            .to_ascii_lowercase();
        Caps {
            color: get("NO_COLOR").is_none() && term != "dumb",
            italic: truecolor || (modern && !no_italic),
            dim: !vt && term != "dumb",
            unicode: locale.contains("utf-8") || locale.contains("utf8"),
        }
    }
}

/// `COLORTERM` says the terminal draws 24-bit colour (and so italics).
fn truecolor(var: &impl Fn(&str) -> Option<String>) -> bool {
    var("COLORTERM")
        .is_some_and(|c| c.eq_ignore_ascii_case("truecolor") || c.eq_ignore_ascii_case("24bit"))
}

/// What a terminfo entry says of the capabilities the theme uses.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Terminfo {
    /// `colors#`: how many colours (None: the entry does not say).
    pub colors: Option<i32>,
    /// `sitm`: italics.
    pub italic: bool,
    /// `dim`: half-bright.
    pub dim: bool,
}

impl Terminfo {
    /// The entry for terminal `name` in the terminfo database (`$TERMINFO`, `~/.terminfo`,
    /// `$TERMINFO_DIRS`, `/etc`, `/lib`, `/usr/share/terminfo`), if there is one and it parses.
    /// A name that could leave the database's folders (`/`, `\`, a leading `.`) is not looked
    /// up: `TERM` is not trusted to name a path.
    pub fn read(name: &str) -> Option<Terminfo> {
        if name.is_empty() || name.contains(['/', '\\']) || name.starts_with('.') {
            return None;
        }
        let ti = termini::TermInfo::from_name(name).ok()?;
        Some(Terminfo {
            colors: ti.number_cap(termini::NumberCapability::MaxColors),
            italic: ti
                .raw_string_cap(termini::StringCapability::EnterItalicsMode)
                .is_some(),
            dim: ti
                .raw_string_cap(termini::StringCapability::EnterDimMode)
                .is_some(),
        })
    }
}

/// A writer that sends every 256-colour escape for one of the 16 ANSI colours (`38;5;N`,
/// `48;5;N`, N < 16, as crossterm writes them) as the 16-colour escape (`3X`/`9X`, `4X`/`10X`).
/// Bytes are kept until `flush` (ratatui flushes once per frame), so no escape is split.
pub struct Sgr16<W: std::io::Write> {
    inner: W,
    buf: Vec<u8>,
}

impl<W: std::io::Write> Sgr16<W> {
    pub fn new(inner: W) -> Sgr16<W> {
        Sgr16 {
            inner,
            buf: Vec::new(),
        }
    }
}

impl<W: std::io::Write> std::io::Write for Sgr16<W> {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(b);
        Ok(b.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let out = sgr16(&self.buf);
        self.buf.clear();
        self.inner.write_all(&out)?;
        self.inner.flush()
    }
}

/// `bytes` with each palette colour N < 16 in an SGR sequence (`38;5;N`, `48;5;N`, alone or
/// among other parameters, as crossterm writes `ESC[38;5;6;49m`) made a 16-colour parameter.
pub fn sgr16(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i..].starts_with(b"\x1b[") {
            let params = bytes[i + 2..]
                .iter()
                .take_while(|c| c.is_ascii_digit() || **c == b';')
                .count();
            if bytes.get(i + 2 + params) == Some(&b'm') {
                let p = &bytes[i + 2..i + 2 + params];
                out.extend_from_slice(b"\x1b[");
                out.extend_from_slice(&rewrite(p));
                out.push(b'm');
                i += 3 + params;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

/// SGR parameters with `38;5;N` / `48;5;N` (N < 16) as `3X`/`9X` / `4X`/`10X`.
fn rewrite(params: &[u8]) -> Vec<u8> {
    let Ok(text) = std::str::from_utf8(params) else {
        return params.to_vec();
    };
    let parts: Vec<&str> = text.split(';').collect();
    let mut out: Vec<String> = Vec::with_capacity(parts.len());
    let mut k = 0;
    while k < parts.len() {
        let fg = parts[k] == "38";
        if (fg || parts[k] == "48") && parts.get(k + 1) == Some(&"5") {
            if let Some(n) = parts.get(k + 2).and_then(|n| n.parse::<u8>().ok()) {
                let code = match (fg, n) {
                    (true, 0..=7) => Some(30 + n),
                    (true, 8..=15) => Some(90 + n - 8),
                    (false, 0..=7) => Some(40 + n),
                    (false, 8..=15) => Some(100 + n - 8),
                    _ => None,
                };
                if let Some(c) = code {
                    out.push(c.to_string());
                    k += 3;
                    continue;
                }
            }
        }
        out.push(parts[k].to_string());
        k += 1;
    }
    out.join(";").into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caps(env: &[(&str, &str)]) -> Caps {
        Caps::detect(|k| {
            env.iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        })
    }

    #[test]
    fn decides_from_term_colorterm_and_locale() {
        let linux = caps(&[("TERM", "linux"), ("LANG", "en_US.UTF-8")]);
        assert!(linux.color && !linux.italic && linux.dim && linux.unicode);
        let vt = caps(&[("TERM", "vt100"), ("LANG", "C")]);
        assert!(vt.color && !vt.italic && !vt.dim && !vt.unicode);
        let xterm = caps(&[("TERM", "xterm"), ("LC_ALL", "C.UTF-8")]);
        assert!(!xterm.italic && xterm.unicode);
        let modern = caps(&[("TERM", "xterm-256color"), ("LANG", "de_DE.utf8")]);
        assert!(modern.italic && modern.unicode);
        let truecolor = caps(&[("TERM", "xterm"), ("COLORTERM", "truecolor")]);
        assert!(truecolor.italic);
        assert!(!caps(&[("TERM", "dumb")]).color);
        assert!(!caps(&[("TERM", "xterm-256color"), ("NO_COLOR", "1")]).color);
        // LC_ALL wins over LANG; nothing set is the C locale
        assert!(!caps(&[("LC_ALL", "C"), ("LANG", "en_US.UTF-8")]).unicode);
        assert!(!caps(&[("TERM", "xterm-256color")]).unicode);
    }

    fn with(env: &[(&str, &str)], info: Terminfo) -> Caps {
        Caps::detect_with(
            |k| {
                env.iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            },
            Some(info),
        )
    }

    #[test]
    fn terminfo_decides_over_the_name() {
        let utf8 = ("LANG", "en_US.UTF-8");
        // an xterm whose entry has sitm draws italics, though the name alone says not
        let sitm = Terminfo {
            colors: Some(8),
            italic: true,
            dim: true,
        };
        assert!(!caps(&[("TERM", "xterm"), utf8]).italic);
        assert!(with(&[("TERM", "xterm"), utf8], sitm).italic);
        // a modern name whose entry lacks sitm and dim gets neither
        let plain = Terminfo {
            colors: Some(256),
            italic: false,
            dim: false,
        };
        let c = with(&[("TERM", "xterm-256color"), utf8], plain);
        assert!(c.color && !c.italic && !c.dim && c.unicode);
        // fewer than 8 colours: none; no colors# at all (vt100): colour kept
        let mono = Terminfo {
            colors: Some(2),
            ..plain
        };
        assert!(!with(&[("TERM", "xterm-mono")], mono).color);
        let unsaid = Terminfo {
            colors: None,
            ..plain
        };
        assert!(with(&[("TERM", "vt100")], unsaid).color);
        // COLORTERM still turns italics on; NO_COLOR and dumb still turn colour off
        assert!(with(&[("TERM", "x"), ("COLORTERM", "truecolor")], plain).italic);
        assert!(!with(&[("TERM", "xterm"), ("NO_COLOR", "1")], sitm).color);
        assert!(!with(&[("TERM", "dumb")], sitm).color);
    }

    #[test]
    fn reads_the_terminfo_database_when_it_is_there() {
        assert_eq!(Terminfo::read("../../etc/passwd"), None);
        assert_eq!(Terminfo::read(".hidden"), None);
        assert_eq!(Terminfo::read(""), None);
        let (Some(linux), Some(xterm)) = (Terminfo::read("linux"), Terminfo::read("xterm")) else {
            println!("note: no terminfo entries for linux and xterm here; skipped");
            return;
        };
        // ncurses' entries: the console has 8 colours and dim but no italics; xterm has sitm
        assert_eq!(linux.colors, Some(8));
        assert!(!linux.italic && linux.dim);
        assert!(xterm.italic && xterm.colors.is_some_and(|n| n >= 8));
        let c = Caps::detect_with(|k| (k == "TERM").then(|| "linux".to_string()), Some(linux));
        assert!(c.color && !c.italic);
    }

    #[test]
    fn palette_escapes_become_16_colour_escapes() {
        let s = b"a\x1b[38;5;6mb\x1b[38;5;9mc\x1b[48;5;1md\x1b[38;5;200me\x1b[1m";
        assert_eq!(
            sgr16(s),
            b"a\x1b[36mb\x1b[91mc\x1b[41md\x1b[38;5;200me\x1b[1m".to_vec()
        );
        // crossterm sets both colours at once
        assert_eq!(sgr16(b"\x1b[38;5;6;49m#"), b"\x1b[36;49m#".to_vec());
        assert_eq!(sgr16(b"\x1b[1;48;5;12;38;5;3m"), b"\x1b[1;104;33m".to_vec());
        use std::io::Write;
        let mut w = Sgr16::new(Vec::new());
        // an escape split over two writes is still one escape
        w.write_all(b"\x1b[38;").unwrap();
        w.write_all(b"5;2mok").unwrap();
        w.flush().unwrap();
        assert_eq!(w.inner, b"\x1b[32mok".to_vec());
    }
}
