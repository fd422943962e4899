//! RawProject → Model: place Azure ML YAML in its workspace, build the scope tree, merge several
//! descriptions of one resource (a conflict is a finding), then principals and assignments
//! (`build_principals.rs`).

use super::*;
use crate::finding::Severity;
use crate::load::raw::*;
use crate::model::ids::workspace_id;

pub(super) struct Builder {
    pub m: Model,
    pub sub: String,
    pub rg: String,
    pub default_ws: Option<String>,
    /// Workspace YAML folders → workspace scope, for placement.
    pub ws_dirs: Vec<(String, ScopeId)>,
    /// Owner scope → system-assigned identity principal (filled in build_principals).
    pub sai_owner: HashMap<ScopeId, PrincipalId>,
    /// `identity:` blocks by owner scope, attached once principals exist.
    pub identity_specs: HashMap<ScopeId, (IdentitySpec, Source)>,
    /// Managed-identity principals by the lower-cased ARM ID of their owner/resource.
    pub mi_by_resource: HashMap<String, PrincipalId>,
    /// Role and deny assignment scopes as written → scope (each distinct string parsed once).
    pub scope_cache: HashMap<String, ScopeId>,
    /// Resources the exports name, by kind and lower-cased name (`known_names`).
    pub name_index: HashMap<(ResKind, String), Vec<ArmId>>,
}

/// Build the model from what the loader read. Never fails: problems become findings.
pub fn build(mut raw: RawProject) -> Model {
    let mut b = Builder::new(&raw);
    b.m.label = raw.root.display().to_string();
    b.m.tenant = raw.manifests.iter().find_map(|m| m.tenant.clone());
    b.m.files = std::mem::take(&mut raw.files);
    b.m.findings = std::mem::take(&mut raw.findings);
    if let Some(root) = ArmId::parse("/") {
        b.ensure(&root);
    }
    canonical_order(&mut raw);
    b.roles(&raw);
    b.known_names(&raw);
    b.workspaces(&raw);
    b.resources(&raw);
    b.aml_docs(&raw);
    b.principals(&raw);
    b.attach_identities(&raw);
    b.assignments(&raw);
    b.facts(&raw);
    b.denies(&raw);
    let m = b.finish();
    // The raw project holds an owned string per field of every assignment; at tenant scale
    // freeing it takes tens of milliseconds the answer need not wait for, so another thread does
    // it (inline if no thread can be started).
    if raw.assignments.len() >= 10_000 {
        let _ = std::thread::Builder::new().spawn(move || drop(raw));
    }
    m
}

impl Builder {
    fn new(raw: &RawProject) -> Builder {
        let man = raw.manifests.first();
        let sub = man
            .and_then(|m| m.subscription.clone())
            .unwrap_or_else(|| "<subscription>".into());
        let rg = man
            .and_then(|m| m.resource_group.clone())
            .unwrap_or_else(|| "<resource-group>".into());
        Builder {
            m: Model::default(),
            sub,
            rg,
            default_ws: man.and_then(|m| m.workspace.clone()),
            ws_dirs: Vec::new(),
            sai_owner: HashMap::new(),
            identity_specs: HashMap::new(),
            mi_by_resource: HashMap::new(),
            scope_cache: HashMap::new(),
            name_index: HashMap::new(),
        }
    }

    pub fn finding(
        &mut self,
        rule: &str,
        sev: Severity,
        msg: String,
        subject: String,
        src: Source,
    ) {
        self.m
            .findings
            .push(Finding::new(rule, sev, msg, subject, src));
    }

    /// Insert a scope and its ancestors; returns its id.
    pub fn ensure(&mut self, id: &ArmId) -> ScopeId {
        if let Some(s) = self.m.scope_index.get(id.norm()) {
            return *s;
        }
        let parent = id.parent().map(|p| self.ensure(&p));
        let sid = ScopeId(self.m.scopes.len() as u32);
        let kind = id.kind();
        let mut ancestors = vec![sid];
        if let Some(p) = parent {
            ancestors.extend(self.m.scope(p).ancestors.iter().copied());
            self.m.scope_mut(p).children.push(sid);
        }
        let workspace = if kind == ResKind::Workspace {
            Some(sid)
        } else {
            parent.and_then(|p| self.m.scope(p).workspace)
        };
        let name = if kind == ResKind::Root {
            "/".to_string()
        } else {
            id.name().to_string()
        };
        self.m.scopes.push(Scope {
            id: id.clone(),
            kind,
            name,
            parent,
            ancestors,
            children: Vec::new(),
            workspace,
            attrs: Attrs::None,
            sources: Vec::new(),
        });
        self.m.scope_index.insert(id.norm().to_string(), sid);
        sid
    }

