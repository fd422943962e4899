//! Job rules: which identity a job (or each pipeline step) reads data as — the submitting user
//! (JOB-USER-ID), cached datastore credentials (JOB-CACHED-CRED-WINS), the compute's identity
//! (JOB-FALLBACK-MI) — one identity per job (JOB-ONE-ID), step over root (JOB-PIPELINE-ID) and
//! where user identity works (JOB-STUDIO).

use super::{Rule, SEED_AUTH};
use crate::engine::graph::AccessGraph;
use crate::finding::{Finding, Severity};
use crate::load::raw::{DatastoreCredential, JobIdentity};
use crate::model::{Attrs, Job, Model, ResKind, ScopeId};
use crate::source::Source;
use crate::text::show;

pub const RULES: &[Rule] = &[
    Rule { id: "JOB-USER-ID", summary: "A job with identity.type user_identity reaches storage as the submitting user", detail: "A job with identity.type: user_identity reads and writes storage as the user who submitted it: each submitter needs a data role (Storage Blob Data Reader…) on the storage behind identity-based datastores.", seed: SEED_AUTH, lint: false, apply: apply_user },
    Rule { id: "JOB-CACHED-CRED-WINS", summary: "If the datastore has cached credentials, they are used instead of the user identity", detail: "If a datastore has cached credentials (an account key, say), those are used instead of the user identity: a job that asks for user_identity on such a datastore does not get it.", seed: SEED_AUTH, lint: true, apply: apply_cached },
    Rule { id: "JOB-FALLBACK-MI", summary: "With no identity on the job and no cached credentials, the compute's managed identity is used", detail: "With no identity on the job and no cached credentials on the datastore, the compute's managed identity (its default identity, CMP-DEFAULT-ID) is used. An identity written under settings: is ignored by Azure ML: the job has no identity.", seed: SEED_AUTH, lint: false, apply: apply_fallback },
    Rule { id: "JOB-ONE-ID", summary: "A job cannot use both the user identity and the compute managed identity", detail: "The user identity and the compute managed identity cannot both be used for authentication in the same job (a pipeline whose steps mix user_identity and managed, say).", seed: SEED_AUTH, lint: true, apply: apply_one },
    Rule { id: "JOB-PIPELINE-ID", summary: "In a pipeline a step's identity wins over the root's; with pipeline components only executing steps count", detail: "In a pipeline, identity set on a step wins over identity set on the root. When the pipeline uses pipeline components, identity set on the root or on a component has no effect: only identity set on each executing step counts (a finding when the root sets one anyway).", seed: SEED_AUTH, lint: true, apply: apply_pipeline },
    Rule { id: "JOB-STUDIO", summary: "User-identity jobs are supported from the CLI and SDK v2, not from studio submissions", detail: "Jobs that use the user identity are supported when submitted with the Azure ML CLI or Python SDK v2, not from studio submissions.", seed: SEED_AUTH, lint: false, apply: apply_studio },
];

/// One executing unit of a job: the job itself, or a pipeline step.
struct Unit<'a> {
    label: String,
    identity: Option<&'a JobIdentity>,
    compute: Option<&'a str>,
    datastores: Vec<&'a str>,
    source: Source,
}

fn line(src: &Source, l: u32) -> Source {
    match src {
        Source::Line { file, .. } if l > 0 => Source::line(file, l),
        o => o.clone(),
    }
}

fn finding(
    g: &mut AccessGraph,
    rule: &str,
    sev: Severity,
    msg: String,
    subject: impl Into<String>,
    src: Source,
) {
    g.finding(Finding::new(rule, sev, msg, subject, src));
}

fn units(j: &Job) -> Vec<Unit<'_>> {
    let root_ds: Vec<&str> = j.datastores.iter().map(String::as_str).collect();
    if j.steps.is_empty() {
        return vec![Unit {
            label: format!("job {}", j.name),
            identity: j.identity.as_ref(),
            compute: j.compute.as_deref(),
            datastores: root_ds,
            source: j.source.clone(),
        }];
    }
    let components = j.steps.iter().any(|s| s.is_pipeline_component);
    j.steps
        .iter()
        .map(|s| Unit {
            label: format!("step {} of job {}", s.name.value, j.name),
            identity: s.identity.as_ref().or(if components {
                None
            } else {
                j.identity.as_ref()
            }),
            compute: s
                .compute
                .as_ref()
                .map(|c| c.value.as_str())
                .or(j.compute.as_deref()),
            datastores: if s.datastores.is_empty() {
                root_ds.clone()
            } else {
                s.datastores.iter().map(|d| d.value.as_str()).collect()
            },
            source: line(&j.source, s.name.line),
        })
        .collect()
}

fn datastore(m: &Model, ws: ScopeId, name: &str) -> Option<ScopeId> {
    m.scope(ws).children.iter().copied().find(|c| {
        m.scope(*c).kind == ResKind::Datastore && m.scope(*c).name.eq_ignore_ascii_case(name)
    })
}

fn cached(m: &Model, d: ScopeId) -> bool {
    matches!(&m.scope(d).attrs, Attrs::Datastore(a) if !matches!(a.credential, DatastoreCredential::None | DatastoreCredential::Unknown))
}

/// Known to hold no credential (an unknown credential type is neither).
fn identity_only(m: &Model, d: ScopeId) -> bool {
    matches!(&m.scope(d).attrs, Attrs::Datastore(a) if a.credential == DatastoreCredential::None)
}

/// The identity-based datastores (no cached credentials) a unit reads.
fn identity_based<'u>(m: &Model, j: &Job, u: &Unit<'u>) -> Vec<&'u str> {
    u.datastores
        .iter()
        .copied()
        .filter(|d| datastore(m, j.workspace, d).is_some_and(|d| identity_only(m, d)))
        .collect()
}

