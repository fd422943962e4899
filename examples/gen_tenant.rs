//! Synthetic tenant generator for scale tests and benchmarks.
//!
//! ```text
//! cargo run --release --example gen_tenant -- [--assignments N] [--seed S] [--out DIR]
//! ```
//!
//! Writes a project folder (default `/tmp/reach-tenant-<N/1000>k`) in the real export shapes:
//! `az role assignment list --all -o json` (one file per subscription), `az role definition list`
//! (the bundled built-in roles plus custom roles), `az ad user list`, Graph
//! `groups?$expand=members` (groups nested 6 deep, some with two parents), `az ad sp list`
//! (applications and managed identities), `az identity list`, `az storage account list`,
//! `az keyvault show`, `az acr show`, `az rest …/denyAssignments`, Azure ML CLI v2 YAML per
//! workspace (workspace, managed online endpoints + deployments, computes, datastores) and a
//! `reach.yaml`. Deterministic from the seed. Also writes `bench-target.txt`: the ARM ID of an
//! `aad_token` endpoint for `who-can … --action score` (not a config file; reach ignores it).
//!
//! Managed identities only hold data-plane roles (blob, key vault secrets, AcrPull, metrics), so no
//! acts-as path reaches `score`; the independent checker (`scripts/check_who_can.py`) relies on
//! that.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::{json, Value};
use std::collections::HashSet;
use std::fmt::Write as _;
use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

