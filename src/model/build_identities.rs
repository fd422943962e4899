//! One identity, one principal. Every file that describes an identity adds a record: Graph
//! users, groups and service principals, `az identity`, reach.yaml, the `identity:` blocks of
//! `az ml … show` (the system-assigned identity's object ID, each user-assigned identity's client
//! and object IDs), role assignments (object ID, and the `principalName` that is a UPN or an
//! app ID) and managed-identity connections. Records that share an object ID, client ID,
//! user-assigned identity resource ID or owner resource are one identity, whichever file said
//! it and in whatever order the files were read.
//!
//! Two records that disagree (two object IDs for one UAI, a user and a group with one object ID)
//! are not merged: that is a finding, never a silent choice.

use super::build::Builder;
use super::*;
use crate::finding::Severity;
use crate::load::raw::*;
use crate::text::show;

/// How much a record says about an identity: an export or manifest that describes it, or only
/// a role assignment (or connection) that names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Weight {
    Described,
    Named,
}

struct Rec {
    weight: Weight,
    kind: PrincipalKind,
    object_id: Option<String>,
    client_id: Option<String>,
    /// Lower-cased ARM ID of the user-assigned identity this is.
    uai: Option<String>,
    /// The same ARM ID as written (for its name's case).
    uai_written: Option<String>,
    /// Lower-cased ARM ID of the resource whose system-assigned identity this is.
    owner: Option<String>,
    upn: Option<String>,
    display_name: Option<String>,
    system_assigned: bool,
    /// Index into `raw.principals` (members, members_exported).
    raw: Option<usize>,
    source: Source,
}

impl Rec {
    fn keys(&self) -> impl Iterator<Item = String> + '_ {
        let k = |p: &str, v: &Option<String>| v.as_ref().map(|v| format!("{p}:{v}"));
        [
            k("oid", &self.object_id),
            k("cid", &self.client_id),
            k("uai", &self.uai),
            k("owner", &self.owner),
        ]
        .into_iter()
        .flatten()
    }
}

/// A GUID as a merge key: trimmed, lower-cased; the all-zero GUID and anything that is not a
/// GUID (placeholders) never merges.
fn id_key(s: Option<&str>) -> Option<String> {
    let s = s?.trim();
    (super::build_principals::looks_like_guid(s) && s != "00000000-0000-0000-0000-000000000000")
        .then(|| s.to_ascii_lowercase())
}

fn arm_key(s: Option<&str>) -> Option<String> {
    ArmId::parse(s?).map(|a| a.norm().to_string())
}

/// What one merged identity is made of.
#[derive(Default)]
struct Group {
    recs: Vec<usize>,
    object_id: Option<String>,
    client_id: Option<String>,
    uai: Option<String>,
    owner: Option<String>,
    kind: Option<PrincipalKind>,
}

fn family(k: PrincipalKind) -> u8 {
    match k {
        PrincipalKind::User => 0,
        PrincipalKind::Group => 1,
        PrincipalKind::ServicePrincipal | PrincipalKind::ManagedIdentity => 2,
    }
}

impl Group {
    /// Why `o` cannot be the same identity as `self`, if it cannot.
    fn clash(&self, o: &Group) -> Option<&'static str> {
        let differ =
            |a: &Option<String>, b: &Option<String>| matches!((a, b), (Some(x), Some(y)) if x != y);
        if differ(&self.object_id, &o.object_id) {
            return Some("object IDs");
        }
        if differ(&self.client_id, &o.client_id) {
            return Some("client IDs");
        }
        if differ(&self.uai, &o.uai) {
            return Some("user-assigned identities");
        }
        if differ(&self.owner, &o.owner) {
            return Some("owning resources");
        }
        if (self.uai.is_some() && o.owner.is_some()) || (self.owner.is_some() && o.uai.is_some()) {
            return Some("kinds (system-assigned and user-assigned)");
        }
        match (self.kind, o.kind) {
            (Some(a), Some(b)) if family(a) != family(b) => Some("principal types"),
            _ => None,
        }
    }

    fn absorb(&mut self, o: Group) {
        self.recs.extend(o.recs);
        self.recs.sort_unstable();
        self.object_id = self.object_id.take().or(o.object_id);
        self.client_id = self.client_id.take().or(o.client_id);
        self.uai = self.uai.take().or(o.uai);
        self.owner = self.owner.take().or(o.owner);
        self.kind = match (self.kind, o.kind) {
            (Some(PrincipalKind::ManagedIdentity), _)
            | (_, Some(PrincipalKind::ManagedIdentity)) => Some(PrincipalKind::ManagedIdentity),
            (a, b) => a.or(b),
        };
    }
}

