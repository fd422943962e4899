//! Commands for security reviews: `export --format markdown|dot|mermaid`, `matrix`, `diff`,
//! `completions`, `man`. Each gathers engine results into plain data and hands it to `report`.

use super::commands::open_with;
use super::exit::{self, emit, Failure};
use super::{Cli, Command, DiffFormat, ExportFormat, MatrixFormat, WhatIf};
use crate::engine::{diff, graphview, review, Engine};
use crate::model::ResKind;
use crate::report::{dot, json, markdown, matrix, mermaid};
use clap::CommandFactory;

use super::commands::{banner, incomplete, lookup_err};
use crate::load::incomplete::banner as banner_with;
use crate::load::Incomplete;

/// What loading either snapshot dropped, each file named with its snapshot's folder.
pub(super) fn both_incomplete(
    old: &Engine,
    old_path: &std::path::Path,
    new: &Engine,
    new_path: &std::path::Path,
) -> Vec<Incomplete> {
    let mut all = Vec::new();
    for (e, path) in [(old, old_path), (new, new_path)] {
        let root = path.display().to_string();
        let root = root.trim_end_matches('/');
        all.extend(incomplete(e).into_iter().map(|mut i| {
            i.file = format!("{root}/{}", i.file);
            i
        }));
    }
    all
}

/// `reach export --format markdown|dot|mermaid [--resource R | --principal P]`.
pub fn export(
    e: &Engine,
    format: ExportFormat,
    resource: Option<&str>,
    principal: Option<&str>,
) -> Result<u8, Failure> {
    let m = e.model();
    let inc = incomplete(e);
    let out = match format {
        ExportFormat::Markdown => {
            let mut r = e.review(&review::SENSITIVE);
            if let Some(res) = resource {
                let s = m
                    .resolve_resource(&crate::mask::unmask_ref(res))
                    .map_err(lookup_err)?;
                let hops = review::HopIndex::new(m);
                let one = e.reach_of(s, None, &hops).ok_or_else(|| {
                    Failure::usage(format!("reach: nothing to report for {}", m.scope_ref(s)))
                })?;
                r.workspaces = vec![review::WorkspaceReview {
                    workspace: m.scope(s).workspace.map(|w| e.resource_ref(w)),
                    resources: vec![one],
                }];
            } else if let Some(p) = principal {
                let pid = m
                    .resolve_principal(&crate::mask::unmask_ref(p))
                    .map_err(lookup_err)?;
                let name = m.principal(pid).name.clone();
                for ws in &mut r.workspaces {
                    for res in &mut ws.resources {
                        res.reach.retain(|x| x.principal.name == name);
                    }
                    ws.resources.retain(|res| !res.reach.is_empty());
                }
                r.workspaces.retain(|w| !w.resources.is_empty());
            }
            banner_with(&inc, "> ") + &markdown::review(&r)
        }
        ExportFormat::Dot | ExportFormat::Mermaid => {
            let g = graph(e, resource, principal)?;
            if format == ExportFormat::Dot {
                banner_with(&inc, "// ") + &dot::render(&g)
            } else {
                banner_with(&inc, "%% ") + &mermaid::render(&g)
            }
        }
        ExportFormat::Json => {
            let doc = match (resource, principal) {
                (Some(r), _) => {
                    let s = super::commands::resolve_resource(e, r)?;
                    let w = e.who_can(s, None).map_err(super::commands::action_err)?;
                    json::to_string_noting(&w, &inc)
                }
                (None, Some(p)) => {
                    let pid = super::commands::resolve_principal(e, p)?;
                    json::to_string_noting(&e.what_can(pid, None), &inc)
                }
                (None, None) => json::to_string_noting(&e.export(), &inc),
            };
            doc + "\n"
        }
    };
    emit(&out);
    Ok(exit::unless_incomplete(exit::OK, &inc))
}

