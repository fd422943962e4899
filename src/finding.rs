//! A finding: a load problem (rule `LOAD`), a model problem (`MODEL`) or a lint result named after
//! the access rule it checks. Shared by load, model, engine and every view.

use crate::source::Source;
use serde::Serialize;
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        })
    }
}

/// A change that would make an access work or a finding go away: a role assignment (with the
/// exact `az` command) or another link (a connection, a YAML change).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Fix {
    /// The role to assign, or the missing link in words.
    pub role: String,
    /// Where (an ARM ID).
    pub scope: String,
    /// The same scope as a short reference (`endpoint:ep-fraud`), for people.
    pub at: String,
    /// Who gets it.
    pub principal: String,
    /// What else the role grants (least privilege), or a note.
    pub grants_also: String,
    /// The command (or YAML) that makes the change; reach never runs it.
    pub command: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Rule ID (`EP-UAI-NO-AUTO`), `LOAD` for file problems, `MODEL` for reference problems.
    pub rule: String,
    pub severity: Severity,
    pub message: String,
    /// An ARM ID, a principal name or a file path: what the finding is about.
    pub subject: String,
    pub source: Source,
    /// The fix, when one exists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<Fix>,
}

impl Finding {
    pub fn new(
        rule: &str,
        severity: Severity,
        message: impl Into<String>,
        subject: impl Into<String>,
        source: Source,
    ) -> Self {
        Finding {
            rule: rule.to_string(),
            severity,
            message: message.into(),
            subject: subject.into(),
            source,
            fix: None,
        }
    }

    /// The same finding with a fix attached.
    pub fn with_fix(mut self, fix: Option<Fix>) -> Self {
        self.fix = fix;
        self
    }

    /// A load problem in one file.
    pub fn load(severity: Severity, message: impl Into<String>, source: Source) -> Self {
        let subject = source.file().unwrap_or_default().to_string();
        Finding::new("LOAD", severity, message, subject, source)
    }

    /// Deterministic order: severity, then source, then rule and message.
    pub fn sort_key(&self) -> (Severity, String, &str, &str) {
        (
            self.severity,
            self.source.to_string(),
            &self.rule,
            &self.message,
        )
    }
}