    /// Parse and insert, or report a finding naming `what` and return None.
    pub fn ensure_str(&mut self, id: &str, what: &str, src: &Source) -> Option<ScopeId> {
        match ArmId::parse(id) {
            Some(a) => Some(self.ensure(&a)),
            None => {
                self.finding(
                    "MODEL",
                    Severity::Warning,
                    format!(
                        "{what}: expected an ARM ID (/subscriptions/…), found '{}'",
                        crate::text::show(id)
                    ),
                    id.to_string(),
                    src.clone(),
                );
                None
            }
        }
    }

    fn roles(&mut self, raw: &RawProject) {
        let mut roles = role::builtin_catalog();
        for r in &raw.role_defs {
            let def = RoleDef::from_raw(
                r,
                r.role_type
                    .as_deref()
                    .is_some_and(|t| t.eq_ignore_ascii_case("BuiltInRole")),
            );
            match roles.iter_mut().find(|x| x.guid == def.guid) {
                Some(r) => *r = def, // the user's export replaces the bundled definition
                None => roles.push(def),
            }
        }
        for (i, r) in roles.iter().enumerate() {
            self.m.role_by_guid.insert(r.guid.clone(), RoleId(i as u32));
            self.m
                .role_by_name
                .entry(r.name.to_ascii_lowercase())
                .or_insert(RoleId(i as u32));
        }
        self.m.roles = roles;
    }

    fn ws_id_for(&self, name: &str, sub: Option<&str>, rg: Option<&str>) -> String {
        workspace_id(sub.unwrap_or(&self.sub), rg.unwrap_or(&self.rg), name)
    }

    fn workspaces(&mut self, raw: &RawProject) {
        for man in &raw.manifests {
            for w in &man.workspaces {
                let id = self.ws_id_for(
                    &w.name,
                    w.subscription.as_deref(),
                    w.resource_group.as_deref(),
                );
                if let Some(s) = self.ensure_str(&id, "reach.yaml workspace", &w.source) {
                    self.m.scope_mut(s).sources.push(w.source.clone());
                }
            }
        }
        if let Some(ws) = self.default_ws.clone() {
            let id = self.ws_id_for(&ws, None, None);
            let src = raw
                .manifests
                .first()
                .map(|m| m.source.clone())
                .unwrap_or_default();
            if let Some(s) = self.ensure_str(&id, "reach.yaml workspace", &src) {
                self.m.scope_mut(s).sources.push(src);
            }
        }
        for doc in &raw.aml {
            let AmlKind::Workspace(spec) = &doc.kind else {
                continue;
            };
            if spec.update_fragment && doc.name.is_none() {
                continue; // merged into the placed workspace below, in aml_docs
            }
            let name = doc
                .name
                .as_ref()
                .map_or_else(|| file_stem(&doc.source), |n| n.value.clone());
            let listed = raw
                .manifests
                .iter()
                .flat_map(|m| &m.workspaces)
                .find(|w| w.name.eq_ignore_ascii_case(&name));
            let id = doc
                .id
                .clone()
                .or_else(|| spec.id.clone())
                .unwrap_or_else(|| {
                    // the manifest's `workspaces:` list says where a workspace YAML belongs
                    let sub = spec
                        .subscription
                        .as_deref()
                        .or(listed.and_then(|w| w.subscription.as_deref()));
                    let rg = spec
                        .resource_group
                        .as_deref()
                        .or(listed.and_then(|w| w.resource_group.as_deref()));
                    self.ws_id_for(&name, sub, rg)
                });
            let Some(s) = self.ensure_str(&id, "workspace", &doc.source) else {
                continue;
            };
            if doc.id.is_none() {
                // exports name their workspace by ID; only YAML places its folder
                self.ws_dirs.push((doc.dir.clone(), s));
            }
            self.apply_workspace(s, spec, &doc.source);
        }
    }

