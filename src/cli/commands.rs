//! One function per command: load → model → engine → report, and the exit code.

use super::exit::{self, emit, warn, Failure};
use super::{Cli, Command, LintFormat, OutFormat, ProjectArgs, WhatIf};
use crate::engine::view::default_op;
use crate::engine::{rules, Engine};
use crate::finding::Severity;
use crate::load::{self, Limits};
use crate::model;
use crate::report::{json, text};
use std::path::{Path, PathBuf};

/// Load a project folder (or the demo) into an engine. Load problems go to stderr; nothing
/// loaded at all is a failure (exit 2).
pub fn open(path: Option<&Path>, demo: bool, quiet: bool) -> Result<Engine, Failure> {
    open_with(path, demo, quiet, &WhatIf::default())
}

/// Resolve `PRINCIPAL ROLE SCOPE` triples of a what-if option.
fn triples(
    m: &model::Model,
    flat: &[String],
    what: &str,
) -> Result<Vec<(model::PrincipalId, model::RoleId, model::ScopeId)>, Failure> {
    flat.chunks(3)
        .map(|c| {
            let [p, r, s] = c else {
                return Err(Failure::usage(format!(
                    "reach: {what} takes PRINCIPAL ROLE SCOPE"
                )));
            };
            let bad = |e: model::lookup::LookupError| Failure::usage(format!("reach: {what}: {e}"));
            Ok((
                m.resolve_principal(&crate::mask::unmask_ref(p))
                    .map_err(bad)?,
                m.resolve_role(r).map_err(bad)?,
                m.resolve_resource(&crate::mask::unmask_ref(s))
                    .map_err(bad)?,
            ))
        })
        .collect()
}

/// Load, apply what-if assumptions, run the rules.
pub fn open_with(
    path: Option<&Path>,
    demo: bool,
    quiet: bool,
    whatif: &WhatIf,
) -> Result<Engine, Failure> {
    let raw = if demo {
        crate::demo::load()
    } else {
        let p = path
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        load::load_path(&p, &Limits::configured())
            .map_err(|e| Failure::usage(format!("reach: {e}")))?
    };
    let recognised = raw
        .files
        .iter()
        .filter(|f| {
            !matches!(
                f.kind.as_str(),
                "unrecognised" | "error" | "empty" | "skipped" | "reach-policy"
            )
        })
        .count();
    if recognised == 0 {
        let mut msg = format!("reach: nothing could be loaded from {}: no Azure ML YAML, Azure export or reach.yaml with any content found ({} file(s) looked at: empty, unrecognised or unreadable)", raw.root.display(), raw.files.len());
        for f in raw
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .take(5)
        {
            msg.push_str(&format!(
                "\n  {}: {}",
                crate::text::show(&f.source.to_string()),
                crate::text::show(&f.message)
            ));
        }
        return Err(Failure::usage(msg));
    }
    let load_errors: Vec<String> = raw
        .findings
        .iter()
        .filter(|f| !quiet && f.severity == Severity::Error)
        .map(|f| {
            format!(
                "{}: {}",
                crate::text::show(&f.source.to_string()),
                crate::text::show(&f.message)
            )
        })
        .collect();
    let mut m = model::build(raw);
    // masking (when asked) must know the names before anything is printed
    crate::mask::observe(&m);
    load_errors.iter().for_each(|w| warn(w));
    let extra = triples(&m, &whatif.assume, "--assume-assignment")?
        .into_iter()
        .map(|(principal, role, scope)| model::Assignment {
            principal,
            role,
            scope,
            condition: None,
            source: crate::source::Source::Assumed,
            assumed: true,
            tenure: Default::default(),
            parsed: None,
        })
        .collect::<Vec<_>>();
    let mut revoked = Vec::new();
    for (p, r, s) in triples(&m, &whatif.revoked, "--assume-revoked")? {
        let found = m.find_assignments(p, r, s);
        if found.is_empty() {
            return Err(Failure::usage(format!(
                "reach: --assume-revoked: {} holds no {} assignment on {}",
                crate::text::show(&m.principal(p).name),
                crate::text::show(&m.role(r).name),
                crate::text::show(&m.scope_ref(s))
            )));
        }
        revoked.extend(found);
    }
    if !extra.is_empty() || !revoked.is_empty() {
        m.assume(extra, &revoked);
    }
    Ok(Engine::new(m))
}

fn project(p: &ProjectArgs, w: &WhatIf, cli: &Cli) -> Result<Engine, Failure> {
    open_with(p.path.as_deref(), cli.demo, false, w)
}

pub(super) fn lookup_err(e: model::lookup::LookupError) -> Failure {
    Failure::usage(format!("reach: {e}"))
}

pub(super) fn action_err(a: crate::engine::action::ActionError) -> Failure {
    Failure::usage(format!("reach: {}", a.0))
}

