#!/bin/sh
# import.sh - make's IMPORT (rules/import.mk): the orgs of other operators,
# each from the archive its make export wrote (<domain>.tar.gz, holding
# <domain>/ alone: certificates and org.vars, never a private key).
#   import.sh stage STAGE ARCHIVE...  unpack each into STAGE/<archive's name>/<domain>/,
#                                     refusing (naming the archive and the file)
#                                     what is no such archive or holds a key
#   import.sh commit STAGE DIR        move each staged org to DIR/<domain>/ where
#                                     it differs from what is there (an unchanged
#                                     import keeps its files and their times), and
#                                     remove the orgs no longer imported
# Nothing is unpacked into DIR by stage: make runs yaml2vars on the staged
# org.vars (its checks against the own orgs) before commit.
set -u

die() { echo "make: IMPORT: $*" >&2; exit 1; }

# stage_one STAGE ARCHIVE: one archive; its top directory's name on stdout
stage_one() {
	_a=$2 _d=$1/${2##*/}
	[ -f "$_a" ] || die "$_a: no such file"
	[ ! -e "$_d" ] || die "$_a: two archives of IMPORT are named ${_a##*/}"
	{ gzip -t "$_a" && tar -tzf "$_a" >/dev/null; } 2>/dev/null ||
		die "$_a: not a gzip-compressed tar archive (make export's <domain>.tar.gz)"
	_top=$(tar -tzf "$_a" | sed -n '1s|/.*||p')
	case $_top in
	'' | . | ..) die "$_a: no top directory: make export's archive holds <domain>/" ;;
	esac
	tar -tzf "$_a" | while read -r _f; do
		case /$_f/ in
		/"$_top"/*) ;;
		*) die "$_a: $_f is not under $_top/: an org's export holds <domain>/ alone" ;;
		esac
		case /$_f/ in
		*/../* | //*) die "$_a: $_f: a name outside the archive's directory" ;;
		*/keystore/* | *_sk/ | *.key/) die "$_a: $_f is a private key's place (keystore, *_sk, *.key): refused, an export holds no private key" ;;
		esac
	done || exit 1
	# files and directories only: no link may point out of the tree
	tar -tvzf "$_a" | grep -v '^[-d]' | awk '{ print $6 }' |
		while read -r _f; do die "$_a: $_f is neither a file nor a directory"; done || exit 1
	mkdir -p "$_d" && tar -C "$_d" -xzmf "$_a" --no-same-owner || die "$_a: cannot be unpacked"
	_keys=$(cd "$_d" && grep -rl 'PRIVATE KEY' . | sed 's|^\./||')
	[ -z "$_keys" ] || die "$_a: $(printf '%s' "$_keys" | head -1) holds a private key: refused, an export holds none"
	[ -f "$_d/$_top/org.vars" ] || die "$_a: no $_top/org.vars: not an archive of make export"
	echo "$_top"
}

stage() {
	_s=$1; shift
	rm -rf "$_s" && mkdir -p "$_s" || exit 1
	for _arch in "$@"; do
		_t=$(stage_one "$_s" "$_arch") || exit 1
		# two archives of one org: the second would replace the first
		_seen=$(grep -x "$_t .*" "$_s/.tops" 2>/dev/null | sed 's/^[^ ]* //')
		[ -z "$_seen" ] || die "$_arch: holds $_t/, as $_seen does: two imports are one org"
		echo "$_t $_arch" >>"$_s/.tops"
	done
}

commit() {
	_s=$1 _dir=$2
	mkdir -p "$_dir" || exit 1
	for _o in "$_s"/*/*/; do
		[ -d "$_o" ] || continue
		_o=${_o%/} _dom=${_o##*/}
		if [ -d "$_dir/$_dom" ] && diff -r "$_dir/$_dom" "$_o" >/dev/null 2>&1; then
			continue
		fi
		rm -rf "$_dir/.$_dom.old" &&
			{ [ ! -d "$_dir/$_dom" ] || mv "$_dir/$_dom" "$_dir/.$_dom.old"; } &&
			mv "$_o" "$_dir/$_dom" && rm -rf "$_dir/.$_dom.old" || exit 1
	done
	for _o in "$_dir"/*/; do
		[ -d "$_o" ] || continue
		_o=${_o%/}
		grep -qx "${_o##*/} .*" "$_s/.tops" 2>/dev/null || rm -rf "$_o" || exit 1
	done
	rmdir "$_dir" 2>/dev/null
	rm -rf "$_s"
}

case ${1:-} in
stage) shift; stage "$@" ;;
commit) shift; commit "$@" ;;
*) echo "usage: import.sh stage STAGE ARCHIVE... | commit STAGE DIR" >&2; exit 2 ;;
esac
