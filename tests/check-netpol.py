#!/usr/bin/env python3
"""check-netpol.py BUILD < FLOWS - decide, from the NetworkPolicies make
rendered (read by PyYAML), whether each flow of a table would be let in,
and compare with what the table expects.

A table line is "allow|deny SOURCE DESTINATION PORT", where a pod is
namespace/name of the pods below and SOURCE may also be "outside" (an
address beyond the cluster).  The rules applied are NetworkPolicy's own
for ingress: a pod no policy selects takes everything; otherwise a flow
needs a rule of a policy that selects the pod whose ports include the
port (none listed: every port) and whose from matches the source
(namespaceSelector and podSelector together, podSelector alone meaning
the policy's namespace, ipBlock for addresses outside).  Prints one line
per disagreement; exit 1 if any."""
import glob
import os
import sys

import yaml

build = sys.argv[1]

# The pods of the sample network as the templates label them.
def pod(ns, **labels):
    return {"ns": ns, "labels": {k.replace("__", "/").replace("_", "-"): v for k, v in labels.items()}}


ROLE, ORG, JOB = "fabric-k8s__role", "fabric-k8s__org", "fabric-k8s__job_of"
pods = {}
for org, nodes, role in (("org1", ("peer0", "peer1"), "peer"), ("org2", ("peer0", "peer1"), "peer"),
                         ("orgorderer1", ("orderer0", "orderer1"), "orderer")):
    for n in nodes:
        pods[f"{org}/{n}"] = pod(org, **{ROLE: role, ORG: org, "fabric-k8s__node": n})
    pods[f"{org}/ca"] = pod(org, **{ROLE: "ca", ORG: org, "fabric-k8s__node": "ca"})
    pods[f"{org}/job"] = pod(org, **{JOB: org, "fabric-k8s__step": "ch-mychannel"})
for org in ("org1", "org2"):
    pods[f"{org}/cli"] = pod(org, **{ROLE: "cli", ORG: org, "fabric-k8s__node": "cli"})
    pods[f"{org}-cc/abstore"] = pod(f"{org}-cc", **{ROLE: "chaincode", "fabric-k8s__chaincode_of": org,
                                                   "fabric-k8s__chaincode": "abstore"})
pods["stranger/pod"] = pod("stranger", app="other")

namespaces = {"stranger": {"kubernetes.io/metadata.name": "stranger"}}
policies = []
files = glob.glob(os.path.join(build, "manifests", "*", "*.yaml")) + \
    glob.glob(os.path.join(build, "cluster", "*", "*.yaml")) + \
    glob.glob(os.path.join(build, "jobs", "*", "*.yaml"))
for path in sorted(files):
    with open(path) as f:
        for d in yaml.safe_load_all(f):
            if not d:
                continue
            if d["kind"] == "Namespace":
                labels = dict(d["metadata"].get("labels") or {})
                labels["kubernetes.io/metadata.name"] = d["metadata"]["name"]
                namespaces[d["metadata"]["name"]] = labels
            elif d["kind"] == "NetworkPolicy":
                policies.append(d)


def selects(sel, labels):
    if sel is None:
        return False
    for k, v in (sel.get("matchLabels") or {}).items():
        if labels.get(k) != v:
            return False
    for e in sel.get("matchExpressions") or []:
        k, op, vals = e["key"], e["operator"], e.get("values") or []
        if op == "In" and labels.get(k) not in vals:
            return False
        if op == "NotIn" and k in labels and labels[k] in vals:
            return False
        if op == "Exists" and k not in labels:
            return False
        if op == "DoesNotExist" and k in labels:
            return False
    return True


def peer_matches(peer, src, policy_ns):
    if src is None:     # outside the cluster
        return "ipBlock" in peer
    if "ipBlock" in peer:
        return False
    ns_sel, pod_sel = peer.get("namespaceSelector"), peer.get("podSelector")
    if ns_sel is None:
        in_ns = src["ns"] == policy_ns
    else:
        in_ns = selects(ns_sel, namespaces.get(src["ns"], {}))
    return in_ns and (pod_sel is None or selects(pod_sel, src["labels"]))


def allowed(src, dst, port):
    applying = [p for p in policies if p["metadata"]["namespace"] == dst["ns"]
                and "Ingress" in (p["spec"].get("policyTypes") or ["Ingress"])
                and selects(p["spec"].get("podSelector", {}), dst["labels"])]
    if not applying:
        return True
    for p in applying:
        for rule in p["spec"].get("ingress") or []:
            ports = rule.get("ports")
            if ports and port not in [x.get("port") for x in ports]:
                continue
            sources = rule.get("from")
            if not sources or any(peer_matches(x, src, p["metadata"]["namespace"]) for x in sources):
                return True
    return False


bad = 0
n = 0
for line in sys.stdin:
    line = line.split("#")[0].strip()
    if not line:
        continue
    want, s, d, port = line.split()
    src = None if s == "outside" else pods[s]
    got = "allow" if allowed(src, pods[d], int(port)) else "deny"
    n += 1
    if got != want:
        bad += 1
        print(f"{s} -> {d}:{port}: {got}, not {want}")
print(f"{n} flows, {len(policies)} policies")
sys.exit(1 if bad or not n else 0)
