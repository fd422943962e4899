//! Principals, identity attachments, reach.yaml facts, assignments, deny assignments and the
//! transitive group closure (a membership cycle is a finding, never a hang).

use super::build::Builder;
use super::principal::kind_from_word;
use super::*;
use crate::finding::Severity;
use crate::load::raw::*;
use crate::text::show;
use std::collections::HashSet;

const EVERYONE: &str = "00000000-0000-0000-0000-000000000000";

impl Builder {
    fn index_principal(&mut self, p: PrincipalId) {
        let pr = self.m.principal(p);
        let mut keys: Vec<String> = vec![pr.name.to_ascii_lowercase()];
        for k in [&pr.object_id, &pr.client_id, &pr.upn, &pr.display_name]
            .into_iter()
            .flatten()
        {
            keys.push(k.to_ascii_lowercase());
        }
        // a UAI by its ARM ID; a system-assigned identity by its owner's
        if let Some(r) = pr.resource {
            keys.push(self.m.scope(r).id.norm().to_string());
        }
        for k in keys {
            let e = self.m.principal_index.entry(k).or_default();
            if !e.contains(&p) {
                e.push(p);
            }
        }
    }

    pub(super) fn add_principal(&mut self, pr: Principal) -> PrincipalId {
        let id = PrincipalId(self.m.principals.len() as u32);
        self.m.principals.push(pr);
        self.index_principal(id);
        id
    }

    fn by_object_id(&self, oid: &str) -> Option<PrincipalId> {
        // called for every assignment, member and principal: no allocation when already lower-case
        let t = oid.trim();
        let o: std::borrow::Cow<str> = if t.bytes().any(|b| b.is_ascii_uppercase()) {
            t.to_ascii_lowercase().into()
        } else {
            t.into()
        };
        let o = o.as_ref();
        self.m.principal_index.get(o)?.iter().copied().find(|p| {
            self.m
                .principal(*p)
                .object_id
                .as_deref()
                .is_some_and(|x| x.eq_ignore_ascii_case(o))
        })
    }

    pub(super) fn member(&mut self, m: &MemberRef) -> PrincipalId {
        if let Some(p) = self.by_object_id(&m.reference) {
            return p;
        }
        if let Some(p) = self.m.principals_by_key(&m.reference).first() {
            return *p;
        }
        let mut pr = Principal::new(m.kind.unwrap_or(PrincipalKind::User), m.reference.clone());
        if looks_like_guid(&m.reference) {
            pr.object_id = Some(m.reference.to_ascii_lowercase());
        }
        pr.sources.push(m.source.clone());
        self.add_principal(pr)
    }

    pub(super) fn add_member(&mut self, group: PrincipalId, member: PrincipalId, src: Source) {
        if self
            .m
            .principal(group)
            .members
            .iter()
            .any(|(m, _)| *m == member)
        {
            return;
        }
        self.m
            .principal_mut(group)
            .members
            .push((member, src.clone()));
        self.m.principal_mut(member).member_of.push((group, src));
    }

    /// The principal of a user-assigned identity, created if needed.
    pub(super) fn uai(&mut self, a: &ArmId) -> PrincipalId {
        if let Some(p) = self.mi_by_resource.get(a.norm()) {
            return *p;
        }
        let s = self.ensure(a);
        let mut pr = Principal::new(PrincipalKind::ManagedIdentity, a.name().to_string());
        pr.resource = Some(s);
        let p = self.add_principal(pr);
        self.mi_by_resource.insert(a.norm().to_string(), p);
        p
    }

