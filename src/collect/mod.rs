//! `reach collect`: run the installed `az` CLI to bring a tenant's access data into a folder
//! reach reads. Every file is exactly what `az` printed (JSON; paged REST answers merged into one
//! response `{"value": [...]}`), one file per input, plus `collect-manifest.json`.
//!
//! Layout of the folder (names from Azure are kept to `[A-Za-z0-9._-]`):
//! ```text
//! collect-manifest.json                          what was read, how, and how it ended
//! azureml/<ws>/workspace.json                    az ml workspace show
//! azureml/<ws>/computes.json                     az ml compute list
//! azureml/<ws>/online-endpoints.json             az ml online-endpoint list
//! azureml/<ws>/online-endpoints/<ep>.json        az ml online-endpoint show
//! azureml/<ws>/online-endpoints/<ep>.deployments.json   az ml online-deployment list -e <ep>
//! azureml/<ws>/batch-endpoints.json              az ml batch-endpoint list
//! azureml/<ws>/batch-endpoints/<ep>.json         az ml batch-endpoint show
//! azureml/<ws>/batch-endpoints/<ep>.deployments.json    az ml batch-deployment list -e <ep>
//! azureml/<ws>/datastores.json                   az rest GET <ws>/datastores (ARM: keeps the credential type)
//! azureml/<ws>/connections.json                  az ml connection list (never --populate-secrets)
//! azureml/<ws>/environments.json                 az ml environment list
//! azure/resources/storage.<name>.json            az storage account show
//! azure/resources/keyvault.<name>.json           az keyvault show
//! azure/resources/acr.<name>.json                az acr show
//! azure/resources/identity.<name>.json           az identity show (every UAI named anywhere)
//! azure/role-assignments.<sub>.json              az role assignment list --all --subscription <sub>
//! azure/deny-assignments.<sub>.json              az rest GET …/denyAssignments
//! azure/role-definitions/<guid>.json             az rest GET <roleDefinitionId> (each role assigned)
//! azure/pim/eligible.<scope>.json                az rest GET <scope>/…/roleEligibilityScheduleInstances
//! azure/pim/active.<scope>.json                  az rest GET <scope>/…/roleAssignmentScheduleInstances
//! entra/principals.<n>.json                      az rest POST Graph directoryObjects/getByIds (≤ 1000 IDs)
//! entra/members/<group-id>.members.json          az rest GET Graph groups/<id>/members (nested groups too)
//! ```
//! `<ws>` is the workspace name (`<rg>.<name>` when two workspaces share a name); `<scope>` is
//! the scope's ARM ID as `sub[.rg[.type.name]]`.

pub mod az;
pub mod clock;
pub mod deny;
pub mod doc;
pub mod manifest;
pub mod plan;
mod preflight;
pub mod progress;
pub mod references;
pub mod run;
pub mod script;
mod store;

use manifest::{Manifest, Status};
use plan::{Input, Role, WsRef};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::time::Duration;

/// What to collect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// One workspace (subscription: az's current one when None).
    Workspace {
        subscription: Option<String>,
        resource_group: String,
        workspace: String,
    },
    /// Every workspace of a subscription (or of one of its resource groups).
    Subscription {
        subscription: String,
        resource_group: Option<String>,
    },
}

#[derive(Debug, Clone)]
pub struct Options {
    pub target: Target,
    pub out: PathBuf,
    pub resume: bool,
    /// The tenant az must be signed in to (checked up front).
    pub tenant: Option<String>,
    pub jobs: usize,
    pub timeout: Duration,
    pub settings: run::Settings,
    /// Progress bars (a terminal) or plain lines.
    pub tty: bool,
}

/// A failure before anything was written: one line saying what to do (exit 2).
#[derive(Debug)]
pub struct Fatal(pub String);

/// How a run ended.
#[derive(Debug)]
pub struct Summary {
    pub counts: BTreeMap<&'static str, usize>,
    pub incomplete: usize,
    pub calls: u32,
    pub max_running: usize,
    pub manifest: PathBuf,
}

fn manifest_target(t: &Target) -> manifest::Target {
    match t {
        Target::Workspace {
            subscription,
            resource_group,
            workspace,
        } => manifest::Target {
            subscription: subscription.clone(),
            resource_group: Some(resource_group.clone()),
            workspace: Some(workspace.clone()),
        },
        Target::Subscription {
            subscription,
            resource_group,
        } => manifest::Target {
            subscription: Some(subscription.clone()),
            resource_group: resource_group.clone(),
            workspace: None,
        },
    }
}

