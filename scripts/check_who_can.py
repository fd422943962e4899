#!/usr/bin/env python3
"""Independent check of `reach who-can ENDPOINT --action score --format json` on a generated
tenant (examples/gen_tenant.rs). Standard library only; shares no code with reach.

usage: check_who_can.py PROJECT_DIR ENDPOINT_ARM_ID REACH_JSON

Expected answer, computed straight from the exports:
  1. the endpoint must be a managed online endpoint with auth_mode aad_token (its endpoint.yml), so
     scoring needs Microsoft.MachineLearningServices/workspaces/onlineEndpoints/score/action at the
     endpoint scope (EP-SCORE-AAD);
  2. every role assignment (azure/role-assignments/*.json) whose scope is the endpoint or one of its
     ancestors (a prefix at a '/' boundary, case-insensitive) and whose role (azure/role-definitions
     .json) has a permission block with an `actions` pattern matching that action and no
     `notActions` pattern matching it (`*` = any characters, case-insensitive);
  3. the assignees, plus every member of an assignee group, transitively (azure/groups.json,
     Graph groups?$expand=members);
  4. no deny assignment (azure/deny-assignments.json) may cover the action at an ancestor scope
     (the generator makes none; the check asserts it rather than modelling denies);
  5. no managed identity may be among them (the generator gives identities data-plane roles only,
     so no acts-as path such as CMP-JOB-CODE-ID or RBAC-ASSIGN can lead to score; asserted).
The set of names (UPN for users, display name for groups and applications) and object IDs must
equal reach's `principals[].name` / `principals[].id`.
"""
import glob
import json
import os
import re
import sys

ACTION = "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/score/action"


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def entries(doc):
    return doc["value"] if isinstance(doc, dict) else doc


def matches(pattern, action):
    rx = "^" + re.escape(pattern).replace(r"\*", ".*") + "$"
    return re.match(rx, action, re.IGNORECASE) is not None


def role_grants(role, action):
    for p in role.get("permissions") or []:
        if any(matches(a, action) for a in p.get("actions") or []) and not any(
            matches(n, action) for n in p.get("notActions") or []
        ):
            return True
    return False


def within(scope, target):
    s, t = scope.lower().rstrip("/"), target.lower().rstrip("/")
    return s == "" or t == s or t.startswith(s + "/")


def main():
    if len(sys.argv) != 4:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    root, target, reach_json = sys.argv[1:]
    az = os.path.join(root, "azure")

    # 1. the endpoint's auth mode
    ep_name = target.rstrip("/").rsplit("/", 1)[1]
    modes = []
    for y in glob.glob(os.path.join(root, "azureml", "**", "endpoint.yml"), recursive=True):
        text = open(y, encoding="utf-8").read()
        if re.search(r"^name:\s*%s\s*$" % re.escape(ep_name), text, re.M):
            modes += re.findall(r"^auth_mode:\s*(\S+)", text, re.M)
    assert modes == ["aad_token"], f"{ep_name}: expected one aad_token endpoint.yml, found {modes}"

    # 2. assignments at the endpoint or above whose role grants score
    roles = {}
    for r in load(os.path.join(az, "role-definitions.json")):
        roles[r["name"].lower()] = r
    holders = set()
    n_assign = 0
    for f in sorted(glob.glob(os.path.join(az, "role-assignments", "*.json"))):
        for a in load(f):
            n_assign += 1
            if not within(a["scope"], target):
                continue
            guid = a["roleDefinitionId"].rstrip("/").rsplit("/", 1)[1].lower()
            if role_grants(roles[guid], ACTION):
                holders.add(a["principalId"].lower())

    # 3. nested group expansion
    members = {}
    names = {}
    kinds = {}
    for g in entries(load(os.path.join(az, "groups.json"))):
        gid = g["id"].lower()
        names[gid], kinds[gid] = g["displayName"], "group"
        members[gid] = [m["id"].lower() for m in g.get("members") or []]
    for u in load(os.path.join(az, "users.json")):
        names[u["id"].lower()], kinds[u["id"].lower()] = u["userPrincipalName"], "user"
    for sp in load(os.path.join(az, "service-principals.json")):
        sid = sp["id"].lower()
        names[sid] = sp["displayName"]
        kinds[sid] = "mi" if sp.get("servicePrincipalType") == "ManagedIdentity" else "app"
    expected = set()
    stack = list(holders)
    while stack:
        p = stack.pop()
        if p in expected:
            continue
        expected.add(p)
        stack.extend(members.get(p, []))

    # 4. and 5. constructs the checker does not model must be absent
    denies_path = os.path.join(az, "deny-assignments.json")
    if os.path.exists(denies_path):
        for d in entries(load(denies_path)):
            props = d.get("properties", d)
            if within(props["scope"], target):
                for p in props.get("permissions") or []:
                    assert not any(matches(a, ACTION) for a in p.get("actions") or []), (
                        "a deny assignment covers score at the endpoint: not modelled here"
                    )
    mis = [names.get(p, p) for p in expected if kinds.get(p) == "mi"]
    assert not mis, f"managed identities hold score (acts-as paths not modelled): {mis[:5]}"

    # compare (an answer reach marked incomplete is never exact: issue 20)
    answer = load(reach_json)
    if answer.get("incomplete"):
        print(f"reach marked its answer incomplete: {answer['incomplete'][:3]}")
        return 1
    got = answer["principals"]
    got_ids = {p["id"].lower() for p in got}
    got_names = {p["name"] for p in got}
    want_names = {names.get(p, p) for p in expected}
    ok = got_ids == expected and got_names == want_names and len(got) == len(expected)
    print(
        f"checker: {n_assign} assignments read, {len(holders)} direct holders, "
        f"{len(expected)} principals expected, reach answered {len(got)}: "
        + ("MATCH" if ok else "MISMATCH")
    )
    if not ok:
        for label, s in [
            ("missing from reach", want_names - got_names),
            ("unexpected in reach", got_names - want_names),
        ]:
            if s:
                print(f"  {label} ({len(s)}): {sorted(s)[:10]}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
