# reach collect, as a PowerShell script: the read-only az commands `reach collect` runs, writing
# the same folder (one JSON file per input, as az printed it, and collect-manifest.json). Run it
# where az is signed in; copy the folder back and open it with `reach DIR`.
# Needs: az (az login) and its ml extension (az extension add --name ml). PowerShell 5.1 or 7.
# Usage: pwsh collect.ps1 [DIR]
param([string]$Out = '@@OUT@@')
$ErrorActionPreference = 'Stop'
$Subscription = '@@SUBSCRIPTION@@'
$ResourceGroup = '@@RESOURCE_GROUP@@'
$Workspace = '@@WORKSPACE@@'
$Tenant = '@@TENANT@@'
$Tries = 5
$Arm = 'https://management.azure.com'
$Graph = 'https://graph.microsoft.com/v1.0'
$Select = 'id,displayName,userPrincipalName,appId,servicePrincipalType,alternativeNames'
$Utf8 = New-Object System.Text.UTF8Encoding $false
$Work = Join-Path ([System.IO.Path]::GetTempPath()) ("reach-collect-" + [guid]::NewGuid())
New-Item -ItemType Directory -Path $Work | Out-Null
$Records = [ordered]@{}

function Die($msg) { [Console]::Error.WriteLine("reach collect: $msg"); Remove-Item -Recurse -Force $Work; exit 2 }
function Safe([string]$s) {
  $s = [regex]::Replace($s, '[^A-Za-z0-9._-]', '_')
  while ($s.StartsWith('.')) { $s = '_' + $s.Substring(1) }
  if ($s -eq '') { '_' } else { $s }
}
function ScopeKey([string]$scope) {
  $parts = $scope.Split('/') | Where-Object { $_ -ne '' }
  $o = @(); $i = 0
  while ($i -lt $parts.Count) {
    $l = $parts[$i].ToLowerInvariant()
    if ($l -eq 'subscriptions' -or $l -eq 'resourcegroups') { if ($i + 1 -lt $parts.Count) { $o += $parts[$i + 1] }; $i += 2 }
    elseif ($l -eq 'providers') { $i += 2 }
    else { $o += $parts[$i]; $i += 1 }
  }
  Safe ($o -join '.')
}
function Classify([string]$e) {
  $e = $e.ToLowerInvariant()
  if ($e -match 'aadpremiumlicenserequired|premium 2 license|entra id p2') { 'unlicensed' }
  elseif ($e -match 'too many requests|toomanyrequests|requeststhrottled|throttled|\(429\)') { 'throttled' }
  elseif ($e -match 'authorizationfailed|authorization_requestdenied|forbidden|does not have authorization|insufficient privileges|\(403\)') { 'denied' }
  elseif ($e -match 'az login|aadsts|interactionrequired|invalidauthenticationtoken') { 'login' }
  elseif ($e -match 'internal server error|internalservererror|service unavailable|serviceunavailable|bad gateway|gateway timeout|connection aborted|connection reset|timed out|\(50[0234]\)') { 'transient' }
  elseif ($e -match 'not found|notfound|could not be found|\(404\)|invalidresourcetype') { 'unavailable' }
  else { 'failed' }
}
function StatusOf($kind) { if ($kind -in 'denied', 'unlicensed', 'unavailable') { $kind } else { 'failed' } }

