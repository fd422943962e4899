//! Merging one file's description of a resource into its scope. The first value wins; a
//! different value from another file is a `MODEL` conflict finding naming both places.

use super::build::Builder;
use super::*;
use crate::finding::Severity;
use crate::load::raw::*;
use crate::source::Located;
use crate::text::show;

/// Put `new` into `slot`; returns a conflict description when `slot` already held another value.
fn merge<T: PartialEq + Clone + std::fmt::Debug>(
    slot: &mut Option<(T, Source)>,
    new: T,
    src: &Source,
) -> Option<String> {
    match slot {
        None => {
            *slot = Some((new, src.clone()));
            None
        }
        Some((old, old_src)) if *old != new => {
            Some(format!("{old:?} in {old_src}, but {new:?} in {src}"))
        }
        Some(_) => None,
    }
}

macro_rules! attrs_mut {
    ($fn:ident, $variant:ident, $ty:ty) => {
        pub(super) fn $fn(&mut self, s: ScopeId) -> &mut $ty {
            let sc = self.m.scope_mut(s);
            if !matches!(sc.attrs, Attrs::$variant(_)) {
                sc.attrs = Attrs::$variant(Box::default());
            }
            match &mut sc.attrs {
                Attrs::$variant(a) => a,
                // just set above
                _ => unreachable!(),
            }
        }
    };
}

impl Builder {
    attrs_mut!(workspace_mut, Workspace, WorkspaceAttrs);
    attrs_mut!(compute_mut, Compute, ComputeAttrs);
    attrs_mut!(endpoint_mut, Endpoint, EndpointAttrs);
    attrs_mut!(deployment_mut, Deployment, DeploymentAttrs);
    attrs_mut!(storage_mut, Storage, StorageAttrs);
    attrs_mut!(keyvault_mut, KeyVault, KeyVaultAttrs);
    attrs_mut!(registry_mut, Registry, RegistryAttrs);
    attrs_mut!(connection_mut, Connection, ConnectionAttrs);

    fn conflict(&mut self, s: ScopeId, what: &str, detail: Option<String>) {
        if let Some(d) = detail {
            let sc = self.m.scope(s);
            let src = sc.sources.last().cloned().unwrap_or_default();
            let msg = format!(
                "{} {}: conflicting {what}: {}",
                sc.kind.word(),
                show(&sc.name),
                show(&d)
            );
            let subject = sc.id.to_string();
            self.finding("MODEL", Severity::Warning, msg, subject, src);
        }
    }

    /// A linked resource written as an ARM ID, or as a bare name (placed in the workspace's
    /// resource group under `provider_type`).
    fn link(
        &mut self,
        ws: ScopeId,
        value: &Located<String>,
        provider_type: &str,
        src: &Source,
    ) -> Option<(ScopeId, Source)> {
        let v = value.value.trim();
        let line_src = match src {
            Source::Line { file, .. } if value.line > 0 => Source::line(file, value.line),
            other => other.clone(),
        };
        if v.is_empty() {
            return None;
        }
        let id = if v.starts_with('/') {
            v.to_string()
        } else {
            let rg = self
                .m
                .scope(ws)
                .parent
                .map(|p| self.m.scope(p).id.to_string())
                .unwrap_or_default();
            self.known_by_name(provider_type, v, &rg, &line_src)
                .unwrap_or_else(|| {
                    format!("{rg}/providers/{provider_type}/{}", v.replace('/', "_"))
                })
        };
        let s = self.ensure_str(&id, "workspace link", &line_src)?;
        Some((s, line_src))
    }

    /// The resource of this type and (globally unique) name that the exports hold: the one in
    /// the workspace's resource group if there is one there, else the only one; several
    /// elsewhere is a finding and the first by ID is taken.
    fn known_by_name(
        &mut self,
        provider_type: &str,
        name: &str,
        rg: &str,
        src: &Source,
    ) -> Option<String> {
        let kind = ResKind::from_type(&provider_type.to_ascii_lowercase());
        let found = self.name_index.get(&(kind, name.to_ascii_lowercase()))?;
        let rg_prefix = format!("{}/", rg.to_ascii_lowercase());
        if let Some(a) = found.iter().find(|a| a.norm().starts_with(&rg_prefix)) {
            return Some(a.to_string());
        }
        let first = found.first()?.to_string();
        if found.len() > 1 {
            let all: Vec<String> = found.iter().map(ToString::to_string).collect();
            let msg = format!(
                "{} '{}' names one of several resources the exports hold ({}); linked to the first",
                kind.word(),
                show(name),
                show(&all.join(", "))
            );
            self.finding(
                "MODEL",
                Severity::Warning,
                msg,
                name.to_string(),
                src.clone(),
            );
        }
        Some(first)
    }

