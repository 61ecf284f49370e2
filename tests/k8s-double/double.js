#!/usr/bin/env node
// k8s-double: a test DOUBLE of the Kubernetes API server, for kapply's tests.
// It is not a Kubernetes API server.  It answers the requests kapply makes
// the way a real kube-apiserver does (status codes and Status bodies copied
// from responses recorded from one, in the fixtures' k8s-api folder), and
// keeps its objects in memory:
//
//   - HTTPS on 127.0.0.1 (HTTP/2 with HTTP/1.1 fallback), client-certificate,
//     bearer-token and basic authentication, 401 for anything else, and a
//     read-only "viewer" token whose writes get 403;
//   - ServiceAccount tokens (POST .../serviceaccounts/NAME/token, as
//     recorded) whose requests RBAC decides: Roles and RoleBindings of the
//     request's namespace (apiGroups, resources with pods/log, verbs; "*"
//     for any), nothing at the cluster scope but discovery, 403 otherwise
//     (server-side apply that creates needs create too);
//   - discovery (/api, /api/v1, /apis, /apis/apps/v1, /apis/batch/v1,
//     /apis/networking.k8s.io/v1) from
//     the recorded documents;
//   - server-side apply (PATCH application/apply-patch+yaml, JSON bodies
//     only) creating or merging, with field ownership per manager, 409 on
//     a conflict without force, resourceVersion kept by an apply that
//     changes nothing, dryRun=All, 422 for a workload container without an
//     image, for a Job whose pods would restart Always, and for a change
//     of a Job's pod template (immutable);
//   - get, list with labelSelector, delete with propagationPolicy,
//     namespaces that go through phase Terminating (403 for new objects in
//     them, gone after --ns-delete-ms), and workloads that become available
//     after --ready-ms, as if controllers ran; --latency-ms delays every
//     reply, as the round trip to a remote cluster would;
//   - what the Job controller does: a created Job gets a Pod at once
//     (<job>-<5 random characters>, labels job-name, controller-uid and
//     their batch.kubernetes.io/ forms, an ownerReference to the Job) and,
//     --job-ms later (200), succeeds: status.succeeded 1, conditions
//     SuccessCriteriaMet and Complete, startTime and completionTime.  A
//     failing Job (fault below) gets one failed Pod per attempt, --job-ms
//     apart, backoffLimit + 1 attempts (6 by default, at most 20), then
//     status.failed and conditions FailureTarget and Failed.  A suspended
//     Job (spec.suspend) has no pod, until an apply resumes it;
//   - pods for Deployments and StatefulSets once they are ready (owned by
//     the workload itself: the double has no ReplicaSets), replaced when
//     the pod template changes;
//   - pods: get, list with labelSelector, and GET .../pods/NAME/log
//     (text/plain, tailLines, container; 400 without container when the
//     pod has several).  A pod's log is "k8s-double: no real container ran
//     for pod NAME" unless a fault gave one;
//   - the garbage collector: deleting an owner deletes its dependents
//     (ownerReferences) --gc-ms later with propagationPolicy Background or
//     Foreground (the owner stays until then), keeps them with Orphan; a
//     Job deleted without a policy orphans its pods, as batch/v1 does;
//   - a request log (--log: one line per request) and faults read from a
//     file before every request (--faults, below);
//   - an HTTP CONNECT proxy (--proxy-port-file) to test proxy-url;
//   - --state FILE keeps the objects in FILE across restarts (as etcd keeps
//     them for a real server) and --port N listens on a given port, so that
//     a server that died (fault "die") can come back where it was (a Job
//     still running when it died does not run on);
//   - --plain serves plain HTTP/1.1 without TLS, for a kubeconfig that names
//     an http:// server.
//
// Faults: one rule a line, "METHOD PATH-REGEX ACTIONS [COUNT]" ('#' starts a
// comment).  A rule applies to the first COUNT (default 1, '*' for ever)
// events whose method and path match (METHOD '*' matches any); ACTIONS are
// comma-separated, "name" or "name=value" (a value holds no space or
// comma).  Requests (METHOD is GET, PATCH, DELETE; the path with its query):
//     status=CODE          answer CODE with a Status body (retry-after=S adds
//                          a Retry-After header)
//     reset                drop the connection instead of answering
//     delay=MS             answer MS milliseconds later
//     die                  exit at once without answering: the server crashed
//     p=P                  the rule takes a matching request with probability
//                          P only (a generator seeded by --seed)
// What controllers do (METHOD is a pseudo-method, the path the object's):
//     READY .../deployments/NAME never-ready
//                          the workload's pods never become ready
//     READY .../deployments/NAME stale
//                          the controller first reports the new generation
//                          with the replica counts of the old one (as a real
//                          one does while a scaled-down pod terminates)
//     JOB .../jobs/NAME fail[=REASON]
//                          the created Job fails: reason BackoffLimitExceeded
//                          (default) or DeadlineExceeded, with the message the
//                          Job controller writes for it
//     JOB .../jobs/NAME never-complete
//                          the created Job's pod runs for ever
//     JOB .../jobs/NAME ms=N
//                          the created Job's pod runs N ms (not --job-ms)
//     JOB .../jobs/NAME log=FILE
//                          the content of FILE, read when the Job is created,
//                          is the log of the Job's pods
// A JOB rule is taken once per Job created, e.g.
//     JOB /jobs/channel-create$ fail,log=logs/create.txt
//
// Node.js built-in modules only.
'use strict';

const crypto = require('crypto');
const fs = require('fs');
const http = require('http');
const http2 = require('http2');
const net = require('net');
const path = require('path');

// ---- options ----
const opt = { tokens: [], viewerTokens: [], basic: [], nsDeleteMs: 1000, gcMs: 300, readyMs: 200, jobMs: 200, latencyMs: 0,
  port: 0, seed: 1 };
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i], v = () => process.argv[++i];
  switch (a) {
    case '--cert': opt.cert = v(); break;
    case '--key': opt.key = v(); break;
    case '--ca': opt.ca = v(); break;
    case '--token': opt.tokens.push(v()); break;
    case '--viewer-token': opt.viewerTokens.push(v()); break;
    case '--basic': opt.basic.push(v()); break;     // user:password
    case '--fixtures': opt.fixtures = v(); break;
    case '--port-file': opt.portFile = v(); break;
    case '--proxy-port-file': opt.proxyPortFile = v(); break;
    case '--log': opt.log = v(); break;
    case '--faults': opt.faults = v(); break;
    case '--ns-delete-ms': opt.nsDeleteMs = Number(v()); break;
    case '--gc-ms': opt.gcMs = Number(v()); break;
    case '--ready-ms': opt.readyMs = Number(v()); break;
    case '--job-ms': opt.jobMs = Number(v()); break;        // how long a Job's pod runs
    case '--latency-ms': opt.latencyMs = Number(v()); break;   // added to every reply, as a remote cluster's round trip
    case '--state': opt.state = v(); break;
    case '--port': opt.port = Number(v()); break;
    case '--plain': opt.plain = true; break;
    case '--seed': opt.seed = Number(v()); break;
    default:
      console.error(`k8s-double: unknown option ${a}`);
      process.exit(2);
  }
}
for (const need of ['cert', 'key', 'ca', 'fixtures', 'portFile']) {
  if (!opt[need]) {
    console.error(`k8s-double: --${need.replace(/[A-Z]/g, c => '-' + c.toLowerCase())} is required`);
    process.exit(2);
  }
}