fn same_target(a: &manifest::Target, b: &manifest::Target) -> bool {
    let eq = |x: &Option<String>, y: &Option<String>| match (x, y) {
        (Some(x), Some(y)) => x.eq_ignore_ascii_case(y),
        (None, None) => true,
        _ => false,
    };
    eq(&a.subscription, &b.subscription)
        && eq(&a.resource_group, &b.resource_group)
        && eq(&a.workspace, &b.workspace)
}

/// Check the output folder before any az call: new (or empty) without `--resume`; an earlier
/// collection of the same target with it.
fn check_out(opts: &Options) -> Result<Option<Manifest>, Fatal> {
    let dir = &opts.out;
    let shown = crate::text::show(&dir.display().to_string()).into_owned();
    if opts.resume {
        return match Manifest::read(dir) {
            Ok(Some(m)) => {
                if !same_target(&m.target, &manifest_target(&opts.target)) {
                    return Err(Fatal(format!(
                        "reach: {shown} holds a collection of another target ({}): resume it with the same -g/-w/--subscription, or collect into a new folder",
                        describe(&m.target)
                    )));
                }
                Ok(Some(m))
            }
            Ok(None) => Err(Fatal(format!(
                "reach: nothing to resume in {shown}: it has no collect-manifest.json (drop --resume to start a collection)"
            ))),
            Err(e) => Err(Fatal(format!("reach: cannot read the manifest to resume: {e}"))),
        };
    }
    match std::fs::read_dir(dir) {
        Ok(mut it) => {
            if it.next().is_some() {
                let hint = if dir.join(manifest::FILE).exists() {
                    "it holds an earlier collection: add --resume to complete it, or collect into a new folder"
                } else {
                    "collect into a new folder (reach reads sub-folders, so it may sit inside your project)"
                };
                return Err(Fatal(format!("reach: {shown} is not empty: {hint}")));
            }
            Ok(None)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) if e.kind() == std::io::ErrorKind::NotADirectory => {
            Err(Fatal(format!("reach: {shown} is a file, not a folder")))
        }
        Err(e) => Err(Fatal(format!("reach: cannot read {shown}: {e}"))),
    }
}

fn describe(t: &manifest::Target) -> String {
    let mut v = Vec::new();
    if let Some(s) = &t.subscription {
        v.push(format!("subscription {s}"));
    }
    if let Some(g) = &t.resource_group {
        v.push(format!("resource group {g}"));
    }
    if let Some(w) = &t.workspace {
        v.push(format!("workspace {w}"));
    }
    v.join(", ")
}

/// Collect. Up-front problems are `Fatal` and nothing is written; after that every problem is
/// an input's status in the manifest.
pub fn collect(opts: &Options) -> Result<Summary, Fatal> {
    let previous = check_out(opts)?;
    let az = az::Az::new(opts.timeout);
    let st = &opts.settings;
    let ctx = preflight::context(&az, st, &opts.target, opts.tenant.as_deref())?;
    let mut prefetched = Vec::new();
    let workspaces: Vec<WsRef> = match &opts.target {
        Target::Workspace {
            resource_group,
            workspace,
            ..
        } => {
            let ws = WsRef {
                subscription: ctx.subscription.clone(),
                resource_group: resource_group.clone(),
                name: workspace.clone(),
                folder: plan::safe(workspace),
            };
            prefetched.push((
                plan::workspace_show(&ws).file,
                preflight::workspace(&az, st, &ws)?,
            ));
            vec![ws]
        }
        Target::Subscription {
            subscription,
            resource_group,
        } => preflight::workspaces(&az, st, subscription, resource_group.as_deref())?,
    };
    // the checks passed: from here on, the folder is written
    std::fs::create_dir_all(&opts.out).map_err(|e| {
        Fatal(format!(
            "reach: cannot create {}: {e}",
            crate::text::show(&opts.out.display().to_string())
        ))
    })?;
    if opts.resume {
        store::clean_tmp(&opts.out);
    }
    let manifest = Manifest {
        collect_manifest: manifest::FORMAT,
        reach_version: env!("CARGO_PKG_VERSION").to_string(),
        az_version: ctx.az_version.clone(),
        az_ml_version: ctx.ml_version.clone(),
        tenant: ctx.tenant.clone(),
        account: ctx.account.clone(),
        account_type: ctx.account_type.clone(),
        target: manifest_target(&opts.target),
        started: clock::now(),
        finished: None,
        sealed: false,
        not_collected: manifest::not_collected(),
        inputs: Vec::new(),
    };
    let progress = progress::Progress::new(opts.tty);
    let c = run::Collector::new(&opts.out, &az, st, &progress, manifest, previous);
    c.prefetched
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .extend(prefetched);
    stages(&c, &workspaces);
    progress.finish();
    let mut counts: BTreeMap<&'static str, usize> = BTreeMap::new();
    let incomplete;
    {
        let mut m = c.manifest.lock().unwrap_or_else(|e| e.into_inner());
        m.sealed = true;
        m.finished = Some(clock::now());
        m.inputs.sort_by(|a, b| a.file.cmp(&b.file));
        for r in &m.inputs {
            *counts.entry(r.status.word()).or_default() += 1;
        }
        incomplete = m
            .inputs
            .iter()
            .filter(|r| r.status != Status::Complete)
            .count();
    }
    c.save()
        .map_err(|e| Fatal(format!("reach: cannot write the manifest: {e}")))?;
    Ok(Summary {
        counts,
        incomplete,
        calls: c.calls.load(Ordering::SeqCst),
        max_running: c.max_running.load(Ordering::SeqCst),
        manifest: opts.out.join(manifest::FILE),
    })
}

