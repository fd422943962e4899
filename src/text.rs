//! How config text is shown: control and BIDI characters escaped (no terminal injection) and
//! secret-looking values redacted. Every name or value taken from a config goes through `show`
//! before it reaches any output (text, JSON, TUI, error messages).

use std::borrow::Cow;

/// What replaces a secret value.
pub const REDACTED: &str = "[REDACTED]";

/// Escape and redact: the one function views call on config text.
pub fn show(s: &str) -> Cow<'_, str> {
    match redact(s) {
        Cow::Borrowed(b) => escape(b),
        Cow::Owned(o) => Cow::Owned(escape(&o).into_owned()),
    }
}

/// True when `c` could change what a terminal shows: C0/C1 controls, DEL, BIDI overrides and
/// isolates, zero-width joiners and the like.
pub fn is_dangerous(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
            | '\u{061C}' | '\u{FEFF}')
}

/// True when the text holds a character `escape` would change (lint warns about such names).
pub fn has_dangerous(s: &str) -> bool {
    s.chars().any(is_dangerous)
}

/// Escape control and BIDI characters as `\e`, `\n`, `\u{202e}`… Printable text is unchanged.
///
/// ```
/// assert_eq!(reach::text::escape("a\u{1b}[31mb"), "a\\e[31mb");
/// assert_eq!(reach::text::escape("plain"), "plain");
/// ```
pub fn escape(s: &str) -> Cow<'_, str> {
    if !has_dangerous(s) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\u{1b}' => out.push_str("\\e"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            c if is_dangerous(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Keys whose values are secrets wherever they appear (YAML or JSON, any case).
pub fn is_secret_key(key: &str) -> bool {
    let k = key.to_ascii_lowercase().replace(['-', '_'], "");
    matches!(
        k.as_str(),
        "accountkey"
            | "sastoken"
            | "clientsecret"
            | "password"
            | "adminpassword"
            | "secret"
            | "secretaccesskey"
            | "pat"
            | "apikey"
            | "key"
            | "primarykey"
            | "secondarykey"
            | "connectionstring"
            | "sshkeyvalue"
            | "certificate"
            | "token"
            | "accesstoken"
            | "value"
    ) || k.ends_with("password")
        || k.ends_with("secret")
        || k.ends_with("connectionstring")
}

/// Redact secret-looking parts of a string: SAS signatures, connection-string keys, passwords in
/// URLs, and long base64 blobs such as storage account keys.
pub fn redact(s: &str) -> Cow<'_, str> {
    if !looks_secret(s) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some((start, end)) = next_secret(rest) {
        out.push_str(&rest[..start]);
        out.push_str(REDACTED);
        rest = &rest[end..];
    }
    out.push_str(rest);
    Cow::Owned(out)
}

const MARKERS: [&str; 7] = [
    "sig=",
    "accountkey=",
    "sharedaccesskey=",
    "password=",
    "pwd=",
    "client_secret=",
    "sharedaccesssignature=",
];

fn looks_secret(s: &str) -> bool {
    // Every marker ends in '=': most strings (all of a large who-can's step texts) have none, and
    // are then checked without a lower-cased copy.
    s.contains('=') && {
        let lower = s.to_ascii_lowercase();
        MARKERS.iter().any(|m| lower.contains(m))
    } || long_base64_run(s).is_some()
        || url_password(s).is_some()
}

/// The byte range of the next secret in `s`, if any.
fn next_secret(s: &str) -> Option<(usize, usize)> {
    let lower = s.to_ascii_lowercase();
    let marker = MARKERS
        .iter()
        .filter_map(|m| {
            lower
                .find(m)
                .map(|i| (i + m.len(), value_end(s, i + m.len())))
        })
        .filter(|(a, b)| b > a)
        .min();
    let candidates = [marker, long_base64_run(s), url_password(s)];
    candidates.into_iter().flatten().min()
}

