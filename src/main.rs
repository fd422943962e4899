//! `reach`: parse the command line, run, map the result to an exit code. Owns nothing else.

use clap::Parser;
use reach::cli::{self, exit, Cli};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() {
                exit::USAGE
            } else {
                exit::OK
            };
            let _ = e.print();
            return exit::code(code);
        }
    };
    match cli::run(&cli) {
        Ok(c) => exit::code(c),
        Err(f) => {
            exit::warn(&f.message);
            exit::code(f.code)
        }
    }
}