/// A RESOURCE reference (a pseudonym typed under --mask-names is turned back first).
pub(super) fn resolve_resource(e: &Engine, r: &str) -> Result<model::ScopeId, Failure> {
    e.model()
        .resolve_resource(&crate::mask::unmask_ref(r))
        .map_err(lookup_err)
}

/// A PRINCIPAL reference (a pseudonym typed under --mask-names is turned back first).
pub(super) fn resolve_principal(e: &Engine, p: &str) -> Result<model::PrincipalId, Failure> {
    e.model()
        .resolve_principal(&crate::mask::unmask_ref(p))
        .map_err(lookup_err)
}

/// What loading `e`'s project dropped (`load::incomplete`): empty when it loaded whole.
pub(super) fn incomplete(e: &Engine) -> Vec<load::Incomplete> {
    load::incomplete::of_model(e.model())
}

/// The text banner an answer starts with when input was dropped (empty otherwise).
pub(super) fn banner(inc: &[load::Incomplete]) -> String {
    load::incomplete::banner(inc, "")
}

/// Print a result as JSON or as text; exit 3 when the project was loaded incompletely.
fn print<T: serde::Serialize>(
    e: &Engine,
    format: &OutFormat,
    value: &T,
    text: impl FnOnce(&T) -> String,
) -> u8 {
    let inc = incomplete(e);
    emit(&match format {
        OutFormat::Json => json::to_string_noting(value, &inc) + "\n",
        OutFormat::Text => banner(&inc) + &text(value),
    });
    exit::unless_incomplete(exit::OK, &inc)
}

/// Run a command; returns the exit code.
pub fn run(cli: &Cli) -> Result<u8, Failure> {
    if cli.mask_names {
        crate::mask::request();
    }
    if let Some(bytes) = cli.max_file_size {
        Limits::configure(Limits::default().with_max_file_size(bytes));
    }
    if let Some(mb) = cli.kept_memory {
        crate::engine::set_default_kept_budget(mb.saturating_mul(1 << 20));
    }
    crate::engine::set_default_latent(cli.latent.mode());
    crate::engine::set_default_assume_condition(cli.assume_condition);
    let Some(cmd) = &cli.command else {
        return match &cli.diff {
            Some(paths) => diff_tui(cli, paths),
            None => summary(cli),
        };
    };
    if cli.diff.is_some() {
        return Err(Failure::usage(
            "reach: --diff OLD NEW opens the terminal UI and takes no command; \
             for a report, use `reach diff OLD NEW`",
        ));
    }
    if cli.policy.is_some() {
        return Err(Failure::usage(
            "reach: --policy FILE opens the terminal UI and takes no command; \
             for a report, use `reach check FILE`",
        ));
    }
    match cmd {
        Command::WhoCan {
            resource,
            action,
            project: p,
            whatif,
            format,
        } => {
            let e = project(p, whatif, cli)?;
            let s = resolve_resource(&e, resource)?;
            let w = e.who_can(s, action.as_deref()).map_err(action_err)?;
            Ok(print(&e, format, &w, |v| {
                text::who_can(v, action.as_deref())
            }))
        }
        Command::WhatCan {
            principal,
            action,
            project: p,
            whatif,
            format,
        } => {
            let e = project(p, whatif, cli)?;
            let pid = resolve_principal(&e, principal)?;
            let w = e.what_can(pid, action.as_deref());
            Ok(print(&e, format, &w, text::what_can))
        }
        Command::Explain {
            principal,
            resource,
            action,
            project: p,
            whatif,
            format,
        } => {
            let e = project(p, whatif, cli)?;
            let pid = resolve_principal(&e, principal)?;
            let s = resolve_resource(&e, resource)?;
            let op = action
                .clone()
                .unwrap_or_else(|| default_op(e.model().scope(s).kind).to_string());
            let x = e.explain(pid, s, &op).map_err(action_err)?;
            Ok(print(&e, format, &x, text::explain))
        }
        Command::Lint {
            project: p,
            whatif,
            format,
        } => {
            let e = open_with(p.path.as_deref(), cli.demo, true, whatif)?;
            let fs = e.lint();
            emit(&match format {
                LintFormat::Json => json::to_string(&serde_json::json!({ "findings": fs })) + "\n",
                LintFormat::Text => text::findings(&fs),
                LintFormat::Sarif => super::check::lint_sarif(&fs, p, cli.demo),
            });
            Ok(if fs.iter().any(|f| f.severity == Severity::Error) {
                exit::FINDINGS
            } else {
                exit::OK
            })
        }
        Command::Export {
            project: p,
            whatif,
            format,
            resource,
            principal,
        } => {
            let e = project(p, whatif, cli)?;
            super::review::export(&e, *format, resource.as_deref(), principal.as_deref())
        }
        Command::Rules { id, format } => rules_cmd(id.as_deref(), *format),
        Command::Collect(a) => super::collect::run(a),
        Command::Check {
            policy,
            project: p,
            whatif,
            format,
        } => super::check::check(cli, policy, p, whatif, *format),
        Command::Matrix { .. }
        | Command::Diff { .. }
        | Command::Completions { .. }
        | Command::Man => super::review::run(cli, cmd),
    }
}