fn value_end(s: &str, from: usize) -> usize {
    s[from..]
        .find(|c: char| c == '&' || c == ';' || c == '"' || c == '\'' || c.is_whitespace())
        .map_or(s.len(), |i| from + i)
}

/// A run of 40+ base64 characters containing digits and both cases (an account key, a token).
fn long_base64_run(s: &str) -> Option<(usize, usize)> {
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if is_b64(bytes[i]) {
            let start = i;
            while i < bytes.len() && is_b64(bytes[i]) {
                i += 1;
            }
            let run = &s[start..i];
            if run.len() >= 40
                && run.bytes().any(|b| b.is_ascii_digit())
                && run.bytes().any(|b| b.is_ascii_uppercase())
                && run.bytes().any(|b| b.is_ascii_lowercase())
                && !run.contains('/')
            {
                return Some((start, i));
            }
            if run.len() >= 60 && run.ends_with('=') {
                return Some((start, i));
            }
        } else {
            i += 1;
        }
    }
    None
}

fn is_b64(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'+' || b == b'/' || b == b'='
}

/// `scheme://user:PASSWORD@host`: the password part.
fn url_password(s: &str) -> Option<(usize, usize)> {
    let scheme = s.find("://")? + 3;
    let at = s[scheme..].find('@')? + scheme;
    let colon = s[scheme..at].find(':')? + scheme + 1;
    let authority = &s[scheme..at];
    if authority.contains('/') || colon >= at {
        return None;
    }
    Some((colon, at))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_terminal_controls_and_bidi() {
        assert_eq!(escape("ok-name"), "ok-name");
        assert_eq!(escape("x\u{1b}]52;c;AAAA\u{7}"), "x\\e]52;c;AAAA\\a");
        assert_eq!(escape("a\rb\u{8}"), "a\\rb\\b");
        assert_eq!(escape("evil\u{202e}txt"), "evil\\u{202e}txt");
        assert_eq!(escape("\u{9b}31m"), "\\u{9b}31m");
        assert!(has_dangerous("a\u{2066}"));
        assert!(!has_dangerous("ünïcode-名前"));
    }

    #[test]
    fn redacts_sas_and_connection_strings() {
        assert_eq!(
            redact("https://a.blob.core.windows.net/c?sv=2021&sig=abcDEF123%3D&se=x"),
            "https://a.blob.core.windows.net/c?sv=2021&sig=[REDACTED]&se=x"
        );
        assert_eq!(
            redact("DefaultEndpointsProtocol=https;AccountName=a;AccountKey=Zm9vYmFy==;EndpointSuffix=x"),
            "DefaultEndpointsProtocol=https;AccountName=a;AccountKey=[REDACTED];EndpointSuffix=x"
        );
        assert_eq!(
            redact("https://bob:hunter2@git.example"),
            "https://bob:[REDACTED]@git.example"
        );
    }

    #[test]
    fn redacts_account_key_shaped_blobs_but_not_arm_ids() {
        let key = "Q2FuYXJ5S2V5MTIzNDU2Nzg5MEFCQ0RFRmdoaWprbG1ub3BxcnN0dXZ3eHl6MDEyMzQ1Njc4OTAxMjM0NTY3OA==";
        assert_eq!(redact(&format!("key is {key}")), "key is [REDACTED]");
        let arm = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-ml/providers/Microsoft.MachineLearningServices/workspaces/ws";
        assert_eq!(redact(arm), arm);
        assert_eq!(show("plain name"), "plain name");
    }

    #[test]
    fn secret_keys() {
        for k in [
            "account_key",
            "sas_token",
            "client_secret",
            "admin_password",
            "secret_access_key",
            "AccountKey",
            "api_key",
        ] {
            assert!(is_secret_key(k), "{k}");
        }
        for k in [
            "client_id",
            "name",
            "tenant_id",
            "resource_id",
            "account_name",
        ] {
            assert!(!is_secret_key(k), "{k}");
        }
    }
}
