#!/usr/bin/env python3
"""check-manifests.py BUILD KEY=VALUE... - check every manifest make rendered,
read with PyYAML (an independent YAML parser), against the deployment
options it was rendered with.  Every org's objects must be in its
namespace (NAMESPACE of its vars file), and each peer's address must be
<hostname>.<namespace>, a name its TLS certificate carries (read by
openssl).  Prints one line per problem; exit 1 if any."""
import base64
import glob
import os
import subprocess
import sys

import yaml

build = sys.argv[1]
opt = dict(a.split("=", 1) for a in sys.argv[2:] if "=" in a)
problems = []


def bad(where, what):
    problems.append(f"{where}: {what}")


def org_vars(org):
    """The NAME=value lines of an org's vars file, as yaml2vars wrote them."""
    with open(os.path.join(build, "vars", org + ".vars")) as f:
        return dict(line.rstrip("\n").split("=", 1) for line in f if "=" in line and not line.startswith("#"))


def namespace_of(org):
    return org_vars(org).get("NAMESPACE")


def cert_names(pem_b64):
    """The DNS names and IP addresses of a certificate, as openssl reads them."""
    text = subprocess.run(["openssl", "x509", "-noout", "-ext", "subjectAltName"],
                          input=base64.b64decode(pem_b64), capture_output=True, check=True).stdout
    names = [n.strip() for n in ",".join(text.decode().splitlines()[1:]).split(",")]
    return ({n[4:] for n in names if n.startswith("DNS:")} |
            {n[len("IP Address:"):] for n in names if n.startswith("IP Address:")})


def grpc_nodeport(objs, name):
    """The node port of the gRPC port of Service name, among an org's objects."""
    for o in objs:
        if o["kind"] == "Service" and o["metadata"]["name"] == name:
            for p in o["spec"]["ports"]:
                if p.get("name") == "grpc":
                    return p.get("nodePort")
    return None


# an org's objects: those it applies in its namespace (manifests/) and its
# cluster step's (cluster/: namespaces, volumes, Roles), labelled
# fabric-k8s/scope=cluster, which the org's own are not
docs = {}          # org -> [objects]
for path in sorted(glob.glob(os.path.join(build, "manifests", "*", "*.yaml")) +
                   glob.glob(os.path.join(build, "cluster", "*", "*.yaml"))):
    org = os.path.basename(os.path.dirname(path))
    with open(path) as f:
        for d in yaml.safe_load_all(f):
            if d is None:
                continue
            d["_file"] = os.path.relpath(path, build)
            docs.setdefault(org, []).append(d)

if not docs:
    bad(build, "no manifests")