const started = Date.now();
function log(line) {
  if (opt.log) fs.appendFileSync(opt.log, `${Date.now() - started} ${line}\n`);
}

// ---- discovery, from the recorded documents ----
const discovery = {
  '/api': 'api.json', '/api/v1': 'api-v1.json', '/apis': 'apis.json',
  '/apis/apps/v1': 'apis-apps-v1.json', '/apis/batch/v1': 'apis-batch-v1.json',
  '/apis/networking.k8s.io/v1': 'apis-networking.k8s.io-v1.json',
  '/apis/rbac.authorization.k8s.io/v1': 'apis-rbac.authorization.k8s.io-v1.json',
};
const docs = {};
const resources = new Map();    // "group/resource" -> { group, version, resource, kind, namespaced }
for (const [p, file] of Object.entries(discovery)) {
  docs[p] = fs.readFileSync(path.join(opt.fixtures, file));
  const d = JSON.parse(docs[p]);
  if (d.kind !== 'APIResourceList') continue;
  const [group, version] = d.groupVersion.includes('/') ? d.groupVersion.split('/') : ['', d.groupVersion];
  for (const r of d.resources) {
    if (r.name.includes('/')) continue;
    resources.set(`${group}/${r.name}`, { group, version, resource: r.name, kind: r.kind, namespaced: r.namespaced });
  }
}

// ---- Status bodies, shaped like the recorded ones ----
function failure(code, reason, message, details) {
  const s = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason };
  if (details) s.details = details;
  s.code = code;
  return s;
}
function qualified(res) { return res.group ? `${res.resource}.${res.group}` : res.resource; }
function details(res, name, extra) {
  const d = { name };
  if (res.group) d.group = res.group;
  d.kind = res.resource;
  return Object.assign(d, extra || {});
}
function notFound(res, name) {
  return [404, failure(404, 'NotFound', `${qualified(res)} "${name}" not found`, details(res, name))];
}
const noResource = [404, failure(404, 'NotFound', 'the server could not find the requested resource',
  { causes: [{ reason: 'UnexpectedServerResponse', message: '404 page not found' }] })];

// ---- faults: "METHOD PATH-REGEX ACTION [COUNT]" lines, re-read before every request ----
let faultText = null, faultRules = [];
function loadFaults() {
  if (!opt.faults) return;
  let text = '';
  try { text = fs.readFileSync(opt.faults, 'utf8'); } catch (e) { /* no faults */ }
  if (text === faultText) return;
  faultText = text;
  faultRules = [];
  for (const line of text.split('\n')) {
    const f = line.replace(/#.*/, '').trim().split(/\s+/);
    if (f.length < 3 || !f[0]) continue;
    const rule = { method: f[0], re: new RegExp(f[1]), action: {}, left: f[3] === '*' ? Infinity : Number(f[3] || 1) };
    for (const kv of f[2].split(',')) {
      const eq = kv.indexOf('=');
      if (eq < 0) rule.action[kv] = true; else rule.action[kv.slice(0, eq)] = kv.slice(eq + 1);
    }
    faultRules.push(rule);
  }
}
// a small seeded generator (mulberry32), so that p= faults repeat from run to run
let seed = opt.seed >>> 0;
function random() {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
function takeFault(method, url, kinds) {
  loadFaults();
  for (const r of faultRules) {
    if (r.left <= 0 || (r.method !== '*' && r.method !== method) || !r.re.test(url)) continue;
    if (!kinds.some(k => k in r.action)) continue;
    if ('p' in r.action && random() >= Number(r.action.p)) continue;
    r.left--;
    return r.action;
  }
  return null;
}

// ---- the store ----
let rv = 1000;
const store = new Map();        // "group/resource/ns/name" -> { obj, managers: Map(name -> {paths:Set, apiVersion, time}) }
const key = (res, ns, name) => `${res.group}/${res.resource}/${res.namespaced ? ns : ''}/${name}`;
const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');
const clone = v => v === undefined ? undefined : JSON.parse(JSON.stringify(v));
const GENERATION_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob']);

// --state: every change is written (atomically) before it is answered
function saveState() {
  if (!opt.state) return;
  const entries = [...store].map(([k, e]) => [k, e.obj,
    [...e.managers].map(([m, x]) => [m, { paths: [...x.paths], apiVersion: x.apiVersion, time: x.time }])]);
  fs.writeFileSync(opt.state + '.tmp', JSON.stringify({ rv, entries }));
  fs.renameSync(opt.state + '.tmp', opt.state);
}
function loadState() {
  if (!opt.state || !fs.existsSync(opt.state)) return;
  const st = JSON.parse(fs.readFileSync(opt.state, 'utf8'));
  rv = st.rv;
  for (const [k, obj, managers] of st.entries) {
    store.set(k, { obj, managers: new Map(managers.map(([m, x]) => [m, { ...x, paths: new Set(x.paths) }])) });
  }
}

function deepEqual(a, b) { return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b)); }
function sortKeys(v) {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map(k => [k, sortKeys(v[k])]));
  return v;
}