    /// The system-assigned identity of `owner`, matched to an exported service principal by its
    /// owner ARM ID or (CMP-SAI-NAME) by the display name `<workspace>/computes/<compute>`.
    fn sai(&mut self, owner: ScopeId) -> PrincipalId {
        if let Some(p) = self.sai_owner.get(&owner) {
            return *p;
        }
        let sc = self.m.scope(owner);
        let word = match sc.kind {
            ResKind::Workspace => "workspace",
            ResKind::Compute => "compute",
            ResKind::OnlineEndpoint | ResKind::BatchEndpoint => "endpoint",
            _ => "resource",
        };
        let name = format!("{word}:{}", sc.name);
        let cmp_name = sc
            .workspace
            .filter(|_| sc.kind == ResKind::Compute)
            .map(|w| format!("{}/computes/{}", self.m.scope(w).name, sc.name).to_ascii_lowercase());
        let found = self.mi_by_resource.get(sc.id.norm()).copied().or_else(|| {
            let n = cmp_name?;
            self.m.principal_ids().find(|p| {
                let pr = self.m.principal(*p);
                pr.kind == PrincipalKind::ManagedIdentity
                    && pr
                        .display_name
                        .as_deref()
                        .is_some_and(|d| d.trim_start_matches('/').eq_ignore_ascii_case(&n))
            })
        });
        let p = match found {
            Some(p) => {
                self.m.principal_mut(p).name = name;
                p
            }
            None => self.add_principal(Principal::new(PrincipalKind::ManagedIdentity, name)),
        };
        let pr = self.m.principal_mut(p);
        pr.system_assigned = true;
        pr.resource = Some(owner);
        self.index_principal(p);
        self.sai_owner.insert(owner, p);
        p
    }

    pub(super) fn attach_identities(&mut self, _raw: &RawProject) {
        let owners: Vec<ScopeId> = self
            .m
            .scope_ids()
            .filter(|s| {
                matches!(
                    self.m.scope(*s).kind,
                    ResKind::Workspace
                        | ResKind::Compute
                        | ResKind::OnlineEndpoint
                        | ResKind::BatchEndpoint
                )
            })
            .collect();
        for s in owners {
            let kind = self.m.scope(s).kind;
            let spec = self.identity_specs.get(&s).cloned();
            let has_description = !self.m.scope(s).sources.is_empty();
            let (type_str, uais, src) = match &spec {
                Some((sp, src)) => (sp.kind.clone(), sp.user_assigned.clone(), src.clone()),
                None => {
                    // defaults: workspaces and online endpoints get a system-assigned identity
                    let default = match kind {
                        ResKind::Workspace | ResKind::OnlineEndpoint if has_description => {
                            "system_assigned"
                        }
                        _ => "none",
                    };
                    (
                        default.to_string(),
                        Vec::new(),
                        self.m.scope(s).sources.first().cloned().unwrap_or_default(),
                    )
                }
            };
            let printed_sai = spec
                .as_ref()
                .is_some_and(|(sp, _)| sp.principal_id.is_some());
            let system = type_str.contains("system_assigned")
                || printed_sai
                || (self.mi_by_resource.contains_key(self.m.scope(s).id.norm())
                    && spec.is_none()
                    && has_description);
            let mut attach = IdentityAttach {
                system: None,
                user: Vec::new(),
                source: src.clone(),
                kind: type_str.clone(),
            };
            if system {
                attach.system = Some(self.sai(s));
            }
            for u in &uais {
                let line_src = match &src {
                    Source::Line { file, .. } if u.resource_id.line > 0 => {
                        Source::line(file, u.resource_id.line)
                    }
                    o => o.clone(),
                };
                match ArmId::parse(&u.resource_id.value) {
                    Some(a) => {
                        let p = self.uai(&a);
                        attach.user.push((p, line_src));
                    }
                    None => {
                        // a placeholder such as `identity_resource_id`: keep a named identity
                        let mut pr = Principal::new(
                            PrincipalKind::ManagedIdentity,
                            u.resource_id.value.clone(),
                        );
                        pr.sources.push(line_src.clone());
                        let p = self.add_principal(pr);
                        attach.user.push((p, line_src));
                    }
                }
            }
            match kind {
                ResKind::Workspace => self.workspace_mut(s).identity = attach,
                ResKind::Compute => self.compute_mut(s).identity = attach,
                _ => {
                    if has_description {
                        self.endpoint_mut(s).identity = attach;
                    }
                }
            }
        }
    }