tls = "true" if opt["TLS"] == "1" else "false"
nodeports = {}
org_types = {}
for org, objs in docs.items():
    ns = namespace_of(org)
    kinds = [o["kind"] for o in objs]
    org_types[org] = "peer" if any(
        o["kind"] == "Deployment" and o["metadata"]["labels"].get("fabric-k8s/role") == "peer"
        for o in objs) else "orderer"
    secrets = {o["metadata"]["name"]: o for o in objs if o["kind"] == "Secret"}
    for o in objs:
        where = f'{o["_file"]}: {o["kind"]}/{o.get("metadata", {}).get("name")}'
        for k in ("apiVersion", "kind"):
            if not o.get(k):
                bad(where, f"no {k}")
        md = o.get("metadata") or {}
        labels = md.get("labels") or {}
        if labels.get("app.kubernetes.io/managed-by") != "fabric-k8s":
            bad(where, "no managed-by label")
        if labels.get("fabric-k8s/org") != ns:
            bad(where, f"org label {labels.get('fabric-k8s/org')!r}, not {ns}")
        cluster_step = o["_file"].startswith("cluster/")
        if (labels.get("fabric-k8s/scope") == "cluster") != cluster_step:
            bad(where, f'scope label {labels.get("fabric-k8s/scope")!r} in {o["_file"]}')
        # the chaincode namespace, <namespace>-cc, and what is in it
        own_ns = ns + "-cc" if o["_file"].endswith("/chaincode-namespace.yaml") else ns
        if o["kind"] == "Namespace" and md.get("name") != own_ns:
            bad(where, f"the namespace of {org} is {own_ns}")
        if o["kind"] not in ("Namespace", "PersistentVolume") and md.get("namespace") != own_ns:
            bad(where, f'namespace {md.get("namespace")!r}, not {own_ns}')
        if o["kind"] in ("Namespace", "PersistentVolume", "Role", "RoleBinding", "ServiceAccount") and not cluster_step:
            bad(where, "applied by the org, not by the cluster step")
        if o["kind"] == "Role":
            for r in o.get("rules") or []:
                for field in ("apiGroups", "resources", "verbs"):
                    if "*" in (r.get(field) or []):
                        bad(where, f"a wildcard in {field}")
                if set(r.get("verbs") or []) & {"bind", "escalate", "impersonate", "update", "deletecollection"}:
                    bad(where, f'verbs {r["verbs"]}')
                if "rbac.authorization.k8s.io" in (r.get("apiGroups") or []) or \
                        "serviceaccounts/token" in (r.get("resources") or []):
                    bad(where, f"rights over rights: {r}")
        if o["kind"] == "RoleBinding":
            if o.get("roleRef") != {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role",
                                    "name": "fabric-k8s-operator"}:
                bad(where, f'roleRef {o.get("roleRef")}')
            if o.get("subjects") != [{"kind": "ServiceAccount", "name": "fabric-k8s-operator", "namespace": ns}]:
                bad(where, f'subjects {o.get("subjects")}: not the org\'s operator')
        if o["kind"] == "ConfigMap" and "PRIVATE KEY" in yaml.safe_dump(o):
            bad(where, "a private key in a ConfigMap")
        if o["kind"] == "Service":
            # CouchDB serves its peer only: it stays inside the cluster
            internal = labels.get("fabric-k8s/role") == "couchdb"
            stype = o["spec"].get("type", "ClusterIP")
            if stype != ("ClusterIP" if internal else opt["SERVICE_TYPE"]):
                bad(where, f"type {stype}")
            for p in o["spec"]["ports"]:
                np = p.get("nodePort")
                if (np is not None) != (stype == "NodePort"):
                    bad(where, f"nodePort {np} with type {stype}")
                if np is not None:
                    if not 30000 <= np <= 32767:
                        bad(where, f"nodePort {np} out of range")
                    if np in nodeports:
                        bad(where, f"nodePort {np} also used by {nodeports[np]}")
                    nodeports[np] = where
        if o["kind"] == "Deployment":
            spec = o["spec"]
            if spec.get("replicas") != 1 or spec.get("strategy", {}).get("type") != "Recreate":
                bad(where, "not one replica with the Recreate strategy")
            tl = spec["template"]["metadata"]["labels"]
            for k, v in spec["selector"]["matchLabels"].items():
                if tl.get(k) != v:
                    bad(where, f"selector {k}={v} does not match the pod labels")
            if tl.get("fabric-k8s/org") != ns:
                bad(where, "pod without the org label")
            pod = spec["template"]["spec"]
            c = pod["containers"][0]
            env = {e["name"]: e.get("value") for e in c.get("env", [])}
            role = tl["fabric-k8s/role"]
            image = c["image"]
            if role in ("peer", "orderer", "cli"):
                want = f'hyperledger/fabric-{"tools" if role == "cli" else role}:{opt["FABRIC_VERSION"]}'
                if image != want:
                    bad(where, f"image {image}, not {want}")
            if role == "ca" and image != "hyperledger/fabric-ca:" + ("1.4" if opt["FABRIC_VERSION"] == "1.4" else "1.5"):
                bad(where, f"image {image}")
            for k in ("CORE_PEER_TLS_ENABLED", "ORDERER_GENERAL_TLS_ENABLED", "FABRIC_CA_SERVER_TLS_ENABLED"):
                if k in env and env[k] != tls:
                    bad(where, f"{k}={env[k]}")
            if role in ("peer", "orderer", "ca"):
                probe = c.get("readinessProbe", {}).get("httpGet", {})
                if probe.get("path") != "/healthz":
                    bad(where, "no /healthz readiness probe")
            if role == "peer":
                want = "CouchDB" if opt["COUCHDB"] == "1" else "goleveldb"
                if env.get("CORE_LEDGER_STATE_STATEDATABASE") != want:
                    bad(where, "state database")
                docker = [v for v in pod["volumes"] if v["name"] == "docker"][0]
                if (opt["CHAINCODE"] == "docker") != ("hostPath" in docker):
                    bad(where, f"docker volume {docker}")
                # Fabric ignores an empty CORE_VM_ENDPOINT: without Docker the
                # peer must start through the script that empties vm.endpoint
                if bool(env.get("CORE_VM_ENDPOINT")) != (opt["CHAINCODE"] == "docker"):
                    bad(where, f'CORE_VM_ENDPOINT={env.get("CORE_VM_ENDPOINT")!r} with CHAINCODE={opt["CHAINCODE"]}')
                host = f'{md["name"]}.{ns}'
                # where clients reach it: the external host at its Service's
                # node port, or its own name in the zone, or its name here
                ext = opt.get("EXTERNAL_HOST")
                announced = (f'{ext}:{grpc_nodeport(objs, md["name"])}' if opt["SERVICE_TYPE"] == "NodePort" else
                             f'{host}.{ext}:7051' if opt["SERVICE_TYPE"] == "LoadBalancer" else host + ":7051")
                for k, want in (("CORE_PEER_ADDRESS", host + ":7051"), ("CORE_PEER_GOSSIP_EXTERNALENDPOINT", announced)):
                    if env.get(k) != want:
                        bad(where, f"{k}={env.get(k)}, not {want}")
                crypto = secrets.get(md["name"] + "-crypto")
                for name in {host, announced.rsplit(":", 1)[0]}:
                    if crypto and name not in cert_names(crypto["data"]["tls_server.crt"]):
                        bad(where, f"{name} is not a name of its TLS certificate")
                if c.get("command") != ["sh", "/scripts/peer-start.sh"]:
                    bad(where, f'command {c.get("command")}, not peer-start.sh')
                mounts = {m["name"]: m["mountPath"] for m in c.get("volumeMounts", [])}
                scripts = [v for v in pod["volumes"] if v["name"] == "scripts"]
                items = [i["path"] for i in scripts[0].get("configMap", {}).get("items", [])] if scripts else []
                if mounts.get("scripts") != "/scripts" or "peer-start.sh" not in items:
                    bad(where, "no /scripts/peer-start.sh from the scripts ConfigMap")
            # a shell as PID 1 ignores SIGTERM unless it traps it: every
            # deletion would wait out the grace period
            cmd = " ".join(c.get("command") or [])
            if cmd.startswith("sh -c") and "sleep" in cmd and "trap" not in cmd:
                bad(where, f"PID 1 ignores SIGTERM: {cmd}")
            if role == "orderer":
                method = "none" if opt["CHANNEL_FLOW"] == "participation" else "file"
                if env.get("ORDERER_GENERAL_BOOTSTRAPMETHOD") != method:
                    bad(where, "bootstrap method")
            # every Secret volume names keys its Secret has
            for v in pod["volumes"]:
                s = v.get("secret")
                if not s or s.get("optional"):
                    continue
                sec = secrets.get(s["secretName"])
                if sec is None:
                    bad(where, f'volume {v["name"]}: no Secret {s["secretName"]}')
                    continue
                paths = set()
                for item in s.get("items", []):
                    if item["key"] not in sec["data"]:
                        bad(where, f'volume {v["name"]}: no key {item["key"]}')
                    paths.add(item["path"])
                if role in ("peer", "orderer") and v["name"] == "crypto":
                    cn = env.get("CORE_PEER_ID") or ""
                    need = {"msp/keystore/priv_sk", "tls/server.key", "tls/server.crt", "tls/ca.crt"}
                    if cn:
                        need.add(f"msp/signcerts/{cn}-cert.pem")
                    if not need <= paths:
                        bad(where, f"crypto volume lacks {sorted(need - paths)}")
            if opt["STORAGE"] == "nfs":
                claims = {v["persistentVolumeClaim"]["claimName"] for v in pod["volumes"] if "persistentVolumeClaim" in v}
                if role in ("peer", "orderer") and claims != {"crypto", "data"}:
                    bad(where, f"claims {claims} with STORAGE=nfs")
    couch = [o for o in objs if o["kind"] == "Deployment" and o["metadata"]["labels"]["fabric-k8s/role"] == "couchdb"]
    peers = [o for o in objs if o["kind"] == "Deployment" and o["metadata"]["labels"]["fabric-k8s/role"] == "peer"]
    if opt["COUCHDB"] == "1" and len(couch) != len(peers):
        bad(org, f"{len(peers)} peers but {len(couch)} CouchDB")
    if opt["COUCHDB"] != "1" and couch:
        bad(org, "CouchDB without COUCHDB=1")
    pvcs = [o for o in objs if o["kind"] == "PersistentVolumeClaim"]
    pvs = [o for o in objs if o["kind"] == "PersistentVolume"]
    nodes = [o for o in objs if o["kind"] == "Deployment" and o["metadata"]["labels"]["fabric-k8s/role"] in ("peer", "orderer", "ca")]
    if opt["STORAGE"] == "pvc" and (len(pvcs) != len(nodes) or pvs):
        bad(org, f"{len(nodes)} nodes, {len(pvcs)} claims, {len(pvs)} volumes with STORAGE=pvc")
    if opt["STORAGE"] == "nfs" and (len(pvs) != 2 or len(pvcs) != 2):
        bad(org, f"{len(pvs)} volumes and {len(pvcs)} claims with STORAGE=nfs")
    has_genesis = "genesis" in secrets
    if org_types[org] == "orderer" and has_genesis != (opt["CHANNEL_FLOW"] == "system"):
        bad(org, f"genesis Secret present: {has_genesis}")
    if [o["metadata"]["name"] for o in objs if o["kind"] == "Namespace"].count(ns) != 1:
        bad(org, "not exactly one Namespace")
    if [o["kind"] for o in objs if o["kind"] in ("Role", "RoleBinding", "ServiceAccount")
            and o["metadata"]["namespace"] == ns] != ["ServiceAccount", "Role", "RoleBinding"]:
        bad(org, "not one operator account, Role and RoleBinding in its namespace")