const BUILTIN: &str = include_str!("../assets/roles/builtin-roles.json");

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        // splitmix64
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, pct: u64) -> bool {
        self.next() % 100 < pct
    }
    fn guid(&mut self) -> String {
        let a = self.next();
        let b = self.next();
        format!(
            "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0xfff,
            ((b >> 48) & 0x3fff) | 0x8000,
            b & 0xffff_ffff_ffff
        )
    }
    /// Index into `weights` with probability proportional to each weight.
    fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u32 = weights.iter().sum();
        let mut r = (self.next() % u64::from(total)) as u32;
        for (i, w) in weights.iter().enumerate() {
            if r < *w {
                return i;
            }
            r -= w;
        }
        weights.len() - 1
    }
    fn date(&mut self) -> String {
        format!(
            "202{}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}+00:00",
            2 + self.below(4),
            1 + self.below(12),
            1 + self.below(28),
            self.below(24),
            self.below(60),
            self.below(60),
            self.below(1_000_000)
        )
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum PKind {
    User,
    Group,
    App,
    Mi,
}

struct Principal {
    kind: PKind,
    id: String,
    /// What reach calls it: UPN, display name, or the resource name of a UAI.
    name: String,
    /// `principalName` in a role assignment (UPN, group name, appId).
    assignment_name: String,
    app_id: String,
    /// Group level (0 = top); usize::MAX for non-groups.
    level: usize,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum SKind {
    Sub,
    Rg,
    Workspace,
    Endpoint,
    Compute,
    Storage,
    KeyVault,
    Acr,
    Uai,
}

struct Scope {
    id: String,
    sub: usize,
    rg: Option<String>,
}

struct Ws {
    sub: usize,
    rg: String,
    name: String,
    id: String,
    storage: String,
    kv: String,
    acr: String,
    appi: String,
    uai: usize,
    endpoints: Vec<(String, &'static str)>,
    computes: Vec<(String, bool)>,
}

struct Gen {
    r: Rng,
    n: usize,
    tenant: String,
    subs: Vec<(String, String)>,
    principals: Vec<Principal>,
    users: Vec<usize>,
    groups: Vec<usize>,
    apps: Vec<usize>,
    mis: Vec<usize>,
    /// Group index → direct members (principal indexes).
    members: Vec<Vec<usize>>,
    scopes: Vec<Scope>,
    by_kind: std::collections::HashMap<(usize, SKind), Vec<usize>>,
    workspaces: Vec<Ws>,
    sps_extra: Vec<Value>,
    identities: Vec<Value>,
}

/// Role names used (name, guid); guids of built-ins are Azure's, custom ones are generated.
struct Roles {
    custom: Vec<(String, String, Value)>,
}

fn builtin_guid(name: &str) -> String {
    let v: Vec<Value> = serde_json::from_str(BUILTIN).unwrap();
    for r in v {
        if r["roleName"] == name {
            return r["name"].as_str().unwrap().to_string();
        }
    }
    panic!("no built-in role {name}")
}

fn main() {
    let mut n = 100_000usize;
    let mut seed = 42u64;
    let mut out: Option<PathBuf> = None;
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < args.len() {
        let val = args.get(i + 1).cloned().unwrap_or_default();
        match args[i].as_str() {
            "--assignments" | "-n" => n = val.replace('_', "").parse().expect("--assignments N"),
            "--seed" => seed = val.parse().expect("--seed S"),
            "--out" | "-o" => out = Some(PathBuf::from(val)),
            "-h" | "--help" => {
                eprintln!("gen_tenant [--assignments N] [--seed S] [--out DIR]");
                return;
            }
            other => panic!("unknown argument {other}"),
        }
        i += 2;
    }
    let out = out.unwrap_or_else(|| PathBuf::from(format!("/tmp/reach-tenant-{}k", n / 1000)));
    let t0 = std::time::Instant::now();
    if out.exists() {
        fs::remove_dir_all(&out).expect("clear output folder");
    }
    fs::create_dir_all(&out).unwrap();
    let target = generate(n, seed, &out);
    eprintln!(
        "gen_tenant: {n} assignments (seed {seed}) in {} ({:.1}s); target endpoint: {target}",
        out.display(),
        t0.elapsed().as_secs_f64()
    );
}

/// Generate the tenant into `out` (which must exist); returns the target endpoint ARM ID.
pub fn generate(n: usize, seed: u64, out: &Path) -> String {
    let mut g = Gen {
        r: Rng(seed),
        n,
        tenant: String::new(),
        subs: Vec::new(),
        principals: Vec::new(),
        users: Vec::new(),
        groups: Vec::new(),
        apps: Vec::new(),
        mis: Vec::new(),
        members: Vec::new(),
        scopes: Vec::new(),
        by_kind: Default::default(),
        workspaces: Vec::new(),
        sps_extra: Vec::new(),
        identities: Vec::new(),
    };
    g.tenant = g.r.guid();
    let roles = g.roles();
    g.directory();
    g.resources();
    let target = g.write_azureml(out);
    g.write_directory(out);
    g.write_resources(out);
    g.write_roles(out, &roles);
    g.write_assignments(out, &roles);
    g.write_denies(out);
    let (sub, rg) = (&g.subs[0].0, g.workspaces[0].rg.clone());
    write(
        &out.join("reach.yaml"),
        format!(
            "# Synthetic tenant for reach scale tests (examples/gen_tenant.rs, {n} assignments).\nreach: 1\ntenant: {}\nsubscription: {sub}\nresource_group: {rg}\n",
            g.tenant
        ),
    );
    write(&out.join("bench-target.txt"), format!("{target}\n"));
    target
}

fn write(p: &Path, s: String) {
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, s).unwrap();
}

fn write_json(p: &Path, v: &Value) {
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    let f = BufWriter::new(fs::File::create(p).unwrap());
    let mut f = f;
    serde_json::to_writer_pretty(&mut f, v).unwrap();
    f.write_all(b"\n").unwrap();
}

impl Gen {
    fn roles(&mut self) -> Roles {
        let ml = "Microsoft.MachineLearningServices/workspaces";
        let defs = [
            (
                "Endpoint Scorer",
                "Call (score) Azure ML online endpoints that use Microsoft Entra token authentication.",
                vec![format!("{ml}/onlineEndpoints/score/action")],
                vec![],
            ),
            (
                "ML Endpoint Operator",
                "Operate online endpoints and deployments in Azure ML workspaces, without access to endpoint keys.",
                vec![format!("{ml}/onlineEndpoints/*"), format!("{ml}/read")],
                vec![
                    format!("{ml}/onlineEndpoints/listKeys/action"),
                    format!("{ml}/onlineEndpoints/regenerateKeys/action"),
                ],
            ),
            (
                "ML Workspace Auditor",
                "Read everything in Azure ML workspaces, including endpoints, without write access.",
                vec![format!("{ml}/*/read"), format!("{ml}/read")],
                vec![],
            ),
            (
                "ML Scoring Admin",
                "Manage online endpoints, except scoring them directly.",
                vec![format!("{ml}/onlineEndpoints/*")],
                vec![format!("{ml}/onlineEndpoints/score/action")],
            ),
        ];
        let mut custom = Vec::new();
        let sub0 = "00000000-0000-0000-0000-000000000000".to_string();
        for (name, desc, actions, not_actions) in defs {
            let guid = self.r.guid();
            let v = json!({
                "assignableScopes": ["/"],
                "createdBy": self.r.guid(),
                "createdOn": self.r.date(),
                "description": desc,
                "id": format!("/subscriptions/{sub0}/providers/Microsoft.Authorization/roleDefinitions/{guid}"),
                "name": guid,
                "permissions": [{
                    "actions": actions,
                    "condition": null,
                    "conditionVersion": null,
                    "dataActions": [],
                    "notActions": not_actions,
                    "notDataActions": []
                }],
                "roleName": name,
                "roleType": "CustomRole",
                "type": "Microsoft.Authorization/roleDefinitions",
                "updatedBy": null,
                "updatedOn": null
            });
            custom.push((name.to_string(), guid, v));
        }
        Roles { custom }
    }

    fn add(&mut self, kind: PKind, name: String, assignment_name: Option<String>) -> usize {
        let id = self.r.guid();
        let app_id = self.r.guid();
        let i = self.principals.len();
        self.principals.push(Principal {
            kind,
            assignment_name: assignment_name.unwrap_or_else(|| name.clone()),
            id,
            name,
            app_id,
            level: usize::MAX,
        });
        match kind {
            PKind::User => self.users.push(i),
            PKind::Group => self.groups.push(i),
            PKind::App => self.apps.push(i),
            PKind::Mi => self.mis.push(i),
        }
        i
    }

    /// Users, groups nested 6 deep (a forest of 3-ary trees, 10% with a second parent), apps.
    fn directory(&mut self) {
        let n_users = (self.n / 10).clamp(1_000, 30_000);
        let n_groups = (n_users / 10).max(60);
        let n_apps = (n_users / 20).max(20);
        for i in 0..n_users {
            self.add(PKind::User, format!("user{i:05}@contoso.com"), None);
        }
        // levels: roots, then each group's parent is a group of the level above
        let roots = (n_groups / 364).max(2); // 3-ary tree of depth 6 holds 364 groups per root
        let mut levels: Vec<Vec<usize>> = vec![Vec::new()];
        for gi in 0..n_groups {
            let level = if gi < roots {
                0
            } else {
                // fill level by level: level k holds roots * 3^k groups
                let mut k = 0;
                let mut start = 0;
                let mut size = roots;
                while gi >= start + size && k < 6 {
                    start += size;
                    size *= 3;
                    k += 1;
                }
                k
            };
            while levels.len() <= level {
                levels.push(Vec::new());
            }
            let name = format!("grp-l{level}-{gi:04}");
            let p = self.add(PKind::Group, name, None);
            self.principals[p].level = level;
            levels[level].push(p);
        }
        self.members = vec![Vec::new(); self.principals.len() + 1];
        for level in 1..levels.len() {
            for ci in 0..levels[level].len() {
                let child = levels[level][ci];
                let above = &levels[level - 1];
                let parent = above[ci / 3 % above.len()];
                self.members[parent].push(child);
                if self.r.chance(10) && above.len() > 1 {
                    let other = above[self.r.below(above.len())];
                    if other != parent {
                        self.members[other].push(child);
                    }
                }
            }
        }
        // users: members of one group in the lower half of the levels, 30% of a second
        let deep: Vec<usize> = levels
            .iter()
            .skip(levels.len() / 2)
            .flatten()
            .copied()
            .collect();
        for ui in 0..self.users.len() {
            let u = self.users[ui];
            let g = deep[self.r.below(deep.len())];
            self.members[g].push(u);
            if self.r.chance(30) {
                let g2 = self.groups[self.r.below(self.groups.len())];
                if g2 != g {
                    self.members[g2].push(u);
                }
            }
        }
        for i in 0..n_apps {
            let name = format!("app-{i:04}");
            let p = self.add(PKind::App, name, None);
            let aid = self.principals[p].app_id.clone();
            self.principals[p].assignment_name = aid;
            if self.r.chance(10) {
                let g = deep[self.r.below(deep.len())];
                self.members[g].push(p);
            }
        }
        self.members.resize(self.principals.len(), Vec::new());
    }

    fn scope(&mut self, kind: SKind, id: String, sub: usize, rg: Option<String>) -> usize {
        let i = self.scopes.len();
        self.scopes.push(Scope { id, sub, rg });
        self.by_kind.entry((sub, kind)).or_default().push(i);
        i
    }

    /// Subscriptions, resource groups, ML workspaces with their dependencies, UAIs, SAIs.
    fn resources(&mut self) {
        let n_subs = (self.n / 10_000).clamp(2, 40);
        let rgs_per_sub = 8;
        for s in 0..n_subs {
            let id = self.r.guid();
            self.subs.push((id.clone(), format!("ml-sub-{s:02}")));
            self.scope(SKind::Sub, format!("/subscriptions/{id}"), s, None);
            for r in 0..rgs_per_sub {
                let rg = format!("rg-ml-{s:02}-{r}");
                let rg_id = format!("/subscriptions/{id}/resourceGroups/{rg}");
                self.scope(SKind::Rg, rg_id.clone(), s, Some(rg.clone()));
                let tag = format!("s{s:02}r{r}");
                let p = |ty: &str, name: &str| format!("{rg_id}/providers/{ty}/{name}");
                let storage = p("Microsoft.Storage/storageAccounts", &format!("st{tag}"));
                let kv = p("Microsoft.KeyVault/vaults", &format!("kv-{tag}"));
                let acr = p(
                    "Microsoft.ContainerRegistry/registries",
                    &format!("acr{tag}"),
                );
                let appi = p("Microsoft.Insights/components", &format!("appi-{tag}"));
                self.scope(SKind::Storage, storage.clone(), s, Some(rg.clone()));
                self.scope(SKind::KeyVault, kv.clone(), s, Some(rg.clone()));
                self.scope(SKind::Acr, acr.clone(), s, Some(rg.clone()));
                let mut uai_first = 0;
                for u in 0..2 {
                    let name = format!("uai-{tag}-{u}");
                    let uid = p("Microsoft.ManagedIdentity/userAssignedIdentities", &name);
                    self.scope(SKind::Uai, uid.clone(), s, Some(rg.clone()));
                    let pi = self.add(PKind::Mi, name.clone(), None);
                    let (oid, cid) = (
                        self.principals[pi].id.clone(),
                        self.principals[pi].app_id.clone(),
                    );
                    self.principals[pi].assignment_name = cid.clone();
                    if u == 0 {
                        uai_first = pi;
                    }
                    self.identities.push(json!({
                        "clientId": cid, "id": uid, "location": "westeurope", "name": name,
                        "principalId": oid, "resourceGroup": rg, "systemData": null,
                        "tags": {}, "tenantId": self.tenant,
                        "type": "Microsoft.ManagedIdentity/userAssignedIdentities"
                    }));
                    self.sps_extra.push(self.mi_sp(pi, &name, true, &uid));
                }
                let ws_name = format!("mlw-{tag}");
                let ws_id = p("Microsoft.MachineLearningServices/workspaces", &ws_name);
                self.scope(SKind::Workspace, ws_id.clone(), s, Some(rg.clone()));
                let wpi = self.add(PKind::Mi, format!("workspace:{ws_name}"), None);
                self.sps_extra
                    .push(self.mi_sp(wpi, &ws_name, false, &ws_id));
                let mut endpoints = Vec::new();
                for e in 0..4 {
                    let name = format!("ep-{tag}-{e}");
                    let mode = if e == 3 { "key" } else { "aad_token" };
                    let eid = format!("{ws_id}/onlineEndpoints/{name}");
                    self.scope(SKind::Endpoint, eid.clone(), s, Some(rg.clone()));
                    let pi = self.add(PKind::Mi, format!("endpoint:{name}"), None);
                    self.sps_extra.push(self.mi_sp(pi, &name, false, &eid));
                    endpoints.push((name, mode));
                }
                let mut computes = Vec::new();
                for (c, sai) in [(format!("cpu-{tag}"), true), (format!("gpu-{tag}"), false)] {
                    let cid = format!("{ws_id}/computes/{c}");
                    self.scope(SKind::Compute, cid.clone(), s, Some(rg.clone()));
                    if sai {
                        let pi = self.add(PKind::Mi, format!("compute:{c}"), None);
                        self.sps_extra.push(self.mi_sp(
                            pi,
                            &format!("{ws_name}/computes/{c}"),
                            false,
                            &cid,
                        ));
                    }
                    computes.push((c, sai));
                }
                self.workspaces.push(Ws {
                    sub: s,
                    rg: rg.clone(),
                    name: ws_name,
                    id: ws_id,
                    storage,
                    kv,
                    acr,
                    appi,
                    uai: uai_first,
                    endpoints,
                    computes,
                });
            }
        }
    }

    /// `az ad sp list` entry of a managed identity.
    fn mi_sp(&self, p: usize, display: &str, explicit: bool, owner: &str) -> Value {
        let pr = &self.principals[p];
        json!({
            "id": pr.id, "accountEnabled": true,
            "alternativeNames": [format!("isExplicit={}", if explicit { "True" } else { "False" }), owner],
            "appDisplayName": null, "appId": pr.app_id, "appOwnerOrganizationId": null,
            "appRoleAssignmentRequired": false, "displayName": display,
            "keyCredentials": [], "passwordCredentials": [],
            "servicePrincipalNames": [pr.app_id, format!("https://identity.azure.net/{}", &pr.id[..8])],
            "servicePrincipalType": "ManagedIdentity", "signInAudience": null, "tags": []
        })
    }

    fn write_azureml(&mut self, out: &Path) -> String {
        let schema = "https://azuremlschemas.azureedge.net/latest";
        let mut target = String::new();
        for w in &self.workspaces {
            let (sub_id, sub_name) = &self.subs[w.sub];
            let dir = out.join("azureml").join(sub_name).join(&w.rg).join(&w.name);
            write(
                &dir.join("workspace.yml"),
                format!(
                    "$schema: {schema}/workspace.schema.json\n# az ml workspace show -o yaml, with the $schema line added\nid: {}\nname: {}\nresource_group: {}\nlocation: westeurope\ndisplay_name: {}\nstorage_account: {}\nkey_vault: {}\ncontainer_registry: {}\napplication_insights: {}\nidentity:\n  type: system_assigned\npublic_network_access: Enabled\nsystem_datastores_auth_mode: identity\ntags:\n  subscription: {sub_name}\n  subscription_id: {sub_id}\n",
                    w.id, w.name, w.rg, w.name, w.storage, w.kv, w.acr, w.appi
                ),
            );
            for (name, mode) in &w.endpoints {
                if target.is_empty() && *mode == "aad_token" {
                    target = format!("{}/onlineEndpoints/{name}", w.id);
                }
                let ed = dir.join("endpoints").join(name);
                write(
                    &ed.join("endpoint.yml"),
                    format!("$schema: {schema}/managedOnlineEndpoint.schema.json\nname: {name}\ndescription: Scoring endpoint {name}\nauth_mode: {mode}\n"),
                );
                write(
                    &ed.join("deployment.yml"),
                    format!("$schema: {schema}/managedOnlineDeployment.schema.json\nname: blue\nendpoint_name: {name}\nmodel: azureml:model-{name}:1\nenvironment:\n  image: mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04:latest\ninstance_type: Standard_DS3_v2\ninstance_count: 1\n"),
                );
            }
            for (c, sai) in &w.computes {
                let identity = if *sai {
                    "identity:\n  type: system_assigned\n".to_string()
                } else {
                    let uai = &self.principals[w.uai].name;
                    let rg_id = format!("/subscriptions/{sub_id}/resourceGroups/{}", w.rg);
                    format!("identity:\n  type: user_assigned\n  user_assigned_identities:\n    - resource_id: {rg_id}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{uai}\n")
                };
                write(
                    &dir.join("compute").join(format!("{c}.yml")),
                    format!("$schema: {schema}/amlCompute.schema.json\nname: {c}\ntype: amlcompute\nsize: STANDARD_DS3_v2\nmin_instances: 0\nmax_instances: 4\n{identity}"),
                );
            }
            let account = w.storage.rsplit('/').next().unwrap();
            for (ds, container) in [
                ("workspaceblobstore", "azureml-blobstore"),
                ("ds-curated", "curated"),
            ] {
                write(
                    &dir.join("datastores").join(format!("{ds}.yml")),
                    format!("$schema: {schema}/azureBlob.schema.json\nname: {ds}\ntype: azure_blob\ndescription: Identity-based datastore (no stored credentials).\naccount_name: {account}\ncontainer_name: {container}\n"),
                );
            }
        }
        target
    }

    fn write_directory(&mut self, out: &Path) {
        let users: Vec<Value> = self
            .users
            .iter()
            .map(|&u| {
                let p = &self.principals[u];
                let n = &p.name[4..9];
                json!({
                    "businessPhones": [], "displayName": format!("User {n}"), "givenName": "User",
                    "id": p.id, "jobTitle": "Engineer", "mail": p.name, "mobilePhone": null,
                    "officeLocation": null, "preferredLanguage": "en-US", "surname": n,
                    "userPrincipalName": p.name
                })
            })
            .collect();
        write_json(&out.join("azure/users.json"), &Value::Array(users));
        let member = |p: &Principal| -> Value {
            match p.kind {
                PKind::User => json!({"@odata.type": "#microsoft.graph.user", "id": p.id,
                    "displayName": format!("User {}", &p.name[4..9]), "userPrincipalName": p.name}),
                PKind::Group => json!({"@odata.type": "#microsoft.graph.group", "id": p.id,
                    "displayName": p.name}),
                _ => json!({"@odata.type": "#microsoft.graph.servicePrincipal", "id": p.id,
                    "displayName": p.name, "appId": p.app_id}),
            }
        };
        let mut groups = Vec::new();
        for &g in &self.groups {
            let p = &self.principals[g];
            let members: Vec<Value> = self.members[g]
                .iter()
                .map(|&m| member(&self.principals[m]))
                .collect();
            groups.push(json!({
                "id": p.id, "createdDateTime": "2024-03-04T09:12:44Z",
                "description": format!("Team group {} (level {})", p.name, p.level),
                "displayName": p.name, "groupTypes": [], "mailEnabled": false,
                "mailNickname": p.name, "securityEnabled": true, "members": members
            }));
        }
        write_json(
            &out.join("azure/groups.json"),
            &json!({"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#groups(members())", "value": groups}),
        );
        let mut sps: Vec<Value> = self
            .apps
            .iter()
            .map(|&a| {
                let p = &self.principals[a];
                json!({
                    "id": p.id, "accountEnabled": true, "alternativeNames": [],
                    "appDisplayName": p.name, "appId": p.app_id,
                    "appOwnerOrganizationId": self.tenant, "appRoleAssignmentRequired": false,
                    "displayName": p.name, "keyCredentials": [], "passwordCredentials": [],
                    "servicePrincipalNames": [p.app_id], "servicePrincipalType": "Application",
                    "signInAudience": "AzureADMyOrg", "tags": ["WindowsAzureActiveDirectoryIntegratedApp"]
                })
            })
            .collect();
        sps.append(&mut self.sps_extra);
        write_json(
            &out.join("azure/service-principals.json"),
            &Value::Array(sps),
        );
        write_json(
            &out.join("azure/identities.json"),
            &Value::Array(std::mem::take(&mut self.identities)),
        );
    }

    fn write_resources(&mut self, out: &Path) {
        let (mut st, mut kv, mut acr) = (Vec::new(), Vec::new(), Vec::new());
        for w in &self.workspaces {
            let shared = self.r.chance(50);
            let name = |id: &str| id.rsplit('/').next().unwrap().to_string();
            st.push(json!({
                "accessTier": "Hot", "allowBlobPublicAccess": false, "allowSharedKeyAccess": shared,
                "id": w.storage, "isHnsEnabled": false, "kind": "StorageV2", "location": "westeurope",
                "minimumTlsVersion": "TLS1_2", "name": name(&w.storage),
                "networkRuleSet": {"bypass": "AzureServices", "defaultAction": "Allow", "ipRules": [], "virtualNetworkRules": []},
                "primaryEndpoints": {"blob": format!("https://{}.blob.core.windows.net/", name(&w.storage))},
                "resourceGroup": w.rg, "tenantId": null, "type": "Microsoft.Storage/storageAccounts"
            }));
            kv.push(json!({
                "id": w.kv, "location": "westeurope", "name": name(&w.kv),
                "properties": {
                    "accessPolicies": [], "enablePurgeProtection": true, "enableRbacAuthorization": true,
                    "enableSoftDelete": true, "provisioningState": "Succeeded",
                    "tenantId": self.tenant, "vaultUri": format!("https://{}.vault.azure.net/", name(&w.kv))
                },
                "resourceGroup": w.rg, "tags": {}, "type": "Microsoft.KeyVault/vaults"
            }));
            acr.push(json!({
                "adminUserEnabled": false, "id": w.acr, "location": "westeurope",
                "loginServer": format!("{}.azurecr.io", name(&w.acr)), "name": name(&w.acr),
                "resourceGroup": w.rg, "sku": {"name": "Premium", "tier": "Premium"},
                "type": "Microsoft.ContainerRegistry/registries"
            }));
        }
        write_json(&out.join("azure/storage-accounts.json"), &Value::Array(st));
        write_json(&out.join("azure/keyvaults.json"), &Value::Array(kv));
        write_json(&out.join("azure/registries.json"), &Value::Array(acr));
    }

    fn write_roles(&mut self, out: &Path, roles: &Roles) {
        let mut all: Vec<Value> = serde_json::from_str(BUILTIN).unwrap();
        all.extend(roles.custom.iter().map(|(_, _, v)| v.clone()));
        write_json(&out.join("azure/role-definitions.json"), &Value::Array(all));
    }

    fn write_denies(&mut self, out: &Path) {
        let mut v = Vec::new();
        for w in self.workspaces.iter().step_by(4) {
            let guid = self.r.guid();
            let admin = &self.principals[self.users[self.r.below(self.users.len())]];
            v.push(json!({
                "properties": {
                    "denyAssignmentName": format!("Protect {} (managed by platform)", w.kv.rsplit('/').next().unwrap()),
                    "description": "Only the platform administrator may delete the workspace key vault.",
                    "permissions": [{"actions": ["Microsoft.KeyVault/vaults/delete"], "notActions": [], "dataActions": [], "notDataActions": []}],
                    "scope": w.kv, "doNotApplyToChildScopes": false,
                    "principals": [{"id": "00000000-0000-0000-0000-000000000000", "type": "SystemDefined"}],
                    "excludePrincipals": [{"id": admin.id, "type": "User"}],
                    "isSystemProtected": true
                },
                "id": format!("{}/providers/Microsoft.Authorization/denyAssignments/{guid}", w.kv),
                "type": "Microsoft.Authorization/denyAssignments", "name": guid
            }));
        }
        write_json(
            &out.join("azure/deny-assignments.json"),
            &json!({ "value": v }),
        );
    }

    /// Role choice per scope kind: (role name, weight).
    fn role_table(kind: SKind) -> &'static [(&'static str, u32)] {
        match kind {
            SKind::Sub | SKind::Rg => &[
                ("Reader", 40),
                ("Contributor", 12),
                ("Owner", 3),
                ("AzureML Data Scientist", 15),
                ("ML Endpoint Operator", 6),
                ("Endpoint Scorer", 4),
                ("ML Workspace Auditor", 4),
                ("Storage Blob Data Reader", 5),
                ("Key Vault Secrets User", 5),
                ("User Access Administrator", 2),
                ("AzureML Compute Operator", 4),
            ],
            SKind::Workspace => &[
                ("Reader", 25),
                ("Contributor", 8),
                ("AzureML Data Scientist", 30),
                ("ML Endpoint Operator", 8),
                ("Endpoint Scorer", 10),
                ("AzureML Compute Operator", 8),
                ("Owner", 2),
                (
                    "Azure Machine Learning Workspace Connection Secrets Reader",
                    3,
                ),
                ("ML Workspace Auditor", 3),
                ("ML Scoring Admin", 3),
            ],
            SKind::Endpoint => &[
                ("Endpoint Scorer", 45),
                ("AzureML Data Scientist", 15),
                ("Reader", 20),
                ("Contributor", 5),
                ("ML Endpoint Operator", 5),
                ("ML Scoring Admin", 10),
            ],
            SKind::Compute => &[("AzureML Compute Operator", 60), ("Reader", 40)],
            SKind::Storage => &[
                ("Storage Blob Data Reader", 40),
                ("Storage Blob Data Contributor", 30),
                ("Storage Blob Data Owner", 5),
                ("Reader", 15),
                ("Storage Account Contributor", 10),
            ],
            SKind::KeyVault => &[
                ("Key Vault Secrets User", 50),
                ("Reader", 25),
                ("Key Vault Secrets Officer", 15),
                ("Key Vault Administrator", 10),
            ],
            SKind::Acr => &[("AcrPull", 60), ("AcrPush", 30), ("Reader", 10)],
            SKind::Uai => &[("Managed Identity Operator", 70), ("Reader", 30)],
        }
    }

    fn write_assignments(&mut self, out: &Path, roles: &Roles) {
        let guid_of = |name: &str| -> String {
            roles
                .custom
                .iter()
                .find(|(n, _, _)| n == name)
                .map(|(_, g, _)| g.clone())
                .unwrap_or_else(|| builtin_guid(name))
        };
        let mut role_guid: std::collections::HashMap<&str, String> = Default::default();
        for kind in [
            SKind::Sub,
            SKind::Workspace,
            SKind::Endpoint,
            SKind::Compute,
            SKind::Storage,
            SKind::KeyVault,
            SKind::Acr,
            SKind::Uai,
        ] {
            for (r, _) in Self::role_table(kind) {
                role_guid.entry(r).or_insert_with(|| guid_of(r));
            }
        }
        let mi_roles: &[(SKind, &str)] = &[
            (SKind::Storage, "Storage Blob Data Reader"),
            (SKind::Storage, "Storage Blob Data Contributor"),
            (SKind::KeyVault, "Key Vault Secrets User"),
            (SKind::Acr, "AcrPull"),
            (SKind::Workspace, "AzureML Metrics Writer (preview)"),
        ];
        for (_, r) in mi_roles {
            role_guid.entry(r).or_insert_with(|| guid_of(r));
        }
        let kinds = [
            SKind::Sub,
            SKind::Rg,
            SKind::Workspace,
            SKind::Endpoint,
            SKind::Compute,
            SKind::Storage,
            SKind::KeyVault,
            SKind::Acr,
            SKind::Uai,
        ];
        let kind_w = [2u32, 18, 25, 15, 5, 13, 10, 7, 5];
        let n_subs = self.subs.len();
        let mut seen: HashSet<(usize, &str, usize)> = HashSet::new();
        let mut per_sub: Vec<String> = vec![String::from("[\n"); n_subs];
        let mut counts = vec![0usize; n_subs];
        let mut made = 0;
        while made < self.n {
            let sub = made % n_subs;
            let pk = self.r.weighted(&[45, 35, 15, 5]);
            let (p, scope_kind, role): (usize, SKind, &str) = if pk == 3 {
                let (k, role) = mi_roles[self.r.below(mi_roles.len())];
                (self.mis[self.r.below(self.mis.len())], k, role)
            } else {
                let p = match pk {
                    0 => self.users[self.r.below(self.users.len())],
                    1 => self.groups[self.r.below(self.groups.len())],
                    _ => self.apps[self.r.below(self.apps.len())],
                };
                let k = kinds[self.r.weighted(&kind_w)];
                let table = Self::role_table(k);
                let weights: Vec<u32> = table.iter().map(|(_, w)| *w).collect();
                let mut role = table[self.r.weighted(&weights)].0;
                if self.principals[p].level <= 1 {
                    role = "Reader"; // the big top-level groups only read
                }
                (p, k, role)
            };
            let pool = &self.by_kind[&(sub, scope_kind)];
            let s = pool[self.r.below(pool.len())];
            if !seen.insert((p, role, s)) {
                continue;
            }
            made += 1;
            let sc = &self.scopes[s];
            let pr = &self.principals[p];
            let (sub_id, _) = &self.subs[sc.sub];
            let name = self.r.guid();
            let mut v = json!({
                "condition": null, "conditionVersion": null,
                "createdBy": self.r.guid(), "createdOn": self.r.date(),
                "delegatedManagedIdentityResourceId": null, "description": null,
                "id": format!("{}/providers/Microsoft.Authorization/roleAssignments/{name}", sc.id),
                "name": name, "principalId": pr.id, "principalName": pr.assignment_name,
                "principalType": match pr.kind { PKind::User => "User", PKind::Group => "Group", _ => "ServicePrincipal" },
                "roleDefinitionId": format!("/subscriptions/{sub_id}/providers/Microsoft.Authorization/roleDefinitions/{}", role_guid[role]),
                "roleDefinitionName": role, "scope": sc.id,
                "type": "Microsoft.Authorization/roleAssignments",
                "updatedBy": self.r.guid(), "updatedOn": self.r.date()
            });
            if let Some(rg) = &sc.rg {
                v["resourceGroup"] = json!(rg);
            }
            if role.starts_with("Storage Blob Data") && self.r.chance(3) {
                v["condition"] = json!("((!(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read'})) OR (@Resource[Microsoft.Storage/storageAccounts/blobServices/containers:name] StringEquals 'curated'))");
                v["conditionVersion"] = json!("2.0");
            }
            let text = serde_json::to_string_pretty(&v).unwrap();
            let buf = &mut per_sub[sc.sub];
            if counts[sc.sub] > 0 {
                buf.push_str(",\n");
            }
            counts[sc.sub] += 1;
            for line in text.lines() {
                let _ = writeln!(buf, "  {line}");
            }
            buf.pop();
        }
        for (i, mut buf) in per_sub.into_iter().enumerate() {
            buf.push_str("\n]\n");
            let (_, name) = &self.subs[i];
            write(
                &out.join("azure/role-assignments")
                    .join(format!("{name}.json")),
                buf,
            );
        }
    }
}