    /// Every storage account, key vault, registry and Application Insights the exports name by
    /// ARM ID (exported resources, role and deny assignment scopes), by kind and name: a
    /// datastore's `account_name` or a workspace's bare dependency name then links to the
    /// resource the exports hold, wherever it is (these names are globally unique). Scopes are
    /// created later, in their usual order.
    fn known_names(&mut self, raw: &RawProject) {
        let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::new();
        let ids = raw
            .resources
            .iter()
            .map(|r| r.id.as_str())
            .chain(raw.aml.iter().filter_map(|d| d.id.as_deref()))
            .chain(raw.assignments.iter().map(|a| a.scope.as_str()))
            .chain(raw.denies.iter().map(|d| d.scope.as_str()));
        for id in ids {
            if !seen.insert(id) {
                continue;
            }
            let mut cur = ArmId::parse(id);
            while let Some(a) = cur {
                let kind = a.kind();
                if matches!(
                    kind,
                    ResKind::Storage | ResKind::KeyVault | ResKind::Registry | ResKind::AppInsights
                ) {
                    let e = self
                        .name_index
                        .entry((kind, a.name().to_ascii_lowercase()))
                        .or_default();
                    if !e.contains(&a) {
                        e.push(a.clone());
                    }
                }
                cur = a.parent();
            }
        }
        for v in self.name_index.values_mut() {
            v.sort_by(|a, b| a.norm().cmp(b.norm()));
        }
    }

    /// The workspace an object with an ARM ID sits in (`…/workspaces/W/…`).
    pub(super) fn workspace_of_id(&mut self, id: &str) -> Option<ScopeId> {
        let mut a = ArmId::parse(id)?;
        loop {
            if a.kind() == ResKind::Workspace {
                return Some(self.ensure(&a));
            }
            a = a.parent()?;
        }
    }

    /// The workspace an Azure ML YAML in `dir` belongs to: the workspace YAML in the same folder
    /// or the nearest folder above; else the manifest's default; else the only workspace; else a
    /// placeholder `<workspace>`.
    pub fn place(&mut self, dir: &str) -> ScopeId {
        let best = self
            .ws_dirs
            .iter()
            .filter(|(d, _)| d.is_empty() || dir == d || dir.starts_with(&format!("{d}/")))
            .max_by_key(|(d, _)| d.len())
            .map(|(_, s)| *s);
        if let Some(s) = best {
            return s;
        }
        if let Some(ws) = self.default_ws.clone() {
            if let Some(a) = ArmId::parse(&self.ws_id_for(&ws, None, None)) {
                return self.ensure(&a);
            }
        }
        let all: Vec<ScopeId> = self.m.scopes_of_kind(ResKind::Workspace).collect();
        if let [one] = all.as_slice() {
            return *one;
        }
        let id = self.ws_id_for("<workspace>", None, None);
        match ArmId::parse(&id) {
            Some(a) => self.ensure(&a),
            None => ScopeId(0),
        }
    }

    fn resources(&mut self, raw: &RawProject) {
        for r in &raw.resources {
            let Some(s) = self.ensure_str(&r.id, "exported resource", &r.source) else {
                continue;
            };
            self.m.scope_mut(s).sources.push(r.source.clone());
            match &r.props {
                ResourceProps::Storage {
                    allow_shared_key_access,
                    network_default_action,
                    network_bypass,
                    tenant_id,
                    ..
                } => {
                    let st = self.storage_mut(s);
                    if let Some(v) = allow_shared_key_access {
                        st.allow_shared_key = *v;
                        st.shared_key_source = Some(r.source.clone());
                    }
                    st.network_restricted = network_default_action
                        .as_deref()
                        .is_some_and(|a| a.eq_ignore_ascii_case("deny"));
                    if network_default_action.is_some() || network_bypass.is_some() {
                        st.network_source = Some(r.source.clone());
                    }
                    st.bypass_azure_services = network_bypass
                        .as_deref()
                        .is_some_and(|b| b.to_ascii_lowercase().contains("azureservices"));
                    st.tenant_id = tenant_id.clone();
                }
                ResourceProps::KeyVault {
                    rbac_authorization,
                    access_policies,
                } => {
                    let kv = self.keyvault_mut(s);
                    kv.rbac = rbac_authorization.unwrap_or(false);
                    kv.model_source = Some(r.source.clone());
                    for ap in access_policies {
                        kv.access_policies.push(AccessPolicyAttr {
                            principal: None,
                            object_id: ap.object_id.to_ascii_lowercase(),
                            secrets: ap.secrets.iter().map(|x| x.to_ascii_lowercase()).collect(),
                            source: ap.source.clone(),
                        });
                    }
                }
                ResourceProps::Acr {
                    admin_user_enabled,
                    role_assignment_mode,
                } => {
                    let reg = self.registry_mut(s);
                    if let Some(a) = admin_user_enabled {
                        reg.admin_enabled = Some((*a, r.source.clone()));
                    }
                    if role_assignment_mode
                        .as_deref()
                        .is_some_and(|m| m.to_ascii_lowercase().contains("abac"))
                    {
                        reg.abac_mode = Some(r.source.clone());
                    }
                }
                ResourceProps::Identity { .. } | ResourceProps::Other { .. } => {}
            }
        }
    }