fn docs_of(
    results: &[(Input, Option<Value>)],
    role: Role,
) -> impl Iterator<Item = (&Input, &Value)> {
    results
        .iter()
        .filter(move |(i, _)| i.role == role)
        .filter_map(|(i, v)| v.as_ref().map(|v| (i, v)))
}

/// The stages: workspaces → what they name → what those name → members of groups, nested.
fn stages(c: &run::Collector<'_>, workspaces: &[WsRef]) {
    let shows = c.stage(workspaces.iter().map(plan::workspace_show).collect());
    let ws_docs: Vec<(WsRef, Value)> = shows
        .into_iter()
        .filter_map(|(i, v)| Some((i.ws?, v?)))
        .collect();
    let first = c.stage(plan::stage1(&ws_docs));

    // stage 2: endpoints, identities, role definitions, principals
    let mut second = Vec::new();
    for (input, doc) in docs_of(&first, Role::OnlineEndpoints) {
        if let Some(ws) = &input.ws {
            second.extend(plan::endpoints(ws, doc, true));
        }
    }
    for (input, doc) in docs_of(&first, Role::BatchEndpoints) {
        if let Some(ws) = &input.ws {
            second.extend(plan::endpoints(ws, doc, false));
        }
    }
    let mut uais = BTreeSet::new();
    for role in [Role::Computes, Role::OnlineEndpoints, Role::BatchEndpoints] {
        for (_, doc) in docs_of(&first, role) {
            for e in plan::entries(doc) {
                plan::uai_ids(e, &mut uais);
            }
        }
    }
    let mut done_uais = BTreeSet::new();
    for (_, doc) in &ws_docs {
        plan::uai_ids(doc, &mut done_uais);
    }
    let done_uais = done_uais.iter().map(|s| s.to_ascii_lowercase()).collect();
    second.extend(plan::identities(&uais, &done_uais));
    let refs: Vec<(&Role, &Value)> = first
        .iter()
        .filter_map(|(i, v)| v.as_ref().map(|v| (&i.role, v)))
        .collect();
    let (roles, principals) = plan::references(&refs);
    second.extend(roles.values().map(|id| plan::role_definition(id)));
    second.extend(plan::principals(&principals));
    let second = c.stage(second);

    // stage 3+: members of the groups among the principals, then of nested groups
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut groups = BTreeSet::new();
    for (_, doc) in docs_of(&second, Role::Principals) {
        plan::groups_in(doc, &mut groups);
    }
    for _ in 0..plan::MAX_NESTING {
        let next: Vec<Input> = groups
            .iter()
            .filter(|g| seen.insert((*g).clone()))
            .map(|g| plan::members(g))
            .collect();
        if next.is_empty() {
            break;
        }
        let got = c.stage(next);
        groups = BTreeSet::new();
        for (_, doc) in docs_of(&got, Role::Members) {
            plan::groups_in(doc, &mut groups);
        }
    }
}
