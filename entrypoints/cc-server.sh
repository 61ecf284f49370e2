#!/bin/sh
# cc-server.sh - run the Node.js chaincode of /cc/src as a chaincode server
# (its ConfigMap holds this script beside the source: /cc/cc-server.sh)
# (templates/chaincode.yaml, when no CC_IMAGE is given).
#
# /cc is a ConfigMap volume: /cc/src is a symbolic link into it, so the copy
# follows links.  Node.js as PID 1 would ignore SIGTERM (no handler of its
# own), and every pod deletion would wait out the grace period: the shell
# stays PID 1 and passes the signal on.
set -eu

# The pod runs as a user of its own on a read-only root file system: what
# npm writes goes to /tmp, its cache too, which starts as a copy of the
# image's own where it has one (npm_config_cache; fabric-nodeenv images
# may hold fabric-shim there, so that no registry is needed).
cp -rL /cc/src /tmp/cc
if [ -n "${npm_config_cache:-}" ] && [ -d "$npm_config_cache" ] && [ -r "$npm_config_cache" ]; then
	cp -r "$npm_config_cache" /tmp/npm-cache
fi
export HOME=/tmp npm_config_cache=/tmp/npm-cache
cd /tmp/cc
npm install --omit=dev --no-audit --no-fund --prefer-offline
node . &
child=$!
trap 'kill -TERM "$child" 2>/dev/null' TERM INT
status=0
wait "$child" || status=$?
if kill -0 "$child" 2>/dev/null; then
	# the trap ended the wait early: wait for node itself
	status=0
	wait "$child" || status=$?
fi
exit "$status"