    pub(super) fn facts(&mut self, raw: &RawProject) {
        for f in &raw.facts {
            let target = match self.m.resolve_resource(&f.resource) {
                Ok(s) => s,
                Err(e) => {
                    self.finding(
                        "MODEL",
                        Severity::Warning,
                        format!("reach.yaml fact: {e}"),
                        f.resource.clone(),
                        f.source.clone(),
                    );
                    continue;
                }
            };
            for (k, v) in &f.settings {
                self.fact(target, k, v, &f.source);
            }
        }
    }

    fn fact(&mut self, s: ScopeId, key: &str, value: &str, src: &Source) {
        let yes = matches!(
            value.to_ascii_lowercase().as_str(),
            "true" | "yes" | "enabled" | "1"
        );
        let kind = self.m.scope(s).kind;
        match (kind, key) {
            (ResKind::Registry, "admin_user_enabled") => {
                self.registry_mut(s).admin_enabled = Some((yes, src.clone()))
            }
            (ResKind::Registry, "role_assignment_mode") => {
                if value.to_ascii_lowercase().contains("abac") {
                    self.registry_mut(s).abac_mode = Some(src.clone());
                }
            }
            (ResKind::KeyVault, "permission_model") => {
                let kv = self.keyvault_mut(s);
                kv.rbac = value.eq_ignore_ascii_case("rbac");
                kv.model_source = Some(src.clone());
            }
            (ResKind::Storage, "allow_shared_key_access") => {
                let st = self.storage_mut(s);
                st.allow_shared_key = yes;
                st.shared_key_source = Some(src.clone());
            }
            (ResKind::OnlineEndpoint | ResKind::BatchEndpoint, "created_by") => {
                match self.m.resolve_principal(value) {
                    Ok(p) => self.endpoint_mut(s).created_by = Some((p, src.clone())),
                    Err(e) => self.finding(
                        "MODEL",
                        Severity::Warning,
                        format!("reach.yaml fact created_by: {e}"),
                        value.to_string(),
                        src.clone(),
                    ),
                }
            }
            (ResKind::Compute, "pulls_from_workspace_registry") => {
                self.compute_mut(s).pulls_from_workspace_registry = yes
            }
            (ResKind::Compute, "created_before_registry") => {
                self.compute_mut(s).created_before_registry = yes
            }
            _ => {
                let msg = format!(
                    "reach.yaml fact '{}' is not known for a {}; ignored",
                    show(key),
                    kind.word()
                );
                self.finding(
                    "MODEL",
                    Severity::Warning,
                    msg,
                    self.m.scope(s).id.to_string(),
                    src.clone(),
                );
            }
        }
    }

