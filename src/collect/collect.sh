#!/usr/bin/env bash
# reach collect, as a script: the read-only az commands `reach collect` runs, writing the same
# folder (one JSON file per input, as az printed it, and collect-manifest.json). Run it where az
# is signed in; copy the folder back and open it with `reach DIR`.
# Needs: az (az login), its ml extension (az extension add --name ml), jq, sha256sum or shasum.
# Usage: bash collect.sh [DIR]
set -uo pipefail

OUT="${1:-@@OUT@@}"
SUBSCRIPTION=@@SUBSCRIPTION@@
RESOURCE_GROUP=@@RESOURCE_GROUP@@
WORKSPACE=@@WORKSPACE@@
TENANT=@@TENANT@@
TRIES=5
ARM=https://management.azure.com
GRAPH=https://graph.microsoft.com/v1.0
SELECT=id,displayName,userPrincipalName,appId,servicePrincipalType,alternativeNames

die() { echo "reach collect: $*" >&2; exit 2; }
command -v az >/dev/null 2>&1 || die "az (the Azure CLI) is not installed or not on PATH: install it, then run az login"
command -v jq >/dev/null 2>&1 || die "this script needs jq (https://jqlang.org/download/)"
if command -v sha256sum >/dev/null 2>&1; then sha() { sha256sum "$1" | cut -d' ' -f1; }
else sha() { shasum -a 256 "$1" | cut -d' ' -f1; }; fi
WORK=$(mktemp -d) || die "cannot make a temp folder"
trap 'rm -rf "$WORK"' EXIT
: >"$WORK/records"

safe() { # a file-name part: [A-Za-z0-9._-], no leading dot
  local s; s=$(printf '%s' "$1" | LC_ALL=C tr -c 'A-Za-z0-9._-' '_')
  while [ "${s#.}" != "$s" ]; do s="_${s#.}"; done
  printf '%s' "${s:-_}"
}
scope_key() { # /subscriptions/S/resourceGroups/R/providers/NS/type/name -> S.R.type.name
  safe "$(printf '%s' "$1" | awk -F/ '{o="";for(i=1;i<=NF;i++){if($i=="")continue;l=tolower($i);
    if(l=="subscriptions"||l=="resourcegroups"){i++;o=o (o==""?"":".") $i}
    else if(l=="providers"){i++}else{o=o (o==""?"":".") $i}};printf "%s",o}')"
}
classify() { # stderr file -> denied|unlicensed|throttled|transient|login|unavailable|failed
  local e; e=$(tr 'A-Z' 'a-z' <"$1")
  case "$e" in
    *aadpremiumlicenserequired*|*"premium 2 license"*|*"entra id p2"*) echo unlicensed ;;
    *"too many requests"*|*toomanyrequests*|*requeststhrottled*|*throttled*|*"(429)"*) echo throttled ;;
    *authorizationfailed*|*authorization_requestdenied*|*forbidden*|*"does not have authorization"*|*"insufficient privileges"*|*"(403)"*) echo denied ;;
    *"az login"*|*aadsts*|*interactionrequired*|*invalidauthenticationtoken*) echo login ;;
    *"internal server error"*|*internalservererror*|*"service unavailable"*|*serviceunavailable*|*"bad gateway"*|*"gateway timeout"*|*"connection aborted"*|*"connection reset"*|*"timed out"*|*"(50"[0234]")"*) echo transient ;;
    *"not found"*|*notfound*|*"could not be found"*|*"(404)"*|*invalidresourcetype*) echo unavailable ;;
    *) echo failed ;;
  esac
}
status_of() { case "$1" in denied|unlicensed|unavailable) echo "$1" ;; *) echo failed ;; esac; }

