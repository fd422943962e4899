//! Instants from exports (RFC 3339, as ARM prints `startDateTime` / `endDateTime`), compared in
//! seconds since the Unix epoch, and the "now" that PIM schedules are judged against:
//! `REACH_NOW` (an RFC 3339 instant) when set, so answers can be reproduced, else the clock.

/// Seconds since 1970-01-01T00:00:00Z of `2026-12-04T10:00:00Z`, `…00.123Z`, `…00+02:00` or a
/// bare date; None for anything else.
pub fn parse_utc(s: &str) -> Option<i64> {
    let s = s.trim();
    let b = s.as_bytes();
    let num = |from: usize, len: usize| -> Option<i64> {
        let part = s.get(from..from + len)?;
        if !part.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        part.parse().ok()
    };
    let (y, mo, d) = (num(0, 4)?, num(5, 2)?, num(8, 2)?);
    if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') || !(1..=12).contains(&mo) {
        return None;
    }
    if !(1..=31).contains(&d) {
        return None;
    }
    let days = days_from_civil(y, mo, d);
    if b.len() == 10 {
        return Some(days * 86_400);
    }
    if !matches!(b.get(10), Some(b'T' | b't' | b' ')) {
        return None;
    }
    let (h, mi, sec) = (num(11, 2)?, num(14, 2)?, num(17, 2)?);
    if h > 23 || mi > 59 || sec > 60 {
        return None;
    }
    // fraction, then Z or an offset
    let mut rest = s.get(19..)?;
    if let Some(f) = rest.strip_prefix('.') {
        let n = f.bytes().take_while(u8::is_ascii_digit).count();
        rest = f.get(n..)?;
    }
    let offset = match rest {
        "" | "Z" | "z" => 0,
        _ => {
            let sign = match rest.as_bytes().first() {
                Some(b'+') => 1,
                Some(b'-') => -1,
                _ => return None,
            };
            let oh: i64 = rest.get(1..3)?.parse().ok()?;
            let om: i64 = rest.get(4..6)?.parse().ok()?;
            if rest.len() != 6 || rest.as_bytes().get(3) != Some(&b':') {
                return None;
            }
            sign * (oh * 3600 + om * 60)
        }
    };
    Some(days * 86_400 + h * 3600 + mi * 60 + sec - offset)
}

/// `1970-01-01T00:00:00Z` + secs (days to civil date: H. Hinnant's algorithm).
pub fn format_utc(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Now, in seconds: `REACH_NOW` when it holds an instant, else the system clock. The text is
/// what answers quote ("as of …").
pub fn now() -> (i64, String) {
    if let Some(t) = std::env::var("REACH_NOW")
        .ok()
        .filter(|v| !v.trim().is_empty())
    {
        if let Some(secs) = parse_utc(&t) {
            return (secs, t.trim().to_string());
        }
    }
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    (i64::try_from(secs).unwrap_or(i64::MAX), format_utc(secs))
}

/// The date part of an instant as exported (`2027-01-31T00:00:00Z` → `2027-01-31`), for
/// step texts; the whole text when it is not one.
pub fn day(s: &str) -> &str {
    match (parse_utc(s), s.get(..10)) {
        (Some(_), Some(d)) => d,
        _ => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_shapes_arm_prints() {
        assert_eq!(parse_utc("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_utc("2000-02-29T00:00:00Z"), Some(951_782_400));
        assert_eq!(parse_utc("2025-12-31T23:59:59Z"), Some(1_767_225_599));
        assert_eq!(
            parse_utc("2025-12-31T23:59:59.4266667Z"),
            Some(1_767_225_599)
        );
        assert_eq!(parse_utc("2026-01-01T01:59:59+02:00"), Some(1_767_225_599));
        assert_eq!(parse_utc("2025-12-31T22:59:59-01:00"), Some(1_767_225_599));
        assert_eq!(parse_utc("2026-01-01"), Some(1_767_225_600));
        for bad in [
            "",
            "soon",
            "2026-13-01",
            "2026-01-01T25:00:00Z",
            "2026-01-01T00:00:00+2",
            "２０２６-01-01",
        ] {
            assert_eq!(parse_utc(bad), None, "{bad}");
        }
        assert_eq!(day("2027-01-31T00:00:00Z"), "2027-01-31");
        assert_eq!(day("later"), "later");
    }
}
