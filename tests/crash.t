#!/bin/sh
# Crash consistency.  mspgen (generating orgs, then extending them), txgen,
# a whole `make`, a `make deploy` and a `make channel chaincode` are killed
# with SIGKILL at many points: at the Nth write, mkdir, rename, openat or
# fsync of the tool (strace's fault injection), and at offsets through the
# run of make's whole process group.  After every kill:
#   - no key that existed before the kill was replaced (every priv_sk and
#     *.key hashed before and after, also after the next make);
# after the next plain `make` (or `make deploy`):
#   - the result is complete: the same tree as a clean run (every path,
#     type and mode; nothing left over, no temporary file), certificates
#     that verify against their CAs and match their keys (openssl), channel
#     artifacts that decode;
#   - the cluster holds every object as rendered, nothing to prune.
# CRASH_POINTS=all kills mspgen at every mkdir and openat too, not every third.
. "$TOP/tests/lib.sh"
. "$TOP/tests/kapply-lib.sh"

double_needed "kills deploys against the double"
if [ "${VALGRIND:-}" = 1 ]; then
	skip 1 "under valgrind the syscalls and timings would be valgrind's"
	done_testing
	exit
fi
cd "$tmp" || exit 1
cp "$TOP/crypto-config.yaml" cc.yaml
cp "$TOP/configtx.yaml" ctx.yaml
m() { _b=$1; shift; tmake BUILD="$_b" CRYPTO_CONFIG="$tmp/cc.yaml" CONFIGTX="$tmp/ctx.yaml" "$@"; }
# killed_after MS BUILD ARGS...: m BUILD ARGS in a process group of its own,
# the whole group killed after MS milliseconds
killed_after() {
	_ms=$1 _b=$2
	shift 2
	# shellcheck disable=SC2086
	setsid sh -c 'exec "$@" >/dev/null 2>&1' sh make --no-print-directory -C "$TOP" $TOOL_MAKEFLAGS \
		BUILD="$_b" CRYPTO_CONFIG="$tmp/cc.yaml" CONFIGTX="$tmp/ctx.yaml" "$@" &
	_pid=$!
	sleep "$(awk -v ms="$_ms" 'BEGIN {printf "%.3f", ms / 1000}')"
	kill -KILL -- "-$_pid" 2>/dev/null && echo "after $_ms ms" >>"$tmp/kills"
	wait "$_pid" 2>/dev/null
}
step=3
[ "${CRASH_POINTS:-}" = all ] && step=1
: >"$tmp/kills"          # one line per process killed (loops run in subshells)

# LeakSanitizer cannot run under ptrace: the traced runs go without it
strace_ok=
if strace -f -qq -o /dev/null true 2>/dev/null; then
	strace_ok=1
fi
# next_step SYSCALL RARE: 1 for a syscall made a few times only, else the step
next_step() { if [ "$1" = "$2" ]; then echo 1; else echo "$step"; fi; }
# traced TOOL SYSCALL N: a command line for make that runs TOOL killed at its Nth SYSCALL
traced() {
	printf 'env ASAN_OPTIONS=%s:detect_leaks=0 strace -f -qq -o /dev/null -e trace=%s -e inject=%s:signal=KILL:when=%s %s' \
		"${ASAN_OPTIONS:-}" "$2" "$2" "$3" "$BINDIR/$1"
}

# the tree of a build: paths, types and modes (contents differ: keys are new each run)
structure() { (cd "$1" && find crypto-config channel-artifacts manifests vars stamps secrets \
	-printf '%y %m %p\n' 2>/dev/null | sort); }
# every key in its place (not in the hidden directory of a run still building it)
keys() { [ -d "$1/crypto-config" ] && (cd "$1" && find crypto-config -path '*/.*' -prune -o -type f \( -name priv_sk -o -name '*.key' \) \
	-exec sha256sum {} + 2>/dev/null | sort -k2); }
# lost BEFORE-FILE AFTER-FILE: keys of BEFORE that AFTER lacks or has changed
lost() { sort -u "$1" >"$tmp/.b"; sort -u "$2" >"$tmp/.a"; comm -23 "$tmp/.b" "$tmp/.a"; }