// Leaf fields of an applied configuration: lists are atomic, as are empty maps.
function leaves(v, pre, out) {
  if (v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length) {
    for (const [k, x] of Object.entries(v)) leaves(x, pre.concat(k), out);
  } else {
    out.set(JSON.stringify(pre), [pre, v]);
  }
  return out;
}
function getPath(o, p) { for (const k of p) { if (!o || typeof o !== 'object') return undefined; o = o[k]; } return o; }
function setPath(o, p, v) {
  for (const k of p.slice(0, -1)) { if (!o[k] || typeof o[k] !== 'object' || Array.isArray(o[k])) o[k] = {}; o = o[k]; }
  o[p[p.length - 1]] = v;
}
function deletePath(o, p) {
  const parents = [];
  for (const k of p.slice(0, -1)) { if (!o || typeof o !== 'object') return; parents.push([o, k]); o = o[k]; }
  if (o && typeof o === 'object') delete o[p[p.length - 1]];
  // drop maps the removal left empty (never the top level or metadata)
  for (let i = parents.length - 1; i >= 1; i--) {
    const [parent, k] = parents[i];
    if (parent[k] && typeof parent[k] === 'object' && !Object.keys(parent[k]).length) delete parent[k];
  }
}
function fieldsV1(paths) {
  const t = {};
  for (const s of paths) {
    let o = t;
    for (const k of JSON.parse(s)) o = o[`f:${k}`] = o[`f:${k}`] || {};
  }
  return t;
}
function managedFields(entry) {
  return [...entry.managers].map(([manager, m]) => ({
    manager, operation: 'Apply', apiVersion: m.apiVersion, time: m.time, fieldsType: 'FieldsV1',
    fieldsV1: fieldsV1(m.paths),
  }));
}

function defaults(res, o) {
  const name = o.metadata.name;
  if (res.kind === 'Namespace') {
    o.metadata.labels = Object.assign({}, o.metadata.labels, { 'kubernetes.io/metadata.name': name });
    o.spec = Object.assign({ finalizers: ['kubernetes'] }, o.spec);
    o.status = Object.assign({ phase: 'Active' }, o.status);
  }
  if (res.kind === 'Deployment' || res.kind === 'StatefulSet') {
    o.spec = Object.assign({ replicas: 1 }, o.spec);
    o.status = o.status || {};
  }
  if (res.kind === 'Job') {
    const spec = o.spec || {};
    const counts = spec.completions === undefined && spec.parallelism === undefined ? { completions: 1, parallelism: 1 } : { parallelism: 1 };
    o.spec = Object.assign({ backoffLimit: 6 }, counts, { completionMode: 'NonIndexed', podReplacementPolicy: 'TerminatingOrFailed', suspend: false }, spec);
    o.status = o.status || {};
  }
}

// What the Job controller writes on a created Job: a selector on its uid, and the labels of its pods.
function jobLabels(name, uid) {
  return { 'batch.kubernetes.io/controller-uid': uid, 'batch.kubernetes.io/job-name': name, 'controller-uid': uid, 'job-name': name };
}
function jobCreated(o) {
  const uid = o.metadata.uid;
  if (!o.spec.selector) o.spec.selector = { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } };
  const t = o.spec.template = o.spec.template || {};
  t.metadata = t.metadata || {};
  t.metadata.labels = Object.assign({}, t.metadata.labels, jobLabels(o.metadata.name, uid));
}

// 422 for what the real server refuses in the objects kapply's tests send.
function validate(res, o, old) {
  const causes = [];
  if (res.kind === 'Job' && getPath(o, ['spec', 'template', 'spec'])) {
    const rp = getPath(o, ['spec', 'template', 'spec', 'restartPolicy']) || 'Always';   // the pod default
    if (rp !== 'OnFailure' && rp !== 'Never') {
      causes.push({ reason: 'FieldValueNotSupported', message: `Unsupported value: "${rp}": supported values: "OnFailure", "Never"`, field: 'spec.template.spec.restartPolicy' });
    }
    if (old && !deepEqual(old.spec.template, o.spec.template)) {
      // the real message prints the whole Go struct where the double writes {...}
      causes.push({ reason: 'FieldValueInvalid', message: 'Invalid value: core.PodTemplateSpec{...}: field is immutable', field: 'spec.template' });
    }
  }
  if (res.kind === 'Deployment' || res.kind === 'StatefulSet' || res.kind === 'Job') {
    const cs = getPath(o, ['spec', 'template', 'spec', 'containers']);
    if (!Array.isArray(cs) || !cs.length) {
      causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.template.spec.containers' });
    } else {
      cs.forEach((c, i) => {
        if (!c || !c.name) causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: `spec.template.spec.containers[${i}].name` });
        if (!c || !c.image) causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: `spec.template.spec.containers[${i}].image` });
      });
    }
  }
  if (!causes.length) return null;
  const what = causes.map(c => `${c.field}: ${c.message}`);
  const name = o.metadata.name;
  return [422, failure(422, 'Invalid',
    `${res.group ? `${res.kind}.${res.group}` : res.kind} "${name}" is invalid: ${what.length > 1 ? `[${what.join(', ')}]` : what[0]}`,
    Object.assign({ name }, res.group ? { group: res.group } : {}, { kind: res.kind, causes }))];
}

function namespaceOf(ns) { return store.get(key(resources.get('/namespaces'), '', ns)); }

