//! `collect-manifest.json` (written by `reach collect`): every input that is not `complete`
//! becomes a `COLLECT` warning saying what was not read and which answers it may affect, so
//! "could not read" never looks like "none". The finding's subject is the scope the gap affects
//! (an ARM ID, a group's object ID, or the manifest itself for tenant-wide gaps); `who-can`
//! notes the findings whose scope holds the resource asked about.

use super::raw::RawProject;
use crate::finding::{Finding, Severity};
use crate::source::Source;
use serde::Deserialize;
use std::sync::Arc;

/// The rule ID of collection gaps.
pub const RULE: &str = "COLLECT";

pub fn is_name(name: &str) -> bool {
    name.eq_ignore_ascii_case("collect-manifest.json")
}

#[derive(Deserialize)]
struct ManifestJ {
    #[serde(default)]
    sealed: bool,
    #[serde(default)]
    started: Option<String>,
    #[serde(default)]
    inputs: Vec<InputJ>,
    #[serde(default)]
    not_collected: Vec<NotJ>,
}

#[derive(Deserialize)]
struct InputJ {
    #[serde(default)]
    file: String,
    #[serde(default)]
    what: String,
    #[serde(default)]
    scope: String,
    #[serde(default)]
    affects: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    stderr: String,
}

#[derive(Deserialize)]
struct NotJ {
    what: String,
    why: String,
}

fn why(status: &str) -> &'static str {
    match status {
        "partial" => "read only in part (partial): a page failed after retries",
        "denied" => "not read (denied): the account may not read it",
        "unlicensed" => "not read (unlicensed): the tenant has no Entra ID P2 licence for PIM",
        "unavailable" => "not read (unavailable): az found nothing there",
        "failed" => "not read (failed)",
        "pending" => "not read: the collect run stopped before it",
        _ => "not read (unknown status)",
    }
}

/// "were" for the plural inputs `reach collect` names ("role assignments of …"), else "was".
fn verb(what: &str) -> &'static str {
    const PLURAL: [&str; 12] = [
        "role assignments",
        "deny assignments",
        "pim ",
        "computes",
        "online endpoints",
        "batch endpoints",
        "datastores",
        "connections",
        "environments",
        "deployments",
        "directory objects",
        "members",
    ];
    let l = what.to_ascii_lowercase();
    if PLURAL.iter().any(|p| l.starts_with(p)) {
        "were"
    } else {
        "was"
    }
}

/// Read the manifest; returns the file's kind label.
pub fn read(text: &str, file: &Arc<str>, out: &mut RawProject) -> String {
    let m: ManifestJ = match serde_json::from_str(text) {
        Ok(m) => m,
        Err(e) => {
            out.findings.push(super::exports::json_error(&e, file));
            return "error".to_string();
        }
    };
    let dir = file.rsplit_once('/').map_or("", |(d, _)| d);
    for (i, input) in m.inputs.iter().enumerate() {
        if input.status == "complete" {
            continue;
        }
        let mut msg = format!(
            "{} {} {}",
            input.what,
            verb(&input.what),
            why(&input.status)
        );
        if !input.affects.is_empty() {
            msg.push_str(&format!(": {}", input.affects));
        }
        let detail = input.stderr.lines().last().unwrap_or("").trim();
        if !detail.is_empty() && input.status != "unlicensed" {
            let short: String = detail.chars().take(200).collect();
            msg.push_str(&format!(" [az: {short}]"));
        }
        let path = if dir.is_empty() {
            input.file.clone()
        } else {
            format!("{dir}/{}", input.file)
        };
        msg.push_str(&format!(" ({path})"));
        let subject = if input.scope.is_empty() {
            file.to_string()
        } else {
            input.scope.clone()
        };
        let index = u32::try_from(i).unwrap_or(u32::MAX);
        out.findings.push(Finding::new(
            RULE,
            Severity::Warning,
            msg,
            subject,
            Source::entry(file, index),
        ));
    }
    if !m.sealed {
        let when = m.started.as_deref().unwrap_or("an unknown time");
        out.findings.push(Finding::new(
            RULE,
            Severity::Warning,
            format!(
                "the collect run started at {when} did not finish: inputs it had not planned yet are missing, and answers may miss principals; `reach collect … --resume` completes it"
            ),
            file.to_string(),
            Source::File { file: file.clone() },
        ));
    }
    for n in &m.not_collected {
        out.findings.push(Finding::new(
            RULE,
            Severity::Info,
            format!("not collected: {} ({})", n.what, n.why),
            file.to_string(),
            Source::File { file: file.clone() },
        ));
    }
    "reach/collect-manifest".to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_incomplete_input_is_a_warning_naming_its_scope() {
        let text = r#"{"collect_manifest": 1, "sealed": false, "started": "2026-05-01T10:00:00Z",
          "not_collected": [{"what": "PIM for Groups", "why": "no scope"}],
          "inputs": [
            {"file": "azure/role-assignments.S.json", "what": "role assignments of subscription S", "scope": "/subscriptions/S",
             "affects": "answers may miss principals", "status": "denied", "stderr": "ERROR: Forbidden(x)"},
            {"file": "a.json", "what": "x", "scope": "", "affects": "", "status": "complete"},
            {"file": "entra/principals.1.json", "what": "directory objects 1–3", "scope": "", "affects": "a", "status": "pending"}
          ]}"#;
        let file: Arc<str> = Arc::from("tenant/collect-manifest.json");
        let mut out = RawProject::default();
        assert_eq!(read(text, &file, &mut out), "reach/collect-manifest");
        let msgs: Vec<&str> = out.findings.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(out.findings.len(), 4, "{msgs:#?}");
        assert_eq!(
            out.findings[0].message,
            "role assignments of subscription S were not read (denied): the account may not read it: answers may miss principals [az: ERROR: Forbidden(x)] (tenant/azure/role-assignments.S.json)"
        );
        assert_eq!(out.findings[0].subject, "/subscriptions/S");
        assert_eq!(out.findings[0].rule, RULE);
        assert_eq!(out.findings[0].severity, Severity::Warning);
        assert_eq!(out.findings[1].subject, "tenant/collect-manifest.json");
        assert!(out.findings[2].message.contains("did not finish"));
        assert_eq!(out.findings[3].severity, Severity::Info);
    }

    #[test]
    fn a_broken_manifest_is_a_load_error() {
        let file: Arc<str> = Arc::from("collect-manifest.json");
        let mut out = RawProject::default();
        assert_eq!(read("{\"inputs\": [", &file, &mut out), "error");
        assert_eq!(out.findings[0].rule, "LOAD");
    }
}