    pub(super) fn apply_workspace(&mut self, s: ScopeId, spec: &WorkspaceSpec, src: &Source) {
        if !self.m.scope(s).sources.contains(src) {
            self.m.scope_mut(s).sources.push(src.clone());
        }
        if let Some(id) = &spec.identity {
            self.identity_spec(s, id, src);
        }
        let links = [
            (
                &spec.storage_account,
                "Microsoft.Storage/storageAccounts",
                0,
            ),
            (&spec.key_vault, "Microsoft.KeyVault/vaults", 1),
            (
                &spec.container_registry,
                "Microsoft.ContainerRegistry/registries",
                2,
            ),
            (
                &spec.application_insights,
                "Microsoft.Insights/components",
                3,
            ),
        ];
        for (val, ty, which) in links {
            let Some(v) = val else { continue };
            let Some((target, lsrc)) = self.link(s, v, ty, src) else {
                continue;
            };
            let w = self.workspace_mut(s);
            let slot = match which {
                0 => &mut w.storage,
                1 => &mut w.key_vault,
                2 => &mut w.registry,
                _ => &mut w.app_insights,
            };
            let c = match slot {
                Some((old, _)) if *old != target => Some(format!("{ty} link differs ({lsrc})")),
                Some(_) => None,
                None => {
                    *slot = Some((target, lsrc));
                    None
                }
            };
            self.conflict(s, "linked resource", c);
        }
        let w = self.workspace_mut(s);
        let mut conflicts = Vec::new();
        if let Some(p) = &spec.primary_user_assigned_identity {
            conflicts.push(merge(&mut w.primary_uai, p.value.to_ascii_lowercase(), src));
        }
        if let Some(p) = &spec.user_assigned_identity_for_cmk_encryption {
            conflicts.push(merge(&mut w.cmk_uai, p.value.to_ascii_lowercase(), src));
        }
        if let Some(p) = &spec.public_network_access {
            w.public_network_access = Some(p.value.to_ascii_lowercase());
        }
        if let Some(p) = &spec.system_datastores_auth_mode {
            w.system_datastores_auth_mode = Some(p.value.to_ascii_lowercase());
        }
        for c in conflicts {
            self.conflict(s, "workspace identity setting", c);
        }
    }

    pub(super) fn apply_compute(&mut self, s: ScopeId, spec: &ComputeSpec, src: &Source) {
        if let Some(id) = &spec.identity {
            self.identity_spec(s, id, src);
        }
        let c = self.compute_mut(s);
        let conflict = if c.compute_type.is_empty() || c.compute_type == spec.compute_type {
            c.compute_type = spec.compute_type.clone();
            None
        } else {
            Some(format!(
                "{} vs {} ({src})",
                c.compute_type, spec.compute_type
            ))
        };
        if c.source == Source::Rule {
            c.source = src.clone();
        }
        if let Some(r) = &spec.resource_id {
            c.attached_resource = Some(r.value.clone());
        }
        self.conflict(s, "compute type", conflict);
    }

    pub(super) fn apply_endpoint(
        &mut self,
        s: ScopeId,
        spec: &EndpointSpec,
        src: &Source,
        batch: bool,
    ) {
        if let Some(id) = &spec.identity {
            self.identity_spec(s, id, src);
        }
        let line = |l: u32| match src {
            Source::Line { file, .. } if l > 0 => Source::line(file, l),
            o => o.clone(),
        };
        let e = self.endpoint_mut(s);
        let mut conflict = None;
        match &spec.auth_mode {
            Some(m) if e.auth_written && e.auth_mode != m.value => {
                conflict = Some(format!(
                    "auth_mode {} in {}, but {} in {}",
                    e.auth_mode,
                    e.auth_source,
                    m.value,
                    line(m.line)
                ));
            }
            Some(m) => {
                e.auth_mode = m.value.clone();
                e.auth_source = line(m.line);
                e.auth_written = true;
            }
            None if !e.auth_written => {
                e.auth_mode = if batch {
                    "aad_token".into()
                } else {
                    "key".into()
                };
                e.auth_source = src.clone();
            }
            None => {}
        }
        e.kubernetes |= spec.kubernetes;
        if let Some(f) = &spec.enforce_access_to_default_secret_stores {
            e.enforce_secret_stores = Some((f.value, line(f.line)));
        }
        if let Some(c) = &spec.compute {
            e.compute = Some(c.value.clone());
        }
        self.conflict(s, "setting", conflict);
    }

    pub(super) fn apply_deployment(&mut self, s: ScopeId, spec: &DeploymentSpec, src: &Source) {
        let endpoint = self.m.scope(s).parent;
        let line = |l: u32| match src {
            Source::Line { file, .. } if l > 0 => Source::line(file, l),
            o => o.clone(),
        };
        let d = self.deployment_mut(s);
        d.endpoint = endpoint;
        if let Some(i) = spec.image.as_ref().or(spec.environment_ref.as_ref()) {
            d.image = Some((i.value.clone(), line(i.line)));
        }
        for (k, v) in &spec.environment_variables {
            if v.value.contains("${{azureml://connections/") || v.value.contains("${{keyvault:") {
                d.secret_refs
                    .push((k.clone(), v.value.clone(), line(v.line)));
            }
        }
        if let Some(c) = &spec.compute {
            d.compute = Some(c.value.clone());
        }
        d.source = src.clone();
    }

