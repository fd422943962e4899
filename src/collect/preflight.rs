//! The checks made before anything is written: az is installed (with its ml extension), it is
//! logged in (to the tenant asked for), the subscription is one it can use, and the workspace
//! can be read. Each failure is one line saying what to do.

use super::az::{self, Az, Failure, Reply};
use super::doc;
use super::plan::{self, WsRef};
use super::run::{self, Pauses, Settings};
use super::{Fatal, Target};
use serde_json::Value;

/// Who is signed in, where.
#[derive(Debug, Clone)]
pub struct Context {
    pub az_version: String,
    pub ml_version: Option<String>,
    pub tenant: String,
    pub account: String,
    pub account_type: String,
    pub subscription: String,
}

fn one_line(stderr: &str) -> String {
    let e = az::excerpt(stderr);
    let line = e
        .lines()
        .find(|l| l.trim_start().starts_with("ERROR"))
        .or_else(|| e.lines().next())
        .unwrap_or("")
        .trim();
    crate::text::show(&line.chars().take(300).collect::<String>()).into_owned()
}

fn json_of(reply: &Reply, what: &str) -> Result<Value, Fatal> {
    doc::document(&reply.stdout)
        .map(|d| d.value)
        .map_err(|e| Fatal(format!("reach: `{what}` answered, but {e}")))
}

fn s(v: &Value, path: &[&str]) -> Option<String> {
    path.iter()
        .try_fold(v, |v, k| v.get(*k))?
        .as_str()
        .map(str::to_string)
}

fn argv(words: &[&str]) -> Vec<String> {
    words.iter().map(|w| w.to_string()).collect()
}

/// Run a preflight call (retried like any other); `Err` carries the failure kind and stderr.
fn call(az: &Az, args: &[String], st: &Settings) -> Result<Result<Reply, (Failure, Reply)>, Fatal> {
    let pauses = Pauses::default();
    let c = run::call(az, args, st, &pauses, "preflight", &|_, _, _| {});
    if let Err((_, r)) = &c.result {
        if r.stderr.starts_with("cannot run az:") {
            return Err(Fatal(
                "reach: az (the Azure CLI) is not installed or not on PATH: install it \
                 (https://learn.microsoft.com/cli/azure/install-azure-cli), then run `az login`"
                    .to_string(),
            ));
        }
    }
    Ok(c.result)
}

fn login_hint(tenant: Option<&str>) -> String {
    match tenant {
        Some(t) => format!("`az login --tenant {t}`"),
        None => "`az login`".to_string(),
    }
}

/// az installed, ml extension, logged in, right tenant, subscription usable.
pub fn context(
    az: &Az,
    st: &Settings,
    target: &Target,
    tenant: Option<&str>,
) -> Result<Context, Fatal> {
    let version = match call(az, &argv(&["version", "-o", "json"]), st)? {
        Ok(r) => json_of(&r, "az version")?,
        Err((_, r)) => {
            return Err(Fatal(format!(
                "reach: `az version` failed: {}",
                one_line(&r.stderr)
            )))
        }
    };
    let az_version = s(&version, &["azure-cli"]).unwrap_or_default();
    let ml_version = s(&version, &["extensions", "ml"]);
    if ml_version.is_none() {
        return Err(Fatal(
            "reach: the Azure ML extension of az is not installed: run `az extension add --name ml`"
                .to_string(),
        ));
    }
    let account = match call(az, &argv(&["account", "show", "-o", "json"]), st)? {
        Ok(r) => json_of(&r, "az account show")?,
        Err((f, r)) => {
            let msg = if f == Failure::Login || r.stderr.to_ascii_lowercase().contains("login") {
                format!("reach: az is not logged in: run {}", login_hint(tenant))
            } else {
                format!("reach: `az account show` failed: {}", one_line(&r.stderr))
            };
            return Err(Fatal(msg));
        }
    };
    let mut ctx = Context {
        az_version,
        ml_version,
        tenant: s(&account, &["tenantId"]).unwrap_or_default(),
        account: s(&account, &["user", "name"]).unwrap_or_default(),
        account_type: s(&account, &["user", "type"]).unwrap_or_default(),
        subscription: s(&account, &["id"]).unwrap_or_default(),
    };
    let wanted = match target {
        Target::Workspace { subscription, .. } => subscription.clone(),
        Target::Subscription { subscription, .. } => Some(subscription.clone()),
    };
    if let Some(sub) = wanted {
        let a = ["account", "show", "--subscription", &sub, "-o", "json"];
        match call(az, &argv(&a), st)? {
            Ok(r) => {
                let v = json_of(&r, "az account show --subscription")?;
                ctx.subscription = s(&v, &["id"]).unwrap_or(sub);
                if let Some(t) = s(&v, &["tenantId"]) {
                    ctx.tenant = t;
                }
            }
            Err((_, r)) => {
                return Err(Fatal(format!(
                    "reach: subscription {sub} is not one az can use (signed in as {} to tenant {}): \
                     run {} for the tenant that holds it, or check the ID with `az account list` ({})",
                    crate::text::show(&ctx.account),
                    ctx.tenant,
                    login_hint(tenant),
                    one_line(&r.stderr)
                )))
            }
        }
    }
    if let Some(t) = tenant {
        if !t.eq_ignore_ascii_case(&ctx.tenant) {
            return Err(Fatal(format!(
                "reach: az is signed in to tenant {} for this subscription, not {t}: run `az login --tenant {t}`",
                ctx.tenant
            )));
        }
    }
    Ok(ctx)
}