# verify BUILD: every certificate against its CA, every key against its
# certificate; prints the problems
verify() {
	for org in "$1"/crypto-config/*Organizations/*; do
		ca=$(ls "$org"/ca/*.pem) tlsca=$(ls "$org"/tlsca/*.pem)
		pub "$org/ca/priv_sk" "$ca"
		pub "$org/tlsca/priv_sk" "$tlsca"
		for id in "$org"/peers/* "$org"/orderers/* "$org"/users/*; do
			[ -d "$id" ] || continue
			cert=$(ls "$id"/msp/signcerts/*.pem)
			openssl verify -CAfile "$ca" "$cert" >/dev/null 2>&1 || echo "does not verify: $cert"
			pub "$id/msp/keystore/priv_sk" "$cert"
			for t in "$id"/tls/server.crt "$id"/tls/client.crt; do
				[ -f "$t" ] || continue
				openssl verify -CAfile "$tlsca" "$t" >/dev/null 2>&1 || echo "does not verify: $t"
				pub "${t%.crt}.key" "$t"
			done
		done
	done
	for f in "$1"/channel-artifacts/*; do
		case $f in
		*.block) txgen -inspectBlock "$f" >/dev/null 2>&1 || echo "does not decode: $f" ;;
		*) txgen -inspectChannelCreateTx "$f" >/dev/null 2>&1 || echo "does not decode: $f" ;;
		esac
	done
}
pub() { # pub KEY CERT: does KEY belong to CERT?
	[ "$(openssl pkey -in "$1" -pubout 2>/dev/null)" = "$(openssl x509 -in "$2" -noout -pubkey 2>/dev/null)" ] ||
		echo "key does not match: $1"
}

# complete BUILD REF-STRUCTURE DESCRIPTION: the checks after recovery
complete() {
	is "$(structure "$1")" "$2" "$3: the same tree as a clean run (paths, types, modes; nothing left over)"
	_v=$(verify "$1")
	is "$_v" "" "$3: certificates verify against their CAs, keys match, artifacts decode"
}

# kill_run DESCRIPTION BUILD make-args...: a make whose tool gets killed;
# checks that no key existed before is gone or changed
kill_run() {
	_d=$1 _b=$2
	shift 2
	keys "$_b" >"$tmp/keys.before"
	m "$_b" "$@" >/dev/null 2>&1
	_rc=$?
	[ "$_rc" -ne 0 ] && echo "$_d" >>"$tmp/kills"
	keys "$_b" >"$tmp/keys.after"
	_lost=$(lost "$tmp/keys.before" "$tmp/keys.after")
	[ -z "$_lost" ] || { ok 1 "$_d: a key was replaced by the killed run"; diag "$_lost"; }
	cat "$tmp/keys.after" >>"$_b.ever"
}
# recover DESCRIPTION BUILD: the next plain make completes and keeps every key
recover() {
	keys "$2" >"$tmp/keys.before"
	m "$2" >/dev/null 2>"$tmp/recover.err"
	is "$?" 0 "$1: the next make succeeds"
	[ -s "$tmp/recover.err" ] && diag "$(cat "$tmp/recover.err")"
	keys "$2" >"$tmp/keys.after"
	is "$(lost "$tmp/keys.before" "$tmp/keys.after")" "" "$1: and replaces no key the killed runs left"
	touch "$2.ever"
	is "$(lost "$2.ever" "$tmp/keys.after" | awk '{print $2}' | sort -u | while read -r p; do
		grep -q " $p\$" "$tmp/keys.after" && echo "$p"; done)" "" \
		"$1: no key path ever held two different keys"
}

# syscalls MSPGEN-ARGS...: how many writes, mkdirs, renames and openats a run makes
syscalls() {
	strace -f -c -o "$tmp/.count" -e trace=write,mkdir,rename,openat "$@" >/dev/null 2>&1
	awk '$NF ~ /^(write|mkdir|rename|openat)$/ {print $NF, $4}' "$tmp/.count"
}
# kill_orgs DESCRIPTION BUILD CONFIG: mspgen extend of each org (as make
# runs it), killed at each of its writes and renames and every few of its
# mkdirs and openats (every one with CRASH_POINTS=all)
kill_orgs() {
	for org in orgorderer1 org1 org2; do
		rm -rf "$tmp/count"
		cp -a "$2/crypto-config" "$tmp/count" 2>/dev/null || mkdir "$tmp/count"
		syscalls env ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" \
			"$BINDIR/mspgen" extend --config="$3" --input="$tmp/count" --org=$org |
		while read -r sys count; do
			inc=$step
			case $sys in write | rename) inc=1 ;; esac
			n=1
			while [ "$n" -le "$count" ]; do
				kill_run "$1 $org, $sys $n" "$2" MSPGEN="$(traced mspgen "$sys" "$n")" \
					"$(org_stamp "$2" $org)"
				n=$((n + inc))
			done
		done
	done
}
org_stamp() { echo "$1/stamps/$2.msp"; }

# ---- the references: clean runs of both configurations ----
m "$tmp/ref" >/dev/null 2>&1 || { echo "Bail out! make fails on the sample network"; exit 1; }
ref=$(structure "$tmp/ref")
sed -e '/Name: Org1/,/Name: Org2/ s/Count: 2/Count: 4/' -e '/Name: Org1/,/Name: Org2/ s/Count: 1/Count: 3/' \
	-e '/Name: Org2/,$ s/Count: 2/Count: 3/' cc.yaml >cc-more.yaml
cp cc.yaml cc-less.yaml
cp cc-more.yaml cc.yaml
m "$tmp/ref-more" >/dev/null 2>&1 || { echo "Bail out! make fails on the extended network"; exit 1; }
ref_more=$(structure "$tmp/ref-more")
cp cc-less.yaml cc.yaml
ok "$([ "$ref" != "$ref_more" ]; echo $?)" "the extended network has more nodes and users than the sample"

if [ -n "$strace_ok" ]; then
	# ---- mspgen generating each org, killed at each of its writes, renames,
	# and every few of its mkdirs and openats ----
	b=$tmp/mspgen
	mkdir -p "$b"
	kill_orgs "mspgen generate" "$b" "$tmp/cc.yaml"
	recover "mspgen generate killed" "$b"
	complete "$b" "$ref" "mspgen generate killed"

	# ---- mspgen extending the orgs with new nodes and users ----
	cp cc-more.yaml cc.yaml
	kill_orgs "mspgen extend" "$b" "$tmp/cc.yaml"
	recover "mspgen extend killed" "$b"
	complete "$b" "$ref_more" "mspgen extend killed"

	# ---- txgen, writing the channel artifacts again ----
	for sc in openat:1:50 write:1:1 fsync:1:1 rename:1:1; do
		sys=${sc%%:*} first=${sc#*:} first=${first%%:*} last=${sc##*:}
		n=$first
		while [ "$n" -le "$last" ]; do
			touch "$b/configtx.yaml"  # the copy yaml2vars makes of ctx.yaml: txgen runs again
			before=$(cd "$b/channel-artifacts" && sha256sum *)
			kill_run "txgen, $sys $n" "$b" TXGEN="$(traced txgen "$sys" "$n") -configPath $b"
			for f in "$b"/channel-artifacts/*; do
				case $f in
				*.block) txgen -inspectBlock "$f" >/dev/null 2>&1 ;;
				*) txgen -inspectChannelCreateTx "$f" >/dev/null 2>&1 ;;
				esac || { ok 1 "txgen killed at $sys $n: $f is not a whole artifact"; }
			done
			n=$((n + $( [ "$sys" = openat ] && echo "$step" || echo 1)))
		done
	done
	recover "txgen killed" "$b"
	complete "$b" "$ref_more" "txgen killed"
	ok "$([ "$(cd "$b/channel-artifacts" && sha256sum *)" != "$before" ]; echo $?)" \
		"txgen killed: the artifacts were made again"
	cp cc-less.yaml cc.yaml
else
	skip 16 "strace cannot trace here (no ptrace)"
fi

# ---- a whole make, its process group killed at offsets through a clean run ----
start=$(date +%s%N)
m "$tmp/timing" >/dev/null 2>&1
whole=$((($(date +%s%N) - start) / 1000000))
diag "a clean make takes $whole ms here"
for i in 1 2 3 4 5 6 7 8 9; do
	b=$tmp/whole-$i
	ms=$((whole * i / 10))
	keys "$b" >"$tmp/keys.before"
	killed_after "$ms" "$b"
	keys "$b" >"$tmp/keys.after"
	is "$(lost "$tmp/keys.before" "$tmp/keys.after")" "" "make killed after $ms ms: no key replaced"
	recover "make killed after $ms ms" "$b"
	[ "$i" = 5 ] && complete "$b" "$ref" "make killed after $ms ms"
done
is "$(structure "$tmp/whole-9")$(structure "$tmp/whole-1")" "$ref$ref" \
	"make killed early and late: the same tree as a clean run"

# ---- make deploy, its process group killed at offsets ----
start_cluster --state "$PKI/state.json" --job-ms 50
b=$tmp/deploy
m "$b" >/dev/null 2>&1
objects=$(cat "$b"/manifests/*/*.yaml | grep -c '^kind:')
start=$(date +%s%N)
m "$b" deploy >/dev/null 2>&1 || { echo "Bail out! make deploy fails"; exit 1; }
whole=$((($(date +%s%N) - start) / 1000000))
diag "a deploy of every org takes $whole ms here"
level=INFO
for i in 1 2 3 4 5 6 7; do
	level=$(case $level in INFO) echo DEBUG ;; *) echo INFO ;; esac)
	ms=$((whole * i / 8))
	killed_after "$ms" "$b" LOGGING_SPEC=$level deploy
	run m "$b" LOGGING_SPEC=$level deploy
	is "$rc" 0 "deploy killed after $ms ms: the next make deploy succeeds"
	_f=$(for o in $(ls "$b/manifests"); do printf -- '-f %s ' "$b/manifests/$o"; done)
	# shellcheck disable=SC2086
	is "$(kapply diff $_f 2>&1 | grep -v '^unchanged ')" \
		"dry run: 0 to create, 0 to change, $objects unchanged; nothing was changed" \
		"deploy killed after $ms ms: every object is on the server as rendered"
	run m "$b" -q LOGGING_SPEC=$level deploy
	is "$rc" 0 "deploy killed after $ms ms: every stamp is up to date"