impl Builder {
    /// Every identity record the loaded files hold, in an order that depends only on what they
    /// say (never on file names or read order).
    fn records(&self, raw: &RawProject) -> Vec<Rec> {
        let mut recs = Vec::new();
        for (i, rp) in raw.principals.iter().enumerate() {
            let mi = rp.kind == PrincipalKind::ManagedIdentity;
            let res = arm_key(rp.resource_id.as_deref()).filter(|_| mi);
            recs.push(Rec {
                weight: Weight::Described,
                kind: rp.kind,
                object_id: id_key(rp.object_id.as_deref()),
                client_id: id_key(rp.client_id.as_deref()),
                uai: res.clone().filter(|_| !rp.system_assigned),
                uai_written: rp.resource_id.clone().filter(|_| mi && !rp.system_assigned),
                owner: res.filter(|_| rp.system_assigned),
                upn: rp.upn.clone(),
                display_name: rp.display_name.clone(),
                system_assigned: rp.system_assigned,
                raw: Some(i),
                source: rp.source.clone(),
            });
        }
        let mut specs: Vec<(&ScopeId, &(IdentitySpec, Source))> =
            self.identity_specs.iter().collect();
        specs.sort_by(|a, b| {
            self.m
                .scope(*a.0)
                .id
                .norm()
                .cmp(self.m.scope(*b.0).id.norm())
        });
        for (owner, (spec, src)) in specs {
            let owner_id = self.m.scope(*owner).id.norm().to_string();
            if let Some(oid) = id_key(spec.principal_id.as_deref()) {
                recs.push(Rec {
                    weight: Weight::Described,
                    kind: PrincipalKind::ManagedIdentity,
                    object_id: Some(oid),
                    client_id: None,
                    uai: None,
                    uai_written: None,
                    owner: Some(owner_id.clone()),
                    upn: None,
                    display_name: None,
                    system_assigned: true,
                    raw: None,
                    source: src.clone(),
                });
            }
            for u in &spec.user_assigned {
                let Some(uai) = arm_key(Some(&u.resource_id.value)) else {
                    continue;
                };
                recs.push(Rec {
                    weight: Weight::Described,
                    kind: PrincipalKind::ManagedIdentity,
                    object_id: id_key(u.principal_id.as_deref()),
                    client_id: id_key(u.client_id.as_deref()),
                    uai: Some(uai),
                    uai_written: Some(u.resource_id.value.clone()),
                    owner: None,
                    upn: None,
                    display_name: None,
                    system_assigned: false,
                    raw: None,
                    source: src.clone(),
                });
            }
        }
        self.assignment_records(raw, &mut recs);
        self.connection_records(raw, &mut recs);
        recs.sort_by(rec_order);
        recs
    }

    /// One record per distinct principal ID of the exported role assignments: its type, and
    /// the `principalName` the CLI prints (a UPN for users, the app ID for service principals).
    fn assignment_records(&self, raw: &RawProject, recs: &mut Vec<Rec>) {
        let mut seen: HashMap<&str, ()> = HashMap::new();
        for a in &raw.assignments {
            let Some(oid) = id_key(Some(&a.principal_id)) else {
                continue;
            };
            if seen.insert(a.principal_id.as_str(), ()).is_some() {
                continue;
            }
            let kind = super::build_principals::assignment_kind(a);
            let name = a
                .principal_name
                .as_deref()
                .map(str::trim)
                .filter(|n| !n.is_empty());
            let (mut upn, mut client_id, mut display_name) = (None, None, None);
            match name {
                Some(n) if kind == PrincipalKind::User && n.contains('@') => {
                    upn = Some(n.to_string())
                }
                // the CLI prints a service principal's app ID here
                Some(n)
                    if super::build_principals::looks_like_guid(n)
                        && kind != PrincipalKind::User
                        && kind != PrincipalKind::Group =>
                {
                    client_id = id_key(Some(n))
                }
                Some(n) if super::build_principals::looks_like_guid(n) => {}
                Some(n) => display_name = Some(n.to_string()),
                None => {}
            }
            recs.push(Rec {
                weight: Weight::Named,
                kind,
                object_id: Some(oid),
                client_id,
                uai: None,
                uai_written: None,
                owner: None,
                upn,
                display_name,
                system_assigned: false,
                raw: None,
                source: a.source.clone(),
            });
        }
    }