/// Workspace mode: read the workspace now (its `show` is the first input).
pub fn workspace(az: &Az, st: &Settings, ws: &WsRef) -> Result<Reply, Fatal> {
    let input = plan::workspace_show(ws);
    match call(az, &input.fetch.argv(), st)? {
        Ok(r) => {
            json_of(&r, "az ml workspace show")?;
            Ok(r)
        }
        Err((f, r)) => {
            let where_ = format!(
                "workspace {} in resource group {} (subscription {})",
                ws.name, ws.resource_group, ws.subscription
            );
            Err(Fatal(match f {
                Failure::Denied => format!(
                    "reach: cannot read {where_}: ask for Reader on the workspace or its resource group ({})",
                    one_line(&r.stderr)
                ),
                Failure::NotFound => format!(
                    "reach: {where_} was not found: check -g and -w (`az ml workspace list -g {}`)",
                    ws.resource_group
                ),
                Failure::Login => "reach: az needs a new login: run `az login`".to_string(),
                _ => format!(
                    "reach: `az ml workspace show` failed for {where_}: {}",
                    one_line(&r.stderr)
                ),
            }))
        }
    }
}

/// Subscription mode: list the workspaces (paged ARM list), none found or not readable: fatal.
pub fn workspaces(
    az: &Az,
    st: &Settings,
    sub: &str,
    rg: Option<&str>,
) -> Result<Vec<WsRef>, Fatal> {
    let mut url = plan::workspace_list_url(sub, rg);
    let mut out = Vec::new();
    let where_ = match rg {
        Some(rg) => format!("resource group {rg} of subscription {sub}"),
        None => format!("subscription {sub}"),
    };
    for _ in 0..10_000 {
        let v = match call(az, &plan::rest_get(&url), st)? {
            Ok(r) => json_of(&r, "az rest (workspace list)")?,
            Err((f, r)) => {
                return Err(Fatal(match f {
                    Failure::Denied => format!(
                        "reach: cannot list the Azure ML workspaces of {where_}: ask for Reader on it ({})",
                        one_line(&r.stderr)
                    ),
                    Failure::NotFound => format!("reach: {where_} was not found ({})", one_line(&r.stderr)),
                    _ => format!(
                        "reach: listing the Azure ML workspaces of {where_} failed: {}",
                        one_line(&r.stderr)
                    ),
                }))
            }
        };
        for e in plan::entries(&v) {
            let Some((s, g, name)) = e
                .get("id")
                .and_then(Value::as_str)
                .and_then(plan::arm_parts)
            else {
                continue;
            };
            out.push(WsRef {
                subscription: s,
                resource_group: g,
                name,
                folder: String::new(),
            });
        }
        match doc::next_link(&v) {
            Some(n) if n != url => url = n,
            _ => break,
        }
    }
    if out.is_empty() {
        return Err(Fatal(format!("reach: no Azure ML workspace in {where_}")));
    }
    out.sort_by(|a, b| {
        (
            a.resource_group.to_ascii_lowercase(),
            a.name.to_ascii_lowercase(),
        )
            .cmp(&(
                b.resource_group.to_ascii_lowercase(),
                b.name.to_ascii_lowercase(),
            ))
    });
    out.dedup();
    plan::folders(&mut out);
    Ok(out)
}
