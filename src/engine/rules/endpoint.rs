//! Online endpoint user rules: control-plane operations (EP-CP-*), auth modes (EP-AUTH-MODES) and
//! how scoring is authorised in each mode (EP-SCORE-KEY / EP-SCORE-AMLTOKEN / EP-SCORE-AAD).

use super::{none, Rule, SEED_ENDPOINTS};
use crate::engine::action::*;
use crate::engine::graph::{AccessGraph, Block, Derivation, Note};
use crate::finding::{Finding, Severity};
use crate::model::{Attrs, Model, ResKind, ScopeId};
use crate::source::Source;

pub const RULES: &[Rule] = &[
    Rule { id: "EP-CP-WRITE", summary: "Create/update endpoints and deployments needs onlineEndpoints/write at workspace scope", detail: "Creating or updating an online endpoint or deployment needs Microsoft.MachineLearningServices/workspaces/onlineEndpoints/write at workspace scope (Owner, Contributor, or any role granting it).", seed: SEED_ENDPOINTS, lint: false, apply: apply_cp },
    Rule { id: "EP-CP-DELETE", summary: "Deleting endpoints needs onlineEndpoints/delete at workspace scope", detail: "Deleting an online endpoint or deployment needs Microsoft.MachineLearningServices/workspaces/onlineEndpoints/delete at workspace scope.", seed: SEED_ENDPOINTS, lint: false, apply: none },
    Rule { id: "EP-CP-STUDIO", summary: "From the studio, create/update/delete also needs Microsoft.Resources/deployments/write on the resource group", detail: "Creating, updating or deleting endpoints from the studio also needs Microsoft.Resources/deployments/write on the resource group, because the studio deploys through ARM templates. reach models it as the operation studio-deploy: onlineEndpoints/write at the workspace AND deployments/write on the resource group.", seed: SEED_ENDPOINTS, lint: false, apply: apply_studio },
    Rule { id: "EP-CP-READ", summary: "Reading endpoints needs onlineEndpoints/read at workspace scope", detail: "Reading an online endpoint needs Microsoft.MachineLearningServices/workspaces/onlineEndpoints/read at workspace scope.", seed: SEED_ENDPOINTS, lint: false, apply: none },
    Rule { id: "EP-CP-TOKEN", summary: "Getting an aml_token needs onlineEndpoints/token/action at endpoint scope", detail: "Obtaining an Azure Machine Learning token (aml_token) needs Microsoft.MachineLearningServices/workspaces/onlineEndpoints/token/action at endpoint scope.", seed: SEED_ENDPOINTS, lint: false, apply: none },
    Rule { id: "EP-CP-KEYS", summary: "Listing keys needs onlineEndpoints/listKeys/action at endpoint scope", detail: "Listing an endpoint's keys needs Microsoft.MachineLearningServices/workspaces/onlineEndpoints/listKeys/action at endpoint scope.", seed: SEED_ENDPOINTS, lint: false, apply: none },
    Rule { id: "EP-CP-REGEN", summary: "Regenerating keys needs onlineEndpoints/regenerateKeys/action at endpoint scope", detail: "Regenerating an endpoint's keys needs Microsoft.MachineLearningServices/workspaces/onlineEndpoints/regenerateKeys/action at endpoint scope; the new key is returned to the caller.", seed: SEED_ENDPOINTS, lint: false, apply: none },
    Rule { id: "EP-CP-AADTOKEN", summary: "An Entra token (aad_token) comes from Entra itself: no role is needed to get it", detail: "For aad_token endpoints the caller obtains a Microsoft Entra token from Entra ID; no Azure role is needed to get the token (the role check happens at scoring, EP-SCORE-AAD).", seed: SEED_ENDPOINTS, lint: false, apply: none },
    Rule { id: "EP-AUTH-MODES", summary: "auth_mode is key, aml_token or aad_token; Kubernetes endpoints accept key and aml_token only", detail: "An online endpoint's auth_mode is key, aml_token or aad_token. aad_token is supported on managed online endpoints only; Kubernetes online endpoints use key or aml_token.", seed: SEED_ENDPOINTS, lint: true, apply: apply_modes },
    Rule { id: "EP-SCORE-KEY", summary: "key mode: whoever can obtain a key (listKeys or regenerateKeys) can score", detail: "With auth_mode key no role is checked at scoring time: whoever can obtain a key (EP-CP-KEYS or EP-CP-REGEN) can score.", seed: SEED_ENDPOINTS, lint: false, apply: none },
    Rule { id: "EP-SCORE-AMLTOKEN", summary: "aml_token mode: whoever can obtain a token (token/action) can score", detail: "With auth_mode aml_token no role is checked at scoring time beyond the token: whoever can obtain one (EP-CP-TOKEN) can score.", seed: SEED_ENDPOINTS, lint: false, apply: none },
    Rule { id: "EP-SCORE-AAD", summary: "aad_token mode on a managed endpoint: the caller needs onlineEndpoints/score/action at endpoint scope", detail: "With auth_mode aad_token on a managed online endpoint, the caller's Entra token is checked for Microsoft.MachineLearningServices/workspaces/onlineEndpoints/score/action at endpoint scope. (On Kubernetes endpoints the docs list no role.)", seed: SEED_ENDPOINTS, lint: false, apply: none },
];

