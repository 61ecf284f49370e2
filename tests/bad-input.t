#!/bin/sh
# Malformed inputs of every kind an operator writes, one file each under
# tests/bad-input/<kind>/, run through the tool that reads it:
#
#   crypto-config/  yaml2vars, mspgen extend and mspgen generate
#   cluster/        yaml2vars alone: crypto-config files cryptogen takes
#                   (and mspgen with it) but a cluster cannot
#   configtx/       txgen -outputBlock (or the arguments in <case>.args),
#                   with the sample network's MSPs
#   templates/      render, with common variables and <case>.vars if any
#   kubeconfig/     kapply apply --kubeconfig <case> (a good manifest)
#   manifests/      kapply apply -f <case> (a good kubeconfig)
#
# Each case must fail with the exact message of <case>.err (the same for
# yaml2vars and mspgen, but for the program's name), exit status 1 (or the
# one in <case>.status), nothing on stdout, and its output untouched: the
# vars and crypto trees, the artifact and the rendered file keep their
# content and timestamps, no output directory appears.  The kubeconfigs
# name a server where nothing listens, so a case that got as far as a
# request would fail with another message.
. "$TOP/tests/lib.sh"

BAD=$TOP/tests/bad-input
cd "$tmp" || exit 1

# what the cases run against: the sample network's vars and crypto material
cp "$TOP/crypto-config.yaml" sample.yaml
yaml2vars -o "$tmp/good-vars" sample.yaml &&
	mspgen extend --config=sample.yaml --input="$tmp/good-crypto" >/dev/null || {
	echo "Bail out! cannot make the sample network's vars and MSPs"
	exit 1
}
printf 'apiVersion: v1\nkind: Namespace\nmetadata: {name: demo}\n' >ns.yaml
printf '%s\n' 'apiVersion: v1' 'kind: Config' 'current-context: t' \
	'contexts: [{name: t, context: {cluster: c}}]' \
	'clusters: [{name: c, cluster: {server: "https://127.0.0.1:9", insecure-skip-tls-verify: true}}]' \
	>kubeconfig.yaml
printf 'ORG=org1\nNODE=peer0\nEMPTY=\nCOLON=a: b\n' >common.vars
total=0

# expect NAME WANT-STATUS WANT-STDERR WATCHED-PATH COMMAND...: run COMMAND
# in $w and check its status, its stderr, its stdout (empty) and that
# WATCHED-PATH is as it was.
expect() {
	_name=$1 _rc=$2 _err=$3 _watch=$4
	shift 4
	_before=$(snapshot "$_watch")
	(cd "$w" && "$@" >"$tmp/.out" 2>"$tmp/.err")
	_got=$?
	is "$_got" "$_rc" "$_name: exit status $_rc"
	is "$(cat "$tmp/.err")" "$_err" "$_name: message"
	is "$(cat "$tmp/.out")$(snapshot "$_watch")" "$_before" "$_name: nothing printed, output untouched"
}

# case_setup KIND FILE: a fresh directory $w for one case; sets name, want, status
case_setup() {
	name=$1/$(basename "${2%.*}")
	w=$tmp/w/$name
	mkdir -p "$w"
	want=$(cat "${2%.*}.err")
	status=1
	[ -f "${2%.*}.status" ] && status=$(cat "${2%.*}.status")
	total=$((total + 1))
}

# ---- crypto-config.yaml: yaml2vars and mspgen read it with one loader ----
for case in "$BAD"/crypto-config/*.yaml; do
	case_setup crypto-config "$case"
	cp "$case" "$w/crypto-config.yaml"
	cp -a "$tmp/good-vars" "$w/vars"
	expect "$name: yaml2vars" "$status" "$want" "$w/vars" yaml2vars -o vars crypto-config.yaml
	expect "$name: mspgen extend" "$status" "$(printf '%s\n' "$want" | sed 's/^yaml2vars: /mspgen: /')" \
		"$tmp/good-crypto" mspgen extend --config=crypto-config.yaml --input="$tmp/good-crypto"
	(cd "$w" && yaml2vars -o fresh crypto-config.yaml >/dev/null 2>&1;
		mspgen generate --config=crypto-config.yaml --output=fresh-crypto >/dev/null 2>&1)
	ok "$([ ! -e "$w/fresh" ] && [ ! -e "$w/fresh-crypto" ]; echo $?)" \
		"$name: no output directory made by yaml2vars or mspgen generate"
done

# ---- crypto-config.yaml a cluster cannot take: yaml2vars refuses, mspgen does not ----
for case in "$BAD"/cluster/*.yaml; do
	case_setup cluster "$case"
	cp "$case" "$w/crypto-config.yaml"
	cp -a "$tmp/good-vars" "$w/vars"
	expect "$name: yaml2vars" "$status" "$want" "$w/vars" yaml2vars -o vars crypto-config.yaml
	(cd "$w" && mspgen generate --config=crypto-config.yaml --output=crypto >/dev/null)
	ok $? "$name: mspgen generate takes it, as cryptogen does"
done

# ---- configtx.yaml: txgen, with the sample network's MSPs ----
for case in "$BAD"/configtx/*.yaml; do
	case_setup configtx "$case"
	cp "$case" "$w/configtx.yaml"
	ln -s "$tmp/good-crypto" "$w/crypto-config"
	mkdir "$w/out" && echo keep >"$w/out/genesis.block"
	args="-profile P -channelID ch -outputBlock out/genesis.block"
	[ -f "${case%.*}.args" ] && args=$(cat "${case%.*}.args")
	# shellcheck disable=SC2086
	expect "$name: txgen" "$status" "$want" "$w/out" txgen -configPath . $args
done

# ---- templates: render ----
for case in "$BAD"/templates/*.yaml; do
	case_setup templates "$case"
	cp "$case" "$w/template.yaml"
	cp common.vars "$w/"
	set -- -f common.vars
	if [ -f "${case%.*}.vars" ]; then
		cp "${case%.*}.vars" "$w/values.vars"
		set -- "$@" -f values.vars
	fi
	mkdir "$w/out" && echo keep >"$w/out/object.yaml"
	expect "$name: render" "$status" "$want" "$w/out" render "$@" -D "LINES=one
two" -o out/object.yaml template.yaml
done

# ---- kubeconfigs and manifests: kapply, before any request ----
for case in "$BAD"/kubeconfig/*.yaml "$BAD"/manifests/*.yaml; do
	kind=$(basename "$(dirname "$case")")
	case_setup "$kind" "$case"
	cp kubeconfig.yaml ns.yaml "$w/"
	file=ns.yaml
	case $kind in
	kubeconfig) cp "$case" "$w/kubeconfig.yaml" ;;
	*) cp "$case" "$w/manifest.yaml" && file=manifest.yaml ;;
	esac
	expect "$name: kapply" "$status" "$want" "$w" kapply apply --kubeconfig kubeconfig.yaml -f "$file"
done

ok "$([ "$total" -ge 100 ]; echo $?)" "$total malformed inputs"

done_testing