# ---- Pod Security: every pod of a namespace that enforces "restricted"
# (manifests and Jobs, the chaincode server too) meets the standard's rules,
# checked here from this table (after the Kubernetes Pod Security Standards
# page, not from anyone's code); "baseline" namespaces the baseline rules.
RESTRICTED_VOLUMES = {"configMap", "csi", "downwardAPI", "emptyDir", "ephemeral",
                      "persistentVolumeClaim", "projected", "secret"}


def pss_problems(spec, level):
    out = []
    if level == "privileged":
        return out
    if spec.get("hostNetwork") or spec.get("hostPID") or spec.get("hostIPC"):
        out.append("host namespaces")
    ctrs = spec.get("containers", []) + spec.get("initContainers", [])
    psc = spec.get("securityContext") or {}
    for c in ctrs:
        csc = c.get("securityContext") or {}
        if csc.get("privileged"):
            out.append(f'{c["name"]}: privileged')
        if any(pt.get("hostPort") for pt in c.get("ports", [])):
            out.append(f'{c["name"]}: hostPort')
        if level != "restricted":
            continue
        if csc.get("allowPrivilegeEscalation") is not False:
            out.append(f'{c["name"]}: allowPrivilegeEscalation is not false')
        caps = csc.get("capabilities") or {}
        if "ALL" not in (caps.get("drop") or []):
            out.append(f'{c["name"]}: capabilities not all dropped')
        if set(caps.get("add") or []) - {"NET_BIND_SERVICE"}:
            out.append(f'{c["name"]}: capabilities added')
        if not csc.get("runAsNonRoot", psc.get("runAsNonRoot")):
            out.append(f'{c["name"]}: runAsNonRoot is not true')
        if csc.get("runAsUser", psc.get("runAsUser")) == 0:
            out.append(f'{c["name"]}: runAsUser 0')
        seccomp = (csc.get("seccompProfile") or psc.get("seccompProfile") or {}).get("type")
        if seccomp not in ("RuntimeDefault", "Localhost"):
            out.append(f'{c["name"]}: seccompProfile {seccomp}')
    for v in spec.get("volumes", []):
        kinds = set(v) - {"name"}
        if "hostPath" in kinds:
            out.append(f'volume {v["name"]}: hostPath')
        elif level == "restricted" and not kinds <= RESTRICTED_VOLUMES:
            out.append(f'volume {v["name"]}: {sorted(kinds)}')
    return out