    pub(super) fn assignments(&mut self, raw: &RawProject) {
        // A tenant has far fewer distinct scopes, roles and principals than assignments: resolve
        // each distinct string once. Only successes are cached, so every failing assignment still
        // gets its own finding; a success cannot change later (indexes only grow).
        let mut roles: HashMap<(Option<&str>, Option<&str>), RoleId> = HashMap::new();
        let mut principals: HashMap<&str, PrincipalId> = HashMap::new();
        // exported assignments (object IDs) first, so that reach.yaml assignments naming a
        // principal by UPN or name find principals known only from the export
        let by_id = raw
            .assignments
            .iter()
            .filter(|a| a.pim.is_none() && looks_like_guid(&a.principal_id));
        let by_name = raw
            .assignments
            .iter()
            .filter(|a| a.pim.is_none() && !looks_like_guid(&a.principal_id));
        // PIM schedule instances last: an active one that is a role assignment already read is
        // the same grant, not a second one
        let pim = raw.assignments.iter().filter(|a| a.pim.is_some());
        let now = super::when::now();
        let mut standing: HashMap<(PrincipalId, RoleId, ScopeId), usize> = HashMap::new();
        let mut pim_done: HashSet<(PrincipalId, RoleId, ScopeId, bool)> = HashSet::new();
        for a in by_id.chain(by_name).chain(pim) {
            // a PIM instance not in force is said first, whatever else is wrong with it
            let tenure = match &a.pim {
                Some(pim) => match self.pim_tenure(a, pim, &now) {
                    Some(t) => Some(t),
                    None => continue,
                },
                None => None,
            };
            let role_key = (a.role_definition_id.as_deref(), a.role_name.as_deref());
            let role = match roles.get(&role_key) {
                Some(r) => *r,
                None => {
                    let Some(r) = self.resolve_role(a) else {
                        continue;
                    };
                    roles.insert(role_key, r);
                    r
                }
            };
            let principal = match principals.get(a.principal_id.as_str()) {
                Some(p) => *p,
                None => {
                    let Some(p) = self.assignment_principal(a) else {
                        continue;
                    };
                    principals.insert(&a.principal_id, p);
                    self.note_unnamed(p, a);
                    p
                }
            };
            let scope = if let Some(s) = self.scope_cache.get(a.scope.as_str()) {
                Some(*s)
            } else if a.scope.trim().starts_with('/') {
                let s = self.ensure_str(&a.scope, "role assignment scope", &a.source);
                if let Some(s) = s {
                    self.scope_cache.insert(a.scope.clone(), s);
                }
                s
            } else {
                match self.m.resolve_resource(&a.scope) {
                    Ok(s) => Some(s),
                    Err(e) => {
                        self.finding(
                            "MODEL",
                            Severity::Warning,
                            format!("role assignment scope: {e}"),
                            a.scope.clone(),
                            a.source.clone(),
                        );
                        None
                    }
                }
            };
            let Some(scope) = scope else { continue };
            let condition = a.condition.clone().filter(|c| !c.trim().is_empty());
            let key = (principal, role, scope);
            let tenure = match &a.pim {
                None => {
                    standing.entry(key).or_insert(self.m.assignments.len());
                    Tenure::Standing
                }
                Some(pim) => {
                    let tenure = tenure.unwrap_or_default();
                    let again = !pim_done.insert((principal, role, scope, pim.eligible));
                    match (&tenure, standing.get(&key)) {
                        // the schedule of a role assignment already read
                        (Tenure::Active { .. }, Some(&i)) => {
                            if let Some(x) = self.m.assignments.get_mut(i) {
                                if x.tenure == Tenure::Standing {
                                    x.tenure = tenure;
                                }
                            }
                            continue;
                        }
                        // the same instance collected at another scope
                        _ if again => continue,
                        _ => tenure,
                    }
                }
            };
            let parsed = condition.as_deref().map(|c| {
                let r = super::condition::parse(c).map_err(|e| e.to_string());
                if let Err(e) = &r {
                    let msg = format!(
                        "the condition on {}'s {} assignment on {} is not understood ({}): its paths are shown as conditional (condition not understood), never as plain access",
                        show(&self.m.principal(principal).name),
                        show(&self.m.role(role).name),
                        show(&self.m.scope_label(scope)),
                        show(e)
                    );
                    self.finding(
                        "RBAC-CONDITION",
                        Severity::Warning,
                        msg,
                        a.principal_id.clone(),
                        a.source.clone(),
                    );
                }
                std::sync::Arc::new(r)
            });
            self.m.assignments.push(Assignment {
                principal,
                role,
                scope,
                condition,
                source: a.source.clone(),
                assumed: false,
                tenure,
                parsed,
            });
        }
    }