    fn aml_docs(&mut self, raw: &RawProject) {
        for doc in &raw.aml {
            let name = doc
                .name
                .as_ref()
                .map_or_else(|| file_stem(&doc.source), |n| n.value.clone());
            let kind_seg = match &doc.kind {
                AmlKind::Workspace(spec) => {
                    if spec.update_fragment && doc.name.is_none() {
                        let ws = self.place(&doc.dir);
                        self.apply_workspace(ws, spec, &doc.source);
                    }
                    continue;
                }
                AmlKind::Compute(_) => "computes",
                AmlKind::OnlineEndpoint(_) => "onlineEndpoints",
                AmlKind::BatchEndpoint(_) => "batchEndpoints",
                AmlKind::OnlineDeployment(_) => "onlineEndpoints",
                AmlKind::BatchDeployment(_) => "batchEndpoints",
                AmlKind::Datastore(_) => "datastores",
                AmlKind::Connection(_) => "connections",
                AmlKind::Job(j) => {
                    let ws = self.doc_workspace(doc);
                    self.m.jobs.push(Job {
                        name,
                        workspace: ws,
                        job_type: j.job_type.clone(),
                        compute: j.compute.as_ref().map(|c| c.value.clone()),
                        identity: j.identity.clone(),
                        misplaced_identity_line: j.misplaced_identity_line,
                        steps: j.steps.clone(),
                        datastores: j.datastores.iter().map(|d| d.value.clone()).collect(),
                        images: j.images.iter().map(|d| d.value.clone()).collect(),
                        source: doc.source.clone(),
                    });
                    continue;
                }
                AmlKind::Environment(e) => {
                    let ws = self.doc_workspace(doc);
                    self.m.environments.push(Environment {
                        name,
                        workspace: ws,
                        image: e.image.as_ref().map(|i| i.value.clone()),
                        built: e.conda_file.is_some() || e.build_path.is_some(),
                        source: doc.source.clone(),
                    });
                    continue;
                }
                _ => continue,
            };
            let ws = self.doc_workspace(doc);
            let ws_id = self.m.scope(ws).id.to_string();
            let id = match &doc.kind {
                _ if doc.id.is_some() => doc.id.clone().unwrap_or_default(),
                AmlKind::OnlineDeployment(d) | AmlKind::BatchDeployment(d) => {
                    let ep = d
                        .endpoint_name
                        .as_ref()
                        .map_or("<endpoint>", |e| e.value.as_str());
                    format!("{ws_id}/{kind_seg}/{}/deployments/{}", seg(ep), seg(&name))
                }
                _ => format!("{ws_id}/{kind_seg}/{}", seg(&name)),
            };
            let Some(s) = self.ensure_str(&id, "Azure ML resource", &doc.source) else {
                continue;
            };
            self.m.scope_mut(s).sources.push(doc.source.clone());
            match &doc.kind {
                AmlKind::Compute(c) => self.apply_compute(s, c, &doc.source),
                AmlKind::OnlineEndpoint(e) => self.apply_endpoint(s, e, &doc.source, false),
                AmlKind::BatchEndpoint(e) => self.apply_endpoint(s, e, &doc.source, true),
                AmlKind::OnlineDeployment(d) | AmlKind::BatchDeployment(d) => {
                    self.apply_deployment(s, d, &doc.source)
                }
                AmlKind::Datastore(d) => self.apply_datastore(s, d, &doc.source, Some(&name)),
                AmlKind::Connection(c) => self.apply_connection(s, c, &doc.source),
                _ => {}
            }
        }
    }