# Call-Az ARGS: az with retries on 429/5xx (Retry-After honoured); sets $script:Rc, $script:Kind, $script:Stdout, $script:Stderr
function Call-Az([string[]]$AzArgs) {
  $attempt = 1
  while ($true) {
    $script:Calls++
    $errFile = Join-Path $Work 'err'
    $script:Stdout = (& az @AzArgs 2>$errFile | Out-String)
    $script:Rc = $LASTEXITCODE
    $script:Stderr = if (Test-Path $errFile) { [System.IO.File]::ReadAllText($errFile) } else { '' }
    if ($script:Rc -eq 0) { $script:Kind = 'ok'; return $true }
    $script:Kind = Classify $script:Stderr
    if ($script:Kind -notin 'throttled', 'transient') { return $false }
    if ($attempt -ge $Tries) { return $false }
    $wait = 0
    if ($script:Kind -eq 'throttled' -and $script:Stderr -match "(?i)(retry-after|try again after|retry after)[ :'`"]*([0-9]+)") { $wait = [int]$Matches[2] }
    if ($wait -le 0) { $wait = [math]::Pow(2, $attempt) }
    [Console]::Error.WriteLine("retry       $($script:File)  $($script:Kind): waiting ${wait}s")
    $script:Waited += $wait * 1000
    $scale = if ($env:REACH_COLLECT_SLEEP_SCALE) { [double]$env:REACH_COLLECT_SLEEP_SCALE } else { 1 }
    Start-Sleep -Milliseconds ([int]($wait * 1000 * $scale))
    $attempt++
  }
}
# the JSON document in az's stdout: lines before it dropped
function Extract([string]$text) {
  $lines = $text -split "`n"
  for ($i = 0; $i -lt $lines.Count; $i++) {
    if ($lines[$i].TrimStart().StartsWith('{') -or $lines[$i].TrimStart().StartsWith('[')) {
      $doc = ($lines[$i..($lines.Count - 1)] -join "`n").TrimEnd() + "`n"
      try { $null = $doc | ConvertFrom-Json; return $doc } catch { return $null }
    }
  }
  $null
}
function Items($v) {
  if ($v -is [array]) { $v.Count } elseif ($null -ne $v.value -and $v.value -is [array]) { $v.value.Count } else { 1 }
}
function Save([string]$doc) {
  $path = Join-Path $Out $script:File
  New-Item -ItemType Directory -Force -Path (Split-Path $path) | Out-Null
  [System.IO.File]::WriteAllText("$path.reach-tmp", $doc, $Utf8)
  Move-Item -Force "$path.reach-tmp" $path
  $script:Items = Items ($doc | ConvertFrom-Json)
  $script:Sha = (Get-FileHash -Algorithm SHA256 $path).Hash.ToLowerInvariant()
  $script:Bytes = (Get-Item $path).Length
}
function Begin($file, $what, $scope, $affects) {
  $script:File = $file; $script:What = $what; $script:Scope = $scope; $script:Affects = $affects
  $script:Calls = 0; $script:Waited = 0; $script:Pages = 0; $script:Items = $null; $script:Sha = $null; $script:Bytes = $null; $script:Rc = $null
}
function Record($status, [string[]]$cmd) {
  $err = ''
  if ($status -ne 'complete') { $err = (($script:Stderr -split "`n" | Where-Object { $_.Trim() -ne '' } | Select-Object -Last 5) -join "`n") }
  $Records[$script:File] = [ordered]@{ file = $script:File; what = $script:What; scope = $script:Scope; affects = $script:Affects; status = $status;
    command = @($cmd); exit_code = $script:Rc; stderr = $err; items = $script:Items; pages = $script:Pages; calls = $script:Calls;
    waited_ms = $script:Waited; sha256 = $script:Sha; bytes = $script:Bytes }
  [Console]::Error.WriteLine(('{0,-11} {1}' -f $status, $script:File))
  $script:Status = $status
  Write-Manifest $false
}
function Write-Manifest([bool]$sealed) {
  $m = [ordered]@{ collect_manifest = 1; reach_version = '@@VERSION@@ (collect.ps1)'; az_version = $Version.'azure-cli';
    az_ml_version = $Version.extensions.ml; tenant = $Account.tenantId; account = $Account.user.name; account_type = $Account.user.type;
    target = $Target; started = $Started; finished = $(if ($sealed) { (Get-Date).ToUniversalTime().ToString('yyyy-MM-ddTHH:mm:ssZ') } else { $null });
    sealed = $sealed; not_collected = @([ordered]@{ what = 'PIM for Groups (eligible and time-bound group memberships)';
      why = "Microsoft Graph requires PrivilegedEligibilitySchedule.Read.AzureADGroup, which the az CLI's token does not carry" });
    inputs = @($Records.Keys | Sort-Object { $_ } -Culture ([cultureinfo]::InvariantCulture) | ForEach-Object { $Records[$_] }) }
  $path = Join-Path $Out 'collect-manifest.json'
  [System.IO.File]::WriteAllText("$path.reach-tmp", ($m | ConvertTo-Json -Depth 20), $Utf8)
  Move-Item -Force "$path.reach-tmp" $path
}
# Once FILE WHAT SCOPE AFFECTS ARGS: one az call, its JSON as the file
function Once($file, $what, $scope, $affects, [string[]]$AzArgs) {
  Begin $file $what $scope $affects
  if (Call-Az $AzArgs) {
    $doc = Extract $script:Stdout
    if ($null -ne $doc) { $script:Pages = 1; Save $doc; Record 'complete' (@('az') + $AzArgs) }
    else { $script:Stderr = 'az printed no JSON'; Record 'failed' (@('az') + $AzArgs) }
  } else { Record (StatusOf $script:Kind) (@('az') + $AzArgs) }
}
# Paged FILE WHAT SCOPE AFFECTS URL: az rest GET, nextLink followed, pages merged
function Paged($file, $what, $scope, $affects, [string]$url) {
  Begin $file $what $scope $affects
  $cmd = @('az', 'rest', '--method', 'get', '--url', $url, '-o', 'json')
  $pages = @(); $raw = $null; $fail = $null
  while ($true) {
    $ok = Call-Az @('rest', '--method', 'get', '--url', $url, '-o', 'json')
    $doc = if ($ok) { Extract $script:Stdout } else { $null }
    if ($null -eq $doc) { $fail = if ($ok) { 'failed' } else { StatusOf $script:Kind }; break }
    $script:Pages++; $raw = $doc; $v = $doc | ConvertFrom-Json; $pages += , $v
    $next = if ($v.nextLink) { $v.nextLink } elseif ($v.'@odata.nextLink') { $v.'@odata.nextLink' } else { '' }
    if (-not $next -or $next -eq $url) { break }
    $url = $next
  }
  if ($pages.Count -eq 0) { Record $fail $cmd; return }
  if ($pages.Count -eq 1 -and -not $fail) { Save $raw }
  else {
    $merged = [ordered]@{}
    foreach ($p in $pages[0].PSObject.Properties) { if ($p.Name -notin 'nextLink', '@odata.nextLink', 'value') { $merged[$p.Name] = $p.Value } }
    $merged['value'] = @($pages | ForEach-Object { $_.value })
    Save (($merged | ConvertTo-Json -Depth 100) + "`n")
  }
  Record $(if ($fail) { 'partial' } else { 'complete' }) $cmd
}
function Ml([string[]]$words) { @('ml') + $words + @('--resource-group', $script:WsRg, '--workspace-name', $script:WsName, '--subscription', $script:WsSub, '-o', 'json') }
function ArmPart([string]$id, [string]$key) {
  $p = $id.Split('/'); for ($i = 0; $i -lt $p.Count - 1; $i++) { if ($p[$i] -ieq $key) { return $p[$i + 1] } }; $null
}
function Show($kind, [string]$id) {
  $sub = ArmPart $id 'subscriptions'; $rg = ArmPart $id 'resourceGroups'; $name = $id.Split('/')[-1]
  if (-not $sub -or -not $rg) { return }
  $A = "this resource's settings (network, local keys, permission model) are unknown"
  $tail = @('--name', $name, '--resource-group', $rg, '--subscription', $sub, '-o', 'json')
  switch ($kind) {
    'storage' { Once "azure/resources/storage.$(Safe $name).json" "storage account $name" $id $A (@('storage', 'account', 'show') + $tail) }
    'keyvault' { Once "azure/resources/keyvault.$(Safe $name).json" "key vault $name" $id $A (@('keyvault', 'show') + $tail) }
    'acr' { Once "azure/resources/acr.$(Safe $name).json" "container registry $name" $id $A (@('acr', 'show') + $tail) }
    'identity' { Once "azure/resources/identity.$(Safe $name).json" "user-assigned identity $name" $id "this identity's object and client IDs are unknown: paths through it may be unnamed" (@('identity', 'show') + $tail) }
  }
  if ($kind -ne 'identity') { $script:Subs += $sub }
}
function Uais($v) {
  foreach ($o in @($v)) {
    $u = $o.identity.user_assigned_identities
    if ($u -is [array]) { foreach ($e in $u) { if ($e.resource_id) { $e.resource_id } elseif ($e.id) { $e.id } } }
    elseif ($null -ne $u) { $u.PSObject.Properties.Name | Where-Object { $_.StartsWith('/') } }
    if ($o.primary_user_assigned_identity) { $o.primary_user_assigned_identity }
  }
}
function ReadJson($rel) { $p = Join-Path $Out $rel; if (Test-Path $p) { [System.IO.File]::ReadAllText($p) | ConvertFrom-Json } else { $null } }
function Entries($v) { if ($null -eq $v) { @() } elseif ($v -is [array]) { $v } elseif ($null -ne $v.value) { @($v.value) } else { @() } }
function Unique([string[]]$xs) { $seen = @{}; foreach ($x in $xs) { if ($x -and -not $seen.ContainsKey($x.ToLowerInvariant())) { $seen[$x.ToLowerInvariant()] = 1; $x } } }

