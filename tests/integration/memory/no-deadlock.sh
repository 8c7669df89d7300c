#!/bin/bash
# no-deadlock.sh PROGRAM - record mem-signal (malloc/free from a 1 ms
# SIGALRM handler while 5 threads allocate in loops, from an atexit
# handler, and from destructors before and after the recorder's own) at
# fine granularity in lossless mode, three times in a row. Each run must
# end within the timeout with status 0 and leave a complete trace with
# allocations in it.
# env: PPV_RECORD, PPV_ANALYZE
set -u
prog=$1
work=$(mktemp -d "${TMPDIR:-/tmp}/ppv-memsig.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

for run in 1 2 3; do
	t="$work/t$run"
	timeout 60 "$PPV_RECORD" -g fine --mode lossless -o "$t" -- "$prog" >"$work/out" 2>"$work/err"
	status=$?
	[ "$status" -ne 124 ] || fail "run $run: still running after 60 s (deadlock)"
	[ "$status" -eq 0 ] || { cat "$work/err" "$work/out"; fail "run $run: status $status"; }
	for line in "handler calls: 10 or more" "atexit handler: done" \
		"program destructor: done" "late destructor: recording stopped"; do
		grep -qx "$line" "$work/out" || { cat "$work/out"; fail "run $run: no '$line'"; }
	done
	"$PPV_ANALYZE" info "$t" >"$work/info" || fail "run $run: ppv-analyze info failed"
	grep -q 'ended: *cleanly' "$work/info" || { cat "$work/info"; fail "run $run: trace incomplete"; }
	grep -q 'lost events: 0' "$work/info" || { cat "$work/info"; fail "run $run: events lost"; }
	grep -qE 'events: .*alloc [1-9][0-9]*, free [1-9]' "$work/info" ||
		{ cat "$work/info"; fail "run $run: no allocation recorded"; }
	echo "ok: run $run ended, trace complete"
done

# The atexit handler and the program's destructor ran while recording.
"$PPV_ANALYZE" hotspots --limit 100 "$t" >"$work/hot" || fail "ppv-analyze hotspots failed"
for f in at_exit_handler early_fini; do
	n=$(awk -v f="$f" '$NF == f { print $1 }' "$work/hot")
	[ "$n" = 1 ] || { cat "$work/hot"; fail "$f: '$n' calls recorded, expected 1"; }
done
echo "ok: the exit handlers were recorded"