fn graph(
    e: &Engine,
    resource: Option<&str>,
    principal: Option<&str>,
) -> Result<graphview::GraphView, Failure> {
    let m = e.model();
    if let Some(r) = resource {
        let s = m
            .resolve_resource(&crate::mask::unmask_ref(r))
            .map_err(lookup_err)?;
        let w = e
            .who_can(s, None)
            .map_err(|a| Failure::usage(format!("reach: {}", a.0)))?;
        return Ok(graphview::from_who_can(m, &w));
    }
    if let Some(p) = principal {
        let pid = m
            .resolve_principal(&crate::mask::unmask_ref(p))
            .map_err(lookup_err)?;
        return Ok(graphview::from_what_can(m, &e.what_can(pid, None)));
    }
    let r = e.review(&review::SENSITIVE);
    Ok(graphview::from_review(
        m,
        &r,
        format!("who can reach the sensitive resources of {}", m.label),
    ))
}

/// `--resources endpoint,datastore` → kinds; default: the sensitive kinds and workspaces.
fn kinds(spec: Option<&str>) -> Result<Vec<ResKind>, Failure> {
    let Some(spec) = spec else {
        let mut k = vec![ResKind::Workspace];
        k.extend(review::SENSITIVE);
        return Ok(k);
    };
    spec.split(',')
        .map(str::trim)
        .filter(|w| !w.is_empty())
        .map(|w| {
            ResKind::from_word(w.trim_end_matches('s')).ok_or_else(|| {
                Failure::usage(format!(
                    "reach: unknown resource kind '{}'; expected e.g. endpoint, datastore, \
                     storage, keyvault, registry, connection, workspace, compute",
                    crate::text::show(w)
                ))
            })
        })
        .collect()
}

/// `matrix`, `diff`, `completions`, `man`.
pub fn run(cli: &Cli, cmd: &Command) -> Result<u8, Failure> {
    match cmd {
        Command::Matrix {
            action,
            resources,
            collapse_groups,
            project,
            whatif,
            format,
        } => {
            let e = open_with(project.path.as_deref(), cli.demo, false, whatif)?;
            let ks = kinds(resources.as_deref())?;
            if let Some(a) = action.as_deref().filter(|a| !a.contains('/')) {
                let known = crate::engine::action::OPERATIONS
                    .iter()
                    .any(|o| o.eq_ignore_ascii_case(a));
                if !known {
                    return Err(Failure::usage(format!(
                        "reach: unknown operation '{}'; expected a full action or one of: {}",
                        crate::text::show(a),
                        crate::engine::action::OPERATIONS.join(", ")
                    )));
                }
            }
            let mx = e.matrix(&ks, action.as_deref());
            let inc = incomplete(&e);
            emit(&match format {
                MatrixFormat::Text => banner(&inc) + &matrix::text(&mx, *collapse_groups),
                MatrixFormat::Csv => {
                    // CSV has no place for it: the banner goes to stderr
                    banner(&inc).lines().for_each(super::exit::warn);
                    matrix::csv(&mx, *collapse_groups)
                }
                MatrixFormat::Json => matrix::json(&mx, *collapse_groups, &inc) + "\n",
            });
            Ok(exit::unless_incomplete(exit::OK, &inc))
        }
        Command::Diff {
            old_path,
            new_path,
            format,
        } => {
            let none = WhatIf::default();
            let mut old = open_with(Some(old_path), false, false, &none)?;
            let mut new = open_with(Some(new_path), false, false, &none)?;
            let inc = both_incomplete(&old, old_path, &new, new_path);
            let d = diff::diff_snapshots(&mut old, &mut new);
            emit(&match format {
                DiffFormat::Text => banner(&inc) + &crate::report::diff::text(&d),
                DiffFormat::Json => json::to_string_noting(&d, &inc) + "\n",
                DiffFormat::Markdown => banner_with(&inc, "> ") + &markdown::diff(&d),
            });
            let code = if d.gained.is_empty() && d.eligible_gained.is_empty() {
                exit::OK
            } else {
                exit::FINDINGS
            };
            Ok(exit::unless_incomplete(code, &inc))
        }
        Command::Completions { shell } => {
            let mut buf = Vec::new();
            clap_complete::generate(*shell, &mut Cli::command(), "reach", &mut buf);
            emit(&String::from_utf8_lossy(&buf));
            Ok(exit::OK)
        }
        Command::Man => {
            let mut buf = Vec::new();
            clap_mangen::Man::new(Cli::command())
                .render(&mut buf)
                .map_err(|e| Failure::usage(format!("reach: cannot render the man page: {e}")))?;
            emit(&String::from_utf8_lossy(&buf));
            Ok(exit::OK)
        }
        _ => Err(Failure::usage("reach: not a review command")),
    }
}
