//! What a `reach collect` folder could not read, as notes on the answers it affects: a
//! `COLLECT` finding (load/collect_manifest.rs) applies to a resource at or below its scope, to
//! a group (its members) among the principals reached, and to every answer when tenant-wide.

use super::Engine;
use crate::model::{PrincipalId, ScopeId};

impl Engine {
    /// Notes for an answer about `s` that reached `reached`.
    pub fn collect_notes(&self, s: ScopeId, reached: &[PrincipalId]) -> Vec<String> {
        let m = self.model();
        let rule = crate::load::collect_manifest::RULE;
        let gaps: Vec<_> = m
            .findings
            .iter()
            .filter(|f| f.rule == rule && f.severity != crate::finding::Severity::Info)
            .collect();
        if gaps.is_empty() {
            return Vec::new();
        }
        let id = m.scope(s).id.to_string().to_ascii_lowercase();
        let groups: Vec<String> = reached
            .iter()
            .filter_map(|p| m.principal(*p).object_id.as_deref())
            .map(str::to_ascii_lowercase)
            .collect();
        let mut notes: Vec<String> = gaps
            .into_iter()
            .filter(|f| {
                let subj = f.subject.to_ascii_lowercase();
                if subj.starts_with('/') {
                    // the resource is at or below the scope of the gap
                    id == subj || id.starts_with(&format!("{subj}/"))
                } else if subj.ends_with(".json") {
                    true // tenant-wide (principals, an unfinished run)
                } else {
                    groups.contains(&subj)
                }
            })
            .map(|f| f.message.clone())
            .collect();
        notes.sort();
        notes.dedup();
        notes
    }
}
