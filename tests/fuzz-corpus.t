#!/bin/sh
# Every input of every fuzz target's corpus (fuzz/corpus/<target>/: the
# seeds made from real inputs, and what fuzzing found, crashes included)
# replayed through the target without libFuzzer, on the tools' compiler;
# under SANITIZE=1 with AddressSanitizer, UndefinedBehaviorSanitizer and
# LeakSanitizer.  A target checks properties of what the library returns
# (fuzz/<target>.c says which) and aborts when one does not hold.
. "$TOP/tests/lib.sh"

cd "$TOP" || exit 1
for src in fuzz/*.c; do
	t=$(basename "$src" .c)
	[ "$t" = driver ] && continue
	want=$(ls "fuzz/corpus/$t" | wc -l)
	"$FUZZ_BIN/$t" "fuzz/corpus/$t" >"$tmp/$t.out" 2>"$tmp/$t.err"
	rc=$?
	is "$rc:$(cat "$tmp/$t.out")" "0:$want inputs" "$t: the $want inputs of its corpus replay cleanly"
	if [ "$rc" -ne 0 ]; then
		diag "$(grep -v "^fuzz-$t: " "$tmp/$t.err" | tail -n 30)"
	fi
	ok "$([ "$want" -ge 5 ]; echo $?)" "$t: a corpus of more than a handful of inputs"
done

done_testing