    /// The tenure a PIM schedule instance gives, or None (with an info finding) when it is not
    /// in force now: not started, ended, or in a status that grants nothing.
    fn pim_tenure(
        &mut self,
        a: &RawAssignment,
        pim: &RawPim,
        now: &(i64, String),
    ) -> Option<Tenure> {
        let what = if pim.eligible {
            "PIM eligibility"
        } else {
            "PIM active assignment"
        };
        let at = |t: &Option<String>| t.as_deref().and_then(super::when::parse_utc);
        let problem = if let Some(st) = pim.status.as_deref().filter(|st| {
            [
                "revoked",
                "canceled",
                "cancelled",
                "denied",
                "failed",
                "invalid",
                "rejected",
                "timedout",
                "expired",
                "scheduledeleted",
            ]
            .contains(&st.to_ascii_lowercase().as_str())
        }) {
            Some(format!("is in status {}", show(st)))
        } else if at(&pim.start).is_some_and(|s| s > now.0) {
            Some(format!(
                "has not started (starts {})",
                show(pim.start.as_deref().unwrap_or_default())
            ))
        } else if at(&pim.end).is_some_and(|e| e <= now.0) {
            Some(format!(
                "has ended ({})",
                show(pim.end.as_deref().unwrap_or_default())
            ))
        } else {
            None
        };
        if let Some(problem) = problem {
            let id = a.role_definition_id.as_deref().unwrap_or_default();
            let role = match self.m.role_by_guid(id) {
                Some(r) => self.m.role(r).name.clone(),
                None => id.to_string(),
            };
            let who = a.principal_name.as_deref().unwrap_or(&a.principal_id);
            let msg = format!(
                "{what} of {} for '{}' at {} {problem} as of {}: left out of every answer",
                show(&role),
                show(who),
                show(&a.scope),
                show(&now.1)
            );
            self.finding(
                "RBAC-PIM-ELIGIBLE",
                Severity::Info,
                msg,
                a.principal_id.clone(),
                a.source.clone(),
            );
            return None;
        }
        Some(if pim.eligible {
            Tenure::Eligible {
                until: pim.end.clone(),
            }
        } else {
            Tenure::Active {
                activated: pim.activated,
                until: pim.end.clone(),
            }
        })
    }

    /// A principal that only role assignments name, with nothing but its object ID: a deleted
    /// identity, or an export gap (said once, at its first assignment).
    fn note_unnamed(&mut self, p: PrincipalId, a: &RawAssignment) {
        let pr = self.m.principal(p);
        if pr.described || pr.object_id.as_deref() != Some(pr.name.as_str()) {
            return;
        }
        let msg = match pr.kind {
            PrincipalKind::ServicePrincipal | PrincipalKind::ManagedIdentity => format!("role assignment principal '{}' is a service principal or managed identity that no loaded file names (a deleted identity, or the resource it belongs to was not exported); shown by object ID: export `az ml … show` of its workspace, compute or endpoint, or `az ad sp show --id {}`, to name it", show(&a.principal_id), show(&a.principal_id)),
            _ => format!("role assignment principal '{}' is in no user, group or service principal export and the assignment gives no name (a deleted identity?); shown by object ID", show(&a.principal_id)),
        };
        self.finding(
            "MODEL",
            Severity::Info,
            msg,
            a.principal_id.clone(),
            a.source.clone(),
        );
    }

    fn resolve_role(&mut self, a: &RawAssignment) -> Option<RoleId> {
        let by_id = a
            .role_definition_id
            .as_deref()
            .filter(|s| !s.trim().is_empty())
            .and_then(|id| self.m.role_by_guid(id));
        let r = by_id.or_else(|| a.role_name.as_deref().and_then(|n| self.m.role_by_name(n)));
        if r.is_none() {
            let what = a
                .role_definition_id
                .clone()
                .or_else(|| a.role_name.clone())
                .unwrap_or_default();
            let msg = format!("role assignment names role '{}', which is neither built in nor in an exported role definition; assignment ignored", show(&what));
            self.finding("MODEL", Severity::Warning, msg, what, a.source.clone());
        }
        r
    }

    fn assignment_principal(&mut self, a: &RawAssignment) -> Option<PrincipalId> {
        if let Some(p) = self.by_object_id(&a.principal_id) {
            return Some(p);
        }
        if !looks_like_guid(&a.principal_id) {
            // reach.yaml: a name or reference
            return match self.m.resolve_principal(&a.principal_id) {
                Ok(p) => Some(p),
                Err(e) => {
                    self.finding(
                        "MODEL",
                        Severity::Warning,
                        format!("role assignment principal: {e}; assignment ignored"),
                        a.principal_id.clone(),
                        a.source.clone(),
                    );
                    None
                }
            };
        }
        // Known only from this assignment (every exported one has an identity record, so only
        // a principal no record describes comes here): membership and details unknown;
        // `note_unnamed` says so.
        let kind = assignment_kind(a);
        let mut pr = Principal::new(kind, a.principal_id.clone());
        pr.object_id = Some(a.principal_id.to_ascii_lowercase());
        if kind == PrincipalKind::Group {
            pr.members_exported = false;
        }
        pr.sources.push(a.source.clone());
        Some(self.add_principal(pr))
    }

