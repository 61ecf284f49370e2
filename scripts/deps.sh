#!/bin/sh
# deps.sh build|check|fuzz|valgrind... - make sure what the build (the test
# suite, the fuzzers, make check VALGRIND=1) needs is installed.  As root on
# Debian or Ubuntu the missing packages are installed with apt-get;
# otherwise it stops with the exact command to run.
set -u

missing=""
add() { case " $missing " in *" $1 "*) ;; *) missing="$missing $1" ;; esac; }
have() { command -v "$1" >/dev/null 2>&1; }

for what in "$@"; do
	case $what in
	build)
		have cc || add gcc
		have make || add make
		have pkg-config || add pkg-config
		if have pkg-config; then
			pkg-config --exists yaml-0.1 || add libyaml-dev
			pkg-config --exists openssl || add libssl-dev
			if ! pkg-config --exists libcurl; then
				add libcurl4-openssl-dev
			elif ! pkg-config --variable=supported_features libcurl |
				grep -qw HTTP2; then
				echo "deps.sh: the installed libcurl has no HTTP/2;" \
					"install libcurl4-openssl-dev" >&2
				add libcurl4-openssl-dev
			fi
		else
			add libyaml-dev; add libssl-dev; add libcurl4-openssl-dev
		fi
		;;
	check)
		have prove || add perl
		have openssl || add openssl
		have node || add nodejs
		have npm || add npm
		have python3 || add python3
		# the Job scripts' JSON filters run in tests/jobs.t as in the tools image
		have jq || add jq
		# kills tools at a given syscall (tests/crash.t)
		have strace || add strace
		# PyYAML, an independent YAML reader for the manifest checks
		python3 -c 'import yaml' 2>/dev/null || /usr/bin/python3 -c 'import yaml' 2>/dev/null ||
			add python3-yaml
		;;
	fuzz)
		# clang with libFuzzer and the sanitizers' runtime (make fuzz)
		if ! have clang; then
			add clang; add libclang-rt-dev
		elif ! echo 'int LLVMFuzzerTestOneInput(const char *d, long n) { return d && n; }' |
			clang -x c -fsanitize=fuzzer,address,undefined -o /dev/null - >/dev/null 2>&1; then
			major=$(clang -dumpversion 2>/dev/null | cut -d. -f1)
			add "libclang-rt-${major:-14}-dev"
		fi
		;;
	valgrind)
		have valgrind || add valgrind
		;;
	*)
		echo "usage: deps.sh build|check|fuzz|valgrind..." >&2
		exit 2
		;;
	esac
done

[ -z "$missing" ] && exit 0

if [ "$(id -u)" = 0 ] && have apt-get; then
	echo "deps.sh: installing$missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	log=$(mktemp) || exit 1
	# shellcheck disable=SC2086
	if apt-get update >"$log" 2>&1 &&
		apt-get install -y --no-install-recommends $missing >>"$log" 2>&1; then
		rm -f "$log"
		exit 0
	fi
	cat "$log" >&2
	rm -f "$log"
	echo "deps.sh: apt-get failed to install$missing" >&2
	exit 1
fi
echo "deps.sh: missing$missing" >&2
if have apt-get; then
	echo "deps.sh: run: sudo apt-get update && sudo apt-get install -y$missing" >&2
else
	echo "deps.sh: install the packages that provide:$missing" >&2
fi
exit 1