done

# ---- make channel chaincode, killed at offsets: each step runs again from
# its Job when its stamp is missing, and the rerun completes the chain ----
m "$b" LOGGING_SPEC=$level deploy >/dev/null 2>&1
start=$(date +%s%N)
m "$b" LOGGING_SPEC=$level channel chaincode >/dev/null 2>&1 || { echo "Bail out! make channel chaincode fails"; exit 1; }
whole=$((($(date +%s%N) - start) / 1000000))
diag "make channel chaincode takes $whole ms here"
for i in 1 2 3 4; do
	rm -rf "$b"/stamps/channel-* "$b"/stamps/chaincode-*
	ms=$((whole * i / 5))
	killed_after "$ms" "$b" LOGGING_SPEC=$level channel chaincode
	run m "$b" LOGGING_SPEC=$level channel chaincode
	is "$rc" 0 "channel chaincode killed after $ms ms: the rerun succeeds"
	is "$(ls "$b/stamps/channel-mychannel" | wc -l):$(ls "$b/stamps/chaincode-mychannel-abstore-1" | wc -l)" 3:10 \
		"channel chaincode killed after $ms ms: every step has its stamp"
	_jobs=$(for f in "$b"/jobs/*/ch-mychannel.yaml "$b"/jobs/*/cc-abstore-1-*.yaml; do printf -- '-f %s ' "$f"; done)
	# shellcheck disable=SC2086
	is "$(kapply wait -q --timeout 1s $_jobs 2>&1)" "" \
		"channel chaincode killed after $ms ms: the Job of every step has completed"
done
is "$(verify "$b")" "" "after every kill: the crypto material still verifies"

diag "processes killed: $(wc -l <"$tmp/kills")"
done_testing