# ---------------------------------------------------------------- up-front checks
if (-not (Get-Command az -ErrorAction SilentlyContinue)) { Die 'az (the Azure CLI) is not installed or not on PATH: install it, then run az login' }
$Version = (& az version -o json 2>$null | Out-String) | ConvertFrom-Json
if (-not $Version.extensions.ml) { Die 'the Azure ML extension of az is not installed: run az extension add --name ml' }
$acc = (& az account show -o json 2>$null | Out-String)
if ($LASTEXITCODE -ne 0) { Die ('az is not logged in: run az login' + $(if ($Tenant) { " --tenant $Tenant" } else { '' })) }
$Account = $acc | ConvertFrom-Json
if ($Subscription) {
  $s = (& az account show --subscription $Subscription -o json 2>$null | Out-String)
  if ($LASTEXITCODE -ne 0) { Die "subscription $Subscription is not one az can use: run az login for the tenant that holds it, or check the ID with az account list" }
  $s = $s | ConvertFrom-Json; $Account.tenantId = $s.tenantId; $Account.id = $s.id
}
if ($Tenant -and $Account.tenantId -ne $Tenant) { Die "az is signed in to tenant $($Account.tenantId) for this subscription, not ${Tenant}: run az login --tenant $Tenant" }
$Sub = $Account.id
$Target = [ordered]@{}
if ($Subscription) { $Target.subscription = $Subscription }
if ($ResourceGroup) { $Target.resource_group = $ResourceGroup }
if ($Workspace) { $Target.workspace = $Workspace }
$Workspaces = @()
if ($Workspace) {
  & az ml workspace show --name $Workspace --resource-group $ResourceGroup --subscription $Sub -o json 2>$null | Out-Null
  if ($LASTEXITCODE -ne 0) { Die "cannot read workspace $Workspace in resource group $ResourceGroup (subscription $Sub)" }
  $Workspaces += , @($Sub, $ResourceGroup, $Workspace)
} else {
  $url = "$Arm/subscriptions/$Sub$(if ($ResourceGroup) { "/resourceGroups/$ResourceGroup" })/providers/Microsoft.MachineLearningServices/workspaces?api-version=2024-04-01"
  while ($url) {
    $l = (& az rest --method get --url $url -o json 2>$null | Out-String)
    if ($LASTEXITCODE -ne 0) { Die 'cannot list the Azure ML workspaces' }
    $l = $l | ConvertFrom-Json
    foreach ($w in @($l.value)) { $p = $w.id.Split('/'); $Workspaces += , @($p[2], $p[4], $p[-1]) }
    $url = $l.nextLink
  }
  if ($Workspaces.Count -eq 0) { Die "no Azure ML workspace in subscription $Sub" }
}
if ((Test-Path $Out) -and (Get-ChildItem -Force $Out | Select-Object -First 1)) { Die "$Out is not empty: collect into a new folder" }
New-Item -ItemType Directory -Force -Path $Out | Out-Null
$Started = (Get-Date).ToUniversalTime().ToString('yyyy-MM-ddTHH:mm:ssZ')
$Subs = @(); $Scopes = @(); $Deps = @(); $UaiIds = @()

