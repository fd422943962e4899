//! Commands that return secrets are never run: keys, SAS tokens, connection strings, secret
//! values, credentials, access tokens. Every call is checked against this list before it is
//! started (and the tests check every planned command and both `--print` scripts).

/// Command words (the words before the first `--option`), compared whole and case-insensitively.
const WORDS: &[&str] = &[
    "keys",
    "key",
    "list-keys",
    "regenerate-keys",
    "regenerate-key",
    "get-keys",
    "show-keys",
    "secret",
    "secrets",
    "list-secrets",
    "credential",
    "credentials",
    "get-credentials",
    "list-credentials",
    "admin-credentials",
    "show-connection-string",
    "connection-string",
    "generate-sas",
    "sas",
    "get-access-token",
    "token",
    "renew",
    "listkeys",
];

/// Options that make an otherwise harmless command print secrets.
const FLAGS: &[&str] = &[
    "--populate-secrets",
    "--show-secrets",
    "--include-keys",
    "--include-secrets",
    "--with-secrets",
    "--show-keys",
];

/// Words that, inside a URL path segment (an ARM action such as `listKeys`, `listSecrets`,
/// `listCredentials`, `listAccountSas`, `regenerateKey`, `getKeys`), mark a secret-returning call.
const URL_MARKERS: &[&str] = &[
    "key",
    "secret",
    "sas",
    "credential",
    "token",
    "connectionstring",
    "password",
];

/// Why `argv` (the arguments of `az`, without `az`) may not run; None when it may.
pub fn refuse(argv: &[String]) -> Option<String> {
    let mut words = true;
    let mut method_post = false;
    for (i, a) in argv.iter().enumerate() {
        let l = a.to_ascii_lowercase();
        if l.starts_with('-') {
            words = false;
            if FLAGS
                .iter()
                .any(|f| l == *f || l.starts_with(&format!("{f}=")))
            {
                return Some(format!("{a} returns secrets"));
            }
        } else if words && WORDS.contains(&l.as_str()) {
            return Some(format!("`{a}` returns secrets"));
        }
        let after_method = i > 0 && argv[i - 1].eq_ignore_ascii_case("--method");
        if after_method && l == "post" {
            method_post = true;
        }
        if l.contains("://") || l.starts_with('/') {
            if let Some(why) = url_secret(&l) {
                return Some(why);
            }
        }
    }
    // the only POST reach makes is Graph's getByIds: an ARM POST is an action (listKeys…)
    if method_post
        && !argv.iter().any(|a| {
            a.to_ascii_lowercase()
                .ends_with("/directoryobjects/getbyids")
        })
    {
        return Some("a POST other than directoryObjects/getByIds".to_string());
    }
    None
}

fn url_secret(url: &str) -> Option<String> {
    let path = url.split('?').next().unwrap_or(url);
    let path = path.split("://").nth(1).unwrap_or(path);
    let host = path.split('/').next().unwrap_or_default();
    // a key vault's data plane: every secret and key read is a secret
    if host.ends_with(".vault.azure.net") || host.contains("managedhsm") {
        return Some(format!("{host} is a key vault's data plane"));
    }
    for seg in path.split('/').skip(1) {
        // an action segment: list…/regenerate…/get… followed by a secret word
        let action = ["list", "regenerate", "get", "generate"]
            .iter()
            .any(|v| seg.starts_with(v));
        if action && URL_MARKERS.iter().any(|m| seg.contains(m)) {
            return Some(format!("the action `{seg}` returns secrets"));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn refuses_every_known_secret_command() {
        for bad in [
            "storage account keys list --account-name a",
            "storage account show-connection-string --name a",
            "storage container generate-sas --name c",
            "storage account generate-sas --account-name a",
            "keyvault secret show --vault-name kv --name s",
            "keyvault secret list --vault-name kv",
            "ml connection list --populate-secrets -w ws -g rg",
            "ml connection show --name c --populate-secrets",
            "ml online-endpoint get-credentials --name ep",
            "ml workspace list-keys --name ws",
            "acr credential show --name acr",
            "ad sp credential list --id x",
            "account get-access-token",
            "cosmosdb keys list --name c",
            "rest --method post --url https://management.azure.com/subscriptions/s/resourceGroups/r/providers/Microsoft.Storage/storageAccounts/a/listKeys?api-version=2023-01-01",
            "rest --method get --url https://management.azure.com/subscriptions/s/resourceGroups/r/providers/Microsoft.MachineLearningServices/workspaces/w/connections/c/listsecrets?api-version=2024-04-01",
            "rest --method post --url https://management.azure.com/subscriptions/s/providers/Microsoft.MachineLearningServices/workspaces/w/listKeys",
            "rest --url https://myvault.vault.azure.net/secrets/s?api-version=7.4",
            "rest --method post --url https://management.azure.com/x/y/listAccountSas",
        ] {
            assert!(refuse(&v(bad)).is_some(), "not refused: az {bad}");
        }
    }

    #[test]
    fn allows_the_read_only_commands_reach_uses() {
        for good in [
            "ml workspace show --name ws --resource-group rg --subscription s -o json",
            "ml connection list --resource-group rg --workspace-name ws --subscription s -o json",
            "keyvault show --name kv-main --resource-group rg --subscription s -o json",
            "role assignment list --all --subscription s -o json",
            "rest --method get --url https://management.azure.com/subscriptions/s/providers/Microsoft.Authorization/roleEligibilityScheduleInstances?api-version=2020-10-01 -o json",
            "rest --method post --url https://graph.microsoft.com/v1.0/directoryObjects/getByIds --body {} -o json",
            "rest --method get --url https://graph.microsoft.com/v1.0/groups/g/members?$select=id,displayName -o json",
            "rest --method get --url https://management.azure.com/subscriptions/s/resourceGroups/rg-keys/providers/Microsoft.KeyVault/vaults/kv-keys -o json",
        ] {
            assert_eq!(refuse(&v(good)), None, "refused: az {good}");
        }
    }
}
