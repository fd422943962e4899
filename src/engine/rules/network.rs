//! Network rules: on network-restricted storage, studio data preview runs as the workspace
//! identity (NET-WS-MSI-PREVIEW), and the datastore's setting decides which identity is used
//! (NET-DATASTORE-SETTING).

use super::{holds, Rule, SEED_AUTH};
use crate::engine::action::BLOB_READ;
use crate::engine::graph::{AccessGraph, ActsAs};
use crate::finding::{Finding, Severity};
use crate::model::{Attrs, Model, ResKind, ScopeId};
use crate::text::show;

pub const RULES: &[Rule] = &[
    Rule { id: "NET-WS-MSI-PREVIEW", summary: "On storage limited to some networks or trusted services, studio data preview runs as the workspace identity", detail: "When storage allows only some IPs/subnets, or allows trusted Azure services, data preview and profiling in the studio run as the workspace managed identity: whoever can read the workspace's datastores previews data the workspace identity can read.", seed: SEED_AUTH, lint: false, apply: apply_preview },
    Rule { id: "NET-DATASTORE-SETTING", summary: "Blob/ADLS Gen2 with virtual-network settings: the datastore's setting decides user identity or workspace identity", detail: "For Blob or ADLS Gen2 storage with virtual-network settings, the datastore's setting (made when it is created; no YAML key carries it) decides whether the user identity or the workspace managed identity is used.", seed: SEED_AUTH, lint: false, apply: apply_setting },
];

/// Datastores on network-restricted storage: (datastore, storage, workspace).
fn restricted(m: &Model) -> Vec<(ScopeId, ScopeId, ScopeId, Option<crate::source::Source>)> {
    m.scopes_of_kind(ResKind::Datastore)
        .filter_map(|d| {
            let Attrs::Datastore(a) = &m.scope(d).attrs else {
                return None;
            };
            let st = a.storage?;
            let Attrs::Storage(s) = &m.scope(st).attrs else {
                return None;
            };
            s.network_restricted
                .then_some((d, st, m.scope(d).workspace?, s.network_source.clone()))
        })
        .collect()
}

fn apply_preview(m: &Model, g: &mut AccessGraph) {
    for (d, st, ws, net_src) in restricted(m) {
        let Some(w) = m.workspace_attrs(ws) else {
            continue;
        };
        let Some(ident) = w
            .identity
            .system
            .or_else(|| w.identity.user.first().map(|(p, _)| *p))
        else {
            continue;
        };
        let (dn, sn, wn) = (
            m.scope(d).name.clone(),
            m.scope(st).name.clone(),
            m.scope(ws).name.clone(),
        );
        let mut edge = ActsAs::new(
            ident,
            vec![(
                ws,
                "Microsoft.MachineLearningServices/workspaces/datastores/read".into(),
            )],
            "NET-WS-MSI-PREVIEW",
            format!(
                "{sn} is network-restricted: previewing datastore {dn} in the studio runs as {}",
                m.principal(ident).name
            ),
            // the export that holds the network setting, not where the identity is declared
            net_src.unwrap_or_else(|| w.identity.source.clone()),
        );
        edge.only = Some((
            vec![st, d],
            "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read".into(),
        ));
        edge.data_note = Some((
            "WS-IDENTITY",
            format!(
                "workspace {wn} talks to its storage as its managed identity {}",
                m.principal(ident).name
            ),
        ));
        g.acts_as(edge);
        if !holds(m, g, ident, st, BLOB_READ) {
            let msg = format!("datastore {} is on network-restricted storage {}: studio preview runs as {}, which cannot read blobs there", show(&dn), show(&sn), show(&m.principal(ident).name));
            g.finding(Finding::new(
                "NET-WS-MSI-PREVIEW",
                Severity::Info,
                msg,
                m.scope(d).id.to_string(),
                m.scope(d).sources.first().cloned().unwrap_or_default(),
            ));
        }
    }
}

fn apply_setting(m: &Model, g: &mut AccessGraph) {
    for (d, st, _, _) in restricted(m) {
        let Attrs::Datastore(a) = &m.scope(d).attrs else {
            continue;
        };
        if !matches!(
            a.datastore_type.as_str(),
            "azure_blob" | "azure_data_lake_gen2"
        ) {
            continue;
        }
        let msg = format!("datastore {} is on storage {} with virtual-network settings: the datastore's own setting (serviceDataAccessAuthIdentity, not in the YAML) decides whether previews use the user identity or the workspace identity", show(&m.scope(d).name), show(&m.scope(st).name));
        g.finding(Finding::new(
            "NET-DATASTORE-SETTING",
            Severity::Info,
            msg,
            m.scope(d).id.to_string(),
            a.credential_source.clone(),
        ));
    }
}