# ---------------------------------------------------------------- workspaces and what they name
$dups = $Workspaces | Group-Object { $_[2].ToLowerInvariant() } | Where-Object { $_.Count -gt 1 } | ForEach-Object { $_.Name }
foreach ($w in $Workspaces) {
  $script:WsSub = $w[0]; $script:WsRg = $w[1]; $script:WsName = $w[2]
  $WsId = "/subscriptions/$WsSub/resourceGroups/$WsRg/providers/Microsoft.MachineLearningServices/workspaces/$WsName"
  $D = if ($dups -contains $WsName.ToLowerInvariant()) { "azureml/$(Safe "$WsRg.$WsName")" } else { "azureml/$(Safe $WsName)" }
  Once "$D/workspace.json" "workspace $WsName" $WsId 'answers about this workspace and its identity may be missing' @('ml', 'workspace', 'show', '--name', $WsName, '--resource-group', $WsRg, '--subscription', $WsSub, '-o', 'json')
  if ($script:Status -ne 'complete') { continue }
  $ws = ReadJson "$D/workspace.json"
  $A = "answers about this workspace's resources and identities may be incomplete"
  Once "$D/computes.json" "computes of workspace $WsName" $WsId $A (Ml @('compute', 'list'))
  Once "$D/online-endpoints.json" "online endpoints of workspace $WsName" $WsId $A (Ml @('online-endpoint', 'list'))
  Once "$D/batch-endpoints.json" "batch endpoints of workspace $WsName" $WsId $A (Ml @('batch-endpoint', 'list'))
  Paged "$D/datastores.json" "datastores of workspace $WsName" $WsId 'answers may miss access through datastore credentials' "$Arm$WsId/datastores?api-version=2024-04-01"
  Once "$D/connections.json" "connections of workspace $WsName" $WsId $A (Ml @('connection', 'list'))
  Once "$D/environments.json" "environments of workspace $WsName" $WsId $A (Ml @('environment', 'list'))
  foreach ($kind in 'online', 'batch') {
    $list = ReadJson "$D/$kind-endpoints.json"
    foreach ($ep in (Unique @(Entries $list | ForEach-Object { $_.name }))) {
      $scope = if ($kind -eq 'online') { "$WsId/onlineEndpoints/$ep" } else { "$WsId/batchEndpoints/$ep" }
      Once "$D/$kind-endpoints/$(Safe $ep).json" "$kind endpoint $ep" $scope 'answers about this endpoint (auth mode, identity) may be wrong' (Ml @("$kind-endpoint", 'show', '--name', $ep))
      Once "$D/$kind-endpoints/$(Safe $ep).deployments.json" "deployments of $kind endpoint $ep" $scope "answers about this endpoint's deployments (images, compute) may be incomplete" (Ml @("$kind-deployment", 'list', '--endpoint-name', $ep))
    }
    $UaiIds += Uais (Entries $list)
  }
  $Subs += $WsSub
  $Scopes += "/subscriptions/$WsSub/resourceGroups/$WsRg", $WsId
  foreach ($pair in @(@('storage', $ws.storage_account), @('keyvault', $ws.key_vault), @('acr', $ws.container_registry))) {
    if ($pair[1] -and $pair[1].StartsWith('/')) { $Deps += , $pair }
  }
  $UaiIds = @(Uais $ws) + $UaiIds + @(Uais (Entries (ReadJson "$D/computes.json")))
}
$seenDep = @{}
foreach ($d in $Deps) { $k = $d[1].ToLowerInvariant(); if ($seenDep.ContainsKey($k)) { continue }; $seenDep[$k] = 1; Show $d[0] $d[1]; $Scopes += $d[1] }
foreach ($id in (Unique $UaiIds)) { Show 'identity' $id }

