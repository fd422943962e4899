//! Running the installed `az`: one process per call with an argument list (never a shell),
//! stdin closed, stdout and stderr captured, a per-call timeout; and reading what a failed call
//! printed on stderr (az prints the HTTP reason and the service's error code there).

use std::ffi::OsString;
use std::io::{self, Read};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What one call returned.
#[derive(Debug, Default)]
pub struct Reply {
    /// None when the process was killed (timeout) or ended by a signal.
    pub code: Option<i32>,
    pub stdout: Vec<u8>,
    pub stderr: String,
    pub timed_out: bool,
}

impl Reply {
    pub fn ok(&self) -> bool {
        self.code == Some(0) && !self.timed_out
    }
}

/// The `az` program (`az`, `az.cmd` on Windows) and the per-call timeout.
#[derive(Debug, Clone)]
pub struct Az {
    pub program: OsString,
    pub timeout: Duration,
}

impl Az {
    pub fn new(timeout: Duration) -> Az {
        Az {
            program: OsString::from(if cfg!(windows) { "az.cmd" } else { "az" }),
            timeout,
        }
    }

    /// Run `az ARGS`. `Err` only when the process cannot be started (`NotFound`: az is not
    /// installed or not on PATH).
    pub fn call(&self, args: &[String]) -> io::Result<Reply> {
        let mut child = Command::new(&self.program)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()?;
        let mut out = child.stdout.take();
        let mut err = child.stderr.take();
        let t_out = std::thread::spawn(move || {
            let mut b = Vec::new();
            if let Some(o) = out.as_mut() {
                let _ = o.read_to_end(&mut b);
            }
            b
        });
        let t_err = std::thread::spawn(move || {
            let mut b = Vec::new();
            if let Some(e) = err.as_mut() {
                let _ = e.read_to_end(&mut b);
            }
            b
        });
        let start = Instant::now();
        let mut timed_out = false;
        let mut pause = Duration::from_millis(2);
        let status = loop {
            if let Some(s) = child.try_wait()? {
                break Some(s);
            }
            if start.elapsed() >= self.timeout {
                timed_out = true;
                let _ = child.kill(); // the child this call started, by its handle
                break child.wait().ok();
            }
            std::thread::sleep(pause);
            pause = (pause * 2).min(Duration::from_millis(20));
        };
        let stdout = t_out.join().unwrap_or_default();
        let stderr = t_err.join().unwrap_or_default();
        Ok(Reply {
            code: if timed_out {
                None
            } else {
                status.and_then(|s| s.code())
            },
            stdout,
            stderr: String::from_utf8_lossy(&stderr).into_owned(),
            timed_out,
        })
    }
}

/// Why a call failed, read from az's stderr.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// 403 / AuthorizationFailed / Authorization_RequestDenied.
    Denied,
    /// 400 AadPremiumLicenseRequired (PIM without Entra ID P2).
    Unlicensed,
    /// 429: wait (Retry-After when the message says it) and try again.
    Throttled,
    /// 5xx, a dropped connection, a timeout: try again.
    Transient,
    /// 404, an unknown resource type or provider: the thing is not there.
    NotFound,
    /// The az session needs a new `az login`.
    Login,
    Other,
}

fn has(lower: &str, any: &[&str]) -> bool {
    any.iter().any(|p| lower.contains(p))
}

/// Classify a failed call by its stderr.
pub fn classify(stderr: &str) -> Failure {
    let l = stderr.to_ascii_lowercase();
    if has(
        &l,
        &[
            "aadpremiumlicenserequired",
            "premium 2 license",
            "entra id p2",
        ],
    ) {
        Failure::Unlicensed
    } else if has(
        &l,
        &[
            "too many requests",
            "toomanyrequests",
            "requeststhrottled",
            "throttled",
            "(429)",
            "status code 429",
            "http 429",
        ],
    ) {
        Failure::Throttled
    } else if has(
        &l,
        &[
            "authorizationfailed",
            "authorization_requestdenied",
            "forbidden",
            "does not have authorization",
            "insufficient privileges",
            "(403)",
            "status code 403",
        ],
    ) {
        Failure::Denied
    } else if has(
        &l,
        &[
            "az login",
            "aadsts",
            "interactionrequired",
            "invalidauthenticationtoken",
            "expiredauthenticationtoken",
            "refresh token has expired",
        ],
    ) {
        Failure::Login
    } else if has(
        &l,
        &[
            "internal server error",
            "internalservererror",
            "service unavailable",
            "serviceunavailable",
            "bad gateway",
            "gateway timeout",
            "gatewaytimeout",
            "connection aborted",
            "connection reset",
            "max retries exceeded",
            "temporarily unavailable",
            "timed out",
            "(500)",
            "(502)",
            "(503)",
            "(504)",
        ],
    ) {
        Failure::Transient
    } else if has(
        &l,
        &[
            "not found",
            "notfound",
            "could not be found",
            "(404)",
            "invalidresourcetype",
            "no registered resource provider",
            "is misspelled or not recognized",
        ],
    ) {
        Failure::NotFound
    } else {
        Failure::Other
    }
}