    /// The workspace of an Azure ML object: from its ARM ID when it has one, else by folder.
    fn doc_workspace(&mut self, doc: &AmlDoc) -> ScopeId {
        match doc.id.as_deref().and_then(|i| self.workspace_of_id(i)) {
            Some(w) => w,
            None => self.place(&doc.dir),
        }
    }

    pub fn finish(mut self) -> Model {
        self.m.reindex_assignments();
        for (i, d) in self.m.denies.iter().enumerate() {
            self.m
                .deny_by_scope
                .entry(d.scope)
                .or_default()
                .push(i as u32);
        }
        self.group_closure();
        self.m
            .findings
            .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        self.m.findings.dedup();
        self.m
    }
}

/// Sort what the loader read by what it says, not by which file said it, so a project split
/// across files in any order or folder layout builds the same model.
fn canonical_order(raw: &mut RawProject) {
    // role assignments: by a fixed hash of what they say (a million string sorts would cost
    // more than the rest of the build); equal assignments keep their file order
    raw.assignments.sort_by_cached_key(assignment_key);
    raw.principals.sort_by(|a, b| {
        let k = |p: &RawPrincipal| {
            (
                p.kind,
                p.object_id.as_deref().map(str::to_ascii_lowercase),
                p.resource_id.as_deref().map(str::to_ascii_lowercase),
                p.client_id.as_deref().map(str::to_ascii_lowercase),
                p.upn.clone(),
                p.display_name.clone(),
                p.members.len(),
            )
        };
        k(a).cmp(&k(b))
    });
    raw.resources.sort_by(|a, b| {
        (a.id.to_ascii_lowercase(), &a.name).cmp(&(b.id.to_ascii_lowercase(), &b.name))
    });
    raw.role_defs.sort_by_key(|a| a.id.to_ascii_lowercase());
    raw.denies.sort_by(|a, b| {
        (a.id.to_ascii_lowercase(), &a.scope).cmp(&(b.id.to_ascii_lowercase(), &b.scope))
    });
    raw.facts
        .sort_by(|a, b| (&a.resource, &a.settings).cmp(&(&b.resource, &b.settings)));
    raw.aml.sort_by(|a, b| {
        let k = |d: &AmlDoc| {
            let parent = match &d.kind {
                AmlKind::OnlineDeployment(x) | AmlKind::BatchDeployment(x) => {
                    x.endpoint_name.as_ref().map(|e| e.value.clone())
                }
                _ => None,
            };
            (
                d.id.as_deref().map(str::to_ascii_lowercase),
                d.kind.rank(),
                parent,
                d.name.as_ref().map(|n| n.value.clone()),
                d.dir.clone(),
            )
        };
        k(a).cmp(&k(b))
    });
}

/// A fixed (unkeyed) hash of an assignment's principal, role, scope and condition, case-folded.
fn assignment_key(a: &RawAssignment) -> u64 {
    use std::hash::Hasher;
    let mut h = std::hash::DefaultHasher::new();
    let mut put = |s: Option<&str>| {
        for b in s.unwrap_or_default().trim().bytes() {
            h.write_u8(b.to_ascii_lowercase());
        }
        h.write_u8(0xff);
    };
    put(Some(&a.scope));
    put(a
        .role_definition_id
        .as_deref()
        .map(|r| r.rsplit('/').next().unwrap_or(r)));
    put(a.role_name.as_deref());
    put(Some(&a.principal_id));
    put(a.condition.as_deref());
    h.finish()
}

/// One ARM path segment from a name: slashes would change the tree, so they are replaced.
fn seg(name: &str) -> String {
    let s = name.trim().replace('/', "_");
    if s.is_empty() {
        "<unnamed>".into()
    } else {
        s
    }
}

pub(super) fn file_stem(src: &Source) -> String {
    let f = src.file().unwrap_or("unnamed");
    let base = f.rsplit('/').next().unwrap_or(f);
    base.rsplit_once('.').map_or(base, |(a, _)| a).to_string()
}
