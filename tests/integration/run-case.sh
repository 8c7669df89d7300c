#!/bin/bash
# run-case.sh - record a test program with ppv-record and check the exit
# status and the per-function counts that ppv-count reads back.
#
# usage: run-case.sh MODE EXPECTED_STATUS EXPECTED PROG [ARGS...]
#   MODE exact:    ppv-count's output must equal the file EXPECTED
#   MODE balanced: every function's enters equal its exits, nothing lost,
#                  nothing mismatched (for non-deterministic programs)
# env: PPV_RECORD, PPV_COUNT, PPV_ANALYZE (paths of the built tools)
set -u
mode=$1 want_status=$2 expected=$3
shift 3
work=$(mktemp -d "${TMPDIR:-/tmp}/ppv-it.XXXXXX")
trap 'rm -rf "$work"' EXIT
ulimit -c 0

fail() { echo "FAIL: $*"; exit 1; }

"$PPV_RECORD" -o "$work/trace" -- "$@" >"$work/stdout" 2>"$work/stderr"
status=$?
cat "$work/stderr"
[ "$status" -eq "$want_status" ] || fail "exit status $status, expected $want_status"

"$PPV_COUNT" "$work/trace" >"$work/count" || fail "ppv-count failed"
cat "$work/count"
case $mode in
exact)
	diff -u "$expected" "$work/count" || fail "counts differ from $expected"
	;;
balanced)
	awk '/ enter=/ { split($2, a, "="); split($3, b, "=");
			if (a[2] != b[2]) { print "unbalanced: " $0; bad = 1 } }
	     /^processes=/ { if ($3 != "lost=0" || $4 != "mismatched=0" || $5 != "open=0") {
			print "bad totals: " $0; bad = 1 } }
	     END { exit bad }' "$work/count" || fail "trace is not balanced"
	;;
*)
	fail "unknown mode $mode"
	;;
esac

# The analyzer's own views must read the same trace without error.
"$PPV_ANALYZE" info "$work/trace" >"$work/info" 2>&1 || { cat "$work/info"; fail "ppv-analyze info failed"; }
"$PPV_ANALYZE" dump "$work/trace" >"$work/dump" 2>&1 || { tail "$work/dump"; fail "ppv-analyze dump failed"; }
echo "ok"