fn is_user(i: Option<&JobIdentity>) -> bool {
    i.is_some_and(|i| i.kind == "user_identity")
}

fn apply_user(m: &Model, g: &mut AccessGraph) {
    for j in &m.jobs {
        for u in units(j).iter().filter(|u| is_user(u.identity)) {
            let ds = identity_based(m, j, u);
            if ds.is_empty() {
                continue;
            }
            let msg = format!("{} reads {} as the submitting user: each submitter needs a data role on the storage behind it", show(&u.label), show(&ds.join(", ")));
            finding(
                g,
                "JOB-USER-ID",
                Severity::Info,
                msg,
                j.name.clone(),
                u.source.clone(),
            );
        }
    }
}

fn apply_cached(m: &Model, g: &mut AccessGraph) {
    for j in &m.jobs {
        for u in units(j).iter().filter(|u| is_user(u.identity)) {
            for d in u
                .datastores
                .iter()
                .filter_map(|d| datastore(m, j.workspace, d))
                .filter(|d| cached(m, *d))
            {
                let msg = format!("{} asks for user_identity, but datastore {} has cached credentials, which are used instead of the user's identity", show(&u.label), show(&m.scope(d).name));
                let src = u
                    .identity
                    .map_or(u.source.clone(), |i| line(&j.source, i.line));
                finding(
                    g,
                    "JOB-CACHED-CRED-WINS",
                    Severity::Warning,
                    msg,
                    m.scope(d).id.to_string(),
                    src,
                );
            }
        }
    }
}

fn compute_identity_name(m: &Model, ws: ScopeId, compute: Option<&str>) -> String {
    let name = compute
        .map(|c| c.trim().trim_start_matches("azureml:"))
        .unwrap_or("");
    let c = m.scope(ws).children.iter().copied().find(|c| {
        m.scope(*c).kind == ResKind::Compute && m.scope(*c).name.eq_ignore_ascii_case(name)
    });
    let ident = c.and_then(|c| match &m.scope(c).attrs {
        Attrs::Compute(a) => a.identity.default_identity(),
        _ => None,
    });
    match (ident, name.is_empty()) {
        (Some(p), _) => format!("compute {name}'s default identity {}", m.principal(p).name),
        (None, false) => format!("the managed identity of compute {name}"),
        (None, true) => "the compute's managed identity".to_string(),
    }
}

fn apply_fallback(m: &Model, g: &mut AccessGraph) {
    for j in &m.jobs {
        if let Some(l) = j.misplaced_identity_line {
            let msg = format!("job {}: identity is written under settings:, where Azure ML ignores it; the job runs with no identity (move it to the top level)", show(&j.name));
            g.finding(Finding::new(
                "JOB-FALLBACK-MI",
                Severity::Warning,
                msg,
                j.name.clone(),
                line(&j.source, l),
            ));
        }
        for u in units(j).iter().filter(|u| u.identity.is_none()) {
            let ds = identity_based(m, j, u);
            if ds.is_empty() {
                continue;
            }
            let who = compute_identity_name(m, j.workspace, u.compute);
            let msg = format!(
                "{} sets no identity: it reads {} as {}",
                show(&u.label),
                show(&ds.join(", ")),
                show(&who)
            );
            finding(
                g,
                "JOB-FALLBACK-MI",
                Severity::Info,
                msg,
                j.name.clone(),
                u.source.clone(),
            );
        }
    }
}

fn apply_one(m: &Model, g: &mut AccessGraph) {
    for j in &m.jobs {
        let us = units(j);
        let user = us.iter().any(|u| is_user(u.identity));
        let managed = us
            .iter()
            .any(|u| u.identity.is_some_and(|i| i.kind == "managed"));
        if user && managed {
            let msg = format!("job {} uses both the user identity and the compute managed identity (in different steps); one job cannot authenticate with both", show(&j.name));
            finding(
                g,
                "JOB-ONE-ID",
                Severity::Error,
                msg,
                j.name.clone(),
                j.source.clone(),
            );
        }
    }
}

fn apply_pipeline(m: &Model, g: &mut AccessGraph) {
    for j in &m.jobs {
        let Some(root) = &j.identity else { continue };
        if j.steps.iter().any(|s| s.is_pipeline_component) {
            let msg = format!("pipeline {} sets identity on the root, but it uses pipeline components: only identity on each executing step counts", show(&j.name));
            g.finding(Finding::new(
                "JOB-PIPELINE-ID",
                Severity::Warning,
                msg,
                j.name.clone(),
                line(&j.source, root.line),
            ));
        }
        for s in j
            .steps
            .iter()
            .filter(|s| s.identity.as_ref().is_some_and(|i| i.kind != root.kind))
        {
            let msg = format!(
                "step {} of pipeline {} runs as {} (its own identity wins over the root's {})",
                show(&s.name.value),
                show(&j.name),
                s.identity.as_ref().map_or("", |i| i.kind.as_str()),
                root.kind
            );
            g.finding(Finding::new(
                "JOB-PIPELINE-ID",
                Severity::Info,
                msg,
                j.name.clone(),
                line(&j.source, s.name.line),
            ));
        }
    }
}

fn apply_studio(m: &Model, g: &mut AccessGraph) {
    for j in &m.jobs {
        if units(j).iter().any(|u| is_user(u.identity)) {
            let msg = format!("job {} uses the user identity: submit it with the CLI or SDK v2; studio submissions do not support it", show(&j.name));
            finding(
                g,
                "JOB-STUDIO",
                Severity::Info,
                msg,
                j.name.clone(),
                j.source.clone(),
            );
        }
    }
}
