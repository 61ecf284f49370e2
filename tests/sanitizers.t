#!/bin/sh
# Under SANITIZE=1, the sanitizers the suite counts on are on and work
# here: a leak (LeakSanitizer, which cannot run under ptrace, for one), a
# write after free (AddressSanitizer) and a signed overflow
# (UndefinedBehaviorSanitizer) each end the program with status 66 and a
# report: in the log_path the suite's options name for the first two (make
# check fails on any report left there by any program of the suite), on
# stderr for the third (GCC's runtime ignores log_path for it).
. "$TOP/tests/lib.sh"

if [ "${SANITIZE:-}" != 1 ]; then
	skip 1 "not a sanitizer build (make check SANITIZE=1)"
	done_testing
	exit
fi
# the suite's options, with the reports sent here instead
logs=$tmp/reports
mkdir "$logs"
opts_asan=$(printf '%s' "$ASAN_OPTIONS" | sed "s|log_path=[^:]*|log_path=$logs/asan|")
opts_ubsan=$(printf '%s' "$UBSAN_OPTIONS" | sed "s|log_path=[^:]*|log_path=$logs/ubsan|")
like "$ASAN_OPTIONS" 'detect_leaks=1' "the suite runs with leak detection"
like "$ASAN_OPTIONS" 'log_path=' "and collects the reports in files"

for fault in leak freed signed; do
	rm -f "$logs"/*
	ASAN_OPTIONS=$opts_asan UBSAN_OPTIONS=$opts_ubsan "$CANARY" "$fault" >/dev/null 2>"$tmp/stderr"
	is "$?" 66 "$fault: the program fails with status 66"
	case $fault in
	leak) want='ERROR: LeakSanitizer: detected memory leaks' where=$(cat "$logs"/* 2>/dev/null) ;;
	freed) want='ERROR: AddressSanitizer: heap-use-after-free' where=$(cat "$logs"/* 2>/dev/null) ;;
	signed) want='runtime error: signed integer overflow' where=$(cat "$tmp/stderr") ;;
	esac
	like "$where" "$want" "$fault: reported ($want)"
done

done_testing
