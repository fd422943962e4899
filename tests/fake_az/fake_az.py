#!/usr/bin/env python3
"""A fake `az` for reach's collect tests, run by the small `az` shell script the tests
write: answers from recorded fixtures, matching the whole argument list. Never touches the
network.

FAKE_AZ_DIR names a scenario folder holding routes.json:
  {"delay_ms": 50,
   "routes": [{"argv": ["version", "-o", "json"],
               "replies": [{"stdout_file": "version.json"}]}, ...]}
Each call of a route takes its next reply (the last one repeats). A reply has
  stdout | stdout_file   what to print on stdout (stdout_file: relative to FAKE_AZ_DIR)
  prefix                 a line printed before stdout (az ml's experimental-class line)
  stderr                 what to print on stderr
  exit                   the exit code (default 0)
  delay_ms               wait before answering (default: the scenario's delay_ms)
  kill_parent            SIGKILL the calling process first (an interrupted run)
State (calls.jsonl, the call counter per route, the most calls in flight at once) is kept in
FAKE_AZ_DIR/state/, under a lock, so parallel calls are counted exactly.
"""
import fcntl
import json
import os
import signal
import sys
import time

root = os.environ["FAKE_AZ_DIR"]
state = os.path.join(root, "state")
os.makedirs(state, exist_ok=True)
argv = sys.argv[1:]
with open(os.path.join(root, "routes.json"), encoding="utf-8") as f:
    scenario = json.load(f)


def locked(fn):
    with open(os.path.join(state, "lock"), "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            return fn()
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def read_int(name):
    try:
        with open(os.path.join(state, name)) as f:
            return int(f.read() or 0)
    except FileNotFoundError:
        return 0


def write_int(name, n):
    with open(os.path.join(state, name), "w") as f:
        f.write(str(n))


index = next((i for i, r in enumerate(scenario["routes"]) if r["argv"] == argv), None)


def enter():
    n = read_int("inflight") + 1
    write_int("inflight", n)
    write_int("max_inflight", max(n, read_int("max_inflight")))
    if index is None:
        k = 0
    else:
        k = read_int("route.%d" % index)
        write_int("route.%d" % index, k + 1)
    with open(os.path.join(state, "calls.jsonl"), "a", encoding="utf-8") as f:
        f.write(json.dumps({"argv": argv, "route": index, "n": k}) + "\n")
    return k


def leave():
    write_int("inflight", read_int("inflight") - 1)


k = locked(enter)
try:
    if index is None:
        time.sleep(scenario.get("delay_ms", 0) / 1000.0)
        sys.stderr.write("ERROR: fake az: no route for %s\n" % json.dumps(argv))
        code = 2
    else:
        replies = scenario["routes"][index]["replies"]
        reply = replies[min(k, len(replies) - 1)]
        if reply.get("kill_parent"):
            os.kill(os.getppid(), signal.SIGKILL)
        time.sleep(reply.get("delay_ms", scenario.get("delay_ms", 0)) / 1000.0)
        out = reply.get("stdout", "")
        if "stdout_file" in reply:
            with open(os.path.join(root, reply["stdout_file"]), encoding="utf-8") as f:
                out = f.read()
        if "prefix" in reply:
            out = reply["prefix"] + "\n" + out
        sys.stdout.write(out)
        sys.stderr.write(reply.get("stderr", ""))
        code = reply.get("exit", 0)
finally:
    locked(leave)
sys.stdout.flush()
sys.exit(code)