fn online_endpoints(
    m: &Model,
) -> impl Iterator<Item = (ScopeId, &crate::model::EndpointAttrs)> + '_ {
    m.scopes_of_kind(ResKind::OnlineEndpoint)
        .filter_map(move |s| match &m.scope(s).attrs {
            Attrs::Endpoint(e) => Some((s, &**e)),
            _ => None,
        })
}

/// Notes on the control-plane operations, and how scoring is authorised per auth mode.
fn apply_cp(m: &Model, g: &mut AccessGraph) {
    for s in m.scopes_of_kind(ResKind::OnlineEndpoint) {
        let ep = m.scope(s).name.clone();
        let notes = [
            (
                EP_KEYS,
                "EP-CP-KEYS",
                format!("listKeys/action on {ep} returns its keys"),
            ),
            (
                EP_REGEN,
                "EP-CP-REGEN",
                format!("regenerateKeys/action on {ep} returns new keys"),
            ),
            (
                EP_TOKEN,
                "EP-CP-TOKEN",
                format!("token/action on {ep} returns an aml_token"),
            ),
            (
                EP_WRITE,
                "EP-CP-WRITE",
                format!("onlineEndpoints/write creates or updates {ep} and its deployments"),
            ),
            (
                "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/read",
                "EP-CP-READ",
                format!("onlineEndpoints/read reads {ep}"),
            ),
            (
                "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/delete",
                "EP-CP-DELETE",
                format!("onlineEndpoints/delete deletes {ep}"),
            ),
        ];
        for (pattern, rule, text) in notes {
            g.note(
                s,
                Note {
                    pattern: pattern.into(),
                    rule,
                    text,
                    source: Source::Rule,
                },
            );
        }
    }
    for (s, e) in online_endpoints(m) {
        score(m, g, s, e);
    }
}