# ---------------------------------------------------------------- RBAC, deny, PIM per subscription and scope
$all = @()
foreach ($s in (Unique $Subs)) {
  Once "azure/role-assignments.$(Safe $s).json" "role assignments of subscription $s" "/subscriptions/$s" 'answers may miss principals' @('role', 'assignment', 'list', '--all', '--subscription', $s, '-o', 'json')
  Paged "azure/deny-assignments.$(Safe $s).json" "deny assignments of subscription $s" "/subscriptions/$s" 'answers may list principals a deny assignment blocks' "$Arm/subscriptions/$s/providers/Microsoft.Authorization/denyAssignments?api-version=2022-04-01"
  $all += "/subscriptions/$s"
}
foreach ($sc in (Unique ($all + $Scopes))) {
  $k = ScopeKey $sc
  Paged "azure/pim/eligible.$k.json" "PIM eligible role assignments at $sc" $sc 'answers may miss principals who can activate a role (PIM)' "$Arm$sc/providers/Microsoft.Authorization/roleEligibilityScheduleInstances?api-version=2020-10-01"
  Paged "azure/pim/active.$k.json" "PIM active role assignments at $sc" $sc 'answers may miss time-bound (PIM) assignments' "$Arm$sc/providers/Microsoft.Authorization/roleAssignmentScheduleInstances?api-version=2020-10-01"
}