levels = {}        # namespace -> enforced level
pods = []          # (where, namespace, pod spec, containers)
secret_values = []
for path in sorted(glob.glob(os.path.join(build, "secrets", "*", "*"))):
    with open(path) as f:
        secret_values.append(f.read().strip())
for path in sorted(glob.glob(os.path.join(build, "manifests", "*", "*.yaml")) +
                   glob.glob(os.path.join(build, "cluster", "*", "*.yaml")) +
                   glob.glob(os.path.join(build, "jobs", "*", "*.yaml"))):
    with open(path) as f:
        for d in yaml.safe_load_all(f):
            if not d:
                continue
            md = d.get("metadata") or {}
            if d["kind"] == "Namespace":
                levels[md["name"]] = (md.get("labels") or {}).get("pod-security.kubernetes.io/enforce")
            spec = (d.get("spec") or {}).get("template", {}).get("spec")
            if spec:
                pods.append((f'{os.path.relpath(path, build)}: {d["kind"]}/{md["name"]}', md.get("namespace"), spec))
want = opt.get("POD_SECURITY", "restricted")
for ns, level in levels.items():
    if level not in ("restricted", "baseline", "privileged"):
        bad(ns, f"Pod Security level {level!r}")
if not pods:
    bad(build, "no pods")
for where, ns, spec in pods:
    level = levels.get(ns)
    for problem in pss_problems(spec, level or "restricted"):
        bad(where, f"{level}: {problem}")
    # no secret on a command line or in an environment variable's value
    for c in spec["containers"]:
        words = " ".join(str(x) for x in (c.get("command") or []) + (c.get("args") or []))
        values = " ".join(str(e.get("value", "")) for e in c.get("env", []))
        for sv in secret_values:
            if sv and (sv in words or sv in values):
                bad(where, f'{c["name"]}: a generated secret in its command or environment')
        if "PRIVATE KEY" in words + values or "registrar-password)" in words:
            bad(where, f'{c["name"]}: a secret read onto its command line')
