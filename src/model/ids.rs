//! ARM IDs: parsing, case-insensitive comparison, parent scope, resource type and the kind of
//! resource reach cares about.

use serde::Serialize;
use std::fmt;

/// An Azure Resource Manager ID, kept as written for display and lower-cased for comparison.
#[derive(Clone, Debug)]
pub struct ArmId {
    display: String,
    norm: String,
}

impl ArmId {
    /// Parse an ARM ID (`/subscriptions/…`, `/providers/Microsoft.Management/managementGroups/…`,
    /// or `/` for the tenant root). Trailing slashes and surrounding space are dropped; an
    /// odd number of segments after the last `providers/NS` is rejected.
    pub fn parse(s: &str) -> Option<ArmId> {
        let t = s
            .trim()
            .trim_end_matches(|c: char| c == '/' || c.is_whitespace());
        if t.is_empty() && s.trim() == "/" {
            return Some(ArmId {
                display: "/".into(),
                norm: "/".into(),
            });
        }
        let body = t.strip_prefix('/').filter(|_| !t.contains("//"))?;
        let segs: Vec<&str> = body.split('/').collect();
        if segs.iter().any(|x| x.trim().is_empty()) || !valid_shape(&segs) {
            return None;
        }
        Some(ArmId {
            display: t.to_string(),
            norm: t.to_ascii_lowercase(),
        })
    }

    pub fn as_str(&self) -> &str {
        &self.display
    }
    /// The lower-cased form: the identity of the ID.
    pub fn norm(&self) -> &str {
        &self.norm
    }

    fn segs(&self) -> Vec<&str> {
        if self.norm == "/" {
            return Vec::new();
        }
        // a parsed ID always starts with `/`
        let body = self.display.strip_prefix('/').unwrap_or(&self.display);
        body.split('/').collect()
    }

    /// The enclosing scope: child resource → parent resource → resource group → subscription →
    /// tenant root `/`. None for the root itself. Management groups have the root as parent (the
    /// export does not say their ancestry).
    pub fn parent(&self) -> Option<ArmId> {
        let segs = self.segs();
        if segs.is_empty() {
            return None;
        }
        let mut keep = segs.len().saturating_sub(2);
        if keep
            .checked_sub(2)
            .and_then(|k| segs.get(k))
            .is_some_and(|s| s.eq_ignore_ascii_case("providers"))
        {
            keep -= 2;
        }
        if keep == 0 {
            return Some(ArmId {
                display: "/".into(),
                norm: "/".into(),
            });
        }
        let kept: Vec<&str> = segs.iter().take(keep).copied().collect();
        ArmId::parse(&format!("/{}", kept.join("/")))
    }

    /// The last name segment (`ep-fraud` for an endpoint, the GUID for a subscription).
    pub fn name(&self) -> &str {
        self.display.rsplit('/').next().unwrap_or("")
    }

    /// `Microsoft.MachineLearningServices/workspaces/onlineEndpoints` for an endpoint,
    /// `Microsoft.Resources/subscriptions` for a subscription, etc.
    pub fn resource_type(&self) -> String {
        let segs = self.segs();
        let Some(p) = segs
            .iter()
            .rposition(|s| s.eq_ignore_ascii_case("providers"))
        else {
            return match segs.len() {
                0 => "/".into(),
                2 => "Microsoft.Resources/subscriptions".into(),
                _ => "Microsoft.Resources/resourceGroups".into(),
            };
        };
        let mut t = segs.get(p + 1).map(|s| s.to_string()).unwrap_or_default();
        for (i, s) in segs.iter().enumerate().skip(p + 2) {
            if (i - p) % 2 == 0 {
                t.push('/');
                t.push_str(s);
            }
        }
        t
    }

    pub fn kind(&self) -> ResKind {
        ResKind::from_type(&self.resource_type().to_ascii_lowercase())
    }

    /// The subscription GUID, if the ID is under one.
    pub fn subscription(&self) -> Option<&str> {
        let segs = self.segs();
        match segs.as_slice() {
            [first, sub, ..] if first.eq_ignore_ascii_case("subscriptions") => Some(*sub),
            _ => None,
        }
    }
}