# call ARGS...: az with retries on 429/5xx (Retry-After honoured); sets RC and KIND
call() {
  local attempt=1 wait
  while :; do
    CALLS=$((CALLS + 1))
    az "$@" <"/dev/null" >"$WORK/out" 2>"$WORK/err"; RC=$?
    if [ "$RC" -eq 0 ]; then KIND=ok; return 0; fi
    KIND=$(classify "$WORK/err")
    case "$KIND" in throttled|transient) ;; *) return 1 ;; esac
    [ "$attempt" -lt "$TRIES" ] || return 1
    wait=""
    [ "$KIND" = throttled ] && wait=$(grep -oiE "(retry-after|try again after|retry after)[ :'\"]*[0-9]+" "$WORK/err" | head -n 1 | grep -oE '[0-9]+$')
    [ -n "$wait" ] || wait=$((2 << (attempt - 1)))
    echo "retry       $FILE  $KIND: waiting ${wait}s" >&2
    WAITED=$((WAITED + wait * 1000))
    sleep "$(awk -v w="$wait" -v s="${REACH_COLLECT_SLEEP_SCALE:-1}" 'BEGIN{print w*s}')"
    attempt=$((attempt + 1))
  done
}
extract() { # the JSON document in az's stdout (lines before it dropped); fails on no JSON
  sed -n '/^[[:space:]]*[[{]/,$p' "$1" >"$2"
  if [ -s "$2" ] && [ -n "$(tail -c 1 "$2")" ]; then echo >>"$2"; fi
  [ -s "$2" ] && jq -e . "$2" >/dev/null 2>&1
}
argv_json() { printf '%s\n' "$@" | jq -Rnc '[inputs]'; } # one argument a line (none holds a newline)
items() { jq 'if type=="array" then length elif type=="object" and (.value|type)=="array" then (.value|length) else 1 end' "$1"; }
save() { # save DOC: write $OUT/$FILE atomically
  mkdir -p "$(dirname "$OUT/$FILE")"
  cp "$1" "$OUT/$FILE.reach-tmp" && mv "$OUT/$FILE.reach-tmp" "$OUT/$FILE"
  ITEMS=$(items "$OUT/$FILE"); SHA="\"$(sha "$OUT/$FILE")\""; BYTES=$(wc -c <"$OUT/$FILE" | tr -d ' ')
}
begin() { FILE=$1 WHAT=$2 SCOPE=$3 AFFECTS=$4; CALLS=0 WAITED=0 PAGES=0 ITEMS=null SHA=null BYTES=null RC=null ERR=""; }
record() { # the input's manifest entry; the manifest is rewritten after every input
  [ "$STATUS" = complete ] || ERR=$(tail -n 5 "$WORK/err" 2>/dev/null | cut -c1-600)
  jq -cn --arg file "$FILE" --arg what "$WHAT" --arg scope "$SCOPE" --arg affects "$AFFECTS" \
    --arg status "$STATUS" --argjson command "$CMD" --argjson exit_code "$RC" --arg stderr "$ERR" \
    --argjson items "$ITEMS" --argjson pages "$PAGES" --argjson calls "$CALLS" --argjson waited_ms "$WAITED" \
    --argjson sha256 "$SHA" --argjson bytes "$BYTES" \
    '{file:$file,what:$what,scope:$scope,affects:$affects,status:$status,command:$command,exit_code:$exit_code,stderr:$stderr,items:$items,pages:$pages,calls:$calls,waited_ms:$waited_ms,sha256:$sha256,bytes:$bytes}' \
    >>"$WORK/records"
  printf '%-11s %s\n' "$STATUS" "$FILE" >&2
  manifest false
}
manifest() { # manifest SEALED
  jq -s --argjson sealed "$1" --arg started "$STARTED" --arg finished "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
    --argjson account "$ACCOUNT" --argjson version "$VERSION" --argjson target "$TARGET" \
    '{collect_manifest:1, reach_version:"@@VERSION@@ (collect.sh)", az_version:$version["azure-cli"],
      az_ml_version:$version.extensions.ml, tenant:$account.tenantId, account:$account.user.name,
      account_type:$account.user.type, target:$target, started:$started,
      finished:(if $sealed then $finished else null end), sealed:$sealed,
      not_collected:[{what:"PIM for Groups (eligible and time-bound group memberships)",
        why:"Microsoft Graph requires PrivilegedEligibilitySchedule.Read.AzureADGroup, which the az CLI'"'"'s token does not carry"}],
      inputs:(group_by(.file) | map(last) | sort_by(.file))}' "$WORK/records" >"$OUT/collect-manifest.json.reach-tmp" &&
    mv "$OUT/collect-manifest.json.reach-tmp" "$OUT/collect-manifest.json"
}
# once FILE WHAT SCOPE AFFECTS ARGS...: one az call, its JSON as the file
once() {
  begin "$1" "$2" "$3" "$4"; shift 4
  CMD=$(argv_json az "$@")
  if call "$@"; then
    if extract "$WORK/out" "$WORK/doc"; then PAGES=1; save "$WORK/doc"; STATUS=complete
    else STATUS=failed; echo "az printed no JSON" >"$WORK/err"; fi
  else STATUS=$(status_of "$KIND"); fi
  record
}
# paged FILE WHAT SCOPE AFFECTS URL: az rest GET, nextLink followed, pages merged
paged() {
  begin "$1" "$2" "$3" "$4"; local url=$5 next fail=""
  CMD=$(argv_json az rest --method get --url "$url" -o json)
  : >"$WORK/pages"
  while :; do
    if call rest --method get --url "$url" -o json && extract "$WORK/out" "$WORK/page"; then
      PAGES=$((PAGES + 1)); jq -c . "$WORK/page" >>"$WORK/pages"
      next=$(jq -r '.nextLink // .["@odata.nextLink"] // empty' "$WORK/page")
      if [ -z "$next" ] || [ "$next" = "$url" ]; then break; fi
      url=$next
    else
      [ "$RC" -eq 0 ] && KIND=failed
      fail=$(status_of "$KIND"); break
    fi
  done
  if [ "$PAGES" -eq 0 ]; then STATUS=${fail:-failed}
  else
    if [ "$PAGES" -eq 1 ] && [ -z "$fail" ]; then cp "$WORK/page" "$WORK/doc"
    else jq -s '(.[0] | del(.nextLink, .["@odata.nextLink"])) + {value: (map(.value // []) | add)}' "$WORK/pages" >"$WORK/doc"; fi
    save "$WORK/doc"
    if [ -n "$fail" ]; then STATUS=partial; else STATUS=complete; fi
  fi
  record
}
ml() { # ml WORDS... : az ml WORDS... --resource-group RG --workspace-name WS --subscription SUB -o json
  az_args=(ml "$@" --resource-group "$WS_RG" --workspace-name "$WS_NAME" --subscription "$WS_SUB" -o json)
}
show() { # show KIND ID: az <group> show --name N --resource-group R --subscription S
  local id=$2 sub rg name
  sub=$(printf '%s' "$id" | awk -F/ '{for(i=1;i<NF;i++)if(tolower($i)=="subscriptions"){print $(i+1);exit}}')
  rg=$(printf '%s' "$id" | awk -F/ '{for(i=1;i<NF;i++)if(tolower($i)=="resourcegroups"){print $(i+1);exit}}')
  name=${id##*/}
  [ -n "$sub" ] && [ -n "$rg" ] || return 0
  case "$1" in
    storage) once "azure/resources/storage.$(safe "$name").json" "storage account $name" "$id" "this resource's settings (network, local keys, permission model) are unknown" storage account show --name "$name" --resource-group "$rg" --subscription "$sub" -o json ;;
    keyvault) once "azure/resources/keyvault.$(safe "$name").json" "key vault $name" "$id" "this resource's settings (network, local keys, permission model) are unknown" keyvault show --name "$name" --resource-group "$rg" --subscription "$sub" -o json ;;
    acr) once "azure/resources/acr.$(safe "$name").json" "container registry $name" "$id" "this resource's settings (network, local keys, permission model) are unknown" acr show --name "$name" --resource-group "$rg" --subscription "$sub" -o json ;;
    identity) once "azure/resources/identity.$(safe "$name").json" "user-assigned identity $name" "$id" "this identity's object and client IDs are unknown: paths through it may be unnamed" identity show --name "$name" --resource-group "$rg" --subscription "$sub" -o json ;;
  esac
  [ "$1" = identity ] || echo "$sub" >>"$WORK/subs"
}
uais() { # UAI resource IDs named by an az ml object (or each entry of a list)
  jq -r 'if type=="array" then .[] else . end | [(.identity.user_assigned_identities // {} |
    if type=="object" then keys[] | select(startswith("/")) elif type=="array" then .[] | (.resource_id // .id // empty) else empty end),
    (.primary_user_assigned_identity // empty)] | .[]' "$1" 2>/dev/null
}

# ---------------------------------------------------------------- up-front checks
VERSION=$(az version -o json 2>"$WORK/err") || die "\`az version\` failed: $(head -n 1 "$WORK/err")"
[ "$(printf '%s' "$VERSION" | jq -r '.extensions.ml // empty')" != "" ] || die "the Azure ML extension of az is not installed: run az extension add --name ml"
ACCOUNT=$(az account show -o json 2>"$WORK/err") || die "az is not logged in: run az login${TENANT:+ --tenant $TENANT}"
if [ -n "$SUBSCRIPTION" ]; then
  SUBACC=$(az account show --subscription "$SUBSCRIPTION" -o json 2>"$WORK/err") ||
    die "subscription $SUBSCRIPTION is not one az can use: run az login for the tenant that holds it, or check the ID with az account list"
  ACCOUNT=$(printf '%s' "$ACCOUNT" | jq -c --argjson s "$SUBACC" '. + {tenantId: $s.tenantId, id: $s.id}')
fi
ACCOUNT=$(printf '%s' "$ACCOUNT" | jq -c .)
SUB=$(printf '%s' "$ACCOUNT" | jq -r .id)
if [ -n "$TENANT" ] && [ "$(printf '%s' "$ACCOUNT" | jq -r .tenantId | tr 'A-Z' 'a-z')" != "$(printf '%s' "$TENANT" | tr 'A-Z' 'a-z')" ]; then
  die "az is signed in to tenant $(printf '%s' "$ACCOUNT" | jq -r .tenantId) for this subscription, not $TENANT: run az login --tenant $TENANT"
fi
VERSION=$(printf '%s' "$VERSION" | jq -c .)
TARGET=$(jq -cn --arg s "$SUBSCRIPTION" --arg g "$RESOURCE_GROUP" --arg w "$WORKSPACE" \
  '{subscription: $s, resource_group: $g, workspace: $w} | with_entries(select(.value != ""))')
: >"$WORK/workspaces"
if [ -n "$WORKSPACE" ]; then
  az ml workspace show --name "$WORKSPACE" --resource-group "$RESOURCE_GROUP" --subscription "$SUB" -o json >/dev/null 2>"$WORK/err" ||
    die "cannot read workspace $WORKSPACE in resource group $RESOURCE_GROUP (subscription $SUB): $(grep -m 1 ERROR "$WORK/err")"
  printf '%s\t%s\t%s\n' "$SUB" "$RESOURCE_GROUP" "$WORKSPACE" >"$WORK/workspaces"
else
  url="$ARM/subscriptions/$SUB${RESOURCE_GROUP:+/resourceGroups/$RESOURCE_GROUP}/providers/Microsoft.MachineLearningServices/workspaces?api-version=2024-04-01"
  while [ -n "$url" ]; do
    az rest --method get --url "$url" -o json >"$WORK/list" 2>"$WORK/err" || die "cannot list the Azure ML workspaces: $(grep -m 1 ERROR "$WORK/err")"
    jq -r '.value[].id' "$WORK/list" | awk -F/ '{print $3"\t"$5"\t"$NF}' >>"$WORK/workspaces"
    url=$(jq -r '.nextLink // empty' "$WORK/list")
  done
  [ -s "$WORK/workspaces" ] || die "no Azure ML workspace in subscription $SUB"
fi
if [ -e "$OUT" ] && [ -n "$(ls -A "$OUT" 2>/dev/null)" ]; then die "$OUT is not empty: collect into a new folder"; fi
mkdir -p "$OUT" || die "cannot create $OUT"
STARTED=$(date -u +%Y-%m-%dT%H:%M:%SZ)
: >"$WORK/subs"; : >"$WORK/scopes"; : >"$WORK/deps"; : >"$WORK/uais"

# ---------------------------------------------------------------- workspaces and what they name
dups=$(cut -f3 "$WORK/workspaces" | tr 'A-Z' 'a-z' | sort | uniq -d)
while IFS=$'\t' read -r WS_SUB WS_RG WS_NAME; do
  WS_ID="/subscriptions/$WS_SUB/resourceGroups/$WS_RG/providers/Microsoft.MachineLearningServices/workspaces/$WS_NAME"
  if printf '%s\n' "$dups" | grep -qixF "$WS_NAME"; then D="azureml/$(safe "$WS_RG.$WS_NAME")"; else D="azureml/$(safe "$WS_NAME")"; fi
  once "$D/workspace.json" "workspace $WS_NAME" "$WS_ID" "answers about this workspace and its identity may be missing" \
    ml workspace show --name "$WS_NAME" --resource-group "$WS_RG" --subscription "$WS_SUB" -o json
  [ "$STATUS" = complete ] || continue
  WSF="$OUT/$D/workspace.json"
  A="answers about this workspace's resources and identities may be incomplete"
  ml compute list; once "$D/computes.json" "computes of workspace $WS_NAME" "$WS_ID" "$A" "${az_args[@]}"
  ml online-endpoint list; once "$D/online-endpoints.json" "online endpoints of workspace $WS_NAME" "$WS_ID" "$A" "${az_args[@]}"
  ml batch-endpoint list; once "$D/batch-endpoints.json" "batch endpoints of workspace $WS_NAME" "$WS_ID" "$A" "${az_args[@]}"
  paged "$D/datastores.json" "datastores of workspace $WS_NAME" "$WS_ID" "answers may miss access through datastore credentials" \
    "$ARM$WS_ID/datastores?api-version=2024-04-01"
  ml connection list; once "$D/connections.json" "connections of workspace $WS_NAME" "$WS_ID" "$A" "${az_args[@]}"
  ml environment list; once "$D/environments.json" "environments of workspace $WS_NAME" "$WS_ID" "$A" "${az_args[@]}"
  for kind in online batch; do
    f="$OUT/$D/$kind-endpoints.json"; [ -f "$f" ] || continue
    jq -r '.[]?.name // empty' "$f" | awk '!seen[tolower($0)]++' | while read -r EP; do
      [ "$kind" = online ] && scope="$WS_ID/onlineEndpoints/$EP" || scope="$WS_ID/batchEndpoints/$EP"
      ml "$kind-endpoint" show --name "$EP"
      once "$D/$kind-endpoints/$(safe "$EP").json" "$kind endpoint $EP" "$scope" "answers about this endpoint (auth mode, identity) may be wrong" "${az_args[@]}"
      ml "$kind-deployment" list --endpoint-name "$EP"
      once "$D/$kind-endpoints/$(safe "$EP").deployments.json" "deployments of $kind endpoint $EP" "$scope" "answers about this endpoint's deployments (images, compute) may be incomplete" "${az_args[@]}"
    done
  done
  echo "$WS_SUB" >>"$WORK/subs"
  printf '%s\n%s\n' "/subscriptions/$WS_SUB/resourceGroups/$WS_RG" "$WS_ID" >>"$WORK/scopes"
  jq -r '[["storage", .storage_account], ["keyvault", .key_vault], ["acr", .container_registry]][] | select((.[1] // "") | startswith("/")) | "\(.[0])\t\(.[1])"' "$WSF" >>"$WORK/deps"
  uais "$WSF" >>"$WORK/uais"
  for f in computes online-endpoints batch-endpoints; do [ -f "$OUT/$D/$f.json" ] && uais "$OUT/$D/$f.json" >>"$WORK/uais.more"; done
done <"$WORK/workspaces"
awk -F'\t' '!seen[tolower($2)]++' "$WORK/deps" | while IFS=$'\t' read -r kind id; do show "$kind" "$id"; echo "$id" >>"$WORK/scopes"; done
cat "$WORK/uais" "$WORK/uais.more" 2>/dev/null | awk '!seen[tolower($0)]++' | while read -r id; do show identity "$id"; done

# ---------------------------------------------------------------- RBAC, deny, PIM per subscription and scope
for s in $(awk '!seen[tolower($0)]++' "$WORK/subs"); do
  once "azure/role-assignments.$(safe "$s").json" "role assignments of subscription $s" "/subscriptions/$s" "answers may miss principals" \
    role assignment list --all --subscription "$s" -o json
  paged "azure/deny-assignments.$(safe "$s").json" "deny assignments of subscription $s" "/subscriptions/$s" "answers may list principals a deny assignment blocks" \
    "$ARM/subscriptions/$s/providers/Microsoft.Authorization/denyAssignments?api-version=2022-04-01"
  echo "/subscriptions/$s" >>"$WORK/scopes.all"
done
cat "$WORK/scopes" >>"$WORK/scopes.all"
awk '!seen[tolower($0)]++' "$WORK/scopes.all" | while read -r sc; do
  k=$(scope_key "$sc")
  paged "azure/pim/eligible.$k.json" "PIM eligible role assignments at $sc" "$sc" "answers may miss principals who can activate a role (PIM)" \
    "$ARM$sc/providers/Microsoft.Authorization/roleEligibilityScheduleInstances?api-version=2020-10-01"
  paged "azure/pim/active.$k.json" "PIM active role assignments at $sc" "$sc" "answers may miss time-bound (PIM) assignments" \
    "$ARM$sc/providers/Microsoft.Authorization/roleAssignmentScheduleInstances?api-version=2020-10-01"
done

# ---------------------------------------------------------------- role definitions and principals they name
RBAC=$(find "$OUT/azure" -maxdepth 2 \( -name 'role-assignments.*.json' -o -path '*/pim/*.json' -o -name 'deny-assignments.*.json' \) 2>/dev/null)
for f in $RBAC; do
  jq -r '(if type=="array" then .[] else .value[]? end) | (.roleDefinitionId // .properties.roleDefinitionId // empty) | select(startswith("/"))' "$f"
done | awk '{g=$0; sub(/.*\//, "", g); print tolower(g) "\t" $0}' | LC_ALL=C sort | awk -F'\t' '!seen[$1]++' |
  while IFS=$'\t' read -r g id; do
    s=$(printf '%s' "$id" | awk -F/ '{for(i=1;i<NF;i++)if(tolower($i)=="subscriptions"){print "/subscriptions/" $(i+1);exit}}')
    once "azure/role-definitions/$(safe "$g").json" "role definition $g" "$s" "what this role grants is unknown (unless it is a built-in role reach ships)" \
      rest --method get --url "$ARM$id?api-version=2022-04-01" -o json
  done
for f in $RBAC; do
  jq -r '(if type=="array" then .[] else .value[]? end) | (.principalId // .properties.principalId // empty),
    ((.properties.principals // []) + (.properties.excludePrincipals // []) | .[].id)' "$f"
done | tr 'A-Z' 'a-z' | grep -v '^00000000-0000-0000-0000-000000000000$' | grep . | LC_ALL=C sort -u >"$WORK/principals"
split -l 1000 "$WORK/principals" "$WORK/batch." 2>/dev/null
n=0
for b in $(ls "$WORK"/batch.* 2>/dev/null | LC_ALL=C sort); do
  n=$((n + 1)); first=$(( (n - 1) * 1000 + 1 )); last=$(( (n - 1) * 1000 + $(wc -l <"$b") ))
  body=$(jq -Rnc '{ids: [inputs], types: ["user", "group", "servicePrincipal"]}' <"$b")
  once "entra/principals.$n.json" "directory objects $first–$last named by role assignments" "" "principals appear by object ID only, and groups among them are not expanded" \
    rest --method post --url "$GRAPH/directoryObjects/getByIds" --body "$body" -o json
done

# ---------------------------------------------------------------- members of groups, nested groups in turn
groups() { for f in "$@"; do [ -f "$f" ] && jq -r '.value[]? | select((.["@odata.type"] // "" | ascii_downcase) == "#microsoft.graph.group") | .id' "$f"; done | tr 'A-Z' 'a-z'; }
groups "$OUT"/entra/principals.*.json | LC_ALL=C sort -u >"$WORK/next"
: >"$WORK/seen"
depth=0
while [ -s "$WORK/next" ] && [ "$depth" -lt 16 ]; do
  : >"$WORK/found"
  while read -r g; do
    grep -qxF "$g" "$WORK/seen" && continue
    echo "$g" >>"$WORK/seen"
    paged "entra/members/$(safe "$g").members.json" "members of group $g" "$g" "members of this group are unknown: they reach what the group reaches" \
      "$GRAPH/groups/$g/members?\$select=$SELECT&\$top=999"
    groups "$OUT/entra/members/$(safe "$g").members.json" >>"$WORK/found"
  done <"$WORK/next"
  LC_ALL=C sort -u "$WORK/found" >"$WORK/next"
  depth=$((depth + 1))
done

manifest true
incomplete=$(jq '[.inputs[] | select(.status != "complete")] | length' "$OUT/collect-manifest.json")
echo "collected $(jq '.inputs | length' "$OUT/collect-manifest.json") inputs into $OUT ($incomplete not complete); open it: reach $OUT" >&2
[ "$incomplete" -eq 0 ]