fn score(m: &Model, g: &mut AccessGraph, s: ScopeId, e: &crate::model::EndpointAttrs) {
    let ep = m.scope(s).name.clone();
    let src = e.auth_source.clone();
    match e.auth_mode.as_str() {
        "aad_token" if !e.kubernetes => {
            g.note(s, Note {
                pattern: EP_SCORE.into(),
                rule: "EP-SCORE-AAD",
                text: format!("{ep} uses aad_token: the caller's Entra token is checked for score/action at the endpoint"),
                source: src,
            });
            g.note(s, Note {
                pattern: EP_SCORE.into(),
                rule: "EP-CP-AADTOKEN",
                text: "the Entra token itself comes from Entra ID: no Azure role is needed to get it".into(),
                source: Source::Rule,
            });
        }
        "key" | "aml_token" => {
            let (rule, text) = if e.auth_mode == "key" {
                ("EP-SCORE-KEY", format!("{ep} uses key auth: no role is checked at scoring; whoever has a key can score"))
            } else {
                (
                    "EP-SCORE-AMLTOKEN",
                    format!("{ep} uses aml_token auth: whoever can get a token can score"),
                )
            };
            g.block(
                s,
                Block {
                    pattern: EP_SCORE.into(),
                    data_only: false,
                    role: None,
                    rule,
                    text: format!(
                        "{ep} uses {} auth: score/action is not checked; a {} is needed",
                        e.auth_mode,
                        if e.auth_mode == "key" { "key" } else { "token" }
                    ),
                },
            );
            let sources: &[&str] = if e.auth_mode == "key" {
                &[EP_KEYS, EP_REGEN]
            } else {
                &[EP_TOKEN]
            };
            for req in sources {
                g.derive(
                    s,
                    Derivation {
                        pattern: EP_SCORE.into(),
                        data_only: false,
                        requires: vec![(s, (*req).into())],
                        rule,
                        text: text.clone(),
                        source: src.clone(),
                    },
                );
            }
        }
        other => g.block(
            s,
            Block {
                pattern: EP_SCORE.into(),
                data_only: false,
                role: None,
                rule: "EP-AUTH-MODES",
                text: format!(
                    "{ep} has auth_mode {other}, which {} does not accept: nobody can score it",
                    if e.kubernetes {
                        "a Kubernetes endpoint"
                    } else {
                        "Azure ML"
                    }
                ),
            },
        ),
    }
}

fn apply_modes(m: &Model, g: &mut AccessGraph) {
    for (s, e) in online_endpoints(m) {
        let ep = crate::text::show(&m.scope(s).name).into_owned();
        let bad = match e.auth_mode.as_str() {
            "key" | "aml_token" => None,
            "aad_token" if e.kubernetes => Some(format!("Kubernetes online endpoint {ep} sets auth_mode aad_token; Kubernetes endpoints accept key or aml_token only")),
            "aad_token" => None,
            other => Some(format!("online endpoint {ep} sets auth_mode '{}'; expected key, aml_token or aad_token", crate::text::show(other))),
        };
        if let Some(msg) = bad {
            g.finding(Finding::new(
                "EP-AUTH-MODES",
                Severity::Error,
                msg,
                m.scope(s).id.to_string(),
                e.auth_source.clone(),
            ));
        }
    }
}

/// EP-CP-STUDIO: `studio-deploy` on an endpoint = onlineEndpoints/write on its workspace and
/// Microsoft.Resources/deployments/write on the resource group.
fn apply_studio(m: &Model, g: &mut AccessGraph) {
    for s in m.scopes_of_kind(ResKind::OnlineEndpoint) {
        let sc = m.scope(s);
        let (Some(ws), Some(rg)) = (
            sc.workspace,
            sc.ancestors
                .iter()
                .copied()
                .find(|a| m.scope(*a).kind == ResKind::ResourceGroup),
        ) else {
            continue;
        };
        g.block(s, Block { pattern: STUDIO_DEPLOY.into(), data_only: false, role: None, rule: "EP-CP-STUDIO", text: format!("deploying {} from the studio needs onlineEndpoints/write on {} and deployments/write on {}", sc.name, m.scope(ws).name, m.scope(rg).name) });
        g.derive(
            s,
            Derivation {
                pattern: STUDIO_DEPLOY.into(),
                data_only: false,
                requires: vec![(ws, EP_WRITE.into()), (rg, DEPLOY_WRITE.into())],
                rule: "EP-CP-STUDIO",
                text: format!(
                    "the studio deploys {} through an ARM deployment in {}",
                    sc.name,
                    m.scope(rg).name
                ),
                source: Source::Rule,
            },
        );
    }
}