fn rules_cmd(id: Option<&str>, format: OutFormat) -> Result<u8, Failure> {
    match id {
        Some(id) => {
            let r = rules::rule(id).ok_or_else(|| {
                let names = rules::catalog()
                    .into_iter()
                    .map(|r| (r.id.to_string(), r.id.to_string()));
                let near = model::lookup::closest(id, names);
                Failure::usage(format!(
                    "reach: unknown rule '{}'; closest: {}",
                    crate::text::show(id),
                    near.join(", ")
                ))
            })?;
            emit(&match format {
                OutFormat::Json => json::to_string(r) + "\n",
                OutFormat::Text => format!(
                    "{}{}\n\n{}\n\nseed: {}\n",
                    r.id,
                    if r.lint { " (lint)" } else { "" },
                    r.detail,
                    r.seed
                ),
            });
        }
        None => {
            let all = rules::catalog();
            emit(&match format {
                OutFormat::Json => json::to_string(&all) + "\n",
                OutFormat::Text => all
                    .iter()
                    .map(|r| {
                        format!(
                            "{:<22}{} {}\n",
                            r.id,
                            if r.lint { "L" } else { " " },
                            r.summary
                        )
                    })
                    .collect::<String>(),
            });
        }
    }
    Ok(exit::OK)
}

/// `reach [PATH]`: the terminal UI (on the demo when no PATH). When stdout or stdin is not a
/// terminal (a pipe, a test), the text summary instead: what was loaded and what to try.
fn summary(cli: &Cli) -> Result<u8, Failure> {
    use std::io::IsTerminal;
    let demo = cli.demo || cli.path.is_none();
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        let e = open(cli.path.as_deref(), demo, false)?;
        let inc = incomplete(&e);
        emit(&(banner(&inc) + &crate::report::text::summary(&e, demo)));
        super::check::tui_policy(cli, &e, true)?;
        return Ok(exit::unless_incomplete(exit::OK, &inc));
    }
    let e = open(cli.path.as_deref(), demo, true)?;
    let opts = crate::tui::Options {
        no_color: cli.no_color,
        ascii: cli.ascii,
        path: if demo { None } else { cli.path.clone() },
        watch: cli.watch,
        policy: super::check::tui_policy(cli, &e, false)?,
        mouse: cli.mouse,
    };
    crate::tui::run(e, opts, None)
        .map_err(|err| Failure::usage(format!("reach: terminal: {err}")))?;
    Ok(exit::OK)
}

/// `reach --diff OLD NEW`: the terminal UI on NEW, marking what changed since OLD. Both are
/// loaded as `reach diff` loads them (nothing loadable in either: exit 2). When stdout or stdin
/// is not a terminal, NEW's text summary and the diff as text instead.
fn diff_tui(cli: &Cli, paths: &[PathBuf]) -> Result<u8, Failure> {
    use std::io::IsTerminal;
    let [old_path, new_path] = paths else {
        return Err(Failure::usage("reach: --diff takes OLD NEW"));
    };
    let tty = std::io::stdout().is_terminal() && std::io::stdin().is_terminal();
    let none = WhatIf::default();
    // in the TUI, load problems are findings (F), not lines on a screen about to be replaced
    let which = |what: &'static str| {
        move |mut f: Failure| {
            f.message.push_str(&format!(" (--diff {what})"));
            f
        }
    };
    let mut old = open_with(Some(old_path), false, tty, &none).map_err(which("OLD"))?;
    let mut new = open_with(Some(new_path), false, tty, &none).map_err(which("NEW"))?;
    if !tty {
        let inc = super::review::both_incomplete(&old, old_path, &new, new_path);
        let d = crate::engine::diff::diff_snapshots(&mut old, &mut new);
        emit(&(banner(&inc) + &crate::report::text::summary(&new, false)));
        super::check::tui_policy(cli, &new, true)?;
        emit(&format!(
            "\nCompared with {}:\n",
            crate::text::show(&old_path.display().to_string())
        ));
        emit(&crate::report::diff::text(&d));
        return Ok(exit::unless_incomplete(exit::OK, &inc));
    }
    let opts = crate::tui::Options {
        no_color: cli.no_color,
        ascii: cli.ascii,
        path: Some(new_path.clone()),
        watch: cli.watch,
        policy: super::check::tui_policy(cli, &new, false)?,
        mouse: cli.mouse,
    };
    let old = crate::tui::Baseline {
        engine: old,
        label: old_path.display().to_string(),
    };
    crate::tui::run(new, opts, Some(old))
        .map_err(|err| Failure::usage(format!("reach: terminal: {err}")))?;
    Ok(exit::OK)
}
