#!/usr/bin/env python3
"""check-jobs.py BUILD - the Job manifests make rendered, read with PyYAML:
each Job runs a script that the scripts ConfigMap of its namespace holds
byte for byte (as entrypoints/ has it), mounts the org's cli-crypto
Secret with items naming keys the Secret has, sets every variable its
script reads, and carries no fabric-k8s/org label (so that deploying the
org never prunes it).  Prints "org/job script" per Job, then problems."""
import base64
import glob
import os
import re
import sys

import yaml

build = sys.argv[1]
top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
problems = []


def load(path):
    with open(path) as f:
        return [d for d in yaml.safe_load_all(f) if d]


def one(path, kind, name):
    for d in load(path):
        if d["kind"] == kind and d["metadata"]["name"] == name:
            return d
    return None


for path in sorted(glob.glob(os.path.join(build, "jobs", "*", "*.yaml"))):
    org = os.path.basename(os.path.dirname(path))
    for job in load(path):
        if job["kind"] != "Job":
            continue
        name = job["metadata"]["name"]
        where = f"{org}/{name}"
        labels = job["metadata"]["labels"]
        if job["metadata"]["namespace"] != org:
            problems.append(f"{where}: namespace {job['metadata']['namespace']}")
        if labels.get("app.kubernetes.io/managed-by") != "fabric-k8s" or "fabric-k8s/org" in labels:
            problems.append(f"{where}: labels {labels}")
        pod = job["spec"]["template"]["spec"]
        c = pod["containers"][0]
        script = c["command"][1].removeprefix("/scripts/")
        print(f"{where} {script}")
        env = {e["name"]: e.get("value", "") for e in c["env"]}
        text = open(os.path.join(top, "entrypoints", script)).read()
        common = open(os.path.join(top, "entrypoints", "common.sh")).read()
        # every variable the script (and common.sh) reads must be set
        assigned = set(re.findall(r"^\s*(?:export\s+)?(\w+)=", text + common, re.M)) | \
            set(re.findall(r"\bfor (\w+) in", text + common)) | {"n", "out"}
        for v in set(re.findall(r"\$\{?([A-Z_][A-Z0-9_]*)", text + common)):
            if v not in env and v not in assigned and v not in ("RETRIES",):
                problems.append(f"{where}: {script} reads ${v}, which the Job does not set")
        vols = {v["name"]: v for v in pod["volumes"]}
        scripts_cm = one(os.path.join(build, "manifests", org, "scripts.yaml"), "ConfigMap",
                         vols["scripts"]["configMap"]["name"])
        if scripts_cm is None:
            problems.append(f"{where}: no scripts ConfigMap in {org}")
        else:
            for s in (script, "common.sh"):
                got = base64.b64decode(scripts_cm["binaryData"].get(s, ""))
                if got != open(os.path.join(top, "entrypoints", s), "rb").read():
                    problems.append(f"{where}: the ConfigMap's {s} is not entrypoints/{s}")
        secret = vols["crypto"]["secret"]
        cli = one(os.path.join(build, "manifests", org, "cli-crypto.yaml"), "Secret", secret["secretName"])
        if cli is None:
            problems.append(f"{where}: no Secret {secret['secretName']} in {org}")
        else:
            paths = set()
            for item in secret["items"]:
                if item["key"] not in cli["data"]:
                    problems.append(f"{where}: Secret item {item['key']} missing")
                paths.add(item["path"])
            for p in ("admin/tls/client.crt", "admin/tls/client.key", "admin/tls/ca.crt"):
                if p not in paths:
                    problems.append(f"{where}: /crypto/{p} missing")
            ca = env["ORDERER_CA"].removeprefix("/crypto/")
            if ca not in paths:
                problems.append(f"{where}: ORDERER_CA {ca} missing")
            # the artifact each step submits
            need = {"orderer-join.sh": [f"{env['CHANNEL']}.block"]}.get(script, [])
            if script == "channel.sh":
                if env["CREATE"] == "true":
                    need.append(f"{env['CHANNEL']}.tx")
                if env["ANCHORS"] == "true":
                    need.append(f"{env['MSP_ID']}anchors.tx")
            for n in need:
                if n not in paths:
                    problems.append(f"{where}: {script} needs /crypto/{n}, which is not mounted")
for p in problems:
    print("PROBLEM", p)
sys.exit(1 if problems else 0)
