//! `reach check POLICY [-p PATH]` (access assertions; exit 1 when a rule fails, 2 when the policy
//! file is bad) and the SARIF output of `reach lint` and `reach check`: reading the files SARIF
//! locations need and making paths relative to the working directory happen here, not in report.

use super::commands::open_with;
use super::exit::{self, emit, Failure};
use super::{CheckFormat, Cli, ProjectArgs, WhatIf};
use crate::policy::{self, PolicyError};
use crate::report::{json, sarif};
use std::collections::BTreeSet;
use std::path::{Component, Path};

fn bad(errors: &[PolicyError]) -> Failure {
    let lines: Vec<String> = errors.iter().map(|e| format!("reach: {e}")).collect();
    Failure::usage(lines.join("\n"))
}

/// Read a policy file's text (a missing or unreadable file is bad usage).
pub fn read_policy(path: &Path) -> Result<String, Failure> {
    let bytes = std::fs::read(path).map_err(|e| {
        Failure::usage(format!(
            "reach: {}: cannot read the policy file: {e}",
            crate::text::show(&path.display().to_string())
        ))
    })?;
    String::from_utf8(bytes).map_err(|_| {
        Failure::usage(format!(
            "reach: {}: not valid UTF-8",
            crate::text::show(&path.display().to_string())
        ))
    })
}

/// `--policy FILE` for the TUI: read and resolve it against the loaded project before the
/// screen is taken (a bad file exits 2 like `reach check`). Without a terminal (`print`), the
/// check's text is printed after the summary instead.
pub(super) fn tui_policy(
    cli: &Cli,
    e: &crate::engine::Engine,
    print: bool,
) -> Result<Option<(String, String)>, Failure> {
    let Some(file) = &cli.policy else {
        return Ok(None);
    };
    let label = file.display().to_string();
    let text = read_policy(file)?;
    let pol = policy::parse::parse(&text, &label, e.model()).map_err(|es| bad(&es))?;
    if print {
        let report = policy::eval::evaluate(e, &pol).map_err(|err| bad(&[err]))?;
        emit("\n");
        emit(&crate::report::policy::text(&report));
    }
    Ok(Some((label, text)))
}

pub(super) fn check(
    cli: &Cli,
    file: &Path,
    project: &ProjectArgs,
    whatif: &WhatIf,
    format: CheckFormat,
) -> Result<u8, Failure> {
    let label = file.display().to_string();
    // the file's syntax first: a typo is reported before the project is loaded
    let draft = policy::parse::read(&read_policy(file)?, &label).map_err(|e| bad(&[e]))?;
    let e = open_with(project.path.as_deref(), cli.demo, false, whatif)?;
    let pol = policy::parse::resolve(&draft, &label, e.model()).map_err(|es| bad(&es))?;
    let report = policy::eval::evaluate(&e, &pol).map_err(|err| bad(&[err]))?;
    let inc = super::commands::incomplete(&e);
    let banner = |prefix: &str| crate::load::incomplete::banner(&inc, prefix);
    emit(&match format {
        CheckFormat::Text => banner("") + &crate::report::policy::text(&report),
        CheckFormat::Markdown => banner("> ") + &crate::report::policy::markdown(&report),
        CheckFormat::Json => json::to_string_noting(&report, &inc) + "\n",
        CheckFormat::Sarif => {
            // SARIF's schema has no place for it: the banner goes to stderr
            banner("").lines().for_each(super::exit::warn);
            let files = sarif::entry_files(sarif::report_sources(&report).into_iter());
            let loc = locator(project.path.as_deref(), cli.demo, files);
            let (rel, absolute) = relative_to_cwd(file);
            let uri = if absolute {
                format!("file://{rel}")
            } else {
                rel
            };
            json::to_string(&sarif::check(&report, &loc, &uri)) + "\n"
        }
    });
    let code = if report.ok() {
        exit::OK
    } else {
        exit::FINDINGS
    };
    Ok(exit::unless_incomplete(code, &inc))
}

/// `reach lint --format sarif`.
pub(super) fn lint_sarif(
    findings: &[crate::finding::Finding],
    project: &ProjectArgs,
    demo: bool,
) -> String {
    let files = sarif::entry_files(findings.iter().map(|f| &f.source));
    let loc = locator(project.path.as_deref(), demo, files);
    json::to_string(&sarif::lint(findings, &loc)) + "\n"
}

/// Where the project's files are, as URIs, and the line of each JSON entry cited.
fn locator(project: Option<&Path>, demo: bool, files: BTreeSet<String>) -> sarif::Locator {
    let mut loc = sarif::Locator::default();
    let root = project.unwrap_or(Path::new("."));
    if !demo {
        let (rel, absolute) = relative_to_cwd(root);
        loc.base = sarif::base_uri(&rel, absolute);
    }
    for f in files {
        let text = if demo {
            crate::demo::DEMO_FILES
                .iter()
                .find(|(p, _)| *p == f)
                .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
        } else {
            std::fs::read_to_string(root.join(&f)).ok()
        };
        if let Some(t) = text {
            loc.entries.insert(f, sarif::entry_lines(&t));
        }
    }
    loc
}

/// A path as `/`-separated text relative to the working directory, or absolute (true) when it
/// lies elsewhere.
fn relative_to_cwd(p: &Path) -> (String, bool) {
    let joined = |p: &Path| {
        p.components()
            .filter_map(|c| match c {
                Component::CurDir => None,
                Component::RootDir | Component::Prefix(_) => Some(String::new()),
                other => Some(other.as_os_str().to_string_lossy().into_owned()),
            })
            .collect::<Vec<_>>()
            .join("/")
    };
    if p.is_absolute() {
        if let Some(rel) = std::env::current_dir()
            .ok()
            .and_then(|cwd| p.strip_prefix(cwd).ok().map(Path::to_path_buf))
        {
            return (joined(&rel), false);
        }
        return (joined(p), true);
    }
    (joined(p), false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_made_relative_to_the_working_directory() {
        assert_eq!(
            relative_to_cwd(Path::new("./tenant/snap")),
            ("tenant/snap".into(), false)
        );
        assert_eq!(relative_to_cwd(Path::new(".")), (String::new(), false));
        let cwd = std::env::current_dir().unwrap();
        assert_eq!(
            relative_to_cwd(&cwd.join("a/b.yaml")),
            ("a/b.yaml".into(), false)
        );
        let (abs, absolute) = relative_to_cwd(Path::new("/nowhere-reach-test/x"));
        assert!(absolute && abs == "/nowhere-reach-test/x", "{abs}");
    }
}