# ---------------------------------------------------------------- role definitions and principals they name
$rbac = @($Records.Values | Where-Object { $_.status -in 'complete', 'partial' -and ($_.file -like 'azure/role-assignments.*' -or $_.file -like 'azure/pim/*' -or $_.file -like 'azure/deny-assignments.*') } | ForEach-Object { Entries (ReadJson $_.file) })
$roles = @{}
$principals = New-Object 'System.Collections.Generic.SortedSet[string]' ([System.StringComparer]::Ordinal)
foreach ($e in $rbac) {
  $rd = if ($e.roleDefinitionId) { $e.roleDefinitionId } else { $e.properties.roleDefinitionId }
  if ($rd -and $rd.StartsWith('/')) {
    $g = $rd.Split('/')[-1].ToLowerInvariant()
    if (-not $roles.ContainsKey($g) -or [string]::CompareOrdinal($rd, $roles[$g]) -lt 0) { $roles[$g] = $rd }
  }
  $p = if ($e.principalId) { $e.principalId } else { $e.properties.principalId }
  if ($p) { [void]$principals.Add($p.ToLowerInvariant()) }
  foreach ($x in @($e.properties.principals) + @($e.properties.excludePrincipals)) {
    if ($x.id -and $x.id -ne '00000000-0000-0000-0000-000000000000') { [void]$principals.Add($x.id.ToLowerInvariant()) }
  }
}
foreach ($g in ($roles.Keys | Sort-Object)) {
  $rd = $roles[$g]; $s = ArmPart $rd 'subscriptions'
  Once "azure/role-definitions/$(Safe $g).json" "role definition $g" $(if ($s) { "/subscriptions/$s" } else { '' }) 'what this role grants is unknown (unless it is a built-in role reach ships)' @('rest', '--method', 'get', '--url', "$Arm${rd}?api-version=2022-04-01", '-o', 'json')
}
$ids = @($principals); $n = 0
for ($i = 0; $i -lt $ids.Count; $i += 1000) {
  $n++; $chunk = $ids[$i..([math]::Min($i + 999, $ids.Count - 1))]
  $body = Join-Path $Work "body.$n.json"
  [System.IO.File]::WriteAllText($body, (ConvertTo-Json -Compress @{ ids = @($chunk); types = @('user', 'group', 'servicePrincipal') }), $Utf8)
  Once "entra/principals.$n.json" "directory objects $($i + 1)–$($i + $chunk.Count) named by role assignments" '' 'principals appear by object ID only, and groups among them are not expanded' @('rest', '--method', 'post', '--url', "$Graph/directoryObjects/getByIds", '--body', "@$body", '-o', 'json')
}

# ---------------------------------------------------------------- members of groups, nested groups in turn
function Groups($v) { Entries $v | Where-Object { "$($_.'@odata.type')".ToLowerInvariant() -eq '#microsoft.graph.group' } | ForEach-Object { $_.id.ToLowerInvariant() } }
$next = @(1..$n | ForEach-Object { Groups (ReadJson "entra/principals.$_.json") } | Sort-Object -Unique)
$seen = @{}
for ($depth = 0; $next.Count -gt 0 -and $depth -lt 16; $depth++) {
  $found = @()
  foreach ($g in $next) {
    if ($seen.ContainsKey($g)) { continue }; $seen[$g] = 1
    Paged "entra/members/$(Safe $g).members.json" "members of group $g" $g 'members of this group are unknown: they reach what the group reaches' "$Graph/groups/$g/members?`$select=$Select&`$top=999"
    $found += Groups (ReadJson "entra/members/$(Safe $g).members.json")
  }
  $next = @($found | Sort-Object -Unique)
}

Write-Manifest $true
Remove-Item -Recurse -Force $Work
$incomplete = @($Records.Values | Where-Object { $_.status -ne 'complete' }).Count
[Console]::Error.WriteLine("collected $($Records.Count) inputs into $Out ($incomplete not complete); open it: reach $Out")
if ($incomplete -gt 0) { exit 1 } else { exit 0 }