    /// Managed-identity credentials of workspace connections name a UAI by client ID and
    /// resource ID together.
    fn connection_records(&self, raw: &RawProject, recs: &mut Vec<Rec>) {
        for doc in &raw.aml {
            let AmlKind::Connection(c) = &doc.kind else {
                continue;
            };
            let uai = arm_key(c.resource_id.as_ref().map(|r| r.value.as_str()));
            let cid = id_key(c.client_id.as_ref().map(|r| r.value.as_str()));
            if let (Some(uai), Some(cid)) = (uai, cid) {
                recs.push(Rec {
                    weight: Weight::Named,
                    kind: PrincipalKind::ManagedIdentity,
                    object_id: None,
                    client_id: Some(cid),
                    uai: Some(uai),
                    uai_written: c.resource_id.as_ref().map(|r| r.value.clone()),
                    owner: None,
                    upn: None,
                    display_name: None,
                    system_assigned: false,
                    raw: None,
                    source: doc.source.clone(),
                });
            }
        }
    }

    /// The principal for one merged identity: IDs from any record, names from the records that
    /// describe it before those that only name it.
    fn principal_from(&mut self, recs: &[Rec], g: &Group, raw: &RawProject) -> PrincipalId {
        let rs: Vec<&Rec> = g.recs.iter().filter_map(|&i| recs.get(i)).collect();
        let kind = g.kind.unwrap_or(PrincipalKind::User);
        let first = |f: &dyn Fn(&Rec) -> Option<String>| rs.iter().find_map(|r| f(r));
        let upn = first(&|r| r.upn.clone());
        let display_name = first(&|r| r.display_name.clone());
        let resource = first(&|r| r.uai_written.clone())
            .and_then(|w| ArmId::parse(&w))
            .map(|a| self.ensure(&a));
        let name = match resource {
            Some(s) => self.m.scope(s).name.clone(),
            None => upn
                .clone()
                .or_else(|| display_name.clone())
                .or_else(|| g.object_id.clone())
                .or_else(|| g.client_id.clone())
                .unwrap_or_else(|| "<unnamed principal>".into()),
        };
        let mut p = Principal::new(kind, name);
        p.object_id = g.object_id.clone();
        p.client_id = g.client_id.clone();
        p.upn = upn;
        p.display_name = display_name;
        p.resource = resource;
        p.system_assigned = rs.iter().any(|r| r.system_assigned) && resource.is_none();
        p.described = rs.iter().any(|r| r.weight == Weight::Described);
        if kind == PrincipalKind::Group {
            p.members_exported = rs
                .iter()
                .filter_map(|r| r.raw.and_then(|i| raw.principals.get(i)))
                .any(|rp| rp.members_exported);
        }
        for r in &rs {
            if !p.sources.contains(&r.source) {
                p.sources.push(r.source.clone());
            }
        }
        let id = self.add_principal(p);
        for key in [g.uai.clone(), g.owner.clone()].into_iter().flatten() {
            self.mi_by_resource.entry(key).or_insert(id);
        }
        id
    }

    /// Merge the records into identities and create one principal each.
    pub(super) fn principals(&mut self, raw: &RawProject) {
        let recs = self.records(raw);
        let groups = self.merge(&recs);
        let mut owner_of_raw: HashMap<usize, PrincipalId> = HashMap::new();
        for g in groups {
            let id = self.principal_from(&recs, &g, raw);
            for &r in &g.recs {
                if let Some(i) = recs.get(r).and_then(|x| x.raw) {
                    owner_of_raw.insert(i, id);
                }
            }
        }
        // members after every principal exists
        for (i, rp) in raw.principals.iter().enumerate() {
            let Some(&g) = owner_of_raw.get(&i) else {
                continue;
            };
            for m in &rp.members {
                let member = self.member(m);
                self.add_member(g, member, m.source.clone());
            }
        }
    }