/// The wait a throttled answer asks for: a `Retry-After: N` header (printed with `--debug`) or
/// ARM's "Please try again after 'N' seconds" / Graph's "retry after N seconds".
pub fn retry_after(stderr: &str) -> Option<Duration> {
    let l = stderr.to_ascii_lowercase();
    for marker in ["retry-after", "try again after", "retry after", "retry in"] {
        let mut rest = l.as_str();
        while let Some(i) = rest.find(marker) {
            rest = &rest[i + marker.len()..];
            let digits: String = rest
                .trim_start_matches([' ', ':', '\'', '"'])
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            if let Ok(n) = digits.parse::<u64>() {
                return Some(Duration::from_secs(n.min(3600)));
            }
        }
    }
    None
}

/// The last lines of stderr (at most 5 lines, 600 characters), secrets redacted.
pub fn excerpt(stderr: &str) -> String {
    let lines: Vec<&str> = stderr
        .lines()
        .map(str::trim_end)
        .filter(|l| !l.trim().is_empty())
        .collect();
    let tail = lines[lines.len().saturating_sub(5)..].join("\n");
    let mut s: String = tail
        .chars()
        .rev()
        .take(600)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    if s.len() < tail.len() {
        s.insert(0, '…');
    }
    crate::text::redact(&s).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    // Texts as az prints them: `az rest` raises "<HTTP reason>(<body>)" (azure-cli
    // `util.send_raw_request`); SDK-based commands print "(<code>) <message>\nCode: …".
    const REST_403: &str = r#"ERROR: Forbidden({"error":{"code":"AuthorizationFailed","message":"The client 'alice@contoso.com' with object id '1c1a6b2e-0000-4000-8000-000000000001' does not have authorization to perform action 'Microsoft.Authorization/denyAssignments/read' over scope '/subscriptions/6f3c2a1b-9d8e-4c7f-a5b6-1e2d3c4b5a69' or the scope is invalid. If access was recently granted, please refresh your credentials."}})"#;
    const SDK_403: &str = "ERROR: (AuthorizationFailed) The client 'alice@contoso.com' with object id '1c1a' does not have authorization to perform action 'Microsoft.Authorization/roleAssignments/read' over scope '/subscriptions/x' or the scope is invalid. If access was recently granted, please refresh your credentials.\nCode: AuthorizationFailed\nMessage: The client …";
    const PIM_400: &str = r#"ERROR: Bad Request({"error":{"code":"AadPremiumLicenseRequired","message":"The tenant needs an AAD Premium 2 license."}})"#;
    const ARM_429: &str = r#"ERROR: Too Many Requests({"error":{"code":"SubscriptionRequestsThrottled","message":"Number of 'read' requests for subscription 'x' actor 'y' exceeded. Please try again after '7' seconds after the additional request"}})"#;
    const GRAPH_429: &str = r#"ERROR: Too Many Requests({"error":{"code":"TooManyRequests","message":"Too many requests.","innerError":{"date":"2025-01-01T00:00:00","request-id":"r"}}})"#;
    const GRAPH_403: &str = r#"ERROR: Forbidden({"error":{"code":"Authorization_RequestDenied","message":"Insufficient privileges to complete the operation."}})"#;
    const NOT_FOUND: &str = "ERROR: (ResourceNotFound) The Resource 'Microsoft.MachineLearningServices/workspaces/ws' under resource group 'rg' was not found.\nCode: ResourceNotFound";

    #[test]
    fn classifies_what_az_prints() {
        assert_eq!(classify(REST_403), Failure::Denied);
        assert_eq!(classify(SDK_403), Failure::Denied);
        assert_eq!(classify(GRAPH_403), Failure::Denied);
        assert_eq!(classify(PIM_400), Failure::Unlicensed);
        assert_eq!(classify(ARM_429), Failure::Throttled);
        assert_eq!(classify(GRAPH_429), Failure::Throttled);
        assert_eq!(classify(NOT_FOUND), Failure::NotFound);
        assert_eq!(
            classify("ERROR: Please run 'az login' to setup account."),
            Failure::Login
        );
        assert_eq!(
            classify("ERROR: Service Unavailable({\"error\":{}})"),
            Failure::Transient
        );
        assert_eq!(classify("ERROR: something else"), Failure::Other);
    }

    #[test]
    fn retry_after_from_the_message_or_a_header() {
        assert_eq!(retry_after(ARM_429), Some(Duration::from_secs(7)));
        assert_eq!(retry_after(GRAPH_429), None);
        assert_eq!(
            retry_after("DEBUG: 'Retry-After': '12'"),
            Some(Duration::from_secs(12))
        );
    }

    #[test]
    fn excerpt_keeps_the_end_and_redacts() {
        let long = format!("{}\nlast line sig=abcdef", "x".repeat(2000));
        let e = excerpt(&long);
        assert!(e.starts_with('…'));
        assert!(
            e.ends_with("last line sig=[REDACTED]") || !e.contains("abcdef"),
            "{e}"
        );
    }
}