/// Segment pairs must line up: `subscriptions/S`, `resourceGroups/R`, `providers/NS` then pairs.
fn valid_shape(segs: &[&str]) -> bool {
    let providers = |i: usize| {
        segs.get(i)
            .is_some_and(|s| s.eq_ignore_ascii_case("providers"))
    };
    let mut i = 0;
    while i < segs.len() {
        if providers(i) {
            if i + 1 >= segs.len() {
                return false;
            }
            i += 2;
            // after a provider namespace: type/name pairs until the next `providers`
            while i < segs.len() && !providers(i) {
                if i + 1 >= segs.len() {
                    return false;
                }
                i += 2;
            }
        } else {
            if i + 1 >= segs.len() {
                return false;
            }
            i += 2;
        }
    }
    true
}

impl PartialEq for ArmId {
    fn eq(&self, o: &Self) -> bool {
        self.norm == o.norm
    }
}
impl Eq for ArmId {}
impl std::hash::Hash for ArmId {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.norm.hash(h)
    }
}
impl fmt::Display for ArmId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display)
    }
}

/// The kinds of scope reach distinguishes. `Other` covers every other ARM resource type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ResKind {
    Root,
    ManagementGroup,
    Subscription,
    ResourceGroup,
    Workspace,
    Compute,
    #[serde(rename = "endpoint")]
    OnlineEndpoint,
    #[serde(rename = "deployment")]
    OnlineDeployment,
    BatchEndpoint,
    BatchDeployment,
    Datastore,
    Connection,
    Storage,
    KeyVault,
    Registry,
    MlRegistry,
    Identity,
    AppInsights,
    Other,
}

impl ResKind {
    pub fn from_type(t: &str) -> ResKind {
        match t {
            "/" => ResKind::Root,
            "microsoft.management/managementgroups" => ResKind::ManagementGroup,
            "microsoft.resources/subscriptions" => ResKind::Subscription,
            "microsoft.resources/resourcegroups" => ResKind::ResourceGroup,
            "microsoft.machinelearningservices/workspaces" => ResKind::Workspace,
            "microsoft.machinelearningservices/workspaces/computes" => ResKind::Compute,
            "microsoft.machinelearningservices/workspaces/onlineendpoints" => {
                ResKind::OnlineEndpoint
            }
            "microsoft.machinelearningservices/workspaces/onlineendpoints/deployments" => {
                ResKind::OnlineDeployment
            }
            "microsoft.machinelearningservices/workspaces/batchendpoints" => ResKind::BatchEndpoint,
            "microsoft.machinelearningservices/workspaces/batchendpoints/deployments" => {
                ResKind::BatchDeployment
            }
            "microsoft.machinelearningservices/workspaces/datastores" => ResKind::Datastore,
            "microsoft.machinelearningservices/workspaces/connections" => ResKind::Connection,
            "microsoft.machinelearningservices/registries" => ResKind::MlRegistry,
            "microsoft.storage/storageaccounts" => ResKind::Storage,
            "microsoft.keyvault/vaults" => ResKind::KeyVault,
            "microsoft.containerregistry/registries" => ResKind::Registry,
            "microsoft.managedidentity/userassignedidentities" => ResKind::Identity,
            "microsoft.insights/components" => ResKind::AppInsights,
            _ => ResKind::Other,
        }
    }