    pub(super) fn denies(&mut self, raw: &RawProject) {
        for d in &raw.denies {
            let Some(scope) = self.ensure_str(&d.scope, "deny assignment scope", &d.source) else {
                continue;
            };
            let principals = d
                .principals
                .iter()
                .map(|o| {
                    if o.trim() == EVERYONE {
                        DenyTarget::Everyone
                    } else {
                        self.by_object_id(o)
                            .map_or_else(|| DenyTarget::Unknown(o.clone()), DenyTarget::Principal)
                    }
                })
                .collect();
            let excluded = d
                .exclude_principals
                .iter()
                .filter_map(|o| self.by_object_id(o))
                .collect();
            self.m.denies.push(Deny {
                name: d.name.clone(),
                scope,
                permissions: d.permissions.clone(),
                principals,
                excluded,
                no_children: d.do_not_apply_to_child_scopes,
                source: d.source.clone(),
            });
        }
        // key vault access policies: object id → principal
        for s in self.m.scope_ids().collect::<Vec<_>>() {
            let oids: Vec<String> = match &self.m.scope(s).attrs {
                Attrs::KeyVault(kv) => kv
                    .access_policies
                    .iter()
                    .map(|a| a.object_id.clone())
                    .collect(),
                _ => continue,
            };
            let resolved: Vec<Option<PrincipalId>> =
                oids.iter().map(|o| self.by_object_id(o)).collect();
            if let Attrs::KeyVault(kv) = &mut self.m.scope_mut(s).attrs {
                for (ap, p) in kv.access_policies.iter_mut().zip(resolved) {
                    ap.principal = p;
                }
            }
        }
    }

    /// Transitive group membership for every principal (iterative, so cycles terminate); each
    /// cycle is reported once.
    pub(super) fn group_closure(&mut self) {
        let (closure, cyclic) = super::membership::closure(&self.m.principals);
        let mut reported: Vec<PrincipalId> = Vec::new();
        for g in cyclic {
            if reported.contains(&g) {
                continue;
            }
            let groups_of =
                |p: PrincipalId| closure.get(p.0 as usize).map_or(&[][..], Vec::as_slice);
            let mut ring: Vec<PrincipalId> = groups_of(g)
                .iter()
                .copied()
                .filter(|x| groups_of(*x).contains(&g))
                .collect();
            ring.push(g);
            ring.sort();
            reported.extend(&ring);
            let names: Vec<String> = ring
                .iter()
                .map(|p| show(&self.m.principal(*p).name).into_owned())
                .collect();
            let src = self
                .m
                .principal(g)
                .member_of
                .first()
                .map(|(_, s)| s.clone())
                .unwrap_or_default();
            let msg = format!("group membership cycle: {} (each is a member of the others; access is shared among all of them)", names.join(" → "));
            self.finding(
                "MODEL",
                Severity::Warning,
                msg,
                self.m.principal(g).name.clone(),
                src,
            );
        }
        self.m.group_closure = closure;
    }
}

/// The principal type an assignment export gives (`principalType`), a user when it gives none.
pub(super) fn assignment_kind(a: &RawAssignment) -> PrincipalKind {
    a.principal_type
        .as_deref()
        .and_then(kind_from_word)
        .unwrap_or(PrincipalKind::User)
}

pub(crate) fn looks_like_guid(s: &str) -> bool {
    let s = s.trim();
    s.len() == 36
        && s.chars().enumerate().all(|(i, c)| {
            if matches!(i, 8 | 13 | 18 | 23) {
                c == '-'
            } else {
                c.is_ascii_hexdigit()
            }
        })
}
