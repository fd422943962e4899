//! Reading and comparing single values: wildcards, GUIDs, numbers, date-times, IP addresses.
//! None means "not a value of that type".

use super::Rel;

/// One element of a wildcard pattern.
#[derive(Clone, Copy, PartialEq)]
enum Tok {
    Many,
    One,
    Lit(char),
}

/// Does `s` match `pat` (`*` any run, `?` one character when `question` is set)? Iterative,
/// no recursion: linear backtracking over the last `*`.
fn glob(pat: &[Tok], s: &[char]) -> bool {
    let (mut p, mut i) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while let Some(&c) = s.get(i) {
        match pat.get(p) {
            Some(Tok::Many) => {
                star = Some((p, i));
                p += 1;
                continue;
            }
            Some(Tok::One) => {
                p += 1;
                i += 1;
                continue;
            }
            Some(Tok::Lit(x)) if *x == c => {
                p += 1;
                i += 1;
                continue;
            }
            _ => {}
        }
        match star {
            Some((sp, si)) => {
                p = sp + 1;
                i = si + 1;
                star = Some((sp, si + 1));
            }
            None => return false,
        }
    }
    pat.iter().skip(p).all(|t| *t == Tok::Many)
}

/// `StringLike` pattern: `*`, `?`, and `\*` `\?` for the literal characters.
fn like_tokens(pat: &str) -> Vec<Tok> {
    let mut out = Vec::new();
    let mut chars = pat.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if matches!(chars.peek(), Some('*' | '?')) => {
                out.extend(chars.next().map(Tok::Lit));
            }
            '*' => out.push(Tok::Many),
            '?' => out.push(Tok::One),
            c => out.push(Tok::Lit(c)),
        }
    }
    out
}

fn fold(s: &str, ic: bool) -> String {
    if ic {
        s.to_lowercase()
    } else {
        s.to_string()
    }
}

/// String relations: equality, prefix, wildcard.
pub fn string_rel(rel: Rel, ic: bool, a: &str, b: &str) -> bool {
    let (a, b) = (fold(a, ic), fold(b, ic));
    match rel {
        Rel::Eq => a == b,
        Rel::Starts => a.starts_with(&b),
        Rel::Like => glob(&like_tokens(&b), &a.chars().collect::<Vec<_>>()),
        _ => false,
    }
}

/// A GUID in lower case without braces, or None. A resource ID (`…/roleDefinitions/<guid>`)
/// stands for its last segment.
pub fn guid(s: &str) -> Option<String> {
    let t = s.trim();
    let t = t.rsplit('/').next().unwrap_or(t);
    let t = t
        .strip_prefix('{')
        .and_then(|x| x.strip_suffix('}'))
        .unwrap_or(t);
    let hex = t.chars().filter(|c| *c != '-').count();
    let ok = hex == 32 && t.chars().all(|c| c == '-' || c.is_ascii_hexdigit());
    ok.then(|| t.to_ascii_lowercase())
}

pub fn boolean(s: &str) -> Option<bool> {
    let t = s.trim();
    if t.eq_ignore_ascii_case("true") {
        Some(true)
    } else if t.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

pub fn number(s: &str) -> Option<f64> {
    s.trim().parse::<f64>().ok().filter(|n| n.is_finite())
}

/// Order relations on numbers and instants.
pub fn ordered<T: PartialOrd>(rel: Rel, a: T, b: T) -> bool {
    match rel {
        Rel::Eq => a == b,
        Rel::Lt => a < b,
        Rel::Le => a <= b,
        Rel::Gt => a > b,
        Rel::Ge => a >= b,
        _ => false,
    }
}

fn num<T: std::str::FromStr>(s: &str, digits: usize) -> Option<T> {
    (s.len() == digits && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's algorithm).
fn days(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468
}

/// An ISO 8601 date-time (`2023-05-01T13:00:00.0Z`, offsets `±HH:MM`, date alone) as
/// nanoseconds since 1970 UTC.
pub fn datetime(s: &str) -> Option<i128> {
    let s = s.trim();
    let (date, time) = s.split_once(['T', 't', ' ']).unwrap_or((s, ""));
    let mut dp = date.split('-');
    let y: i64 = num(dp.next()?, 4)?;
    let m: i64 = num(dp.next()?, 2)?;
    let d: i64 = num(dp.next()?, 2)?;
    if dp.next().is_some() || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    let (clock, offset) = if let Some(c) = time.strip_suffix(['Z', 'z']) {
        (c, 0i64)
    } else if let Some((c, off)) = time.rsplit_once(['+', '-']) {
        let (h, mi) = off.split_once(':')?;
        let mins = num::<i64>(h, 2)? * 60 + num::<i64>(mi, 2)?;
        (c, if time.contains('+') { mins } else { -mins })
    } else {
        (time, 0)
    };
    let (hms, frac) = clock.split_once('.').unwrap_or((clock, ""));
    let mut tp = hms.split(':').filter(|x| !x.is_empty());
    let h: i64 = tp.next().map_or(Some(0), |x| num(x, 2))?;
    let mi: i64 = tp.next().map_or(Some(0), |x| num(x, 2))?;
    let sec: i64 = tp.next().map_or(Some(0), |x| num(x, 2))?;
    if tp.next().is_some() || h > 23 || mi > 59 || sec > 60 || frac.len() > 9 {
        return None;
    }
    let nanos: i128 = if frac.is_empty() {
        0
    } else {
        let f: i128 = num(frac, frac.len())?;
        f * 10i128.pow(9 - frac.len() as u32)
    };
    let secs = days(y, m, d) * 86_400 + h * 3600 + mi * 60 + sec - offset * 60;
    Some(i128::from(secs) * 1_000_000_000 + nanos)
}

/// An address as (is IPv6, bits).
fn addr(s: &str) -> Option<(bool, u128)> {
    match s.trim().parse::<std::net::IpAddr>().ok()? {
        std::net::IpAddr::V4(a) => Some((false, u128::from(u32::from(a)))),
        std::net::IpAddr::V6(a) => Some((true, u128::from(a))),
    }
}

/// `IpMatch` (equal, or inside `a.b.c.d/n`) and `IpInRange` (`first-last`).
pub fn ip_rel(rel: Rel, a: &str, b: &str) -> Option<bool> {
    let (v6, x) = addr(a)?;
    match rel {
        Rel::Match => {
            let Some((net, len)) = b.split_once('/') else {
                return Some(addr(b)? == (v6, x));
            };
            let (nv6, n) = addr(net)?;
            let width: u32 = if nv6 { 128 } else { 32 };
            let len: u32 = len.trim().parse().ok().filter(|l| *l <= width)?;
            let shift = width - len;
            let same = |v: u128| v.checked_shr(shift).unwrap_or(0);
            Some(nv6 == v6 && same(n) == same(x))
        }
        Rel::InRange => {
            let (lo, hi) = b.split_once('-')?;
            let (lv6, lo) = addr(lo)?;
            let (hv6, hi) = addr(hi)?;
            Some(lv6 == v6 && hv6 == v6 && lo <= x && x <= hi)
        }
        _ => None,
    }
}
