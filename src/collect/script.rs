//! `--print`: the same commands as a script.
use super::Target;
use std::path::Path;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Shell {
    Bash,
    Powershell,
}

pub fn print(_shell: Shell, _target: &Target, _out: &Path, _tenant: Option<&str>) -> String {
    String::new()
}
