//! `collect-manifest.json`: who collected what, when, with which commands, and how each input
//! ended. Rewritten (atomically) after every input, so an interrupted run leaves a manifest that
//! says what is missing; `sealed` turns true only when the run finished.

use serde::{Deserialize, Serialize};
use std::path::Path;

pub const FILE: &str = "collect-manifest.json";
pub const FORMAT: u32 = 1;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Every page read; the file holds all of it.
    Complete,
    /// Some pages read, then a page failed: the file holds what was read.
    Partial,
    /// 403: the account may not read it. No file.
    Denied,
    /// PIM without an Entra ID P2 licence (400 AadPremiumLicenseRequired). No file.
    Unlicensed,
    /// Not there (404, unknown resource type). No file.
    Unavailable,
    /// Any other failure, after retries. No file.
    Failed,
    /// Planned, not run yet: the run was interrupted before it.
    Pending,
}

impl Status {
    pub fn word(self) -> &'static str {
        match self {
            Status::Complete => "complete",
            Status::Partial => "partial",
            Status::Denied => "denied",
            Status::Unlicensed => "unlicensed",
            Status::Unavailable => "unavailable",
            Status::Failed => "failed",
            Status::Pending => "pending",
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Record {
    /// The file, relative to the folder of the manifest.
    pub file: String,
    pub what: String,
    /// The scope whose answers a gap here affects (ARM ID, group object ID, or "" = tenant).
    pub scope: String,
    /// What reach may miss when this input is not complete.
    pub affects: String,
    pub status: Status,
    /// The exact command of the first call (`az` and its arguments).
    pub command: Vec<String>,
    /// Exit code of the last call (None: not run, or killed by the timeout).
    pub exit_code: Option<i32>,
    /// The end of stderr of the last failed call, secrets redacted.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub stderr: String,
    pub items: Option<usize>,
    /// Pages read (paged REST inputs).
    pub pages: u32,
    /// Calls made, retries and pages included.
    pub calls: u32,
    /// Time spent waiting before retries (Retry-After or backoff), in milliseconds.
    pub waited_ms: u64,
    pub sha256: Option<String>,
    pub bytes: Option<u64>,
    /// Taken from an earlier run by `--resume` (file and sha256 unchanged).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub resumed: bool,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Target {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subscription: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource_group: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workspace: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct NotCollected {
    pub what: String,
    pub why: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Manifest {
    pub collect_manifest: u32,
    pub reach_version: String,
    pub az_version: String,
    pub az_ml_version: Option<String>,
    pub tenant: String,
    /// The signed-in account's name (a UPN or an app ID) and type; never a token.
    pub account: String,
    pub account_type: String,
    pub target: Target,
    pub started: String,
    pub finished: Option<String>,
    /// True once the run ended (every input planned has a final status).
    pub sealed: bool,
    pub not_collected: Vec<NotCollected>,
    pub inputs: Vec<Record>,
}

impl Manifest {
    pub fn record(&self, file: &str) -> Option<&Record> {
        self.inputs.iter().find(|r| r.file == file)
    }

    /// Insert or replace the record of `rec.file`.
    pub fn put(&mut self, rec: Record) {
        match self.inputs.iter_mut().find(|r| r.file == rec.file) {
            Some(r) => *r = rec,
            None => self.inputs.push(rec),
        }
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut b = serde_json::to_vec_pretty(self).unwrap_or_default();
        b.push(b'\n');
        b
    }

    pub fn read(dir: &Path) -> Result<Option<Manifest>, String> {
        let p = dir.join(FILE);
        match std::fs::read(&p) {
            Ok(b) => serde_json::from_slice(&b)
                .map(Some)
                .map_err(|e| format!("{}: {e}", p.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(format!("{}: {e}", p.display())),
        }
    }
}

/// What reach knows it cannot collect with the az session.
pub fn not_collected() -> Vec<NotCollected> {
    vec![NotCollected {
        what: "PIM for Groups (eligible and time-bound group memberships)".to_string(),
        why: "Microsoft Graph requires PrivilegedEligibilitySchedule.Read.AzureADGroup, which the az CLI's token does not carry".to_string(),
    }]
}
