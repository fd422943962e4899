//! UTC timestamps for the manifest (RFC 3339, seconds), without a date crate; the calendar
//! arithmetic is `model::when`'s.

pub use crate::model::when::format_utc;
use std::time::{SystemTime, UNIX_EPOCH};

pub fn now() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    format_utc(secs)
}

#[cfg(test)]
mod tests {
    #[test]
    fn formats_known_instants() {
        assert_eq!(super::format_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(super::format_utc(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(super::format_utc(1_767_225_599), "2025-12-31T23:59:59Z");
    }
}
