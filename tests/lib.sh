# tests/lib.sh - TAP helpers for the shell tests, sourced by every tests/*.t.
#
# make check sets TOP (the source tree), BINDIR (the tools under test) and
# TOOL_MAKEFLAGS (arguments that make a nested make reuse those tools).
# Each test gets a scratch directory $tmp, removed at exit.

set -u
: "${TOP:?run the tests through make check}"
: "${BINDIR:?run the tests through make check}"
PATH=$BINDIR:$PATH
# a nested make must not inherit the flags (-j, -s, jobserver) of the make
# that runs the suite
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES
FIXTURES=${FIXTURES:-$TOP/tests/fixtures}
tap_n=0
tap_failed=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fk8s-test.XXXXXX")
# What a failing test said (its failed checks and every diag) is kept in
# FAILURES/<test>.log when make check names a FAILURES directory: a CI log
# that shows only its end can still show why (.ci/run prints them last).
tap_cleanup() {
	if [ "$tap_failed" -gt 0 ] && [ -n "${FAILURES:-}" ] && [ -s "$tmp/.said" ]; then
		mkdir -p "$FAILURES" && cp "$tmp/.said" "$FAILURES/${0##*/}.log"
	fi
	rm -rf "$tmp"
}
trap tap_cleanup EXIT

ok() { # ok STATUS DESCRIPTION: pass when STATUS is 0
	tap_n=$((tap_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $tap_n - $2"
	else
		echo "not ok $tap_n - $2"
		echo "not ok $tap_n - $2" >>"$tmp/.said"
		tap_failed=$((tap_failed + 1))
	fi
}

diag() { printf '%s\n' "$@" | sed 's/^/# /' | tee -a "$tmp/.said"; }

skip() { # skip N REASON: N tests that cannot run here
	_k=0
	while [ $_k -lt "$1" ]; do
		tap_n=$((tap_n + 1))
		echo "ok $tap_n # skip $2"
		_k=$((_k + 1))
	done
}

is() { # is GOT WANT DESCRIPTION
	if [ "$1" = "$2" ]; then
		ok 0 "$3"
	else
		ok 1 "$3"
		diag "got:" "$1" "expected:" "$2"
	fi
}

like() { # like GOT EXTENDED-REGEX DESCRIPTION
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then
		ok 0 "$3"
	else
		ok 1 "$3"
		diag "got:" "$1" "expected to match: $2"
	fi
}

run() { # run CMD...: $out, $err and $rc hold what it did
	"$@" >"$tmp/.out" 2>"$tmp/.err"
	rc=$?
	out=$(cat "$tmp/.out")
	err=$(cat "$tmp/.err")
}

# A snapshot of a tree (paths, sizes, modes, mtimes and content hashes),
# to show that a failed command changed nothing.
snapshot() {
	[ -e "$1" ] || { echo "(absent)"; return; }
	(cd "$1" && find . -printf '%p %s %m %T@\n' | sort &&
		find . -type f -exec sha256sum {} + | sort)
}

# PY: a python3 that has PyYAML, the independent YAML reader of the
# manifest checks (make check installs python3-yaml when none has it).
need_pyyaml() {
	PY=
	for p in python3 /usr/bin/python3; do
		if "$p" -c 'import yaml' 2>/dev/null; then PY=$p; return 0; fi
	done
	echo "Bail out! no python3 with PyYAML (make deps installs python3-yaml)"
	exit 1
}

done_testing() {
	echo "1..$tap_n"
	[ "$tap_failed" -eq 0 ]
}

# make in the source tree with a build directory of the test's own,
# reusing the tools already built for this run.
tmake() {
	# shellcheck disable=SC2086
	make --no-print-directory -C "$TOP" $TOOL_MAKEFLAGS "$@"
}

# The sample's configtx.yaml with the capabilities of Fabric 1.4 (V1_4_3
# for the channel and the orderers, V1_4_2 for the application: the 1.x
# chaincode lifecycle), which a 1.4 network runs: configtx_14 > FILE
configtx_14() {
	sed '/&ChannelCapabilities/,/V2_0/s/V2_0/V1_4_3/; /&OrdererCapabilities/,/V2_0/s/V2_0/V1_4_3/
		/&ApplicationCapabilities/,/V2_0/s/V2_0/V1_4_2/' "$TOP/configtx.yaml"
}

# fabric-samples' addOrg3, on the test's own files: with_org3_crypto FILE
# prints the crypto-config.yaml FILE with PeerOrgs Org3 (domain org3, one
# peer, one user) added; with_org3_configtx FILE [PROFILE] prints the
# configtx.yaml FILE with Org3MSP in its Organizations (anchor peer
# peer0.org3) and in the Application orgs of its profile PROFILE
# (TwoOrgsApplicationGenesis), and fails when it has no such profile.
with_org3_crypto() {
	cat "$1"
	printf '\n  - Name: Org3\n    Domain: org3\n    EnableNodeOUs: true\n    Template:\n      Count: 1\n    Users:\n      Count: 1\n'
}
with_org3_configtx() {
	awk -v profile="${2:-TwoOrgsApplicationGenesis}" '/^Capabilities:/ && !org {
		print "  - &Org3"; print "    Name: Org3MSP"; print "    ID: Org3MSP"
		print "    MSPDir: crypto-config/peerOrganizations/org3/msp"
		print "    Policies:"
		print "      Readers: {Type: Signature, Rule: \"OR('"'"'Org3MSP.member'"'"')\"}"
		print "      Writers: {Type: Signature, Rule: \"OR('"'"'Org3MSP.member'"'"')\"}"
		print "      Admins: {Type: Signature, Rule: \"OR('"'"'Org3MSP.admin'"'"')\"}"
		print "      Endorsement: {Type: Signature, Rule: \"OR('"'"'Org3MSP.member'"'"')\"}"
		print "    AnchorPeers: [{Host: peer0.org3, Port: 7051}]"
		print ""; org = 1 }
		$0 == "  " profile ":" { p = 1 }
		{ print }
		p && /^        - \*Org2$/ { print "        - *Org3"; p = 0; added = 1 }
		END { exit !(org && added) }' "$1"
}
# Raft consenters for more orderers of the orderer org:
# with_consenters FILE NAME... prints the configtx.yaml FILE with a
# consenter per NAME after its first one, a copy of it with that node's
# name (the first label of its Host) replaced by NAME, in its Host and its
# certificate paths; fails when FILE has no consenter.
with_consenters() {
	f=$1
	shift
	awk -v names="$*" '
		function subst(s, from, to,   i) {
			while ((i = index(s, from)) > 0)
				s = substr(s, 1, i - 1) to substr(s, i + length(from))
			return s
		}
		{ print }
		!done && /^ *- Host: / { host = $3; n = 0; grab = 1 }
		grab { block[++n] = $0 }
		grab && /ServerTLSCert:/ {
			grab = 0; done = 1
			split(host, label, ".")
			split(names, new, " ")
			for (k = 1; k in new; k++) {
				to = new[k] substr(host, length(label[1]) + 1)
				for (i = 1; i <= n; i++) print subst(block[i], host, to)
			}
		}
		END { exit !done }' "$f"
}