    pub(super) fn apply_datastore(
        &mut self,
        s: ScopeId,
        spec: &DatastoreSpec,
        src: &Source,
        name: Option<&str>,
    ) {
        let ws = self.m.scope(s).workspace;
        let storage = match (&spec.account_name, ws) {
            (Some(acct), Some(ws))
                if matches!(
                    spec.datastore_type.as_str(),
                    "azure_blob" | "azure_file" | "azure_data_lake_gen2"
                ) =>
            {
                self.link(ws, acct, "Microsoft.Storage/storageAccounts", src)
                    .map(|(x, _)| x)
            }
            _ => None,
        };
        let cred_src = match src {
            Source::Line { file, .. } if spec.credential_line > 0 => {
                Source::line(file, spec.credential_line)
            }
            o => o.clone(),
        };
        let is_default =
            spec.is_default || name.is_some_and(|n| n.eq_ignore_ascii_case("workspaceblobstore"));
        let sc = self.m.scope_mut(s);
        let unknown = DatastoreCredential::Unknown;
        let conflict = match &sc.attrs {
            // `az ml datastore show` does not say the credential type: another file that does
            // wins, and says nothing against it
            Attrs::Datastore(old) if spec.credential == unknown => {
                let keep = old.credential != unknown;
                if keep {
                    return;
                }
                None
            }
            Attrs::Datastore(old) if old.credential == unknown => None,
            Attrs::Datastore(old) if old.credential != spec.credential => Some(format!(
                "credentials {:?} in {}, but {:?} in {src}",
                old.credential, old.credential_source, spec.credential
            )),
            _ => None,
        };
        if conflict.is_none() {
            sc.attrs = Attrs::Datastore(Box::new(DatastoreAttrs {
                datastore_type: spec.datastore_type.clone(),
                storage,
                account_name: spec.account_name.as_ref().map(|a| a.value.clone()),
                credential: spec.credential.clone(),
                credential_source: cred_src,
                tenant_id: spec.tenant_id.clone(),
                is_default,
            }));
        }
        self.conflict(s, "datastore credentials", conflict);
    }

    pub(super) fn apply_connection(&mut self, s: ScopeId, spec: &ConnectionSpec, src: &Source) {
        let c = self.connection_mut(s);
        c.connection_type = spec.connection_type.clone();
        c.credential_type = spec.credential_type.clone();
        c.client_id = spec.client_id.as_ref().map(|x| x.value.clone());
        c.resource_id = spec.resource_id.as_ref().map(|x| x.value.clone());
        c.target = spec.target.as_ref().map(|x| x.value.clone());
        c.source = src.clone();
    }

    /// Remember an `identity:` block; principals are attached once they exist. Two descriptions
    /// of one resource (its YAML and its `az ml … show`) add up: the IDs only the export prints
    /// are kept whichever file came first.
    fn identity_spec(&mut self, s: ScopeId, spec: &IdentitySpec, src: &Source) {
        let line_src = match src {
            Source::Line { file, .. } if spec.line > 0 => Source::line(file, spec.line),
            o => o.clone(),
        };
        let Some((old, old_src)) = self.identity_specs.get(&s).cloned() else {
            self.identity_specs.insert(s, (spec.clone(), line_src));
            return;
        };
        if old.kind != spec.kind && !spec.kind.is_empty() && !old.kind.is_empty() {
            let d = Some(format!(
                "identity type {} in {old_src}, but {} in {line_src}",
                old.kind, spec.kind
            ));
            self.conflict(s, "identity", d);
        }
        let mut merged = spec.clone();
        if merged.kind.is_empty() {
            merged.kind = old.kind.clone();
        }
        merged.principal_id = merged.principal_id.or(old.principal_id);
        merged.tenant_id = merged.tenant_id.or(old.tenant_id);
        for u in old.user_assigned {
            let same = |x: &UaiRef| {
                x.resource_id
                    .value
                    .eq_ignore_ascii_case(&u.resource_id.value)
            };
            match merged.user_assigned.iter_mut().find(|x| same(x)) {
                Some(x) => {
                    x.client_id = x.client_id.take().or(u.client_id);
                    x.principal_id = x.principal_id.take().or(u.principal_id);
                }
                None => merged.user_assigned.push(u),
            }
        }
        // a YAML's line is the better place to point at; an export's IDs are kept above
        let keep_src = if matches!(old_src, Source::Line { .. }) {
            old_src
        } else {
            line_src
        };
        self.identity_specs.insert(s, (merged, keep_src));
    }
}
