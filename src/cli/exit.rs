//! Exit codes (README.md): 0 answered; 1 `lint` found an error, `check` a failing rule, `diff`
//! access gained; 2 bad usage, unknown reference, or nothing could be loaded; 3 answered, but
//! the answer may be incomplete: loading dropped input (a file over a limit, unreadable or not
//! parsed, entries not loaded — `load::incomplete` has the exact rules), so access may be
//! missing. 3 wins over 0 and 1 for every command that answers from a project except `lint`
//! (whose answer is the list of problems itself). Output goes through `emit`, which treats a closed pipe
//! (`reach … | head -1`) as a quiet success.

use std::io::Write;
use std::process::ExitCode;

pub const OK: u8 = 0;
pub const FINDINGS: u8 = 1;
pub const USAGE: u8 = 2;
pub const INCOMPLETE: u8 = 3;

/// `code`, or `INCOMPLETE` when loading dropped input (`load::incomplete`).
pub fn unless_incomplete(code: u8, incomplete: &[crate::load::Incomplete]) -> u8 {
    if incomplete.is_empty() || code == USAGE {
        code
    } else {
        INCOMPLETE
    }
}

/// A command's failure: the message for stderr and the exit code.
#[derive(Debug)]
pub struct Failure {
    pub code: u8,
    pub message: String,
}

impl Failure {
    pub fn usage(message: impl Into<String>) -> Failure {
        Failure {
            code: USAGE,
            message: message.into(),
        }
    }
}

/// Write to stdout; a broken pipe ends the process quietly with success.
pub fn emit(s: &str) {
    let s = crate::mask::apply_output(s);
    let mut out = std::io::stdout().lock();
    let r = out.write_all(s.as_bytes()).and_then(|_| out.flush());
    if let Err(e) = r {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("reach: cannot write output: {e}");
        std::process::exit(i32::from(USAGE));
    }
}

/// Write a line to stderr, ignoring errors.
pub fn warn(s: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{}", crate::mask::apply_text(s));
}

pub fn code(c: u8) -> ExitCode {
    ExitCode::from(c)
}