function apply(res, ns, name, body, q, user) {
  const manager = q.get('fieldManager');
  const force = q.get('force') === 'true', dry = q.get('dryRun') === 'All';
  if (!manager) return [400, failure(400, 'BadRequest', 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch')];
  if (!body || typeof body !== 'object' || Array.isArray(body) || !body.metadata) {
    return [400, failure(400, 'BadRequest', 'error decoding patch: the double reads JSON bodies only')];
  }
  if (body.metadata.name !== name) {
    return [400, failure(400, 'BadRequest', `the name of the object (${body.metadata.name}) does not match the name on the URL (${name})`)];
  }
  if (res.namespaced && body.metadata.namespace && body.metadata.namespace !== ns) {
    return [400, failure(400, 'BadRequest', 'the namespace of the provided object does not match the namespace sent on the request')];
  }
  if (body.kind !== res.kind) {
    return [400, failure(400, 'BadRequest', `the kind of the object (${body.kind}) does not match the kind of the resource (${res.kind})`)];
  }
  const k = key(res, ns, name), old = store.get(k);
  if (res.namespaced) {
    const nsEntry = namespaceOf(ns);
    if (!nsEntry) return [404, failure(404, 'NotFound', `namespaces "${ns}" not found`, { name: ns, kind: 'namespaces' })];
    if (!old && nsEntry.obj.status.phase === 'Terminating') {
      return [403, failure(403, 'Forbidden',
        `${qualified(res)} "${name}" is forbidden: unable to create new content in namespace ${ns} because it is being terminated`,
        details(res, name, { causes: [{ reason: 'NamespaceTerminating', message: `namespace ${ns} is being terminated`, field: 'metadata.namespace' }] }))];
    }
  }
  const cfg = clone(body);
  delete cfg.status; delete cfg.apiVersion; delete cfg.kind;
  for (const f of ['resourceVersion', 'uid', 'creationTimestamp', 'managedFields', 'generation', 'deletionTimestamp', 'selfLink', 'name', 'namespace']) delete cfg.metadata[f];
  if (!Object.keys(cfg.metadata).length) delete cfg.metadata;
  const want = leaves(cfg, [], new Map());
  want.delete('[]');
  const managers = new Map([...(old ? old.managers : [])].map(([m, e]) => [m, { ...e, paths: new Set(e.paths) }]));
  const live = old ? clone(old.obj) : { apiVersion: body.apiVersion, kind: res.kind, metadata: { name } };
  if (!old && res.namespaced) live.metadata.namespace = ns;

  const conflicts = [];
  for (const [m, e] of managers) {
    if (m === manager) continue;
    for (const [s, [p, v]] of want) {
      if (e.paths.has(s) && !deepEqual(getPath(live, p), v)) conflicts.push([m, p]);
    }
  }
  if (conflicts.length && !force) {
    const fields = conflicts.map(([, p]) => '.' + p.join('.'));
    const owners = [...new Set(conflicts.map(([m]) => m))];
    const msg = conflicts.length === 1
      ? `Apply failed with 1 conflict: conflict with "${owners[0]}": ${fields[0]}`
      : `Apply failed with ${conflicts.length} conflicts: ${owners.map(o => `conflicts with "${o}":\n${conflicts.filter(([m]) => m === o).map(([, p]) => '- .' + p.join('.')).join('\n')}`).join('\n')}`;
    return [409, failure(409, 'Conflict', msg, {
      causes: conflicts.map(([m, p]) => ({ reason: 'FieldManagerConflict', message: `conflict with "${m}"`, field: '.' + p.join('.') })),
    })];
  }
  for (const [m, e] of managers) {
    if (m === manager) continue;
    for (const s of want.keys()) e.paths.delete(s);
    if (!e.paths.size) managers.delete(m);
  }
  const mine = managers.get(manager) || { paths: new Set(), apiVersion: body.apiVersion, time: now() };
  for (const s of mine.paths) {
    if (want.has(s)) continue;
    if (![...managers].some(([m, e]) => m !== manager && e.paths.has(s))) deletePath(live, JSON.parse(s));
  }
  for (const [, [p, v]] of want) {
    const isEmptyMap = v && typeof v === 'object' && !Array.isArray(v);   // leaves() only yields empty ones
    const cur = getPath(live, p);
    if (!(isEmptyMap && cur && typeof cur === 'object' && !Array.isArray(cur))) setPath(live, p, clone(v));
  }
  defaults(res, live);
  const invalid = validate(res, live, old && old.obj);
  if (invalid) return invalid;

  const newPaths = new Set(want.keys());
  const owned = mine.paths.size === newPaths.size && [...newPaths].every(s => mine.paths.has(s));
  const ownersSame = old && managers.size === old.managers.size && owned &&
    [...managers].every(([m, e]) => old.managers.has(m) && old.managers.get(m).paths.size === e.paths.size);
  const strip = o => { const c = clone(o); delete c.metadata.resourceVersion; delete c.metadata.managedFields; delete c.metadata.generation; delete c.status; return c; };
  if (old && ownersSame && deepEqual(strip(old.obj), strip(live))) {
    return [200, old.obj, 'unchanged'];
  }
  mine.paths = newPaths;
  mine.time = now();
  mine.apiVersion = body.apiVersion;
  managers.set(manager, mine);
  if (!old) {
    live.metadata.uid = crypto.randomUUID();
    live.metadata.creationTimestamp = now();
    if (res.kind === 'Job') jobCreated(live);
  }
  const specChanged = !old || !deepEqual(old.obj.spec, live.spec);
  if (GENERATION_KINDS.has(res.kind) && specChanged) live.metadata.generation = (old ? old.obj.metadata.generation || 0 : 0) + 1;
  const entry = { obj: live, managers };
  live.metadata.managedFields = managedFields(entry);
  if (dry) {
    if (old) live.metadata.resourceVersion = old.obj.metadata.resourceVersion;
    else delete live.metadata.resourceVersion;
    return [old ? 200 : 201, order(live), 'dry-run'];
  }
  live.metadata.resourceVersion = String(++rv);
  entry.obj = order(live);
  store.set(k, entry);
  saveState();
  if (specChanged && (res.kind === 'Deployment' || res.kind === 'StatefulSet')) scheduleReady(res, ns, name);
  if (res.kind === 'Job' && (!old || (old.obj.spec.suspend && !entry.obj.spec.suspend))) startJob(res, ns, name);
  return [old ? 200 : 201, entry.obj, old ? 'changed' : 'created'];
}

// apiVersion, kind, metadata, spec, ... status last, as the server writes objects
function order(o) {
  const out = { kind: o.kind, apiVersion: o.apiVersion, metadata: o.metadata };
  for (const [k, v] of Object.entries(o)) if (!(k in out) && k !== 'status') out[k] = v;
  if ('status' in o) out.status = o.status;
  const m = o.metadata, mo = {};
  for (const f of ['name', 'namespace', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp', 'labels', 'annotations', 'finalizers', 'managedFields']) if (f in m) mo[f] = m[f];
  out.metadata = Object.assign(mo, m);
  return out;
}

// What the controllers would do: after a while the workload is available.
function scheduleReady(res, ns, name) {
  setTimeout(() => {
    const e = store.get(key(res, ns, name));
    if (!e || e.obj.metadata.deletionTimestamp) return;
    const o = e.obj, n = o.spec.replicas, gen = o.metadata.generation;
    const fault = takeFault('READY', `${res.group ? `/apis/${res.group}/${res.version}` : '/api/v1'}/namespaces/${ns}/${res.resource}/${name}`, ['never-ready', 'stale']);
    if (fault && 'stale' in fault && o.status) {
      // the new generation seen with the old counts; the rest a while later
      o.status = Object.assign({}, o.status, { observedGeneration: gen });
      o.metadata.resourceVersion = String(++rv);
      saveState();
      scheduleReady(res, ns, name);
      return;
    }
    const ready = fault && 'never-ready' in fault ? 0 : n;
    o.status = res.kind === 'Deployment'
      ? { observedGeneration: gen, replicas: n, updatedReplicas: n, readyReplicas: ready, availableReplicas: ready,
          conditions: [{ type: 'Available', status: ready === n ? 'True' : 'False' }, { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' }] }
      : { observedGeneration: gen, replicas: n, readyReplicas: ready, currentReplicas: n, updatedReplicas: n, availableReplicas: ready,
          currentRevision: `${name}-${gen}`, updateRevision: `${name}-${gen}` };
    o.metadata.resourceVersion = String(++rv);
    workloadPods(res, o, ready === n);
    saveState();
  }, opt.readyMs);
}

// ---- pods, as the controllers and the kubelet would make them ----
const podResource = () => resources.get('/pods');
const NAME_CHARS = 'bcdfghjklmnpqrstvwxz2456789';   // what Kubernetes makes generated names of
function randomChars(n) {
  let out = '';
  for (let i = 0; i < n; i++) out += NAME_CHARS[crypto.randomInt(NAME_CHARS.length)];
  return out;
}
function generateName(ns, prefix) {
  let name;
  do name = prefix + randomChars(5); while (store.has(key(podResource(), ns, name)));
  return name;
}
function ownedBy(o, uid) { return (o.metadata.ownerReferences || []).some(r => r.uid === uid); }

// A pod of owner o (a Job or a workload) from its template; log is its text (undefined: the default).
function createPod(o, name, labels, extra, log) {
  const t = o.spec.template || {}, tm = t.metadata || {};
  const meta = { name };
  Object.assign(meta, extra);
  Object.assign(meta, { namespace: o.metadata.namespace, uid: crypto.randomUUID(), resourceVersion: String(++rv), creationTimestamp: now(),
    labels: Object.assign({}, tm.labels, labels) });
  if (tm.annotations) meta.annotations = clone(tm.annotations);
  meta.ownerReferences = [{ apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name, uid: o.metadata.uid, controller: true, blockOwnerDeletion: true }];
  const spec = Object.assign({}, clone(t.spec), { nodeName: 'k8s-double' });
  const entry = { obj: { kind: 'Pod', apiVersion: 'v1', metadata: meta, spec, status: { phase: 'Pending' } }, managers: new Map(), log };
  store.set(key(podResource(), meta.namespace, name), entry);
  return entry;
}

// The kubelet's view: phase Running (ready or not), Succeeded or Failed.
function podStatus(entry, phase, ready) {
  const p = entry.obj, started = (p.status && p.status.startTime) || now();
  const state = phase === 'Running' ? { running: { startedAt: started } }
    : { terminated: { exitCode: phase === 'Failed' ? 1 : 0, reason: phase === 'Failed' ? 'Error' : 'Completed', startedAt: started, finishedAt: now() } };
  const cond = v => ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled']
    .map(type => ({ type, status: v(type) ? 'True' : 'False', lastProbeTime: null, lastTransitionTime: now() }));
  p.status = {
    phase,
    conditions: cond(type => !/Ready$/.test(type) || (phase === 'Running' && ready)),
    hostIP: '127.0.0.1', podIP: '127.0.0.1', startTime: started,
    containerStatuses: (p.spec.containers || []).map(c => ({ name: c.name, state, ready: phase === 'Running' && !!ready,
      restartCount: 0, image: c.image, imageID: '', started: phase === 'Running' })),
  };
  p.metadata.resourceVersion = String(++rv);
  saveState();
}

// A ready (or stuck) workload has spec.replicas pods of its current template.
function workloadPods(res, o, ready) {
  for (const [k, e] of store) if (ownedBy(e.obj, o.metadata.uid)) store.delete(k);
  const hash = crypto.createHash('sha256').update(JSON.stringify(sortKeys(o.spec.template || {}))).digest()
    .subarray(0, 10).reduce((s, b) => s + NAME_CHARS[b % NAME_CHARS.length], '');
  for (let i = 0; i < o.spec.replicas; i++) {
    const ns = o.metadata.namespace, base = o.metadata.name;
    const name = res.kind === 'Deployment' ? generateName(ns, `${base}-${hash}-`) : `${base}-${i}`;
    const labels = res.kind === 'Deployment' ? { 'pod-template-hash': hash }
      : { 'apps.kubernetes.io/pod-index': String(i), 'controller-revision-hash': o.status.updateRevision, 'statefulset.kubernetes.io/pod-name': name };
    const extra = res.kind === 'Deployment' ? { generateName: `${base}-${hash}-` } : {};
    podStatus(createPod(o, name, labels, extra), 'Running', ready);
  }
}

// The Job controller: one pod per attempt, then the Job's conditions.
const JOB_FAILURES = {
  BackoffLimitExceeded: 'Job has reached the specified backoff limit',
  DeadlineExceeded: 'Job was active longer than specified deadline',
};
function startJob(res, ns, name) {
  const k = key(res, ns, name), job = store.get(k).obj, uid = job.metadata.uid;
  const cond = (type, r, message, status) => ({ type, status: status || 'True', lastProbeTime: now(), lastTransitionTime: now(), reason: r, message });
  if (job.spec.suspend) {   // no pod until spec.suspend is false
    job.status = { conditions: [cond('Suspended', 'JobSuspended', 'Job suspended')] };
    job.metadata.resourceVersion = String(++rv);
    saveState();
    return;
  }
  if (job.status.conditions) job.status.conditions = [cond('Suspended', 'JobResumed', 'Job resumed', 'False')];
  const fault = takeFault('JOB', `/apis/${res.group}/${res.version}/namespaces/${ns}/${res.resource}/${name}`, ['fail', 'never-complete', 'ms', 'log']) || {};
  let log;
  if (fault.log) {
    try { log = fs.readFileSync(fault.log, 'utf8'); } catch (e) { log = `k8s-double: cannot read the log file of a fault: ${e.message}\n`; }
  }
  const reason = fault.fail === true ? 'BackoffLimitExceeded' : fault.fail;
  const live = () => {   // the Job, unless it was deleted (or deleted and made again) meanwhile
    const e = store.get(k);
    return e && e.obj.metadata.uid === uid && !e.obj.metadata.deletionTimestamp ? e.obj : null;
  };
  const setStatus = (o, st) => {   // in the order the server writes the fields
    const out = {}, conditions = (o.status.conditions || []).concat(st.conditions || []);
    if (conditions.length) out.conditions = conditions;
    out.startTime = o.status.startTime || now();
    for (const f of ['completionTime', 'active', 'succeeded', 'failed']) if (st[f] !== undefined) out[f] = st[f];
    o.status = Object.assign(out, { terminating: 0, uncountedTerminatedPods: {}, ready: st.active || 0 });
    o.metadata.resourceVersion = String(++rv);
    saveState();
  };
  const attempts = !reason ? 1 : reason === 'BackoffLimitExceeded' ? Math.min(Number(job.spec.backoffLimit) + 1, 20) : 1;
  let failed = 0;
  const attempt = () => {
    const o = live();
    if (!o) return;
    const pod = createPod(o, generateName(ns, `${name}-`), jobLabels(name, uid), { generateName: `${name}-` }, log);
    podStatus(pod, 'Running', true);
    setStatus(o, Object.assign({ active: 1 }, failed ? { failed } : {}));
    if (fault['never-complete']) return;
    setTimeout(() => {
      const j = live();
      if (!j) return;
      if (store.get(key(podResource(), ns, pod.obj.metadata.name)) === pod) podStatus(pod, reason ? 'Failed' : 'Succeeded');
      if (!reason) {
        const msg = 'Reached expected number of succeeded pods';
        setStatus(j, { conditions: [cond('SuccessCriteriaMet', 'CompletionsReached', msg), cond('Complete', 'CompletionsReached', msg)],
          completionTime: now(), succeeded: 1 });
        return;
      }
      failed++;
      if (failed < attempts) { attempt(); return; }
      const msg = JOB_FAILURES[reason] || 'injected by the double';
      setStatus(j, { conditions: [cond('FailureTarget', reason, msg), cond('Failed', reason, msg)], failed });
    }, fault.ms !== undefined ? Number(fault.ms) : opt.jobMs);
  };
  attempt();
}

// GET .../pods/NAME/log, as the kubelet would stream it.
function podLog(res, ns, name, q) {
  const e = store.get(key(res, ns, name));
  if (!e) return notFound(res, name);
  const names = (e.obj.spec.containers || []).map(c => c.name), inits = (e.obj.spec.initContainers || []).map(c => c.name);
  const c = q.get('container');
  if (!c && names.length !== 1) {
    return [400, failure(400, 'BadRequest', `a container name must be specified for pod ${name}, choose one of: [${names.join(' ')}]${inits.length ? ` or one of the init containers: [${inits.join(' ')}]` : ''}`)];
  }
  if (c && !names.includes(c) && !inits.includes(c)) return [400, failure(400, 'BadRequest', `container ${c} is not valid for pod ${name}`)];
  let text = e.log !== undefined ? e.log : `k8s-double: no real container ran for pod ${name}\n`;
  if (q.has('tailLines')) {
    const n = Number(q.get('tailLines')), lines = text.match(/[^\n]*\n|[^\n]+$/g) || [];
    if (!Number.isInteger(n) || n < 0) {
      return [422, failure(422, 'Invalid', `PodLogOptions "${name}" is invalid: tailLines: Invalid value: ${q.get('tailLines')}: must be greater than or equal to 0`)];
    }
    text = lines.slice(Math.max(0, lines.length - n)).join('');
  }
  return [200, Buffer.from(text), '-', 'text/plain'];
}

function matchesSelector(labels, selector) {
  labels = labels || {};
  // split on commas outside parentheses
  const reqs = []; let depth = 0, cur = '';
  for (const c of selector) {
    if (c === '(') depth++;
    if (c === ')') depth--;
    if (c === ',' && !depth) { reqs.push(cur); cur = ''; } else cur += c;
  }
  reqs.push(cur);
  for (let r of reqs) {
    r = r.trim();
    if (!r) continue;
    let m;
    if ((m = /^(\S+)\s+(in|notin)\s+\((.*)\)$/.exec(r))) {
      const vals = m[3].split(',').map(s => s.trim());
      const has = m[1] in labels && vals.includes(labels[m[1]]);
      if (m[2] === 'in' ? !has : has) return false;
    } else if ((m = /^([^!=]+)!=(.*)$/.exec(r))) {
      if (labels[m[1].trim()] === m[2].trim()) return false;
    } else if ((m = /^([^!=]+)==?(.*)$/.exec(r))) {
      if (labels[m[1].trim()] !== m[2].trim()) return false;
    } else if (r.startsWith('!')) {
      if (r.slice(1) in labels) return false;
    } else if (!(r in labels)) {
      return false;
    }
  }
  return true;
}

function list(res, ns, q) {
  const items = [];
  const sel = q.get('labelSelector') || '';
  for (const [k, e] of store) {
    if (!k.startsWith(`${res.group}/${res.resource}/`)) continue;
    if (res.namespaced && ns && e.obj.metadata.namespace !== ns) continue;
    if (!matchesSelector(e.obj.metadata.labels, sel)) continue;
    const item = clone(e.obj);
    delete item.kind; delete item.apiVersion;   // list items carry no type, as from the real server
    items.push(item);
  }
  items.sort((a, b) => `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`));
  return [200, { kind: `${res.kind}List`, apiVersion: res.group ? `${res.group}/${res.version}` : res.version, metadata: { resourceVersion: String(rv) }, items }];
}

// The garbage collector: the dependents of a deleted owner go too (and theirs), or lose their reference to it.
function collect(uid) {
  for (const [k, e] of store) {
    if (!ownedBy(e.obj, uid)) continue;
    store.delete(k);
    collect(e.obj.metadata.uid);
  }
  saveState();
}
function orphan(uid) {
  for (const [, e] of store) {
    if (!ownedBy(e.obj, uid)) continue;
    e.obj.metadata.ownerReferences = e.obj.metadata.ownerReferences.filter(r => r.uid !== uid);
    if (!e.obj.metadata.ownerReferences.length) delete e.obj.metadata.ownerReferences;
    e.obj.metadata.resourceVersion = String(++rv);
  }
  saveState();
}

// A terminating namespace goes, with everything in it, after --ns-delete-ms.
function purgeLater(k, name) {
  setTimeout(() => {
    for (const [k2, e2] of store) if (e2.obj.metadata.namespace === name) store.delete(k2);
    store.delete(k);
    saveState();
  }, opt.nsDeleteMs);
}

function remove(res, ns, name, q) {
  const k = key(res, ns, name), e = store.get(k);
  // without a policy, batch/v1 Jobs orphan their pods (kubectl asks for Background)
  const dry = q.get('dryRun') === 'All', policy = q.get('propagationPolicy') || (res.kind === 'Job' ? 'Orphan' : 'Background');
  if (!e) return notFound(res, name);
  const o = clone(e.obj);
  if (res.kind === 'Namespace') {
    if (o.status.phase === 'Terminating') {
      return [409, failure(409, 'Conflict', `Operation cannot be fulfilled on namespaces "${name}": The system is ensuring all content is removed from this namespace.  Upon completion, this namespace will automatically be purged by the system.`, { name, kind: 'namespaces' })];
    }
    o.metadata.deletionTimestamp = now();
    o.status.phase = 'Terminating';
    if (dry) return [200, order(o)];
    o.metadata.resourceVersion = String(++rv);
    e.obj = order(o);
    saveState();
    purgeLater(k, name);
    return [200, e.obj];
  }
  if (policy === 'Foreground') {
    if (!o.metadata.deletionTimestamp) o.metadata.deletionTimestamp = now();
    o.metadata.finalizers = ['foregroundDeletion'];
    if (dry) return [200, order(o)];
    o.metadata.resourceVersion = String(++rv);
    e.obj = order(o);
    saveState();
    setTimeout(() => {
      if (store.get(k) !== e) return;
      collect(o.metadata.uid);
      store.delete(k);
      saveState();
    }, opt.gcMs);
    return [200, e.obj];
  }
  if (!dry) {
    store.delete(k);
    saveState();
    if (policy === 'Orphan') orphan(o.metadata.uid);
    else setTimeout(() => collect(o.metadata.uid), opt.gcMs);
  }
  return [200, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: details(res, name, { uid: o.metadata.uid }) }];
}

function forbidden(user, verb, res, ns, name) {
  const scope = res.namespaced && ns ? `in the namespace "${ns}"` : res.resource === 'namespaces' && name ? `in the namespace "${name}"` : 'at the cluster scope';
  return [403, failure(403, 'Forbidden',
    `${qualified(res)}${name ? ` "${name}"` : ''} is forbidden: User "${user}" cannot ${verb} resource "${res.resource}" in API group "${res.group}" ${scope}`,
    details(res, name))];
}

// ServiceAccount tokens the double issued: token -> "system:serviceaccount:NS:NAME"
const saTokens = new Map();

function issueToken(ns, name, body) {
  const sa = store.get(key(resources.get('/serviceaccounts'), ns, name));
  if (!sa) return notFound(resources.get('/serviceaccounts'), name);
  let req;
  try { req = JSON.parse(body); } catch (e) { return [400, failure(400, 'BadRequest', `the double reads JSON bodies only: ${e.message}`)]; }
  const seconds = (req.spec && req.spec.expirationSeconds) || 3600;
  if (seconds < 600) return [422, failure(422, 'Invalid', `TokenRequest.authentication.k8s.io "${name}" is invalid: spec.expirationSeconds: Invalid value: ${seconds}: may not specify a duration less than 10 minutes`)];
  const token = `double-sa.${ns}.${name}.${randomChars(16)}`;
  saTokens.set(token, `system:serviceaccount:${ns}:${name}`);
  const now = new Date();
  return [201, { kind: 'TokenRequest', apiVersion: 'authentication.k8s.io/v1',
    metadata: { name, namespace: ns, creationTimestamp: now.toISOString().replace(/\.\d+Z$/, 'Z') },
    spec: { audiences: ['https://kubernetes.default.svc.cluster.local'], expirationSeconds: seconds, boundObjectRef: null },
    status: { token, expirationTimestamp: new Date(now.getTime() + seconds * 1000).toISOString().replace(/\.\d+Z$/, 'Z') } }];
}

// RBAC for a ServiceAccount: may it do verb on resource (with /sub) of group in ns?
function allowed(user, verb, res, sub, ns) {
  const m = /^system:serviceaccount:([^:]+):(.+)$/.exec(user);
  if (!m || !res.namespaced || !ns) return false;     // no ClusterRoleBindings here
  const bindings = resources.get('rbac.authorization.k8s.io/rolebindings');
  const roles = resources.get('rbac.authorization.k8s.io/roles');
  const resource = sub ? `${res.resource}/${sub}` : res.resource;
  const has = (list, v) => (list || []).includes('*') || (list || []).includes(v);
  for (const [k, e] of store) {
    if (!k.startsWith(`${bindings.group}/${bindings.resource}/${ns}/`)) continue;
    const b = e.obj;
    if (!(b.subjects || []).some(s => s.kind === 'ServiceAccount' && s.name === m[2] && (s.namespace || ns) === m[1])) continue;
    if (!b.roleRef || b.roleRef.kind !== 'Role') continue;
    const role = store.get(key(roles, ns, b.roleRef.name));
    if (role && (role.obj.rules || []).some(r => has(r.apiGroups, res.group) && has(r.resources, resource) && has(r.verbs, verb))) return true;
  }
  return false;
}

function authenticate(req) {
  const h = req.headers.authorization;
  if (h) {
    let m;
    if ((m = /^Bearer (.+)$/.exec(h))) {
      if (opt.tokens.includes(m[1])) return 'admin';
      if (opt.viewerTokens.includes(m[1])) return 'viewer';
      if (saTokens.has(m[1])) return saTokens.get(m[1]);
    } else if ((m = /^Basic (.+)$/.exec(h))) {
      const up = Buffer.from(m[1], 'base64').toString();
      if (opt.basic.includes(up)) return up.split(':')[0];
    }
    return null;
  }
  try {   // the socket of a request whose session a reset took is gone
    const sock = req.socket;
    if (sock && sock.authorized) return sock.getPeerCertificate().subject.CN || 'cert';
  } catch (e) { /* unauthenticated */ }
  return null;
}

function route(req, body) {
  const u = new URL(req.url, 'https://double');
  const q = u.searchParams, p = u.pathname;
  const user = authenticate(req);
  if (!user) return [401, failure(401, 'Unauthorized', 'Unauthorized')];
  if (req.method === 'GET' && docs[p]) return [200, docs[p]];
  if (req.method === 'GET' && p === '/version') return [200, { major: '1', minor: '32', gitVersion: 'v1.32.0-double', platform: 'k8s-double' }];
  const m = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))(?:\/(.*))?$/.exec(p);
  if (!m) return noResource;
  const group = m[2] || '', rest = (m[4] || '').split('/').filter(Boolean).map(decodeURIComponent);
  if (!rest.length) return noResource;     // an unrecorded group version
  let ns = null, res, name, sub;
  const nsd = rest[0] === 'namespaces' && rest.length >= 3 && resources.get(`${group}/${rest[2]}`);
  if (nsd && nsd.namespaced) {
    [ns, res, name, sub] = [rest[1], nsd, rest[3], rest[4]];
  } else {
    res = resources.get(`${group}/${rest[0]}`);
    [name, sub] = [rest[1], rest[2]];
  }
  const sa = user.startsWith('system:serviceaccount:');
  if (res && res.kind === 'Pod' && !res.group && ns && name && sub === 'log' && req.method === 'GET') {
    if (sa && !allowed(user, 'get', res, 'log', ns)) return forbidden(user, 'get', { ...res, resource: 'pods/log' }, ns, name);
    return podLog(res, ns, name, q);
  }
  if (res && res.kind === 'ServiceAccount' && ns && name && sub === 'token' && req.method === 'POST') {
    if (sa && !allowed(user, 'create', res, 'token', ns)) return forbidden(user, 'create', { ...res, resource: 'serviceaccounts/token' }, ns, name);
    return issueToken(ns, name, body);
  }
  if (!res || sub || (res.namespaced && name && !ns)) return noResource;
  const verb = { GET: name ? 'get' : 'list', PATCH: 'patch', DELETE: 'delete' }[req.method];
  if (!verb || (!name && req.method !== 'GET')) {
    return [405, failure(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`)];
  }
  if (user === 'viewer' && req.method !== 'GET') return forbidden(user, verb, res, ns, name);
  if (sa) {
    if (!allowed(user, verb, res, null, ns)) return forbidden(user, verb, res, ns, name);
    if (req.method === 'PATCH' && !store.has(key(res, ns, name)) && !allowed(user, 'create', res, null, ns)) {
      return forbidden(user, 'create', res, ns, name);
    }
  }
  if (req.method === 'GET') {
    if (!name) return list(res, ns, q);
    const e = store.get(key(res, ns, name));
    return e ? [200, e.obj] : notFound(res, name);
  }
  if (req.method === 'DELETE') return remove(res, ns, name, q);
  if (!/^application\/apply-patch\+yaml/.test(req.headers['content-type'] || '')) {
    return [415, failure(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/apply-patch+yaml`)];
  }
  let obj;
  try { obj = JSON.parse(body); } catch (e) {
    return [400, failure(400, 'BadRequest', `error decoding patch: the double reads JSON bodies only: ${e.message}`)];
  }
  return apply(res, ns, name, obj, q, user);
}

// Which connection a request came on (c1, c2, ...), to see that a client multiplexes.
const connIds = new WeakMap();
let nextConn = 1;
function connection(req) {
  const c = req.httpVersionMajor === 2 ? req.stream.session : req.socket;
  if (!c) return 'c?';      // a session already torn down (a reset of another stream)
  if (!connIds.has(c)) connIds.set(c, `c${nextConn++}`);
  return connIds.get(c);
}

function handle(req, res) {
  const chunks = [];
  let size = 0;
  req.on('data', c => { size += c.length; if (size <= 3 << 20) chunks.push(c); });
  req.on('end', () => {
    const proto = req.httpVersionMajor === 2 ? 'h2' : 'http/1.1';
    const user = authenticate(req) || '-', conn = connection(req);
    const fault = takeFault(req.method, req.url, ['status', 'reset', 'delay', 'die']);
    if (fault && fault.die) {
      log(`${conn} ${user} ${proto} ${req.method} ${req.url} die -`);
      process.exit(3);
    }
    const answer = () => {
      if (fault && fault.reset) {
        log(`${conn} ${user} ${proto} ${req.method} ${req.url} reset -`);
        // HTTP/2: the whole session goes, unless another reset took it already
        if (req.httpVersionMajor !== 2) req.socket.destroy();
        else if (req.stream && req.stream.session && !req.stream.session.destroyed) req.stream.session.destroy();
        return;
      }
      let code, out, note = '-', type;
      if (fault && fault.status) {
        code = Number(fault.status);
        const reason = { 429: 'TooManyRequests', 500: 'InternalError', 503: 'ServiceUnavailable', 504: 'Timeout' }[code] || 'InternalError';
        out = failure(code, reason, code === 429 ? 'Too many requests, please try again later.' : 'Internal error occurred: injected by the double');
      } else if (size > 3 << 20) {
        [code, out] = [413, failure(413, 'RequestEntityTooLarge', 'Request entity too large: limit is 3145728')];
      } else {
        [code, out, note, type] = route(req, Buffer.concat(chunks).toString());
        note = note || '-';
      }
      log(`${conn} ${user} ${proto} ${req.method} ${req.url} ${code} ${note}`);
      const text = Buffer.isBuffer(out) ? out : Buffer.from(JSON.stringify(out));
      const headers = { 'content-type': type || 'application/json', 'content-length': text.length };
      if (fault && fault['retry-after']) headers['retry-after'] = fault['retry-after'];
      try { res.writeHead(code, headers); res.end(text); } catch (e) { /* the client went away */ }
    };
    const delay = (fault && fault.delay ? Number(fault.delay) : 0) + opt.latencyMs;
    if (delay) setTimeout(answer, delay); else answer();
  });
}

loadState();
// after a restart: what the controllers had still to do
for (const [k, e] of store) {
  const o = e.obj, [group, resource, ns, name] = k.split('/');
  if (o.kind === 'Namespace' && o.status && o.status.phase === 'Terminating') purgeLater(k, name);
  else if ((o.kind === 'Deployment' || o.kind === 'StatefulSet') &&
           (!o.status || o.status.observedGeneration !== o.metadata.generation)) {
    scheduleReady([...resources.values()].find(r => r.group === group && r.resource === resource), ns, name);
  }
}

const server = opt.plain ? http.createServer(handle) : http2.createSecureServer({
  cert: fs.readFileSync(opt.cert), key: fs.readFileSync(opt.key), ca: fs.readFileSync(opt.ca),
  requestCert: true, rejectUnauthorized: false, allowHTTP1: true,
  settings: { maxConcurrentStreams: 250 },
}, handle);
server.on('sessionError', () => {});
server.on('tlsClientError', () => {});

function writeAtomically(file, text) {
  fs.writeFileSync(file + '.tmp', text);
  fs.renameSync(file + '.tmp', file);
}

server.listen(opt.port, '127.0.0.1', () => {
  const port = server.address().port;
  console.log(`k8s-double: a Kubernetes API server DOUBLE for tests (not a real API server) on ${opt.plain ? 'http' : 'https'}://127.0.0.1:${port}`);
  if (opt.proxyPortFile) {
    // CONNECT to the double only, the way a corporate proxy would tunnel to the cluster
    const proxy = http.createServer((req, res) => { res.writeHead(405); res.end(); });
    proxy.on('connect', (req, client, head) => {
      log(`- - proxy CONNECT ${req.url} 200 -`);
      const [host, p] = req.url.split(':');
      if (!['127.0.0.1', 'localhost'].includes(host)) { client.end('HTTP/1.1 403 Forbidden\r\n\r\n'); return; }
      const up = net.connect(Number(p), '127.0.0.1', () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        up.write(head);
        up.pipe(client); client.pipe(up);
      });
      up.on('error', () => client.destroy());
      client.on('error', () => up.destroy());
    });
    proxy.listen(0, '127.0.0.1', () => writeAtomically(opt.proxyPortFile, `${proxy.address().port}\n`));
  }
  writeAtomically(opt.portFile, `${port}\n`);
});
process.on('SIGTERM', () => process.exit(0));
// a crash of the double is a bug of the double, not a fault it injects: say so in the log
process.on('uncaughtException', e => {
  log(`- - - - - crash ${String(e.stack || e).split('\n').join(' | ')}`);
  console.error(e);
  process.exit(70);
});
