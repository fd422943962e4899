//! The `az role assignment create` command of a fix, runnable as printed: the assignee by object
//! ID with its principal type (what `az` documents for managed identities and service
//! principals, which need no Graph lookup), a user by UPN, and — when no loaded file gives the
//! identity's object ID — a command that prints it, run in place, never an invented assignee.

use crate::model::build_principals::looks_like_guid;
use crate::model::{Model, PrincipalId, PrincipalKind, ResKind};

/// Shell-quote one argument for bash (single quotes; a quote inside is closed and escaped).
fn q(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// `az role assignment create …` giving `role` at `scope` (an ARM ID) to `p`.
pub fn assign_command(m: &Model, p: PrincipalId, role: &str, scope: &str) -> String {
    let tail = format!("--role {} --scope {}", q(role), q(scope));
    let pr = m.principal(p);
    let ptype = match pr.kind {
        PrincipalKind::User => "User",
        PrincipalKind::Group => "Group",
        PrincipalKind::ServicePrincipal | PrincipalKind::ManagedIdentity => "ServicePrincipal",
    };
    // by object ID first: no Graph lookup, and it works for guests and managed identities
    if let Some(oid) = pr.object_id.as_ref().filter(|o| looks_like_guid(o)) {
        return format!(
            "az role assignment create --assignee-object-id {} --assignee-principal-type {ptype} {tail}",
            q(oid)
        );
    }
    if let Some(upn) = pr.upn.as_ref().filter(|_| pr.kind == PrincipalKind::User) {
        return format!("az role assignment create --assignee {} {tail}", q(upn));
    }
    if let Some(cid) = pr
        .client_id
        .as_ref()
        .filter(|c| ptype == "ServicePrincipal" && looks_like_guid(c))
    {
        return format!("az role assignment create --assignee {} {tail}", q(cid));
    }
    match id_lookup(m, p) {
        Some(lookup) => format!(
            "az role assignment create --assignee-object-id \"$({lookup})\" --assignee-principal-type {ptype} {tail}"
        ),
        None => format!(
            "# no object ID of {} is in the loaded files: find it (az ad user|group|sp show), then: az role assignment create --assignee-object-id <object ID> --assignee-principal-type {ptype} {tail}",
            crate::text::show(&pr.name)
        ),
    }
}

/// The `az` command that prints a managed identity's object ID, when its resource is known.
fn id_lookup(m: &Model, p: PrincipalId) -> Option<String> {
    let pr = m.principal(p);
    let s = pr.resource?;
    let sc = m.scope(s);
    if !pr.system_assigned {
        return Some(format!(
            "az identity show --ids {} --query principalId -o tsv",
            q(sc.id.as_str())
        ));
    }
    let ws = sc.workspace.map(|w| m.scope(w));
    let rg = |id: &crate::model::ArmId| {
        let mut a = Some(id.clone());
        while let Some(x) = a {
            if x.kind() == ResKind::ResourceGroup {
                return x.name().to_string();
            }
            a = x.parent();
        }
        String::new()
    };
    let (cmd, name) = match sc.kind {
        ResKind::Workspace => ("az ml workspace show", sc.name.clone()),
        ResKind::Compute => ("az ml compute show", sc.name.clone()),
        ResKind::OnlineEndpoint => ("az ml online-endpoint show", sc.name.clone()),
        ResKind::BatchEndpoint => ("az ml batch-endpoint show", sc.name.clone()),
        _ => {
            return Some(format!(
                "az resource show --ids {} --query identity.principalId -o tsv",
                q(sc.id.as_str())
            ))
        }
    };
    let ws_arg = match (sc.kind, ws) {
        (ResKind::Workspace, _) | (_, None) => String::new(),
        (_, Some(w)) => format!(" -w {}", q(&w.name)),
    };
    Some(format!(
        "{cmd} -n {} -g {}{ws_arg} --query identity.principal_id -o tsv",
        q(&name),
        q(&rg(&sc.id))
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{load_files, Limits};

    fn model(files: &[(&str, &str)]) -> Model {
        let raw = load_files(
            "t",
            files
                .iter()
                .map(|(n, b)| (n.to_string(), b.as_bytes().to_vec()))
                .collect(),
            &Limits::default(),
        );
        crate::model::build(raw)
    }

    const WS: &str = "/subscriptions/s1/resourceGroups/rg-ml/providers/Microsoft.MachineLearningServices/workspaces/ws";

    #[test]
    fn managed_identities_by_object_id_or_by_the_command_that_prints_it() {
        let ep_known = format!(
            r#"{{"id": "{WS}/onlineEndpoints/ep-a", "name": "ep-a", "auth_mode": "key", "identity": {{"principal_id": "6f7a8b9c-0004-4d0e-9f1a-3b4c5d6e7f04", "type": "system_assigned"}}}}"#
        );
        let ep_yaml = "$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineEndpoint.schema.json\nname: ep-b\nauth_mode: key\n";
        let ws = format!(
            r#"{{"id": "{WS}", "name": "ws", "storage_account": "st", "key_vault": "kv"}}"#
        );
        let m = model(&[
            ("ep-a.json", &ep_known),
            ("ws.json", &ws),
            ("ml/ep-b.yml", ep_yaml),
            (
                "reach.yaml",
                "reach: 1\nsubscription: s1\nresource_group: rg-ml\nworkspace: ws\n",
            ),
        ]);
        let a = m.resolve_principal("endpoint:ep-a").unwrap();
        assert_eq!(
            assign_command(&m, a, "AcrPull", "/x"),
            "az role assignment create --assignee-object-id '6f7a8b9c-0004-4d0e-9f1a-3b4c5d6e7f04' --assignee-principal-type ServicePrincipal --role 'AcrPull' --scope '/x'"
        );
        let b = m.resolve_principal("endpoint:ep-b").unwrap();
        assert_eq!(
            assign_command(&m, b, "AcrPull", "/x"),
            "az role assignment create --assignee-object-id \"$(az ml online-endpoint show -n 'ep-b' -g 'rg-ml' -w 'ws' --query identity.principal_id -o tsv)\" --assignee-principal-type ServicePrincipal --role 'AcrPull' --scope '/x'"
        );
        assert!(!assign_command(&m, b, "AcrPull", "/x").contains("endpoint:"));
    }
}
