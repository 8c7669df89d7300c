#!/bin/bash
# kill-case.sh - SIGKILL a recorded program mid-run: ppv-record must exit
# with 137 like a shell would, and the trace must still be readable up to
# its last flushed chunk, with every function that was entered before the
# last flush counted.
# env: PPV_RECORD, PPV_COUNT, PPV_ANALYZE; $1: the s-spin program
set -u
work=$(mktemp -d "${TMPDIR:-/tmp}/ppv-kill.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$PPV_RECORD" -o "$work/trace" -- "$1" >"$work/stdout" 2>"$work/stderr" &
rec=$!
for _ in $(seq 200); do
	grep -q ready "$work/stdout" 2>/dev/null && break
	sleep 0.05
done
grep -q ready "$work/stdout" || fail "program never got ready"
sleep 0.4 # > 3 flush intervals of 100 ms
child=$(pgrep -P "$rec" | head -1)
[ -n "$child" ] || fail "no child of ppv-record"
kill -KILL "$child"
wait "$rec"
status=$?
cat "$work/stderr"
[ "$status" -eq 137 ] || fail "ppv-record exit status $status, expected 137"

"$PPV_COUNT" "$work/trace" >"$work/count" 2>"$work/count.err" || { cat "$work/count.err"; fail "ppv-count failed on a killed trace"; }
cat "$work/count"
ticks=$(awk '$1 == "tick" { split($2, a, "="); print a[2] }' "$work/count")
[ -n "$ticks" ] && [ "$ticks" -gt 10000 ] || fail "expected > 10000 calls of tick, got '${ticks}'"
grep -q "mismatched=0" "$work/count" || fail "mismatched frames"
"$PPV_ANALYZE" info "$work/trace" >"$work/info" 2>&1 || { cat "$work/info"; fail "ppv-analyze info failed"; }
grep -qi "warning" "$work/info" || fail "info does not warn that the trace ends early"
echo "ok"