    /// Union the records by their keys; records with no key join the one identity of their
    /// kind and name, if there is exactly one.
    fn merge(&mut self, recs: &[Rec]) -> Vec<Group> {
        let n = recs.len();
        let mut parent: Vec<usize> = (0..n).collect();
        let mut groups: Vec<Group> = recs
            .iter()
            .enumerate()
            .map(|(i, r)| Group {
                recs: vec![i],
                object_id: r.object_id.clone(),
                client_id: r.client_id.clone(),
                uai: r.uai.clone(),
                owner: r.owner.clone(),
                kind: Some(r.kind),
            })
            .collect();
        let mut by_key: HashMap<String, usize> = HashMap::new();
        let mut keyless = Vec::new();
        for (i, r) in recs.iter().enumerate() {
            let mut any = false;
            for key in r.keys() {
                any = true;
                match by_key.get(&key) {
                    Some(&j) => self.union(&mut parent, &mut groups, recs, j, i),
                    None => {
                        by_key.insert(key, i);
                    }
                }
            }
            if !any {
                keyless.push(i);
            }
        }
        // name-only records (reach.yaml principals without IDs, say)
        let mut by_name: HashMap<(u8, String), Vec<usize>> = HashMap::new();
        let names = |r: &Rec| -> Vec<(u8, String)> {
            [r.upn.as_ref(), r.display_name.as_ref()]
                .into_iter()
                .flatten()
                .map(|n| (family(r.kind), n.trim().to_ascii_lowercase()))
                .collect()
        };
        for (i, r) in recs.iter().enumerate() {
            if r.keys().next().is_some() {
                for k in names(r) {
                    let root = find(&mut parent, i);
                    let e = by_name.entry(k).or_default();
                    if !e.contains(&root) {
                        e.push(root);
                    }
                }
            }
        }
        for i in keyless {
            let Some(r) = recs.get(i) else {
                continue; // not reached: `keyless` holds indexes of `recs`
            };
            let mut roots: Vec<usize> = names(r)
                .iter()
                .filter_map(|k| by_name.get(k))
                .flatten()
                .map(|&x| find(&mut parent, x))
                .collect();
            roots.sort_unstable();
            roots.dedup();
            match roots.as_slice() {
                [one] => self.union(&mut parent, &mut groups, recs, *one, i),
                [] => {}
                many => {
                    let list: Vec<String> = many
                        .iter()
                        .filter_map(|g| groups.get(*g)?.object_id.clone())
                        .collect();
                    let name = r
                        .upn
                        .as_ref()
                        .or(r.display_name.as_ref())
                        .cloned()
                        .unwrap_or_default();
                    let msg = format!("principal '{}' has no ID, and several identities carry that name ({}); it is kept apart: give its object ID", show(&name), list.join(", "));
                    self.finding("MODEL", Severity::Warning, msg, name, r.source.clone());
                }
            }
            let root = find(&mut parent, i);
            for k in names(r) {
                let e = by_name.entry(k).or_default();
                if !e.contains(&root) {
                    e.push(root);
                }
            }
        }
        let mut out: Vec<Group> = Vec::new();
        for (i, g) in groups.iter_mut().enumerate() {
            if find(&mut parent, i) == i {
                out.push(std::mem::take(g));
            }
        }
        out.sort_by_key(|g| g.recs.first().copied().unwrap_or(usize::MAX));
        out
    }

    // union-find over the indexes of `recs`: `parent` and `groups` have one entry per record
    #[allow(
        clippy::indexing_slicing,
        reason = "a and b index recs; parent and groups are as long as recs"
    )]
    fn union(
        &mut self,
        parent: &mut [usize],
        groups: &mut [Group],
        recs: &[Rec],
        a: usize,
        b: usize,
    ) {
        let (ra, rb) = (find(parent, a), find(parent, b));
        if ra == rb {
            return;
        }
        let (keep, gone) = (ra.min(rb), ra.max(rb));
        if let Some(what) = groups[keep].clash(&groups[gone]) {
            let (x, y) = (&groups[keep], &groups[gone]);
            let at = |g: &Group| {
                g.recs
                    .first()
                    .map(|r| recs[*r].source.to_string())
                    .unwrap_or_default()
            };
            let who = |g: &Group| {
                g.object_id
                    .clone()
                    .or_else(|| g.uai.clone())
                    .or_else(|| g.client_id.clone())
                    .unwrap_or_default()
            };
            let msg = format!(
                "two descriptions of one identity disagree on their {what}: {} ({}) and {} ({}); kept as two principals",
                show(&who(x)),
                show(&at(x)),
                show(&who(y)),
                show(&at(y))
            );
            let src = y
                .recs
                .first()
                .map(|r| recs[*r].source.clone())
                .unwrap_or_default();
            self.finding("MODEL", Severity::Warning, msg, who(y), src);
            return;
        }
        let taken = std::mem::take(&mut groups[gone]);
        groups[keep].absorb(taken);
        parent[gone] = keep;
    }
}

#[allow(
    clippy::indexing_slicing,
    reason = "union-find: i and every parent entry index `parent`"
)]
fn find(parent: &mut [usize], mut i: usize) -> usize {
    while parent[i] != i {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    i
}

fn rec_order(a: &Rec, b: &Rec) -> std::cmp::Ordering {
    let key = |r: &Rec| {
        (
            r.weight,
            r.kind,
            r.object_id.clone(),
            r.uai.clone(),
            r.owner.clone(),
            r.client_id.clone(),
            r.upn.clone(),
            r.display_name.clone(),
        )
    };
    key(a).cmp(&key(b))
}