    /// The `kind` word used in references (`endpoint:ep-fraud`) and JSON.
    pub fn word(self) -> &'static str {
        match self {
            ResKind::Root => "root",
            ResKind::ManagementGroup => "management-group",
            ResKind::Subscription => "subscription",
            ResKind::ResourceGroup => "rg",
            ResKind::Workspace => "workspace",
            ResKind::Compute => "compute",
            ResKind::OnlineEndpoint => "endpoint",
            ResKind::OnlineDeployment => "deployment",
            ResKind::BatchEndpoint => "batch-endpoint",
            ResKind::BatchDeployment => "batch-deployment",
            ResKind::Datastore => "datastore",
            ResKind::Connection => "connection",
            ResKind::Storage => "storage",
            ResKind::KeyVault => "keyvault",
            ResKind::Registry => "registry",
            ResKind::MlRegistry => "ml-registry",
            ResKind::Identity => "identity",
            ResKind::AppInsights => "appinsights",
            ResKind::Other => "resource",
        }
    }

    /// Parse a reference kind word (`endpoint`, `rg`, `keyvault`…); also accepts a few synonyms.
    pub fn from_word(w: &str) -> Option<ResKind> {
        let k = match w.to_ascii_lowercase().as_str() {
            "subscription" | "sub" => ResKind::Subscription,
            "rg" | "resource-group" | "resourcegroup" => ResKind::ResourceGroup,
            "workspace" | "ws" => ResKind::Workspace,
            "compute" => ResKind::Compute,
            "endpoint" | "online-endpoint" => ResKind::OnlineEndpoint,
            "deployment" | "online-deployment" => ResKind::OnlineDeployment,
            "batch-endpoint" => ResKind::BatchEndpoint,
            "batch-deployment" => ResKind::BatchDeployment,
            "datastore" => ResKind::Datastore,
            "connection" => ResKind::Connection,
            "storage" => ResKind::Storage,
            "keyvault" | "kv" => ResKind::KeyVault,
            "registry" | "acr" => ResKind::Registry,
            "ml-registry" => ResKind::MlRegistry,
            "identity" | "uai" => ResKind::Identity,
            "appinsights" => ResKind::AppInsights,
            "management-group" | "mg" => ResKind::ManagementGroup,
            _ => return None,
        };
        Some(k)
    }
}

/// Build child IDs the way Azure ML names them.
pub fn workspace_id(sub: &str, rg: &str, ws: &str) -> String {
    format!("/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.MachineLearningServices/workspaces/{ws}")
}

#[cfg(test)]
mod tests {
    use super::*;

    const EP: &str = "/subscriptions/S1/resourceGroups/rg-ml/providers/Microsoft.MachineLearningServices/workspaces/ws/onlineEndpoints/ep";

    #[test]
    fn parents_walk_up_to_root() {
        let ep = ArmId::parse(EP).unwrap();
        assert_eq!(ep.kind(), ResKind::OnlineEndpoint);
        assert_eq!(ep.name(), "ep");
        let ws = ep.parent().unwrap();
        assert_eq!(ws.kind(), ResKind::Workspace);
        let rg = ws.parent().unwrap();
        assert_eq!(rg.as_str(), "/subscriptions/S1/resourceGroups/rg-ml");
        assert_eq!(rg.kind(), ResKind::ResourceGroup);
        let sub = rg.parent().unwrap();
        assert_eq!(sub.kind(), ResKind::Subscription);
        let root = sub.parent().unwrap();
        assert_eq!(root.kind(), ResKind::Root);
        assert!(root.parent().is_none());
    }

    #[test]
    fn compares_case_insensitively() {
        let a = ArmId::parse(EP).unwrap();
        let b = ArmId::parse(&EP.to_uppercase()).unwrap();
        assert_eq!(a, b);
        assert_eq!(b.kind(), ResKind::OnlineEndpoint);
    }

    #[test]
    fn extension_resources_and_child_scopes() {
        let c = ArmId::parse("/subscriptions/s/resourceGroups/r/providers/Microsoft.Storage/storageAccounts/st/blobServices/default/containers/c1").unwrap();
        assert_eq!(
            c.resource_type(),
            "Microsoft.Storage/storageAccounts/blobServices/containers"
        );
        assert_eq!(
            c.parent().unwrap().parent().unwrap().kind(),
            ResKind::Storage
        );
        let mg = ArmId::parse("/providers/Microsoft.Management/managementGroups/mg1").unwrap();
        assert_eq!(mg.kind(), ResKind::ManagementGroup);
        assert_eq!(mg.parent().unwrap().kind(), ResKind::Root);
    }

    #[test]
    fn rejects_malformed() {
        for bad in [
            "",
            "subscriptions/x",
            "/subscriptions",
            "/subscriptions/s/resourceGroups",
            "/a//b",
            "/subscriptions/s/providers",
        ] {
            assert!(ArmId::parse(bad).is_none(), "{bad}");
        }
        assert!(ArmId::parse("/").is_some());
    }
}
