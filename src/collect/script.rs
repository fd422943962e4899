//! `--print`: the same read-only commands as a script (bash or PowerShell) that writes the same
//! folder, for collecting on another machine (a jump box with az but without reach). The scripts
//! follow the plan of `plan.rs` step by step (sequentially, with the same retries, paging,
//! file names, manifest and up-front checks); `tests/collect_print.rs` runs the bash one against
//! the fake az and compares its folder with `reach collect`'s.

use super::Target;
use std::path::Path;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shell {
    Bash,
    PowerShell,
}

const BASH: &str = include_str!("collect.sh");
const POWERSHELL: &str = include_str!("collect.ps1");

/// A bash word: single-quoted, `'` as `'\''`.
fn bash_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// Inside a PowerShell single-quoted string: `'` doubled.
fn ps_inner(s: &str) -> String {
    s.replace('\'', "''")
}

/// The script for `target`, writing to `out` by default.
pub fn print(shell: Shell, target: &Target, out: &Path, tenant: Option<&str>) -> String {
    let (sub, rg, ws) = match target {
        Target::Workspace {
            subscription,
            resource_group,
            workspace,
        } => (
            subscription.clone().unwrap_or_default(),
            resource_group.clone(),
            workspace.clone(),
        ),
        Target::Subscription {
            subscription,
            resource_group,
        } => (
            subscription.clone(),
            resource_group.clone().unwrap_or_default(),
            String::new(),
        ),
    };
    let out = out.display().to_string();
    let tenant = tenant.unwrap_or_default();
    let version = env!("CARGO_PKG_VERSION");
    match shell {
        Shell::Bash => BASH
            .replace(
                "\"${1:-@@OUT@@}\"",
                &format!("\"${{1:-{}}}\"", out.replace(['"', '$', '`', '\\'], "_")),
            )
            .replace("@@SUBSCRIPTION@@", &bash_quote(&sub))
            .replace("@@RESOURCE_GROUP@@", &bash_quote(&rg))
            .replace("@@WORKSPACE@@", &bash_quote(&ws))
            .replace("@@TENANT@@", &bash_quote(tenant))
            .replace("@@VERSION@@", version),
        Shell::PowerShell => POWERSHELL
            .replace("@@OUT@@", &ps_inner(&out))
            .replace("@@SUBSCRIPTION@@", &ps_inner(&sub))
            .replace("@@RESOURCE_GROUP@@", &ps_inner(&rg))
            .replace("@@WORKSPACE@@", &ps_inner(&ws))
            .replace("@@TENANT@@", &ps_inner(tenant))
            .replace("@@VERSION@@", version),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_quoted_for_each_shell() {
        let t = Target::Workspace {
            subscription: None,
            resource_group: "rg'; rm -rf /".into(),
            workspace: "ws".into(),
        };
        let b = print(Shell::Bash, &t, Path::new("./t"), None);
        assert!(b.contains(r"RESOURCE_GROUP='rg'\''; rm -rf /'"), "{b}");
        assert!(b.contains("OUT=\"${1:-./t}\""));
        let p = print(Shell::PowerShell, &t, Path::new("./t"), None);
        assert!(p.contains("$ResourceGroup = 'rg''; rm -rf /'"));
        assert!(!b.contains("@@") && !p.contains("@@"));
    }
}