# Every Secret holds the keys of what it is for, and no other: a node's
# Secret its own keys, the CLI's the org Admin's, the CA's the CA's; no
# TLS CA key anywhere.  Each private key is found by its bytes in the
# crypto-config tree.
keys = {}
for path in glob.glob(os.path.join(build, "crypto-config", "*", "*", "**", "*"), recursive=True):
    if os.path.isfile(path):
        with open(path, "rb") as f:
            data = f.read()
        if b"PRIVATE KEY" in data:
            keys[data] = os.path.relpath(path, os.path.join(build, "crypto-config"))
for org, objs in docs.items():
    v = org_vars(org)
    # CommonName -> hostname
    hostnames = {v[f"NODE{i}_CN"]: v[f"NODE{i}_HOSTNAME"] for i in range(int(v.get("NODE_COUNT", "0")))}
    for o in objs:
        if o["kind"] != "Secret":
            continue
        name = o["metadata"]["name"]
        node = (o["metadata"].get("labels") or {}).get("fabric-k8s/node", "")
        for k, v in (o.get("data") or {}).items():
            owner = keys.get(base64.b64decode(v))
            if owner is None:
                continue
            parts = owner.split(os.sep)     # <type>Organizations/<domain>/<kind>/<name>/...
            if parts[2] == "tlsca":
                ok_key = False
            elif parts[2] == "ca":          # the CA's Secret: with the registrar's password
                ok_key = "registrar-password" in o["data"]
            elif parts[2] == "users":
                ok_key = node == "cli" and parts[3].startswith("Admin@")
            else:                           # a node's directory is its CommonName
                ok_key = hostnames.get(parts[3]) == node
            if not ok_key:
                bad(f'{o["_file"]}: Secret/{name}', f"holds {owner}, which is not its own")
# every namespace enforces POD_SECURITY (the chaincode servers' too): the
# peer orgs' own privileged with CHAINCODE=docker
docker_peers = {namespace_of(org) for org in docs
                if opt.get("CHAINCODE") == "docker" and org_types[org] == "peer"}
for org in docs:
    if namespace_of(org) not in levels:
        bad(org, f"no namespace {namespace_of(org)}")
for ns, level in levels.items():
    expect = "privileged" if ns in docker_peers else want
    if level != expect:
        bad(ns, f"namespace {ns} enforces {level}, not {expect}")

for p in problems:
    print(p)
print(f"{sum(len(v) for v in docs.values())} objects checked")
sys.exit(1 if problems else 0)
